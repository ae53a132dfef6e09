// so3::real_plan: agreement with so3::plan on real signals, exact round trips, symmetric
// output, real-inner-product adjoint tests, steerable channels, bad input.
#include <catch2/catch.hpp>

#include <sphaera/sht/samplings.hpp>
#include <sphaera/sht/so3_layout.hpp>
#include <sphaera/sht/so3_plan.hpp>
#include <sphaera/sht/so3_real_plan.hpp>

#include <algorithm>
#include <complex>
#include <cstdint>
#include <vector>

#include "support/adjoint.hpp"
#include "support/backends.hpp"

using namespace sphaera;

namespace {
using C = std::complex<double>;
using cvec = std::vector<C>;
using rvec = std::vector<double>;
view<const C> cv(const cvec& v) { return {v.data(), v.size()}; }
view<C> mv(cvec& v) { return {v.data(), v.size()}; }
view<const double> cv(const rvec& v) { return {v.data(), v.size()}; }
view<double> mv(rvec& v) { return {v.data(), v.size()}; }

/// f^ℓ_{−m,−n} of the real-signal symmetry applied to x: (−1)^{m+n} conj(x^ℓ_{m,n}).
C mirrored(const cvec& x, int L, int N, int n, int l, int m) {
    return double(((m + n) % 2 == 0) ? 1 : -1) * std::conj(x[so3::flmn_index(L, N, -n, l, -m)]);
}
/// Random coefficients of a real signal (zero where ℓ < |n|).
cvec random_real_flmn(int L, int N, std::uint64_t seed) {
    auto x = test::normal<C>(so3::flmn_count(L, N), seed);
    cvec y(x.size());
    for (int n = -(N - 1); n < N; ++n)
        for (int l = std::abs(n); l < L; ++l)
            for (int m = -l; m <= l; ++m)
                y[so3::flmn_index(L, N, n, l, m)] = 0.5 * (x[so3::flmn_index(L, N, n, l, m)] + mirrored(x, L, N, n, l, m));
    return y;
}
template <class V, class W>
double max_abs_diff(const V& a, const W& b) {
    double e = 0;
    for (std::size_t i = 0; i < a.size(); ++i) e = std::max(e, double(std::abs(a[i] - b[i])));
    return e;
}
template <class V>
double max_abs(const V& a) {
    double e = 0;
    for (const auto& x : a) e = std::max(e, double(std::abs(x)));
    return e;
}
}  // namespace

TEST_CASE("so3::real_plan agrees with so3::plan on real signals and round-trips exactly", "[so3][real]") {
    for (int L : {1, 4, 16, 24})
        for (int N : {1, 2, 3, 4}) {
            if (N > L) continue;
            const so3::plan<double> full(L, N);
            const so3::real_plan<double, backend::openmp> re(L, N);
            const auto x = random_real_flmn(L, N, 11 + std::uint64_t(8 * L + N));
            cvec fc(full.map_size());
            rvec fr(re.map_size());
            full.synthesis(cv(x), mv(fc));
            re.synthesis(cv(x), mv(fr));
            INFO("L = " << L << " N = " << N);
            CHECK(max_abs_diff(fr, fc) <= 1e-14 * max_abs(fc));  // includes Im(fc) ≈ 0
            cvec b(re.flmn_size());
            re.analysis(cv(fr), mv(b));
            CHECK(max_abs_diff(b, x) <= 1e-12 * max_abs(x));
        }
}

TEST_CASE("so3::real_plan analysis of any real map is symmetric and equals the complex analysis", "[so3][real]") {
    const int L = 12, N = 3;
    const so3::plan<double> full(L, N, sht::gauss_legendre_geometry(L));
    const so3::real_plan<double> re(L, N, sht::gauss_legendre_geometry(L));
    const auto f = test::normal<double>(re.map_size(), 5);
    cvec b(re.flmn_size()), c(re.flmn_size()), fc(f.begin(), f.end());
    re.analysis(cv(f), mv(b));
    full.analysis(cv(fc), mv(c));
    CHECK(max_abs_diff(b, c) <= 1e-13 * max_abs(c));
    double asym = 0;
    for (int n = -(N - 1); n < N; ++n)
        for (int l = std::abs(n); l < L; ++l)
            for (int m = -l; m <= l; ++m)
                asym = std::max(asym, std::abs(b[so3::flmn_index(L, N, n, l, m)] - mirrored(b, L, N, n, l, m)));
    CHECK(asym == 0);
}

TEST_CASE("so3::real_plan dot-product tests in the real inner product", "[so3][real][adjoint]") {
    struct tcase {
        sht::ring_geometry g;
        int L, N;
        so3::channels ch;
    };
    const tcase cases[] = {{sht::mw_geometry(10), 10, 3, so3::channels::all},
                           {sht::mw_geometry(9), 9, 4, so3::channels::steerable},
                           {sht::gauss_legendre_geometry(8), 8, 1, so3::channels::all},
                           {sht::healpix_geometry(4), 9, 2, so3::channels::all}};
    for (const auto& t : cases) {
        const so3::real_plan<double> p(t.L, t.N, t.g, backend::serial{}, t.ch);
        const auto x = test::normal<C>(p.flmn_size(), 1);  // not symmetric: the projection is tested too
        const auto y = test::normal<double>(p.map_size(), 2);
        auto syn = [&](const cvec& a) { rvec f(p.map_size()); p.synthesis(cv(a), mv(f)); return f; };
        auto syn_h = [&](const rvec& f) { cvec a(p.flmn_size()); p.adjoint_synthesis(cv(f), mv(a)); return a; };
        auto ana = [&](const rvec& f) { cvec a(p.flmn_size()); p.analysis(cv(f), mv(a)); return a; };
        auto ana_h = [&](const cvec& a) { rvec f(p.map_size()); p.adjoint_analysis(cv(a), mv(f)); return f; };
        INFO(sht::sampling_name(t.g.kind()) << " L = " << t.L << " N = " << t.N);
        const auto r1 = test::adjoint_test(syn, syn_h, x, y, 1e-12, test::inner_product::real);
        INFO(r1);
        CHECK(r1.passed);
        const auto r2 = test::adjoint_test(ana, ana_h, y, x, 1e-12, test::inner_product::real);
        INFO(r2);
        CHECK(r2.passed);
    }
}

TEST_CASE("so3::real_plan with steerable channels matches the complex steerable plan", "[so3][real][channels]") {
    const int L = 16;
    for (int N : {2, 3, 4}) {
        const so3::plan<double> full(L, N, backend::serial{}, so3::channels::steerable);
        const so3::real_plan<double> re(L, N, backend::serial{}, so3::channels::steerable);
        CHECK(re.channel_list().size() == std::size_t((N + 1) / 2));
        const auto x = random_real_flmn(L, N, 70 + std::uint64_t(N));
        cvec fc(full.map_size()), b(re.flmn_size()), want(re.flmn_size());
        rvec fr(re.map_size());
        full.synthesis(cv(x), mv(fc));
        re.synthesis(cv(x), mv(fr));
        INFO("N = " << N);
        CHECK(max_abs_diff(fr, fc) <= 1e-14 * max_abs(fc));
        re.analysis(cv(fr), mv(b));
        full.analysis(cv(fc), mv(want));
        CHECK(max_abs_diff(b, want) <= 1e-12 * max_abs(x));
    }
}

TEST_CASE("so3::real_plan in single precision", "[so3][real]") {
    const int L = 16, N = 3;
    const so3::real_plan<float> p(L, N);
    const auto xd = random_real_flmn(L, N, 4);
    std::vector<std::complex<float>> x(xd.begin(), xd.end()), b(x.size());
    std::vector<float> f(p.map_size());
    p.synthesis({x.data(), x.size()}, {f.data(), f.size()});
    p.analysis({f.data(), f.size()}, {b.data(), b.size()});
    CHECK(max_abs_diff(b, x) <= 2e-5 * max_abs(x));
}

TEST_CASE("so3::real_plan rejects bad input", "[so3][real][errors]") {
    CHECK_THROWS_WITH(so3::real_plan<double>(3, 4), Catch::Contains("N = 4") && Catch::Contains("L = 3"));
    CHECK_THROWS_AS(so3::real_plan<double>(3, 0), invalid_argument);
    CHECK_THROWS_AS(so3::real_plan<double>(0, 1), invalid_argument);
    const so3::real_plan<double> p(6, 2);
    cvec a(p.flmn_size()), bad_a(a.size() - 1);
    rvec f(p.map_size()), bad_f(f.size() + 2);
    CHECK_THROWS_WITH(p.synthesis(cv(bad_a), mv(f)), Catch::Contains("flmn has size"));
    CHECK_THROWS_AS(p.synthesis(cv(a), mv(bad_f)), shape_mismatch);
    CHECK_THROWS_AS(p.adjoint_synthesis(cv(bad_f), mv(a)), shape_mismatch);
    CHECK_THROWS_AS(p.analysis(cv(f), mv(bad_a)), shape_mismatch);
    CHECK_THROWS_AS(p.adjoint_analysis(cv(bad_a), mv(f)), shape_mismatch);
}
