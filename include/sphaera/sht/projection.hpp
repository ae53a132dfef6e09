#pragma once
/// \file projection.hpp
/// \brief Map projections of ring-sampled fields for pictures: Mollweide (equal-area, the
/// astronomers' whole-sky view) and orthographic (a globe seen from a direction). Each
/// output pixel takes the value of the nearest sample (nearest ring in θ, nearest pixel in
/// φ along it), so HEALPix and equiangular maps alike draw without resampling artefacts
/// beyond the grid's own. Pixels outside the projected sphere are NaN (drawn in
/// png_options::nan_color).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <numeric>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/core/view.hpp"
#include "sphaera/sht/geometry.hpp"

namespace sphaera::sht {

namespace detail {

/// Nearest-sample lookup on a ring geometry (rings in any order).
class nearest_sample {
public:
    explicit nearest_sample(const ring_geometry& g) : m_geometry(&g), m_order(g.nrings()) {
        std::iota(m_order.begin(), m_order.end(), std::size_t{0});
        std::sort(m_order.begin(), m_order.end(),
                  [&](std::size_t a, std::size_t b) { return g[a].theta < g[b].theta; });
        m_theta.reserve(m_order.size());
        for (std::size_t r : m_order) m_theta.push_back(g[r].theta);
    }

    /// Map index of the sample nearest to colatitude θ ∈ [0, π], longitude φ.
    [[nodiscard]] std::size_t operator()(double theta, double phi) const {
        const auto it = std::lower_bound(m_theta.begin(), m_theta.end(), theta);
        std::size_t k = static_cast<std::size_t>(it - m_theta.begin());
        if (k == m_theta.size() || (k > 0 && theta - m_theta[k - 1] < m_theta[k] - theta)) --k;
        const ring& g = (*m_geometry)[m_order[k]];
        const double step = 2.0 * std::numbers::pi / static_cast<double>(g.nphi);
        double j = std::nearbyint((phi - g.phi0) / step);
        const double n = static_cast<double>(g.nphi);
        j = j - n * std::floor(j / n);
        return g.offset + static_cast<std::size_t>(j) % g.nphi;
    }

private:
    const ring_geometry* m_geometry;
    std::vector<std::size_t> m_order;
    std::vector<double> m_theta;
};

template <class T>
void require_map(const ring_geometry& g, view<const T> map, std::size_t width) {
    sphaera::detail::require_same_size("projection: map", map.size(), g.npix());
    if (width < 2)
        sphaera::detail::raise<invalid_argument>("projection: width = ", width,
                                                 "; valid range is [2, inf)");
}

}  // namespace detail

/// Mollweide projection of a real map: an image of shape (width/2, width), row-major,
/// north up, longitude increasing to the left (the sky seen from inside, as healpy draws
/// it), φ = 0 at the centre. Inverse formulas: Snyder (1987), "Map projections — a working
/// manual", §31.
/// map: (geometry.npix()).
template <class T>
std::vector<double> mollweide(const ring_geometry& geometry, view<const T> map, std::size_t width) {
    detail::require_map(geometry, map, width);
    const std::size_t height = width / 2;
    const detail::nearest_sample lookup(geometry);
    std::vector<double> image(height * width, std::nan(""));
    const double sqrt2 = std::numbers::sqrt2, pi = std::numbers::pi;
    for (std::size_t i = 0; i < height; ++i) {
        // Pixel centres on the ellipse's bounding box [−2√2, 2√2] × [−√2, √2].
        const double y = sqrt2 * (1.0 - 2.0 * (static_cast<double>(i) + 0.5) / height);
        const double aux = std::asin(std::clamp(y / sqrt2, -1.0, 1.0));
        const double lat = std::asin(std::clamp((2.0 * aux + std::sin(2.0 * aux)) / pi, -1.0, 1.0));
        for (std::size_t j = 0; j < width; ++j) {
            const double x = 2.0 * sqrt2 * (2.0 * (static_cast<double>(j) + 0.5) / width - 1.0);
            const double lon = -pi * x / (2.0 * sqrt2 * std::cos(aux));
            if (std::abs(lon) > pi) continue;
            image[i * width + j] = static_cast<double>(map[lookup(pi / 2 - lat, lon)]);
        }
    }
    return image;
}

/// Orthographic view of a real map: an image of shape (width, width) showing the
/// hemisphere centred on colatitude θ₀, longitude φ₀, north up.
/// map: (geometry.npix()).
template <class T>
std::vector<double> orthographic(const ring_geometry& geometry, view<const T> map,
                                 std::size_t width, double theta0, double phi0) {
    detail::require_map(geometry, map, width);
    const detail::nearest_sample lookup(geometry);
    std::vector<double> image(width * width, std::nan(""));
    const double lat0 = std::numbers::pi / 2 - theta0;
    const double s0 = std::sin(lat0), c0 = std::cos(lat0);
    for (std::size_t i = 0; i < width; ++i) {
        const double y = 1.0 - 2.0 * (static_cast<double>(i) + 0.5) / width;
        for (std::size_t j = 0; j < width; ++j) {
            const double x = 2.0 * (static_cast<double>(j) + 0.5) / width - 1.0;
            const double rho = std::hypot(x, y);
            if (rho > 1.0) continue;
            // Snyder §20 inverse: c = asin ρ is the angular distance from the centre.
            const double c = std::asin(rho), sc = std::sin(c), cc = std::cos(c);
            const double lat = rho > 0 ? std::asin(cc * s0 + y * sc * c0 / rho) : lat0;
            const double lon = phi0 + std::atan2(x * sc, rho * c0 * cc - y * s0 * sc);
            image[i * width + j] = static_cast<double>(map[lookup(std::numbers::pi / 2 - lat, lon)]);
        }
    }
    return image;
}

}  // namespace sphaera::sht
