// Proximal nested sampling against closed-form evidences at d = 200 (cheap settings, ~1 s
// each on one core): Gaussian prior + blur (FFT diagonalisation), Laplace prior with Φ = I
// (per-pixel erfc formula), and a wavelet-ℓ1 prior with Φ = I (the same formula on the
// orthonormal coefficients Ψᵀy). The 64×64 case is tagged [.long] (not run by default).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "sampling/op_check.hpp"
#include "sampling/reference.hpp"
#include "sphaera/sampling/convolution.hpp"
#include "sphaera/sampling/likelihood.hpp"
#include "sphaera/sampling/nested_sampling.hpp"
#include "sphaera/sampling/priors.hpp"
#include "sphaera/sampling/total_variation.hpp"
#include "sphaera/sampling/wavelets.hpp"

using namespace sphaera;
using namespace sphaera::sampling;

namespace {
void check_evidence(const nested_result& r, double exact, const char* what) {
    const double diff = r.log_evidence - exact;
    INFO(what << ": ln Z = " << r.log_evidence << " +- " << r.log_evidence_error << ", exact " << exact
              << ", difference " << diff << " (" << diff / r.log_evidence_error << " sigma); H = "
              << r.information << ", " << r.iterations << " iterations, acceptance " << r.acceptance);
    CHECK(std::abs(diff) < 3 * r.log_evidence_error);
    CHECK(std::abs(diff) < 0.5);
    WARN(what << ": ln Z error " << diff << " nats, quoted sigma " << r.log_evidence_error);
}
nested_options cheap(std::uint64_t seed) {
    nested_options o;
    o.live_points = 300;
    o.mcmc_steps = 20;
    o.seed = seed;
    return o;
}
}  // namespace

TEST_CASE("nested sampling: Gaussian prior and blur at d = 200", "[sampling][nested]") {
    const image_shape s{10, 20};
    const double sigma = 1, tau = 1;
    const auto psf = gaussian_psf(s, 0.7);
    convolution_operator blur(s, psf);
    const auto truth = sphaera::test::normal<double>(s.size(), 51);
    const auto noise = sphaera::test::normal<double>(s.size(), 52);
    std::vector<double> y(s.size());
    blur.apply(as_view(truth), as_view(y));
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = tau * y[i] + sigma * noise[i];
    auto like = make_gaussian_likelihood(blur, y, sigma);
    gaussian_prior prior(s.size(), tau);
    const auto r = proximal_nested_sampling(prior, like, cheap(0));
    check_evidence(r, reference::gaussian_blur_posterior(psf, s, y, sigma, tau * tau).log_evidence, "Gaussian+blur");
    // Weights and likelihoods describe the run: Σ w ≈ 1 (prior mass), ln L increasing.
    double lw = -INFINITY;
    for (double w : r.log_weights) lw = std::max(lw, w) + std::log1p(std::exp(-std::abs(lw - w)));
    CHECK(std::abs(std::exp(lw) - 1) < 2.0 / 300);
    CHECK(std::is_sorted(r.log_likelihoods.begin(), r.log_likelihoods.end() - 300));
}

TEST_CASE("nested sampling: Laplace prior with identity at d = 200", "[sampling][nested]") {
    const std::size_t n = 200;
    const double sigma = 2.0, alpha = 1.0;
    const auto y = sphaera::test::normal<double>(n, 61);
    auto like = make_gaussian_likelihood(identity_operator(n), y, sigma);
    auto prior = make_l1_norm(n, alpha);
    const auto r = proximal_nested_sampling(prior, like, cheap(1));
    check_evidence(r, reference::laplace_denoising(y, sigma, alpha).log_evidence, "Laplace");
}

TEST_CASE("nested sampling: wavelet l1 prior with identity", "[sampling][nested][wavelets]") {
    const image_shape s{16, 16};
    const double sigma = 2.0, alpha = 1.0;
    analysis_l1<wavelet_basis> prior(wavelet_basis(s, 4, 2), alpha);
    auto y = sphaera::test::normal<double>(s.size(), 71);
    auto like = make_gaussian_likelihood(identity_operator(s.size()), y, sigma);
    // ‖y − x‖ = ‖Ψᵀy − Ψᵀx‖ and the prior is Laplace on Ψᵀx: the evidence is the
    // per-coefficient formula at c = Ψᵀy.
    std::vector<double> c(s.size());
    prior.basis().analysis(as_view(y), as_view(c));
    nested_options o = cheap(2);
    o.live_points = 250;
    const auto r = proximal_nested_sampling(prior, like, o);
    check_evidence(r, reference::laplace_denoising(c, sigma, alpha).log_evidence, "wavelet l1");
}

TEST_CASE("nested sampling: Gaussian prior and blur at 64x64", "[.long][sampling][nested]") {
    const image_shape s{64, 64};
    const double sigma = 4, tau = 1;
    const auto psf = gaussian_psf(s, 1.0);
    convolution_operator blur(s, psf);
    const auto truth = sphaera::test::normal<double>(s.size(), 81);
    const auto noise = sphaera::test::normal<double>(s.size(), 82);
    std::vector<double> y(s.size());
    blur.apply(as_view(truth), as_view(y));
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = tau * y[i] + sigma * noise[i];
    auto like = make_gaussian_likelihood(blur, y, sigma);
    gaussian_prior prior(s.size(), tau);
    nested_options o;
    o.live_points = 400;
    o.mcmc_steps = 30;
    o.batch = 8;
    const auto r = proximal_nested_sampling(prior, like, o);
    check_evidence(r, reference::gaussian_blur_posterior(psf, s, y, sigma, tau * tau).log_evidence, "64x64 Gaussian+blur");
}

TEST_CASE("nested sampling rejects bad input", "[sampling][nested][errors]") {
    const std::size_t n = 20;
    auto like = make_gaussian_likelihood(identity_operator(n), std::vector<double>(n, 0.0), 1.0);
    gaussian_prior prior(n, 1.0);
    nested_options o;
    o.live_points = 1;
    CHECK_THROWS_AS(proximal_nested_sampling(prior, like, o), invalid_argument);
    o.live_points = 10;
    o.batch = 10;
    CHECK_THROWS_AS(proximal_nested_sampling(prior, like, o), invalid_argument);
    o.batch = 2;
    CHECK_THROWS_AS(proximal_nested_sampling(prior, like, o, std::vector<double>(7)), shape_mismatch);
    std::vector<double> bad(10 * n, 0.0);
    bad[3] = NAN;
    CHECK_THROWS_AS(proximal_nested_sampling(prior, like, o, bad), non_finite);
    // TV is improper: no exact prior draws, so live points must be given.
    total_variation tv({4, 5}, 1.0);
    CHECK_THROWS_AS(proximal_nested_sampling(tv, like, o), invalid_argument);
    CHECK_THROWS_AS(proximal_nested_sampling(make_l1_norm(n + 1, 1.0), like, o), shape_mismatch);
    CHECK_THROWS_AS(like.project_level(as_view(std::vector<double>(n)), as_view(bad).subview(0, n), 1e9), invalid_argument);
}

TEST_CASE("nested sampling kernels: fused value+prox and the identity likelihood", "[sampling][nested]") {
    const image_shape s{16, 16};
    analysis_l1<wavelet_basis> prior(wavelet_basis(s, 4, 2), 0.7);
    const auto x = sphaera::test::normal<double>(s.size(), 91);
    std::vector<double> p1(s.size()), p2(s.size());
    const double v = prior.value_and_prox(as_view(x), as_view(p1), 0.3);
    prior.prox(as_view(x), as_view(p2), 0.3);
    CHECK(v == Approx(prior.value(as_view(x))).epsilon(1e-12));
    for (std::size_t i = 0; i < p1.size(); ++i) CHECK(p1[i] == Approx(p2[i]).margin(1e-12));
    // Φ = I takes the ‖y − x‖ shortcut: same value as the explicit formula.
    const auto y = sphaera::test::normal<double>(s.size(), 92);
    auto like = make_gaussian_likelihood(identity_operator(s.size()), y, 1.5);
    double r2 = 0;
    for (std::size_t i = 0; i < y.size(); ++i) r2 += (y[i] - x[i]) * (y[i] - x[i]);
    CHECK(like.residual_norm2(as_view(x)) == Approx(r2).epsilon(1e-13));
}

TEST_CASE("nested sampling kernels: the Gaussian prior's fused value and gradient step", "[sampling][nested]") {
    const std::size_t n = 1001;  // not a multiple of any SIMD width
    const double tau = 1.7, gamma = 0.37;
    gaussian_prior prior(n, tau);
    const auto x = sphaera::test::normal<double>(n, 93);
    std::vector<double> step(n), grad(n);
    const double v = prior.value_and_gradient_step(as_view(x), as_view(step), gamma);
    CHECK(v == Approx(prior.value(as_view(x))).epsilon(1e-13));
    prior.gradient(as_view(x), as_view(grad));
    for (std::size_t i = 0; i < n; ++i) CHECK(step[i] == Approx(x[i] - gamma * grad[i]).margin(1e-14));
    // In place (out = x) is allowed.
    std::vector<double> z = x;
    CHECK(prior.value_and_gradient_step(as_view(z), as_view(z), gamma) == v);
    for (std::size_t i = 0; i < n; ++i) CHECK(z[i] == step[i]);
    std::vector<double> short_out(n - 1);
    CHECK_THROWS_AS(prior.value_and_gradient_step(as_view(x), as_view(short_out), gamma), shape_mismatch);
}
