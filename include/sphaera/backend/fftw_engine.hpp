#pragma once
/// \file fftw_engine.hpp
/// \brief Thin RAII wrapper over FFTW3 (Frigo & Johnson 2005) one-dimensional complex DFTs in
/// double (fftw_plan) and single (fftwf_plan) precision. Plans are made once (at a plan
/// constructor) and executed with the new-array interface fftw_execute_dft on any arrays
/// of the planned kind (in-place or out-of-place, any alignment: plans use FFTW_UNALIGNED),
/// which FFTW guarantees thread-safe and allocation-free. Planning and destruction are not
/// thread-safe in FFTW, so both take one process-wide mutex.

#include <complex>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>

#include <fftw3.h>

#include "sphaera/core/error.hpp"

namespace sphaera::backend {

namespace detail {
/// The mutex serialising every FFTW planner call made through sphaera.
inline std::mutex& fftw_planner_mutex() {
    static std::mutex m;
    return m;
}

template <class T>
struct fftw_api;
template <>
struct fftw_api<double> {
    using plan = fftw_plan;
    using cpx = fftw_complex;
    static plan make(int n, cpx* in, cpx* out, int sign, unsigned flags) {
        return fftw_plan_dft_1d(n, in, out, sign, flags);
    }
    static void exec(plan p, cpx* in, cpx* out) { fftw_execute_dft(p, in, out); }
    static void destroy(plan p) { fftw_destroy_plan(p); }
    static void* alloc(std::size_t n) { return fftw_malloc(n * sizeof(cpx)); }
    static void release(void* p) { fftw_free(p); }
};
template <>
struct fftw_api<float> {
    using plan = fftwf_plan;
    using cpx = fftwf_complex;
    static plan make(int n, cpx* in, cpx* out, int sign, unsigned flags) {
        return fftwf_plan_dft_1d(n, in, out, sign, flags);
    }
    static void exec(plan p, cpx* in, cpx* out) { fftwf_execute_dft(p, in, out); }
    static void destroy(plan p) { fftwf_destroy_plan(p); }
    static void* alloc(std::size_t n) { return fftwf_malloc(n * sizeof(cpx)); }
    static void release(void* p) { fftwf_free(p); }
};
}  // namespace detail

/// Direction of a DFT: forward y_k = Σ_j x_j e^{−2πijk/n}, backward with e^{+2πijk/n}
/// (unnormalised; backward is the adjoint of forward).
enum class fft_direction { forward = FFTW_FORWARD, backward = FFTW_BACKWARD };

/// Where a DFT plan reads and writes: the same array or two distinct arrays.
enum class fft_placement { in_place, out_of_place };

/// A planned 1-D complex DFT of size n (T = float or double). Move-only; execute() is const,
/// re-entrant and thread-safe.
template <class T>
class fftw_dft {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "fftw_dft: T must be float or double");
    using api = detail::fftw_api<T>;

public:
    fftw_dft() = default;
    /// Plans a size-n DFT. FFTW_ESTIMATE by default (fast planning, no array traffic);
    /// FFTW_MEASURE may be passed in \p flags. Throws invalid_argument for n < 1 and
    /// backend_unavailable if FFTW returns no plan.
    fftw_dft(std::size_t n, fft_direction dir, fft_placement place, unsigned flags = FFTW_ESTIMATE)
        : m_n(n), m_place(place) {
        if (n < 1 || n > static_cast<std::size_t>(1) << 30)
            sphaera::detail::raise<invalid_argument>("fftw_dft: size n = ", n,
                                                     " is out of range; valid range is [1, 2^30]");
        std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
        // Scratch arrays for the planner only: FFTW_MEASURE overwrites them, and with
        // FFTW_UNALIGNED the plan may later run on arrays of any alignment.
        const std::size_t count = place == fft_placement::in_place ? n : 2 * n;
        void* scratch = api::alloc(count);
        if (!scratch) sphaera::detail::raise<backend_unavailable>("fftw_dft: fftw_malloc of ", count, " elements failed");
        auto* in = static_cast<typename api::cpx*>(scratch);
        auto* out = place == fft_placement::in_place ? in : in + n;
        m_plan = api::make(static_cast<int>(n), in, out, static_cast<int>(dir), flags | FFTW_UNALIGNED);
        api::release(scratch);
        if (!m_plan)
            sphaera::detail::raise<backend_unavailable>("fftw_dft: FFTW could not plan a DFT of size ", n);
    }
    fftw_dft(const fftw_dft&) = delete;
    fftw_dft& operator=(const fftw_dft&) = delete;
    fftw_dft(fftw_dft&& o) noexcept
        : m_plan(std::exchange(o.m_plan, nullptr)), m_n(o.m_n), m_place(o.m_place) {}
    fftw_dft& operator=(fftw_dft&& o) noexcept {
        std::swap(m_plan, o.m_plan);
        std::swap(m_n, o.m_n);
        std::swap(m_place, o.m_place);
        return *this;
    }
    ~fftw_dft() {
        if (m_plan) {
            std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
            api::destroy(m_plan);
        }
    }

    [[nodiscard]] std::size_t size() const { return m_n; }

    /// In-place transform of data[0..n) (plan must be in_place).
    void execute(std::complex<T>* data) const {
        api::exec(m_plan, reinterpret_cast<typename api::cpx*>(data),
                  reinterpret_cast<typename api::cpx*>(data));
    }
    /// Out-of-place transform in[0..n) → out[0..n) (plan must be out_of_place; in is
    /// preserved, FFTW's default for out-of-place complex DFTs).
    void execute(const std::complex<T>* in, std::complex<T>* out) const {
        api::exec(m_plan, reinterpret_cast<typename api::cpx*>(const_cast<std::complex<T>*>(in)),
                  reinterpret_cast<typename api::cpx*>(out));
    }

private:
    typename api::plan m_plan = nullptr;
    std::size_t m_n = 0;
    fft_placement m_place = fft_placement::in_place;
};

/// In-place forward and backward DFT plans for a set of sizes (one pair per distinct size):
/// the ring FFTs of an SHT plan, where rings share few distinct lengths.
template <class T>
class fftw_dft_set {
public:
    /// Plans (once) forward and backward in-place DFTs of size n.
    void add(std::size_t n, unsigned flags = FFTW_ESTIMATE) {
        if (m_plans.count(n)) return;
        m_plans.emplace(n, pair{fftw_dft<T>(n, fft_direction::forward, fft_placement::in_place, flags),
                                fftw_dft<T>(n, fft_direction::backward, fft_placement::in_place, flags)});
    }
    /// The plan of size n (which must have been added).
    [[nodiscard]] const fftw_dft<T>& get(std::size_t n, fft_direction dir) const {
        const auto it = m_plans.find(n);
        if (it == m_plans.end())
            sphaera::detail::raise<invalid_argument>("fftw_dft_set: no plan of size ", n);
        return dir == fft_direction::forward ? it->second.fwd : it->second.bwd;
    }

private:
    struct pair {
        fftw_dft<T> fwd, bwd;
    };
    std::map<std::size_t, pair> m_plans;
};

}  // namespace sphaera::backend
