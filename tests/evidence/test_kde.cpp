/// \file test_kde.cpp
/// \brief The KDE target on curved and multimodal posteriors with exact evidences:
/// Rosenbrock on [−10,10]×[−5,15] (ln Z = −7.149344) and Rastrigin on [−6,6]²
/// (ln Z = −7.938943), both checked first by our own quadrature; normalisation.

#include "sphaera/evidence/estimator.hpp"
#include "sphaera/evidence/kde.hpp"

#include <catch2/catch.hpp>

#include <cmath>

#include "evidence/models.hpp"

using namespace sphaera;
using namespace sphaera::evidence;
using namespace sphaera::test::evidence;

TEST_CASE("reference evidences by quadrature", "[evidence][reference]") {
    CHECK(rosenbrock_model::ln_z_quadrature() == Approx(-7.149344).margin(5e-7));
    CHECK(rastrigin_model::ln_z_quadrature() == Approx(-7.938943).margin(5e-7));
    // Simpson converged: halving the step changes nothing at this precision.
    CHECK(std::abs(rosenbrock_model::ln_z_quadrature(100000) - rosenbrock_model::ln_z_quadrature()) < 1e-10);
}

TEST_CASE("KDE target on Rosenbrock and Rastrigin", "[evidence][kde]") {
    struct run {
        const char* name;
        chains all;
        double truth;
    };
    for (const run& c : {run{"rosenbrock", rosenbrock_model::sample(20, 2000, 3), -7.149344},
                         run{"rastrigin", rastrigin_model::sample(20, 2000, 5), -7.938943}}) {
        const auto sp = split_chains(c.all, 0.5);
        const kernel_density phi(sp.training);
        const auto r = estimate_evidence(phi, sp.inference);
        const double err = r.ln_z - c.truth;
        INFO(c.name << ": ln Z = " << r.ln_z << " ± " << r.ln_z_error << ", truth " << c.truth
                    << ", error " << err << ", R = " << phi.radius());
        CHECK(std::abs(err) < 3 * r.ln_z_error);
        CHECK(std::abs(err) < 0.05);
    }
}

TEST_CASE("KDE target integrates to one", "[evidence][kde]") {
    const auto sp = split_chains(rosenbrock_model::sample(6, 300, 9), 0.5);
    const kernel_density phi(sp.training, {.radius = 0.5, .max_centres = 20});
    CHECK(phi.centres() == 20);
    // Midpoint rule on a grid that holds every kernel (error from the kernel edges ~0.1 %).
    const double h = 0.01, x0 = -6, y0 = -6;
    const int nx = 1400, ny = 2800;
    row_matrix x(Eigen::Index(nx) * ny, 2);
    for (int i = 0; i < nx; ++i)
        for (int j = 0; j < ny; ++j) x.row(Eigen::Index(i) * ny + j) << x0 + (i + 0.5) * h, y0 + (j + 0.5) * h;
    const Eigen::VectorXd lp = phi.log_prob(x);
    CHECK(lp.array().exp().sum() * h * h == Approx(1.0).epsilon(0.005));
    CHECK(std::isinf(lp[0]));  // far corner: no kernel reaches
    CHECK_THROWS_AS(kernel_density(sp.training, {.folds = 1}), invalid_argument);
}
