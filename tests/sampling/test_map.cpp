// MAP estimation by FISTA and forward–backward against closed forms.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "sampling/op_check.hpp"
#include "sampling/reference.hpp"
#include "sphaera/sampling/convolution.hpp"
#include "sphaera/sampling/likelihood.hpp"
#include "sphaera/sampling/map_estimation.hpp"
#include "sphaera/sampling/priors.hpp"

using namespace sphaera;
using namespace sphaera::sampling;

TEST_CASE("FISTA MAP of a Gaussian prior with a blur equals the posterior mean", "[sampling][map]") {
    const image_shape s{16, 16};
    const auto psf = gaussian_psf(s, 1.5);
    convolution_operator blur(s, psf);
    const auto truth = sphaera::test::normal<double>(s.size(), 1);
    std::vector<double> y(s.size());
    blur.apply(as_view(truth), as_view(y));
    const auto noise = sphaera::test::normal<double>(s.size(), 2);
    const double sigma = 0.05, tau = 1.0;
    for (std::size_t i = 0; i < y.size(); ++i) y[i] += sigma * noise[i];
    auto like = make_gaussian_likelihood(blur, y, sigma);
    gaussian_prior prior(s.size(), tau);
    const auto exact = reference::gaussian_blur_posterior(psf, s, y, sigma, tau * tau);
    std::vector<double> x0(s.size(), 0.0);
    for (bool accelerate : {true, false}) {
        map_options o;
        o.accelerate = accelerate;
        o.tolerance = 1e-13;
        o.max_iterations = 200000;
        const auto r = map_estimate(backend::serial{}, like, prior, as_view(x0), o);
        const double err = test_support::max_abs_diff(r.x, exact.mean);
        INFO((accelerate ? "FISTA" : "forward-backward") << ": " << r.iterations << " iterations, max error " << err);
        CHECK(r.converged);
        CHECK(err < 1e-8);
    }
}

TEST_CASE("MAP of the l1 prior with identity is soft thresholding", "[sampling][map]") {
    const std::size_t n = 100;
    const double sigma = 0.5, alpha = 2.0;
    const auto y = sphaera::test::normal<double>(n, 3);
    auto like = make_gaussian_likelihood(identity_operator(n), y, sigma);
    auto prior = make_l1_norm(n, alpha);
    std::vector<double> x0(n, 0.0);
    map_options o;
    o.tolerance = 1e-14;
    const auto r = map_estimate(backend::openmp{1}, like, prior, as_view(x0), o);
    double err = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = alpha * sigma * sigma;
        const double e = y[i] > t ? y[i] - t : (y[i] < -t ? y[i] + t : 0.0);
        err = std::max(err, std::abs(r.x[i] - e));
    }
    INFO("max error " << err << " after " << r.iterations);
    CHECK(err < 1e-12);
    o.step = 1.5 / like.lipschitz();
    CHECK_THROWS_AS(map_estimate(backend::serial{}, like, prior, as_view(x0), o), invalid_argument);
    std::vector<double> bad(n, 0.0);
    bad[5] = INFINITY;
    CHECK_THROWS_AS(map_estimate(backend::serial{}, like, prior, as_view(bad)), non_finite);
    CHECK_THROWS_AS(map_estimate(backend::serial{}, like, prior, as_view(std::vector<double>(n - 1))), shape_mismatch);
}
