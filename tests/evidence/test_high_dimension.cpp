/// \file test_high_dimension.cpp
/// \brief The learned harmonic mean in d = 64 (issue 4, §7): a Gaussian likelihood and
/// prior with non-diagonal covariances and closed-form evidence, 10⁵ exact posterior
/// samples (half to fit the modified Gaussian mixture, half to infer). Measured on the
/// development machine over four model realisations (seeds 264–267): errors 0.8–1.9 × 10⁻³
/// nats at 1.1–1.7 σ with σ ≈ 10⁻³, so both 3σ and the 0.05-nat goal of d ≤ 21 hold here;
/// the test runs one realisation to stay within the suite's time budget.

#include "sphaera/evidence/estimator.hpp"
#include "sphaera/evidence/mixture.hpp"

#include <catch2/catch.hpp>

#include <cmath>

#include "evidence/models.hpp"

using namespace sphaera::evidence;
using sphaera::test::evidence::gaussian_model;

TEST_CASE("mixture target recovers a d = 64 Gaussian evidence from 1e5 samples",
          "[evidence][mixture][high_dimension]") {
    for (std::uint64_t seed : {264u}) {
        const gaussian_model g(64, seed);
        const auto sp = split_chains(g.sample(40, 2500, 31 + seed), 0.5);
        const modified_gaussian_mixture phi(sp.training);
        const auto r = estimate_evidence(phi, sp.inference);
        const double err = r.ln_z - g.ln_z;
        INFO("seed " << seed << ": ln Z = " << r.ln_z << " ± " << r.ln_z_error << ", truth "
                     << g.ln_z << ", error " << err << " (" << err / r.ln_z_error
                     << " sigma), scale " << phi.scales()[0]);
        CHECK(std::abs(err) < 3 * r.ln_z_error);
        CHECK(std::abs(err) < 0.05);
        CHECK(r.warnings.empty());
        // Half the inference samples must carry weight: the target sits inside the posterior.
        CHECK(r.weight_fraction > 0.5);
    }
}
