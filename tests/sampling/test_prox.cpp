// Every proximal map against its optimality condition: p = prox_{γg}(x) iff
//   γ g(w) ≥ γ g(p) + ⟨x − p, w − p⟩ for every w   (x − p ∈ γ∂g(p)),
// checked at random w near and far from p, plus the exact subgradient / KKT conditions
// where they are explicit; the Moreau–Yosida gradient by finite differences.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "sampling/op_check.hpp"
#include "sphaera/sampling/convolution.hpp"
#include "sphaera/sampling/fourier_measurements.hpp"
#include "sphaera/sampling/l2_ball.hpp"
#include "sphaera/sampling/moreau_yosida.hpp"
#include "sphaera/sampling/priors.hpp"
#include "sphaera/sampling/total_variation.hpp"
#include "sphaera/sampling/wavelets.hpp"
#include "support/finite_difference.hpp"

using namespace sphaera;
using namespace sphaera::sampling;
std::vector<double> randn(std::size_t n, std::uint64_t seed) { return sphaera::test::normal<double>(n, seed); }

namespace {

double dotv(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

/// Worst violation of γ g(w) ≥ γ g(p) + ⟨x − p, w − p⟩ − slack over random w = p + s d
/// (s from 1e-4 to 10), relative to the size of the terms. Returns the largest violation.
template <class G>
double variational_violation(const G& g, const std::vector<double>& x, const std::vector<double>& p,
                             double gamma, std::uint64_t seed) {
    const std::size_t n = x.size();
    const double gp = g.value(as_view(p));
    std::vector<double> xp(n);
    for (std::size_t i = 0; i < n; ++i) xp[i] = x[i] - p[i];
    double worst = 0;
    int k = 0;
    for (double s : {1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0}) {
        for (int rep = 0; rep < 5; ++rep, ++k) {
            auto d = randn(n, seed + 100 * k);
            std::vector<double> w(n);
            for (std::size_t i = 0; i < n; ++i) w[i] = p[i] + s * d[i];
            const double gw = g.value(as_view(w));
            if (!std::isfinite(gw)) continue;  // outside the domain: nothing to check
            std::vector<double> wp(n);
            for (std::size_t i = 0; i < n; ++i) wp[i] = w[i] - p[i];
            const double lhs = gamma * gw, rhs = gamma * gp + dotv(xp, wp);
            const double scale = std::abs(gamma * gw) + std::abs(gamma * gp) + std::abs(dotv(xp, wp)) + 1e-300;
            worst = std::max(worst, (rhs - lhs) / scale);
        }
    }
    return worst;
}

template <class G>
std::vector<double> prox_of(const G& g, const std::vector<double>& x, double gamma) {
    std::vector<double> p(x.size());
    g.prox(as_view(x), as_view(p), gamma);
    return p;
}

}  // namespace

TEST_CASE("l1 prox: soft thresholding meets the subgradient condition", "[sampling][prox]") {
    const std::size_t n = 200;
    const double alpha = 0.7, gamma = 0.9;
    auto g = make_l1_norm(n, alpha);
    const auto x = randn(n, 1);
    const auto p = prox_of(g, x, gamma);
    // (x − p)/γ ∈ α ∂|p|: = α sign(p) where p ≠ 0, |·| ≤ α where p = 0.
    for (std::size_t i = 0; i < n; ++i) {
        const double s = (x[i] - p[i]) / gamma;
        if (p[i] != 0) CHECK(std::abs(s - alpha * (p[i] > 0 ? 1 : -1)) < 1e-14);
        else CHECK(std::abs(s) <= alpha + 1e-14);
    }
    CHECK(variational_violation(g, x, p, gamma, 2) < 1e-13);
}

TEST_CASE("wavelet l1 prox meets the optimality condition", "[sampling][prox][wavelets]") {
    const image_shape s{16, 16};
    for (int order : {1, 4, 8}) {
        analysis_l1<wavelet_basis> g(wavelet_basis(s, order, 3), 0.5);
        const auto x = randn(s.size(), 3);
        const double gamma = 1.3;
        const auto p = prox_of(g, x, gamma);
        // In coefficient space: Ψᵀ(x − p)/γ ∈ α∂‖Ψᵀp‖₁.
        std::vector<double> cx(s.size()), cp(s.size());
        g.basis().analysis(as_view(x), as_view(cx));
        g.basis().analysis(as_view(p), as_view(cp));
        double worst = 0;
        for (std::size_t i = 0; i < s.size(); ++i) {
            const double sub = (cx[i] - cp[i]) / gamma;
            worst = std::max(worst, std::abs(cp[i]) > 1e-12 ? std::abs(sub - 0.5 * (cp[i] > 0 ? 1 : -1))
                                                              : std::max(0.0, std::abs(sub) - 0.5));
        }
        INFO("db" << order << " worst subgradient violation " << worst);
        CHECK(worst < 1e-12);
        CHECK(variational_violation(g, x, p, gamma, 4) < 1e-12);
    }
}

TEST_CASE("Gaussian prior and box prox", "[sampling][prox]") {
    const std::size_t n = 50;
    gaussian_prior gp(n, 1.7);
    const auto x = randn(n, 5);
    const auto p = prox_of(gp, x, 0.6);
    for (std::size_t i = 0; i < n; ++i) CHECK(std::abs((x[i] - p[i]) / 0.6 - p[i] / (1.7 * 1.7)) < 1e-14);
    CHECK(variational_violation(gp, x, p, 0.6, 6) < 1e-13);
    box_indicator box(n, -0.5, 0.8);
    const auto q = prox_of(box, x, 1.0);
    CHECK(box.value(as_view(q)) == 0.0);
    // ⟨x − q, w − q⟩ ≤ 0 for w in the box.
    for (int k = 0; k < 20; ++k) {
        auto w = sphaera::test::uniform<double>(n, 40 + k, -0.5, 0.8);
        std::vector<double> xq(n), wq(n);
        for (std::size_t i = 0; i < n; ++i) { xq[i] = x[i] - q[i]; wq[i] = w[i] - q[i]; }
        CHECK(dotv(xq, wq) <= 1e-14);
    }
    CHECK(variational_violation(box, x, q, 1.0, 7) <= 1e-14);
    const auto pos = prox_of(positivity(n), x, 1.0);
    for (std::size_t i = 0; i < n; ++i) CHECK(pos[i] == std::max(x[i], 0.0));
}

TEST_CASE("TV prox: Chambolle's dual projection reaches a small duality gap", "[sampling][prox][tv]") {
    const image_shape s{12, 16};
    tv_options o;
    o.max_iterations = 20000;
    o.tolerance = 1e-10;
    o.step = 0.25;
    total_variation tv(s, 1.0, o);
    auto x = randn(s.size(), 8);
    // A piecewise-constant image plus noise, the case TV is made for.
    for (std::size_t i = 0; i < s.ny; ++i)
        for (std::size_t j = 0; j < s.nx; ++j) x[i * s.nx + j] = 0.3 * x[i * s.nx + j] + (j > 7 ? 2.0 : 0.0);
    for (double gamma : {0.05, 0.3, 1.0}) {
        std::vector<double> p(s.size());
        const double gap = tv.prox_with_gap(as_view(x), as_view(p), gamma);
        double xx = 0;
        for (double v : x) xx += v * v;
        INFO("gamma " << gamma << " duality gap " << gap << " relative to |x|^2/2: " << gap / (0.5 * xx));
        CHECK(gap < 1e-7 * 0.5 * xx);
        // The variational inequality holds up to the suboptimality the gap bounds.
        CHECK(variational_violation(tv, x, p, gamma, 9) < 1e-6);
    }
    // Few iterations: looser gap, but still a valid (dual-feasible) certificate.
    total_variation quick(s, 1.0, tv_options{10, 1e-12, 0.125});
    std::vector<double> p(s.size());
    const double gap10 = quick.prox_with_gap(as_view(x), as_view(p), 0.3);
    CHECK(gap10 > 0);
    CHECK_THROWS_AS(total_variation(s, 0.0), invalid_argument);
    CHECK_THROWS_AS(total_variation(s, 1.0, tv_options{10, 1e-6, 0.3}), invalid_argument);
}

TEST_CASE("ridge TV prox: closed form through the TV prox", "[sampling][prox][tv]") {
    const image_shape s{12, 16};
    tv_options o;
    o.max_iterations = 20000;
    o.tolerance = 1e-10;
    o.step = 0.25;
    const double rho = 0.7;
    ridge_total_variation g(s, 1.0, rho, o);
    auto x = randn(s.size(), 18);
    for (std::size_t i = 0; i < s.ny; ++i)
        for (std::size_t j = 0; j < s.nx; ++j) x[i * s.nx + j] = 0.3 * x[i * s.nx + j] + (j > 7 ? 2.0 : 0.0);
    for (double gamma : {0.05, 0.3, 1.0}) {
        std::vector<double> p(s.size());
        g.prox(as_view(x), as_view(p), gamma);
        // prox_{γg}(x) minimises g(u) + |u − x|²/(2γ): no perturbation may lower it.
        auto objective = [&](const std::vector<double>& u) {
            double d = 0;
            for (std::size_t i = 0; i < u.size(); ++i) d += (u[i] - x[i]) * (u[i] - x[i]);
            return g.value(as_view(u)) + d / (2 * gamma);
        };
        const double best = objective(p);
        double worst_gain = 0;
        for (std::uint64_t k = 0; k < 40; ++k) {
            auto e = randn(s.size(), 100 + k);
            for (double eps : {1e-2, 1e-3}) {
                std::vector<double> u(p);
                for (std::size_t i = 0; i < u.size(); ++i) u[i] += eps * e[i];
                worst_gain = std::max(worst_gain, best - objective(u));
            }
        }
        INFO("gamma " << gamma << ": largest decrease by a perturbation " << worst_gain);
        CHECK(worst_gain < 1e-7);
    }
    CHECK_THROWS_AS(ridge_total_variation(s, 1.0, 0.0), invalid_argument);
}

TEST_CASE("l2-ball projection: KKT conditions, tight and iterative", "[sampling][prox][l2ball]") {
    const image_shape s{8, 8};
    const std::size_t n = s.size();
    const auto x0 = randn(n, 11);
    convolution_operator blur(s, gaussian_psf(s, 1.2));
    fourier_measurement_operator four(s, random_frequencies(s, 0.3, 3));
    std::vector<bool> obs(n);
    for (std::size_t i = 0; i < n; ++i) obs[i] = i % 3 != 0;
    mask_operator mask(obs);
    struct hidden {  // the blur without its fast solver: forces conjugate gradients
        const convolution_operator& c;
        std::size_t in_size() const { return c.in_size(); }
        std::size_t out_size() const { return c.out_size(); }
        void apply(cview a, mview b) const { c.apply(a, b); }
        void adjoint(cview a, mview b) const { c.adjoint(a, b); }
    };
    auto check_projection = [&](const auto& op, const char* name) {
        INFO(name);
        std::vector<double> y(op.out_size()), r(op.out_size());
        op.apply(as_view(randn(n, 12)), as_view(y));
        const double eps = 0.3;
        auto ball = make_l2_ball(op, y, eps);
        const auto p = prox_of(ball, x0, 1.0);
        const double res = ball.residual_norm(as_view(p));
        CHECK(res <= eps * (1 + 1e-12));
        CHECK(res >= eps * (1 - 1e-8));  // x0 is outside, so p lies on the boundary
        // KKT: x − p = μ Φᵀ(Φp − y) with μ ≥ 0 (colinear, same direction).
        op.apply(as_view(p), as_view(r));
        for (std::size_t i = 0; i < r.size(); ++i) r[i] -= y[i];
        std::vector<double> a(n), d(n);
        op.adjoint(as_view(r), as_view(a));
        for (std::size_t i = 0; i < n; ++i) d[i] = x0[i] - p[i];
        const double cosine = dotv(a, d) / std::sqrt(dotv(a, a) * dotv(d, d));
        INFO("cosine " << cosine);
        CHECK(cosine > 1 - 1e-9);
        // Variational inequality against feasible points (projections of random points).
        for (int k = 0; k < 10; ++k) {
            const auto w = prox_of(ball, randn(n, 50 + k), 1.0);
            std::vector<double> wp(n);
            for (std::size_t i = 0; i < n; ++i) wp[i] = w[i] - p[i];
            CHECK(dotv(d, wp) <= 1e-8 * std::sqrt(dotv(d, d) * dotv(wp, wp)) + 1e-14);
        }
        // Early exit: a feasible point is returned unchanged.
        const auto again = prox_of(ball, p, 1.0);
        CHECK(test_support::max_abs_diff(again, p) == 0.0);
    };
    check_projection(identity_operator(n), "identity (tight)");
    check_projection(mask, "mask (tight)");
    check_projection(four, "Fourier (tight)");
    check_projection(blur, "blur (FFT solve)");
    check_projection(hidden{blur}, "blur (CG)");
    check_projection(add(blur, scale(0.3, mask_operator(std::vector<bool>(n, true)))), "sum (CG)");
    std::vector<double> y(n, 0.0);
    CHECK_THROWS_AS(make_l2_ball(blur, y, -1.0), invalid_argument);
    CHECK_THROWS_AS(make_l2_ball(blur, std::vector<double>(n - 1), 1.0), shape_mismatch);
}

TEST_CASE("Moreau-Yosida envelope: gradient and closed form", "[sampling][prox][moreau]") {
    const std::size_t n = 30;
    const double alpha = 0.8, lambda = 0.4;
    auto g = make_l1_norm(n, alpha);
    auto my = make_moreau_yosida(g, lambda);
    const auto x = randn(n, 21);
    // Huber: g^λ(x) = Σ x²/(2λ) if |x| ≤ λα, else α|x| − λα²/2.
    double huber = 0;
    for (double v : x) huber += std::abs(v) <= lambda * alpha ? v * v / (2 * lambda) : alpha * std::abs(v) - lambda * alpha * alpha / 2;
    CHECK(std::abs(my.value(as_view(x)) - huber) < 1e-13 * std::abs(huber));
    std::vector<double> grad(n);
    my.gradient(as_view(x), as_view(grad));
    auto f = [&](const std::vector<double>& v) { return my.value(as_view(v)); };
    const auto r = sphaera::test::check_gradient_along(f, x, grad, randn(n, 22));
    INFO(r);
    CHECK(r.passed);
    CHECK_THROWS_AS(make_moreau_yosida(g, 0.0), invalid_argument);
}
