// The branch-free host exp (core/vector_exp.hpp) against std::exp: ≤ 1 ulp over the whole
// range, exact special values, correct subnormal results; exp_nonpositive (the softmax
// exp of the spline flows) on its range. Tested directly, whatever
// SPHAERA_VECTOR_EXP says for this build, because builds for AVX2+ hosts use it.
#include <catch2/catch.hpp>

#include <sphaera/core/vector_exp.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <type_traits>

namespace {

/// |a − b| in units of the spacing of floating-point numbers just above |b|.
template <class T>
double ulp_distance(T a, T b) {
    const T spacing = std::nextafter(std::abs(b), std::numeric_limits<T>::infinity()) - std::abs(b);
    return std::abs(static_cast<double>(a) - static_cast<double>(b)) / static_cast<double>(spacing);
}

template <class T>
double max_ulp_error(T lo, T hi, int samples, std::uint64_t seed) {
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> u(static_cast<double>(lo), static_cast<double>(hi));
    double worst = 0;
    for (int i = 0; i < samples; ++i) {
        const T x = static_cast<T>(u(gen));
        worst = std::max(worst, ulp_distance(sphaera::math::detail::exp_poly(x), std::exp(x)));
    }
    return worst;
}

}  // namespace

TEST_CASE("vector exp is within 1 ulp of std::exp (double)", "[core][math]") {
    CHECK(max_ulp_error<double>(-1.0, 1.0, 200000, 1) <= 1.0);
    CHECK(max_ulp_error<double>(-708.0, 709.78, 200000, 2) <= 1.0);
    // Subnormal results: the second scaling path.
    CHECK(max_ulp_error<double>(-745.1, -708.4, 200000, 3) <= 1.0);
    CHECK(max_ulp_error<double>(700.0, 709.78, 200000, 4) <= 1.0);
}

TEST_CASE("vector exp is within 1 ulp of std::exp (float)", "[core][math]") {
    CHECK(max_ulp_error<float>(-1.0f, 1.0f, 200000, 5) <= 1.0);
    CHECK(max_ulp_error<float>(-87.0f, 88.7f, 200000, 6) <= 1.0);
    CHECK(max_ulp_error<float>(-103.9f, -87.4f, 200000, 7) <= 1.0);
}

TEMPLATE_TEST_CASE("vector exp special values", "[core][math]", float, double) {
    using T = TestType;
    using sphaera::math::detail::exp_poly;
    constexpr T inf = std::numeric_limits<T>::infinity();
    CHECK(exp_poly(T(0)) == T(1));
    CHECK(exp_poly(inf) == inf);
    CHECK(exp_poly(-inf) == T(0));
    CHECK(std::isnan(exp_poly(std::numeric_limits<T>::quiet_NaN())));
    CHECK(exp_poly(T(1000)) == inf);
    CHECK(exp_poly(T(-1000)) == T(0));
    CHECK(exp_poly(std::numeric_limits<T>::max()) == inf);
    CHECK(exp_poly(std::numeric_limits<T>::lowest()) == T(0));
    // The largest finite result and the smallest subnormal one match std::exp bit for bit.
    const T near_max = std::is_same_v<T, double> ? T(709.78) : T(88.72);
    CHECK(exp_poly(near_max) == std::exp(near_max));
    const T tiny = std::is_same_v<T, double> ? T(-745.1) : T(-103.9);
    CHECK(exp_poly(tiny) == std::exp(tiny));
    CHECK(exp_poly(tiny) > T(0));
}

TEMPLATE_TEST_CASE("exp_nonpositive: within 1 ulp of std::exp on [x_min, 0], clamped below",
                   "[core][math]", float, double) {
    using T = TestType;
    using sphaera::math::detail::exp_nonpositive;
    const T lo = std::is_same_v<T, float> ? T(-87) : T(-708);
    double worst = 0;
    for (int i = 0; i <= 400000; ++i) {
        const T x = lo * T(i) / T(400000);
        worst = std::max(worst, ulp_distance(exp_nonpositive(x), std::exp(x)));
    }
    for (int i = 0; i <= 100000; ++i) {  // near 0, where softmax terms usually are
        const T x = -T(i) / T(10000);
        worst = std::max(worst, ulp_distance(exp_nonpositive(x), std::exp(x)));
    }
    INFO("max ulp error " << worst);
    CHECK(worst <= 1.0);
    CHECK(exp_nonpositive(T(0)) == T(1));
    CHECK(exp_nonpositive(T(2) * lo) == exp_nonpositive(lo));  // clamped: e^{x_min}
    CHECK(exp_nonpositive(-std::numeric_limits<T>::infinity()) == exp_nonpositive(lo));
    CHECK(std::isnan(exp_nonpositive(std::numeric_limits<T>::quiet_NaN())));
}
