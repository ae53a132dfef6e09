#pragma once
/// \file wigner_recursion.hpp
/// \brief Normalised Wigner d-functions λ_ℓ(θ) = √((2ℓ+1)/4π) d^ℓ_{m,n}(θ) by the three-term
/// recurrence in ℓ (e.g. Varshalovich et al. 1988, §4.8; Trapani & Navaza 2006):
///
///   ℓ R_{ℓ+1} d^{ℓ+1} = (2ℓ+1)(ℓ(ℓ+1) cos θ − m n) d^ℓ − (ℓ+1) R_ℓ d^{ℓ−1},
///   R_ℓ = √((ℓ²−m²)(ℓ²−n²)),
///
/// started at ℓ₀ = max(|m|, |n|) from the closed form d^{ℓ₀}_{mn} = ±√C(2ℓ₀, k) cos^a(θ/2)
/// sin^b(θ/2). With n = −s these give the spin-weighted harmonics in ssht's convention,
/// ₛY_ℓm(θ, φ) = (−1)^s λ_ℓ(θ) e^{imφ}; for s = 0 the normalised associated Legendre
/// functions with the Condon–Shortley phase. Values far below 2^−600 (near the poles, high
/// m) are carried as v·2^(600k), k < 0, with an integer counter and exact power-of-two
/// rescaling (no log/exp per step), which keeps the recurrence finite to L = 8192 and beyond.

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <numbers>
#include <vector>

#include "sphaera/core/error.hpp"

namespace sphaera::sht {
namespace detail {

/// A positive or negative number mant·2^exp2 with mant in [0.5, 1) (or 0): the start values
/// and their prefactors, which under- or overflow a double for large ℓ₀.
struct scaled {
    double mant = 0;
    long exp2 = 0;
};

inline scaled normalize(double v, long e) {
    int k = 0;
    const double f = std::frexp(v, &k);
    return {f, e + k};
}
inline scaled mul(scaled a, scaled b) { return normalize(a.mant * b.mant, a.exp2 + b.exp2); }

/// x^p for x in [0, 1], p ≥ 0, by binary powering in scaled form.
inline scaled pow_scaled(double x, long p) {
    scaled r{0.5, 1};  // 1
    if (p == 0) return r;
    if (x == 0) return {0, 0};
    scaled b = normalize(x, 0);
    while (p > 0) {
        if (p & 1) r = mul(r, b);
        p >>= 1;
        if (p) b = mul(b, b);
    }
    return r;
}

/// Exponent step of the scaled recurrence and the magnitude that triggers a rescale.
inline constexpr int rescale_exp = 600;
inline constexpr double rescale_trigger = 0x1p300;
inline constexpr double rescale_down = 0x1p-600;

/// One step λ_{ℓ+1} = (a cos θ − b) λ_ℓ − c λ_{ℓ−1} of the normalised recurrence.
struct rec_coef {
    double a, b, c;
};

/// What the start of the recurrence for one (m, n) needs, independent of θ:
/// λ_{ℓ₀}(θ) = pref · cos^pc(θ/2) · sin^ps(θ/2).
struct start_data {
    int l0 = 0;
    long pc = 0, ps = 0;
    scaled pref;
};

/// √C(2j, j + i) for i = 0..imax as scaled numbers, by the ratio
/// C(2j, j+i+1)/C(2j, j+i) = (j−i)/(j+i+1).
inline std::vector<scaled> sqrt_central_binomials_fixed_j(long j, long imax) {
    std::vector<scaled> out(static_cast<std::size_t>(imax + 1));
    // √C(2j, j) by the ratio C(2k+2, k+1)/C(2k, k) = (2k+2)(2k+1)/(k+1)².
    double v = 1;
    long e = 0;
    for (long k = 0; k < j; ++k) {
        v *= std::sqrt((2.0 * k + 2.0) * (2.0 * k + 1.0)) / (k + 1.0);
        if (v > 0x1p500) { const scaled s = normalize(v, e); v = s.mant; e = s.exp2; }
    }
    scaled cur = normalize(v, e);
    for (long i = 0; i <= imax; ++i) {
        out[static_cast<std::size_t>(i)] = cur;
        if (i < imax) cur = normalize(cur.mant * std::sqrt(double(j - i) / double(j + i + 1)), cur.exp2);
    }
    return out;
}

/// Start data for every m in [−(L−1), L−1] at fixed n (index m + L − 1).
inline std::vector<start_data> make_start_data(int L, int n) {
    const long an = std::labs(n);
    std::vector<start_data> out(static_cast<std::size_t>(2 * L - 1));
    // |m| < |n|: ℓ₀ = |n|, binomial C(2|n|, |n| ± m) = √C(2|n|, |n|+|m|).
    const auto inner = sqrt_central_binomials_fixed_j(an, an);
    // |m| ≥ |n|: ℓ₀ = |m|, binomial C(2|m|, |m| ± n); step |m| → |m|+1 multiplies
    // √C by √((2j+2)(2j+1)/((j+1+|n|)(j+1−|n|))).
    std::vector<scaled> outer(static_cast<std::size_t>(L));
    {
        scaled cur = an < static_cast<long>(inner.size()) ? inner[static_cast<std::size_t>(an)] : scaled{0.5, 1};
        for (long j = an; j < L; ++j) {
            outer[static_cast<std::size_t>(j)] = cur;
            cur = normalize(cur.mant * std::sqrt((2.0 * j + 2.0) * (2.0 * j + 1.0) /
                                                 ((j + 1.0 + an) * (j + 1.0 - an))), cur.exp2);
        }
    }
    for (int m = -(L - 1); m <= L - 1; ++m) {
        start_data d;
        const long am = std::labs(m);
        double sign = 1;
        if (am >= an) {
            d.l0 = static_cast<int>(am);
            if (m >= 0) {  // d^ℓ_{ℓ,n} = (−1)^{ℓ−n} √C(2ℓ, ℓ+n) c^{ℓ+n} s^{ℓ−n}
                sign = ((am - n) % 2 == 0) ? 1 : -1;
                d.pc = am + n; d.ps = am - n;
            } else {       // d^ℓ_{−ℓ,n} = √C(2ℓ, ℓ−n) c^{ℓ−n} s^{ℓ+n}
                d.pc = am - n; d.ps = am + n;
            }
            d.pref = outer[static_cast<std::size_t>(am)];
        } else {
            d.l0 = static_cast<int>(an);
            if (n > 0) {   // d^ℓ_{m,ℓ} = √C(2ℓ, ℓ+m) c^{ℓ+m} s^{ℓ−m}
                d.pc = an + m; d.ps = an - m;
            } else {       // d^ℓ_{m,−ℓ} = (−1)^{ℓ+m} √C(2ℓ, ℓ−m) c^{ℓ−m} s^{ℓ+m}
                sign = ((an + m) % 2 == 0) ? 1 : -1;
                d.pc = an - m; d.ps = an + m;
            }
            d.pref = inner[static_cast<std::size_t>(am)];
        }
        d.pref = normalize(sign * d.pref.mant * std::sqrt((2.0 * d.l0 + 1.0) / (4.0 * std::numbers::pi)),
                           d.pref.exp2);
        out[static_cast<std::size_t>(m + L - 1)] = d;
    }
    return out;
}

/// Fills coef[ℓ] (the step ℓ → ℓ+1) for ℓ = ℓ₀..L−2. coef: (L) entries, only [ℓ₀, L−1) written.
inline void fill_coefficients(int m, int n, int l0, int L, rec_coef* coef) {
    const double dm = m, dn = n, mn = dm * dn;
    auto R = [&](double l) { return std::sqrt((l - dm) * (l + dm)) * std::sqrt((l - dn) * (l + dn)); };
    double r_l = R(l0);  // 0 at ℓ₀
    for (int l = l0; l + 1 < L; ++l) {
        const double dl = l, r_next = R(dl + 1.0);
        const double f = std::sqrt((2.0 * dl + 3.0) / (2.0 * dl + 1.0)) * (2.0 * dl + 1.0) / r_next;
        rec_coef c;
        c.a = f * (dl + 1.0);
        c.b = (mn == 0.0) ? 0.0 : f * mn / dl;
        c.c = (r_l == 0.0) ? 0.0
                           : std::sqrt((2.0 * dl + 3.0) / (2.0 * dl - 1.0)) * (dl + 1.0) * r_l / (dl * r_next);
        coef[l] = c;
        r_l = r_next;
    }
}

/// One ring's colatitude in the form the recurrence uses: cos θ = x0 + u with x0 = ±1 the
/// nearer pole and u = ∓2 sin²(θ/2 or (π−θ)/2) carried to full relative precision, plus
/// cos(θ/2), sin(θ/2). Writing the step factor a cos θ − b as a·u + (a·x0 − b) keeps the
/// rounding of cos θ near a pole (absolute 1e−16, relative 1e−16/θ²) out of the recurrence,
/// which would otherwise act as a systematic shift of θ (relative error 2e−9 at θ = π/16384).
struct ring_trig {
    double x0 = 1, u = 0, c = 1, s = 0;
};
inline ring_trig make_ring_trig(double theta) {
    ring_trig t;
    t.c = std::cos(0.5 * theta);
    t.s = std::sin(0.5 * theta);
    if (theta <= std::numbers::pi / 2) {
        t.x0 = 1;
        t.u = -2 * t.s * t.s;
    } else {
        t.x0 = -1;
        t.u = 2 * t.c * t.c;
    }
    return t;
}
/// The step factor a cos θ − b = a·u + (a·x0 − b) (see ring_trig; a·x0 is exact). Plain
/// multiply-adds, not std::fma, which is a library call where FMA is not enabled and would
/// stop the vectorised kernels from matching this scalar path bit for bit.
inline double step_factor(const rec_coef& c, const ring_trig& t) {
    return c.a * t.u + (c.a * t.x0 - c.b);
}

/// State of one ring's recurrence once its values are representable: λ at ℓ = l (lam1)
/// and ℓ − 1 (lam0). l ≥ L means the ring's values stay below 2^−300 for all ℓ < L.
struct ring_state {
    int l = 0;
    double lam0 = 0, lam1 = 0;
};

/// Runs the recurrence for one ring from ℓ₀ in scaled form until the values are
/// representable (exponent counter 0); returns the state there.
inline ring_state start_ring(const start_data& sd, const rec_coef* coef, int L, const ring_trig& t) {
    ring_state st;
    st.l = sd.l0;
    if (sd.l0 >= L) { st.l = L; return st; }
    const scaled v = mul(mul(sd.pref, pow_scaled(t.c, sd.pc)), pow_scaled(t.s, sd.ps));
    if (v.mant == 0) { st.l = L; return st; }
    long k = 0;
    long e = v.exp2;
    if (e <= 0) {  // choose k ≤ 0 with e − 600k in (−600, 0]
        k = -((-e) / rescale_exp);
        e -= k * rescale_exp;
    } else {
        k = 0;
    }
    double lam1 = std::ldexp(v.mant, static_cast<int>(e)), lam0 = 0;
    int l = sd.l0;
    while (k < 0) {
        if (l + 1 >= L) { st.l = L; return st; }
        const rec_coef& c = coef[l];
        const double nv = step_factor(c, t) * lam1 - c.c * lam0;
        lam0 = lam1;
        lam1 = nv;
        ++l;
        if (std::abs(lam1) > rescale_trigger) {
            lam0 *= rescale_down;
            lam1 *= rescale_down;
            ++k;
        }
    }
    st.l = l;
    st.lam0 = lam0;
    st.lam1 = lam1;
    return st;
}

}  // namespace detail

/// √((2ℓ+1)/4π) d^ℓ_{m,n}(θ) for ℓ = 0..L−1 (zero below max(|m|, |n|)), by the scaled
/// recurrence. With n = −s this is (−1)^s ₛY_ℓm(θ, 0) in ssht's convention; with n = 0,
/// Y_ℓm(θ, 0) (Condon–Shortley phase). Throws invalid_argument unless L ≥ 1, |m|, |n| < L.
inline std::vector<double> normalized_wigner_d(int L, int m, int n, double theta) {
    if (L < 1) sphaera::detail::raise<invalid_argument>("normalized_wigner_d: L = ", L, "; valid range is [1, inf)");
    sphaera::detail::require_in_range("normalized_wigner_d: m", m, -(L - 1), L - 1);
    sphaera::detail::require_in_range("normalized_wigner_d: n", n, -(L - 1), L - 1);
    const auto sd = detail::make_start_data(L, n)[static_cast<std::size_t>(m + L - 1)];
    std::vector<detail::rec_coef> coef(static_cast<std::size_t>(L));
    detail::fill_coefficients(m, n, sd.l0, L, coef.data());
    const auto t = detail::make_ring_trig(theta);
    auto st = detail::start_ring(sd, coef.data(), L, t);
    std::vector<double> out(static_cast<std::size_t>(L), 0.0);
    for (int l = st.l; l < L; ++l) {
        out[static_cast<std::size_t>(l)] = st.lam1;
        if (l + 1 < L) {
            const auto& c = coef[static_cast<std::size_t>(l)];
            const double nv = detail::step_factor(c, t) * st.lam1 - c.c * st.lam0;
            st.lam0 = st.lam1;
            st.lam1 = nv;
        }
    }
    return out;
}

}  // namespace sphaera::sht
