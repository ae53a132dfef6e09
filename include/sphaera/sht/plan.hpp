#pragma once
/// \file plan.hpp
/// \brief sht::plan<T, Backend>: spin-weighted spherical harmonic transforms on any ring
/// geometry (Reinecke & Seljebotn 2013 structure; McEwen & Wiaux 2011 for MW/MWSS):
///
///   synthesis   f(θ_r, φ_p) = Σ_{ℓ<L} Σ_{|m|≤ℓ} f_ℓm ₛY_ℓm(θ_r, φ_p),
///   analysis    f_ℓm = ∫ f ₛY*_ℓm dΩ, exact on MW, MWSS, GL, DH, CC for band-limit L,
///
/// with ₛY_ℓm(θ, φ) = (−1)^s √((2ℓ+1)/4π) e^{imφ} d^ℓ_{m,−s}(θ) (ssht's convention) and
/// their adjoints. Coefficients use the 1-D layout f[ℓ² + ℓ + m], entries with ℓ < |s| are
/// ignored on input and zero on output. The θ step (legendre_engine.hpp, kernels in
/// legendre_kernels.hpp) runs one task per |m| — orders m and −m, rings θ and π − θ share
/// one recursion — in parallel over |m| for backend::openmp; the φ step is one FFTW DFT per
/// ring. Real spin-0 fields have their own, twice cheaper class: real_plan.hpp.

#include <algorithm>
#include <complex>
#include <cstddef>
#include <cstring>
#include <numbers>
#include <type_traits>
#include <utility>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "sphaera/backend/fftw_engine.hpp"
#include "sphaera/backend/host_eval.hpp"
#include "sphaera/backend/tags.hpp"
#include "sphaera/core/bulk_memory.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/core/view.hpp"
#include "sphaera/sht/geometry.hpp"
#include "sphaera/sht/plan_checks.hpp"
#include "sphaera/sht/legendre_engine.hpp"
#include "sphaera/sht/samplings.hpp"
#include "sphaera/sht/wigner_recursion.hpp"

namespace sphaera::sht {

namespace detail {
/// Threads a host backend runs with (the core evaluators' rule: openmp{0} = OpenMP default).
template <class B>
int thread_count(const B& b) {
    return sphaera::detail::host_threads(b);
}

/// Block transposes of the ring steps (plan and real_plan). The column buffer ph is
/// (order c, ring), nr rings per order; a block of nb ≤ 8 rings r0.. reads or writes whole
/// cache lines per order. Ring b's row takes columns c < h at neg[c] and c ≥ h at pos[c − h],
/// times scale.
template <class V>
struct ring_slot {
    V *neg, *pos;
    double scale;
};
/// Each order's values lie in a different page of ph (nr apart), beyond the hardware
/// prefetcher's reach: the transposes ask for order c + prefetch_orders while copying order
/// c, so the misses overlap instead of stalling one at a time (GL L = 2048 spin 2: the
/// synthesis transpose 25 → 18 ms; 16 orders ahead beat 8; blocks of 4 or 16 rings lost).
inline constexpr std::size_t prefetch_orders = 16;
template <int Write, class V>
inline void prefetch_order(const V* p, std::size_t nr, std::size_t n, std::size_t c, std::size_t nc) {
    if (c + prefetch_orders >= nc) return;
#if defined(__GNUC__) || defined(__clang__)
    const V* q = p + prefetch_orders * nr;
    __builtin_prefetch(q, Write);
    __builtin_prefetch(q + (n - 1), Write);
#else
    (void)p, (void)nr, (void)n;
#endif
}
/// One complex value as one vector move (GCC copies std::complex as two scalar moves).
template <class V>
inline void copy_one(const V* from, V* to) {
    std::memcpy(to, from, sizeof(V));
}
/// ph (columns 0..nc of rings r0..r0+nb) → rows; scaled only when some slot's scale ≠ 1 (an
/// unweighted transform is a plain copy). NB = nb at compile time (0: run time).
template <std::size_t NB, class V>
void gather_block(const V* ph, std::size_t nr, std::size_t r0, std::size_t nb, std::size_t h, std::size_t nc,
                  const ring_slot<V>* s, bool scaled) {
    const std::size_t n = NB ? NB : nb;
    const V* src = ph + r0;
    if (!scaled) {
        for (std::size_t c = 0; c < h; ++c, src += nr) {
            prefetch_order<0>(src, nr, n, c, nc);
            for (std::size_t b = 0; b < n; ++b) copy_one(src + b, s[b].neg + c);
        }
        for (std::size_t c = h; c < nc; ++c, src += nr) {
            prefetch_order<0>(src, nr, n, c, nc);
            for (std::size_t b = 0; b < n; ++b) copy_one(src + b, s[b].pos + (c - h));
        }
        return;
    }
    for (std::size_t c = 0; c < h; ++c, src += nr) {
        prefetch_order<0>(src, nr, n, c, nc);
        for (std::size_t b = 0; b < n; ++b) s[b].neg[c] = V(s[b].scale * std::complex<double>(src[b]));
    }
    for (std::size_t c = h; c < nc; ++c, src += nr) {
        prefetch_order<0>(src, nr, n, c, nc);
        for (std::size_t b = 0; b < n; ++b) s[b].pos[c - h] = V(s[b].scale * std::complex<double>(src[b]));
    }
}
/// The transpose of gather_block: rows → ph (prefetching the lines it will write; non-
/// temporal stores here were slower: 8 scattered 16-byte stores per order and line pair).
template <std::size_t NB, class V>
void scatter_block(const ring_slot<V>* s, std::size_t nb, V* ph, std::size_t nr, std::size_t r0, std::size_t h,
                   std::size_t nc, bool scaled) {
    const std::size_t n = NB ? NB : nb;
    V* dst = ph + r0;
    if (!scaled) {
        for (std::size_t c = 0; c < h; ++c, dst += nr) {
            prefetch_order<1>(dst, nr, n, c, nc);
            for (std::size_t b = 0; b < n; ++b) copy_one(s[b].neg + c, dst + b);
        }
        for (std::size_t c = h; c < nc; ++c, dst += nr) {
            prefetch_order<1>(dst, nr, n, c, nc);
            for (std::size_t b = 0; b < n; ++b) copy_one(s[b].pos + (c - h), dst + b);
        }
        return;
    }
    for (std::size_t c = 0; c < h; ++c, dst += nr) {
        prefetch_order<1>(dst, nr, n, c, nc);
        for (std::size_t b = 0; b < n; ++b) dst[b] = V(s[b].scale * std::complex<double>(s[b].neg[c]));
    }
    for (std::size_t c = h; c < nc; ++c, dst += nr) {
        prefetch_order<1>(dst, nr, n, c, nc);
        for (std::size_t b = 0; b < n; ++b) dst[b] = V(s[b].scale * std::complex<double>(s[b].pos[c - h]));
    }
}
}  // namespace detail

/// Spin-s spherical harmonic transforms of band-limit L on a ring geometry, in precision T
/// (float or double; the recurrence always runs in double) on a host backend B. Plans are
/// move-only; all transforms are const and may run concurrently on distinct arrays.
template <class T, host_backend B = backend::serial>
class plan {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "sht::plan: T must be float or double");

public:
    using value_type = std::complex<T>;
    using alm_view = view<const value_type, host_space>;
    using map_view = view<value_type, host_space>;
    using engine_type = detail::legendre_engine<T>;

    /// Caller-owned scratch for allocation-free execution (DESIGN §4): made once by
    /// make_workspace(), then passed to the workspace overloads of every transform. One
    /// workspace serves one call at a time; concurrent calls need one each.
    class workspace {
    public:
        workspace() = default;

    private:
        friend class plan;
        // Column buffers, huge-page backed where the system allows (bulk_memory.hpp): the
        // ring steps walk them one order, and so one 4 KiB page, after another.
        sphaera::detail::huge_page_array<value_type> ph;     // (2L−1, nrings)
        sphaera::detail::huge_page_array<value_type> ph2;    // (2L−1, nrings): map 1 of a batch pair, made by the first batched call
        std::vector<typename engine_type::scratch> eng;      // (threads)
        std::vector<value_type> ring;                        // (threads, ring_stride)
        std::size_t ring_stride = 0;
    };

    /// Precomputes start values, ring data and FFT plans. Throws invalid_argument unless
    /// 1 ≤ L ≤ max_band_limit and |spin| ≤ L−1, and for an empty geometry.
    plan(int L, int spin, ring_geometry geometry, B backend = {})
        : m_L(L), m_spin(spin), m_geom(std::move(geometry)), m_backend(backend) {
        if (L < 1 || L > max_band_limit)
            sphaera::detail::raise<invalid_argument>("sht::plan: band-limit L = ", L,
                                                     " is out of range; valid range is [1, ", max_band_limit, "]");
        sphaera::detail::require_in_range("sht::plan: spin", spin, -(L - 1), L - 1);
        if (m_geom.nrings() == 0)
            sphaera::detail::raise<invalid_argument>("sht::plan: the geometry has no rings; at least one is needed");
        // One plan pair per distinct ring length; rare awkward lengths (HEALPix polar rings)
        // take Bluestein, which plans in microseconds (see any_size_dft_set::add).
        std::vector<std::size_t> lengths;
        lengths.reserve(m_geom.nrings());
        for (const auto& g : m_geom.rings()) lengths.push_back(g.nphi);
        m_ffts.add_all(lengths);
        m_engine = engine_type(L, spin, m_geom);
    }
    plan(const plan&) = delete;
    plan& operator=(const plan&) = delete;
    plan(plan&&) noexcept = default;
    plan& operator=(plan&&) noexcept = default;

    [[nodiscard]] int band_limit() const { return m_L; }
    [[nodiscard]] int spin() const { return m_spin; }
    [[nodiscard]] const ring_geometry& geometry() const { return m_geom; }
    /// L² coefficients, index ℓ² + ℓ + m.
    [[nodiscard]] std::size_t alm_size() const { return static_cast<std::size_t>(m_L) * static_cast<std::size_t>(m_L); }
    [[nodiscard]] std::size_t map_size() const { return m_geom.npix(); }
    /// True when analysis() inverts synthesis() for every band-limited input.
    [[nodiscard]] bool exact_analysis() const {
        return m_L <= m_geom.exact_band_limit() && m_geom.max_nphi() >= static_cast<std::size_t>(2 * m_L - 1) &&
               (uses_resampler() || m_geom.has_weights());
    }

    /// A workspace sized for this plan and its backend's thread count.
    [[nodiscard]] workspace make_workspace() const {
        workspace w;
        w.ph.resize(ph_size());
        const int nt = std::max(1, threads());
        for (int t = 0; t < nt; ++t) w.eng.push_back(m_engine.make_scratch());
        w.ring_stride = ring_stride();
        w.ring.resize(static_cast<std::size_t>(nt) * w.ring_stride);
        return w;
    }

    /// alm: (L²) → map: (npix).
    void synthesis(alm_view alm, map_view map) const {
        auto w = make_workspace();
        synthesis(alm, map, w);
    }
    /// The adjoint of synthesis: map: (npix) → alm: (L²).
    void adjoint_synthesis(view<const value_type, host_space> map, view<value_type, host_space> alm) const {
        auto w = make_workspace();
        adjoint_synthesis(map, alm, w);
    }
    /// Analysis (forward transform): map: (npix) → alm: (L²). Exact on MW/MWSS (periodic
    /// extension) and GL/DH/CC (quadrature) grids built for a band-limit ≥ L; on other grids
    /// with weights (HEALPix) the quadrature-weighted adjoint, an approximation. Throws
    /// invalid_argument on a grid with neither.
    void analysis(view<const value_type, host_space> map, view<value_type, host_space> alm) const {
        auto w = make_workspace();
        analysis(map, alm, w);
    }
    /// The adjoint of analysis: alm: (L²) → map: (npix).
    void adjoint_analysis(alm_view alm, map_view map) const {
        auto w = make_workspace();
        adjoint_analysis(alm, map, w);
    }

    /// synthesis without allocating: alm: (L²) → map: (npix), scratch in w.
    void synthesis(alm_view alm, map_view map, workspace& w) const {
        check_sizes("synthesis", alm.size(), map.size());
        check_workspace(w);
        m_engine.synthesis(alm.data(), w.ph.data(), detail::field_kind::complex, threads(), w.eng.data());
        ring_synthesis(w.ph.data(), map.data(), false, w);
    }
    /// adjoint_synthesis without allocating: map: (npix) → alm: (L²).
    void adjoint_synthesis(view<const value_type, host_space> map, view<value_type, host_space> alm,
                           workspace& w) const {
        check_sizes("adjoint_synthesis", alm.size(), map.size());
        check_workspace(w);
        ring_adjoint(map.data(), w.ph.data(), false, w);
        m_engine.adjoint(w.ph.data(), alm.data(), detail::field_kind::complex, threads(), w.eng.data());
    }
    /// analysis without allocating: map: (npix) → alm: (L²).
    void analysis(view<const value_type, host_space> map, view<value_type, host_space> alm, workspace& w) const {
        check_sizes("analysis", alm.size(), map.size());
        check_workspace(w);
        if (uses_resampler()) {
            ring_adjoint(map.data(), w.ph.data(), false, w);
            m_engine.resampled_adjoint(w.ph.data(), alm.data(), detail::field_kind::complex, threads(), w.eng.data());
            return;
        }
        require_weights("analysis");
        ring_adjoint(map.data(), w.ph.data(), true, w);
        m_engine.adjoint(w.ph.data(), alm.data(), detail::field_kind::complex, threads(), w.eng.data());
    }
    /// adjoint_analysis without allocating: alm: (L²) → map: (npix).
    void adjoint_analysis(alm_view alm, map_view map, workspace& w) const {
        check_sizes("adjoint_analysis", alm.size(), map.size());
        check_workspace(w);
        if (uses_resampler()) {
            m_engine.resampled_synthesis(alm.data(), w.ph.data(), detail::field_kind::complex, threads(), w.eng.data());
            ring_synthesis(w.ph.data(), map.data(), false, w);
            return;
        }
        require_weights("adjoint_analysis");
        m_engine.synthesis(alm.data(), w.ph.data(), detail::field_kind::complex, threads(), w.eng.data());
        ring_synthesis(w.ph.data(), map.data(), true, w);
    }

    /// Batched synthesis: alm: (nbatch, L²) → map: (nbatch, npix), one workspace for all.
    /// Maps go through the Legendre step in pairs, one recursion per chain serving both
    /// (a sixth fewer operations there; 1–3 % faster overall at L = 1024); the first
    /// batched call on a workspace allocates a second column buffer ((2L−1)·nrings) for
    /// the pair. MW/MWSS grids (resampled θ step): one map after another.
    void synthesis_batch(alm_view alm, map_view map, workspace& w) const {
        const std::size_t nb = batch_count("synthesis_batch", alm.size(), map.size());
        check_workspace(w);
        std::size_t b = 0;
        if (!uses_resampler() && nb >= 2) {
            w.ph2.resize(ph_size());
            for (; b + 1 < nb; b += 2) {
                const value_type* a[2] = {alm.data() + b * alm_size(), alm.data() + (b + 1) * alm_size()};
                value_type* p[2] = {w.ph.data(), w.ph2.data()};
                m_engine.synthesis_multi(a, p, 2, detail::field_kind::complex, threads(), w.eng.data());
                ring_synthesis(w.ph.data(), map.data() + b * map_size(), false, w);
                ring_synthesis(w.ph2.data(), map.data() + (b + 1) * map_size(), false, w);
            }
        }
        for (; b < nb; ++b)
            synthesis(alm_view(alm.data() + b * alm_size(), alm_size()), map_view(map.data() + b * map_size(), map_size()), w);
    }
    /// Batched analysis: map: (nbatch, npix) → alm: (nbatch, L²), one workspace for all;
    /// map by map (a shared Legendre pass was slower here: see
    /// legendre_engine::adjoint_multi).
    void analysis_batch(view<const value_type, host_space> map, view<value_type, host_space> alm, workspace& w) const {
        const std::size_t nb = batch_count("analysis_batch", alm.size(), map.size());
        for (std::size_t b = 0; b < nb; ++b)
            analysis(view<const value_type, host_space>(map.data() + b * map_size(), map_size()),
                     view<value_type, host_space>(alm.data() + b * alm_size(), alm_size()), w);
    }

private:
    [[nodiscard]] bool uses_resampler() const { return m_engine.uses_resampler(); }
    [[nodiscard]] std::size_t ncol() const { return static_cast<std::size_t>(2 * m_L - 1); }
    [[nodiscard]] std::size_t ph_size() const { return ncol() * m_geom.nrings(); }
    [[nodiscard]] int threads() const { return detail::thread_count(m_backend); }

    void check_sizes(const char* what, std::size_t nalm, std::size_t nmap) const {
        detail::check_transform_sizes("plan", what, m_L, nalm, alm_size(), nmap, map_size());
    }
    void require_weights(const char* what) const { detail::require_ring_weights("plan", what, m_geom); }
    [[nodiscard]] double pixel_weight(std::size_t r) const { return detail::pixel_weight(m_geom, r); }

    /// Rings per block of the ring steps: ph is (order, ring), so one ring's orders are
    /// nrings apart (a cache line and often a page each); a block of rings reads or writes
    /// whole cache lines through a per-thread (block, order) transpose instead.
    static constexpr std::size_t ring_block = 8;
    /// Complex values per row of the per-thread block: a ring's spectrum (max_nphi) or its
    /// 2L−1 orders, padded to 8 values so every row stays 64-byte aligned.
    [[nodiscard]] std::size_t row_stride() const { return (std::max(m_geom.max_nphi(), ncol()) + 7) / 8 * 8; }
    [[nodiscard]] std::size_t ring_stride() const {
        return ring_block * row_stride() + (m_geom.max_nphi() + 7) / 8 * 8 + m_ffts.scratch_size() + 8;
    }
    void check_workspace(const workspace& w) const {
        if (w.ph.size() != ph_size() || w.eng.size() < static_cast<std::size_t>(std::max(1, threads())) ||
            w.ring_stride != ring_stride())
            sphaera::detail::raise<invalid_argument>("sht::plan: the workspace was not made by this plan's make_workspace()");
    }
    std::size_t batch_count(const char* what, std::size_t nalm, std::size_t nmap) const {
        const std::size_t nb = nalm / alm_size();
        if (nalm % alm_size() != 0 || nmap != nb * map_size())
            sphaera::detail::raise<shape_mismatch>("sht::plan::", what, ": alm has size ", nalm, " and map ", nmap,
                                                   "; they must be nbatch*L^2 = nbatch*", alm_size(), " and nbatch*",
                                                   map_size());
        return nb;
    }
    /// This thread's part of w.ring (64-byte aligned): ring_block rows of row_stride()
    /// values, a fold buffer (max_nphi) for rings whose orders fold or rotate, the FFT scratch.
    struct ring_bufs {
        value_type *rows, *fold, *scratch;
    };
    ring_bufs ring_buffers(workspace& w) const {
        int t = 0;
#ifdef _OPENMP
        t = omp_get_thread_num();
#endif
        value_type* rows = backend::detail::align64(w.ring.data() + static_cast<std::size_t>(t) * w.ring_stride);
        value_type* fold = rows + ring_block * row_stride();
        return {rows, fold, fold + (m_geom.max_nphi() + 7) / 8 * 8};
    }
    /// Where the block transpose puts ring b's orders: the orders m < 0 (columns c < L − 1)
    /// from neg, m ≥ 0 (columns c ≥ L − 1) from pos, times scale. An unfolded ring's row is
    /// its spectrum itself (m ≥ 0 at k = m, m < 0 at k = nphi + m; the ring steps then need
    /// no copy between transpose and DFT); any other ring's row holds its 2L − 1 orders,
    /// folded through the fold buffer (scale applied there, as before).
    using ring_slot = detail::ring_slot<value_type>;
    ring_slot slot_of(std::size_t r, value_type* row, bool weighted) const {
        const ring& g = m_geom[r];
        const auto h = static_cast<std::size_t>(m_L - 1);
        if (unfolded(g)) return {row + g.nphi - h, row, weighted ? pixel_weight(r) : 1.0};
        return {row, row + h, 1.0};
    }

    /// ph → map: per ring, fold the 2L−1 orders onto nphi frequencies with e^{imφ0} and
    /// run a backward DFT into the map. weighted: multiply by the pixel weight.
    void ring_synthesis(const value_type* ph, value_type* map, bool weighted, workspace& w) const {
        const std::size_t nr = m_geom.nrings(), nblk = (nr + ring_block - 1) / ring_block, rs = row_stride();
        const int L = m_L, nt = threads();
#pragma omp parallel num_threads(nt) if (nt > 1)
        {
            const auto [rows, fold, scratch] = ring_buffers(w);
#pragma omp for schedule(dynamic, 1)
            for (std::size_t ib = 0; ib < nblk; ++ib) {
                const std::size_t r0 = ib * ring_block, nb = std::min(ring_block, nr - r0);
                ring_slot s[ring_block];
                bool scaled = false;
                for (std::size_t b = 0; b < nb; ++b) {
                    const ring& g = m_geom[r0 + b];
                    s[b] = slot_of(r0 + b, rows + b * rs, weighted);
                    scaled |= s[b].scale != 1.0;
                    if (unfolded(g))  // frequencies L..nphi−L hold no order
                        std::fill(rows + b * rs + L, rows + b * rs + (g.nphi - static_cast<std::size_t>(L - 1)),
                                  value_type(0));
                }
                if (nb == ring_block) detail::gather_block<ring_block>(ph, nr, r0, nb, static_cast<std::size_t>(L - 1), ncol(), s, scaled);
                else detail::gather_block<0>(ph, nr, r0, nb, static_cast<std::size_t>(L - 1), ncol(), s, scaled);
                for (std::size_t b = 0; b < nb; ++b) {
                    const std::size_t r = r0 + b;
                    const ring& g = m_geom[r];
                    // The DFT runs out of place between the row and the fold buffer (both in
                    // cache), then one sequential copy writes the map: the DFT's last pass
                    // writes its output in strides, which straight into a map far larger than
                    // the cache cost more than the copy (GL L = 2048: the FFT step 24 → 36 ms).
                    // Non-temporal stores for this copy measured no better than memmove's.
                    value_type *in = rows + b * rs, *out = fold;
                    if (!unfolded(g)) {  // fold the orders (in the row) into `fold`, the DFT back into the row
                        const double scale = weighted ? pixel_weight(r) : 1.0;
                        std::fill(fold, fold + g.nphi, value_type(0));
                        for_each_order(g, [&](int m, std::size_t k, std::complex<double> rot) {
                            fold[k] += value_type(std::complex<double>(in[static_cast<std::size_t>(m + L - 1)]) * rot * scale);
                        });
                        std::swap(in, out);
                    }
                    m_ffts.get(g.nphi, backend::fft_direction::backward).execute(in, out, scratch);
                    std::copy(out, out + g.nphi, map + g.offset);
                }
            }
        }
    }
    /// map → ph (the transpose of ring_synthesis).
    void ring_adjoint(const value_type* map, value_type* ph, bool weighted, workspace& w) const {
        const std::size_t nr = m_geom.nrings(), nblk = (nr + ring_block - 1) / ring_block, rs = row_stride();
        const int L = m_L, nt = threads();
#pragma omp parallel num_threads(nt) if (nt > 1)
        {
            const auto [rows, fold, scratch] = ring_buffers(w);
#pragma omp for schedule(dynamic, 1)
            for (std::size_t ib = 0; ib < nblk; ++ib) {
                const std::size_t r0 = ib * ring_block, nb = std::min(ring_block, nr - r0);
                ring_slot s[ring_block];
                bool scaled = false;
                for (std::size_t b = 0; b < nb; ++b) {
                    const std::size_t r = r0 + b;
                    const ring& g = m_geom[r];
                    value_type* row = rows + b * rs;
                    s[b] = slot_of(r, row, weighted);
                    scaled |= s[b].scale != 1.0;
                    const auto& dft = m_ffts.get(g.nphi, backend::fft_direction::forward);
                    // One sequential copy of the ring into cache, then the DFT out of place
                    // (reading the map in the DFT's strided order cost 2.5× the FFT time).
                    if (unfolded(g)) {  // the spectrum is the row, read back by scatter
                        std::copy(map + g.offset, map + g.offset + g.nphi, fold);
                        dft.execute(fold, row, scratch);
                        continue;
                    }
                    std::copy(map + g.offset, map + g.offset + g.nphi, row);
                    dft.execute(row, fold, scratch);
                    const double scale = weighted ? pixel_weight(r) : 1.0;
                    for_each_order(g, [&](int m, std::size_t k, std::complex<double> rot) {
                        row[static_cast<std::size_t>(m + L - 1)] =
                            value_type(std::complex<double>(fold[k]) * std::conj(rot) * scale);
                    });
                }
                if (nb == ring_block) detail::scatter_block<ring_block>(s, nb, ph, nr, r0, static_cast<std::size_t>(L - 1), ncol(), scaled);
                else detail::scatter_block<0>(s, nb, ph, nr, r0, static_cast<std::size_t>(L - 1), ncol(), scaled);
            }
        }
    }
    /// Whether ring g needs no rotation (φ0 = 0) and no folding (nphi ≥ 2L − 1): order m
    /// sits at frequency m mod nphi, each frequency holding at most one order.
    [[nodiscard]] bool unfolded(const ring& g) const {
        return g.phi0 == 0.0 && g.nphi >= 2 * static_cast<std::size_t>(m_L) - 1;
    }
    /// Calls f(m, m mod nphi, e^{imφ0}) for m = −(L−1)..L−1. The rotation factor advances by
    /// multiplication and is recomputed exactly every 32 orders to bound the drift.
    template <class F>
    void for_each_order(const ring& g, F&& f) const {
        const auto n = static_cast<long long>(g.nphi);
        const std::complex<double> step = std::polar(1.0, g.phi0);
        const bool rotate = g.phi0 != 0.0;
        std::complex<double> rot = 1.0;
        long long k = (((-(m_L - 1)) % n) + n) % n;
        for (int m = -(m_L - 1); m <= m_L - 1; ++m) {
            if (rotate) rot = ((m + m_L - 1) % 32 == 0) ? std::polar(1.0, m * g.phi0) : rot * step;
            f(m, static_cast<std::size_t>(k), rot);
            if (++k == n) k = 0;
        }
    }

    int m_L = 0, m_spin = 0;
    ring_geometry m_geom;
    [[no_unique_address]] B m_backend{};
    backend::any_size_dft_set<T> m_ffts;
    engine_type m_engine;       // the Legendre step (and MW/MWSS resampler)
};

}  // namespace sphaera::sht
