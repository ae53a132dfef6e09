#pragma once
/// \file concepts.hpp
/// \brief What the samplers see (DESIGN.md §5): linear operators with apply and adjoint,
/// differentiable functions (value, gradient) and proximal functions (prox(x, γ)), all on
/// flat host arrays of doubles. Planar images are row-major (ny, nx) arrays.

#include <cmath>
#include <concepts>
#include <cstddef>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/core/view.hpp"

namespace sphaera::sampling {

/// Read-only host array of doubles (an expression leaf).
using cview = host_view<const double>;
/// Writable host array of doubles.
using mview = host_view<double>;

/// The read-only view of a vector (no copy).
inline cview as_view(const std::vector<double>& v) { return {v.data(), v.size()}; }
/// The writable view of a vector (no copy).
inline mview as_view(std::vector<double>& v) { return {v.data(), v.size()}; }

/// Shape of a planar image, row-major: element (i, j) at i·nx + j.
struct image_shape {
    std::size_t ny = 0;  ///< rows
    std::size_t nx = 0;  ///< columns
    [[nodiscard]] constexpr std::size_t size() const { return ny * nx; }
    friend constexpr bool operator==(image_shape, image_shape) = default;
};

/// A real-linear map Φ: ℝⁿ → ℝᵐ with its adjoint Φᵀ (⟨Φx, y⟩ = ⟨x, Φᵀy⟩). apply and
/// adjoint are const and thread-safe (nested sampling calls them from many chains).
template <class Op>
concept linear_operator = requires(const Op& op, cview x, mview y) {
    { op.in_size() } -> std::convertible_to<std::size_t>;
    { op.out_size() } -> std::convertible_to<std::size_t>;
    op.apply(x, y);    // x (in_size) → y (out_size)
    op.adjoint(x, y);  // x (out_size) → y (in_size)
};

/// Operators that know ΦΦᵀ = ν I (tight frames: masks, orthonormal bases, subsampled
/// unitary Fourier); frame_bound() returns ν, or 0 when the operator is not tight.
template <class Op>
concept has_frame_bound = linear_operator<Op> && requires(const Op& op) {
    { op.frame_bound() } -> std::convertible_to<double>;
};

/// ν with ΦΦᵀ = ν I, or 0 when unknown / not tight.
template <linear_operator Op>
double frame_bound(const Op& op) {
    if constexpr (has_frame_bound<Op>) return op.frame_bound();
    else return 0.0;
}

/// A C¹ function f: ℝⁿ → ℝ with gradient (the smooth part of a posterior potential).
template <class F>
concept differentiable_function = requires(const F& f, cview x, mview g) {
    { f.size() } -> std::convertible_to<std::size_t>;
    { f.value(x) } -> std::convertible_to<double>;
    f.gradient(x, g);  // x (n) → g = ∇f(x) (n)
};

/// A proper convex l.s.c. function g with its proximal map
/// prox_{γg}(x) = argmin_u g(u) + ‖u − x‖²/(2γ) (Moreau 1965).
template <class G>
concept proximal_function = requires(const G& g, cview x, mview out, double gamma) {
    { g.size() } -> std::convertible_to<std::size_t>;
    g.prox(x, out, gamma);  // x (n) → out = prox_{γg}(x) (n)
};

/// A proximal function whose value is also available (Px-MALA, nested sampling and the
/// Moreau–Yosida envelope need it).
template <class G>
concept proximal_function_with_value = proximal_function<G> && requires(const G& g, cview x) {
    { g.value(x) } -> std::convertible_to<double>;
};

namespace detail {

/// Throws shape_mismatch unless the view has the expected size.
inline void require_size(const char* what, std::size_t got, std::size_t expected) {
    sphaera::detail::require_same_size(what, got, expected);
}

/// Throws non_finite naming \p what if any element of x is NaN or infinite.
inline void require_finite(const char* what, cview x) {
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!std::isfinite(x[i]))
            sphaera::detail::raise<non_finite>(what, ": element ", i, " is ", x[i],
                                               "; every value must be finite");
}

/// Throws invalid_argument unless value > 0 and finite.
inline void require_positive(const char* what, double value) {
    if (!(value > 0) || !std::isfinite(value))
        sphaera::detail::raise<invalid_argument>(what, " = ", value,
                                                 " is out of range; valid range is (0, inf)");
}

}  // namespace detail
}  // namespace sphaera::sampling
