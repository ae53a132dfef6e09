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

    /// c = Ψᵀx (forward DWT). In place (c aliasing x) is allowed. Allocation-free after a
    /// thread's first call (per-thread scratch).
    void analysis(cview x /*(ny, nx)*/, mview c /*(ny, nx)*/) const {
        check(x.size(), c.size(), "wavelet_basis::analysis");
        if (c.data() != x.data()) std::copy(x.begin(), x.end(), c.begin());
        double* s = scratch();
        std::size_t h = m_shape.ny, w = m_shape.nx;
        for (int l = 0; l < m_levels; ++l, h /= 2, w /= 2) {
            for (std::size_t i = 0; i < h; ++i) row_forward(c.data() + i * m_shape.nx, w, s);
            columns_forward(c.data(), h, w, s);
        }
    }
    /// x = Ψc (inverse DWT). In place (x aliasing c) is allowed. Allocation-free after a
    /// thread's first call (per-thread scratch).
    void synthesis(cview c /*(ny, nx)*/, mview x /*(ny, nx)*/) const {
        check(c.size(), x.size(), "wavelet_basis::synthesis");
        if (c.data() != x.data()) std::copy(c.begin(), c.end(), x.begin());
        double* s = scratch();
        for (int l = m_levels - 1; l >= 0; --l) {
            const std::size_t h = m_shape.ny >> l, w = m_shape.nx >> l;
            columns_inverse(x.data(), h, w, s);
            for (std::size_t i = 0; i < h; ++i) row_inverse(x.data() + i * m_shape.nx, w, s);
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

    /// Per-thread scratch: one (ny, nx) block for the column passes plus the polyphase
    /// lines of the row passes. Sized once per thread and shape (const, re-entrant calls).
    double* scratch() const {
        thread_local std::vector<double> s;
        const std::size_t need = m_shape.size() + 6 * (std::max(m_shape.ny, m_shape.nx) + m_h.size());
        if (s.size() < need) s.resize(need);
        return s.data();
    }

    // The periodised filters are evaluated in polyphase form: with e_i = x_{2i mod n},
    // o_i = x_{(2i+1) mod n} (J = len/2 taps each),
    //     a_k = Σ_j h_{2j} e_{k+j} + h_{2j+1} o_{k+j},
    // and synthesis x_{2q} = Σ_j h_{2j} a_{(q−j) mod n/2} + g_{2j} d_{(q−j) mod n/2} (odd
    // samples with the odd taps). Every inner loop then runs over contiguous memory with
    // unit stride, so the compiler vectorises it: along the row for row passes, across
    // the w contiguous columns for column passes (whole rows are combined at once instead
    // of gathering one strided column at a time).

    /// One analysis level on the contiguous row p[0, n): a → p[0, n/2), d → p[n/2, n).
    void row_forward(double* p, std::size_t n, double* s) const {
        const std::size_t half = n / 2, taps = m_h.size() / 2, ne = half + taps;
        double* __restrict__ e = s;
        double* __restrict__ o = s + ne;
        double* __restrict__ a = s + 2 * ne;
        double* __restrict__ d = a + half;
        for (std::size_t i = 0; i < ne; ++i) {
            e[i] = p[(2 * i) % n];
            o[i] = p[(2 * i + 1) % n];
        }
        std::fill(a, a + n, 0.0);
        for (std::size_t j = 0; j < taps; ++j) {
            const double he = m_h[2 * j], ho = m_h[2 * j + 1], ge = m_g[2 * j], go = m_g[2 * j + 1];
            const double* ej = e + j;
            const double* oj = o + j;
            for (std::size_t k = 0; k < half; ++k) {
                a[k] += he * ej[k] + ho * oj[k];
                d[k] += ge * ej[k] + go * oj[k];
            }
        }
        std::copy(a, a + n, p);
    }

    /// One synthesis level on the contiguous row p[0, n) holding (a, d) halves.
    void row_inverse(double* p, std::size_t n, double* s) const {
        const std::size_t half = n / 2, taps = m_h.size() / 2, ne = half + taps;
        // ae_i = a_{(i − (J−1)) mod n/2}, so a_{(q−j) mod n/2} = ae_{q−j+J−1} ≥ 0.
        double* __restrict__ ae = s;
        double* __restrict__ de = s + ne;
        double* __restrict__ xe = s + 2 * ne;
        double* __restrict__ xo = xe + half;
        const std::size_t shift = half * taps - (taps - 1);
        for (std::size_t i = 0; i + 1 < ne; ++i) {
            const std::size_t k = (i + shift) % half;
            ae[i] = p[k];
            de[i] = p[half + k];
        }
        std::fill(xe, xe + n, 0.0);
        for (std::size_t j = 0; j < taps; ++j) {
            const double he = m_h[2 * j], ho = m_h[2 * j + 1], ge = m_g[2 * j], go = m_g[2 * j + 1];
            const double* aj = ae + (taps - 1 - j);
            const double* dj = de + (taps - 1 - j);
            for (std::size_t q = 0; q < half; ++q) {
                xe[q] += he * aj[q] + ge * dj[q];
                xo[q] += ho * aj[q] + go * dj[q];
            }
        }
        for (std::size_t q = 0; q < half; ++q) {
            p[2 * q] = xe[q];
            p[2 * q + 1] = xo[q];
        }
    }

    /// One analysis level down the w columns of the (h, w) block at c (row stride nx):
    /// output row k combines input rows (2k + m) mod h, whole rows at a time.
    void columns_forward(double* c, std::size_t h, std::size_t w, double* s) const {
        const std::size_t half = h / 2, len = m_h.size(), nx = m_shape.nx;
        for (std::size_t k = 0; k < half; ++k) {
            double* __restrict__ ta = s + k * w;
            double* __restrict__ td = s + (half + k) * w;
            std::fill(ta, ta + w, 0.0);
            std::fill(td, td + w, 0.0);
            for (std::size_t m = 0; m < len; ++m) {
                const double* __restrict__ src = c + ((2 * k + m) % h) * nx;
                const double hm = m_h[m], gm = m_g[m];
                for (std::size_t col = 0; col < w; ++col) {
                    ta[col] += hm * src[col];
                    td[col] += gm * src[col];
                }
            }
        }
        for (std::size_t i = 0; i < h; ++i) std::copy(s + i * w, s + (i + 1) * w, c + i * nx);
    }

    /// One synthesis level down the w columns of the (h, w) block at c (row stride nx).
    void columns_inverse(double* c, std::size_t h, std::size_t w, double* s) const {
        const std::size_t half = h / 2, taps = m_h.size() / 2, nx = m_shape.nx;
        for (std::size_t q = 0; q < half; ++q) {
            double* __restrict__ te = s + (2 * q) * w;
            double* __restrict__ to = s + (2 * q + 1) * w;
            std::fill(te, te + w, 0.0);
            std::fill(to, to + w, 0.0);
            for (std::size_t j = 0; j < taps; ++j) {
                const std::size_t k = (q + half * taps - j) % half;
                const double* __restrict__ ar = c + k * nx;
                const double* __restrict__ dr = c + (half + k) * nx;
                const double he = m_h[2 * j], ho = m_h[2 * j + 1], ge = m_g[2 * j], go = m_g[2 * j + 1];
                for (std::size_t col = 0; col < w; ++col) {
                    te[col] += he * ar[col] + ge * dr[col];
                    to[col] += ho * ar[col] + go * dr[col];
                }
            }
        }
        for (std::size_t i = 0; i < h; ++i) std::copy(s + i * w, s + (i + 1) * w, c + i * nx);
    }

    image_shape m_shape;
    int m_order;
    int m_levels;
    std::vector<double> m_h, m_g;
};

}  // namespace sphaera::sampling
