#pragma once
/// \file wavelets.hpp
/// \brief Orthonormal periodised 2-D Daubechies wavelet transform of planar images
/// (Mallat 1989 pyramid; Daubechies 1992, §5.6 and §10.1; periodisation as in Cohen,
/// Daubechies & Vial 1993 §1). One level filters every row then every column of the
/// current approximation block:
///
///     a_k = Σ_m h_m x_{(2k+m) mod N},   d_k = Σ_m g_m x_{(2k+m) mod N},
///
/// with g_m = (−1)^m h_{2N−1−m}. Because Σ h_m h_{m+2n} = δ_n and the periodised filters
/// inherit it for any even N (even one shorter than the filter), the transform W is an
/// orthogonal matrix: analysis Wx is both Wᵀ-of-synthesis and its inverse, exactly.
///
/// Coefficient layout (Mallat): a (ny, nx) array; after L levels the top-left
/// (ny/2^L, nx/2^L) block holds the approximation, and level ℓ's details sit in the
/// blocks right of, below and diagonal to the level-ℓ approximation block.

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/sampling/concepts.hpp"
#include "sphaera/sampling/daubechies.hpp"

namespace sphaera::sampling {

/// The synthesis operator Ψ of an orthonormal dbN basis (coefficients → image), with
/// analysis Ψᵀ = Ψ⁻¹ as its adjoint. ΨΨᵀ = I: a tight frame with ν = 1.
class wavelet_basis {
public:
    /// dbN (\p order ∈ [1, 8]) with \p levels ≥ 0 levels on (ny, nx) images; ny and nx
    /// must be divisible by 2^levels (invalid_argument naming the sizes otherwise).
    wavelet_basis(image_shape s, int order, int levels)
        : m_shape(s), m_order(order), m_levels(levels) {
        const auto h = daubechies_filter(order);
        if (levels < 0 || levels > 30)
            sphaera::detail::raise<invalid_argument>("wavelet_basis: levels = ", levels,
                                                     " is out of range; valid range is [0, 30]");
        const std::size_t block = std::size_t{1} << levels;
        if (s.ny == 0 || s.nx == 0 || s.ny % block != 0 || s.nx % block != 0)
            sphaera::detail::raise<invalid_argument>(
                "wavelet_basis: image shape (", s.ny, ", ", s.nx, ") is not divisible by 2^levels = ",
                block, " (levels = ", levels, "); use sizes that are multiples of ", block,
                " or fewer levels");
        m_h.assign(h.begin(), h.end());
        const std::size_t len = m_h.size();
        m_g.resize(len);
        for (std::size_t m = 0; m < len; ++m)
            m_g[m] = (m % 2 == 0 ? 1.0 : -1.0) * m_h[len - 1 - m];
    }

    [[nodiscard]] image_shape shape() const { return m_shape; }
    [[nodiscard]] int order() const { return m_order; }
    [[nodiscard]] int levels() const { return m_levels; }
    [[nodiscard]] std::size_t in_size() const { return m_shape.size(); }
    [[nodiscard]] std::size_t out_size() const { return m_shape.size(); }
    [[nodiscard]] double frame_bound() const { return 1.0; }
    [[nodiscard]] double norm_squared() const { return 1.0; }

    /// c = Ψᵀx (forward DWT). In place (c aliasing x) is allowed.
    void analysis(cview x /*(ny, nx)*/, mview c /*(ny, nx)*/) const {
        check(x.size(), c.size(), "wavelet_basis::analysis");
        if (c.data() != x.data()) std::copy(x.begin(), x.end(), c.begin());
        std::vector<double> line(2 * std::max(m_shape.ny, m_shape.nx));
        std::size_t h = m_shape.ny, w = m_shape.nx;
        for (int l = 0; l < m_levels; ++l, h /= 2, w /= 2) {
            for (std::size_t i = 0; i < h; ++i)
                lines(c.data() + i * m_shape.nx, 1, w, line, true);
            for (std::size_t j = 0; j < w; ++j)
                lines(c.data() + j, m_shape.nx, h, line, true);
        }
    }
    /// x = Ψc (inverse DWT). In place (x aliasing c) is allowed.
    void synthesis(cview c /*(ny, nx)*/, mview x /*(ny, nx)*/) const {
        check(c.size(), x.size(), "wavelet_basis::synthesis");
        if (c.data() != x.data()) std::copy(c.begin(), c.end(), x.begin());
        std::vector<double> line(2 * std::max(m_shape.ny, m_shape.nx));
        for (int l = m_levels - 1; l >= 0; --l) {
            const std::size_t h = m_shape.ny >> l, w = m_shape.nx >> l;
            for (std::size_t j = 0; j < w; ++j)
                lines(x.data() + j, m_shape.nx, h, line, false);
            for (std::size_t i = 0; i < h; ++i)
                lines(x.data() + i * m_shape.nx, 1, w, line, false);
        }
    }
    /// Ψ (linear_operator interface: coefficients → image).
    void apply(cview c, mview x) const { synthesis(c, x); }
    /// Ψᵀ = Ψ⁻¹ (image → coefficients).
    void adjoint(cview x, mview c) const { analysis(x, c); }

private:
    void check(std::size_t in, std::size_t out, const char* what) const {
        detail::require_size(what, in, m_shape.size());
        detail::require_size(what, out, m_shape.size());
    }

    /// One level on the strided line p[0], p[stride], … of even length n, through the
    /// scratch line (2n): forward writes (a, d) halves, inverse reads them back.
    void lines(double* p, std::size_t stride, std::size_t n, std::vector<double>& scratch,
               bool forward) const {
        double* in = scratch.data();
        double* out = scratch.data() + n;
        for (std::size_t k = 0; k < n; ++k) in[k] = p[k * stride];
        const std::size_t len = m_h.size(), half = n / 2;
        if (forward) {
            for (std::size_t k = 0; k < half; ++k) {
                double a = 0, d = 0;
                std::size_t idx = (2 * k) % n;
                for (std::size_t m = 0; m < len; ++m) {
                    a += m_h[m] * in[idx];
                    d += m_g[m] * in[idx];
                    if (++idx == n) idx = 0;
                }
                out[k] = a;
                out[half + k] = d;
            }
        } else {
            std::fill(out, out + n, 0.0);
            for (std::size_t k = 0; k < half; ++k) {
                const double a = in[k], d = in[half + k];
                std::size_t idx = (2 * k) % n;
                for (std::size_t m = 0; m < len; ++m) {
                    out[idx] += m_h[m] * a + m_g[m] * d;
                    if (++idx == n) idx = 0;
                }
            }
        }
        for (std::size_t k = 0; k < n; ++k) p[k * stride] = out[k];
    }

    image_shape m_shape;
    int m_order;
    int m_levels;
    std::vector<double> m_h, m_g;
};

}  // namespace sphaera::sampling
