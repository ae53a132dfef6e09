#pragma once
/// \file vector_math.hpp
/// \brief Branch-free log and sincos-of-turns for float and double, the two elementary
/// functions of the Box–Muller transform (random.hpp). glibc's log/sin/cos are scalar calls
/// that keep a loop from vectorising; these are straight-line arithmetic on the bits, so
/// `omp simd` loops vectorise them (AVX2: 4 doubles per instruction), and they are
/// `SPHAERA_HD`, so host fills and device kernels run the same code (the normal streams then
/// agree between backends up to the compilers' FMA contraction, not up to two libms).
///
/// - log_poly(x): ln x, ≤ 2 ulp for every positive x (tested ≤ 1.5 on dense grids, subnormals
///   included), with ln 0 = −∞, ln(x < 0) = NaN, ln ∞ = ∞, NaN → NaN.
///   Method (Tang 1990 / fdlibm's reduction, our own coefficients): x = 2ᵏ m with
///   m ∈ [√2/2, √2) read from the bits; f = m − 1 (exact), s = f/(2 + f), so
///   ln m = 2 atanh s = 2s + s R(s²) with R the atanh Taylor series (|s| ≤ 0.1716, so
///   10 terms in double, 4 in float, truncate below 0.01 ulp). Since 2s = f − s f,
///   ln m = f − s(f − R): the rounding of s only reaches the result through the correction
///   s(f − R) ≈ f²/2, not through the leading term f, which is exact.
/// - sincos_turns(u): (sin 2πu, cos 2πu), ≤ 2 ulp for |u| < 2⁵⁰ (double), 2²⁰ (float).
///   The argument is in turns, which is what Box–Muller has (θ = 2πu₂ with u₂ uniform), and
///   it makes the range reduction exact: q = round(4u), r = u − q/4 is exact (|r| ≤ 1/8),
///   sin and cos of 2πr are Taylor polynomials in r (|2πr| ≤ π/4; degree 17/16 in double,
///   9/10 in float), and the quadrant q mod 4 swaps and negates them. Forming 2πu first and
///   calling sin/cos would round θ (one ulp of 2π is 10⁻¹⁵ rad) and need a Cody–Waite
///   reduction; in turns neither is needed, and results near the zeros of sin and cos stay
///   accurate relative to their own size.
/// - sqrt_newton(w): √w for w = 0 or normal w ≥ 0, ≤ 1 ulp (not always correctly rounded).
///   IEEE sqrt is exact everywhere, but under the default -fmath-errno GCC guards each call
///   with a branch to libm (errno for w < 0), and that branch keeps the loop scalar. Here:
///   a bit-pattern initial guess of 1/√w (relative error ≤ 3.5 %), Newton steps
///   y ← y(3/2 − w y²/2) (4 in double, 3 in float: the error squares each step), then
///   s = w y and one correction s + y(w − s²)/2.
/// Every case choice is a bit select (vector_exp.hpp's bit_select), never a branch.

#include <bit>
#include <cstdint>
#include <limits>

#include "sphaera/core/config.hpp"
#include "sphaera/core/vector_exp.hpp"

namespace sphaera::math {

/// sin and cos of one argument, as a pair (device code cannot return std::pair portably).
template <class T>
struct sin_cos {
    T sin;
    T cos;
};

namespace detail {

/// ln x (double); see the file notes.
SPHAERA_HD inline double log_poly(double x) {
    using bits = std::uint64_t;
    // Subnormals: scale into the normal range by 2⁵⁴ and take 54 off the exponent.
    const bool sub = x < 0x1p-1022;
    const double xs = bit_select<double, bits>(sub, x * 0x1p54, x);
    // ix − bits(√2/2) has exponent field k where x = 2ᵏ m, m ∈ [√2/2, √2); adding 1024 to the
    // exponent field first keeps it non-negative, so a logical shift (AVX2 has no 64-bit
    // arithmetic one) reads k + 1024.
    constexpr bits sqrt_half = 0x3fe6a09e667f3bcdULL;  // bits of √2/2
    const bits t = std::bit_cast<bits>(xs) - sqrt_half + (bits{1024} << 52);
    const bits kb = t >> 52;                                                   // k + 1024
    const double m = std::bit_cast<double>((t & 0x000fffffffffffffULL) + sqrt_half);
    // k as a double without a 64-bit int → double conversion (none in AVX2): the bits of
    // 1.5·2⁵² + j are the bits of 1.5·2⁵² plus j for 0 ≤ j < 2⁵¹.
    const double kd = std::bit_cast<double>(std::bit_cast<bits>(0x1.8p52) + kb) - (0x1.8p52 + 1024.0) -
                      bit_select<double, bits>(sub, 54.0, 0.0);
    const double f = m - 1.0;  // exact (Sterbenz: m ∈ [½, 2])
    const double s = f / (2.0 + f);
    const double z = s * s;
    // R(z) = z (2/3 + 2z/5 + … + 2z⁹/21): 2 atanh s = 2s + s R; the next term is < 10⁻¹⁹ s.
    double p = 2.0 / 23.0;
    p = p * z + 2.0 / 21.0;
    p = p * z + 2.0 / 19.0;
    p = p * z + 2.0 / 17.0;
    p = p * z + 2.0 / 15.0;
    p = p * z + 2.0 / 13.0;
    p = p * z + 2.0 / 11.0;
    p = p * z + 2.0 / 9.0;
    p = p * z + 2.0 / 7.0;
    p = p * z + 2.0 / 5.0;
    p = p * z + 2.0 / 3.0;
    const double r = z * p;
    // ln 2 split so that k·ln2_hi is exact for |k| < 2²¹ (ln2_hi has 32 significant bits).
    constexpr double ln2_hi = 6.93147180369123816490e-01;
    constexpr double ln2_lo = 1.90821492927058770002e-10;
    double y = kd * ln2_hi + (f - (s * (f - r) - kd * ln2_lo));
    constexpr double inf = std::numeric_limits<double>::infinity();
    y = bit_select<double, bits>(x == 0.0, -inf, y);
    y = bit_select<double, bits>(x < 0.0, std::numeric_limits<double>::quiet_NaN(), y);
    y = bit_select<double, bits>(x == inf, inf, y);
    return bit_select<double, bits>(x != x, x, y);  // NaN in, the same NaN out
}

/// ln x (float); see the file notes.
SPHAERA_HD inline float log_poly(float x) {
    using bits = std::uint32_t;
    const bool sub = x < 0x1p-126f;
    const float xs = bit_select<float, bits>(sub, x * 0x1p25f, x);
    constexpr bits sqrt_half = 0x3f3504f3u;  // bits of √2/2 (rounded to float)
    const bits t = std::bit_cast<bits>(xs) - sqrt_half + (bits{128} << 23);
    const bits kb = t >> 23;  // k + 128
    const float m = std::bit_cast<float>((t & 0x007fffffu) + sqrt_half);
    const float kd = std::bit_cast<float>(std::bit_cast<bits>(0x1.8p23f) + kb) - (0x1.8p23f + 128.0f) -
                     bit_select<float, bits>(sub, 25.0f, 0.0f);
    const float f = m - 1.0f;
    const float s = f / (2.0f + f);
    const float z = s * s;
    // 2/3 + … + 2z³/9: the next term is < 2·10⁻⁹ s, 0.03 ulp.
    float p = 2.0f / 9.0f;
    p = p * z + 2.0f / 7.0f;
    p = p * z + 2.0f / 5.0f;
    p = p * z + 2.0f / 3.0f;
    const float r = z * p;
    constexpr float ln2_hi = 0.693145752f;  // 16 significant bits: k·ln2_hi exact
    constexpr float ln2_lo = 1.42860677e-6f;
    float y = kd * ln2_hi + (f - (s * (f - r) - kd * ln2_lo));
    constexpr float inf = std::numeric_limits<float>::infinity();
    y = bit_select<float, bits>(x == 0.0f, -inf, y);
    y = bit_select<float, bits>(x < 0.0f, std::numeric_limits<float>::quiet_NaN(), y);
    y = bit_select<float, bits>(x == inf, inf, y);
    return bit_select<float, bits>(x != x, x, y);
}

/// √w for w = 0 or normal w ≥ 0 (double); see the file notes.
SPHAERA_HD inline double sqrt_newton(double w) {
    using bits = std::uint64_t;
    // Halving the exponent field through the bits gives 1/√w to 3.5 %; the constant puts
    // the error's extremes symmetric about 0.
    double y = std::bit_cast<double>(0x5fe6eb50c7b537a9ULL - (std::bit_cast<bits>(w) >> 1));
    const double hw = 0.5 * w;
    y = y * (1.5 - hw * y * y);
    y = y * (1.5 - hw * y * y);
    y = y * (1.5 - hw * y * y);
    y = y * (1.5 - hw * y * y);
    const double s = w * y;
    return s + (0.5 * y) * (w - s * s);
}

/// √w for w = 0 or normal w ≥ 0 (float); see the file notes.
SPHAERA_HD inline float sqrt_newton(float w) {
    using bits = std::uint32_t;
    float y = std::bit_cast<float>(0x5f375a86u - (std::bit_cast<bits>(w) >> 1));
    const float hw = 0.5f * w;
    y = y * (1.5f - hw * y * y);
    y = y * (1.5f - hw * y * y);
    y = y * (1.5f - hw * y * y);
    const float s = w * y;
    return s + (0.5f * y) * (w - s * s);
}

/// (sin 2πu, cos 2πu) for |u| < 2⁵⁰; see the file notes.
SPHAERA_HD inline sin_cos<double> sincos_turns(double u) {
    using bits = std::uint64_t;
    // q = round(4u) by the 1.5·2⁵² shifter; its low bits hold q mod 4 (two's complement).
    const double shifted = 4.0 * u + 0x1.8p52;
    const double q = shifted - 0x1.8p52;
    const bits qb = std::bit_cast<bits>(shifted);
    const double r = u - 0.25 * q;  // exact: a multiple of ulp(u) no larger than |u|
    const double r2 = r * r;
    // sin 2πr = Σ (−1)ᵏ (2π)^(2k+1) r^(2k+1)/(2k+1)!, to k = 8 (next term < 10⁻¹⁹ relative).
    double ps = 0.10422916220813984;
    ps = ps * r2 - 0.7181223017785006;
    ps = ps * r2 + 3.819952584848282;
    ps = ps * r2 - 15.09464257682299;
    ps = ps * r2 + 42.058693944897655;
    ps = ps * r2 - 76.70585975306139;
    ps = ps * r2 + 81.60524927607506;
    ps = ps * r2 - 41.34170224039976;
    // 2π = two_pi_hi + two_pi_lo: the rounding of 2π (0.2 ulp) stays out of the result.
    const double sn = r * 6.283185307179586 + (r * 2.4492935982947064e-16 + (r * r2) * ps);
    // cos 2πr = Σ (−1)ᵏ (2π)^(2k) r^(2k)/(2k)!, to k = 8 (next term < 10⁻¹⁷).
    double pc = 0.28200596845579123;
    pc = pc * r2 - 1.714390711088672;
    pc = pc * r2 + 7.903536371318469;
    pc = pc * r2 - 26.4262567833744;
    pc = pc * r2 + 60.24464137187666;
    pc = pc * r2 - 85.45681720669373;
    pc = pc * r2 + 64.9393940226683;
    pc = pc * r2 - 19.739208802178716;
    const double cs = 1.0 + r2 * pc;
    // Quadrant q mod 4: (s, c), (c, −s), (−s, −c), (−c, s).
    const bool odd = (qb & 1) != 0;
    const double a = bit_select<double, bits>(odd, cs, sn);
    const double b = bit_select<double, bits>(odd, sn, cs);
    const bits sign_sin = (qb & 2) << 62;        // q = 2, 3
    const bits sign_cos = ((qb + 1) & 2) << 62;  // q = 1, 2
    return {std::bit_cast<double>(std::bit_cast<bits>(a) ^ sign_sin),
            std::bit_cast<double>(std::bit_cast<bits>(b) ^ sign_cos)};
}

/// (sin 2πu, cos 2πu) for |u| < 2²⁰; see the file notes.
SPHAERA_HD inline sin_cos<float> sincos_turns(float u) {
    using bits = std::uint32_t;
    const float shifted = 4.0f * u + 0x1.8p23f;
    const float q = shifted - 0x1.8p23f;
    const bits qb = std::bit_cast<bits>(shifted);
    const float r = u - 0.25f * q;
    const float r2 = r * r;
    // To r⁹ and r¹⁰: the next terms are < 3·10⁻⁹ relative, 0.05 ulp.
    float ps = 42.058693944897655f;
    ps = ps * r2 - 76.70585975306139f;
    ps = ps * r2 + 81.60524927607506f;
    ps = ps * r2 - 41.34170224039976f;
    const float sn = r * 6.28318548f + (r * -1.7484556e-7f + (r * r2) * ps);
    float pc = -26.4262567833744f;
    pc = pc * r2 + 60.24464137187666f;
    pc = pc * r2 - 85.45681720669373f;
    pc = pc * r2 + 64.9393940226683f;
    pc = pc * r2 - 19.739208802178716f;
    const float cs = 1.0f + r2 * pc;
    const bool odd = (qb & 1) != 0;
    const float a = bit_select<float, bits>(odd, cs, sn);
    const float b = bit_select<float, bits>(odd, sn, cs);
    const bits sign_sin = (qb & 2) << 30;
    const bits sign_cos = ((qb + 1) & 2) << 30;
    return {std::bit_cast<float>(std::bit_cast<bits>(a) ^ sign_sin),
            std::bit_cast<float>(std::bit_cast<bits>(b) ^ sign_cos)};
}

}  // namespace detail
}  // namespace sphaera::math
