// so3::plan: exact round trips on MW (and MWSS, GL), dot-product adjoint tests, values
// against closed-form D^ℓ*_mn at random rotations, the s2fft layout converters, bad input.
#include <catch2/catch.hpp>

#include <sphaera/sht/samplings.hpp>
#include <sphaera/sht/so3_layout.hpp>
#include <sphaera/sht/so3_plan.hpp>
#include <sphaera/sht/wigner_recursion.hpp>

#include <algorithm>
#include <complex>
#include <cstdint>
#include <numbers>
#include <thread>
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
                           config<float, backend::openmp>>;

template <class T>
using cvec = std::vector<std::complex<T>>;
template <class T>
view<const std::complex<T>> cv(const cvec<T>& v) { return {v.data(), v.size()}; }
template <class T>
view<std::complex<T>> mv(cvec<T>& v) { return {v.data(), v.size()}; }

/// Random Wigner coefficients of band-limits (L, N), zero where ℓ < |n|.
template <class T>
cvec<T> random_flmn(int L, int N, std::uint64_t seed) {
    auto f = test::normal<std::complex<T>>(so3::flmn_count(L, N), seed);
    for (int n = -(N - 1); n <= N - 1; ++n)
        for (int l = 0; l < std::min(L, std::abs(n)); ++l)
            for (int m = -l; m <= l; ++m) f[so3::flmn_index(L, N, n, l, m)] = 0;
    return f;
}
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
}  // namespace

TEMPLATE_LIST_TEST_CASE("so3 analysis inverts synthesis on MW for L <= 32, N = 1..4", "[so3]", configs) {
    using T = typename TestType::value;
    using B = typename TestType::backend;
    const double tol = std::is_same_v<T, double> ? 1e-12 : 2e-5;
    for (int L : {1, 2, 5, 16, 32})
        for (int N : {1, 2, 3, 4}) {
            if (N > L || (std::is_same_v<T, float> && L > 16)) continue;
            const so3::plan<T, B> p(L, N);
            REQUIRE(p.exact_analysis());
            REQUIRE(p.map_size() == std::size_t(2 * N - 1) * std::size_t(L) * std::size_t(2 * L - 1));
            const auto a = random_flmn<T>(L, N, 100 + std::uint64_t(L * 8 + N));
            cvec<T> f(p.map_size()), b(p.flmn_size());
            p.synthesis(cv(a), mv(f));
            p.analysis(cv(f), mv(b));
            const double err = max_abs_diff(a, b) / max_abs(a);
            INFO("L = " << L << ", N = " << N << ": relative max error " << err);
            CHECK(err <= tol);
        }
}

TEST_CASE("so3 round trip on MWSS and Gauss-Legendre geometries", "[so3]") {
    const int L = 20, N = 3;
    for (auto g : {sht::mwss_geometry(L), sht::gauss_legendre_geometry(L)}) {
        const so3::plan<double> p(L, N, g);
        const auto a = random_flmn<double>(L, N, 5);
        cvec<double> f(p.map_size()), b(p.flmn_size());
        p.synthesis(cv(a), mv(f));
        p.analysis(cv(f), mv(b));
        INFO(sht::sampling_name(g.kind()));
        CHECK(max_abs_diff(a, b) <= 1e-12 * max_abs(a));
    }
}

TEMPLATE_LIST_TEST_CASE("so3 dot-product tests of synthesis and analysis", "[so3][adjoint]", configs) {
    using T = typename TestType::value;
    using B = typename TestType::backend;
    using C = std::complex<T>;
    const double tol = test::adjoint_tolerance<T>;
    std::vector<std::tuple<sht::ring_geometry, int, int>> cases;
    cases.emplace_back(sht::mw_geometry(12), 12, 3);
    cases.emplace_back(sht::mw_geometry(9), 9, 1);
    cases.emplace_back(sht::gauss_legendre_geometry(10), 10, 4);
    cases.emplace_back(sht::healpix_geometry(4), 10, 2);  // weighted (inexact) analysis
    for (const auto& [g, L, N] : cases) {
        const so3::plan<T, B> p(L, N, g);
        const auto x = test::normal<C>(p.flmn_size(), 1);
        const auto y = test::normal<C>(p.map_size(), 2);
        INFO(sht::sampling_name(g.kind()) << " L = " << L << " N = " << N);
        auto syn = [&](const cvec<T>& a) { cvec<T> f(p.map_size()); p.synthesis(cv(a), mv(f)); return f; };
        auto syn_h = [&](const cvec<T>& f) { cvec<T> a(p.flmn_size()); p.adjoint_synthesis(cv(f), mv(a)); return a; };
        auto ana = [&](const cvec<T>& f) { cvec<T> a(p.flmn_size()); p.analysis(cv(f), mv(a)); return a; };
        auto ana_h = [&](const cvec<T>& a) { cvec<T> f(p.map_size()); p.adjoint_analysis(cv(a), mv(f)); return f; };
        const auto r1 = test::adjoint_test(syn, syn_h, x, y, tol);
        INFO(r1);
        CHECK(r1.passed);
        const auto r2 = test::adjoint_test(ana, ana_h, y, x, tol);
        INFO(r2);
        CHECK(r2.passed);
    }
}

TEST_CASE("so3 synthesis of a unit coefficient is (2l+1)/(8 pi^2) conj(D^l_mn) at random rotations", "[so3]") {
    // Rings at random β, one sample each at φ = α: the sphere part of the grid is a list of
    // random (α, β); γ runs over its 2N−1 samples.
    const int L = 7, N = 3, R = 5;
    const auto beta = test::uniform<double>(R, 31, 0.0, pi);
    const auto alpha = test::uniform<double>(R, 32, 0.0, 2 * pi);
    const std::vector<std::size_t> one(R, 1);
    const so3::plan<double> p(L, N, sht::custom_geometry(beta, one, alpha));
    double worst_rec = 0, worst_ref = 0;
    for (int n = -(N - 1); n <= N - 1; ++n)
        for (int l = std::abs(n); l < L; ++l)
            for (int m = -l; m <= l; ++m) {
                cvec<double> a(p.flmn_size()), f(p.map_size());
                a[so3::flmn_index(L, N, n, l, m)] = 1;
                p.synthesis(cv(a), mv(f));
                for (int r = 0; r < R; ++r) {
                    // normalized_wigner_d gives √((2ℓ+1)/4π) d^ℓ_mn(β).
                    const double d_rec = sht::normalized_wigner_d(L, m, n, beta[std::size_t(r)])[std::size_t(l)] /
                                         std::sqrt((2.0 * l + 1.0) / (4.0 * pi));
                    const long double d_ref = test::wigner_d_reference(l, m, n, beta[std::size_t(r)]);
                    for (std::size_t k = 0; k < p.n_gamma(); ++k) {
                        // conj(D^ℓ_mn(α, β, γ)) = e^{imα} d^ℓ_mn(β) e^{inγ}.
                        const auto ph = std::polar(1.0, m * alpha[std::size_t(r)] + n * p.gamma(k));
                        const double c = (2.0 * l + 1.0) / (8.0 * pi * pi);
                        const auto got = f[k * p.sphere_size() + std::size_t(r)];
                        worst_rec = std::max(worst_rec, std::abs(got - c * d_rec * ph));
                        worst_ref = std::max(worst_ref, std::abs(got - c * double(d_ref) * ph));
                    }
                }
            }
    INFO("max |synthesis - (2l+1)/(8pi^2) D*|: recursion " << worst_rec << ", explicit sum " << worst_ref);
    CHECK(worst_rec < 1e-14);
    CHECK(worst_ref < 1e-13);
}

TEST_CASE("so3 analysis of sampled D^l*_mn gives 8 pi^2/(2l+1) delta", "[so3]") {
    // The forward normalisation f^ℓ_mn = ∫ f D^ℓ_mn dρ with ∫ |D^ℓ_mn|² dρ = 8π²/(2ℓ+1).
    const int L = 6, N = 2;
    const so3::plan<double> p(L, N);
    const auto& g = p.geometry();
    const int l = 4, m = -3, n = 1;
    cvec<double> f(p.map_size()), b(p.flmn_size());
    for (std::size_t k = 0; k < p.n_gamma(); ++k)
        for (std::size_t r = 0; r < g.nrings(); ++r) {
            const double d = sht::normalized_wigner_d(L, m, n, g[r].theta)[std::size_t(l)] /
                             std::sqrt((2.0 * l + 1.0) / (4.0 * pi));
            for (std::size_t q = 0; q < g[r].nphi; ++q) {
                const double al = g[r].phi0 + 2 * pi * double(q) / double(g[r].nphi);
                f[k * p.sphere_size() + g[r].offset + q] = d * std::polar(1.0, m * al + n * p.gamma(k));
            }
        }
    p.analysis(cv(f), mv(b));
    cvec<double> want(p.flmn_size());
    want[so3::flmn_index(L, N, n, l, m)] = 8 * pi * pi / (2 * l + 1);
    CHECK(max_abs_diff(b, want) < 1e-13);
}

TEST_CASE("so3 layout converters to and from s2fft's (2N-1, L, 2L-1) array", "[so3][layout]") {
    const int L = 6, N = 3;
    const auto a = random_flmn<double>(L, N, 9);
    cvec<double> s(std::size_t(2 * N - 1) * L * (2 * L - 1)), b(a.size());
    so3::to_s2fft(L, N, cv(a), mv(s));
    // f^3_{−2,2} sits at [N−1+2][3][L−1−2].
    CHECK(s[(std::size_t(N - 1 + 2) * L + 3) * (2 * L - 1) + std::size_t(L - 1 - 2)] ==
          a[so3::flmn_index(L, N, 2, 3, -2)]);
    CHECK(s[(std::size_t(N - 1 - 2) * L + 1) * (2 * L - 1) + std::size_t(L - 1)] == std::complex<double>(0));
    so3::from_s2fft(L, N, cv(s), mv(b));
    CHECK(max_abs_diff(a, b) == 0);
    cvec<double> bad(s.size() - 1);
    CHECK_THROWS_AS(so3::to_s2fft(L, N, cv(a), mv(bad)), shape_mismatch);
    CHECK_THROWS_AS(so3::from_s2fft(L, L + 1, cv(s), mv(b)), invalid_argument);
}

TEST_CASE("so3::plan rejects bad input", "[so3][errors]") {
    CHECK_THROWS_WITH(so3::plan<double>(4, 5), Catch::Contains("N = 5") && Catch::Contains("L = 4") &&
                                                  Catch::Contains("[1, L]"));
    CHECK_THROWS_AS(so3::plan<double>(4, 0), invalid_argument);
    CHECK_THROWS_AS(so3::plan<float>(4, -1), invalid_argument);
    CHECK_THROWS_WITH(so3::plan<double>(0, 1), Catch::Contains("L = 0"));
    CHECK_THROWS_AS(so3::plan<double>(-3, 1, sht::mw_geometry(4)), invalid_argument);
    const so3::plan<double> p(6, 2);
    cvec<double> a(p.flmn_size()), f(p.map_size()), bad_a(a.size() + 1), bad_f(f.size() - 1);
    CHECK_THROWS_WITH(p.synthesis(cv(bad_a), mv(f)), Catch::Contains("flmn has size") && Catch::Contains("108"));
    CHECK_THROWS_AS(p.synthesis(cv(a), mv(bad_f)), shape_mismatch);
    CHECK_THROWS_AS(p.adjoint_synthesis(cv(bad_f), mv(a)), shape_mismatch);
    CHECK_THROWS_AS(p.analysis(cv(f), mv(bad_a)), shape_mismatch);
    CHECK_THROWS_AS(p.adjoint_analysis(cv(bad_a), mv(f)), shape_mismatch);
    // A grid with neither weights nor a periodic extension has no analysis.
    const std::vector<double> t{0.5, 1.5};
    const std::vector<std::size_t> n{11, 11};
    const so3::plan<double> c(6, 2, sht::custom_geometry(t, n));
    cvec<double> fc(c.map_size());
    CHECK_FALSE(c.exact_analysis());
    CHECK_THROWS_AS(c.analysis(cv(fc), mv(a)), invalid_argument);
}

TEST_CASE("so3 steerable channels: n = N-1 (mod 2) only, same values as the full plan", "[so3][channels]") {
    const int L = 16;
    for (int N : {1, 2, 3, 4}) {
        const so3::plan<double> full(L, N), st(L, N, backend::serial{}, so3::channels::steerable);
        REQUIRE(st.channel_list().size() == std::size_t(N));
        for (int n = -(N - 1); n <= N - 1; ++n) CHECK(st.has_channel(n) == ((N - 1 - n) % 2 == 0));
        auto a = random_flmn<double>(L, N, 60 + std::uint64_t(N));
        auto a_st = a;
        for (int n = -(N - 1); n <= N - 1; ++n)
            if (!st.has_channel(n))
                for (std::size_t i = 0; i < std::size_t(L * L); ++i) a_st[so3::flmn_index(L, N, n, 0, 0) + i] = 0;
        cvec<double> f(full.map_size()), g(full.map_size()), b(a.size());
        full.synthesis(cv(a_st), mv(f));
        st.synthesis(cv(a), mv(g));  // coefficients of channels it does not carry are ignored
        CHECK(max_abs_diff(f, g) <= 1e-14 * max_abs(f));
        st.analysis(cv(g), mv(b));
        INFO("N = " << N);
        CHECK(max_abs_diff(a_st, b) <= 1e-12 * max_abs(a));
        // Adjoints of the restricted operators.
        const auto x = test::normal<std::complex<double>>(st.flmn_size(), 3);
        const auto y = test::normal<std::complex<double>>(st.map_size(), 4);
        auto syn = [&](const cvec<double>& v) { cvec<double> o(st.map_size()); st.synthesis(cv(v), mv(o)); return o; };
        auto syn_h = [&](const cvec<double>& v) { cvec<double> o(st.flmn_size()); st.adjoint_synthesis(cv(v), mv(o)); return o; };
        auto ana = [&](const cvec<double>& v) { cvec<double> o(st.flmn_size()); st.analysis(cv(v), mv(o)); return o; };
        auto ana_h = [&](const cvec<double>& v) { cvec<double> o(st.map_size()); st.adjoint_analysis(cv(v), mv(o)); return o; };
        const auto r1 = test::adjoint_test(syn, syn_h, x, y);
        INFO(r1);
        CHECK(r1.passed);
        const auto r2 = test::adjoint_test(ana, ana_h, y, x);
        INFO(r2);
        CHECK(r2.passed);
    }
    const so3::plan<double> st(8, 3, backend::serial{}, so3::channels::steerable);
    CHECK_THROWS_WITH(st.channel(1), Catch::Contains("n = 1") && Catch::Contains("not carried"));
    CHECK_THROWS_AS(st.channel(3), invalid_argument);
}

TEST_CASE("so3::plan transforms are re-entrant: concurrent calls give the serial result", "[so3][threads]") {
    const int L = 16, N = 3;
    const so3::plan<double> p(L, N);
    const auto a = random_flmn<double>(L, N, 90), b = random_flmn<double>(L, N, 91);
    cvec<double> fa(p.map_size()), fb(p.map_size()), ga(p.map_size()), gb(p.map_size());
    p.synthesis(cv(a), mv(fa));
    p.synthesis(cv(b), mv(fb));
    std::thread t1([&] { for (int i = 0; i < 5; ++i) p.synthesis(cv(a), mv(ga)); });
    std::thread t2([&] { for (int i = 0; i < 5; ++i) p.synthesis(cv(b), mv(gb)); });
    t1.join();
    t2.join();
    CHECK(max_abs_diff(fa, ga) == 0);
    CHECK(max_abs_diff(fb, gb) == 0);
}
