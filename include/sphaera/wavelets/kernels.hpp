#pragma once
/// \file kernels.hpp
/// \brief Generating functions of the harmonic tilings of the sphere: the scale-discretised
/// (s2dw) kernel of Wiaux, McEwen, Vandergheynst & Blanc (2008) and Leistedt et al. (2013,
/// S2LET §2.2), the needlet kernel (Narcowich, Petrushev & Ward 2006; Marinucci et al.
/// 2008) and the cubic B-spline kernel (Starck et al. 2006) as S2LET defines them.
///
/// Every tiling here is described by a profile g_q(ℓ) ∈ [0, 1] at level q, non-decreasing in
/// q, equal to 1 at the top level, with scaling function Φ²(ℓ) = g_{J_min}(ℓ) and wavelets
/// κ_j²(ℓ) = g_{j+1}(ℓ) − g_j(ℓ), so Φ² + Σ_j κ_j² = g_{J_max+1} = 1 telescopes exactly.
///
/// The s2dw profile is g_q(ℓ) = k_λ(ℓ/λ^q) with (S2LET eq. 5–7)
///
///   k_λ(t) = ∫_t^1 s_λ²(t')/t' dt' / ∫_{1/λ}^1 s_λ²(t')/t' dt',
///   s_λ(t) = s(2λ/(λ−1)·(t − 1/λ) − 1),   s(u) = exp(−1/(1−u²)) on (−1, 1), 0 outside,
///
/// so k_λ = 1 on [0, 1/λ] and 0 on [1, ∞). Default: the integrals by adaptive Gauss–Legendre
/// to ~1e−16 relative (the smaller of k and 1 − k is integrated directly, the other is its
/// complement, so k + (1 − k) = 1 to rounding); compatibility: s2wav's 300-step trapezium.
/// The bump is evaluated with the endpoints guarded (exactly zero once exp underflows and
/// outside (−1, 1)), so no Inf/NaN can arise at any L or λ (s2wav's unguarded
/// exp(−2/(1−u²)) overflows when rounding puts u just outside [−1, 1]).

#include <algorithm>
#include <cmath>
#include <vector>

#include "sphaera/core/error.hpp"
// geometry.hpp before any other sht header: it names sphaera::detail as plain `detail`,
// which an sht::detail declared first (quadrature.hpp, layout.hpp) would hide.
#include "sphaera/sht/geometry.hpp"
#include "sphaera/sht/quadrature.hpp"

namespace sphaera::wavelets {

/// Which generating function the tiling uses.
enum class kernel {
    s2dw,         ///< scale-discretised (Wiaux et al. 2008; S2LET; s2wav's only kernel)
    needlet,      ///< standard needlets, b² from the normalised integral of the bump
    cubic_spline  ///< B3-spline scaling functions as S2LET (levels anchored at L, not λ^j)
};

/// How the s2dw and needlet integrals are evaluated.
enum class kernel_quadrature {
    exact,           ///< adaptive Gauss–Legendre, ~1e−16 relative (default)
    s2wav_trapezium  ///< s2wav/S2LET's 300-interval trapezium rule, Inf-guarded
};

/// The C∞ bump s(u) = exp(−1/(1−u²)) for |u| < 1 and exactly 0 otherwise, from the factors
/// 1 − u and 1 + u. Underflows to exactly 0 near |u| = 1 instead of evaluating exp at ±Inf
/// arguments (the relative accuracy of s there is that of the factors, hence the form).
[[nodiscard]] inline double bump_factored(double one_minus_u, double one_plus_u) {
    const double d = one_minus_u * one_plus_u;
    if (!(one_minus_u > 0 && one_plus_u > 0)) return 0.0;  // outside (−1, 1); also NaN
    const double a = 1.0 / d;
    return a > 745.0 ? 0.0 : std::exp(-a);  // exp(−745) is below the smallest subnormal
}
/// s(u) from u; 1 − u² as (1 − u)(1 + u), exact near |u| = 1 where 1 − u² would cancel.
[[nodiscard]] inline double bump(double u) { return bump_factored(1.0 - u, 1.0 + u); }

/// Smallest J ≥ 0 with λ^J ≥ L: the last scale needed for exact reconstruction of band-limit
/// L (s2wav/S2LET's ⌈log L / log λ⌉, evaluated without the log-ratio round-off that can
/// add a spurious scale, e.g. at L = λ^J).
[[nodiscard]] inline int j_max(int L, double lambda) {
    if (L < 1) sphaera::detail::raise<invalid_argument>("wavelets::j_max: L = ", L, "; valid range is [1, inf)");
    if (!(lambda > 1.0) || !std::isfinite(lambda))
        sphaera::detail::raise<invalid_argument>("wavelets::j_max: lambda = ", lambda, "; valid range is (1, inf)");
    int J = 0;
    while (std::pow(lambda, J) < static_cast<double>(L)) ++J;
    return J;
}

/// s2wav's J_max exactly as it computes it, ⌈log L / log λ⌉ in floating point (compat mode).
[[nodiscard]] inline int j_max_s2wav(int L, double lambda) {
    return static_cast<int>(std::ceil(std::log(static_cast<double>(L)) / std::log(lambda)));
}

namespace detail {

/// ∫_a^b f by adaptive bisection with a 20- vs 2×20-point Gauss–Legendre comparison; the
/// bump's integrands are C∞ with all derivatives vanishing at the ends, so a few levels
/// reach round-off. rel: tolerance relative to the interval's own integral (relative
/// accuracy matters for the small tail integrals near t = 1).
template <class F>
double adaptive_gauss(F&& f, double a, double b, double rel = 1e-13) {
    static const sht::quadrature_rule rule = sht::gauss_legendre_rule(20);
    auto gl = [&](double lo, double hi) {
        const double c = 0.5 * (lo + hi), h = 0.5 * (hi - lo);
        double s = 0;
        for (std::size_t i = 0; i < rule.theta.size(); ++i) s += rule.weight[i] * f(c + h * std::cos(rule.theta[i]));
        return s * h;
    };
    struct seg { double lo, hi, val; int depth; };
    const double whole = gl(a, b);
    std::vector<seg> stack{{a, b, whole, 0}};
    double total = 0;
    while (!stack.empty()) {
        const seg s = stack.back();
        stack.pop_back();
        const double mid = 0.5 * (s.lo + s.hi);
        const double l = gl(s.lo, mid), r = gl(mid, s.hi);
        // Accept at the round-off level of this piece or of its share of the whole (the
        // part that cannot change the result), or at a depth far below any useful width.
        // The refined value's own error is far below |l + r − val| (the rule converges
        // faster than geometrically), so a 1e−13 test leaves round-off-level results.
        const double tol = std::max(rel * std::abs(l + r), 1e-3 * rel * std::abs(whole) * (s.hi - s.lo) / (b - a));
        // 1e−250: pieces that small are subnormal noise of the underflowing bump and could
        // never meet a relative test; no kernel value depends on them.
        if (std::abs(l + r - s.val) <= tol + 1e-250 || s.depth >= 30) {
            total += l + r;
        } else {
            stack.push_back({s.lo, mid, l, s.depth + 1});
            stack.push_back({mid, s.hi, r, s.depth + 1});
        }
    }
    return total;
}

/// s2wav's trapezium rule on [a, b] with n steps, skipping the steps with an end exactly at
/// 1/λ or 1 as s2wav does; the integrand f must be Inf-free (our guarded bump).
template <class F>
double trapezium_s2wav(F&& f, double a, double b, int n, double lambda) {
    if (a == b) return 0.0;
    const double h = (b - a) / n;
    double sum = 0;
    for (int i = 0; i < n; ++i) {
        const double x1 = a + i * h, x2 = a + (i + 1) * h;
        const bool skip = x1 == 1.0 / lambda || x1 == 1.0 || x2 == 1.0 / lambda || x2 == 1.0;
        if (!skip) sum += (f(x1) + f(x2)) * h / 2;
    }
    return sum;
}

/// A value and its complement, v + c = 1 to rounding; both relatively accurate where small.
struct value_pair {
    double value = 0, complement = 1;
};

}  // namespace detail

/// The s2dw integrated kernel k_λ(t) of S2LET eq. (6) for any real λ > 1, with its
/// complement 1 − k_λ(t), precomputing the normalisation once.
class s2dw_kernel {
public:
    /// Throws invalid_argument unless λ > 1 is finite.
    explicit s2dw_kernel(double lambda, kernel_quadrature q = kernel_quadrature::exact) : m_lambda(lambda), m_q(q) {
        if (!(lambda > 1.0) || !std::isfinite(lambda))
            sphaera::detail::raise<invalid_argument>("wavelets::s2dw_kernel: lambda = ", lambda,
                                                     "; valid range is (1, inf)");
        m_norm = integrate(1.0 / lambda, 1.0);
    }
    /// s_λ²(t)/t, the integrand of eq. (6) (zero outside (1/λ, 1)).
    [[nodiscard]] double integrand(double t) const {
        if (m_q == kernel_quadrature::s2wav_trapezium) {
            // s2wav's exact expression exp(−2/(1−u²))/t, guarded: where rounding puts u on or
            // outside ±1 (s2wav: 0, or +Inf from exp(+huge)) the true limit 0 is used.
            const double u = (t - 1.0 / m_lambda) * (2.0 * m_lambda / (m_lambda - 1.0)) - 1.0;
            const double d = 1.0 - u * u;
            return d > 0 ? std::exp(-2.0 / d) / t : 0.0;
        }
        // u = (2λt − λ − 1)/(λ − 1): 1 − u = 2λ(1 − t)/(λ − 1), 1 + u = 2(λt − 1)/(λ − 1), both
        // relatively accurate near the ends where the tails are integrated.
        const double c = 2.0 / (m_lambda - 1.0);
        const double s = bump_factored(c * m_lambda * (1.0 - t), c * (m_lambda * t - 1.0));
        return s * s / t;
    }
    /// k_λ(t) and 1 − k_λ(t).
    [[nodiscard]] detail::value_pair operator()(double t) const {
        if (t <= 1.0 / m_lambda) return {1.0, 0.0};
        if (t >= 1.0) return {0.0, 1.0};
        if (m_q == kernel_quadrature::s2wav_trapezium) {
            const double k = integrate(t, 1.0) / m_norm;
            return {k, 1.0 - k};
        }
        const double upper = integrate(t, 1.0);
        if (upper <= 0.5 * m_norm) return {upper / m_norm, 1.0 - upper / m_norm};
        const double lower = integrate(1.0 / m_lambda, t) / m_norm;
        return {1.0 - lower, lower};
    }
    [[nodiscard]] double lambda() const { return m_lambda; }

private:
    [[nodiscard]] double integrate(double a, double b) const {
        auto f = [this](double t) { return integrand(t); };
        if (m_q == kernel_quadrature::s2wav_trapezium) return detail::trapezium_s2wav(f, a, b, 300, m_lambda);
        return detail::adaptive_gauss(f, a, b);
    }
    double m_lambda = 2, m_norm = 1;
    kernel_quadrature m_q = kernel_quadrature::exact;
};

/// The needlet profile φ(t) of S2LET (Marinucci et al. 2008): 1 for t ≤ 1/λ, 0 for t ≥ 1,
/// and ψ(u) = ∫_{−1}^u s / ∫_{−1}^1 s at u = 1 − 2λ/(λ−1)(t − 1/λ) in between; the needlet
/// kernel is then b²(ℓ/λ^j) = φ(ℓ/λ^{j+1}) − φ(ℓ/λ^j).
class needlet_kernel {
public:
    /// Throws invalid_argument unless λ > 1 is finite.
    explicit needlet_kernel(double lambda, kernel_quadrature q = kernel_quadrature::exact) : m_lambda(lambda), m_q(q) {
        if (!(lambda > 1.0) || !std::isfinite(lambda))
            sphaera::detail::raise<invalid_argument>("wavelets::needlet_kernel: lambda = ", lambda,
                                                     "; valid range is (1, inf)");
        m_norm = integrate(-1.0, 1.0);
    }
    /// φ(t) and 1 − φ(t).
    [[nodiscard]] detail::value_pair operator()(double t) const {
        if (t <= 1.0 / m_lambda) return {1.0, 0.0};
        if (t >= 1.0) return {0.0, 1.0};
        const double u = 1.0 - 2.0 * m_lambda / (m_lambda - 1.0) * (t - 1.0 / m_lambda);
        if (m_q == kernel_quadrature::s2wav_trapezium) {
            const double p = integrate(-1.0, u) / m_norm;
            return {p, 1.0 - p};
        }
        const double lower = integrate(-1.0, u);  // ψ(u): the mass left of u
        if (lower <= 0.5 * m_norm) return {lower / m_norm, 1.0 - lower / m_norm};
        const double upper = integrate(u, 1.0) / m_norm;
        return {1.0 - upper, upper};
    }

private:
    [[nodiscard]] double integrate(double a, double b) const {
        if (m_q == kernel_quadrature::s2wav_trapezium) {
            // S2LET's needlet trapezium has no endpoint skipping; the guarded bump is finite.
            if (a == b) return 0.0;
            const int n = 300;
            const double h = (b - a) / n;
            double s = 0;
            for (int i = 0; i < n; ++i) s += (bump(a + i * h) + bump(a + (i + 1) * h)) * h / 2;
            return s;
        }
        return detail::adaptive_gauss([](double x) { return bump(x); }, a, b);
    }
    double m_lambda = 2, m_norm = 1;
    kernel_quadrature m_q = kernel_quadrature::exact;
};

/// The cubic B-spline B3(x) = (|x−2|³ − 4|x−1|³ + 6|x|³ − 4|x+1|³ + |x+2|³)/12, support |x| < 2.
[[nodiscard]] inline double b3_spline(double x) {
    auto c = [](double v) { return std::abs(v * v * v); };
    if (std::abs(x) >= 2.0) return 0.0;
    return (c(x - 2) - 4 * c(x - 1) + 6 * c(x) - 4 * c(x + 1) + c(x + 2)) / 12.0;
}

/// S2LET's spline profile 1.5·B3(2ℓ/b) for ℓ < b (1 at ℓ = 0, 0 from ℓ = b on).
[[nodiscard]] inline double spline_profile(double l, double b) {
    if (l <= 0) return 1.0;
    if (l >= b) return 0.0;
    return std::clamp(1.5 * b3_spline(2.0 * l / b), 0.0, 1.0);
}

}  // namespace sphaera::wavelets
