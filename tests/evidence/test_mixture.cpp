/// \file test_mixture.cpp
/// \brief The modified Gaussian mixture target: exact Gaussian evidences for d = 2, 5, 10,
/// 21 (non-diagonal covariances), the Normal–Gamma conjugate model over a range of prior
/// precisions, normalisation, gradients by finite differences, bad options.

#include "sphaera/evidence/estimator.hpp"
#include "sphaera/evidence/mixture.hpp"

#include <catch2/catch.hpp>

#include <cmath>

#include "evidence/models.hpp"
#include "support/finite_difference.hpp"

using namespace sphaera;
using namespace sphaera::evidence;
using namespace sphaera::test::evidence;

TEST_CASE("mixture target recovers Gaussian evidences up to d = 21", "[evidence][mixture]") {
    for (int d : {2, 5, 10, 21}) {
        const gaussian_model g(d, 200 + std::uint64_t(d));
        // 10⁵ samples at most: 40 chains × 2500 (half train, half infer).
        const chains all = g.sample(40, d >= 10 ? 2500 : 1000, 31);
        const auto sp = split_chains(all, 0.5);
        const modified_gaussian_mixture phi(sp.training);
        const auto r = estimate_evidence(phi, sp.inference);
        const double err = r.ln_z - g.ln_z;
        INFO("d = " << d << ": ln Z = " << r.ln_z << " ± " << r.ln_z_error << ", truth "
                    << g.ln_z << ", error " << err << ", scale " << phi.scales()[0]);
        CHECK(std::abs(err) < 3 * r.ln_z_error);
        CHECK(std::abs(err) < 0.05);
        CHECK(phi.scales()[0] < 1.0);  // the ridge keeps the target inside the posterior
    }
}

TEST_CASE("mixture target on the Normal-Gamma conjugate model", "[evidence][mixture]") {
    for (double kappa0 : {0.01, 1.0, 100.0}) {
        const normal_gamma_model m(kappa0, 20, 3);
        const auto sp = split_chains(m.sample(30, 1000, 8), 0.5);
        const modified_gaussian_mixture phi(sp.training, {.components = 2, .seed = 1});
        const auto r = estimate_evidence(phi, sp.inference);
        const double err = r.ln_z - m.ln_z;
        INFO("kappa0 = " << kappa0 << ": ln Z = " << r.ln_z << " ± " << r.ln_z_error
                         << ", truth " << m.ln_z << ", error " << err);
        CHECK(std::abs(err) < 3 * r.ln_z_error);
        CHECK(std::abs(err) < 0.05);
    }
}

TEST_CASE("mixture target is normalised and its gradient is right", "[evidence][mixture]") {
    // A two-component fit to a 2-D Gaussian; ∫φ over a wide grid must be 1.
    const gaussian_model g(2, 5);
    const auto sp = split_chains(g.sample(10, 500, 2), 0.5);
    const modified_gaussian_mixture phi(sp.training, {.components = 3, .seed = 4});
    CHECK(phi.weights().sum() == Approx(1.0).epsilon(1e-14));
    const Eigen::VectorXd c = g.mu_p;
    const double half = 12 * std::sqrt(g.chol_p.squaredNorm());
    const int n = 400;
    const double h = 2 * half / n;
    row_matrix grid(n * n, 2);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) grid.row(i * n + j) << c[0] - half + (i + 0.5) * h, c[1] - half + (j + 0.5) * h;
    CHECK(phi.log_prob(grid).array().exp().sum() * h * h == Approx(1.0).epsilon(1e-6));

    const std::vector<double> x0{c[0] + 0.3, c[1] - 0.2};
    auto f = [&](const std::vector<double>& x) {
        row_matrix r(1, 2);
        r << x[0], x[1];
        return phi.log_prob(r)[0];
    };
    const Eigen::VectorXd gr = phi.grad_log_prob(Eigen::Vector2d(x0[0], x0[1]));
    const auto rep = sphaera::test::check_gradient(f, x0, std::vector<double>{gr[0], gr[1]});
    INFO(rep);
    CHECK(rep.passed);
}

TEST_CASE("mixture options are checked", "[evidence][mixture][errors]") {
    const gaussian_model g(2, 5);
    const auto sp = split_chains(g.sample(6, 20, 2), 0.5);
    CHECK_THROWS_AS(modified_gaussian_mixture(sp.training, {.components = 0}), invalid_argument);
    CHECK_THROWS_AS(modified_gaussian_mixture(sp.training, {.regularisation = -1}), invalid_argument);
    CHECK_THROWS_WITH(modified_gaussian_mixture(sp.training, {.components = 30}),
                      Catch::Contains("use fewer components"));
}
