#pragma once
/// \file tiling.hpp
/// \brief wavelets::tiling: the harmonic tiling of directional scale-discretised wavelets
/// (Wiaux et al. 2008; McEwen et al. 2013 "S2LET"; McEwen, Durastanti & Wiaux 2018), in
/// s2wav/S2LET's normalisation:
///
///   Φ_ℓ      = √((2ℓ+1)/4π) κ₀(ℓ),                     κ₀(ℓ) = √g_{J_min}(ℓ),
///   Ψ^j_ℓn   = √((2ℓ+1)/8π²) κ_j(ℓ) s_ℓn,              κ_j(ℓ) = √(g_{j+1}(ℓ) − g_j(ℓ)),
///
/// with the profile g of kernels.hpp and the steerable directional component (2018, eq. 36;
/// S2LET's tiling_direction)
///
///   s_ℓn = ν √(C(γ, (γ−n)/2) / 2^γ)  for |n| < N and N−1−n even, else 0,  s_00 = 0,
///   ν = 1 (N odd) or i (N even),  γ = min(N−1, ℓ − 1 + (N+ℓ) mod 2),
///
/// so Σ_n |s_ℓn|² = 1 for ℓ ≥ 1 and the admissibility identity
/// (4π/(2ℓ+1))|Φ_ℓ|² + Σ_j Σ_n (8π²/(2ℓ+1)) |Ψ^j_ℓn|² = κ₀² + Σ_j κ_j² = 1 holds for every
/// ℓ ≥ |spin| (ℓ < |spin| carries no field). Only the N live columns of s are stored.
///
/// Spin-lowered wavelets (McEwen, Leistedt, Büttner, Peiris & Wiaux 2015, "Directional
/// spin wavelets on the sphere", arXiv:1509.06749; S2LET's S2LET_WAV_NORM_SPIN_LOWERED;
/// s2wav's spin0): a spin-s₀ wavelet is defined through s₀ applications of the spin
/// raising/lowering operators to a scalar wavelet; each step multiplies the ℓ-th harmonic
/// coefficient by √((ℓ∓s)(ℓ±s+1)) up to sign, so s₀ steps give the factor
///
///   η_ℓ = (−1)^{s₀} √((ℓ+|s₀|)!/(ℓ−|s₀|)!)^{sign s₀}   (ℓ ≥ |s₀|; both kernels vanish below),
///
/// with the sign (−1)^{s₀} and the inverse ratio for s₀ < 0 as S2LET and s2wav define it.
/// Φ_ℓ and Ψ^j_ℓn above are multiplied by η_ℓ. The
/// admissibility sum of the normalised kernels is then η_ℓ² instead of 1, so exact
/// synthesis uses the dual frame Φ_ℓ/η_ℓ², Ψ^j_ℓn/η_ℓ² (plan_core.hpp); s₀ = 0 gives
/// η_ℓ = 1 and the scalar-normalised wavelets.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <numbers>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/wavelets/kernels.hpp"

namespace sphaera::wavelets {

/// Everything that fixes a wavelet family (s2wav's arguments L, N, J_min, lam, spin).
struct parameters {
    int L = 0;              ///< harmonic band-limit, ℓ < L
    int N = 1;              ///< azimuthal band-limit (number of steerable orientations), 1 ≤ N ≤ L
    int J_min = 0;          ///< first wavelet scale, 0 ≤ J_min < J_max
    double lambda = 2.0;    ///< scale factor λ > 1 (2: dyadic)
    int spin = 0;           ///< spin of the analysed field, |spin| < L
    int spin0 = 0;          ///< spin-lowered wavelet normalisation η_ℓ from spin s₀, |s₀| < L (s2wav's spin0; 0: none)
    kernel kind = kernel::s2dw;
    kernel_quadrature quadrature = kernel_quadrature::exact;
};

/// The harmonic tiling: kernels κ₀, κ_j, directional components s_ℓn and the per-scale
/// band-limits. Immutable after construction; cheap queries.
class tiling {
public:
    /// Validates the parameters (invalid_argument naming the value and its range) and
    /// evaluates every kernel value (O(L·J) kernel integrals at most).
    explicit tiling(const parameters& p) : m_p(p) {
        using sphaera::detail::raise;
        if (p.L < 2)
            raise<invalid_argument>("wavelets::tiling: band-limit L = ", p.L, " is out of range; valid range is [2, inf)");
        if (!(p.lambda > 1.0) || !std::isfinite(p.lambda))
            raise<invalid_argument>("wavelets::tiling: lambda = ", p.lambda, " is out of range; valid range is (1, inf)");
        if (p.N < 1 || p.N > p.L)
            raise<invalid_argument>("wavelets::tiling: azimuthal band-limit N = ", p.N, " is out of range for L = ",
                                    p.L, "; valid range is [1, L]");
        sphaera::detail::require_in_range("wavelets::tiling: spin", p.spin, -(p.L - 1), p.L - 1);
        sphaera::detail::require_in_range("wavelets::tiling: spin0", p.spin0, -(p.L - 1), p.L - 1);
        m_J = p.quadrature == kernel_quadrature::s2wav_trapezium ? j_max_s2wav(p.L, p.lambda) : wavelets::j_max(p.L, p.lambda);
        if (p.J_min < 0 || p.J_min >= m_J)
            raise<invalid_argument>("wavelets::tiling: J_min = ", p.J_min, " is out of range for L = ", p.L,
                                    ", lambda = ", p.lambda, "; valid range is [0, ", m_J - 1, "] (J_max = ", m_J, ")");
        build_spin_normalisation();  // first: an unrepresentable η_ℓ fails before the kernel integrals
        build_kernels();
        build_directions();
    }

    [[nodiscard]] const parameters& params() const { return m_p; }
    [[nodiscard]] int band_limit() const { return m_p.L; }
    [[nodiscard]] int azimuthal_band_limit() const { return m_p.N; }
    [[nodiscard]] int spin() const { return m_p.spin; }
    /// Spin s₀ of the spin-lowered normalisation (0: none).
    [[nodiscard]] int spin0() const { return m_p.spin0; }
    /// Lowest ℓ where the kernels can be non-zero: max(|spin|, |spin0|).
    [[nodiscard]] int el_min() const { return std::max(std::abs(m_p.spin), std::abs(m_p.spin0)); }
    [[nodiscard]] double lambda() const { return m_p.lambda; }
    [[nodiscard]] int j_min() const { return m_p.J_min; }
    /// Last scale J_max (kernels.hpp j_max; s2wav's formula in compatibility mode).
    [[nodiscard]] int j_max() const { return m_J; }
    /// Number of wavelet scales, J_max − J_min + 1.
    [[nodiscard]] int n_scales() const { return m_J - m_p.J_min + 1; }

    /// κ₀(ℓ) = √g_{J_min}(ℓ) (zero for ℓ < el_min()).
    [[nodiscard]] double kappa0(int l) const { return m_kappa0[static_cast<std::size_t>(l)]; }
    /// κ_j(ℓ) for J_min ≤ j ≤ J_max (zero for ℓ < el_min()).
    [[nodiscard]] double kappa(int j, int l) const {
        return m_kappa[static_cast<std::size_t>(j - m_p.J_min) * static_cast<std::size_t>(m_p.L) + static_cast<std::size_t>(l)];
    }
    /// η_ℓ, the spin-lowered normalisation (1 for spin0 = 0; 0 for ℓ < |spin0|, where it is undefined).
    [[nodiscard]] double spin_normalisation(int l) const { return m_eta[static_cast<std::size_t>(l)]; }
    /// Φ_ℓ = √((2ℓ+1)/4π) κ₀(ℓ) η_ℓ (s2wav's phi).
    [[nodiscard]] double scaling(int l) const {
        return std::sqrt((2.0 * l + 1.0) / (4.0 * std::numbers::pi)) * kappa0(l) * spin_normalisation(l);
    }
    /// s_ℓn (zero unless |n| < N, N−1−n even and 1 ≤ ℓ, |n| ≤ ℓ).
    [[nodiscard]] std::complex<double> direction(int l, int n) const {
        if (l < 1 || n < -l || n > l || !live_channel(n)) return 0.0;
        return m_dir[static_cast<std::size_t>(l) * static_cast<std::size_t>(m_p.N) + static_cast<std::size_t>((n + m_p.N - 1) / 2)];
    }
    /// Ψ^j_ℓn = √((2ℓ+1)/8π²) κ_j(ℓ) η_ℓ s_ℓn (s2wav's psi[j, ℓ, L−1+n]).
    [[nodiscard]] std::complex<double> wavelet(int j, int l, int n) const {
        return std::sqrt((2.0 * l + 1.0) / (8.0 * std::numbers::pi * std::numbers::pi)) * kappa(j, l) *
               spin_normalisation(l) * direction(l, n);
    }
    /// True for the steerable channels n ≡ N−1 (mod 2), |n| < N.
    [[nodiscard]] bool live_channel(int n) const { return n > -m_p.N && n < m_p.N && (m_p.N - 1 - n) % 2 == 0; }

    /// Band-limit of scale j's multiresolution grid: min(L, ⌈λ^{j+1}⌉) (s2dw, needlet), the
    /// support of κ_j; S2LET's min(L, ⌈L λ^{j+2−J}⌉) for the spline.
    [[nodiscard]] int scale_band_limit(int j) const {
        if (m_p.kind == kernel::cubic_spline)
            return j == m_J ? m_p.L : clamp_l(std::ceil(m_p.L * std::pow(m_p.lambda, j + 2 - m_J)));
        return clamp_l(std::ceil(std::pow(m_p.lambda, j + 1)));
    }
    /// Lowest ℓ where κ_j can be non-zero: ⌈λ^{j−1}⌉ (0 for the spline).
    [[nodiscard]] int scale_lower_limit(int j) const {
        if (m_p.kind == kernel::cubic_spline) return 0;
        return std::min(m_p.L, static_cast<int>(std::ceil(std::pow(m_p.lambda, j - 1))));
    }
    /// Band-limit of the scaling coefficients' multiresolution grid: min(L, ⌈λ^{J_min}⌉)
    /// (s2wav), raised to |spin| + 1 so that a spin-s transform exists (κ₀ vanishes there).
    /// Compatibility mode keeps s2wav's value even where it is ≤ |spin| (e.g. 1 for λ^{J_min}
    /// = 1): every κ₀(ℓ < Ls) is then zero, and so are the scaling coefficients (the plans
    /// write zeros there without a transform, as s2wav returns).
    [[nodiscard]] int scaling_band_limit() const {
        int Ls = m_p.kind == kernel::cubic_spline ? clamp_l(std::ceil(m_p.L * std::pow(m_p.lambda, m_p.J_min + 1 - m_J)))
                                                  : clamp_l(std::ceil(std::pow(m_p.lambda, m_p.J_min)));
        if (m_p.quadrature == kernel_quadrature::s2wav_trapezium) return Ls;
        return std::max(Ls, std::abs(m_p.spin) + 1);
    }
    /// Azimuthal band-limit of scale j's multiresolution grid, as s2wav: min(N, L_j) raised
    /// by one where needed to keep the parity of N (its orientations γ_k = 2πk/(2N_j−1)).
    [[nodiscard]] int scale_azimuthal_band_limit(int j) const { return grid_azimuthal_band_limit(scale_band_limit(j)); }
    /// The same rule for a grid of band-limit Lg: min(N, Lg), plus one if its parity differs from N's.
    [[nodiscard]] int grid_azimuthal_band_limit(int Lg) const {
        const int Nj = std::min(m_p.N, Lg);
        return Nj + (Nj + m_p.N) % 2;
    }

    /// max over ℓ ≥ el_min() of |κ₀² + Σ_j κ_j² − 1| (0 up to rounding: the admissibility;
    /// with spin-lowered wavelets, that of the normalised kernels Φ/η, Ψ/η).
    [[nodiscard]] double admissibility_error() const {
        double e = 0;
        for (int l = el_min(); l < m_p.L; ++l) {
            double s = kappa0(l) * kappa0(l);
            for (int j = m_p.J_min; j <= m_J; ++j) s += kappa(j, l) * kappa(j, l);
            e = std::max(e, std::abs(s - 1.0));
        }
        return e;
    }

private:
    [[nodiscard]] int clamp_l(double v) const { return static_cast<int>(std::min<double>(m_p.L, std::max(1.0, v))); }

    /// g_q(ℓ) and 1 − g_q(ℓ) for level q (S2LET/s2wav's phi2 / k_lam table, with the
    /// same branch points: 1 below λ^{q−1}, 0 above λ^q).
    template <class K>
    static detail::value_pair level(const K& k, double lambda, int q, int l) {
        if (l < std::pow(lambda, q - 1)) return {1.0, 0.0};
        if (l > std::pow(lambda, q)) return {0.0, 1.0};
        return k(l / std::pow(lambda, q));
    }
    detail::value_pair profile(int q, int l) const {
        if (m_p.kind == kernel::cubic_spline) {
            if (q >= m_J + 1) return {1.0, 0.0};
            const double g = spline_profile(l, m_p.L * std::pow(m_p.lambda, q + 1 - m_J));
            return {g, 1.0 - g};
        }
        if (m_p.kind == kernel::needlet) return level(m_needlet.front(), m_p.lambda, q, l);
        return level(m_s2dw.front(), m_p.lambda, q, l);
    }

    void build_kernels() {
        if (m_p.kind == kernel::s2dw) m_s2dw.emplace_back(m_p.lambda, m_p.quadrature);
        if (m_p.kind == kernel::needlet) m_needlet.emplace_back(m_p.lambda, m_p.quadrature);
        const auto L = static_cast<std::size_t>(m_p.L);
        const int lmin = el_min();
        m_kappa0.assign(L, 0.0);
        m_kappa.assign(static_cast<std::size_t>(n_scales()) * L, 0.0);
        std::vector<detail::value_pair> lo(L), hi(L);
        for (int l = 0; l < m_p.L; ++l) lo[static_cast<std::size_t>(l)] = profile(m_p.J_min, l);
        for (int l = lmin; l < m_p.L; ++l) m_kappa0[static_cast<std::size_t>(l)] = std::sqrt(lo[static_cast<std::size_t>(l)].value);
        for (int j = m_p.J_min; j <= m_J; ++j) {
            for (int l = 0; l < m_p.L; ++l) hi[static_cast<std::size_t>(l)] = profile(j + 1, l);
            for (int l = lmin; l < m_p.L; ++l) {
                const auto& a = hi[static_cast<std::size_t>(l)];
                const auto& b = lo[static_cast<std::size_t>(l)];
                // g_{j+1} − g_j: where one side is exactly 1 (or 0) use the other's
                // complement (or value), which is accurate even when tiny.
                double d = a.value - b.value;
                if (a.value == 1.0) d = b.complement;
                else if (b.value == 0.0) d = a.value;
                m_kappa[static_cast<std::size_t>(j - m_p.J_min) * L + static_cast<std::size_t>(l)] = std::sqrt(std::max(d, 0.0));
            }
            std::swap(lo, hi);
        }
    }

    /// C(γ, k)/2^γ: exact for γ ≤ 50 (every partial product is an integer below 2^53, so
    /// Σ_k of the weights is 1 to rounding), by log-gamma beyond.
    static double binomial_weight(int g, int k) {
        if (g <= 50) {
            double c = 1;
            for (int i = 1; i <= k; ++i) c = c * (g - k + i) / i;
            return std::ldexp(c, -g);
        }
        return std::exp(std::lgamma(g + 1.0) - std::lgamma(k + 1.0) - std::lgamma(g - k + 1.0) - g * std::numbers::ln2);
    }

    void build_directions() {
        const int N = m_p.N;
        m_dir.assign(static_cast<std::size_t>(m_p.L) * static_cast<std::size_t>(N), 0.0);
        const std::complex<double> nu = (N % 2 == 1) ? std::complex<double>(1, 0) : std::complex<double>(0, 1);
        for (int l = 1; l < m_p.L; ++l) {
            const int g = std::min(N - 1, l - 1 + (N + l) % 2);
            for (int n = -(N - 1); n <= N - 1; n += 2) {
                if (n < -l || n > l) continue;
                m_dir[static_cast<std::size_t>(l) * static_cast<std::size_t>(N) + static_cast<std::size_t>((n + N - 1) / 2)] =
                    nu * std::sqrt(binomial_weight(g, (g - n) / 2));
            }
        }
    }

    /// η_ℓ = (−1)^{s₀} (Π_{k=−|s₀|+1}^{|s₀|} (ℓ+k))^{sign(s₀)/2}, as a product of square
    /// roots in long double: (ℓ+|s₀|)!/(ℓ−|s₀|)! itself overflows a double from |s₀| ≈ 80 at
    /// ℓ ≈ L; an unrepresentable η_ℓ is reported instead of spreading Inf or 0.
    void build_spin_normalisation() {
        const int s0 = m_p.spin0, a = std::abs(s0);
        m_eta.assign(static_cast<std::size_t>(m_p.L), s0 == 0 ? 1.0 : 0.0);
        if (s0 == 0) return;
        for (int l = a; l < m_p.L; ++l) {
            long double v = 1;
            for (int k = -a + 1; k <= a; ++k) v *= std::sqrt(static_cast<long double>(l + k));
            const double nu = static_cast<double>(s0 > 0 ? v : 1.0L / v) * (a % 2 == 0 ? 1.0 : -1.0);
            if (!std::isnormal(nu))
                sphaera::detail::raise<invalid_argument>("wavelets::tiling: spin0 = ", s0, " at L = ", m_p.L,
                                                         ": the spin-lowered normalisation at l = ", l,
                                                         " is not representable in double; valid |spin0| is smaller");
            m_eta[static_cast<std::size_t>(l)] = nu;
        }
    }

    parameters m_p;
    int m_J = 0;
    std::vector<double> m_eta;                    // (L): η_ℓ
    std::vector<double> m_kappa0;                // (L)
    std::vector<double> m_kappa;                 // (J_max − J_min + 1, L)
    std::vector<std::complex<double>> m_dir;     // (L, N): column (n + N − 1)/2 for live n
    std::vector<s2dw_kernel> m_s2dw;             // zero or one
    std::vector<needlet_kernel> m_needlet;       // zero or one
};

}  // namespace sphaera::wavelets
