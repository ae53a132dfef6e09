#pragma once
/// \file layout.hpp
/// \brief Where the wavelet coefficients live: the sample grid of each scale (full
/// resolution: every scale on the band-limit-L grid with N orientations; multiresolution:
/// scale j on the grid of its own band-limit L_j with N_j orientations, as s2wav's
/// multiresolution mode) and the offsets of one flat coefficient array
///
///   [ scaling: (npix_s) | scale J_min: (2N_j−1, npix_j) | … | scale J_max: (2N_j−1, npix_j) ],
///
/// each scale γ-major as s2wav's f_wav[j][γ][θ][φ], orientations γ_k = 2πk/(2N_j−1).

#include <complex>
#include <cstddef>
#include <numbers>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/sht/geometry.hpp"
#include "sphaera/sht/samplings.hpp"
#include "sphaera/wavelets/tiling.hpp"

namespace sphaera::wavelets {

/// Full resolution (every scale at band-limit L) or multiresolution (scale j at L_j).
enum class resolution { full, multi };

/// The ring geometry of a sampling at band-limit L; invalid_argument for samplings without
/// an exact analysis (HEALPix, custom), which a reconstruction needs.
[[nodiscard]] inline sht::ring_geometry sampling_geometry(sht::sampling s, int L) {
    switch (s) {
    case sht::sampling::mw: return sht::mw_geometry(L);
    case sht::sampling::mwss: return sht::mwss_geometry(L);
    case sht::sampling::gauss_legendre: return sht::gauss_legendre_geometry(L);
    case sht::sampling::driscoll_healy: return sht::driscoll_healy_geometry(L);
    case sht::sampling::clenshaw_curtis: return sht::clenshaw_curtis_geometry(L);
    default: break;
    }
    sphaera::detail::raise<invalid_argument>("wavelets: sampling '", sht::sampling_name(s),
                                             "' has no exact analysis; use mw, mwss, gl, dh or cc");
}

/// One scale's grid and its place in the flat coefficient array.
struct scale_layout {
    int j = 0;                 ///< scale index
    int L = 0;                 ///< band-limit of the scale's grid (L_j, or L at full resolution)
    int N = 1;                 ///< orientations 2N−1 (N_j, or N at full resolution)
    int support = 0;           ///< 1 + the largest ℓ where κ_j may be non-zero (≤ L)
    std::size_t npix = 0;      ///< samples per orientation
    std::size_t offset = 0;    ///< first element in the flat array
    std::vector<int> channels; ///< live n (steerable, |n| < N and |n| < support), increasing
    [[nodiscard]] std::size_t n_gamma() const { return static_cast<std::size_t>(2 * N - 1); }
    [[nodiscard]] std::size_t size() const { return n_gamma() * npix; }
    /// γ_k = 2πk/(2N−1).
    [[nodiscard]] double gamma(std::size_t k) const { return 2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n_gamma()); }
};

namespace detail {

/// The layouts of every scale (index j − J_min) and the scaling band-limit for a tiling.
struct coefficient_layout {
    int scaling_L = 0;
    /// The scaling grid's sampling: the plan's, except where s2wav stores a band-limit-1
    /// scaling function as one value (its analysis' `Ls == 1` case, on every sampling):
    /// compatibility mode then uses MW at L = 1, whose grid is that single sample.
    sht::sampling scaling_sampling = sht::sampling::mw;
    std::size_t scaling_npix = 0;
    std::vector<scale_layout> scales;
    std::size_t total = 0;

    coefficient_layout(const tiling& t, resolution res, sht::sampling s) {
        const int L = t.band_limit();
        const bool compat = t.params().quadrature == kernel_quadrature::s2wav_trapezium;
        scaling_L = res == resolution::multi ? t.scaling_band_limit() : L;
        scaling_sampling = compat && scaling_L == 1 ? sht::sampling::mw : s;
        scaling_npix = sampling_geometry(scaling_sampling, scaling_L).npix();
        std::size_t off = scaling_npix;
        // s2wav (samples.LN_j) puts scale 0 on the grid of scale 1 (L_0 = ⌈λ²⌉, not ⌈λ⌉);
        // compatibility mode reproduces that grid so the coefficient arrays match element
        // by element. The kernel support is unchanged (κ_0 vanishes above ⌈λ⌉).
        const bool s2wav_grid = compat && t.params().kind == kernel::s2dw && t.j_max() >= 1;
        for (int j = t.j_min(); j <= t.j_max(); ++j) {
            scale_layout sc;
            sc.j = j;
            sc.support = t.scale_band_limit(j);
            const int grid = (s2wav_grid && j == 0) ? t.scale_band_limit(1) : sc.support;
            sc.L = res == resolution::multi ? grid : L;
            sc.N = res == resolution::multi ? t.grid_azimuthal_band_limit(grid) : t.azimuthal_band_limit();
            sc.npix = sampling_geometry(s, sc.L).npix();
            for (int n = -(t.azimuthal_band_limit() - 1); n < t.azimuthal_band_limit(); ++n)
                if (t.live_channel(n) && n > -sc.support && n < sc.support && n > -sc.N && n < sc.N) sc.channels.push_back(n);
            sc.offset = off;
            off += sc.size();
            scales.push_back(std::move(sc));
        }
        total = off;
    }
};

/// Alternating sign (−1)^n.
[[nodiscard]] constexpr double parity_sign(int n) { return (n % 2 == 0) ? 1.0 : -1.0; }

/// Per-ℓ factors of the channels of one scale (ℓ < support): g_n(ℓ) = (−1)^n κ_j(ℓ) s_ℓn.
/// With the s2fft Wigner normalisation and W^j_ℓmn = (8π²/(2ℓ+1)) f_ℓm conj(Ψ^j_ℓn)
/// (McEwen et al. 2018 eq. 23), the γ-Fourier channel n of W^j is the spin −n synthesis of
/// conj(g_n(ℓ)) f_ℓm / √(2π), and synthesis adds g_n(ℓ) √(2π)/(2N−1) × (spin −n analysis of
/// Σ_k W^j(γ_k) e^{−inγ_k}) to f_ℓm.
inline std::vector<std::vector<std::complex<double>>> channel_factors(const tiling& t, const scale_layout& sc) {
    std::vector<std::vector<std::complex<double>>> g(sc.channels.size());
    for (std::size_t c = 0; c < sc.channels.size(); ++c) {
        const int n = sc.channels[c];
        g[c].resize(static_cast<std::size_t>(sc.support));
        for (int l = 0; l < sc.support; ++l)
            g[c][static_cast<std::size_t>(l)] = parity_sign(n) * t.kappa(sc.j, l) * t.direction(l, n);
    }
    return g;
}

}  // namespace detail
}  // namespace sphaera::wavelets
