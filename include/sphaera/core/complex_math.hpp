#pragma once
/// \file complex_math.hpp
/// \brief Elementary functions callable on host and device, for real and std::complex
/// values. std::complex's own operators are not device functions and its multiply takes
/// a NaN-recovery slow path (C99 Annex G) that blocks vectorisation; these do not.

#include <cmath>
#include <complex>

#include "sphaera/core/config.hpp"
#include "sphaera/core/type_traits.hpp"
#include "sphaera/core/vector_exp.hpp"

namespace sphaera::math {

// The global-namespace C functions are host and device functions under nvcc; the float
// names keep single precision single on both.
// exp is the one function host loops lean on (Gaussians, likelihoods, softmax): on AVX2+
// hosts it is the branch-free polynomial of vector_exp.hpp, which vectorises.
#if SPHAERA_DEVICE_CODE || !SPHAERA_VECTOR_EXP
SPHAERA_HD inline double exp(double x) { return ::exp(x); }
SPHAERA_HD inline float exp(float x) { return ::expf(x); }
#else
SPHAERA_HD inline double exp(double x) { return detail::exp_poly(x); }
SPHAERA_HD inline float exp(float x) { return detail::exp_poly(x); }
#endif
SPHAERA_HD inline double log(double x) { return ::log(x); }
SPHAERA_HD inline float log(float x) { return ::logf(x); }
SPHAERA_HD inline double expm1(double x) { return ::expm1(x); }
SPHAERA_HD inline float expm1(float x) { return ::expm1f(x); }
SPHAERA_HD inline double log1p(double x) { return ::log1p(x); }
SPHAERA_HD inline float log1p(float x) { return ::log1pf(x); }
SPHAERA_HD inline double sqrt(double x) { return ::sqrt(x); }
SPHAERA_HD inline float sqrt(float x) { return ::sqrtf(x); }
SPHAERA_HD inline double pow(double x, double p) { return ::pow(x, p); }
SPHAERA_HD inline float pow(float x, float p) { return ::powf(x, p); }
SPHAERA_HD inline double tanh(double x) { return ::tanh(x); }
SPHAERA_HD inline float tanh(float x) { return ::tanhf(x); }
SPHAERA_HD inline double sin(double x) { return ::sin(x); }
SPHAERA_HD inline float sin(float x) { return ::sinf(x); }
SPHAERA_HD inline double cos(double x) { return ::cos(x); }
SPHAERA_HD inline float cos(float x) { return ::cosf(x); }
SPHAERA_HD inline double fabs(double x) { return ::fabs(x); }
SPHAERA_HD inline float fabs(float x) { return ::fabsf(x); }
SPHAERA_HD inline double atan2(double y, double x) { return ::atan2(y, x); }
SPHAERA_HD inline float atan2(float y, float x) { return ::atan2f(y, x); }
SPHAERA_HD inline double hypot(double x, double y) { return ::hypot(x, y); }
SPHAERA_HD inline float hypot(float x, float y) { return ::hypotf(x, y); }
SPHAERA_HD inline double copysign(double x, double y) { return ::copysign(x, y); }
SPHAERA_HD inline float copysign(float x, float y) { return ::copysignf(x, y); }

// Calls on std::complex arguments below are qualified (math::): unqualified, argument-
// dependent lookup also finds std::log/std::exp/std::abs and the call is ambiguous.

template <class R>
SPHAERA_HD constexpr std::complex<R> cmul(std::complex<R> a, std::complex<R> b) {
    return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}

/// Smith's algorithm: a/b without the overflow of a·conj(b)/|b|².
template <class R>
SPHAERA_HD inline std::complex<R> cdiv(std::complex<R> a, std::complex<R> b) {
    const R br = b.real(), bi = b.imag();
    if (fabs(br) >= fabs(bi)) {
        const R r = bi / br, d = br + bi * r;
        return {(a.real() + a.imag() * r) / d, (a.imag() - a.real() * r) / d};
    }
    const R r = br / bi, d = bi + br * r;
    return {(a.real() * r + a.imag()) / d, (a.imag() * r - a.real()) / d};
}

template <class R>
SPHAERA_HD constexpr std::complex<R> conj(std::complex<R> z) { return {z.real(), -z.imag()}; }
template <class R>
SPHAERA_HD constexpr R abs2(std::complex<R> z) { return z.real() * z.real() + z.imag() * z.imag(); }
template <class R>
SPHAERA_HD inline R abs(std::complex<R> z) { return hypot(z.real(), z.imag()); }
template <class R>
SPHAERA_HD inline R arg(std::complex<R> z) { return atan2(z.imag(), z.real()); }

template <class R>
SPHAERA_HD inline std::complex<R> exp(std::complex<R> z) {
    const R e = exp(z.real());
    return {e * cos(z.imag()), e * sin(z.imag())};
}
/// Principal branch: arg in (−π, π].
template <class R>
SPHAERA_HD inline std::complex<R> log(std::complex<R> z) {
    return {log(math::abs(z)), math::arg(z)};
}
/// Principal square root (Re ≥ 0), the branch cut on the negative real axis.
template <class R>
SPHAERA_HD inline std::complex<R> sqrt(std::complex<R> z) {
    const R r = math::abs(z);
    if (r == R(0)) return {R(0), z.imag()};
    const R t = sqrt((r + fabs(z.real())) / R(2));
    if (z.real() >= R(0)) return {t, z.imag() / (R(2) * t)};
    return {fabs(z.imag()) / (R(2) * t), copysign(t, z.imag())};
}
/// z^p = exp(p log z) on the principal branch; 0^p = 0 for p != 0.
template <class R>
SPHAERA_HD inline std::complex<R> pow(std::complex<R> z, R p) {
    if (z.real() == R(0) && z.imag() == R(0)) return {p == R(0) ? R(1) : R(0), R(0)};
    const std::complex<R> l = math::log(z);
    return math::exp(std::complex<R>{p * l.real(), p * l.imag()});
}
/// tanh z = s·(1 − e)/(1 + e) with e = e^{−2sz}, s = sign(Re z), so |e| ≤ 1 never
/// overflows. With e = e^{wr}(cos wi + i sin wi), 1 ∓ e are formed from expm1(wr) and the
/// half-angle terms 2sin²(wi/2), 2cos²(wi/2), so no digits cancel: 1 − e near z = 0
/// (tanh z ≈ z, which 1 − e^{−2sz} computed directly loses entirely for |z| < eps) and
/// 1 + e near the poles.
template <class R>
SPHAERA_HD inline std::complex<R> tanh(std::complex<R> z) {
    const R s = z.real() >= R(0) ? R(1) : R(-1);
    const R wr = R(-2) * s * z.real(), wi = R(-2) * s * z.imag();
    const R em1 = expm1(wr), er = exp(wr), c = cos(wi), sn = sin(wi);
    const R sh = sin(wi / R(2)), ch = cos(wi / R(2));
    const std::complex<R> num{R(2) * sh * sh - em1 * c, -er * sn};
    const std::complex<R> den{R(2) * ch * ch + em1 * c, er * sn};
    const std::complex<R> q = cdiv(num, den);
    return {s * q.real(), s * q.imag()};
}

}  // namespace sphaera::math
