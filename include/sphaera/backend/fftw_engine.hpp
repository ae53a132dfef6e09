#pragma once
/// \file fftw_engine.hpp
/// \brief Thin RAII wrapper over FFTW3 (Frigo & Johnson 2005) one-dimensional complex DFTs in
/// double (fftw_plan) and single (fftwf_plan) precision. Plans are made once (at a plan
/// constructor) and executed with the new-array interface fftw_execute_dft on any arrays
/// of the planned kind (in-place or out-of-place, any alignment: plans use FFTW_UNALIGNED),
/// which FFTW guarantees thread-safe and allocation-free. Planning and destruction are not
/// thread-safe in FFTW, so both take one process-wide mutex.

#include <algorithm>
#include <array>
#include <bit>
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

#include "sphaera/backend/fft_sizes.hpp"
#include "sphaera/backend/two_factor_dft.hpp"
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
        if (splits(n, flags)) {
            make_split(dir, flags, aligned);
            return;
        }
        std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
        // Scratch arrays for the planner only: FFTW_MEASURE overwrites them, and with
        // FFTW_UNALIGNED the plan may later run on arrays of any alignment.
        // The output starts a multiple of 8 elements in, so that both arrays have fftw_malloc's
        // alignment (for float, in + n is misaligned for odd n and the plan would only run on
        // arrays misaligned the same way).
        const std::size_t stride = (n + 7) / 8 * 8;
        const std::size_t count = place == fft_placement::in_place ? n : 2 * stride;
        void* scratch = api::alloc(count);
        if (!scratch) sphaera::detail::raise<backend_unavailable>("fftw_dft: fftw_malloc of ", count, " elements failed");
        auto* in = static_cast<typename api::cpx*>(scratch);
        auto* out = place == fft_placement::in_place ? in : in + stride;
        m_plan = api::make(static_cast<int>(n), in, out, static_cast<int>(dir), aligned ? flags : (flags | FFTW_UNALIGNED));
        api::release(scratch);
        if (!m_plan)
            sphaera::detail::raise<backend_unavailable>("fftw_dft: FFTW could not plan a DFT of size ", n);
    }
    fftw_dft(const fftw_dft&) = delete;
    fftw_dft& operator=(const fftw_dft&) = delete;
    fftw_dft(fftw_dft&& o) noexcept
        : m_plan(std::exchange(o.m_plan, nullptr)), m_n(o.m_n), m_place(o.m_place), m_quarter(std::move(o.m_quarter)),
          m_tw(std::move(o.m_tw)), m_sign(o.m_sign) {}
    fftw_dft& operator=(fftw_dft&& o) noexcept {
        std::swap(m_plan, o.m_plan);
        std::swap(m_n, o.m_n);
        std::swap(m_place, o.m_place);
        std::swap(m_quarter, o.m_quarter);
        std::swap(m_tw, o.m_tw);
        std::swap(m_sign, o.m_sign);
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
        if (m_quarter) return execute_split(data, data);
        api::exec(m_plan, reinterpret_cast<typename api::cpx*>(data),
                  reinterpret_cast<typename api::cpx*>(data));
    }
    /// Out-of-place transform in[0..n) → out[0..n) (plan must be out_of_place; in is
    /// preserved, FFTW's default for out-of-place complex DFTs).
    void execute(const std::complex<T>* in, std::complex<T>* out) const {
        if (m_quarter) return execute_split(in, out);
        api::exec(m_plan, reinterpret_cast<typename api::cpx*>(const_cast<std::complex<T>*>(in)),
                  reinterpret_cast<typename api::cpx*>(out));
    }
    /// True when this plan runs as one radix-4 step over four FFTW plans of n/4 (see splits).
    [[nodiscard]] bool is_split() const { return m_quarter != nullptr; }

    /// Sizes above this, divisible by 8 with n/4 free of primes above 7, run as one radix-4
    /// decimation-in-time step over four FFTW plans of n/4 (recursively while n/4 is still
    /// above it), unless FFTW_MEASURE or stronger planning was asked for. FFTW_ESTIMATE's
    /// own plans for these sizes are slow on this class of CPU (Zen 5, per transform: 8192
    /// points 37 µs, split 16 µs, FFTW_MEASURE's plan 15 µs; 16384 points 78 µs, split
    /// 46–53 µs; they are the Bluestein lengths of the 8191-sample rings at L = 4096), and
    /// FFTW_MEASURE takes 0.2–0.5 s per size and direction to plan and picks plans by
    /// timing, so outputs could differ in the last bits from one process to the next. The
    /// step costs two passes over the data (the gather and the butterflies). At 4096 itself
    /// the split gained 0–20 % (noise-level), at 2560 and 3072 it lost: it starts above.
    static constexpr std::size_t split_above = 4096;
    [[nodiscard]] static bool splits(std::size_t n, unsigned flags) {
        const bool estimate = (flags & FFTW_ESTIMATE) != 0;  // FFTW_MEASURE is the zero flag
        if (!estimate || n <= split_above || n % 8 != 0) return false;
        std::size_t q = n / 4;  // FFTW's quarter plans are fast only for 7-smooth sizes
        for (std::size_t p : {2, 3, 5, 7})
            while (q % p == 0) q /= p;
        return q == 1;
    }

private:
    using cpx = std::complex<T>;
    /// The radix-4 plan: the quarter-size plan (out of place, planned alone: the planner
    /// mutex is not held here) and the twiddles w^{tk'}, t = 1..3, k' < n/4, w = e^{∓2πi/n}.
    void make_split(fft_direction dir, unsigned flags, bool aligned) {
        const std::size_t m = m_n / 4;
        m_sign = dir == fft_direction::forward ? -1 : 1;
        m_quarter = std::make_shared<const fftw_dft>(m, dir, fft_placement::out_of_place, flags, aligned);
        m_tw.resize(3 * m);
        const long double step = 2.0L * 3.141592653589793238462643383279502884L / static_cast<long double>(m_n);
        for (std::size_t k = 0; k < m; ++k)
            for (std::size_t t = 1; t <= 3; ++t) {
                const long double ang = step * static_cast<long double>(t * k);
                m_tw[3 * k + t - 1] = cpx(static_cast<T>(std::cos(ang)), static_cast<T>(m_sign * std::sin(ang)));
            }
    }
    /// X_{k'+s·m} = Σ_t w^{tk'} i^{∓ts} Y_t[k'] with Y_t the DFT of the samples j ≡ t (mod 4):
    /// the samples are gathered into a per-thread buffer (four contiguous quarters), the four
    /// quarter DFTs land in out's quarters, and the butterflies run in place on out. Buffers
    /// are per size class (bit width of n), so a quarter plan that splits again, reading the
    /// caller's buffer, gathers into its own.
    void execute_split(const cpx* in, cpx* out) const {
        const std::size_t m = m_n / 4;
        thread_local std::array<std::vector<cpx>, 32> buffers;
        std::vector<cpx>& buffer = buffers[static_cast<std::size_t>(std::bit_width(m_n))];
        if (buffer.size() < m_n) buffer.resize(m_n);
        T* g = reinterpret_cast<T*>(buffer.data());
        const T* x = reinterpret_cast<const T*>(in);
        for (std::size_t j = 0; j < m; ++j)
            for (std::size_t t = 0; t < 4; ++t) {
                g[2 * (t * m + j)] = x[2 * (4 * j + t)];
                g[2 * (t * m + j) + 1] = x[2 * (4 * j + t) + 1];
            }
        for (std::size_t t = 0; t < 4; ++t) m_quarter->execute(buffer.data() + t * m, out + t * m);
        T* y = reinterpret_cast<T*>(out);
        const T* w = reinterpret_cast<const T*>(m_tw.data());
        const T sg = static_cast<T>(m_sign);  // i^{∓1} = sg·i
        for (std::size_t k = 0; k < m; ++k) {
            T* p0 = y + 2 * k;
            T* p1 = p0 + 2 * m;
            T* p2 = p1 + 2 * m;
            T* p3 = p2 + 2 * m;
            const T* c = w + 6 * k;
            const T a0r = p0[0], a0i = p0[1];
            const T a1r = p1[0] * c[0] - p1[1] * c[1], a1i = p1[0] * c[1] + p1[1] * c[0];
            const T a2r = p2[0] * c[2] - p2[1] * c[3], a2i = p2[0] * c[3] + p2[1] * c[2];
            const T a3r = p3[0] * c[4] - p3[1] * c[5], a3i = p3[0] * c[5] + p3[1] * c[4];
            const T s0r = a0r + a2r, s0i = a0i + a2i, d0r = a0r - a2r, d0i = a0i - a2i;
            const T s1r = a1r + a3r, s1i = a1i + a3i;
            // (a1 − a3)·sg·i
            const T d1r = -sg * (a1i - a3i), d1i = sg * (a1r - a3r);
            p0[0] = s0r + s1r;
            p0[1] = s0i + s1i;
            p1[0] = d0r + d1r;
            p1[1] = d0i + d1i;
            p2[0] = s0r - s1r;
            p2[1] = s0i - s1i;
            p3[0] = d0r - d1r;
            p3[1] = d0i - d1i;
        }
    }

    typename api::plan m_plan = nullptr;
    std::size_t m_n = 0;
    fft_placement m_place = fft_placement::in_place;
    std::shared_ptr<const fftw_dft> m_quarter;  // split plans only (see splits)
    std::vector<cpx> m_tw;                      // (3n/4) split plans only
    int m_sign = -1;
};

namespace detail {
/// Process-wide cache of in-place FFTW plans by (size, direction, alignment), so the plans
/// Bluestein needs (a few smooth lengths K shared by many ring lengths and by both
/// directions) and repeated plan constructions plan each length once. Holds weak
/// references: a plan lives while some any_size_dft uses it.
template <class T>
class fftw_plan_cache {
public:
    /// The shared plan of size n, direction dir and placement place, made for arrays that
    /// FFTW considers aligned (fftw_alignment_of = 0: SIMD codelets) when aligned, else
    /// with FFTW_UNALIGNED.
    static std::shared_ptr<const fftw_dft<T>> get(std::size_t n, fft_direction dir, bool aligned,
                                                  fft_placement place = fft_placement::in_place) {
        static std::mutex m;
        static std::map<std::tuple<std::size_t, int, bool, int>, std::weak_ptr<const fftw_dft<T>>> plans;
        const auto key = std::make_tuple(n, static_cast<int>(dir), aligned, static_cast<int>(place));
        std::lock_guard<std::mutex> lock(m);  // distinct from the planner mutex fftw_dft takes
        auto& slot = plans[key];
        if (auto p = slot.lock()) return p;
        auto p = std::make_shared<const fftw_dft<T>>(n, dir, place, FFTW_ESTIMATE, aligned);
        slot = p;
        return p;
    }
};

/// True when FFTW's SIMD codelets accept p (fftw_alignment_of(p) = 0: 16 bytes here; always
/// true for std::complex<double>, not for std::complex<float>).
inline bool fftw_aligned(const std::complex<double>* p) {
    return fftw_alignment_of(const_cast<double*>(reinterpret_cast<const double*>(p))) == 0;
}
inline bool fftw_aligned(const std::complex<float>* p) {
    return fftwf_alignment_of(const_cast<float*>(reinterpret_cast<const float*>(p))) == 0;
}

/// e^{−iπq/d} for integers q ∈ [0, 2d), as coarse[q / B]·fine[q % B] from two tables of
/// about √(2d) directly computed values: a few roundings instead of one sin/cos pair per q
/// (plan construction of the many Bluestein lengths of a HEALPix grid was trigonometry-bound).
class half_turn_roots {
public:
    explicit half_turn_roots(std::uint64_t d) : m_B(1) {
        const std::uint64_t n = 2 * d;
        while (m_B * m_B < n) ++m_B;
        const double pi = std::numbers::pi, dd = static_cast<double>(d);
        m_fine.resize(m_B);
        for (std::uint64_t r = 0; r < m_B; ++r) m_fine[r] = std::polar(1.0, -pi * static_cast<double>(r) / dd);
        m_coarse.resize((n + m_B - 1) / m_B);
        for (std::uint64_t c = 0; c < m_coarse.size(); ++c)
            m_coarse[c] = std::polar(1.0, -pi * static_cast<double>(c * m_B) / dd);
    }
    std::complex<double> operator()(std::uint64_t q) const { return m_coarse[q / m_B] * m_fine[q % m_B]; }

private:
    std::uint64_t m_B;
    std::vector<std::complex<double>> m_fine, m_coarse;
};

/// c = a·b written out: std::complex's operator* is not inlined without -ffast-math (C99
/// Annex G NaN handling) and would dominate the Bluestein passes. sb = −1 conjugates b.
template <class T>
inline void cmul(const T* a, const T* b, T sb, T* c) {
    const T ar = a[0], ai = a[1], br = b[0], bi = sb * b[1];
    c[0] = ar * br - ai * bi;
    c[1] = ar * bi + ai * br;
}
}  // namespace detail

/// A 1-D complex DFT of any size n, in place or out of place, fast for every n.
///
/// Sizes FFTW handles well (small n and, for the fast_execution policy, largest prime factor
/// ≤ 23: see the constructor) run FFTW directly, always through an out-of-place plan (in
/// place: into scratch and back — FFTW_ESTIMATE's in-place plans of 1024–4096 points run
/// 1.3–1.7× slower than its out-of-place ones plus the copy).
///
/// Other sizes (2L−1 = 2047 = 23·89 at L = 1024, 1023 = 3·11·31, 511 = 7·73, …) use
/// Bluestein's chirp-z identity (Bluestein 1970; Rabiner, Schafer & Rader 1969): with the
/// chirp a_j = e^{∓iπj²/n} (forward: −),
///   X_k = Σ_j x_j e^{∓2πijk/n} = a_k Σ_j (x_j a_j) b_{k−j},  b_p = conj(a_p),
/// a cyclic convolution of length K = 2K', K' ≥ n of the form 2^a, 3·2^a or 5·2^a (so
/// K ≥ 2n − 1: exact up to rounding; chirps from j² mod 2n in integers). As the input a·x
/// fills at most the first half of the K points and only the first n ≤ K' outputs are
/// kept, each length-K FFT is one
/// radix-2 step of two length-K' FFTs (Y_2q = FFT(y)_q, Y_2q+1 = FFT(y·w^j)_q with
/// w = e^{−2πi/K}; z_k = IFFT(Z_even)_k + w^{−k} IFFT(Z_odd)_k), and the twiddles ride on
/// the chirp tables: four FFTs of length K' ≈ n in three passes (measured at n = 2047 on
/// Zen 5: 12 µs, against 21 µs for the former two length-4096 in-place FFTs and 30–40 µs for
/// FFTW's own 23·89 plan). Where n = n1·n2 with odd factors ≤ 127 and the estimate
/// favours it (double precision, AVX-512 builds), the two-factor DFT of two_factor_dft.hpp
/// replaces Bluestein (2047: 6.2 against 12.9 µs; 1023: 2.4 against 6.1).
/// Its scratch (scratch_size() values) comes from the caller, so
/// execution is allocation-free; execute() without scratch allocates it. FFTW plans come from
/// a process-wide cache (detail::fftw_plan_cache), so equal lengths are planned once.
template <class T>
class any_size_dft {
    using cpx = std::complex<T>;

public:
    any_size_dft() = default;
    /// fast_execution: FFTW directly for n ≤ 64 or largest prime factor ≤ 23, Bluestein
    /// otherwise (measured against FFTW_ESTIMATE's out-of-place plans at n ≈ 128–4096: FFTW
    /// faster or equal up to p = 23, equal at 29–31, slower by 1.1–3× beyond: 38 against
    /// 12 µs at 2047 = 23·89). fast_planning: FFTW directly only for n ≤ 128 and n = 2^a,
    /// 3·2^a, 5·2^a; Bluestein otherwise (microseconds to plan). Both take K' = the least
    /// 2^a, 3·2^a or 5·2^a ≥ n (FFTW runs these 1.5–2× faster per point than other smooth
    /// sizes, and their few plans are shared through the cache by the many ring lengths of
    /// a HEALPix grid).
    enum class policy { fast_execution, fast_planning };
    /// allow_two_factor = false keeps Bluestein where FFTW is not used directly (for side-by-side
    /// benchmarks and tests of both paths).
    any_size_dft(std::size_t n, fft_direction dir, policy pol = policy::fast_execution, bool allow_two_factor = true)
        : m_n(n), m_sign(dir == fft_direction::forward ? -1 : 1) {
        if (n < 1 || n > static_cast<std::size_t>(1) << 29)
            sphaera::detail::raise<invalid_argument>("any_size_dft: size n = ", n,
                                                     " is out of range; valid range is [1, 2^29]");
        if (direct_size(n, pol)) {
            m_direct = plan_of(n, dir);
            return;
        }
        if (const auto sp = allow_two_factor ? two_factor_split(n) : two_factor_dft::split{}; sp.n1) {
            m_tf = two_factor_dft(sp.n1, sp.n2, dir == fft_direction::forward);
            return;
        }
        m_Kh = detail::bluestein_size(n);
        m_fwd = plan_of(m_Kh, fft_direction::forward);
        m_bwd = plan_of(m_Kh, fft_direction::backward);
        // Tables of the forward chirp a_j = e^{−iπj²/n} (the backward DFT conjugates them on the
        // fly, see reversed()), in double, then rounded to T.
        const std::size_t K = 2 * m_Kh;
        const detail::half_turn_roots chirp_root(n), twiddle_root(m_Kh);  // e^{−iπq/n}, e^{−iπq/K'} = e^{−2πiq/K}
        const std::uint64_t two_n = 2 * static_cast<std::uint64_t>(n);
        std::vector<std::complex<double>> a(n);
        auto tab = std::make_shared<tables>();
        tab->a.resize(n);
        tab->aw.resize(n);
        tab->awc.resize(n);
        for (std::size_t j = 0; j < n; ++j) {
            a[j] = chirp_root((static_cast<std::uint64_t>(j) * j) % two_n);
            const std::complex<double> tw = twiddle_root(j);  // w^j, j < n ≤ K'
            tab->a[j] = cpx(a[j]);
            tab->aw[j] = cpx(a[j] * tw);
            tab->awc[j] = cpx(a[j] * std::conj(tw));
        }
        // Kernel b_p = conj(a_p), p in (−n, n) wrapped mod K (even: b_{K−p} = b_p); its length-K
        // DFT B̂ by the same radix-2 split, B̂_2q = FFT(b_q + b_{q+K'}), B̂_2q+1 = FFT((b_q −
        // b_{q+K'}) w^q), stored as (even, odd) halves with the 1/K of the inverse folded in.
        // b_{q+K'} = b_{K'−q} is nonzero for 0 < K' − q < n (q + K' ≥ K' ≥ n).
        const std::size_t pad = pad8(m_Kh);
        std::vector<cpx> raw(4 * pad + 8);
        cpx* s = detail::align64(raw.data());
        cpx *lo = s, *hi = s + pad, *e = s + 2 * pad, *o = s + 3 * pad;
        for (std::size_t q = 0; q < m_Kh; ++q) {
            const std::complex<double> b0 = q < n ? std::conj(a[q]) : 0.0,
                                       b1 = (q > 0 && m_Kh - q < n) ? std::conj(a[m_Kh - q]) : 0.0;
            lo[q] = cpx(b0 + b1);
            hi[q] = cpx((b0 - b1) * twiddle_root(q));
        }
        m_fwd->execute(lo, e);
        m_fwd->execute(hi, o);
        tab->ke.resize(m_Kh);
        tab->ko.resize(m_Kh);
        for (std::size_t q = 0; q < m_Kh; ++q) {
            tab->ke[q] = e[q] / static_cast<T>(K);
            tab->ko[q] = o[q] / static_cast<T>(K);
        }
        m_tab = std::move(tab);
        m_conj = dir == fft_direction::backward;
    }

    [[nodiscard]] std::size_t size() const { return m_n; }
    /// The same-size DFT of the opposite direction, without trigonometry or planning: the
    /// backward chirp is conj(a), and with it the tables swap roles (a·w ↔ conj(a·w̄)) and the
    /// kernel, the DFT of the even conj(b), is conj(B̂); all are shared with this object.
    [[nodiscard]] any_size_dft reversed() const {
        any_size_dft r;
        r.m_n = m_n;
        r.m_Kh = m_Kh;
        r.m_sign = -m_sign;
        if (m_tf.size()) {
            r.m_tf = m_tf.reversed();
            return r;
        }
        if (!m_Kh) {
            r.m_direct = plan_of(m_n, m_sign < 0 ? fft_direction::backward : fft_direction::forward);
            return r;
        }
        r.m_fwd = m_fwd;
        r.m_bwd = m_bwd;
        r.m_tab = m_tab;
        r.m_conj = !m_conj;
        return r;
    }
    /// Complex values of scratch execute() needs.
    [[nodiscard]] std::size_t scratch_size() const {
        if (m_tf.size()) return m_tf.scratch_size();
        return m_Kh ? 4 * pad8(m_Kh) + 8 : 2 * pad8(m_n) + 8;
    }
    [[nodiscard]] bool uses_bluestein() const { return m_Kh != 0; }
    /// Whether the two-factor path (two_factor_dft) runs this size.
    [[nodiscard]] bool uses_two_factor() const { return m_tf.size() != 0; }

    /// In-place DFT of data[0..n); scratch: (scratch_size()) values, any alignment.
    void execute(cpx* data, cpx* scratch) const { execute(data, data, scratch); }
    /// Out-of-place DFT in[0..n) → out[0..n) (in == out allowed; in is otherwise preserved);
    /// scratch: (scratch_size()) values, any alignment.
    void execute(const cpx* in, cpx* out, cpx* scratch) const {
        if constexpr (std::is_same_v<T, double>) {
            if (m_tf.size()) return m_tf.execute(in, out, scratch);
        }
        cpx* s = detail::align64(scratch);
        if (!m_Kh) {
            // FFTW's new-array execute needs arrays of the planned alignment (fftw_alignment_of).
            const bool ok_in = detail::fftw_aligned(in), ok_out = detail::fftw_aligned(out);
            if (ok_in && ok_out && in != out) return m_direct->execute(in, out);
            const cpx* src = in;
            if (!ok_in) {
                std::copy(in, in + m_n, s + pad8(m_n));
                src = s + pad8(m_n);
            }
            if (ok_out && src != out) return m_direct->execute(src, out);
            m_direct->execute(src, s);
            std::copy(s, s + m_n, out);
            return;
        }
        bluestein(in, out, s);
    }
    /// In-place DFT that allocates its own scratch.
    void execute(cpx* data) const {
        std::vector<cpx> s(scratch_size());
        execute(data, s.data());
    }

private:
    struct tables {
        std::vector<cpx> a, aw, awc;  // (n) a_j, a_j w^j, a_j w^{−j} (forward chirp a_j = e^{−iπj²/n})
        std::vector<cpx> ke, ko;      // (K') B̂_2q / K, B̂_2q+1 / K
    };
    static std::size_t pad8(std::size_t n) { return (n + 7) / 8 * 8; }
    /// The two-factor split for n where it is expected to beat Bluestein, else {0, 0}:
    /// double precision and AVX-512 builds only (its eight-lane kernels run as SSE2 or AVX2
    /// emulation 10–40× slower elsewhere). Estimated times (Zen 5, one core, µs): Bluestein
    /// ≈ K' log₂K' / 1600 (K' its FFT length), two_factor_dft ≈ cost / 3000; bench_fft at
    /// n = 2047, 1023, 767, 511, 3071: 6.2 against 12.9, 2.4 / 6.1, 2.2 / 5.4, 1.5 / 3.0, 10.4 / 25.1.
    static two_factor_dft::split two_factor_split([[maybe_unused]] std::size_t n) {
#if defined(__AVX512F__)
        if constexpr (std::is_same_v<T, double>) {
            const auto sp = two_factor_dft::best_split(n);
            if (!sp.n1) return sp;
            const auto K = static_cast<double>(detail::bluestein_size(n));
            if (two_factor_dft::cost(sp.n1, sp.n2) / 3000.0 < 0.9 * K * std::log2(K) / 1600.0) return sp;
        }
#endif
        return {};
    }
    static bool direct_size(std::size_t n, policy pol) {
        if (pol == policy::fast_planning) return n <= 128 || detail::bluestein_size(n) == n;
        return n <= 64 || detail::largest_prime_factor(n) <= 23;
    }
    /// An out-of-place plan for FFTW-aligned arrays (SIMD codelets; see fftw_aligned).
    static std::shared_ptr<const fftw_dft<T>> plan_of(std::size_t n, fft_direction dir) {
        return detail::fftw_plan_cache<T>::get(n, dir, /*aligned=*/true, fft_placement::out_of_place);
    }
    /// Bluestein in s (64-byte aligned, 4·pad8(K') values): u0, u1 ← (x·a, x·a·w^j) padded
    /// to K'; v ← FFT(u); v ×= (B̂_even, B̂_odd)/K; u ← IFFT(v); out_k = u0_k a_k + u1_k a_k w^{−k}.
    /// Backward (m_conj): a → conj(a), so a·w^j = conj(conj(a)·w^{−j}) uses conj(awc), etc.
    void bluestein(const cpx* in, cpx* out, cpx* s) const {
        const std::size_t P = pad8(m_Kh), n = m_n, Kh = m_Kh;
        T* u0 = reinterpret_cast<T*>(s);
        T* u1 = reinterpret_cast<T*>(s + P);
        T* v0 = reinterpret_cast<T*>(s + 2 * P);
        T* v1 = reinterpret_cast<T*>(s + 3 * P);
        const T sc = m_conj ? T(-1) : T(1);
        const T* a = reinterpret_cast<const T*>(m_tab->a.data());
        const T* p1 = reinterpret_cast<const T*>((m_conj ? m_tab->awc : m_tab->aw).data());
        const T* q1 = reinterpret_cast<const T*>((m_conj ? m_tab->aw : m_tab->awc).data());
        const T* x = reinterpret_cast<const T*>(in);
        for (std::size_t j = 0; j < n; ++j) {
            detail::cmul(x + 2 * j, a + 2 * j, sc, u0 + 2 * j);
            detail::cmul(x + 2 * j, p1 + 2 * j, sc, u1 + 2 * j);
        }
        for (std::size_t j = 2 * n; j < 2 * Kh; ++j) u0[j] = u1[j] = 0;
        m_fwd->execute(reinterpret_cast<cpx*>(u0), reinterpret_cast<cpx*>(v0));
        m_fwd->execute(reinterpret_cast<cpx*>(u1), reinterpret_cast<cpx*>(v1));
        const T* ke = reinterpret_cast<const T*>(m_tab->ke.data());
        const T* ko = reinterpret_cast<const T*>(m_tab->ko.data());
        for (std::size_t q = 0; q < Kh; ++q) {
            detail::cmul(v0 + 2 * q, ke + 2 * q, sc, v0 + 2 * q);
            detail::cmul(v1 + 2 * q, ko + 2 * q, sc, v1 + 2 * q);
        }
        m_bwd->execute(reinterpret_cast<cpx*>(v0), reinterpret_cast<cpx*>(u0));
        m_bwd->execute(reinterpret_cast<cpx*>(v1), reinterpret_cast<cpx*>(u1));
        T* y = reinterpret_cast<T*>(out);
        for (std::size_t k = 0; k < n; ++k) {
            T c0[2], c1[2];
            detail::cmul(u0 + 2 * k, a + 2 * k, sc, c0);
            detail::cmul(u1 + 2 * k, q1 + 2 * k, sc, c1);
            y[2 * k] = c0[0] + c1[0];
            y[2 * k + 1] = c0[1] + c1[1];
        }
    }

    two_factor_dft m_tf;            // the two-factor path (size 0: not used)
    std::size_t m_n = 0, m_Kh = 0;  // m_Kh = K' (0: FFTW directly or the two-factor path)
    int m_sign = -1;
    std::shared_ptr<const fftw_dft<T>> m_direct, m_fwd, m_bwd;  // out-of-place, FFTW-aligned arrays
    bool m_conj = false;                                        // backward: conjugate the tables
    std::shared_ptr<const tables> m_tab;
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
