#pragma once
/// \file fftw_engine.hpp
/// \brief Thin RAII wrapper over FFTW3 (Frigo & Johnson 2005) one-dimensional complex DFTs in
/// double (fftw_plan) and single (fftwf_plan) precision. Plans are made once (at a plan
/// constructor) and executed with the new-array interface fftw_execute_dft on any arrays
/// of the planned kind (in-place or out-of-place, any alignment: plans use FFTW_UNALIGNED),
/// which FFTW guarantees thread-safe and allocation-free. Planning and destruction are not
/// thread-safe in FFTW, so both take one process-wide mutex.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <vector>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
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
    /// `aligned`: plan for arrays aligned like fftw_malloc's (SIMD codelets); the caller
    /// then must only execute on such arrays (any_size_dft checks).
    fftw_dft(std::size_t n, fft_direction dir, fft_placement place, unsigned flags = FFTW_ESTIMATE,
             bool aligned = false)
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
        m_plan = api::make(static_cast<int>(n), in, out, static_cast<int>(dir), aligned ? flags : (flags | FFTW_UNALIGNED));
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

namespace detail {
/// Largest prime factor of n ≥ 1.
inline std::size_t largest_prime_factor(std::size_t n) {
    std::size_t best = 1;
    for (std::size_t p = 2; p * p <= n; ++p)
        while (n % p == 0) {
            best = p;
            n /= p;
        }
    return n > 1 ? n : best;
}
/// Smallest n' ≥ n of the form 2^a 3^b 5^c 7^d (FFTW's fast sizes).
inline std::size_t smooth_size(std::size_t n) {
    for (std::size_t k = n < 1 ? 1 : n;; ++k) {
        std::size_t r = k;
        for (std::size_t p : {2, 3, 5, 7})
            while (r % p == 0) r /= p;
        if (r == 1) return k;
    }
}
/// Smallest n' ≥ n of the form 2^a, 3·2^a or 5·2^a: Bluestein's convolution length. Coarser
/// than smooth_size (at most 4/3 longer), so that the many ring lengths of a HEALPix grid
/// share a few dozen cached FFTW plans instead of planning hundreds of lengths.
inline std::size_t bluestein_size(std::size_t n) {
    std::size_t best = 0;
    for (std::size_t f : {1, 3, 5}) {
        std::size_t k = f;
        while (k < n) k *= 2;
        if (!best || k < best) best = k;
    }
    return best;
}
/// True when n has no prime factor above 7 (FFTW plans such sizes in microseconds; sizes with
/// a factor 11…47 take milliseconds even with FFTW_ESTIMATE, which dominated HEALPix plans).
inline bool is_smooth(std::size_t n) { return n >= 1 && smooth_size(n) == n; }

/// Process-wide cache of in-place FFTW plans by (size, direction, alignment), so the plans
/// Bluestein needs (a few smooth lengths K shared by many ring lengths and by both
/// directions) and repeated plan constructions plan each length once. Holds weak
/// references: a plan lives while some any_size_dft uses it.
template <class T>
class fftw_plan_cache;

/// A pointer into `base` rounded up to 64 bytes (base must hold 4 spare complex values).
template <class T>
inline std::complex<T>* align64(std::complex<T>* base) {
    const auto a = reinterpret_cast<std::uintptr_t>(base);
    return reinterpret_cast<std::complex<T>*>((a + 63) & ~static_cast<std::uintptr_t>(63));
}
}  // namespace detail

namespace detail {
template <class T>
class fftw_plan_cache {
public:
    /// The shared in-place plan of size n and direction dir (64-byte aligned arrays only
    /// when aligned).
    static std::shared_ptr<const fftw_dft<T>> get(std::size_t n, fft_direction dir, bool aligned) {
        static std::mutex m;
        static std::map<std::tuple<std::size_t, int, bool>, std::weak_ptr<const fftw_dft<T>>> plans;
        const auto key = std::make_tuple(n, static_cast<int>(dir), aligned);
        std::lock_guard<std::mutex> lock(m);  // distinct from the planner mutex fftw_dft takes
        auto& slot = plans[key];
        if (auto p = slot.lock()) return p;
        auto p = std::make_shared<const fftw_dft<T>>(n, dir, fft_placement::in_place, FFTW_ESTIMATE, aligned);
        slot = p;
        return p;
    }
};
}  // namespace detail

/// A 1-D complex DFT of any size n, in place, fast for every n. Smooth sizes (and sizes whose
/// largest prime factor is ≤ 47, where FFTW's generic codelets are still quick) run FFTW
/// directly, with a plan for 64-byte aligned data and an FFTW_UNALIGNED fallback picked per
/// call. Other sizes (2L−1 = 2047 = 23·89 at L = 1024…) use Bluestein's chirp-z identity
/// (Bluestein 1970; Rabiner, Schafer & Rader 1969): with c_j = e^{iπj²/n} (forward),
///   X_k = Σ_j x_j e^{−2πijk/n} = conj(c_k) Σ_j (x_j conj(c_j)) c_{k−j},
/// a cyclic convolution of smooth length K ≥ 2n−1, exact up to rounding (chirps from j² mod
/// 2n in integers). Its scratch (scratch_size() values) comes from the caller, so execution
/// can be allocation-free; execute() without scratch allocates it. FFTW plans come from a
/// process-wide cache (detail::fftw_plan_cache), so equal lengths are planned once.
template <class T>
class any_size_dft {
public:
    any_size_dft() = default;
    /// fast_execution: FFTW directly for n ≤ 256 or largest prime factor ≤ 47 (planning such
    /// a size costs milliseconds; worth it for a length executed many times per transform).
    /// fast_planning: FFTW directly only for n ≤ 128 (well under a millisecond to plan) and
    /// n = 2^a, 3·2^a, 5·2^a; Bluestein otherwise (microseconds to plan: its few K plans are
    /// shared through the cache).
    enum class policy { fast_execution, fast_planning };
    any_size_dft(std::size_t n, fft_direction dir, policy pol = policy::fast_execution)
        : m_n(n), m_sign(dir == fft_direction::forward ? -1 : 1) {
        if (n < 1 || n > static_cast<std::size_t>(1) << 29)
            sphaera::detail::raise<invalid_argument>("any_size_dft: size n = ", n,
                                                     " is out of range; valid range is [1, 2^29]");
        const bool direct = pol == policy::fast_execution ? (n <= 256 || detail::largest_prime_factor(n) <= 47)
                                                          : (n <= 128 || detail::bluestein_size(n) == n);
        if (direct) {
            // fast_planning skips the unaligned plan: unaligned data goes through scratch.
            if (pol == policy::fast_execution) m_direct = detail::fftw_plan_cache<T>::get(n, dir, false);
            m_direct_aligned = aligned_plan(n, dir);
            return;
        }
        m_K = detail::bluestein_size(2 * n - 1);
        m_fwd = aligned_plan(m_K, fft_direction::forward);
        m_bwd = aligned_plan(m_K, fft_direction::backward);
        // Input/output factor e^{sign·iπj²/n} (sign −1 forward), kernel its conjugate.
        auto chirp = std::make_shared<std::vector<std::complex<T>>>(n);
        const std::uint64_t two_n = 2 * static_cast<std::uint64_t>(n);
        for (std::size_t j = 0; j < n; ++j) {
            const std::uint64_t q = (static_cast<std::uint64_t>(j) * j) % two_n;
            const double ang = m_sign * std::numbers::pi * static_cast<double>(q) / static_cast<double>(n);
            (*chirp)[j] = std::complex<T>(static_cast<T>(std::cos(ang)), static_cast<T>(std::sin(ang)));
        }
        // Kernel b_p = conj(chirp_p) for p in (−n, n), wrapped mod K; stored transformed / K.
        std::vector<std::complex<T>> raw(m_K + 8);
        std::complex<T>* b = detail::align64(raw.data());
        for (std::size_t p = 0; p < m_K; ++p) b[p] = 0;
        for (std::size_t p = 0; p < n; ++p) {
            b[p] = std::conj((*chirp)[p]);
            if (p) b[m_K - p] = b[p];
        }
        m_fwd->execute(b);
        // b is even (b_{K−p} = b_p), so is its DFT: keep p ≤ K/2 only.
        auto kernel = std::make_shared<std::vector<std::complex<T>>>(m_K / 2 + 1);
        for (std::size_t p = 0; p <= m_K / 2; ++p) (*kernel)[p] = b[p] / static_cast<T>(m_K);
        m_chirp = std::move(chirp);
        m_kernel = std::move(kernel);
    }

    [[nodiscard]] std::size_t size() const { return m_n; }
    /// The same-size DFT of the opposite direction, without trigonometry or planning: the
    /// chirp conjugates, and the kernel of the conjugate chirp is conj(b̂_{−p}) = conj(b̂_p);
    /// both are shared with this object and conjugated on the fly.
    [[nodiscard]] any_size_dft reversed() const {
        any_size_dft r;
        r.m_n = m_n;
        r.m_K = m_K;
        r.m_sign = -m_sign;
        const auto dir = m_sign < 0 ? fft_direction::backward : fft_direction::forward;
        if (!m_K) {
            if (m_direct) r.m_direct = detail::fftw_plan_cache<T>::get(m_n, dir, false);
            r.m_direct_aligned = aligned_plan(m_n, dir);
            return r;
        }
        r.m_fwd = m_fwd;
        r.m_bwd = m_bwd;
        r.m_chirp = m_chirp;
        r.m_kernel = m_kernel;
        r.m_conj = !m_conj;
        return r;
    }
    /// Complex values of scratch execute(data, scratch) needs (0 for direct FFTW sizes).
    [[nodiscard]] std::size_t scratch_size() const { return m_K ? m_K + 8 : m_direct ? 0 : m_n + 8; }
    [[nodiscard]] bool uses_bluestein() const { return m_K != 0; }

    /// In-place DFT of data[0..n); scratch: (scratch_size()) values, any alignment.
    void execute(std::complex<T>* data, std::complex<T>* scratch) const {
        if (!m_K) {
            if (reinterpret_cast<std::uintptr_t>(data) % 64 == 0) {
                m_direct_aligned->execute(data);
            } else if (m_direct) {
                m_direct->execute(data);
            } else {
                std::complex<T>* a = detail::align64(scratch);
                std::copy(data, data + m_n, a);
                m_direct_aligned->execute(a);
                std::copy(a, a + m_n, data);
            }
            return;
        }
        std::complex<T>* a = detail::align64(scratch);
        // Products written out: std::complex's operator* is not inlined without -ffast-math
        // (Annex G NaN handling) and would dominate.
        T* ar = reinterpret_cast<T*>(a);
        T* d = reinterpret_cast<T*>(data);
        const T* c = reinterpret_cast<const T*>(m_chirp->data());
        const T* kr = reinterpret_cast<const T*>(m_kernel->data());
        const T sc = m_conj ? T(-1) : T(1);
        for (std::size_t j = 0; j < m_n; ++j) {
            const T xr = d[2 * j], xi = d[2 * j + 1], cr = c[2 * j], ci = sc * c[2 * j + 1];
            ar[2 * j] = xr * cr - xi * ci;
            ar[2 * j + 1] = xr * ci + xi * cr;
        }
        for (std::size_t j = 2 * m_n; j < 2 * m_K; ++j) ar[j] = 0;
        m_fwd->execute(a);
        const std::size_t h = m_K / 2;
        for (std::size_t p = 0; p < m_K; ++p) {
            const std::size_t q = p <= h ? p : m_K - p;
            const T xr = ar[2 * p], xi = ar[2 * p + 1], cr = kr[2 * q], ci = sc * kr[2 * q + 1];
            ar[2 * p] = xr * cr - xi * ci;
            ar[2 * p + 1] = xr * ci + xi * cr;
        }
        m_bwd->execute(a);
        for (std::size_t k = 0; k < m_n; ++k) {
            const T xr = ar[2 * k], xi = ar[2 * k + 1], cr = c[2 * k], ci = sc * c[2 * k + 1];
            d[2 * k] = xr * cr - xi * ci;
            d[2 * k + 1] = xr * ci + xi * cr;
        }
    }
    /// In-place DFT that allocates its own scratch.
    void execute(std::complex<T>* data) const {
        std::vector<std::complex<T>> s(scratch_size());
        execute(data, s.data());
    }

private:
    /// A plan for 64-byte aligned in-place arrays (no FFTW_UNALIGNED: SIMD codelets apply).
    static std::shared_ptr<const fftw_dft<T>> aligned_plan(std::size_t n, fft_direction dir) {
        return detail::fftw_plan_cache<T>::get(n, dir, /*aligned=*/true);
    }

    std::size_t m_n = 0, m_K = 0;
    int m_sign = -1;
    std::shared_ptr<const fftw_dft<T>> m_direct, m_direct_aligned, m_fwd, m_bwd;
    bool m_conj = false;                                       // use conj(chirp), conj(kernel)
    std::shared_ptr<const std::vector<std::complex<T>>> m_chirp;   // (n)
    std::shared_ptr<const std::vector<std::complex<T>>> m_kernel;  // (K/2 + 1), even in p
};

/// Forward and backward any_size_dft plans for a set of sizes (the ring FFTs of an SHT plan).
template <class T>
class any_size_dft_set {
public:
    /// Rings of one length at least this many take the fast_execution policy; rarer
    /// awkward lengths (HEALPix polar rings: two each) fast_planning.
    static constexpr std::size_t many_uses = 32;
    /// Adds forward and backward plans of size n, to be executed \p uses times per transform.
    void add(std::size_t n, std::size_t uses = many_uses) {
        if (m_plans.count(n)) return;
        using pol = typename any_size_dft<T>::policy;
        const pol p = uses >= many_uses ? pol::fast_execution : pol::fast_planning;
        any_size_dft<T> fwd(n, fft_direction::forward, p);
        any_size_dft<T> bwd = fwd.reversed();
        m_plans.emplace(n, pair{std::move(fwd), std::move(bwd)});
        m_scratch = std::max(m_scratch, m_plans.at(n).fwd.scratch_size());
    }
    /// Adds every ring length of `lengths` (a range of sizes, repeats counted).
    template <class Range>
    void add_all(const Range& lengths) {
        std::map<std::size_t, std::size_t> count;
        for (const auto n : lengths) ++count[static_cast<std::size_t>(n)];
        for (const auto& [n, c] : count) add(n, c);
    }
    [[nodiscard]] const any_size_dft<T>& get(std::size_t n, fft_direction dir) const {
        const auto it = m_plans.find(n);
        if (it == m_plans.end()) sphaera::detail::raise<invalid_argument>("any_size_dft_set: no plan of size ", n);
        return dir == fft_direction::forward ? it->second.fwd : it->second.bwd;
    }
    /// Largest scratch_size() over the set.
    [[nodiscard]] std::size_t scratch_size() const { return m_scratch; }

private:
    struct pair {
        any_size_dft<T> fwd, bwd;
    };
    std::map<std::size_t, pair> m_plans;
    std::size_t m_scratch = 0;
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
