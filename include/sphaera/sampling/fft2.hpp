#pragma once
/// \file fft2.hpp
/// \brief Planned 2-D real DFTs of row-major (ny, nx) images with FFTW3 (Frigo & Johnson
/// 2005): forward r2c to the half spectrum (ny, nx/2 + 1) and backward c2r, unnormalised
/// (backward(forward(x)) = ny·nx·x). Plans use FFTW_UNALIGNED and the new-array execute
/// functions, so execution is const and thread-safe; planning and destruction take
/// sphaera's process-wide FFTW planner mutex.

#include <complex>
#include <cstddef>
#include <mutex>
#include <utility>
#include <vector>

#include <fftw3.h>

#include "sphaera/backend/fftw_engine.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/sampling/concepts.hpp"

namespace sphaera::sampling {

/// Forward and backward 2-D real DFT plans for one image shape. Move-only.
class real_fft2 {
public:
    real_fft2() = default;
    /// Plans both directions (FFTW_ESTIMATE: no array traffic). Throws invalid_argument for
    /// an empty shape and backend_unavailable when FFTW gives no plan.
    explicit real_fft2(image_shape s) : m_shape(s) {
        if (s.ny < 1 || s.nx < 1 || s.ny > (1u << 28) || s.nx > (1u << 28))
            sphaera::detail::raise<invalid_argument>("real_fft2: image shape (", s.ny, ", ", s.nx,
                                                     ") is out of range; each side in [1, 2^28]");
        std::vector<double> r(s.size());
        std::vector<std::complex<double>> c(spectrum_size());
        auto* cp = reinterpret_cast<fftw_complex*>(c.data());
        std::lock_guard<std::mutex> lock(backend::detail::fftw_planner_mutex());
        const int ny = static_cast<int>(s.ny), nx = static_cast<int>(s.nx);
        m_fwd = fftw_plan_dft_r2c_2d(ny, nx, r.data(), cp, FFTW_ESTIMATE | FFTW_UNALIGNED);
        m_bwd = fftw_plan_dft_c2r_2d(ny, nx, cp, r.data(),
                                     FFTW_ESTIMATE | FFTW_UNALIGNED | FFTW_DESTROY_INPUT);
        if (!m_fwd || !m_bwd)
            sphaera::detail::raise<backend_unavailable>("real_fft2: FFTW could not plan (", s.ny,
                                                        ", ", s.nx, ")");
    }
    real_fft2(const real_fft2&) = delete;
    real_fft2& operator=(const real_fft2&) = delete;
    real_fft2(real_fft2&& o) noexcept
        : m_shape(o.m_shape), m_fwd(std::exchange(o.m_fwd, nullptr)),
          m_bwd(std::exchange(o.m_bwd, nullptr)) {}
    real_fft2& operator=(real_fft2&& o) noexcept {
        std::swap(m_shape, o.m_shape);
        std::swap(m_fwd, o.m_fwd);
        std::swap(m_bwd, o.m_bwd);
        return *this;
    }
    ~real_fft2() {
        if (!m_fwd && !m_bwd) return;
        std::lock_guard<std::mutex> lock(backend::detail::fftw_planner_mutex());
        if (m_fwd) fftw_destroy_plan(m_fwd);
        if (m_bwd) fftw_destroy_plan(m_bwd);
    }

    [[nodiscard]] image_shape shape() const { return m_shape; }
    /// Number of half-spectrum coefficients, ny·(nx/2 + 1).
    [[nodiscard]] std::size_t spectrum_size() const { return m_shape.ny * (m_shape.nx / 2 + 1); }

    /// X_{k,l} = Σ_{i,j} x_{i,j} e^{−2πi(ki/ny + lj/nx)}, l ≤ nx/2.
    void forward(const double* x /*(ny, nx)*/, std::complex<double>* spec /*(ny, nx/2+1)*/) const {
        fftw_execute_dft_r2c(m_fwd, const_cast<double*>(x), reinterpret_cast<fftw_complex*>(spec));
    }
    /// x = Σ_{k,l} X_{k,l} e^{+2πi(...)} over the full Hermitian spectrum (unnormalised).
    /// Destroys \p spec (FFTW's c2r works in place on its input).
    void backward(std::complex<double>* spec /*(ny, nx/2+1)*/, double* x /*(ny, nx)*/) const {
        fftw_execute_dft_c2r(m_bwd, reinterpret_cast<fftw_complex*>(spec), x);
    }

private:
    image_shape m_shape{};
    fftw_plan m_fwd = nullptr;
    fftw_plan m_bwd = nullptr;
};

namespace detail {

/// Per-thread spectrum scratch, so that const, concurrent operator calls never allocate
/// on the hot path nor share memory. Leaf operators only (nothing re-enters while in use).
inline std::complex<double>* spectrum_scratch(std::size_t n) {
    thread_local std::vector<std::complex<double>> s;
    if (s.size() < n) s.resize(n);
    return s.data();
}

}  // namespace detail
}  // namespace sphaera::sampling
