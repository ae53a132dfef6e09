// The branch-free log and sincos-of-turns (core/vector_math.hpp) against long double
// references: ≤ 2 ulp (the documented bound) on dense grids over the whole range, on every
// value the float uniform stream can produce, on the edges of the double uniform grid, at
// subnormals and at the special values.
#include <catch2/catch.hpp>

#include <sphaera/core/vector_math.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <type_traits>

namespace {

using sphaera::math::detail::log_poly;
using sphaera::math::detail::sincos_turns;

constexpr long double two_pi_l = 6.283185307179586476925286766559005768L;

/// |a − ref| in units of the spacing of T just above |ref| (ref rounded to T first, so a
/// correctly rounded result is ≤ 0.5).
template <class T>
double ulp_error(T a, long double ref) {
    const T r = static_cast<T>(ref);
    const T mag = std::abs(r);
    T spacing = std::nextafter(mag, std::numeric_limits<T>::infinity()) - mag;
    // Just below a power of two the spacing is half that above it: use the smaller one.
    if (mag > T(0)) spacing = std::min(spacing, mag - std::nextafter(mag, T(0)));
    return static_cast<double>(std::abs(static_cast<long double>(a) - ref) / spacing);
}

/// Exact long double reference for (sin 2πu, cos 2πu): u − q/4 is exact in long double, so
/// the only rounding is in 2π·r and sinl/cosl (64-bit significands: 2⁻¹¹ ulp of a double).
struct ref_sc {
    long double s, c;
};
template <class T>
ref_sc ref_sincos_turns(T u) {
    const long double q = std::nearbyint(4.0L * static_cast<long double>(u));
    const long double r = static_cast<long double>(u) - q / 4;
    const long double a = two_pi_l * r;
    const long double s = std::sin(a), c = std::cos(a);
    switch (static_cast<long long>(q) & 3) {
        case 0: return {s, c};
        case 1: return {c, -s};
        case 2: return {-s, -c};
        default: return {-c, s};
    }
}

struct worst {
    double log = 0, sin = 0, cos = 0;
};

template <class T>
void check_log(T x, worst& w) {
    w.log = std::max(w.log, ulp_error(log_poly(x), std::log(static_cast<long double>(x))));
}
template <class T>
void check_sincos(T u, worst& w) {
    const auto got = sincos_turns(u);
    const ref_sc ref = ref_sincos_turns(u);
    w.sin = std::max(w.sin, ulp_error(got.sin, ref.s));
    w.cos = std::max(w.cos, ulp_error(got.cos, ref.c));
}

}  // namespace

TEST_CASE("log_poly (double) is within 2 ulp of ln over the whole positive range", "[core][math]") {
    worst w;
    std::mt19937_64 gen(11);
    // Log-uniform over every binade, normal and subnormal.
    std::uniform_int_distribution<std::uint64_t> any_bits(1, 0x7fefffffffffffffULL);
    for (int i = 0; i < 500'000; ++i) check_log(std::bit_cast<double>(any_bits(gen)), w);
    // Dense around 1 (cancellation in the reduction) and √2/2 (where k changes).
    std::uniform_real_distribution<double> near1(0.5, 2.0);
    for (int i = 0; i < 300'000; ++i) check_log(near1(gen), w);
    for (double c : {1.0, 0.70710678118654752440}) {
        double x = c;
        for (int i = 0; i < 20000; ++i) {
            check_log(x, w);
            check_log(std::nextafter(c, 0.0) - (x - c), w);
            x = std::nextafter(x, 3.0);
        }
    }
    // The Box–Muller domain's edges: the smallest and largest double uniforms (k + ½)·2⁻⁵².
    for (std::uint64_t k = 0; k < 100000; ++k) {
        check_log((static_cast<double>(k) + 0.5) * 0x1p-52, w);
        check_log(1.0 - (static_cast<double>(k) + 0.5) * 0x1p-52, w);
    }
    CAPTURE(w.log);
    CHECK(w.log <= 2.0);
}

TEST_CASE("log_poly (float) is within 2 ulp of ln, on every float uniform", "[core][math]") {
    worst w;
    // Every positive finite float with a stride (the reduction depends on the bits only
    // through the exponent and the comparison with √2/2), then all 2²³ float uniforms
    // (k + ½)·2⁻²³ that Box–Muller takes logs of.
    for (std::uint32_t b = 1; b < 0x7f800000u; b += 251) check_log(std::bit_cast<float>(b), w);
    for (std::uint32_t k = 0; k < (1u << 23); ++k) check_log((static_cast<float>(k) + 0.5f) * 0x1p-23f, w);
    CAPTURE(w.log);
    CHECK(w.log <= 2.0);
}

TEMPLATE_TEST_CASE("log_poly special values", "[core][math]", float, double) {
    using T = TestType;
    constexpr T inf = std::numeric_limits<T>::infinity();
    CHECK(log_poly(T(1)) == T(0));
    CHECK(log_poly(T(2)) == static_cast<T>(0.693147180559945309417232121458L));
    CHECK(log_poly(T(0)) == -inf);
    CHECK(log_poly(T(-0.0)) == -inf);
    CHECK(std::isnan(log_poly(T(-1))));
    CHECK(std::isnan(log_poly(-inf)));
    CHECK(std::isnan(log_poly(std::numeric_limits<T>::quiet_NaN())));
    CHECK(log_poly(inf) == inf);
    worst w;
    check_log(std::numeric_limits<T>::denorm_min(), w);
    check_log(std::numeric_limits<T>::min(), w);
    check_log(std::nextafter(std::numeric_limits<T>::min(), T(0)), w);
    check_log(std::numeric_limits<T>::max(), w);
    CHECK(w.log <= 2.0);
}

TEST_CASE("sincos_turns (double) is within 2 ulp of sin 2πu, cos 2πu", "[core][math]") {
    worst w;
    std::mt19937_64 gen(12);
    // The Box–Muller domain (0, 1) densely, then a wider range and tiny arguments.
    std::uniform_real_distribution<double> unit(0.0, 1.0), wide(-1e6, 1e6), tiny_exp(-60, -3);
    for (int i = 0; i < 500'000; ++i) check_sincos(unit(gen), w);
    for (int i = 0; i < 200'000; ++i) check_sincos(wide(gen), w);
    for (int i = 0; i < 200'000; ++i) check_sincos(std::exp2(tiny_exp(gen)), w);
    // Around the quadrant boundaries and the zeros of sin and cos (u = j/8 and j/4), and the
    // edges of the double uniform grid.
    for (int j = 0; j <= 8; ++j) {
        double up = j / 8.0, down = j / 8.0;
        for (int i = 0; i < 5000; ++i) {
            check_sincos(up, w);
            check_sincos(down, w);
            up = std::nextafter(up, 2.0);
            down = std::nextafter(down, -1.0);
        }
    }
    for (std::uint64_t k = 0; k < 100000; ++k) {
        check_sincos((static_cast<double>(k) + 0.5) * 0x1p-52, w);
        check_sincos(1.0 - (static_cast<double>(k) + 0.5) * 0x1p-52, w);
    }
    CAPTURE(w.sin, w.cos);
    CHECK(w.sin <= 2.0);
    CHECK(w.cos <= 2.0);
}

TEST_CASE("sincos_turns (float) is within 2 ulp on every float uniform", "[core][math]") {
    worst w;
    for (std::uint32_t k = 0; k < (1u << 23); ++k) check_sincos((static_cast<float>(k) + 0.5f) * 0x1p-23f, w);
    // Every float in [0, 1) with a stride, the negatives, and a wider range.
    for (std::uint32_t b = 0; b < 0x3f800000u; b += 211) {
        check_sincos(std::bit_cast<float>(b), w);
        check_sincos(-std::bit_cast<float>(b), w);
    }
    std::mt19937 gen(13);
    std::uniform_real_distribution<float> wide(-1000.0f, 1000.0f);
    for (int i = 0; i < 200'000; ++i) check_sincos(wide(gen), w);
    CAPTURE(w.sin, w.cos);
    CHECK(w.sin <= 2.0);
    CHECK(w.cos <= 2.0);
}

TEMPLATE_TEST_CASE("sincos_turns exact values and symmetries", "[core][math]", float, double) {
    using T = TestType;
    // At multiples of a quarter turn the reduced argument is 0: results are exact.
    const auto z = sincos_turns(T(0));
    CHECK((z.sin == T(0) && z.cos == T(1)));
    const auto q1 = sincos_turns(T(0.25));
    CHECK((q1.sin == T(1) && q1.cos == T(0)));
    const auto q2 = sincos_turns(T(0.5));
    CHECK((q2.sin == T(0) && q2.cos == T(-1)));
    const auto q3 = sincos_turns(T(0.75));
    CHECK((q3.sin == T(-1) && q3.cos == T(0)));
    const auto neg = sincos_turns(T(-0.25));
    CHECK((neg.sin == T(-1) && neg.cos == T(0)));
    // Odd/even symmetry holds bit for bit: the reduction and polynomials are symmetric in r.
    std::mt19937_64 gen(14);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int i = 0; i < 10000; ++i) {
        const T u = static_cast<T>(unit(gen));
        const auto p = sincos_turns(u), m = sincos_turns(-u);
        CHECK(m.sin == -p.sin);
        CHECK(m.cos == p.cos);
        // sin² + cos² = 1 to a few ulp.
        CHECK(std::abs(static_cast<double>(p.sin) * p.sin + static_cast<double>(p.cos) * p.cos - 1) <
              4 * std::numeric_limits<T>::epsilon());
    }
}

TEMPLATE_TEST_CASE("sqrt_newton is within 1 ulp of sqrt on normal numbers and 0", "[core][math]",
                   float, double) {
    using T = TestType;
    using sphaera::math::detail::sqrt_newton;
    using bits = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;
    constexpr bits min_normal = std::bit_cast<bits>(std::numeric_limits<T>::min());
    constexpr bits max_finite = std::bit_cast<bits>(std::numeric_limits<T>::max());
    double worst = 0;
    std::mt19937_64 gen(15);
    std::uniform_int_distribution<bits> any_normal(min_normal, max_finite);
    for (int i = 0; i < 1'000'000; ++i) {
        const T w = std::bit_cast<T>(any_normal(gen));
        worst = std::max(worst, ulp_error(sqrt_newton(w), std::sqrt(static_cast<long double>(w))));
    }
    // Box–Muller's radii: w = −2 ln u over the uniform grid's range, densely near both ends.
    std::uniform_real_distribution<double> lnw(std::log(1e-17), std::log(80.0));
    for (int i = 0; i < 1'000'000; ++i) {
        const T w = static_cast<T>(std::exp(lnw(gen)));
        worst = std::max(worst, ulp_error(sqrt_newton(w), std::sqrt(static_cast<long double>(w))));
    }
    CAPTURE(worst);
    CHECK(worst <= 1.0);
    CHECK(sqrt_newton(T(0)) == T(0));
    CHECK(sqrt_newton(T(4)) == T(2));
    CHECK(sqrt_newton(T(1)) == T(1));
}
