/// \file test_estimator.cpp
/// \brief Chains (validation, split, .npy input), the log-space estimator (hand-computed
/// values, exactness under ln posterior shifts of ±5000) and the hypersphere target on
/// Gaussian models with closed-form evidence.

#include "sphaera/evidence/chains.hpp"
#include "sphaera/evidence/estimator.hpp"
#include "sphaera/evidence/hypersphere.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <limits>

#include "evidence/models.hpp"
#include "sphaera/io/npy.hpp"

using namespace sphaera;
using namespace sphaera::evidence;
using sphaera::test::evidence::gaussian_model;
using Catch::Matchers::Contains;

TEST_CASE("chains validate shapes and values, naming where", "[evidence][chains]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> s(3 * 4 * 2, 0.5), l(3 * 4, -1.0);
    CHECK_NOTHROW(chains(s, l, 3, 4, 2));
    CHECK_THROWS_AS(chains(s, l, 3, 4, 3), shape_mismatch);
    CHECK_THROWS_AS(chains(s, std::vector<double>(11), 3, 4, 2), shape_mismatch);
    CHECK_THROWS_AS(chains({}, {}, 0, 4, 2), invalid_argument);
    auto bad = s;
    bad[(2 * 4 + 1) * 2 + 1] = nan;
    CHECK_THROWS_WITH(chains(bad, l, 3, 4, 2),
                      Contains("chain 2") && Contains("sample 1") && Contains("coordinate 1"));
    auto badl = l;
    badl[5] = -std::numeric_limits<double>::infinity();
    CHECK_THROWS_AS(chains(s, badl, 3, 4, 2), non_finite);
    CHECK_THROWS_WITH(chains(s, badl, 3, 4, 2), Contains("chain 1") && Contains("sample 1"));

    const chains c(s, l, 3, 4, 2);
    CHECK_THROWS_WITH(split_chains(c, 0.5), Contains("need at least 1 training and 2 inference"));
    CHECK_THROWS_AS(split_chains(c, 1.5), invalid_argument);
    const chains c6(std::vector<double>(6 * 4 * 2, 1.0), std::vector<double>(24, 0.0), 6, 4, 2);
    const auto sp = split_chains(c6, 0.5);
    CHECK(sp.training.nchains() == 3);
    CHECK(sp.inference.nchains() == 3);
}

TEST_CASE("chains read from .npy files check dtype and shapes", "[evidence][chains]") {
    const auto dir = std::filesystem::temp_directory_path() / "sphaera_evidence_npy_test";
    std::filesystem::create_directories(dir);
    std::vector<double> s(4 * 5 * 2, 0.25), l(4 * 5, -3.0);
    io::write_npy(dir / "s.npy", s, {4, 5, 2});
    io::write_npy(dir / "l.npy", l, {4, 5});
    io::write_npy(dir / "l_bad.npy", l, {5, 4});
    io::write_npy(dir / "l_f32.npy", std::vector<float>(20, 1.0f), {4, 5});
    const chains c = read_chains_npy(dir / "s.npy", dir / "l.npy");
    CHECK(c.nchains() == 4);
    CHECK(c.ndim() == 2);
    CHECK_THROWS_AS(read_chains_npy(dir / "s.npy", dir / "l_bad.npy"), shape_mismatch);
    CHECK_THROWS_AS(read_chains_npy(dir / "s.npy", dir / "l_f32.npy"), io_error);
    CHECK_THROWS_AS(read_chains_npy(dir / "missing.npy", dir / "l.npy"), io_error);
    CHECK_THROWS_AS(read_chains_npy(dir / "l.npy", dir / "l.npy"), shape_mismatch);
    std::filesystem::remove_all(dir);
}

TEST_CASE("the estimator reproduces hand-computed values", "[evidence][estimator]") {
    // Two chains of two samples, weights 1, 3 | 2, 2: ρ̂₁ = 2, ρ̂₂ = 2 → σ̂ = 0.
    const auto r0 = estimate_from_log_weights({0.0, std::log(3.0), std::log(2.0), std::log(2.0)}, 2, 2);
    CHECK(r0.ln_rho == Approx(std::log(2.0)).epsilon(1e-15));
    CHECK(r0.relative_variance < 1e-30);  // zero up to the rounding of ln 3
    CHECK(r0.ln_z == Approx(-std::log(2.0)));
    // Three chains: ρ̂ⱼ = 1, 2, 6 → ρ̂ = 3, N_eff = 3, σ̂² = Σ(ρ̂ⱼ − 3)²/(3·2) = 14/6.
    const auto r = estimate_from_log_weights({0.0, 0.0, std::log(2.0), std::log(2.0), std::log(4.0),
                                              std::log(8.0)},
                                             3, 2);
    CHECK(r.ln_rho == Approx(std::log(3.0)).epsilon(1e-14));
    CHECK(std::exp(r.ln_rho_var) == Approx(14.0 / 6).epsilon(1e-13));
    CHECK(r.relative_variance == Approx(14.0 / 54).epsilon(1e-13));
    CHECK(r.ln_z == Approx(-std::log(3.0) - 7.0 / 54).epsilon(1e-13));
    CHECK(r.ln_z_error == Approx(std::sqrt(14.0 / 54)).epsilon(1e-13));
    // κ̂ = mean (ρ̂ⱼ − ρ̂)⁴ / ŝ⁴ with ŝ² = 3σ̂² = 7.
    CHECK(r.kurtosis == Approx((16.0 + 1 + 81) / 3 / 49).epsilon(1e-13));
    CHECK(r.effective_chains == Approx(81.0 / 41).epsilon(1e-13));
    CHECK(r.support_fraction == 1);
    // A −inf weight is a sample outside the support; NaN is refused.
    const double ninf = -std::numeric_limits<double>::infinity();
    const auto rs = estimate_from_log_weights({ninf, 0.0, 0.0, ninf}, 2, 2);
    CHECK(rs.support_fraction == 0.5);
    CHECK(rs.ln_rho == Approx(std::log(0.5)));
    CHECK_THROWS_AS(estimate_from_log_weights({ninf, ninf, ninf, ninf}, 2, 2), invalid_argument);
    CHECK_THROWS_AS(estimate_from_log_weights({0.0, std::nan(""), 0, 0}, 2, 2), non_finite);
    CHECK_THROWS_AS(estimate_from_log_weights({0.0, 0.0}, 1, 2), invalid_argument);
}

TEST_CASE("the estimator is exact for |ln Z| in the thousands", "[evidence][estimator]") {
    const gaussian_model g(3, 11);
    const chains all = g.sample(20, 500, 5);
    const auto sp = split_chains(all, 0.5);
    const hypersphere phi(sp.training);
    const auto base = estimate_evidence(phi, sp.inference);
    for (double shift : {5000.0, -5000.0, 1e5}) {
        chains tr = sp.training, inf = sp.inference;
        tr.shift_lnprob(shift);
        inf.shift_lnprob(shift);
        const hypersphere phis(tr);
        CHECK(phis.radius() == phi.radius());  // the fit is shift-invariant too
        const auto r = estimate_evidence(phis, inf);
        INFO("shift " << shift << ": ln Z = " << r.ln_z << ", unshifted " << base.ln_z);
        CHECK(std::isfinite(r.ln_z));
        // ln(Lπ) + c gives ln Z + c; only the rounding of ln(Lπ) + shift (≤ ulp(|shift|) ≈ 1e-12) separates them.
        CHECK(std::abs(r.ln_z - shift - base.ln_z) < 1e-9);
        CHECK(std::abs(r.ln_z_error - base.ln_z_error) < 1e-9);
        CHECK(std::abs(r.ln_rho_var + 2 * shift - base.ln_rho_var) < 1e-7);
    }
}

TEST_CASE("hypersphere target recovers Gaussian evidences", "[evidence][hypersphere]") {
    for (int d : {2, 5}) {
        const gaussian_model g(d, 100 + std::uint64_t(d));
        const chains all = g.sample(40, 1000, 17);
        const auto sp = split_chains(all, 0.5);
        const hypersphere phi(sp.training);
        const auto r = estimate_evidence(phi, sp.inference);
        const double err = r.ln_z - g.ln_z;
        INFO("d = " << d << ": ln Z = " << r.ln_z << " ± " << r.ln_z_error << ", truth "
                    << g.ln_z << ", error " << err << ", R = " << phi.radius());
        CHECK(std::abs(err) < 3 * r.ln_z_error);
        CHECK(std::abs(err) < 0.05);
        CHECK(r.warnings.empty());
    }
}

TEST_CASE("the estimator refuses a target of another dimension", "[evidence][errors]") {
    const gaussian_model g2(2, 1), g3(3, 1);
    const auto sp = split_chains(g2.sample(6, 50, 1), 0.5);
    const hypersphere phi(sp.training);
    CHECK_THROWS_AS(estimate_evidence(phi, g3.sample(3, 50, 1)), shape_mismatch);
    CHECK_THROWS_AS(hypersphere(sp.training, {.folds = 1}), invalid_argument);
    // Degenerate training set: a coordinate that never moves.
    std::vector<double> s(3 * 10 * 2), l(30, 0.0);
    for (std::size_t i = 0; i < 30; ++i) s[2 * i] = double(i);
    CHECK_THROWS_WITH(hypersphere(chains(s, l, 3, 10, 2)), Contains("singular"));
}
