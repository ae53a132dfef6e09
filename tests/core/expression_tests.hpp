#pragma once
/// \file expression_tests.hpp
/// \brief The expression-template tests, written once for every backend. The including
/// translation unit defines `sphaera_test_backends` (a std::tuple of backend tags) first;
/// every test then runs for each backend × value type (float, double, complex<float>,
/// complex<double>, where the operation applies) and sizes 0, 1, 7, 1000 and 100003 (the
/// last exceeds the OpenMP threshold and spans many reduction blocks).
///
/// Every node and reduction is compared with a plain loop on the host computed in wider
/// precision (double for float, long double for double). Elementwise results must agree
/// within 8 ulp of a stated scale (|reference| unless the operation is ill-conditioned,
/// then the magnitude its inputs give it); reductions within the rigorous bound
/// depth·eps·Σ|terms| of their summation order, and exactly on data whose sums are exact.

#include <catch2/catch.hpp>

#include "support/backends.hpp"

#include <sphaera/core/random_expr.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstring>
#include <limits>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace sphaera_expression_tests {

using namespace sphaera;

/// One backend × value-type combination of a test.
template <class B, class T>
struct combination {
    using backend = B;
    using value = T;
};

template <class Backends, class Values>
struct product;
template <class... Bs, class... Ts>
struct product<std::tuple<Bs...>, std::tuple<Ts...>> {
    template <class B>
    using row = std::tuple<combination<B, Ts>...>;
    using type = decltype(std::tuple_cat(std::declval<row<Bs>>()...));
};

using all_values = std::tuple<float, double, std::complex<float>, std::complex<double>>;
using real_values = std::tuple<float, double>;
using all_cases = typename product<sphaera_test_backends, all_values>::type;
using real_cases = typename product<sphaera_test_backends, real_values>::type;

inline constexpr std::size_t sizes[] = {0, 1, 7, 1000, 100003};

/// The backend instance the tests use: three OpenMP threads (more than the CI's cores, so
/// the parallel paths run whatever OMP_NUM_THREADS says).
template <class B>
B test_backend() {
    if constexpr (std::is_same_v<B, backend::openmp>) return backend::openmp{3};
    else return B{};
}

/// Reference precision: double for float, long double for double.
template <class R>
using wide_real = std::conditional_t<std::is_same_v<R, float>, double, long double>;
template <class T>
using wide_t = std::conditional_t<is_complex_v<T>, std::complex<wide_real<real_type_t<T>>>,
                                  wide_real<real_type_t<T>>>;

template <class T>
wide_t<T> wide(const T& x) {
    if constexpr (is_complex_v<T>) return wide_t<T>(x.real(), x.imag());
    else return static_cast<wide_t<T>>(x);
}

/// Host values and the same values on backend B.
template <class T, class B>
struct input {
    std::vector<T> h;
    buffer<T, B> d;
    input(const B& b, std::vector<T> values) : h(std::move(values)), d(test::upload<B>(h, b)) {}
    wide_t<T> w(std::size_t i) const { return wide(h[i]); }
    long double m(std::size_t i) const { return test::magnitude(h[i]); }
};
template <class B, class T>
input<T, B> make_input(const B& b, std::vector<T> values) {
    return input<T, B>(b, std::move(values));
}

/// Number of i < n for which ok(i) is false (one assertion per array, not per element).
template <class Pred>
std::size_t failures(std::size_t n, Pred&& ok) {
    std::size_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) bad += ok(i) ? 0 : 1;
    return bad;
}

/// Scale "|reference|" (the default of check_elementwise).
struct by_reference {
    long double operator()(std::size_t) const { return -1; }
};

/// Evaluates e on backend b into a new buffer and compares element i with ref(i): exactly
/// for bool, else within ulps·eps·scale(i) (scale < 0: |ref(i)|).
template <class B, class E, class Ref, class Scale = by_reference>
void check_elementwise(const B& b, const char* what, const E& e, std::size_t n, Ref&& ref,
                       double ulps = 8, Scale&& scale = {}) {
    using V = expr_value_t<E>;
    REQUIRE(e.size() == n);
    buffer<V, B> out(n, uninitialized, b);
    assign(b, out.view(), e);
    const auto got = test::download(out);
    std::size_t bad = 0, first = 0;
    for (std::size_t i = 0; i < n; ++i) {
        bool ok;
        if constexpr (std::is_same_v<V, bool>) ok = got[i] == static_cast<bool>(ref(i));
        else ok = test::close(got[i], ref(i), ulps * static_cast<double>(test::eps<V>), scale(i));
        if (!ok && bad++ == 0) first = i;
    }
    std::string msg;
    if (bad) {
        msg = std::string(what) + " on " + test::backend_name(b) + ", " + test::type_name<V>() +
              ", n = " + std::to_string(n) + ": " + std::to_string(bad) +
              " mismatches; first at " + std::to_string(first) + ": got " +
              test::repr(static_cast<V>(got[first])) + ", expected " + test::repr(ref(first)) +
              ", scale " + test::repr(scale(first));
    }
    INFO(msg);
    CHECK(bad == 0);
}

#define SPHAERA_CHECK_EXPR(EXPR, REF) \
    check_elementwise(b, #EXPR, EXPR, n, [&](std::size_t i) { return REF; })
#define SPHAERA_CHECK_EXPR_SCALED(EXPR, REF, SCALE)                                     \
    check_elementwise(b, #EXPR, EXPR, n, [&](std::size_t i) { return REF; }, 8,         \
                      [&](std::size_t i) { return static_cast<long double>(SCALE); })

#define SPHAERA_CASE_INFO()                                                             \
    INFO("backend " << test::backend_name(b) << ", value type " << test::type_name<T>() \
                    << ", n = " << n)

// ---- elementwise nodes ------------------------------------------------------------------

TEMPLATE_LIST_TEST_CASE("expressions: arithmetic with arrays and scalars", "[core][expr]",
                        all_cases) {
    using B = typename TestType::backend;
    using T = typename TestType::value;
    using R = real_type_t<T>;
    using WR = real_type_t<wide_t<T>>;
    using WC = std::complex<WR>;
    const B b = test_backend<B>();
    for (const std::size_t n : sizes) {
        SPHAERA_CASE_INFO();
        const auto x = make_input(b, test::uniform<T>(n, 1));
        const auto y = make_input(b, test::uniform<T>(n, 2));
        const auto z = make_input(b, test::uniform<T>(n, 3));
        const auto d = make_input(b, test::uniform<T>(n, 4, R(0.5), R(2)));  // divisors
        const R s = R(2.5);
        const std::complex<double> zs(1.5, -0.5);
        const WR ws = 2.5;
        const WC wzs(1.5, -0.5);

        SPHAERA_CHECK_EXPR(x.d + y.d, x.w(i) + y.w(i));
        SPHAERA_CHECK_EXPR(x.d - y.d, x.w(i) - y.w(i));
        SPHAERA_CHECK_EXPR(x.d * y.d, x.w(i) * y.w(i));
        SPHAERA_CHECK_EXPR(x.d / d.d, x.w(i) / d.w(i));
        SPHAERA_CHECK_EXPR(x.d + s, x.w(i) + ws);
        SPHAERA_CHECK_EXPR(s + x.d, ws + x.w(i));
        SPHAERA_CHECK_EXPR(x.d - s, x.w(i) - ws);
        SPHAERA_CHECK_EXPR(s - x.d, ws - x.w(i));
        SPHAERA_CHECK_EXPR(x.d * s, x.w(i) * ws);
        SPHAERA_CHECK_EXPR(s * x.d, ws * x.w(i));
        SPHAERA_CHECK_EXPR(x.d / s, x.w(i) / ws);
        SPHAERA_CHECK_EXPR(s / d.d, ws / d.w(i));
        // Literals of another type take the array's precision (x * 2 stays float).
        SPHAERA_CHECK_EXPR(x.d * 2, x.w(i) * WR(2));
        SPHAERA_CHECK_EXPR(0.25 - x.d, WR(0.25) - x.w(i));
        // Complex scalars make a complex result.
        SPHAERA_CHECK_EXPR(x.d * zs, x.w(i) * wzs);
        SPHAERA_CHECK_EXPR(zs - x.d, wzs - x.w(i));
        SPHAERA_CHECK_EXPR(zs + x.d, wzs + x.w(i));
        SPHAERA_CHECK_EXPR(x.d / zs, x.w(i) / wzs);
        SPHAERA_CHECK_EXPR(zs / d.d, wzs / d.w(i));
        SPHAERA_CHECK_EXPR(-x.d, -x.w(i));
        SPHAERA_CHECK_EXPR(-(x.d * y.d), -(x.w(i) * y.w(i)));
        // A fused tree over views and buffers; rounding errors scale with the magnitudes
        // of the intermediate terms, not with the (possibly cancelling) result.
        SPHAERA_CHECK_EXPR_SCALED((x.d.cview() * y.d + z.d) / d.d - s,
                                  (x.w(i) * y.w(i) + z.w(i)) / d.w(i) - ws,
                                  (x.m(i) * y.m(i) + z.m(i)) / d.m(i) + ws);
        SPHAERA_CHECK_EXPR_SCALED(x.d * x.d - y.d * y.d + x.d * y.d * z.d,
                                  x.w(i) * x.w(i) - y.w(i) * y.w(i) + x.w(i) * y.w(i) * z.w(i),
                                  x.m(i) * x.m(i) + y.m(i) * y.m(i) +
                                      x.m(i) * y.m(i) * z.m(i));
        if (n > 1) {
            // Offsets of subviews reach the node unchanged.
            const std::size_t n1 = n - 1;
            auto e = x.d.cview().subview(1, n1) + y.d.cview().subview(0, n1);
            check_elementwise(b, "x[1:] + y[:-1]", e, n1,
                              [&](std::size_t i) { return x.w(i + 1) + y.w(i); });
        }
        // Buffers built from and assigned from expressions evaluate the same way.
        buffer<T, B> built(x.d * y.d + s, b);
        const auto hb = test::download(built);
        buffer<T, B> assigned(n, b);
        assigned = x.d * y.d + s;
        CHECK(test::download(assigned) == hb);
        CHECK(failures(n, [&](std::size_t i) {
                  return test::close(hb[i], x.w(i) * y.w(i) + ws, 8 * test::eps<T>,
                                     x.m(i) * y.m(i) + ws);
              }) == 0);
    }
}

TEMPLATE_LIST_TEST_CASE("expressions: real and complex operands combine", "[core][expr]",
                        real_cases) {
    using B = typename TestType::backend;
    using T = typename TestType::value;
    using C = std::complex<T>;
    const B b = test_backend<B>();
    for (const std::size_t n : sizes) {
        SPHAERA_CASE_INFO();
        const auto x = make_input(b, test::uniform<T>(n, 5));
        const auto d = make_input(b, test::uniform<T>(n, 6, T(0.5), T(2)));
        const auto z = make_input(b, test::uniform<C>(n, 7));
        const auto zd = make_input(b, test::uniform<C>(n, 8, T(0.5), T(2)));
        SPHAERA_CHECK_EXPR(x.d + z.d, x.w(i) + z.w(i));
        SPHAERA_CHECK_EXPR(z.d - x.d, z.w(i) - x.w(i));
        SPHAERA_CHECK_EXPR(x.d - z.d, x.w(i) - z.w(i));
        SPHAERA_CHECK_EXPR(x.d * z.d, x.w(i) * z.w(i));
        SPHAERA_CHECK_EXPR(z.d * x.d, z.w(i) * x.w(i));
        SPHAERA_CHECK_EXPR(z.d / d.d, z.w(i) / d.w(i));
        SPHAERA_CHECK_EXPR(x.d / zd.d, x.w(i) / zd.w(i));
        SPHAERA_CHECK_EXPR_SCALED(abs(z.d) + x.d, std::abs(z.w(i)) + x.w(i), z.m(i) + x.m(i));
        SPHAERA_CHECK_EXPR_SCALED(real(z.d) * x.d - imag(z.d),
                                  z.w(i).real() * x.w(i) - z.w(i).imag(),
                                  z.m(i) * x.m(i) + z.m(i));
        // A real expression stored into a complex destination gets a zero imaginary part.
        buffer<C, B> out(n, b);
        assign(b, out.view(), x.d * T(2));
        const auto h = test::download(out);
        CHECK(failures(n, [&](std::size_t i) { return h[i] == C(x.h[i] * T(2), T(0)); }) == 0);
        buffer<C, B> out2(n, b);
        out2 = x.d.cview();
        const auto h2 = test::download(out2);
        CHECK(failures(n, [&](std::size_t i) { return h2[i] == C(x.h[i]); }) == 0);
    }
}

/// Reference helpers in the wide type (std::conj/real/... of a real return complex).
template <class W>
W wconj(W x) {
    if constexpr (is_complex_v<W>) return std::conj(x);
    else return x;
}
template <class W>
auto wsign(W x) {
    if constexpr (is_complex_v<W>) {
        const auto m = std::abs(x);
        return m > 0 ? W(x / m) : W(0);
    } else {
        return W((x > 0) - (x < 0));
    }
}

TEMPLATE_LIST_TEST_CASE("expressions: conj real imag abs abs2 arg sign", "[core][expr]",
                        all_cases) {
    using B = typename TestType::backend;
    using T = typename TestType::value;
    const B b = test_backend<B>();
    for (const std::size_t n : sizes) {
        SPHAERA_CASE_INFO();
        auto hx = test::uniform<T>(n, 9);
        for (std::size_t i = 0; i < n; i += 5) hx[i] = T(0);  // zeros: sign 0, arg 0, abs 0
        if constexpr (is_complex_v<T>)
            for (std::size_t i = 2; i < n; i += 5) hx[i] = T(hx[i].real(), 0);  // on the axis
        const auto x = make_input(b, hx);
        SPHAERA_CHECK_EXPR(conj(x.d), wconj(x.w(i)));
        SPHAERA_CHECK_EXPR(real(x.d), std::real(x.w(i)));
        SPHAERA_CHECK_EXPR(imag(x.d), std::imag(x.w(i)));
        SPHAERA_CHECK_EXPR(abs(x.d), std::abs(x.w(i)));
        SPHAERA_CHECK_EXPR(abs2(x.d), std::norm(x.w(i)));
        SPHAERA_CHECK_EXPR(arg(x.d), std::arg(x.w(i)));
        SPHAERA_CHECK_EXPR(sign(x.d), wsign(x.w(i)));
        SPHAERA_CHECK_EXPR(conj(conj(x.d)) - x.d, x.w(i) - x.w(i));
        SPHAERA_CHECK_EXPR_SCALED(x.d * conj(x.d) - abs2(x.d), x.w(i) - x.w(i),
                                  x.m(i) * x.m(i));
    }
}

TEMPLATE_LIST_TEST_CASE("expressions: exp log sqrt pow tanh sin cos", "[core][expr]",
                        all_cases) {
    using B = typename TestType::backend;
    using T = typename TestType::value;
    using R = real_type_t<T>;
    using W = wide_t<T>;
    using WR = real_type_t<W>;
    const B b = test_backend<B>();
    for (const std::size_t n : sizes) {
        SPHAERA_CASE_INFO();
        const auto x = make_input(b, test::uniform<T>(n, 10, R(-2), R(2)));
        // Real logarithms and roots need positive arguments; complex ones take any.
        const auto p = make_input(b, is_complex_v<T> ? test::uniform<T>(n, 11, R(-2), R(2))
                                                     : test::uniform<T>(n, 11, R(0.01), R(3)));
        const auto q = make_input(b, test::uniform<R>(n, 12, R(-2), R(2)));  // real exponents
        // Magnitudes down to 1e-30, where formulas like 1 − e^{−2z} lose every digit.
        auto hs = test::uniform<T>(n, 13);
        for (std::size_t i = 0; i < n; ++i) hs[i] *= static_cast<R>(std::pow(10.0, -double(i % 31)));
        const auto sm = make_input(b, hs);
        SPHAERA_CHECK_EXPR(tanh(sm.d), std::tanh(sm.w(i)));
        SPHAERA_CHECK_EXPR(exp(sm.d), std::exp(sm.w(i)));
        if constexpr (is_complex_v<T>) SPHAERA_CHECK_EXPR(sqrt(sm.d), std::sqrt(sm.w(i)));
        else SPHAERA_CHECK_EXPR(sqrt(abs(sm.d)), std::sqrt(std::abs(sm.w(i))));
        SPHAERA_CHECK_EXPR(exp(x.d), std::exp(x.w(i)));
        // log z = log|z| + i arg z is backward stable: near |z| = 1 it errs by a few eps
        // absolutely (the rounding of |z|), so the scale is |log z| + 1.
        SPHAERA_CHECK_EXPR_SCALED(log(p.d), std::log(p.w(i)), std::abs(std::log(p.w(i))) + 1);
        SPHAERA_CHECK_EXPR(sqrt(p.d), std::sqrt(p.w(i)));
        SPHAERA_CHECK_EXPR(tanh(x.d), std::tanh(x.w(i)));
        if constexpr (is_complex_v<T>) {
            // z^p = exp(p log z): the rounding of log z is amplified by |p log z| (as in
            // libstdc++'s std::pow for complex), so the scale carries that factor.
            SPHAERA_CHECK_EXPR_SCALED(pow(p.d, 2.5), std::pow(p.w(i), WR(2.5)),
                                      std::abs(std::pow(p.w(i), WR(2.5))) *
                                          (1 + 2.5L * std::abs(std::log(p.w(i)))));
            SPHAERA_CHECK_EXPR_SCALED(pow(p.d, q.d), std::pow(p.w(i), q.w(i)),
                                      std::abs(std::pow(p.w(i), q.w(i))) *
                                          (1 + std::abs(q.w(i) * std::log(p.w(i)))));
        } else {
            SPHAERA_CHECK_EXPR(pow(p.d, 2.5), std::pow(p.w(i), WR(2.5)));
            SPHAERA_CHECK_EXPR(pow(p.d, q.d), std::pow(p.w(i), q.w(i)));
            SPHAERA_CHECK_EXPR(pow(p.d, 2), p.w(i) * p.w(i));
            SPHAERA_CHECK_EXPR(sin(x.d), std::sin(x.w(i)));
            SPHAERA_CHECK_EXPR(cos(x.d), std::cos(x.w(i)));
            SPHAERA_CHECK_EXPR(exp(-x.d * x.d), std::exp(-x.w(i) * x.w(i)));
        }
    }
}

TEMPLATE_LIST_TEST_CASE("expressions: comparisons and logical operators", "[core][expr]",
                        real_cases) {
    using B = typename TestType::backend;
    using T = typename TestType::value;
    const B b = test_backend<B>();
    for (const std::size_t n : sizes) {
        SPHAERA_CASE_INFO();
        auto hx = test::uniform<T>(n, 13);
        auto hy = test::uniform<T>(n, 14);
        for (std::size_t i = 0; i < n; i += 4) hy[i] = hx[i];  // ties for ==, <=, >=
        if (n > 3) hx[3] = std::numeric_limits<T>::quiet_NaN();  // NaN compares false
        const auto x = make_input(b, hx);
        const auto y = make_input(b, hy);
        const T s = T(0.25);
        const auto& X = x.h;
        const auto& Y = y.h;
        SPHAERA_CHECK_EXPR(x.d < y.d, X[i] < Y[i]);
        SPHAERA_CHECK_EXPR(x.d <= y.d, X[i] <= Y[i]);
        SPHAERA_CHECK_EXPR(x.d > y.d, X[i] > Y[i]);
        SPHAERA_CHECK_EXPR(x.d >= y.d, X[i] >= Y[i]);
        SPHAERA_CHECK_EXPR(x.d == y.d, X[i] == Y[i]);
        SPHAERA_CHECK_EXPR(x.d != y.d, X[i] != Y[i]);
        SPHAERA_CHECK_EXPR(x.d < s, X[i] < s);
        SPHAERA_CHECK_EXPR(s < x.d, s < X[i]);
        SPHAERA_CHECK_EXPR(x.d >= 0.25, X[i] >= s);
        SPHAERA_CHECK_EXPR(0.25 >= x.d, s >= X[i]);
        SPHAERA_CHECK_EXPR(x.d == 0.0, X[i] == T(0));
        SPHAERA_CHECK_EXPR(x.d * 2 > y.d + s, X[i] * 2 > Y[i] + s);
        SPHAERA_CHECK_EXPR((x.d < y.d) && (y.d > s), X[i] < Y[i] && Y[i] > s);
        SPHAERA_CHECK_EXPR((x.d < s) || (y.d < s), X[i] < s || Y[i] < s);
        SPHAERA_CHECK_EXPR(!(x.d < y.d), !(X[i] < Y[i]));
        SPHAERA_CHECK_EXPR(!((x.d > s) && (y.d > s)) || (x.d == y.d),
                           !(X[i] > s && Y[i] > s) || X[i] == Y[i]);
    }
}

TEMPLATE_LIST_TEST_CASE("expressions: where with array and scalar branches", "[core][expr]",
                        all_cases) {
    using B = typename TestType::backend;
    using T = typename TestType::value;
    using W = wide_t<T>;
    using WR = real_type_t<W>;
    const B b = test_backend<B>();
    for (const std::size_t n : sizes) {
        SPHAERA_CASE_INFO();
        const auto x = make_input(b, test::uniform<T>(n, 15));
        const auto y = make_input(b, test::uniform<T>(n, 16));
        const auto c = [&](std::size_t i) { return std::real(x.h[i]) > std::real(y.h[i]); };
        const auto cond = real(x.d) > real(y.d);
        SPHAERA_CHECK_EXPR(where(cond, x.d, y.d), c(i) ? x.w(i) : y.w(i));
        SPHAERA_CHECK_EXPR(where(cond, x.d, 1.5), c(i) ? x.w(i) : W(WR(1.5)));
        SPHAERA_CHECK_EXPR(where(cond, -1.5, y.d), c(i) ? W(WR(-1.5)) : y.w(i));
        SPHAERA_CHECK_EXPR(where(real(x.d) > 0.0, x.d * 2, -y.d),
                           std::real(x.h[i]) > 0 ? x.w(i) * WR(2) : -y.w(i));
        SPHAERA_CHECK_EXPR(where(cond, where(real(y.d) < 0.0, y.d, x.d), 0.0),
                           c(i) ? (std::real(y.h[i]) < 0 ? y.w(i) : x.w(i)) : W(0));
        if constexpr (is_complex_v<T>) {
            const std::complex<double> zs(0.5, -2);
            SPHAERA_CHECK_EXPR(where(cond, x.d, zs), c(i) ? x.w(i) : W(WR(0.5), WR(-2)));
        }
    }
}

TEMPLATE_LIST_TEST_CASE("expressions: minimum maximum soft_threshold", "[core][expr]",
                        all_cases) {
    using B = typename TestType::backend;
    using T = typename TestType::value;
    using R = real_type_t<T>;
    using W = wide_t<T>;
    using WR = real_type_t<W>;
    const B b = test_backend<B>();
    const auto st = [](W v, WR t) {
        if constexpr (is_complex_v<W>) {
            const WR m = std::abs(v);
            return m > t ? W(v * ((m - t) / m)) : W(0);
        } else {
            return v > t ? v - t : (v < -t ? v + t : W(0));
        }
    };
    for (const std::size_t n : sizes) {
        SPHAERA_CASE_INFO();
        const auto x = make_input(b, test::uniform<T>(n, 17));
        const auto t = make_input(b, test::uniform<R>(n, 18, R(0), R(0.8)));  // thresholds ≥ 0
        // |x| − t loses the digits |x| and t share: errors scale with |x|, not the result.
        SPHAERA_CHECK_EXPR_SCALED(soft_threshold(x.d, 0.5), st(x.w(i), WR(0.5)), x.m(i));
        SPHAERA_CHECK_EXPR_SCALED(soft_threshold(x.d, t.d), st(x.w(i), t.w(i)), x.m(i));
        SPHAERA_CHECK_EXPR_SCALED(soft_threshold(x.d, 0), x.w(i), x.m(i));
        if constexpr (!is_complex_v<T>) {
            auto hy = test::uniform<T>(n, 19);
            for (std::size_t i = 0; i < n; i += 3) hy[i] = x.h[i];
            const auto y = make_input(b, hy);
            SPHAERA_CHECK_EXPR(minimum(x.d, y.d), std::min(x.w(i), y.w(i)));
            SPHAERA_CHECK_EXPR(maximum(x.d, y.d), std::max(x.w(i), y.w(i)));
            SPHAERA_CHECK_EXPR(minimum(x.d, 0.1), std::min(x.w(i), WR(R(0.1))));
            SPHAERA_CHECK_EXPR(maximum(0.1, x.d), std::max(WR(R(0.1)), x.w(i)));
            SPHAERA_CHECK_EXPR(maximum(minimum(x.d, 0.5), -0.5),
                               std::max(std::min(x.w(i), WR(0.5)), WR(-0.5)));
            if (n > 0) {
                // A NaN in the first operand propagates (documented; std::fmin hides it).
                auto hn = x.h;
                hn[n / 2] = std::numeric_limits<T>::quiet_NaN();
                const auto xn = make_input(b, hn);
                SPHAERA_CHECK_EXPR(minimum(xn.d, y.d), i == n / 2 ? xn.w(i) : std::min(xn.w(i), y.w(i)));
                SPHAERA_CHECK_EXPR(maximum(xn.d, y.d), i == n / 2 ? xn.w(i) : std::max(xn.w(i), y.w(i)));
            }
        }
    }
}

TEMPLATE_LIST_TEST_CASE("expressions: cast between value types", "[core][expr]", all_cases) {
    using B = typename TestType::backend;
    using T = typename TestType::value;
    using R = real_type_t<T>;
    using O = std::conditional_t<std::is_same_v<R, float>, double, float>;  // other precision
    const B b = test_backend<B>();
    for (const std::size_t n : sizes) {
        SPHAERA_CASE_INFO();
        const auto x = make_input(b, test::uniform<T>(n, 20, R(-3), R(3)));
        const auto& X = x.h;
        if constexpr (is_complex_v<T>) {
            using OC = std::complex<O>;
            SPHAERA_CHECK_EXPR(cast<OC>(x.d), OC(static_cast<O>(X[i].real()), static_cast<O>(X[i].imag())));
            SPHAERA_CHECK_EXPR(cast<T>(x.d), X[i]);
        } else {
            SPHAERA_CHECK_EXPR(cast<O>(x.d), static_cast<O>(X[i]));
            SPHAERA_CHECK_EXPR(cast<std::complex<R>>(x.d), std::complex<R>(X[i], 0));
            SPHAERA_CHECK_EXPR(cast<std::complex<O>>(x.d), std::complex<O>(static_cast<O>(X[i]), 0));
            // The explicit conversion lets precisions meet in one expression.
            const auto o = make_input(b, test::uniform<O>(n, 21));
            SPHAERA_CHECK_EXPR(cast<R>(o.d) + x.d, static_cast<R>(o.h[i]) + X[i]);
        }
    }
}

// ---- reductions -------------------------------------------------------------------------

/// Longest chain of additions in a reduction of n terms on backend B: blocks of
/// reduction_block summed in order, then the block partials in order (host); any order
/// (device). Recursive summation errs by at most depth·(eps/2)·Σ|terms|.
template <class B>
long double sum_depth(std::size_t n) {
    if constexpr (host_backend<B>) {
        const std::size_t block = sphaera::detail::reduction_block;
        return static_cast<long double>(std::min(n, block) + (n + block - 1) / block + 2);
    } else {
        return static_cast<long double>(n + 2);
    }
}

/// Values k/4, k ∈ [−4, 4]: every partial sum, product and square sum of up to 10⁵ of
/// them is exact in float, so reductions must match exactly whatever their order.
template <class T>
std::vector<T> quarter_integers(std::size_t n, std::uint64_t seed) {
    using R = real_type_t<T>;
    const auto u = test::uniform<T>(n, seed, R(0), R(1));
    std::vector<T> v(n);
    const auto q = [](R x) { return R(std::floor(x * 9) - 4) / 4; };
    for (std::size_t i = 0; i < n; ++i) {
        if constexpr (is_complex_v<T>) v[i] = T(q(u[i].real()), q(u[i].imag()));
        else v[i] = q(u[i]);
    }
    return v;
}

TEMPLATE_LIST_TEST_CASE("reductions: sum mean dot norm", "[core][reduce]", all_cases) {
    using B = typename TestType::backend;
    using T = typename TestType::value;
    using R = real_type_t<T>;
    using W = wide_t<T>;
    const B b = test_backend<B>();
    const long double eps = test::eps<T>;
    for (const std::size_t n : sizes) {
        SPHAERA_CASE_INFO();
        const auto x = make_input(b, test::uniform<T>(n, 22));
        const auto y = make_input(b, test::uniform<T>(n, 23));
        const long double depth = sum_depth<B>(n);
        W sx{}, sxy{}, dxy{};
        long double ax = 0, axy = 0, n2 = 0;
        for (std::size_t i = 0; i < n; ++i) {
            sx += x.w(i);
            ax += x.m(i);
            sxy += x.w(i) * y.w(i) + W(1);
            axy += x.m(i) * y.m(i) + 1;
            dxy += wconj(x.w(i)) * y.w(i);
            n2 += x.m(i) * x.m(i);
        }
        const long double tiny = std::numeric_limits<R>::min();
        // Σ: one rounding per addition (two per complex product term, hence depth + 2).
        const T s = sum(b, x.d);
        CHECK(test::close_abs(s, sx, depth * eps * ax + tiny));
        CHECK(test::close_abs(sum(b, x.d.cview()), sx, depth * eps * ax + tiny));
        CHECK(test::close_abs(sum(b, x.d * y.d + 1), sxy, (depth + 2) * eps * axy + tiny));
        const T dot_xy = dot(b, x.d, y.d);
        const T dot_yx = dot(b, y.d, x.d);
        CHECK(test::close_abs(dot_xy, dxy, (depth + 2) * eps * axy + tiny));
        // ⟨x, y⟩ = conj⟨y, x⟩ (conjugate-linear in the first argument).
        CHECK(test::close_abs(dot_xy, wconj(wide(dot_yx)), 2 * (depth + 2) * eps * axy + tiny));
        if constexpr (is_complex_v<T>) {
            // The first argument is conjugated: ⟨i·x, y⟩ = −i⟨x, y⟩.
            const T dix = dot(b, x.d * T(0, 1), y.d);
            CHECK(test::close_abs(dix, W(0, -1) * dxy, (depth + 2) * eps * axy + tiny));
        }
        const R nx = norm(b, x.d);
        CHECK(test::close(nx, std::sqrt(n2), static_cast<double>((depth + 4) * eps)));
        if (n == 0) {
            CHECK(s == T(0));
            CHECK(dot_xy == T(0));
            CHECK(nx == R(0));
            CHECK_THROWS_AS(mean(b, x.d), sphaera::invalid_argument);
        } else {
            const T m = mean(b, x.d);
            CHECK(test::close_abs(m, sx / static_cast<real_type_t<W>>(n),
                                  (depth + 2) * eps * ax / static_cast<long double>(n) + tiny));
        }

        // Exactly summable data: any summation order gives the exact result.
        const auto qx = make_input(b, quarter_integers<T>(n, 24));
        const auto qy = make_input(b, quarter_integers<T>(n, 25));
        T es{}, ed{};
        R en{};
        for (std::size_t i = 0; i < n; ++i) {
            es += qx.h[i];
            en += std::norm(qx.h[i]);
            if constexpr (is_complex_v<T>) ed += std::conj(qx.h[i]) * qy.h[i];
            else ed += qx.h[i] * qy.h[i];
        }
        CHECK(sum(b, qx.d) == es);
        CHECK(dot(b, qx.d, qy.d) == ed);
        CHECK(norm(b, qx.d) == std::sqrt(en));
        CHECK(sum(b, abs2(qx.d)) == en);
        if (n > 0) CHECK(mean(b, qx.d) == es / static_cast<R>(n));
    }
}

template <class T>
long double host_logsumexp(const std::vector<T>& v) {
    long double m = -std::numeric_limits<long double>::infinity();
    for (const T x : v) m = std::max<long double>(m, x);
    if (std::isinf(m)) return m;
    long double s = 0;
    for (const T x : v) s += std::exp(static_cast<long double>(x) - m);
    return m + std::log(s);
}

TEMPLATE_LIST_TEST_CASE("reductions: max min logsumexp", "[core][reduce]", real_cases) {
    using B = typename TestType::backend;
    using T = typename TestType::value;
    const B b = test_backend<B>();
    constexpr T inf = std::numeric_limits<T>::infinity();
    const long double eps = test::eps<T>;
    // log-sum-exp: exp and summation of positive terms (the block sums) plus up to three
    // roundings per merge of partials (host: per block; device: per element), then log.
    const auto lse_tol = [&](std::size_t n, long double ref) {
        const std::size_t block = sphaera::detail::reduction_block;
        const long double depth =
            host_backend<B> ? static_cast<long double>(std::min(n, block) + 3 * ((n + block - 1) / block))
                            : 3.0L * static_cast<long double>(n);
        return (depth + 4) * eps + 4 * eps * std::fabs(ref);
    };
    for (const std::size_t n : sizes) {
        SPHAERA_CASE_INFO();
        if (n == 0) {
            buffer<T, B> empty(0, b);
            CHECK_THROWS_AS(max(b, empty), sphaera::invalid_argument);
            CHECK_THROWS_AS(min(b, empty), sphaera::invalid_argument);
            CHECK_THROWS_AS(max(b, empty.cview() * 2), sphaera::invalid_argument);
            CHECK(logsumexp(b, empty) == -inf);
            continue;
        }
        const auto x = make_input(b, test::uniform<T>(n, 26, T(-5), T(5)));
        CHECK(max(b, x.d) == *std::max_element(x.h.begin(), x.h.end()));
        CHECK(min(b, x.d) == *std::min_element(x.h.begin(), x.h.end()));
        CHECK(max(b, -x.d) == -*std::min_element(x.h.begin(), x.h.end()));
        const long double l = host_logsumexp(x.h);
        CHECK(test::close_abs(logsumexp(b, x.d), l, lse_tol(n, l)));

        // Large magnitudes where exp overflows (1e3) or underflows (−1e4) every term.
        for (const T shift : {T(1000), T(-10000)}) {
            std::vector<T> hs(n);
            for (std::size_t i = 0; i < n; ++i) hs[i] = x.h[i] + shift;  // as the node rounds
            const long double ls = host_logsumexp(hs);
            const T got = logsumexp(b, x.d + shift);
            INFO("shift " << shift);
            CHECK(std::isfinite(got));
            CHECK(test::close_abs(got, ls, lse_tol(n, ls)));
            CHECK(max(b, x.d + shift) == *std::max_element(hs.begin(), hs.end()));
        }

        // −∞ terms contribute nothing; all −∞ gives −∞; +∞ dominates.
        buffer<T, B> ninf(n, b);
        ninf = -inf;
        CHECK(logsumexp(b, ninf) == -inf);
        CHECK(max(b, ninf) == -inf);
        CHECK(min(b, ninf) == -inf);
        auto hm = x.h;
        for (std::size_t i = 0; i < n; i += 2) hm[i] = -inf;
        const auto xm = make_input(b, hm);
        const long double lm = host_logsumexp(hm);
        CHECK(test::close_abs(logsumexp(b, xm.d), lm, lse_tol(n, lm)));
        auto hp = x.h;
        hp[n / 3] = inf;
        const auto xp = make_input(b, hp);
        CHECK(logsumexp(b, xp.d) == inf);
        CHECK(max(b, xp.d) == inf);

        // A NaN anywhere (first, middle or last element, any block) propagates.
        for (const std::size_t pos : {std::size_t{0}, n / 2, n - 1}) {
            auto hn = x.h;
            hn[pos] = std::numeric_limits<T>::quiet_NaN();
            const auto xn = make_input(b, hn);
            INFO("NaN at " << pos);
            CHECK(std::isnan(max(b, xn.d)));
            CHECK(std::isnan(min(b, xn.d)));
            CHECK(std::isnan(logsumexp(b, xn.d)));
            CHECK(std::isnan(sum(b, xn.d)));
            if (n - 1 - pos != pos) {
                hn[n - 1 - pos] = inf;  // NaN beats +∞ as well
                const auto xi = make_input(b, hn);
                CHECK(std::isnan(logsumexp(b, xi.d)));
                CHECK(std::isnan(max(b, xi.d)));
            }
        }
    }
}

/// The bits of a value (to compare results for bit identity, NaN included).
template <class T>
std::vector<unsigned char> bits(const T& v) {
    std::vector<unsigned char> out(sizeof(T));
    std::memcpy(out.data(), &v, sizeof(T));
    return out;
}

/// Every reduction applicable to T of x (and y) on backend b, as bytes.
template <class B, class T>
std::vector<std::vector<unsigned char>> all_reductions(const B& b, const buffer<T, B>& x,
                                                       const buffer<T, B>& y) {
    std::vector<std::vector<unsigned char>> r{bits(sum(b, x)), bits(mean(b, x)),
                                              bits(dot(b, x, y)), bits(norm(b, x)),
                                              bits(sum(b, x * y - conj(x)))};
    if constexpr (!is_complex_v<T>) {
        r.push_back(bits(max(b, x)));
        r.push_back(bits(min(b, x)));
        r.push_back(bits(logsumexp(b, x)));
        r.push_back(bits(logsumexp(b, x * 300)));
    }
    return r;
}

TEMPLATE_LIST_TEST_CASE("reductions: bit-identical for every thread count", "[core][reduce]",
                        all_cases) {
    using B = typename TestType::backend;
    using T = typename TestType::value;
    const B b = test_backend<B>();
    for (const std::size_t n : {std::size_t{7}, std::size_t{1000}, std::size_t{100003}}) {
        SPHAERA_CASE_INFO();
        const auto hx = test::normal<T>(n, 27);
        const auto hy = test::normal<T>(n, 28);
        const auto x = test::upload<B>(hx, b);
        const auto y = test::upload<B>(hy, b);
        const auto here = all_reductions(b, x, y);
        CHECK(all_reductions(b, x, y) == here);  // repeatable
        if constexpr (host_backend<B>) {
            // The host reduction is blocked, so serial and any OpenMP team agree exactly.
            const auto xs = test::upload<backend::serial>(hx);
            const auto ys = test::upload<backend::serial>(hy);
            CHECK(all_reductions(backend::serial{}, xs, ys) == here);
            for (const int threads : {1, 2, 3}) {
                INFO("openmp threads " << threads);
                const backend::openmp o{threads};
                const auto xo = test::upload<backend::openmp>(hx, o);
                const auto yo = test::upload<backend::openmp>(hy, o);
                CHECK(all_reductions(o, xo, yo) == here);
            }
        }
    }
}

// ---- errors, fills and value semantics ----------------------------------------------------

TEMPLATE_LIST_TEST_CASE("expressions: size mismatches and empty arrays", "[core][expr]",
                        all_cases) {
    using B = typename TestType::backend;
    using T = typename TestType::value;
    using R = real_type_t<T>;
    const B b = test_backend<B>();
    const auto x = test::upload<B>(test::uniform<T>(7, 29), b);
    const auto y = test::upload<B>(test::uniform<T>(8, 30), b);
    buffer<T, B> out8(8, b);
    // At node construction, whatever the node.
    CHECK_THROWS_AS(x + y, shape_mismatch);
    CHECK_THROWS_AS(x * 2 - y, shape_mismatch);
    CHECK_THROWS_AS(where(real(x) > 0.0, x, y), shape_mismatch);
    CHECK_THROWS_AS(where(real(y) > 0.0, x, 1), shape_mismatch);
    CHECK_THROWS_AS(dot(b, x, y), shape_mismatch);
    CHECK_THROWS_AS(pow(abs(x), abs(y)), shape_mismatch);
    // At assignment.
    CHECK_THROWS_AS(assign(b, out8.view(), x * 2), shape_mismatch);
    CHECK_THROWS_AS(out8 = x + x, shape_mismatch);
    CHECK_THROWS_AS(assign(b, out8.view().subview(0, 6), y), shape_mismatch);
    // The destination is untouched by a failed assignment.
    CHECK(test::download(out8) == std::vector<T>(8, T(0)));

    // Empty arrays: assignment is a no-op, Σ = 0, ‖·‖ = 0, mean is undefined.
    buffer<T, B> e0(0, b), f0(0, b);
    assign(b, e0.view(), f0 * 2 + 1);
    e0 = R(3);
    CHECK(sum(b, e0) == T(0));
    CHECK(sum(b, e0 * f0 + 1) == T(0));
    CHECK(dot(b, e0, f0) == T(0));
    CHECK(norm(b, e0) == R(0));
    CHECK_THROWS_AS(mean(b, e0), sphaera::invalid_argument);
    CHECK_THROWS_AS(mean(b, e0 + 1), sphaera::invalid_argument);
}

TEMPLATE_LIST_TEST_CASE("expressions: scalar fills", "[core][expr]", all_cases) {
    using B = typename TestType::backend;
    using T = typename TestType::value;
    using R = real_type_t<T>;
    const B b = test_backend<B>();
    for (const std::size_t n : sizes) {
        SPHAERA_CASE_INFO();
        buffer<T, B> v(n, b);
        CHECK(test::download(v) == std::vector<T>(n, T(0)));  // zero-initialised
        assign(b, v.view(), 2.5);
        CHECK(test::download(v) == std::vector<T>(n, T(R(2.5))));
        v = -1;
        CHECK(test::download(v) == std::vector<T>(n, T(R(-1))));
        // A scalar_expr node (not a host value) is broadcast too, never read as an array.
        assign(b, v.view(), scalar_expr<T>(T(R(3))));
        CHECK(test::download(v) == std::vector<T>(n, T(R(3))));
        if constexpr (is_complex_v<T>) {
            v = std::complex<double>(1, -2);
            CHECK(test::download(v) == std::vector<T>(n, T(1, -2)));
        }
        if (n > 2) {
            assign(b, v.view().subview(1, n - 2), 7);
            const auto h = test::download(v);
            CHECK(h.front() == h.back());
            CHECK(h[1] == T(R(7)));
            CHECK(h[n - 2] == T(R(7)));
        }
    }
}

TEMPLATE_LIST_TEST_CASE("expressions: trees are trivially copyable values over views",
                        "[core][expr]", sphaera_test_backends) {
    using B = TestType;
    using S = memory_space_t<B>;
    using cd = std::complex<double>;
    const B b = test_backend<B>();
    using V = view<const double, S>;
    using CV = view<const cd, S>;
    using tree = decltype(where(std::declval<V>() > 0.0, exp(std::declval<V>()) * 2.0,
                                -std::declval<V>() / std::declval<V>()));
    static_assert(std::is_trivially_copyable_v<tree>);
    static_assert(std::is_trivially_copyable_v<decltype(abs(std::declval<CV>() * cd(1, 2)) +
                                                        cast<double>(std::declval<V>()))>);
    static_assert(std::is_same_v<expr_space_t<tree>, S>);
    static_assert(std::is_same_v<expr_value_t<decltype(std::declval<V>() < 1.0)>, bool>);
    static_assert(std::is_same_v<expr_value_t<decltype(std::declval<V>() * cd(1, 0))>, cd>);
    static_assert(std::is_same_v<expr_value_t<decltype(abs(std::declval<CV>()))>, double>);
    static_assert(std::is_same_v<expr_value_t<decltype(cast<float>(std::declval<V>()) * 2.0)>,
                                 float>);

    const std::size_t n = 1000;
    auto x = test::upload<B>(test::uniform<double>(n, 31), b);
    const auto y = test::upload<B>(test::uniform<double>(n, 32), b);
    // `auto e = a + b;` holds views: it sees later writes and copies cost nothing.
    auto e = x + y;
    static_assert(std::is_trivially_copyable_v<decltype(e)>);
    const auto e2 = e;  // a copy of the tree, same leaves
    auto f = e2 * e;    // trees compose by value
    buffer<double, B> out(n, b);
    assign(b, out.view(), e);
    auto hy = test::download(y);
    auto hx = test::download(x);
    auto ho = test::download(out);
    CHECK(failures(n, [&](std::size_t i) { return ho[i] == hx[i] + hy[i]; }) == 0);
    x = 1.0;  // the tree reads the new values
    assign(b, out.view(), f);
    ho = test::download(out);
    CHECK(failures(n, [&](std::size_t i) { return ho[i] == (1.0 + hy[i]) * (1.0 + hy[i]); }) == 0);
    buffer<double, B> from_tree(e2, b);
    ho = test::download(from_tree);
    CHECK(failures(n, [&](std::size_t i) { return ho[i] == 1.0 + hy[i]; }) == 0);
}

TEMPLATE_LIST_TEST_CASE("random leaves give the host stream on every backend", "[core][random]",
                        all_cases) {
    using B = typename TestType::backend;
    using T = typename TestType::value;
    using R = real_type_t<T>;
    const B b = test_backend<B>();
    const std::size_t n = 100003;
    const std::uint64_t seed = 77, offset = 5, stream = 3;
    std::vector<T> host_uniform(n), host_normal(n);
    fill_uniform(backend::serial{}, host_uniform.data(), n, seed, offset, stream);
    fill_normal(backend::serial{}, host_normal.data(), n, seed, offset, stream);

    buffer<T, B> u(n, b), z(n, b);
    assign(b, u.view(), random_uniform<T>(n, seed, offset, stream));
    assign(b, z.view(), random_normal<T>(n, seed, offset, stream));
    const auto hu = test::download(u);
    const auto hz = test::download(z);
    // Uniforms are integer arithmetic and exact scalings: bit-identical everywhere.
    CHECK(failures(n, [&](std::size_t i) { return hu[i] == host_uniform[i]; }) == 0);
    // Normals go through log/sqrt/cos/sin: bit-identical on the host (and on Thrust's OpenMP
    // system, which uses the same libm); CUDA's libm differs by a few ulp.
    const double tol = SPHAERA_HAS_CUDA_COMPILER ? 16.0 * static_cast<double>(test::eps<T>) : 0.0;
    CHECK(failures(n, [&](std::size_t i) {
              return std::abs(hz[i] - host_normal[i]) <= tol * (1.0 + std::abs(host_normal[i]));
          }) == 0);
    // Fused transform of the stream: one pass, same numbers.
    buffer<T, B> w(n, b);
    assign(b, w.view(), R(2) * random_normal<T>(n, seed, offset, stream) + R(1));
    const auto hw = test::download(w);
    CHECK(failures(n, [&](std::size_t i) {
              const T expected = R(2) * host_normal[i] + R(1);
              return std::abs(hw[i] - expected) <= (tol + 4.0 * static_cast<double>(test::eps<T>)) *
                                                       (1.0 + std::abs(expected));
          }) == 0);
}

#undef SPHAERA_CHECK_EXPR
#undef SPHAERA_CHECK_EXPR_SCALED
#undef SPHAERA_CASE_INFO

}  // namespace sphaera_expression_tests
