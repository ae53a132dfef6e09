/// \file test_ensemble_sampler.cpp
/// \brief The stretch-move ensemble sampler: moments of a correlated Gaussian, bitwise
/// reproducibility for any thread count, the autocorrelation time of an AR(1) series
/// (τ = (1 + φ)/(1 − φ)), an evidence from its chains, and bad input.

#include "sphaera/evidence/ensemble_sampler.hpp"
#include "sphaera/evidence/estimator.hpp"
#include "sphaera/evidence/mixture.hpp"

#include <catch2/catch.hpp>
#include <omp.h>

#include <cmath>

#include "evidence/models.hpp"

using namespace sphaera;
using namespace sphaera::evidence;
using namespace sphaera::test::evidence;

namespace {

row_matrix initial_ball(Eigen::Index nw, const Eigen::VectorXd& centre, std::uint64_t seed) {
    row_matrix x(nw, centre.size());
    for (Eigen::Index k = 0; k < nw; ++k)
        for (Eigen::Index i = 0; i < centre.size(); ++i)
            x(k, i) = centre[i] + 0.1 * normal<double>(seed, std::uint64_t(k * centre.size() + i));
    return x;
}

}  // namespace

TEST_CASE("ensemble sampler: Gaussian moments, evidence, reproducibility", "[evidence][sampler]") {
    const gaussian_model g(2, 21);
    auto lp = [&](std::span<const double> th) {
        return g.log_posterior(Eigen::Map<const Eigen::VectorXd>(th.data(), 2));
    };
    const ensemble_options o{.steps = 2000, .burn_in = 300, .thin = 1, .stretch = 2.0, .seed = 9};
    const auto r = sample_ensemble(lp, initial_ball(32, g.mu_p, 1), o);
    REQUIRE(r.chains.nchains() == 32);
    REQUIRE(r.chains.nsamples() == 2000);
    const auto m = r.chains.matrix();
    const Eigen::RowVectorXd mean = m.colwise().mean();
    const Eigen::MatrixXd cov = (m.rowwise() - mean).transpose() * (m.rowwise() - mean) / double(m.rows() - 1);
    const Eigen::MatrixXd sp = g.chol_p * g.chol_p.transpose();
    const double tau = integrated_autocorrelation_time(r.chains, 0);
    INFO("tau = " << tau << ", acceptance " << r.acceptance[0]);
    CHECK(tau > 1);
    CHECK(tau < 100);
    // Standard error of the mean ≈ √(τ σ² / N).
    for (int i = 0; i < 2; ++i)
        CHECK(std::abs(mean[i] - g.mu_p[i]) < 5 * std::sqrt(tau * sp(i, i) / double(m.rows())));
    CHECK((cov - sp).cwiseAbs().maxCoeff() < 0.1 * sp.cwiseAbs().maxCoeff());
    CHECK(r.acceptance[0] > 0.2);

    // Same seed, other thread count: the same bits.
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    const auto r1 = sample_ensemble(lp, initial_ball(32, g.mu_p, 1), {.steps = 50, .burn_in = 0, .seed = 9});
    omp_set_num_threads(2);
    const auto r2 = sample_ensemble(lp, initial_ball(32, g.mu_p, 1), {.steps = 50, .burn_in = 0, .seed = 9});
    omp_set_num_threads(saved);
    CHECK(r1.chains.samples_data() == r2.chains.samples_data());

    // Evidence from the sampler's walkers (split by walker) with the mixture target.
    const auto split = split_chains(r.chains, 0.5);
    const modified_gaussian_mixture phi(split.training);
    const auto e = estimate_evidence(phi, split.inference);
    INFO("ln Z = " << e.ln_z << " ± " << e.ln_z_error << ", truth " << g.ln_z);
    CHECK(std::abs(e.ln_z - g.ln_z) < 3 * e.ln_z_error);
    CHECK(std::abs(e.ln_z - g.ln_z) < 0.05);
}

TEST_CASE("autocorrelation time of an AR(1) series", "[evidence][sampler]") {
    const double phi = 0.8;  // τ = (1 + φ)/(1 − φ) = 9
    const std::size_t nc = 8, n = 20000;
    std::vector<double> s(nc * n), l(nc * n, 0.0);
    for (std::size_t c = 0; c < nc; ++c) {
        double x = 0;
        for (std::size_t i = 0; i < n; ++i) {
            x = phi * x + std::sqrt(1 - phi * phi) * normal<double>(3, i, c);
            s[c * n + i] = x;
        }
    }
    const double tau = integrated_autocorrelation_time(chains(s, l, nc, n, 1), 0);
    CHECK(tau == Approx(9.0).epsilon(0.1));
}

TEST_CASE("ensemble sampler rejects bad input", "[evidence][sampler][errors]") {
    auto lp = [](std::span<const double> th) { return -0.5 * th[0] * th[0]; };
    CHECK_THROWS_AS(sample_ensemble(lp, row_matrix::Zero(3, 1)), invalid_argument);   // odd
    CHECK_THROWS_AS(sample_ensemble(lp, row_matrix::Zero(2, 1)), invalid_argument);   // < 2d+2
    CHECK_THROWS_AS(sample_ensemble(lp, row_matrix::Zero(4, 1), {.stretch = 1.0}), invalid_argument);
    auto bad = [](std::span<const double>) { return -std::numeric_limits<double>::infinity(); };
    CHECK_THROWS_AS(sample_ensemble(bad, row_matrix::Zero(4, 1)), non_finite);
    const chains c(std::vector<double>(8), std::vector<double>(4), 2, 2, 2);
    CHECK_THROWS_AS(integrated_autocorrelation_time(c, 2), invalid_argument);
}
