/// \file test_wavelet_spin.cpp
/// \brief Spin-lowered wavelets (parameters::spin0, McEwen et al. 2015; s2wav's spin0):
/// the normalisation η_ℓ in closed form, analysis = the scalar-normalised analysis of
/// η_ℓ f_ℓm, exact reconstruction (the dual frame) for spin 2 / spin0 2, spin 0 / spin0 2,
/// negative spins, N = 1..4, full and multiresolution, MW/MWSS/GL, double and float, complex
/// and real plans; dot-product tests of both adjoints; bad spin0.

#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <vector>

#include "sphaera/wavelets/plan.hpp"
#include "sphaera/wavelets/real_plan.hpp"
#include "support/adjoint.hpp"
#include "wavelet_test_util.hpp"

using namespace sphaera;
using wavelets::resolution;

namespace {

/// Random spin-s coefficients vanishing below ℓ = max(|s|, |s0|): (L²).
template <class T>
std::vector<std::complex<T>> field_alm(const wavelets::parameters& p, std::uint64_t seed) {
    auto a = test::random_alm<T>(p.L, p.spin, seed);
    for (int l = 0; l < std::min(p.L, std::abs(p.spin0)); ++l)
        for (int m = -l; m <= l; ++m) a[sht::alm_index(l, m)] = 0;
    return a;
}

template <class T>
double reconstruction_error(const wavelets::parameters& p, resolution res, sht::sampling smp) {
    wavelets::plan<T> w(p, res, smp);
    sht::plan<T> s(p.L, p.spin, wavelets::sampling_geometry(smp, p.L));
    const auto alm = field_alm<T>(p, 7);
    std::vector<std::complex<T>> f(s.map_size()), c(w.coefficients_size()), g(s.map_size());
    s.synthesis({alm.data(), alm.size()}, {f.data(), f.size()});
    w.analysis({f.data(), f.size()}, {c.data(), c.size()});
    w.synthesis({c.data(), c.size()}, {g.data(), g.size()});
    return test::rel_max_error(g, f);
}

}  // namespace

TEST_CASE("spin-lowered normalisation in closed form", "[wavelets][spin]") {
    wavelets::parameters p;
    p.L = 32;
    p.spin = 2;
    p.spin0 = 2;
    const wavelets::tiling t(p);
    CHECK(t.el_min() == 2);
    for (int l = 0; l < p.L; ++l) {
        // s0 = 2: (ℓ+2)!/(ℓ−2)! = (ℓ+2)(ℓ+1)ℓ(ℓ−1), sign (−1)² = +1; undefined (0) below ℓ = 2.
        const double want = l < 2 ? 0.0 : std::sqrt(double(l + 2) * (l + 1) * l * (l - 1));
        CHECK(t.spin_normalisation(l) == Approx(want).epsilon(1e-15));
        if (l < 2) {
            CHECK(t.kappa0(l) == 0.0);
            CHECK(t.scaling(l) == 0.0);
        }
    }
    CHECK(t.admissibility_error() <= 1e-14);
    // s0 = −1: (−1)^{−1} √((ℓ−1)!/(ℓ+1)!) = −1/√(ℓ(ℓ+1)); s0 = 3: −√((ℓ+3)…(ℓ−2)).
    p.spin0 = -1;
    const wavelets::tiling tm(p);
    for (int l = 2; l < p.L; ++l) CHECK(tm.spin_normalisation(l) == Approx(-1.0 / std::sqrt(double(l) * (l + 1))).epsilon(1e-15));
    p.spin0 = 3;
    const wavelets::tiling t3(p);
    for (int l = 3; l < p.L; ++l) {
        double f = 1;
        for (int k = -2; k <= 3; ++k) f *= l + k;
        CHECK(t3.spin_normalisation(l) == Approx(-std::sqrt(f)).epsilon(1e-14));
    }
    // Φ and Ψ carry η (s2wav's filters_directional with spin0).
    CHECK(t.scaling(5) == Approx(std::sqrt(11 / (4 * std::numbers::pi)) * t.kappa0(5) * t.spin_normalisation(5)));
    CHECK(std::abs(t.wavelet(2, 5, 0) - std::sqrt(11 / (8 * std::numbers::pi * std::numbers::pi)) * t.kappa(2, 5) *
                                            t.spin_normalisation(5) * t.direction(5, 0)) <= 1e-15 * std::abs(t.wavelet(2, 5, 0)));
}

TEST_CASE("spin-lowered analysis is the scalar-normalised analysis of eta_l f_lm", "[wavelets][spin]") {
    for (auto res : {resolution::full, resolution::multi}) {
        wavelets::parameters p;
        p.L = 16;
        p.N = 3;
        p.spin = 2;
        p.spin0 = 2;
        wavelets::plan<double> lowered(p, res);
        p.spin0 = 0;
        wavelets::plan<double> plain(p, res);
        p.spin0 = 2;
        auto f = field_alm<double>(p, 3);
        auto g = f;
        for (int l = 0; l < p.L; ++l)
            for (int m = -l; m <= l; ++m) g[sht::alm_index(l, m)] *= lowered.tiling().spin_normalisation(l);
        std::vector<std::complex<double>> a(lowered.coefficients_size()), b(plain.coefficients_size());
        REQUIRE(a.size() == b.size());
        lowered.analysis_harmonic({f.data(), f.size()}, {a.data(), a.size()});
        plain.analysis_harmonic({g.data(), g.size()}, {b.data(), b.size()});
        CHECK(test::rel_max_error(a, b) <= 1e-14);
        // Synthesis is the dual frame Φη/η², Ψη/η²: the plain synthesis of the same
        // coefficients divided by η_ℓ.
        std::vector<std::complex<double>> x(lowered.alm_size()), y(plain.alm_size());
        lowered.synthesis_harmonic({a.data(), a.size()}, {x.data(), x.size()});
        plain.synthesis_harmonic({a.data(), a.size()}, {y.data(), y.size()});
        for (int l = 2; l < p.L; ++l)
            for (int m = -l; m <= l; ++m) y[sht::alm_index(l, m)] /= lowered.tiling().spin_normalisation(l);
        CHECK(test::rel_max_error(x, y) <= 1e-14);
        CHECK(test::rel_max_error(x, f) <= 1e-13);
    }
}

TEST_CASE("spin-lowered wavelets: exact reconstruction", "[wavelets][spin]") {
    struct spins {
        int spin, spin0;
    };
    for (auto s : {spins{2, 2}, spins{0, 2}, spins{-2, -2}, spins{2, -2}, spins{1, 3}})
        for (int N : {1, 2, 3, 4})
            for (auto res : {resolution::full, resolution::multi}) {
                wavelets::parameters p;
                p.L = 32;
                p.N = N;
                p.spin = s.spin;
                p.spin0 = s.spin0;
                INFO("spin " << s.spin << ", spin0 " << s.spin0 << ", N = " << N << (res == resolution::full ? " full" : " multi"));
                CHECK(reconstruction_error<double>(p, res, sht::sampling::mw) <= 1e-12);
            }
    wavelets::parameters p;
    p.L = 24;
    p.N = 3;
    p.spin = 2;
    p.spin0 = 2;
    p.lambda = 3;
    p.J_min = 1;
    CHECK(reconstruction_error<double>(p, resolution::multi, sht::sampling::mwss) <= 1e-12);
    CHECK(reconstruction_error<double>(p, resolution::full, sht::sampling::gauss_legendre) <= 1e-12);
    p.quadrature = wavelets::kernel_quadrature::s2wav_trapezium;  // compatibility mode too
    CHECK(reconstruction_error<double>(p, resolution::multi, sht::sampling::mw) <= 1e-12);
    p.lambda = 2;
    p.J_min = 0;  // s2wav's scaling band-limit 1 ≤ |spin|: no scaling transform at all
    CHECK(reconstruction_error<double>(p, resolution::multi, sht::sampling::mw) <= 1e-12);
}

TEST_CASE("spin-lowered wavelets in float and on real fields", "[wavelets][spin]") {
    wavelets::parameters p;
    p.L = 32;
    p.N = 3;
    p.spin = 2;
    p.spin0 = 2;
    CHECK(reconstruction_error<float>(p, resolution::multi, sht::sampling::mw) <= 1e-5);
    CHECK(reconstruction_error<float>(p, resolution::full, sht::sampling::mwss) <= 1e-5);
    // A real (spin-0) field with spin-lowered wavelets: real coefficients, equal to the
    // complex plan's, and exact reconstruction of a field with no ℓ < 2 content.
    p.spin = 0;
    for (auto res : {resolution::full, resolution::multi}) {
        wavelets::real_plan<double> wr(p, res);
        wavelets::plan<double> wc(p, res);
        auto alm = test::random_real_alm<double>(p.L, 4);
        for (int l = 0; l < 2; ++l)
            for (int m = -l; m <= l; ++m) alm[sht::alm_index(l, m)] = 0;
        sht::real_plan<double> s(p.L, sht::mw_geometry(p.L));
        std::vector<double> f(s.map_size()), c(wr.coefficients_size()), g(s.map_size());
        s.synthesis({alm.data(), alm.size()}, {f.data(), f.size()});
        wr.analysis({f.data(), f.size()}, {c.data(), c.size()});
        wr.synthesis({c.data(), c.size()}, {g.data(), g.size()});
        CHECK(test::rel_max_error(g, f) <= 1e-12);
        std::vector<std::complex<double>> fc(f.begin(), f.end()), cc(wc.coefficients_size()), cr(c.begin(), c.end());
        wc.analysis({fc.data(), fc.size()}, {cc.data(), cc.size()});
        CHECK(test::rel_max_error(cr, cc) <= 1e-12);
    }
}

TEST_CASE("spin-lowered wavelets: dot-product tests of both adjoints", "[wavelets][spin]") {
    for (auto res : {resolution::full, resolution::multi}) {
        wavelets::parameters p;
        p.L = 16;
        p.N = 4;
        p.spin = 2;
        p.spin0 = 2;
        wavelets::plan<double> w(p, res);
        using C = std::complex<double>;
        test::check_wavelet_adjoints<C>(w, 3);
    }
}

TEST_CASE("bad spin0 gives clear errors", "[wavelets][spin]") {
    wavelets::parameters p;
    p.L = 16;
    p.spin0 = 16;
    CHECK_THROWS_WITH(wavelets::tiling(p), Catch::Contains("spin0 = 16") && Catch::Contains("[-15, 15]"));
    // (ℓ+|s0|)!/(ℓ−|s0|)! beyond the double range: reported, not spread as Inf.
    p.L = 1024;
    p.spin0 = 300;
    CHECK_THROWS_WITH(wavelets::tiling(p), Catch::Contains("spin0 = 300") && Catch::Contains("not representable"));
}

TEST_CASE("exact reconstruction at L = 64, N = 4, spin 0 and 2, with and without spin-lowering", "[wavelets][spin]") {
    struct spins {
        int spin, spin0;
    };
    for (auto s : {spins{0, 0}, spins{2, 0}, spins{2, 2}, spins{0, 2}})
        for (auto res : {resolution::full, resolution::multi}) {
            wavelets::parameters p;
            p.L = 64;
            p.N = 4;
            p.spin = s.spin;
            p.spin0 = s.spin0;
            INFO("spin " << s.spin << ", spin0 " << s.spin0 << (res == resolution::full ? " full" : " multi"));
            CHECK(reconstruction_error<double>(p, res, sht::sampling::mw) <= 1e-12);
        }
}
