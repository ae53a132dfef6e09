#pragma once
/// \file sht_reference.hpp
/// \brief Independent references for the SHT tests: Wigner's explicit sum for d^ℓ_{mn}(θ)
/// in long double (small ℓ only: the alternating sum loses digits as ℓ grows) and the
/// spin-weighted harmonics built from it in ssht's convention.

#include <cmath>
#include <complex>
#include <numbers>

namespace sphaera::test {

inline long double factorial_ld(int n) {
    long double f = 1;
    for (int i = 2; i <= n; ++i) f *= i;
    return f;
}

/// d^ℓ_{m'm}(β) = Σ_k (−1)^{k−m+m'} √((ℓ+m)!(ℓ−m)!(ℓ+m')!(ℓ−m')!) /
///   ((ℓ+m−k)! k! (ℓ−k−m')! (k−m+m')!) cos^{2ℓ−2k+m−m'}(β/2) sin^{2k−m+m'}(β/2).
inline long double wigner_d_reference(int l, int mp, int m, long double beta) {
    if (std::abs(m) > l || std::abs(mp) > l) return 0;
    const long double c = std::cos(beta / 2), s = std::sin(beta / 2);
    const long double pre = std::sqrt(factorial_ld(l + m) * factorial_ld(l - m) *
                                      factorial_ld(l + mp) * factorial_ld(l - mp));
    long double sum = 0;
    for (int k = 0; k <= 2 * l; ++k) {
        if (l + m - k < 0 || l - k - mp < 0 || k - m + mp < 0) continue;
        const long double den = factorial_ld(l + m - k) * factorial_ld(k) *
                                factorial_ld(l - k - mp) * factorial_ld(k - m + mp);
        const long double sign = ((k - m + mp) % 2 == 0) ? 1 : -1;
        sum += sign * pre / den * std::pow(c, 2 * l - 2 * k + m - mp) * std::pow(s, 2 * k - m + mp);
    }
    return sum;
}

/// ₛY_ℓm(θ, φ) = (−1)^s √((2ℓ+1)/4π) e^{imφ} d^ℓ_{m,−s}(θ) (ssht's convention).
inline std::complex<long double> sylm_reference(int l, int m, int s, long double theta, long double phi) {
    const long double v = ((s % 2 == 0) ? 1 : -1) * std::sqrt((2 * l + 1) / (4 * std::numbers::pi_v<long double>)) *
                          wigner_d_reference(l, m, -s, theta);
    return std::polar(v, m * phi);
}

}  // namespace sphaera::test
