#pragma once
/// \file plan_checks.hpp
/// \brief Argument checks and the pixel quadrature weight shared by sht::plan and
/// sht::real_plan (one message text for both, naming the plan class).

#include <cstddef>
#include <numbers>

#include "sphaera/core/error.hpp"
#include "sphaera/sht/geometry.hpp"

namespace sphaera::sht::detail {

/// Throws shape_mismatch unless the coefficient and map sizes match the plan's.
inline void check_transform_sizes(const char* plan_name, const char* what, int L,
                                  std::size_t nalm, std::size_t alm_size, std::size_t nmap,
                                  std::size_t map_size) {
    if (nalm != alm_size)
        sphaera::detail::raise<shape_mismatch>("sht::", plan_name, "::", what, ": alm has size ",
                                               nalm, " but L = ", L, " needs L^2 = ", alm_size);
    if (nmap != map_size)
        sphaera::detail::raise<shape_mismatch>("sht::", plan_name, "::", what, ": map has size ",
                                               nmap, " but the geometry has ", map_size, " pixels");
}

/// Throws invalid_argument when an analysis is asked of a geometry without ring weights.
inline void require_ring_weights(const char* plan_name, const char* what, const ring_geometry& g) {
    if (!g.has_weights())
        sphaera::detail::raise<invalid_argument>(
            "sht::", plan_name, "::", what, ": the ", sampling_name(g.kind()),
            " geometry has no quadrature weights",
            (g.kind() == sampling::mw || g.kind() == sampling::mwss)
                ? " and was built for a band-limit below L" : "",
            "; analysis needs MW/MWSS/GL/DH/CC grids or ring weights");
}

/// Pixel weight w_r 2π/nphi_r of ring r (the φ and θ quadrature together).
inline double pixel_weight(const ring_geometry& g, std::size_t r) {
    return g[r].weight * 2 * std::numbers::pi / static_cast<double>(g[r].nphi);
}

}  // namespace sphaera::sht::detail
