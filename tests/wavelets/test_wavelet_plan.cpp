/// \file test_wavelet_plan.cpp
/// \brief wavelets::plan (complex, spin-s fields): exact reconstruction for N = 1..4, full
/// and multiresolution, MW/MWSS/GL, spin 0 and 2, double and float; dot-product tests of
/// both adjoints; rotation equivariance (z by grid steps, and a general rotation applied in
/// harmonic space against a direct Wigner-D evaluation); multiresolution against full
/// resolution on nested MWSS grids; s2wav compatibility-mode grids; bad input.

#include <catch2/catch.hpp>

#include <complex>
#include <numbers>
#include <vector>

#include "sphaera/wavelets/plan.hpp"
#include "support/adjoint.hpp"
#include "wavelet_test_util.hpp"

using namespace sphaera;
using wavelets::resolution;

namespace {

template <class T>
double reconstruction_error(const wavelets::parameters& p, resolution res, sht::sampling smp) {
    wavelets::plan<T> w(p, res, smp);
    sht::plan<T> s(p.L, p.spin, wavelets::sampling_geometry(smp, p.L));
    const auto alm = test::random_alm<T>(p.L, p.spin, 7);
    std::vector<std::complex<T>> f(s.map_size()), c(w.coefficients_size()), g(s.map_size());
    s.synthesis({alm.data(), alm.size()}, {f.data(), f.size()});
    w.analysis({f.data(), f.size()}, {c.data(), c.size()});
    w.synthesis({c.data(), c.size()}, {g.data(), g.size()});
    return test::rel_max_error(g, f);
}

}  // namespace

TEST_CASE("exact reconstruction, complex spin 0, N = 1..4, full and multiresolution", "[wavelets][plan]") {
    for (int N : {1, 2, 3, 4})
        for (auto res : {resolution::full, resolution::multi}) {
            wavelets::parameters p;
            p.L = 32;
            p.N = N;
            INFO("N = " << N << (res == resolution::full ? " full" : " multi"));
            CHECK(reconstruction_error<double>(p, res, sht::sampling::mw) <= 1e-12);
        }
}

TEST_CASE("exact reconstruction on MWSS and GL, any lambda and J_min, spin 2", "[wavelets][plan]") {
    wavelets::parameters p;
    p.L = 16;
    p.N = 3;
    p.lambda = 1.7;
    p.J_min = 2;
    CHECK(reconstruction_error<double>(p, resolution::multi, sht::sampling::mwss) <= 1e-12);
    CHECK(reconstruction_error<double>(p, resolution::full, sht::sampling::gauss_legendre) <= 1e-12);
    for (int N : {1, 2, 3, 4}) {
        p.lambda = 2.0;
        p.J_min = 0;
        p.N = N;
        p.spin = 2;
        INFO("spin 2, N = " << N);
        CHECK(reconstruction_error<double>(p, resolution::multi, sht::sampling::mw) <= 1e-12);
    }
    p.spin = 0;
    p.kind = wavelets::kernel::needlet;
    CHECK(reconstruction_error<double>(p, resolution::multi, sht::sampling::mw) <= 1e-12);
    p.kind = wavelets::kernel::cubic_spline;
    CHECK(reconstruction_error<double>(p, resolution::multi, sht::sampling::mw) <= 1e-12);
}

TEST_CASE("N = L is allowed (the SO(3) sampling theorem holds) and exact", "[wavelets][plan]") {
    for (int N : {7, 8}) {
        wavelets::parameters p;
        p.L = 8;
        p.N = N;
        INFO("N = " << N);
        CHECK(reconstruction_error<double>(p, resolution::multi, sht::sampling::mw) <= 1e-12);
        CHECK(reconstruction_error<double>(p, resolution::full, sht::sampling::gauss_legendre) <= 1e-12);
    }
}

TEST_CASE("exact reconstruction in float", "[wavelets][plan]") {
    wavelets::parameters p;
    p.L = 16;
    p.N = 4;
    CHECK(reconstruction_error<float>(p, resolution::multi, sht::sampling::mw) <= 2e-5);
}

TEST_CASE("dot-product tests of both adjoints", "[wavelets][plan]") {
    for (auto res : {resolution::full, resolution::multi})
        for (int N : {1, 4}) {
            wavelets::parameters p;
            p.L = 16;
            p.N = N;
            p.spin = N == 4 ? 1 : 0;
            wavelets::plan<double> w(p, res);
            test::check_wavelet_adjoints<std::complex<double>>(w, 3);
        }
}

TEST_CASE("rotation about z by grid steps shifts every coefficient exactly in alpha", "[wavelets][plan]") {
    wavelets::parameters p;
    p.L = 16;
    p.N = 3;
    wavelets::plan<double> w(p, resolution::full);
    const int L = p.L, nphi = 2 * L - 1, q = 5;
    const double a0 = 2 * std::numbers::pi * q / nphi;
    auto alm = test::random_alm<double>(L, 0, 11);
    auto rot = alm;
    for (int l = 0; l < L; ++l)
        for (int m = -l; m <= l; ++m) rot[sht::alm_index(l, m)] *= std::polar(1.0, -m * a0);
    std::vector<std::complex<double>> c(w.coefficients_size()), cr(w.coefficients_size());
    w.analysis_harmonic({alm.data(), alm.size()}, {c.data(), c.size()});
    w.analysis_harmonic({rot.data(), rot.size()}, {cr.data(), cr.size()});
    // Every grid here has nphi samples per ring, so sample (·, ring, p) moves to p + q.
    double e = 0, n = 0;
    for (std::size_t row = 0; row < c.size() / static_cast<std::size_t>(nphi); ++row)
        for (int pp = 0; pp < nphi; ++pp) {
            const auto a = c[row * nphi + static_cast<std::size_t>(pp)];
            const auto b = cr[row * nphi + static_cast<std::size_t>((pp + q) % nphi)];
            e = std::max(e, std::abs(a - b));
            n = std::max(n, std::abs(a));
        }
    CHECK(e / n <= 1e-12);
}

TEST_CASE("multiresolution coefficients equal full-resolution ones on nested MWSS grids", "[wavelets][plan]") {
    for (int N : {1, 3, 4}) {
        wavelets::parameters p;
        p.L = 32;
        p.N = N;
        wavelets::plan<double> full(p, resolution::full, sht::sampling::mwss), multi(p, resolution::multi, sht::sampling::mwss);
        auto alm = test::random_alm<double>(p.L, 0, 5);
        std::vector<std::complex<double>> cf(full.coefficients_size()), cm(multi.coefficients_size());
        full.analysis_harmonic({alm.data(), alm.size()}, {cf.data(), cf.size()});
        multi.analysis_harmonic({alm.data(), alm.size()}, {cm.data(), cm.size()});
        double e = 0, nrm = 0;
        auto compare = [&](std::size_t om, std::size_t of, int Lm) {
            // MWSS(L_j) ⊂ MWSS(L): ring t ↦ t·L/L_j, sample p ↦ p·L/L_j.
            const int r = p.L / Lm;
            for (int t = 0; t <= Lm; ++t)
                for (int pp = 0; pp < 2 * Lm; ++pp) {
                    const auto a = cm[om + static_cast<std::size_t>(t * 2 * Lm + pp)];
                    const auto b = cf[of + static_cast<std::size_t>(t * r * 2 * p.L + pp * r)];
                    e = std::max(e, std::abs(a - b));
                    nrm = std::max(nrm, std::abs(b));
                }
        };
        compare(0, 0, multi.scaling_band_limit());
        for (int j = multi.tiling().j_min(); j <= multi.tiling().j_max(); ++j) {
            const auto& sm = multi.scale(j);
            const auto& sf = full.scale(j);
            const std::size_t nk = sm.N == sf.N ? sm.n_gamma() : 1;  // γ = 0 is common to both
            for (std::size_t k = 0; k < nk; ++k) compare(sm.offset + k * sm.npix, sf.offset + k * sf.npix, sm.L);
        }
        INFO("N = " << N);
        CHECK(e / nrm <= 1e-12);
    }
}

TEST_CASE("bad input gives clear errors", "[wavelets][plan]") {
    wavelets::parameters p;
    p.L = 16;
    p.N = 2;
    wavelets::plan<double> w(p);
    std::vector<std::complex<double>> f(w.map_size() + 1), c(w.coefficients_size());
    CHECK_THROWS_AS(w.analysis({f.data(), f.size()}, {c.data(), c.size()}), shape_mismatch);
    f.resize(w.map_size());
    c.resize(c.size() - 1);
    CHECK_THROWS_WITH(w.synthesis({c.data(), c.size()}, {f.data(), f.size()}), Catch::Contains("coefficient array has size"));
    CHECK_THROWS_AS(w.scale(7), invalid_argument);
    CHECK_THROWS_AS(wavelets::plan<double>(p, resolution::multi, sht::sampling::healpix), invalid_argument);
    p.lambda = 0.9;
    CHECK_THROWS_AS(wavelets::plan<double>(p), invalid_argument);
}

TEST_CASE("compatibility mode lays out s2wav's grids and stays exact", "[wavelets][plan][compat]") {
    wavelets::parameters p;
    p.L = 16;
    p.N = 3;
    p.quadrature = wavelets::kernel_quadrature::s2wav_trapezium;
    wavelets::plan<double> w(p);
    // s2wav (samples.LN_j) puts scale 0 on the grid of scale 1: L_0 = ⌈λ²⌉ = 4 with
    // N_0 = min(N, 4) = 3, although κ_0 vanishes from ℓ = 2 on.
    CHECK(w.scale(0).L == 4);
    CHECK(w.scale(0).N == 3);
    CHECK(w.scale(0).support == 2);
    // s2wav's arrays at L = 16, N = 3: f_scal (1, 1), f_wav shapes (5, 4, 7), (5, 4, 7),
    // (5, 8, 15), (5, 16, 31), (5, 16, 31).
    CHECK(w.coefficients_size() == 1 + 2 * 5 * 4 * 7 + 5 * 8 * 15 + 2 * 5 * 16 * 31);
    p.quadrature = wavelets::kernel_quadrature::exact;
    CHECK(wavelets::plan<double>(p).scale(0).L == 2);  // the default keeps κ_0's own support
    p.quadrature = wavelets::kernel_quadrature::s2wav_trapezium;
    for (int N : {1, 2, 3, 4})
        for (int spin : {0, 2}) {
            p.N = N;
            p.spin = spin;
            INFO("compat, N = " << N << ", spin " << spin);
            CHECK(reconstruction_error<double>(p, resolution::multi, sht::sampling::mw) <= 1e-12);
        }
}

TEST_CASE("a general rotation applied in harmonic space: coefficients match the Wigner-D evaluation", "[wavelets][plan]") {
    // g = D(R) f with R = (α, β, γ) generic, D^ℓ_mm'(R) = e^{−imα} d^ℓ_mm'(β) e^{−im'γ}; the
    // plan's coefficient of g at every grid point ρ = (φ_p, θ_t, γ_k) must equal
    //   W^j_g(ρ) = ⟨g, R_ρ Ψ^j⟩ = Σ_ℓmn g_ℓm conj(Ψ^j_ℓn) e^{imφ} d^ℓ_mn(θ) e^{inγ}
    // (= W^j_f(R⁻¹ρ)), evaluated here independently from sht::normalized_wigner_d.
    const int L = 8;
    wavelets::parameters p;
    p.L = L;
    p.N = 3;
    p.spin = GENERATE(0, 2);
    wavelets::plan<double> w(p, resolution::full);
    const double al = 0.7, be = 1.1, ga = -2.3;
    // d^ℓ_mn(θ) for all ℓ, m, n: index ((m + L − 1)(2L − 1) + n + L − 1) L + ℓ.
    auto dtable = [&](double theta) {
        std::vector<double> d(static_cast<std::size_t>((2 * L - 1) * (2 * L - 1) * L));
        for (int m = -(L - 1); m < L; ++m)
            for (int n = -(L - 1); n < L; ++n) {
                const auto v = sht::normalized_wigner_d(L, m, n, theta);
                for (int l = 0; l < L; ++l)
                    d[(static_cast<std::size_t>((m + L - 1) * (2 * L - 1) + n + L - 1)) * L + static_cast<std::size_t>(l)] =
                        v[static_cast<std::size_t>(l)] / std::sqrt((2.0 * l + 1.0) / (4.0 * std::numbers::pi));
            }
        return d;
    };
    auto at = [&](const std::vector<double>& d, int l, int m, int n) {
        return d[(static_cast<std::size_t>((m + L - 1) * (2 * L - 1) + n + L - 1)) * L + static_cast<std::size_t>(l)];
    };
    const auto f = test::random_alm<double>(L, p.spin, 23);
    std::vector<std::complex<double>> g(f.size(), 0.0);
    const auto dR = dtable(be);
    for (int l = std::abs(p.spin); l < L; ++l)
        for (int m = -l; m <= l; ++m)
            for (int mp = -l; mp <= l; ++mp)
                g[sht::alm_index(l, m)] += std::polar(at(dR, l, m, mp), -m * al - mp * ga) * f[sht::alm_index(l, mp)];
    std::vector<std::complex<double>> c(w.coefficients_size());
    w.analysis_harmonic({g.data(), g.size()}, {c.data(), c.size()});
    const auto geom = w.scale_geometry(w.tiling().j_max());
    double e = 0, nrm = 0;
    for (std::size_t t = 0; t < geom.nrings(); ++t) {
        const auto d = dtable(geom[t].theta);
        for (int j = w.tiling().j_min(); j <= w.tiling().j_max(); ++j) {
            const auto& sc = w.scale(j);
            for (std::size_t k = 0; k < sc.n_gamma(); ++k)
                for (std::size_t q = 0; q < geom[t].nphi; ++q) {
                    const double phi = geom[t].phi0 + 2 * std::numbers::pi * static_cast<double>(q) / static_cast<double>(geom[t].nphi);
                    std::complex<double> direct = 0;
                    for (int l = 0; l < L; ++l)
                        for (int m = -l; m <= l; ++m)
                            for (int n = -std::min(l, p.N - 1); n <= std::min(l, p.N - 1); ++n)
                                direct += g[sht::alm_index(l, m)] * std::conj(w.tiling().wavelet(j, l, n)) *
                                          std::polar(at(d, l, m, n), m * phi + n * sc.gamma(k));
                    const auto got = c[sc.offset + k * sc.npix + geom[t].offset + q];
                    e = std::max(e, std::abs(got - direct));
                    nrm = std::max(nrm, std::abs(direct));
                }
        }
    }
    INFO("spin " << p.spin << ": max error " << e << " of max " << nrm);
    CHECK(e / nrm <= 1e-12);
}
