// spin_pair_plan: healpy's Q/U ↔ E/B convention (values from healpy.alm2map_spin), exact
// round trips, pure-E fields without B, real-inner-product adjoint tests, bad input.
#include <catch2/catch.hpp>

#include <sphaera/sht/healpix_refinement.hpp>
#include <sphaera/sht/samplings.hpp>
#include <sphaera/sht/spin_pair.hpp>

#include <algorithm>
#include <complex>
#include <cstdint>
#include <numbers>
#include <tuple>
#include <vector>

#include "support/adjoint.hpp"
#include "support/backends.hpp"

using namespace sphaera;

namespace {
template <class T>
using cvec = std::vector<std::complex<T>>;
template <class T>
using rvec = std::vector<T>;

/// Random (E, B) of real fields: Hermitian, zero for ℓ < s. (2, L²)
template <class T>
cvec<T> random_eb(int L, int s, std::uint64_t seed) {
    const std::size_t na = std::size_t(L) * std::size_t(L);
    auto x = test::normal<std::complex<T>>(2 * na, seed);
    for (int c = 0; c < 2; ++c) {
        std::complex<T>* a = x.data() + c * na;
        for (int l = 0; l < L; ++l) {
            a[sht::alm_index(l, 0)] = l < s ? 0 : a[sht::alm_index(l, 0)].real();
            for (int m = 1; m <= l; ++m) {
                if (l < s) a[sht::alm_index(l, m)] = 0;
                a[sht::alm_index(l, -m)] = T(m % 2 ? -1 : 1) * std::conj(a[sht::alm_index(l, m)]);
            }
        }
    }
    return x;
}
template <class T, class U>
double max_abs_diff(const std::vector<T>& a, const std::vector<U>& b) {
    double e = 0;
    for (std::size_t i = 0; i < a.size(); ++i) e = std::max(e, double(std::abs(a[i] - b[i])));
    return e;
}
template <class T>
double max_abs(const std::vector<T>& a) {
    double e = 0;
    for (const auto& x : a) e = std::max(e, double(std::abs(x)));
    return e;
}
}  // namespace

TEST_CASE("spin_pair_plan reproduces healpy.alm2map_spin", "[sht][spin_pair]") {
    // healpy 1.20.1, nside 4, lmax 4, pixel 5 (θ = 0.41113786…, φ = 3π/8): the map of one
    // unit healpy coefficient (m ≥ 0; m < 0 follows from reality) in E or B.
    struct ref {
        char which;
        int l, m, s;
        double q, u;
    };
    const ref refs[] = {
        {'E', 2, 0, 2, -0.06169657393425948, 0.0},  {'E', 2, 0, 1, -0.2830217491910844, 0.0},
        {'B', 2, 0, 2, 0.0, -0.06169657393425948},  {'E', 3, 1, 2, -0.13724232032248504, 0.3994142445583625},
        {'E', 3, 1, 1, -0.1049988842522156, 0.5518713847104462}, {'E', 3, 1, 3, -0.04048985018104506, 0.10663761321330947},
        {'B', 3, 1, 2, -0.3994142445583625, -0.13724232032248504}, {'B', 3, 1, 1, -0.5518713847104462, -0.1049988842522156},
        {'B', 3, 1, 3, -0.10663761321330947, -0.04048985018104506}, {'E', 2, 2, 2, 0.41041049546917047, 0.40886177661834355},
        {'E', 2, 2, 1, -0.16340268308199127, -0.17825747245308143}, {'B', 2, 2, 2, -0.40886177661834355, 0.41041049546917047},
        {'B', 2, 2, 1, 0.17825747245308143, -0.16340268308199127},
    };
    const int L = 5;
    const std::vector<double> theta{0.4111378623223478}, phi{3 * std::numbers::pi / 8};
    const std::vector<std::size_t> one{1};
    for (const auto& r : refs) {
        const sht::spin_pair_plan<double> p(L, r.s, sht::custom_geometry(theta, one, phi));
        cvec<double> eb(p.alm_size());
        const std::size_t off = r.which == 'E' ? 0 : std::size_t(L * L);
        eb[off + sht::alm_index(r.l, r.m)] = 1;
        eb[off + sht::alm_index(r.l, -r.m)] = (r.m % 2) ? -1.0 : 1.0;
        rvec<double> qu(p.map_size());
        p.synthesis({eb.data(), eb.size()}, {qu.data(), qu.size()});
        INFO(r.which << " l = " << r.l << " m = " << r.m << " spin " << r.s << ": Q " << qu[0] << " U " << qu[1]);
        CHECK(std::abs(qu[0] - r.q) < 1e-14);
        CHECK(std::abs(qu[1] - r.u) < 1e-14);
    }
}

TEST_CASE("spin_pair_plan round trip, and a pure-E field has no B", "[sht][spin_pair]") {
    for (int which = 0; which < 2; ++which)
        for (int s : {1, 2, 3}) {
            const int L = 24;
            const auto g = which == 0 ? sht::mw_geometry(L) : sht::gauss_legendre_geometry(L);
            const sht::spin_pair_plan<double, backend::openmp> p(L, s, g);
            const auto eb = random_eb<double>(L, s, 40 + std::uint64_t(s));
            rvec<double> qu(p.map_size());
            cvec<double> back(p.alm_size());
            p.synthesis({eb.data(), eb.size()}, {qu.data(), qu.size()});
            p.analysis({qu.data(), qu.size()}, {back.data(), back.size()});
            INFO(sht::sampling_name(g.kind()) << " spin " << s);
            CHECK(max_abs_diff(eb, back) <= 1e-12 * max_abs(eb));

            auto e_only = eb;
            std::fill(e_only.begin() + L * L, e_only.end(), std::complex<double>(0));
            p.synthesis({e_only.data(), e_only.size()}, {qu.data(), qu.size()});
            p.analysis({qu.data(), qu.size()}, {back.data(), back.size()});
            double b_max = 0;
            for (int i = L * L; i < 2 * L * L; ++i) b_max = std::max(b_max, std::abs(back[std::size_t(i)]));
            CHECK(b_max <= 1e-13 * max_abs(eb));
            CHECK(max_abs_diff(e_only, back) <= 1e-12 * max_abs(eb));
        }
}

TEST_CASE("spin_pair_plan on HEALPix with refinement of the spin-2 coefficients", "[sht][spin_pair][healpix]") {
    const int nside = 8, L = 2 * nside;
    const sht::spin_pair_plan<double> p(L, 2, sht::healpix_geometry(nside));
    const auto eb = random_eb<double>(L, 2, 17);
    rvec<double> qu(p.map_size());
    p.synthesis({eb.data(), eb.size()}, {qu.data(), qu.size()});
    const std::size_t np = qu.size() / 2, na = eb.size() / 2;
    cvec<double> pmap(np), a(na), back(eb.size());
    for (std::size_t i = 0; i < np; ++i) pmap[i] = {qu[i], qu[np + i]};
    sht::refinement_options o;
    o.tolerance = 1e-13;
    o.max_iterations = 30;
    const auto rep = sht::refined_analysis(p.spin_plan(), {pmap.data(), np}, {a.data(), na}, o);
    p.eb_from_spin_alm({a.data(), na}, {back.data(), back.size()});
    INFO(rep.iterations << " CGLS iterations, residual " << rep.residual);
    CHECK(rep.converged);
    CHECK(max_abs_diff(eb, back) <= 1e-11 * max_abs(eb));
    // One-step analysis is only approximate on HEALPix.
    p.analysis({qu.data(), qu.size()}, {back.data(), back.size()});
    CHECK(max_abs_diff(eb, back) > 1e-4 * max_abs(eb));
}

TEST_CASE("spin_pair_plan in single precision", "[sht][spin_pair]") {
    const int L = 16;
    const sht::spin_pair_plan<float> p(L, 2, sht::mw_geometry(L));
    const auto eb = random_eb<float>(L, 2, 3);
    rvec<float> qu(p.map_size());
    cvec<float> back(p.alm_size());
    p.synthesis({eb.data(), eb.size()}, {qu.data(), qu.size()});
    p.analysis({qu.data(), qu.size()}, {back.data(), back.size()});
    CHECK(max_abs_diff(eb, back) <= 1e-5 * max_abs(eb));
}

TEST_CASE("spin_pair_plan dot-product tests in the real inner product", "[sht][spin_pair][adjoint]") {
    using C = std::complex<double>;
    std::vector<std::pair<sht::ring_geometry, int>> cases{{sht::mw_geometry(14), 14},
                                                          {sht::gauss_legendre_geometry(11), 11},
                                                          {sht::healpix_geometry(4), 12}};
    for (const auto& [g, L] : cases)
        for (int s : {1, 2}) {
            const sht::spin_pair_plan<double> p(L, s, g);
            // Unconstrained complex x (not Hermitian): the projection is part of the operator.
            const auto x = test::normal<C>(p.alm_size(), 5);
            const auto y = test::normal<double>(p.map_size(), 6);
            auto syn = [&](const cvec<double>& a) { rvec<double> f(p.map_size()); p.synthesis({a.data(), a.size()}, {f.data(), f.size()}); return f; };
            auto syn_h = [&](const rvec<double>& f) { cvec<double> a(p.alm_size()); p.adjoint_synthesis({f.data(), f.size()}, {a.data(), a.size()}); return a; };
            auto ana = [&](const rvec<double>& f) { cvec<double> a(p.alm_size()); p.analysis({f.data(), f.size()}, {a.data(), a.size()}); return a; };
            auto ana_h = [&](const cvec<double>& a) { rvec<double> f(p.map_size()); p.adjoint_analysis({a.data(), a.size()}, {f.data(), f.size()}); return f; };
            INFO(sht::sampling_name(g.kind()) << " L = " << L << " spin " << s);
            const auto r1 = test::adjoint_test(syn, syn_h, x, y, 1e-12, test::inner_product::real);
            INFO(r1);
            CHECK(r1.passed);
            const auto r2 = test::adjoint_test(ana, ana_h, y, x, 1e-12, test::inner_product::real);
            INFO(r2);
            CHECK(r2.passed);
        }
}

TEST_CASE("spin_pair_plan rejects bad input", "[sht][spin_pair][errors]") {
    const auto g = sht::mw_geometry(8);
    CHECK_THROWS_WITH(sht::spin_pair_plan<double>(8, 0, g), Catch::Contains("spin = 0") && Catch::Contains("[1, 7]"));
    CHECK_THROWS_AS(sht::spin_pair_plan<double>(8, 8, g), invalid_argument);
    CHECK_THROWS_AS(sht::spin_pair_plan<double>(8, -2, g), invalid_argument);
    CHECK_THROWS_AS(sht::spin_pair_plan<double>(1, 1, sht::mw_geometry(1)), invalid_argument);
    const sht::spin_pair_plan<double> p(8, 2, g);
    cvec<double> eb(p.alm_size()), bad_eb(p.alm_size() / 2);
    rvec<double> qu(p.map_size()), bad_qu(p.map_size() / 2);
    CHECK_THROWS_WITH(p.synthesis({bad_eb.data(), bad_eb.size()}, {qu.data(), qu.size()}),
                      Catch::Contains("eb has size 64") && Catch::Contains("128"));
    CHECK_THROWS_AS(p.synthesis({eb.data(), eb.size()}, {bad_qu.data(), bad_qu.size()}), shape_mismatch);
    CHECK_THROWS_AS(p.analysis({bad_qu.data(), bad_qu.size()}, {eb.data(), eb.size()}), shape_mismatch);
    CHECK_THROWS_AS(p.adjoint_synthesis({qu.data(), qu.size()}, {bad_eb.data(), bad_eb.size()}), shape_mismatch);
    CHECK_THROWS_AS(p.adjoint_analysis({eb.data(), eb.size()}, {bad_qu.data(), bad_qu.size()}), shape_mismatch);
}
