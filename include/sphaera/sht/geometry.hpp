#pragma once
/// \file geometry.hpp
/// \brief Iso-latitude ring geometries (Reinecke & Seljebotn 2013, libsharp): every sampling
/// sphaera transforms on is a list of rings, each with a colatitude θ, nphi equispaced
/// samples φ_p = phi0 + 2πp/nphi and an offset into the flat map array.

#include <cmath>
#include <cstddef>
#include <numbers>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sphaera/core/error.hpp"

namespace sphaera::sht {

/// Which sampling a geometry was built for. The analysis needs it: MW and MWSS are exact
/// through a periodic extension in θ (McEwen & Wiaux 2011), the quadratures through weights.
enum class sampling { mw, mwss, gauss_legendre, driscoll_healy, clenshaw_curtis, healpix, custom };

/// Short lower-case name of a sampling ("mw", "gl", ...), as the command-line tool spells it.
inline const char* sampling_name(sampling s) {
    switch (s) {
    case sampling::mw: return "mw";
    case sampling::mwss: return "mwss";
    case sampling::gauss_legendre: return "gl";
    case sampling::driscoll_healy: return "dh";
    case sampling::clenshaw_curtis: return "cc";
    case sampling::healpix: return "healpix";
    case sampling::custom: return "custom";
    }
    return "unknown";
}

/// One iso-latitude ring: samples at (theta, phi0 + 2πp/nphi), p = 0..nphi−1, stored at
/// map[offset + p]. `weight` is the θ-quadrature weight w with ∫_{-1}^{1} g(x) dx ≈
/// Σ_rings w g(cos θ); a pixel then carries w·2π/nphi of solid angle. 0 when none exists.
struct ring {
    double theta = 0;
    std::size_t nphi = 0;
    double phi0 = 0;
    std::size_t offset = 0;
    double weight = 0;
};

/// A validated list of rings, north to south or in any order, with the sampling it came
/// from. `exact_band_limit` is the largest L for which analysis on it is exact (0: none).
class ring_geometry {
public:
    ring_geometry() = default;

    /// Builds a geometry from ring records; offsets are assigned contiguously in the given
    /// order (ring r starts after rings 0..r−1). Throws invalid_argument on an empty list,
    /// θ outside [0, π], nphi = 0, non-finite phi0 or a negative/non-finite weight.
    ring_geometry(std::vector<ring> rings, sampling kind = sampling::custom,
                  int exact_band_limit = 0)
        : m_rings(std::move(rings)), m_kind(kind), m_exact_l(exact_band_limit) {
        if (m_rings.empty())
            sphaera::detail::raise<invalid_argument>("ring_geometry: the ring list is empty; at least one ring is needed");
        std::size_t off = 0;
        for (std::size_t r = 0; r < m_rings.size(); ++r) {
            auto& g = m_rings[r];
            if (!(g.theta >= 0 && g.theta <= std::numbers::pi))
                sphaera::detail::raise<invalid_argument>("ring_geometry: ring ", r, " has theta = ", g.theta,
                                                "; valid range is [0, pi]");
            if (g.nphi == 0)
                sphaera::detail::raise<invalid_argument>("ring_geometry: ring ", r,
                                                " has nphi = 0; valid range is [1, inf)");
            if (!std::isfinite(g.phi0))
                sphaera::detail::raise<invalid_argument>("ring_geometry: ring ", r, " has phi0 = ", g.phi0,
                                                "; it must be finite");
            if (!(g.weight >= 0 && std::isfinite(g.weight)))
                sphaera::detail::raise<invalid_argument>("ring_geometry: ring ", r, " has weight = ",
                                                g.weight, "; valid range is [0, inf)");
            g.offset = off;
            off += g.nphi;
        }
        m_npix = off;
    }

    [[nodiscard]] std::span<const ring> rings() const { return m_rings; }
    [[nodiscard]] const ring& operator[](std::size_t r) const { return m_rings[r]; }
    [[nodiscard]] std::size_t nrings() const { return m_rings.size(); }
    /// Total number of samples (the map size).
    [[nodiscard]] std::size_t npix() const { return m_npix; }
    [[nodiscard]] sampling kind() const { return m_kind; }
    /// Largest band-limit with an exact analysis on this grid (0 if there is none).
    [[nodiscard]] int exact_band_limit() const { return m_exact_l; }
    /// True when every ring carries a positive quadrature weight.
    [[nodiscard]] bool has_weights() const {
        for (const auto& g : m_rings)
            if (!(g.weight > 0)) return false;
        return true;
    }
    /// Largest nphi over the rings.
    [[nodiscard]] std::size_t max_nphi() const {
        std::size_t n = 0;
        for (const auto& g : m_rings) n = g.nphi > n ? g.nphi : n;
        return n;
    }

    /// The same rings with every phi0 increased by \p dphi (a rotation about z by dphi).
    [[nodiscard]] ring_geometry rotated_about_z(double dphi) const {
        ring_geometry out = *this;
        for (auto& g : out.m_rings) g.phi0 += dphi;
        return out;
    }

private:
    std::vector<ring> m_rings;
    std::size_t m_npix = 0;
    sampling m_kind = sampling::custom;
    int m_exact_l = 0;
};

/// A user-given iso-latitude grid: thetas[r], nphi[r], phi0[r] and optional weights[r]
/// (empty span: no weights, so no analysis). All spans have length nrings.
inline ring_geometry custom_geometry(std::span<const double> thetas,
                                     std::span<const std::size_t> nphi,
                                     std::span<const double> phi0 = {},
                                     std::span<const double> weights = {}) {
    sphaera::detail::require_same_size("custom_geometry: nphi", nphi.size(), thetas.size());
    if (!phi0.empty()) sphaera::detail::require_same_size("custom_geometry: phi0", phi0.size(), thetas.size());
    if (!weights.empty())
        sphaera::detail::require_same_size("custom_geometry: weights", weights.size(), thetas.size());
    std::vector<ring> rings(thetas.size());
    for (std::size_t r = 0; r < rings.size(); ++r) {
        rings[r].theta = thetas[r];
        rings[r].nphi = nphi[r];
        rings[r].phi0 = phi0.empty() ? 0.0 : phi0[r];
        rings[r].weight = weights.empty() ? 0.0 : weights[r];
    }
    return ring_geometry(std::move(rings), sampling::custom, 0);
}

}  // namespace sphaera::sht
