// sht::plan: exact round trips on every exact sampling, dot-product adjoint tests, values
// against closed-form sY_lm, rotation and conjugation symmetries, HEALPix, bad input.
// Written once for double/float and the serial/openmp backends.
#include <catch2/catch.hpp>

#include <sphaera/sht/plan.hpp>
#include <sphaera/sht/samplings.hpp>

#include <algorithm>
#include <complex>
#include <numbers>
#include <tuple>
#include <vector>

#include "sht/sht_reference.hpp"
#include "support/adjoint.hpp"
#include "support/backends.hpp"

using namespace sphaera;
using std::numbers::pi;

namespace {
template <class T, class B>
struct config {
    using value = T;
    using backend = B;
};
using configs = std::tuple<config<double, backend::serial>, config<double, backend::openmp>,
                           config<float, backend::serial>, config<float, backend::openmp>>;

template <class T>
using cvec = std::vector<std::complex<T>>;

/// Random coefficients of band-limit L and spin s (zero for ℓ < |s|).
template <class T>
cvec<T> random_alm(int L, int s, std::uint64_t seed) {
    auto a = test::normal<std::complex<T>>(std::size_t(L) * std::size_t(L), seed);
    for (int l = 0; l < std::min(L, std::abs(s)); ++l)
        for (int m = -l; m <= l; ++m) a[std::size_t(l * l + l + m)] = 0;
    return a;
}
template <class T>
view<const std::complex<T>> cv(const cvec<T>& v) { return {v.data(), v.size()}; }
template <class T>
view<std::complex<T>> mv(cvec<T>& v) { return {v.data(), v.size()}; }

template <class T>
double max_abs_diff(const cvec<T>& a, const cvec<T>& b) {
    double e = 0;
    for (std::size_t i = 0; i < a.size(); ++i) e = std::max(e, double(std::abs(a[i] - b[i])));
    return e;
}
template <class T>
double max_abs(const cvec<T>& a) {
    double e = 0;
    for (const auto& x : a) e = std::max(e, double(std::abs(x)));
    return e;
}

/// Σ_{|s| ≤ ℓ < lmax, |m| ≤ ℓ} a_ℓm sY_ℓm(θ, φ) from the closed-form reference (lmax ≲ 20:
/// the reference's factorials).
std::complex<double> closed_form_sample(const cvec<double>& a, int lmax, int s, double theta, double phi) {
    std::complex<double> ref = 0;
    for (int l = std::abs(s); l < lmax; ++l)
        for (int m = -l; m <= l; ++m)
            ref += a[std::size_t(l * l + l + m)] * std::complex<double>(test::sylm_reference(l, m, s, theta, phi));
    return ref;
}

sht::ring_geometry exact_geometry(int which, int L) {
    switch (which) {
    case 0: return sht::mw_geometry(L);
    case 1: return sht::mwss_geometry(L);
    case 2: return sht::gauss_legendre_geometry(L);
    case 3: return sht::driscoll_healy_geometry(L);
    default: return sht::clenshaw_curtis_geometry(L);
    }
}
}  // namespace

TEMPLATE_LIST_TEST_CASE("analysis inverts synthesis on MW, MWSS, GL, DH, CC", "[sht][plan]", configs) {
    using T = typename TestType::value;
    using B = typename TestType::backend;
    const double tol = std::is_same_v<T, double> ? 1e-12 : 1e-5;
    for (int which = 0; which < 5; ++which)
        for (int L : {1, 2, 8, 33, 64})
            for (int s : {0, 1, 2, -3}) {
                if (std::abs(s) >= L) continue;
                const sht::plan<T, B> p(L, s, exact_geometry(which, L));
                REQUIRE(p.exact_analysis());
                const auto a = random_alm<T>(L, s, 7 + std::uint64_t(L));
                cvec<T> f(p.map_size()), b(p.alm_size());
                p.synthesis(cv(a), mv(f));
                p.analysis(cv(f), mv(b));
                const double err = max_abs_diff(a, b);
                INFO(sht::sampling_name(p.geometry().kind()) << " L = " << L << " s = " << s << ": max error " << err);
                CHECK(err <= tol * max_abs(a));
            }
}

TEST_CASE("rings longer than 4096 samples (the split FFT, directly and inside Bluestein) round-trip",
          "[sht][plan]") {
    // Gauss–Legendre colatitudes and weights with 8192 (FFTW through the radix-4 split) or
    // 8191 samples per ring (prime: Bluestein, whose 8192-point FFTs split): exact analysis.
    const int L = 12;
    const auto q = sht::gauss_legendre_rule(L);
    for (std::size_t nphi : {8192u, 8191u})
        for (int s : {0, 2}) {
            const std::vector<std::size_t> np(q.theta.size(), nphi);
            const sht::plan<double> p(L, s, sht::custom_geometry(q.theta, np, {}, q.weight));
            const auto a = random_alm<double>(L, s, 11 + nphi);
            cvec<double> f(p.map_size()), b(p.alm_size());
            p.synthesis(cv(a), mv(f));
            p.analysis(cv(f), mv(b));
            INFO("nphi = " << nphi << " s = " << s);
            CHECK(max_abs_diff(a, b) <= 1e-12 * max_abs(a));
            // One sample against the closed-form sum of the reference sY_lm.
            const auto& r = p.geometry()[3];
            const double phi = r.phi0 + 2 * pi * 1234.0 / double(nphi);
            const auto ref = closed_form_sample(a, L, s, r.theta, phi);
            CHECK(std::abs(f[r.offset + 1234] - ref) <= 1e-12 * max_abs(a) * L);
        }
}

TEST_CASE("grids whose ring and theta DFTs take the two-factor DFT round-trip and match sY_lm", "[sht][plan]") {
    // L = 144: rings of 2L − 1 = 287 = 7·41 samples, and on MW the θ DFT of the same length,
    // run two_factor_dft where any_size_dft uses it (double, AVX-512 builds) and Bluestein
    // elsewhere; GL and MW, spin 0 and 2, exact analysis.
    const int L = 144;
    for (int w : {0, 2})  // MW, GL
        for (int s : {0, 2}) {
            const auto g = w == 0 ? sht::mw_geometry(L) : sht::gauss_legendre_geometry(L);
            const sht::plan<double> p(L, s, g);
            const auto a = random_alm<double>(L, s, 31 + std::uint64_t(s));
            cvec<double> f(p.map_size()), b(p.alm_size());
            p.synthesis(cv(a), mv(f));
            p.analysis(cv(f), mv(b));
            INFO("grid " << w << " s = " << s);
            CHECK(max_abs_diff(a, b) <= 1e-12 * max_abs(a));
            // Samples against the closed form, for coefficients up to ℓ = 15 (the reference's
            // range; the ring DFT is still the 287-point one).
            auto lo = a;
            for (std::size_t i = 16 * 16; i < lo.size(); ++i) lo[i] = 0;
            p.synthesis(cv(lo), mv(f));
            const auto& r = p.geometry()[L / 3];
            for (std::size_t j : {0ul, 101ul, 286ul}) {
                const double phi = r.phi0 + 2 * pi * double(j) / double(r.nphi);
                const auto ref = closed_form_sample(lo, 16, s, r.theta, phi);
                CHECK(std::abs(f[r.offset + j] - ref) <= 1e-12 * max_abs(lo) * 16);
            }
        }
}

TEMPLATE_LIST_TEST_CASE("dot-product tests of synthesis and analysis", "[sht][plan][adjoint]", configs) {
    using T = typename TestType::value;
    using B = typename TestType::backend;
    using C = std::complex<T>;
    const double tol = test::adjoint_tolerance<T>;
    std::vector<std::pair<sht::ring_geometry, int>> cases;
    for (int w = 0; w < 5; ++w) cases.emplace_back(exact_geometry(w, 17), 17);
    cases.emplace_back(sht::mw_geometry(20), 12);  // grid finer than the band-limit
    cases.emplace_back(sht::healpix_geometry(4), 13);  // nphi < 2L−1 on the cap rings: aliasing
    const auto th = test::uniform<double>(5, 99, 0.0, pi);
    const std::vector<std::size_t> np{1, 4, 31, 7, 40};
    const auto ph0 = test::uniform<double>(5, 98, -3.0, 3.0);
    const auto w = test::uniform<double>(5, 97, 0.1, 1.0);
    cases.emplace_back(sht::custom_geometry(th, np, ph0, w), 9);
    for (const auto& [g, L] : cases)
        for (int s : {0, 2, -3}) {
            const sht::plan<T, B> p(L, s, g);
            const auto x = test::normal<C>(p.alm_size(), 1);
            const auto y = test::normal<C>(p.map_size(), 2);
            INFO(sht::sampling_name(g.kind()) << " L = " << L << " s = " << s);
            auto syn = [&](const cvec<T>& a) { cvec<T> f(p.map_size()); p.synthesis(cv(a), mv(f)); return f; };
            auto syn_h = [&](const cvec<T>& f) { cvec<T> a(p.alm_size()); p.adjoint_synthesis(cv(f), mv(a)); return a; };
            auto ana = [&](const cvec<T>& f) { cvec<T> a(p.alm_size()); p.analysis(cv(f), mv(a)); return a; };
            auto ana_h = [&](const cvec<T>& a) { cvec<T> f(p.map_size()); p.adjoint_analysis(cv(a), mv(f)); return f; };
            const auto r1 = test::adjoint_test(syn, syn_h, x, y, tol);
            INFO(r1);
            CHECK(r1.passed);
            const auto r2 = test::adjoint_test(ana, ana_h, y, x, tol);
            INFO(r2);
            CHECK(r2.passed);
        }
}

TEST_CASE("synthesis matches closed-form sY_lm at random points", "[sht][plan]") {
    const int L = 11;
    const auto th = test::uniform<double>(6, 5, 0.0, pi);
    const auto ph = test::uniform<double>(6, 6, 0.0, 2 * pi);
    double worst = 0;
    for (std::size_t k = 0; k < th.size(); ++k) {
        const std::vector<double> t{th[k]}, p0{ph[k]};
        const std::vector<std::size_t> n{1};
        for (int s : {0, 1, 2, -3}) {
            const sht::plan<double> p(L, s, sht::custom_geometry(t, n, p0));
            for (int l = std::abs(s); l < L; ++l)
                for (int m = -l; m <= l; ++m) {
                    cvec<double> a(p.alm_size()), f(1);
                    a[std::size_t(l * l + l + m)] = 1;
                    p.synthesis(cv(a), mv(f));
                    const auto ref = test::sylm_reference(l, m, s, th[k], ph[k]);
                    worst = std::max(worst, double(std::abs(std::complex<long double>(f[0]) - ref)));
                }
        }
    }
    INFO("max |synthesis − sY_lm| = " << worst);
    CHECK(worst < 1e-13);
}

TEST_CASE("paired, chunked and polar-skipped Legendre step matches the scalar recursion", "[sht][plan]") {
    // Mirrored pairs (θ, π − θ), an equator ring, both poles, a duplicate, unpaired rings and
    // rings so close to the poles that λ_ℓm stays below the 2^−102 significance threshold for
    // high m (skipped lanes and chunks), more than one chunk per hemisphere; one sample per
    // ring at a random φ.
    const int L = 64;
    std::vector<double> th{0.0, pi, pi / 2, 1e-3, pi - 1e-3, 4e-3, 2e-2, pi - 2e-2, 0.7, 0.7, 2.5};
    for (int i = 1; i <= 36; ++i) {
        const double t = 0.04 * i;
        th.push_back(t);
        if (i % 3 != 0) th.push_back(pi - t);
    }
    const std::vector<std::size_t> np(th.size(), 1);
    const auto ph = test::uniform<double>(th.size(), 12, 0.0, 2 * pi);
    const auto g = sht::custom_geometry(th, np, ph);
    for (int s : {0, 1, 2, -3}) {
        const sht::plan<double, backend::openmp> p(L, s, g);
        const auto a = random_alm<double>(L, s, 13);
        cvec<double> f(p.map_size());
        p.synthesis(cv(a), mv(f));
        // Reference: Σ f_ℓm (−1)^s λ_ℓ(θ) e^{imφ} with the scalar normalized_wigner_d.
        double worst = 0;
        for (std::size_t r = 0; r < th.size(); ++r) {
            std::complex<double> ref = 0;
            for (int m = -(L - 1); m <= L - 1; ++m) {
                const auto lam = sht::normalized_wigner_d(L, m, -s, th[r]);
                std::complex<double> col = 0;
                for (int l = std::abs(m); l < L; ++l) col += a[std::size_t(l * l + l + m)] * lam[std::size_t(l)];
                ref += col * std::polar(s % 2 ? -1.0 : 1.0, m * ph[r]);
            }
            worst = std::max(worst, std::abs(f[r] - ref));
        }
        INFO("s = " << s << ": max |synthesis − reference| = " << worst);
        CHECK(worst < 1e-12 * max_abs(f));
    }
}

TEST_CASE("the first-dead-chunk cache changes no output: first and later calls, either order", "[sht][plan]") {
    // The first call of a plan learns, per order, where the dead chunks start (legendre_orders.hpp,
    // dead_chunk_cache); later calls skip them. Outputs must be bit-identical whichever call
    // filled the cache (synthesis or its adjoint), on GL (many chunks per
    // hemisphere at L = 256) and MW (the resampler's node set).
    const int L = 256;
    for (int s : {0, 2}) {
        for (const auto& g : {sht::gauss_legendre_geometry(L), sht::mw_geometry(L)}) {
            const auto a = random_alm<double>(L, s, 21);
            const auto x = test::normal<std::complex<double>>(g.npix(), 22);
            const sht::plan<double, backend::serial> fresh_a(L, s, g), fresh_b(L, s, g);
            cvec<double> f1(fresh_a.map_size()), f2(f1.size()), f3(f1.size());
            cvec<double> b1(fresh_a.alm_size()), b2(b1.size()), b3(b1.size());
            fresh_a.synthesis(cv(a), mv(f1));          // fills the cache
            fresh_a.synthesis(cv(a), mv(f2));          // uses it
            fresh_a.adjoint_synthesis(cv(x), mv(b1));  // uses it
            fresh_b.adjoint_synthesis(cv(x), mv(b2));  // fills it
            fresh_b.adjoint_synthesis(cv(x), mv(b3));
            fresh_b.synthesis(cv(a), mv(f3));
            INFO("s = " << s << ", grid with " << g.nrings() << " rings");
            CHECK(f1 == f2);
            CHECK(f1 == f3);
            CHECK(b1 == b2);
            CHECK(b1 == b3);
        }
    }
}

TEMPLATE_LIST_TEST_CASE("rotation about z multiplies f_lm by e^{i m phi0}", "[sht][plan]", configs) {
    using T = typename TestType::value;
    using B = typename TestType::backend;
    const double tol = std::is_same_v<T, double> ? 1e-12 : 1e-5;
    const int L = 16;
    const double phi0 = 0.37;
    for (int which : {0, 2}) {
        for (int s : {0, 2}) {
            const auto g = exact_geometry(which, L);
            const sht::plan<T, B> p(L, s, g), pr(L, s, g.rotated_about_z(phi0));
            const auto a = random_alm<T>(L, s, 3);
            cvec<T> ar(a.size()), f(p.map_size()), fr(p.map_size()), b(a.size());
            for (int l = 0; l < L; ++l)
                for (int m = -l; m <= l; ++m)
                    ar[std::size_t(l * l + l + m)] = a[std::size_t(l * l + l + m)] * std::polar(T(1), T(m * phi0));
            // f(θ, φ + φ0) on the shifted grid equals the unshifted synthesis of f_lm e^{imφ0}.
            pr.synthesis(cv(a), mv(fr));
            p.synthesis(cv(ar), mv(f));
            CHECK(max_abs_diff(f, fr) <= tol * max_abs(f));
            // Analysis on the shifted grid of the shifted samples gives f_lm back.
            pr.analysis(cv(fr), mv(b));
            CHECK(max_abs_diff(a, b) <= tol * max_abs(a));
        }
    }
}

TEST_CASE("conjugation: conj(sY_lm) = (-1)^{s+m} (-s)Y_{l,-m}; real fields have Hermitian f_lm", "[sht][plan]") {
    const int L = 20;
    const auto g = sht::gauss_legendre_geometry(L);
    for (int s : {0, 1, 2, -3}) {
        const sht::plan<double> p(L, s, g), q(L, -s, g);
        const auto a = random_alm<double>(L, s, 11);
        cvec<double> b(a.size()), f(p.map_size()), h(p.map_size());
        for (int l = 0; l < L; ++l)
            for (int m = -l; m <= l; ++m)
                b[std::size_t(l * l + l + m)] = ((s + m) % 2 == 0 ? 1.0 : -1.0) * std::conj(a[std::size_t(l * l + l - m)]);
        p.synthesis(cv(a), mv(f));
        q.synthesis(cv(b), mv(h));
        for (auto& x : h) x = std::conj(x);
        CHECK(max_abs_diff(f, h) <= 1e-12 * max_abs(f));
    }
    // A real spin-0 map analyses to f_{l,−m} = (−1)^m conj(f_lm).
    const sht::plan<double> p(L, 0, g);
    auto f = test::normal<std::complex<double>>(p.map_size(), 4);
    for (auto& x : f) x = x.real();
    cvec<double> a(p.alm_size());
    p.analysis(cv(f), mv(a));
    double worst = 0;
    for (int l = 0; l < L; ++l)
        for (int m = 1; m <= l; ++m)
            worst = std::max(worst, std::abs(a[std::size_t(l * l + l - m)] -
                                             ((m % 2) ? -1.0 : 1.0) * std::conj(a[std::size_t(l * l + l + m)])));
    CHECK(worst < 1e-13);
}

TEST_CASE("HEALPix: synthesis exact, weighted analysis approximate", "[sht][plan][healpix]") {
    const int nside = 8, L = 2 * nside;
    const sht::plan<double, backend::openmp> p(L, 0, sht::healpix_geometry(nside));
    CHECK_FALSE(p.exact_analysis());
    const auto a = random_alm<double>(L, 0, 21);
    cvec<double> f(p.map_size()), b(p.alm_size());
    p.synthesis(cv(a), mv(f));
    // Pixel 0 of ring 0 sits at θ = acos(1 − 1/(3 nside²)), φ = π/4: compare with a single-ring plan.
    const std::vector<double> t{std::acos(1 - 1.0 / (3.0 * nside * nside))}, p0{pi / 4};
    const std::vector<std::size_t> n{1};
    const sht::plan<double> one(L, 0, sht::custom_geometry(t, n, p0));
    cvec<double> f0(1);
    one.synthesis(cv(a), mv(f0));
    CHECK(std::abs(f0[0] - f[0]) < 1e-13 * max_abs(f));
    p.analysis(cv(f), mv(b));
    const double rel = max_abs_diff(a, b) / max_abs(a);
    INFO("HEALPix nside 8, L 16 one-step analysis relative error " << rel);
    CHECK(rel < 0.05);
}

TEST_CASE("sht::plan rejects bad input", "[sht][plan][errors]") {
    const auto g = sht::gauss_legendre_geometry(8);
    CHECK_THROWS_WITH(sht::plan<double>(0, 0, g), Catch::Contains("L = 0") && Catch::Contains("[1, "));
    CHECK_THROWS_AS(sht::plan<double>(-2, 0, g), invalid_argument);
    CHECK_THROWS_WITH(sht::plan<double>(8, 8, g), Catch::Contains("spin = 8") && Catch::Contains("[-7, 7]"));
    CHECK_THROWS_AS(sht::plan<float>(8, -8, g), invalid_argument);
    CHECK_THROWS_AS(sht::plan<double>(8, 0, sht::ring_geometry{}), invalid_argument);
    const sht::plan<double> p(8, 0, g);
    cvec<double> a(64), bad_a(63), f(p.map_size()), bad_f(p.map_size() + 1);
    CHECK_THROWS_WITH(p.synthesis(cv(bad_a), mv(f)), Catch::Contains("alm has size 63") && Catch::Contains("64"));
    CHECK_THROWS_AS(p.synthesis(cv(a), mv(bad_f)), shape_mismatch);
    CHECK_THROWS_AS(p.adjoint_synthesis(cv(bad_f), mv(a)), shape_mismatch);
    CHECK_THROWS_AS(p.analysis(cv(f), mv(bad_a)), shape_mismatch);
    CHECK_THROWS_AS(p.adjoint_analysis(cv(bad_a), mv(f)), shape_mismatch);
    // No weights and no periodic extension: no analysis.
    const std::vector<double> t{0.5, 1.5};
    const std::vector<std::size_t> n{15, 15};
    const sht::plan<double> c(8, 0, sht::custom_geometry(t, n));
    cvec<double> fc(c.map_size());
    CHECK_THROWS_WITH(c.analysis(cv(fc), mv(a)), Catch::Contains("no quadrature weights"));
    CHECK_THROWS_AS(c.adjoint_analysis(cv(a), mv(fc)), invalid_argument);
    // An MW grid built for a smaller band-limit cannot analyse exactly.
    const sht::plan<double> coarse(8, 0, sht::mw_geometry(4));
    cvec<double> fm(coarse.map_size());
    CHECK_FALSE(coarse.exact_analysis());
    CHECK_THROWS_AS(coarse.analysis(cv(fm), mv(a)), invalid_argument);
}
