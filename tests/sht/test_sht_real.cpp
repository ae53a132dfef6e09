// sht::real_plan (real spin-0 fields): exact round trips on every exact sampling, agreement
// with the complex plan (HEALPix aliasing, rotated rings, odd/even nphi), dot-product
// adjoint tests in the real inner products, the Hermitian input contract, bad input.
// Written once for double/float and the serial/openmp backends.
#include <catch2/catch.hpp>

#include <sphaera/sht/plan.hpp>
#include <sphaera/sht/real_plan.hpp>
#include <sphaera/sht/samplings.hpp>

#include <algorithm>
#include <complex>
#include <numbers>
#include <tuple>
#include <vector>

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
template <class T>
using rvec = std::vector<T>;

/// Random Hermitian coefficients: f_ℓ,−m = (−1)^m conj(f_ℓm), f_ℓ0 real.
template <class T>
cvec<T> hermitian_alm(int L, std::uint64_t seed) {
    auto a = test::normal<std::complex<T>>(std::size_t(L) * std::size_t(L), seed);
    for (int l = 0; l < L; ++l) {
        a[std::size_t(l * l + l)] = a[std::size_t(l * l + l)].real();
        for (int m = 1; m <= l; ++m)
            a[std::size_t(l * l + l - m)] = T(m % 2 ? -1 : 1) * std::conj(a[std::size_t(l * l + l + m)]);
    }
    return a;
}
template <class V>
auto cv(const V& v) { return view<const typename V::value_type>{v.data(), v.size()}; }
template <class V>
auto mv(V& v) { return view<typename V::value_type>{v.data(), v.size()}; }

template <class V>
double max_abs_diff(const V& a, const V& b) {
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
sht::ring_geometry exact_geometry(int which, int L) {
    switch (which) {
    case 0: return sht::mw_geometry(L);
    case 1: return sht::mwss_geometry(L);
    case 2: return sht::gauss_legendre_geometry(L);
    case 3: return sht::driscoll_healy_geometry(L);
    default: return sht::clenshaw_curtis_geometry(L);
    }
}
/// Rings with odd and even nphi (some below 2L−1), random phi0 and weights, two mirrored
/// pairs, an equator ring and a pole.
sht::ring_geometry odd_geometry() {
    const std::vector<double> th{0.3, pi - 0.3, 1.1, pi / 2, 2.0, pi - 1.1, 0.0, 2.9};
    const std::vector<std::size_t> np{1, 4, 31, 7, 40, 16, 3, 26};
    const auto ph0 = test::uniform<double>(th.size(), 98, -3.0, 3.0);
    const auto w = test::uniform<double>(th.size(), 97, 0.1, 1.0);
    return sht::custom_geometry(th, np, ph0, w);
}
}  // namespace

TEMPLATE_LIST_TEST_CASE("real path: analysis inverts synthesis on MW, MWSS, GL, DH, CC", "[sht][real]", configs) {
    using T = typename TestType::value;
    using B = typename TestType::backend;
    const double tol = std::is_same_v<T, double> ? 1e-12 : 1e-5;
    for (int which = 0; which < 5; ++which)
        for (int L : {1, 2, 8, 33, 64}) {
            const sht::real_plan<T, B> p(L, exact_geometry(which, L));
            REQUIRE(p.exact_analysis());
            const auto a = hermitian_alm<T>(L, 7 + std::uint64_t(L));
            rvec<T> f(p.map_size());
            cvec<T> b(p.alm_size());
            p.synthesis(cv(a), mv(f));
            p.analysis(cv(f), mv(b));
            const double err = max_abs_diff(a, b);
            INFO(sht::sampling_name(p.geometry().kind()) << " L = " << L << ": max error " << err);
            CHECK(err <= tol * max_abs(a));
        }
}

TEMPLATE_LIST_TEST_CASE("real path agrees with the complex plan", "[sht][real]", configs) {
    using T = typename TestType::value;
    using B = typename TestType::backend;
    const double tol = std::is_same_v<T, double> ? 1e-12 : 1e-5;
    std::vector<std::pair<sht::ring_geometry, int>> cases;
    for (int w = 0; w < 5; ++w) cases.emplace_back(exact_geometry(w, 17), 17);
    cases.emplace_back(sht::mw_geometry(20), 12);
    cases.emplace_back(sht::healpix_geometry(4), 13);  // cap rings alias (nphi < 2L−1), phi0 ≠ 0
    cases.emplace_back(sht::gauss_legendre_geometry(9).rotated_about_z(0.7), 9);
    cases.emplace_back(odd_geometry(), 9);
    for (const auto& [g, L] : cases) {
        INFO(sht::sampling_name(g.kind()) << " L = " << L);
        const sht::real_plan<T, B> r(L, g);
        const sht::plan<T, B> c(L, 0, g);
        const auto a = hermitian_alm<T>(L, 3);
        rvec<T> f(r.map_size());
        cvec<T> fc(c.map_size());
        r.synthesis(cv(a), mv(f));
        c.synthesis(cv(a), mv(fc));
        double d = 0, im = 0;
        for (std::size_t i = 0; i < f.size(); ++i) {
            d = std::max(d, double(std::abs(f[i] - fc[i].real())));
            im = std::max(im, double(std::abs(fc[i].imag())));
        }
        CHECK(d <= tol * max_abs(fc));
        CHECK(im <= tol * max_abs(fc));
        // Adjoint synthesis of a real map: the complex plan's output, Hermitian.
        const auto y = test::normal<T>(r.map_size(), 5);
        cvec<T> yc(y.begin(), y.end()), b(r.alm_size()), bc(c.alm_size());
        r.adjoint_synthesis(cv(y), mv(b));
        c.adjoint_synthesis(cv(yc), mv(bc));
        CHECK(max_abs_diff(b, bc) <= tol * max_abs(bc));
        if (g.has_weights() || r.exact_analysis()) {
            r.analysis(cv(y), mv(b));
            c.analysis(cv(yc), mv(bc));
            CHECK(max_abs_diff(b, bc) <= tol * max_abs(bc));
            r.adjoint_analysis(cv(a), mv(f));
            c.adjoint_analysis(cv(a), mv(fc));
            d = 0;
            for (std::size_t i = 0; i < f.size(); ++i) d = std::max(d, double(std::abs(f[i] - fc[i])));
            CHECK(d <= tol * max_abs(fc));
        }
    }
}

TEMPLATE_LIST_TEST_CASE("real path: dot-product tests in the real inner products", "[sht][real][adjoint]", configs) {
    using T = typename TestType::value;
    using B = typename TestType::backend;
    const double tol = test::adjoint_tolerance<T>;
    std::vector<std::pair<sht::ring_geometry, int>> cases;
    for (int w = 0; w < 5; ++w) cases.emplace_back(exact_geometry(w, 17), 17);
    cases.emplace_back(sht::mw_geometry(20), 12);
    cases.emplace_back(sht::healpix_geometry(4), 13);
    cases.emplace_back(odd_geometry(), 9);
    for (const auto& [g, L] : cases) {
        const sht::real_plan<T, B> p(L, g);
        // x in the Hermitian subspace H (the operators' domain), y any real map.
        const auto x = hermitian_alm<T>(L, 1);
        const auto y = test::normal<T>(p.map_size(), 2);
        INFO(sht::sampling_name(g.kind()) << " L = " << L);
        auto syn = [&](const cvec<T>& a) { rvec<T> f(p.map_size()); p.synthesis(cv(a), mv(f)); return f; };
        auto syn_h = [&](const rvec<T>& f) { cvec<T> a(p.alm_size()); p.adjoint_synthesis(cv(f), mv(a)); return a; };
        auto ana = [&](const rvec<T>& f) { cvec<T> a(p.alm_size()); p.analysis(cv(f), mv(a)); return a; };
        auto ana_h = [&](const cvec<T>& a) { rvec<T> f(p.map_size()); p.adjoint_analysis(cv(a), mv(f)); return f; };
        const auto r1 = test::adjoint_test(syn, syn_h, x, y, tol, test::inner_product::real);
        INFO(r1);
        CHECK(r1.passed);
        const auto r2 = test::adjoint_test(ana, ana_h, y, x, tol, test::inner_product::real);
        INFO(r2);
        CHECK(r2.passed);
        // Outputs lie in H: the negative orders mirror the positive ones, f_ℓ0 is real.
        const auto b = syn_h(y);
        double worst = 0;
        for (int l = 0; l < L; ++l) {
            worst = std::max(worst, double(std::abs(b[std::size_t(l * l + l)].imag())));
            for (int m = 1; m <= l; ++m)
                worst = std::max(worst, double(std::abs(b[std::size_t(l * l + l - m)] -
                                                        T(m % 2 ? -1 : 1) * std::conj(b[std::size_t(l * l + l + m)]))));
        }
        CHECK(worst == 0.0);
    }
}

TEST_CASE("real path reads only m >= 0 and Re f_l0", "[sht][real]") {
    const int L = 12;
    const sht::real_plan<double, backend::openmp> p(L, sht::gauss_legendre_geometry(L));
    const auto a = hermitian_alm<double>(L, 9);
    auto junk = a;
    const auto noise = test::normal<std::complex<double>>(junk.size(), 10);
    for (int l = 0; l < L; ++l) {
        junk[std::size_t(l * l + l)] += std::complex<double>(0, noise[std::size_t(l)].imag());
        for (int m = 1; m <= l; ++m) junk[std::size_t(l * l + l - m)] = noise[std::size_t(l * l + l - m)];
    }
    rvec<double> f(p.map_size()), g(p.map_size());
    p.synthesis(cv(a), mv(f));
    p.synthesis(cv(junk), mv(g));
    CHECK(max_abs_diff(f, g) == 0.0);
}

TEST_CASE("sht::real_plan rejects bad input", "[sht][real][errors]") {
    const auto g = sht::gauss_legendre_geometry(8);
    CHECK_THROWS_WITH(sht::real_plan<double>(0, g), Catch::Contains("L = 0") && Catch::Contains("[1, "));
    CHECK_THROWS_AS(sht::real_plan<float>(-1, g), invalid_argument);
    CHECK_THROWS_AS(sht::real_plan<double>(8, sht::ring_geometry{}), invalid_argument);
    const sht::real_plan<double> p(8, g);
    CHECK(p.spin() == 0);
    CHECK(p.band_limit() == 8);
    cvec<double> a(64), bad_a(63);
    rvec<double> f(p.map_size()), bad_f(p.map_size() + 1);
    CHECK_THROWS_WITH(p.synthesis(cv(bad_a), mv(f)), Catch::Contains("alm has size 63") && Catch::Contains("64"));
    CHECK_THROWS_AS(p.synthesis(cv(a), mv(bad_f)), shape_mismatch);
    CHECK_THROWS_AS(p.adjoint_synthesis(cv(bad_f), mv(a)), shape_mismatch);
    CHECK_THROWS_AS(p.analysis(cv(f), mv(bad_a)), shape_mismatch);
    CHECK_THROWS_AS(p.adjoint_analysis(cv(bad_a), mv(f)), shape_mismatch);
    const std::vector<double> t{0.5, 1.5};
    const std::vector<std::size_t> n{15, 15};
    const sht::real_plan<double> c(8, sht::custom_geometry(t, n));
    rvec<double> fc(c.map_size());
    CHECK_THROWS_WITH(c.analysis(cv(fc), mv(a)), Catch::Contains("no quadrature weights"));
    CHECK_THROWS_AS(c.adjoint_analysis(cv(a), mv(fc)), invalid_argument);
}

TEST_CASE("real_ring_dft: every form equals FFTW's real plans, one ring or two at a time", "[sht][real][fft]") {
    using form = sht::detail::real_dft_form;
    for (std::size_t n : {1ul, 2ul, 28ul, 29ul, 44ul, 212ul, 255ul, 2047ul}) {
        const sht::detail::real_ring_dft<double> ref(n, form::fftw_real);
        CHECK(ref.scratch_size() == 0);
        for (const form f : {form::fftw_real, form::paired, form::complex_}) {
            const sht::detail::real_ring_dft<double> dft(n, f);
            INFO("n = " << n << ", form " << static_cast<int>(f));
            CHECK(dft.pairs() == (f == form::paired));
            CHECK((dft.scratch_size() > 0) == (f != form::fftw_real));
            const auto x1 = test::normal<double>(n, 5 + n), x2 = test::normal<double>(n, 6 + n);
            const std::size_t h = n / 2 + 1;
            std::vector<std::complex<double>> s(std::max<std::size_t>(dft.scratch_size(), 1)), r1(h), r2(h), a(h), b(h);
            ref.forward(x1.data(), r1.data(), s.data());
            ref.forward(x2.data(), r2.data(), s.data());
            auto max_diff = [](const auto& p, const auto& q) {
                double e = 0;
                for (std::size_t k = 0; k < p.size(); ++k) e = std::max(e, double(std::abs(p[k] - q[k])));
                return e;
            };
            dft.forward(x1.data(), a.data(), s.data());
            CHECK(max_diff(a, r1) <= 1e-12 * std::sqrt(double(n)));
            dft.forward_two(x1.data(), x2.data(), a.data(), b.data(), s.data());
            CHECK(max_diff(a, r1) <= 1e-12 * std::sqrt(double(n)));
            CHECK(max_diff(b, r2) <= 1e-12 * std::sqrt(double(n)));
            // Backward: c2r semantics, Im c₀ (and Im c_{n/2}, n even) read as zero.
            const auto c1 = test::normal<std::complex<double>>(h, 9 + n), c2 = test::normal<std::complex<double>>(h, 10 + n);
            std::vector<double> y1(n), y2(n), z1(n), z2(n);
            auto t1 = c1, t2 = c2;
            ref.backward(t1.data(), z1.data(), s.data());
            ref.backward(t2.data(), z2.data(), s.data());
            t1 = c1;
            dft.backward(t1.data(), y1.data(), s.data());
            CHECK(max_diff(y1, z1) <= 1e-12 * std::sqrt(double(n)));
            t1 = c1, t2 = c2;
            dft.backward_two(t1.data(), t2.data(), y1.data(), y2.data(), s.data());
            CHECK(max_diff(y1, z1) <= 1e-12 * std::sqrt(double(n)));
            CHECK(max_diff(y2, z2) <= 1e-12 * std::sqrt(double(n)));
        }
    }
    CHECK(sht::detail::real_ring_dft<double>::form_for(2047, 2047) == form::paired);
    CHECK(sht::detail::real_ring_dft<double>::form_for(2048, 2048) == form::fftw_real);
    CHECK(sht::detail::real_ring_dft<double>::form_for(2047, 3) == form::complex_);
    CHECK(sht::detail::real_ring_dft<double>::form_for(101, 3) == form::fftw_real);
}
