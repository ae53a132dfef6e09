#pragma once
/// \file convolution.hpp
/// \brief Periodic convolution (blur) of planar images by FFT: y = h ⊛ x,
/// y_{i,j} = Σ_{p,q} h_{p,q} x_{(i−p) mod ny, (j−q) mod nx}. In Fourier space Φ is the
/// diagonal H = DFT(h), so Φᵀ is conj(H), ‖Φ‖² = max|H|² exactly, and (I + μΦᵀΦ)⁻¹ is
/// diagonal too (used by the ℓ2-ball projection).

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/sampling/concepts.hpp"
#include "sphaera/sampling/fft2.hpp"

namespace sphaera::sampling {

/// A normalised (Σ h = 1) periodic Gaussian point-spread function of standard deviation
/// \p sigma pixels, centred on pixel (0, 0) with wrap-around (the layout convolution
/// expects). Throws invalid_argument for sigma ≤ 0.
inline std::vector<double> gaussian_psf(image_shape s, double sigma) {
    detail::require_positive("gaussian_psf: sigma", sigma);
    std::vector<double> h(s.size());
    double total = 0;
    for (std::size_t i = 0; i < s.ny; ++i) {
        // Signed distance to the origin on the torus.
        const double di = static_cast<double>(std::min(i, s.ny - i));
        for (std::size_t j = 0; j < s.nx; ++j) {
            const double dj = static_cast<double>(std::min(j, s.nx - j));
            h[i * s.nx + j] = std::exp(-(di * di + dj * dj) / (2 * sigma * sigma));
            total += h[i * s.nx + j];
        }
    }
    for (double& v : h) v /= total;
    return h;
}

/// Periodic convolution by a fixed kernel, ℝⁿ → ℝⁿ with n = ny·nx. Move-only (owns FFTW
/// plans); apply/adjoint are const, thread-safe and allocation-free after a thread's
/// first call.
class convolution_operator {
public:
    /// \p kernel (ny, nx): h with its origin at pixel (0, 0) (wrap-around layout, e.g.
    /// gaussian_psf). Throws shape_mismatch for a wrong kernel size, non_finite for NaN/Inf.
    convolution_operator(image_shape s, const std::vector<double>& kernel)
        : m_shape(s), m_fft(s), m_h(m_fft.spectrum_size()) {
        detail::require_size("convolution_operator: kernel", kernel.size(), s.size());
        detail::require_finite("convolution_operator: kernel", as_view(kernel));
        m_fft.forward(kernel.data(), m_h.data());
        for (const auto& c : m_h) m_norm2 = std::max(m_norm2, std::norm(c));
    }

    [[nodiscard]] image_shape shape() const { return m_shape; }
    [[nodiscard]] std::size_t in_size() const { return m_shape.size(); }
    [[nodiscard]] std::size_t out_size() const { return m_shape.size(); }
    /// ‖Φ‖² = max_k |H_k|² (exact).
    [[nodiscard]] double norm_squared() const { return m_norm2; }
    /// H = DFT(h) on the half spectrum (ny, nx/2 + 1).
    [[nodiscard]] const std::vector<std::complex<double>>& transfer_function() const { return m_h; }

    void apply(cview x /*(ny, nx)*/, mview y /*(ny, nx)*/) const {
        filter(x, y, "convolution_operator::apply", [](std::complex<double> h) { return h; });
    }
    void adjoint(cview y /*(ny, nx)*/, mview x /*(ny, nx)*/) const {
        filter(y, x, "convolution_operator::adjoint",
               [](std::complex<double> h) { return std::conj(h); });
    }
    /// z = ΦᵀΦ x in one forward/backward DFT pair (diagonal |H|² in Fourier space): the
    /// likelihood gradient Φᵀ(Φx − y) = ΦᵀΦx − Φᵀy then costs 2 FFTs instead of 4.
    void apply_normal(cview x /*(ny, nx)*/, mview z /*(ny, nx)*/) const {
        filter(x, z, "convolution_operator::apply_normal",
               [](std::complex<double> h) { return std::complex<double>(std::norm(h)); });
    }
    /// z = (I + μ ΦᵀΦ)⁻¹ r, exactly (diagonal 1 + μ|H|² in Fourier space), μ ≥ 0.
    void solve_shifted_normal(double mu, cview r /*(ny, nx)*/, mview z /*(ny, nx)*/) const {
        filter(r, z, "convolution_operator::solve_shifted_normal",
               [mu](std::complex<double> h) { return std::complex<double>(1.0 / (1.0 + mu * std::norm(h))); });
    }

private:
    template <class Multiplier>
    void filter(cview in, mview out, const char* what, Multiplier&& mult) const {
        detail::require_size(what, in.size(), m_shape.size());
        detail::require_size(what, out.size(), m_shape.size());
        const std::size_t ns = m_fft.spectrum_size();
        std::complex<double>* spec = detail::spectrum_scratch(ns);
        m_fft.forward(in.data(), spec);
        // The 1/(ny nx) of the inverse DFT is folded into the multiplier.
        const double scale = 1.0 / static_cast<double>(m_shape.size());
        for (std::size_t k = 0; k < ns; ++k) spec[k] *= mult(m_h[k]) * scale;
        m_fft.backward(spec, out.data());
    }

    image_shape m_shape;
    real_fft2 m_fft;
    std::vector<std::complex<double>> m_h;
    double m_norm2 = 0;
};

}  // namespace sphaera::sampling
