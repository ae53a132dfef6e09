#pragma once
/// \file real_fft.hpp
/// \brief FFTW3 real-data DFTs for the rings of a real field (Frigo & Johnson 2005):
/// r2c y_k = Σ_j x_j e^{−2πijk/n} for k = 0..n/2, and c2r x_j = Σ_{k<n} c_k e^{+2πijk/n} of the
/// Hermitian spectrum c_{n−k} = conj(c_k) given by its first n/2 + 1 entries (unnormalised;
/// c2r is the adjoint of r2c on the Hermitian half-spectrum with weights 1, 2, …, 2, 1).
/// Out-of-place, executed through the new-array interface, so one plan pair per size (for
/// aligned arrays, with an FFTW_UNALIGNED fallback) serves every ring and thread; planning
/// takes the process-wide FFTW planner mutex of fftw_engine.hpp.

#include <algorithm>
#include <complex>
#include <cstddef>
#include <map>
#include <mutex>
#include <type_traits>
#include <utility>

#include <fftw3.h>

#include "sphaera/backend/fftw_engine.hpp"
#include "sphaera/core/error.hpp"

namespace sphaera::sht::detail {

template <class T>
struct fftw_real_api;
template <>
struct fftw_real_api<double> {
    using plan = fftw_plan;
    using cpx = fftw_complex;
    static plan r2c(int n, double* in, cpx* out, unsigned f) { return fftw_plan_dft_r2c_1d(n, in, out, f); }
    static plan c2r(int n, cpx* in, double* out, unsigned f) { return fftw_plan_dft_c2r_1d(n, in, out, f); }
    static void exec_r2c(plan p, double* in, cpx* out) { fftw_execute_dft_r2c(p, in, out); }
    static void exec_c2r(plan p, cpx* in, double* out) { fftw_execute_dft_c2r(p, in, out); }
    static void destroy(plan p) { fftw_destroy_plan(p); }
    static void* alloc(std::size_t bytes) { return fftw_malloc(bytes); }
    static void release(void* p) { fftw_free(p); }
};
template <>
struct fftw_real_api<float> {
    using plan = fftwf_plan;
    using cpx = fftwf_complex;
    static plan r2c(int n, float* in, cpx* out, unsigned f) { return fftwf_plan_dft_r2c_1d(n, in, out, f); }
    static plan c2r(int n, cpx* in, float* out, unsigned f) { return fftwf_plan_dft_c2r_1d(n, in, out, f); }
    static void exec_r2c(plan p, float* in, cpx* out) { fftwf_execute_dft_r2c(p, in, out); }
    static void exec_c2r(plan p, cpx* in, float* out) { fftwf_execute_dft_c2r(p, in, out); }
    static void destroy(plan p) { fftwf_destroy_plan(p); }
    static void* alloc(std::size_t bytes) { return fftwf_malloc(bytes); }
    static void release(void* p) { fftwf_free(p); }
};

/// r2c and c2r plans of one size n (T = float or double). Move-only; execution is const,
/// re-entrant and thread-safe. c2r overwrites its (scratch) input, as FFTW allows.
///
/// Two plans per direction: one for arrays FFTW considers aligned (fftw_alignment_of = 0,
/// the usual case: complex buffers and maps from std::vector), which may use SIMD codelets,
/// and an FFTW_UNALIGNED one for the rest, picked per call. The unaligned plans ran 2–3× slower
/// (n = 2048, MWSS rings: r2c 4.3 against 1.5 µs, c2r 3.5 against 1.6 µs).
template <class T>
class fftw_real_pair {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "fftw_real_pair: T must be float or double");
    using api = fftw_real_api<T>;

public:
    fftw_real_pair() = default;
    explicit fftw_real_pair(std::size_t n, unsigned flags = FFTW_ESTIMATE) : m_n(n) {
        if (n < 1 || n > static_cast<std::size_t>(1) << 30)
            sphaera::detail::raise<invalid_argument>("fftw_real_pair: size n = ", n,
                                                     " is out of range; valid range is [1, 2^30]");
        std::lock_guard<std::mutex> lock(backend::detail::fftw_planner_mutex());
        void* r = api::alloc(n * sizeof(T));
        void* c = api::alloc((n / 2 + 1) * sizeof(typename api::cpx));
        bool ok = r && c;
        for (int u = 0; ok && u < 2; ++u) {
            const unsigned f = flags | (u ? FFTW_UNALIGNED : 0u);
            m_r2c[u] = api::r2c(static_cast<int>(n), static_cast<T*>(r), static_cast<typename api::cpx*>(c), f);
            m_c2r[u] = api::c2r(static_cast<int>(n), static_cast<typename api::cpx*>(c), static_cast<T*>(r),
                                f | FFTW_DESTROY_INPUT);
            ok = m_r2c[u] && m_c2r[u];
        }
        api::release(r);
        api::release(c);
        if (!ok) {
            destroy_all();
            sphaera::detail::raise<backend_unavailable>("fftw_real_pair: FFTW could not plan real DFTs of size ", n);
        }
    }
    fftw_real_pair(const fftw_real_pair&) = delete;
    fftw_real_pair& operator=(const fftw_real_pair&) = delete;
    fftw_real_pair(fftw_real_pair&& o) noexcept : m_n(o.m_n) {
        for (int u = 0; u < 2; ++u) {
            m_r2c[u] = std::exchange(o.m_r2c[u], nullptr);
            m_c2r[u] = std::exchange(o.m_c2r[u], nullptr);
        }
    }
    fftw_real_pair& operator=(fftw_real_pair&& o) noexcept {
        for (int u = 0; u < 2; ++u) {
            std::swap(m_r2c[u], o.m_r2c[u]);
            std::swap(m_c2r[u], o.m_c2r[u]);
        }
        std::swap(m_n, o.m_n);
        return *this;
    }
    ~fftw_real_pair() {
        if (m_r2c[0] || m_r2c[1] || m_c2r[0] || m_c2r[1]) {
            std::lock_guard<std::mutex> lock(backend::detail::fftw_planner_mutex());
            destroy_all();
        }
    }

    [[nodiscard]] std::size_t size() const { return m_n; }
    /// in: (n) real → out: (n/2 + 1) complex.
    void forward(const T* in, std::complex<T>* out) const {
        const int u = aligned(in) && aligned(reinterpret_cast<const T*>(out)) ? 0 : 1;
        api::exec_r2c(m_r2c[u], const_cast<T*>(in), reinterpret_cast<typename api::cpx*>(out));
    }
    /// in: (n/2 + 1) complex (destroyed) → out: (n) real.
    void backward(std::complex<T>* in, T* out) const {
        const int u = aligned(reinterpret_cast<const T*>(in)) && aligned(out) ? 0 : 1;
        api::exec_c2r(m_c2r[u], reinterpret_cast<typename api::cpx*>(in), out);
    }

private:
    /// FFTW's alignment test for the planned (fftw_malloc) arrays.
    static bool aligned(const T* p) {
        if constexpr (std::is_same_v<T, double>) return fftw_alignment_of(const_cast<double*>(p)) == 0;
        else return fftwf_alignment_of(const_cast<float*>(p)) == 0;
    }
    void destroy_all() {
        for (int u = 0; u < 2; ++u) {
            if (m_r2c[u]) api::destroy(m_r2c[u]);
            if (m_c2r[u]) api::destroy(m_c2r[u]);
            m_r2c[u] = m_c2r[u] = nullptr;
        }
    }

    typename api::plan m_r2c[2] = {nullptr, nullptr}, m_c2r[2] = {nullptr, nullptr};  // [aligned, unaligned]
    std::size_t m_n = 0;
};

/// How a real_ring_dft transforms rings of its length.
enum class real_dft_form {
    fftw_real,  ///< FFTW's r2c/c2r plans (even n or n ≤ 128, used by many rings)
    paired,     ///< a complex DFT of length n, two rings at a time (odd n > 128, many rings)
    complex_    ///< a complex any_size_dft planned for speed of planning (lengths used by few rings)
};

/// The r2c/c2r pair of one ring length n, in one of the real_dft_form forms:
/// - fftw_real: FFTW's real plans;
/// - paired: for odd n (2L − 1 on GL, MW, DH, CC grids), a complex DFT of length n that
///   transforms two rings at once (forward_two/backward_two: z = x₁ + i x₂, X₁,₂ from Z_k
///   and conj Z_{n−k}). FFTW's real plans only halve the work for even n; for odd n an r2c
///   costs about as much as a complex DFT of the same length (measured 15 vs 11 µs at
///   n = 4095, 19–35 vs 22–43 µs at 2047 = 23·89, where FFTW's r2c falls back to its O(p²)
///   generic codelet for p = 89), so two rings per complex DFT halve the ring FFTs. A lone
///   ring uses the same DFT with a zero imaginary part;
/// - complex_: for an awkward n (a prime factor above 7) used by few rings, a complex
///   any_size_dft (Bluestein; microseconds to plan where FFTW_ESTIMATE takes milliseconds)
///   on the real data in caller scratch.
template <class T>
class real_ring_dft {
public:
    real_ring_dft() = default;
    real_ring_dft(std::size_t n, real_dft_form form) : m_n(n), m_paired(form == real_dft_form::paired) {
        using backend::fft_direction;
        using pol = typename backend::any_size_dft<T>::policy;
        if (form == real_dft_form::fftw_real) {
            m_real = fftw_real_pair<T>(n);
            return;
        }
        m_fwd = backend::any_size_dft<T>(n, fft_direction::forward, m_paired ? pol::fast_execution : pol::fast_planning);
        m_bwd = m_fwd.reversed();
    }
    /// The form for a length used `uses` times per transform.
    static real_dft_form form_for(std::size_t n, std::size_t uses) {
        if (n <= 128) return real_dft_form::fftw_real;
        if (uses < backend::any_size_dft_set<T>::many_uses) return real_dft_form::complex_;
        return n % 2 == 1 ? real_dft_form::paired : real_dft_form::fftw_real;
    }
    [[nodiscard]] std::size_t size() const { return m_n; }
    /// Whether forward_two/backward_two are the fast path for two rings of this length.
    [[nodiscard]] bool pairs() const { return m_paired; }
    /// Complex values of scratch forward/backward need (0 for FFTW real plans): the DFT's
    /// input and output (out of place: in place, any_size_dft would copy its result back
    /// from its own scratch, a pass over the ring for nothing) and its scratch.
    [[nodiscard]] std::size_t scratch_size() const {
        return m_real.size() ? 0 : 2 * pad8(m_n) + 8 + std::max(m_fwd.scratch_size(), m_bwd.scratch_size());
    }
    /// in: (n) real → out: (n/2 + 1) complex; scratch: (scratch_size()).
    void forward(const T* in, std::complex<T>* out, std::complex<T>* scratch) const {
        if (m_real.size()) return m_real.forward(in, out);
        std::complex<T>* a = backend::detail::align64(scratch);
        std::complex<T>* z = a + pad8(m_n);
        for (std::size_t j = 0; j < m_n; ++j) a[j] = std::complex<T>(in[j], T(0));
        m_fwd.execute(a, z, z + pad8(m_n));
        std::copy(z, z + m_n / 2 + 1, out);
    }
    /// in: (n/2 + 1) complex (destroyed) → out: (n) real; scratch: (scratch_size()).
    void backward(std::complex<T>* in, T* out, std::complex<T>* scratch) const {
        if (m_real.size()) return m_real.backward(in, out);
        std::complex<T>* a = backend::detail::align64(scratch);
        const std::size_t half = m_n / 2;
        // c2r reads Im c_0 (and Im c_{n/2}, n even) as zero: the spectrum is made Hermitian.
        a[0] = std::complex<T>(in[0].real(), T(0));
        for (std::size_t k = 1; k <= half; ++k) a[k] = in[k];
        if (m_n % 2 == 0) a[half] = std::complex<T>(in[half].real(), T(0));
        for (std::size_t k = half + 1; k < m_n; ++k) a[k] = std::conj(a[m_n - k]);
        std::complex<T>* z = a + pad8(m_n);
        m_bwd.execute(a, z, z + pad8(m_n));
        for (std::size_t j = 0; j < m_n; ++j) out[j] = z[j].real();
    }
    /// forward() of two rings in one complex DFT (any form; the fast path where pairs()):
    /// in1, in2: (n) real → out1, out2: (n/2 + 1) complex; scratch: (scratch_size()).
    void forward_two(const T* in1, const T* in2, std::complex<T>* out1, std::complex<T>* out2,
                     std::complex<T>* scratch) const {
        if (m_real.size()) {
            m_real.forward(in1, out1);
            m_real.forward(in2, out2);
            return;
        }
        std::complex<T>* a = backend::detail::align64(scratch);
        for (std::size_t j = 0; j < m_n; ++j) a[j] = std::complex<T>(in1[j], in2[j]);
        std::complex<T>* const z = a + pad8(m_n);
        m_fwd.execute(a, z, z + pad8(m_n));
        a = z;
        // Z = X₁ + i X₂ with X₁,₂ Hermitian: X₁ = (Z_k + conj Z_{n−k})/2, X₂ = (Z_k − conj Z_{n−k})/(2i).
        out1[0] = std::complex<T>(a[0].real(), T(0));
        out2[0] = std::complex<T>(a[0].imag(), T(0));
        for (std::size_t k = 1; k <= m_n / 2; ++k) {
            const std::complex<T> z = a[k], w = std::conj(a[m_n - k]);
            out1[k] = T(0.5) * (z + w);
            out2[k] = std::complex<T>(T(0.5) * (z.imag() - w.imag()), T(0.5) * (w.real() - z.real()));
        }
    }
    /// backward() of two rings in one complex DFT: in1, in2: (n/2 + 1) complex Hermitian
    /// half-spectra (destroyed; Im c₀, and Im c_{n/2} for even n, read as zero) → out1, out2.
    void backward_two(std::complex<T>* in1, std::complex<T>* in2, T* out1, T* out2, std::complex<T>* scratch) const {
        if (m_real.size()) {
            m_real.backward(in1, out1);
            m_real.backward(in2, out2);
            return;
        }
        std::complex<T>* a = backend::detail::align64(scratch);
        const std::size_t half = m_n / 2;
        // Z_k = X₁_k + i X₂_k over the whole circle, X_{n−k} = conj X_k.
        a[0] = std::complex<T>(in1[0].real(), in2[0].real());
        for (std::size_t k = 1; k <= half; ++k) {
            const std::complex<T> x1 = in1[k], x2 = in2[k];
            a[k] = std::complex<T>(x1.real() - x2.imag(), x1.imag() + x2.real());
            a[m_n - k] = std::complex<T>(x1.real() + x2.imag(), x2.real() - x1.imag());
        }
        if (m_n % 2 == 0) a[half] = std::complex<T>(in1[half].real(), in2[half].real());
        std::complex<T>* const z = a + pad8(m_n);
        m_bwd.execute(a, z, z + pad8(m_n));
        a = z;
        for (std::size_t j = 0; j < m_n; ++j) {
            out1[j] = a[j].real();
            out2[j] = a[j].imag();
        }
    }

private:
    static std::size_t pad8(std::size_t n) { return (n + 7) / 8 * 8; }
    std::size_t m_n = 0;
    bool m_paired = false;
    fftw_real_pair<T> m_real;
    backend::any_size_dft<T> m_fwd, m_bwd;
};

/// Real DFT plans for a set of ring lengths (one pair per distinct n).
template <class T>
class fftw_real_set {
public:
    /// Adds the plans of length n, executed \p uses times per transform (see real_ring_dft
    /// for the form chosen).
    void add(std::size_t n, std::size_t uses = backend::any_size_dft_set<T>::many_uses) {
        if (m_plans.count(n)) return;
        const auto it = m_plans.emplace(n, real_ring_dft<T>(n, real_ring_dft<T>::form_for(n, uses))).first;
        m_scratch = std::max(m_scratch, it->second.scratch_size());
    }
    /// Adds every ring length of `lengths` (repeats counted).
    template <class Range>
    void add_all(const Range& lengths) {
        std::map<std::size_t, std::size_t> count;
        for (const auto n : lengths) ++count[static_cast<std::size_t>(n)];
        for (const auto& [n, c] : count) add(n, c);
    }
    [[nodiscard]] const real_ring_dft<T>& get(std::size_t n) const {
        const auto it = m_plans.find(n);
        if (it == m_plans.end()) sphaera::detail::raise<invalid_argument>("fftw_real_set: no plan of size ", n);
        return it->second;
    }
    /// Largest scratch_size() over the set.
    [[nodiscard]] std::size_t scratch_size() const { return m_scratch; }

private:
    std::map<std::size_t, real_ring_dft<T>> m_plans;
    std::size_t m_scratch = 0;
};

}  // namespace sphaera::sht::detail
