#pragma once
/// \file samplings.hpp
/// \brief The standard spherical samplings as ring geometries: MW and MWSS (McEwen & Wiaux
/// 2011, sample positions as ssht/s2fft), Gauss–Legendre, Driscoll–Healy (1994),
/// Clenshaw–Curtis and HEALPix RING (Górski et al. 2005, positions as healpy).

#include <cmath>
#include <cstddef>
#include <numbers>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/sht/geometry.hpp"
#include "sphaera/sht/quadrature.hpp"

namespace sphaera::sht {

/// Largest band-limit the factories accept (the alm count L² must fit comfortably).
inline constexpr int max_band_limit = 1 << 20;

namespace detail {
inline void require_band_limit(const char* where, int L) {
    if (L < 1 || L > max_band_limit)
        sphaera::detail::raise<invalid_argument>(where, ": band-limit L = ", L,
                                                 " is out of range; valid range is [1, ", max_band_limit, "]");
}
/// Rings at the given colatitudes, nphi samples each starting at φ = 0.
inline ring_geometry equiangular_rings(const std::vector<double>& theta, const std::vector<double>& w,
                                       std::size_t nphi, sampling kind, int L) {
    std::vector<ring> rings(theta.size());
    for (std::size_t r = 0; r < theta.size(); ++r)
        rings[r] = ring{theta[r], nphi, 0.0, 0, w.empty() ? 0.0 : w[r]};
    return ring_geometry(std::move(rings), kind, L);
}
}  // namespace detail

/// McEwen & Wiaux (2011) sampling: L rings θ_t = π(2t+1)/(2L−1), t = 0..L−1 (the last is the
/// south pole), 2L−1 samples φ_p = 2πp/(2L−1). Map shape (L, 2L−1). Exact analysis for
/// band-limit ≤ L through the periodic extension in θ; no ring weights.
inline ring_geometry mw_geometry(int L) {
    detail::require_band_limit("mw_geometry", L);
    std::vector<double> th(static_cast<std::size_t>(L));
    for (int t = 0; t < L; ++t) th[static_cast<std::size_t>(t)] = std::numbers::pi * (2.0 * t + 1.0) / (2.0 * L - 1.0);
    th.back() = std::numbers::pi;
    return detail::equiangular_rings(th, {}, static_cast<std::size_t>(2 * L - 1), sampling::mw, L);
}

/// MW symmetric sampling (ssht "MWSS"): L+1 rings θ_t = πt/L, t = 0..L (both poles), 2L
/// samples φ_p = πp/L. Map shape (L+1, 2L). Exact analysis through the periodic extension.
inline ring_geometry mwss_geometry(int L) {
    detail::require_band_limit("mwss_geometry", L);
    std::vector<double> th(static_cast<std::size_t>(L) + 1);
    for (int t = 0; t <= L; ++t) th[static_cast<std::size_t>(t)] = std::numbers::pi * t / L;
    th.back() = std::numbers::pi;
    return detail::equiangular_rings(th, {}, static_cast<std::size_t>(2 * L), sampling::mwss, L);
}

/// Gauss–Legendre sampling: L rings at the roots of P_L (north to south), 2L−1 samples per
/// ring. Map shape (L, 2L−1). Exact quadrature for band-limit ≤ L (degree 2L−1 in cos θ).
inline ring_geometry gauss_legendre_geometry(int L) {
    detail::require_band_limit("gauss_legendre_geometry", L);
    const auto q = gauss_legendre_rule(L);
    return detail::equiangular_rings(q.theta, q.weight, static_cast<std::size_t>(2 * L - 1),
                                     sampling::gauss_legendre, L);
}

/// Driscoll & Healy (1994) sampling as in ssht: 2L rings θ_t = π(2t+1)/(4L), 2L−1 samples per
/// ring, Fejér-1 weights (exact to degree 2L−1). Map shape (2L, 2L−1).
inline ring_geometry driscoll_healy_geometry(int L) {
    detail::require_band_limit("driscoll_healy_geometry", L);
    const auto q = fejer1_rule(2 * L);
    return detail::equiangular_rings(q.theta, q.weight, static_cast<std::size_t>(2 * L - 1),
                                     sampling::driscoll_healy, L);
}

/// Clenshaw–Curtis sampling: max(2L−1, 2) rings θ_j = πj/(n−1) (poles included), 2L−1
/// samples per ring, Clenshaw–Curtis weights (exact to degree 2L−2, all a band-limit L
/// analysis needs). Map shape (max(2L−1, 2), 2L−1).
inline ring_geometry clenshaw_curtis_geometry(int L) {
    detail::require_band_limit("clenshaw_curtis_geometry", L);
    const auto q = clenshaw_curtis_rule(L > 1 ? 2 * L - 1 : 2);
    return detail::equiangular_rings(q.theta, q.weight, static_cast<std::size_t>(2 * L - 1),
                                     sampling::clenshaw_curtis, L);
}

/// Largest nside accepted (HEALPix's own limit, 2^29).
inline constexpr long long max_nside = 1LL << 29;

/// HEALPix RING geometry for any nside ≥ 1 (no power of two needed in RING order): 4·nside−1
/// rings, 12·nside² pixels, positions as healpy's pix2ang. Ring weights 2·nphi/npix (equal
/// pixel areas 4π/npix); no exact analysis (exact_band_limit 0).
inline ring_geometry healpix_geometry(long long nside) {
    if (nside < 1 || nside > max_nside)
        sphaera::detail::raise<invalid_argument>("healpix_geometry: nside = ", nside,
                                                 " is out of range; valid range is [1, ", max_nside, "]");
    const double n = static_cast<double>(nside), npix = 12.0 * n * n;
    const auto nr = static_cast<std::size_t>(4 * nside - 1);
    std::vector<ring> rings(nr);
    for (std::size_t k = 0; k < nr; ++k) {
        const long long i = static_cast<long long>(k) + 1;  // ring index 1..4nside−1
        const long long ic = i < 2 * nside ? i : 4 * nside - i;  // index counted from nearer pole
        ring g;
        if (ic < nside) {
            // Polar cap: z = 1 − i²/(3n²), i.e. sin(θ/2) = i/(n√6) (accurate near the pole).
            g.nphi = static_cast<std::size_t>(4 * ic);
            g.phi0 = std::numbers::pi / (4.0 * static_cast<double>(ic));
            g.theta = 2.0 * std::asin(static_cast<double>(ic) / (n * std::sqrt(6.0)));
        } else {
            g.nphi = static_cast<std::size_t>(4 * nside);
            // healpy: the first pixel of ring i sits at φ = π/(4 nside) when i − nside is even.
            g.phi0 = ((i - nside) % 2 == 0) ? std::numbers::pi / (4.0 * n) : 0.0;
            g.theta = std::acos((4.0 / 3.0) - 2.0 * static_cast<double>(ic) / (3.0 * n));
        }
        if (i > 2 * nside) g.theta = std::numbers::pi - g.theta;
        g.weight = 2.0 * static_cast<double>(g.nphi) / npix;
        rings[k] = g;
    }
    return ring_geometry(std::move(rings), sampling::healpix, 0);
}

}  // namespace sphaera::sht
