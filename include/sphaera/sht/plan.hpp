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
        std::vector<value_type> ph;                          // (2L−1, nrings)
        std::vector<value_type> ph2;                         // (2L−1, nrings): map 1 of a batch pair, made by the first batched call
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
    [[nodiscard]] std::size_t ring_stride() const {
        return m_geom.max_nphi() + m_ffts.scratch_size() + 16 + ring_block * ncol() + 8;
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
    /// This thread's ring buffer in w (64-byte aligned), the FFT scratch after it and the
    /// (ring_block, ncol) transpose block after that.
    struct ring_bufs {
        value_type *buf, *scratch, *block;
    };
    ring_bufs ring_buffers(workspace& w) const {
        int t = 0;
#ifdef _OPENMP
        t = omp_get_thread_num();
#endif
        value_type* base = backend::detail::align64(w.ring.data() + static_cast<std::size_t>(t) * w.ring_stride);
        value_type* scratch = base + m_geom.max_nphi() + 8;
        return {base, scratch, scratch + m_ffts.scratch_size()};
    }

    /// ph → map: per ring, fold the 2L−1 orders onto nphi frequencies with e^{imφ0} and
    /// run a backward DFT in an aligned ring buffer. weighted: multiply by the pixel weight.
    void ring_synthesis(const value_type* ph, value_type* map, bool weighted, workspace& w) const {
        const std::size_t nr = m_geom.nrings(), nc = ncol(), nblk = (nr + ring_block - 1) / ring_block;
        const int L = m_L, nt = threads();
#pragma omp parallel num_threads(nt) if (nt > 1)
        {
            const auto [buf, scratch, block] = ring_buffers(w);
#pragma omp for schedule(dynamic, 1)
            for (std::size_t ib = 0; ib < nblk; ++ib) {
                const std::size_t r0 = ib * ring_block, nb = std::min(ring_block, nr - r0);
                for (std::size_t c = 0; c < nc; ++c)
                    for (std::size_t b = 0; b < nb; ++b) block[b * nc + c] = ph[c * nr + r0 + b];
                for (std::size_t b = 0; b < nb; ++b) {
                    const std::size_t r = r0 + b;
                    const value_type* col = block + b * nc;
                    const ring& g = m_geom[r];
                    std::fill(buf, buf + g.nphi, value_type(0));
                    const double scale = weighted ? pixel_weight(r) : 1.0;
                    if (unfolded(g)) {  // m ≥ 0 at k = m, m < 0 at k = nphi + m
                        const auto h = static_cast<std::size_t>(L - 1);
                        for (std::size_t k = 0; k <= h; ++k) buf[k] = value_type(scale * std::complex<double>(col[h + k]));
                        for (std::size_t k = 0; k < h; ++k)
                            buf[g.nphi - h + k] = value_type(scale * std::complex<double>(col[k]));
                    } else {
                        for_each_order(g, [&](int m, std::size_t k, std::complex<double> rot) {
                            buf[k] += value_type(std::complex<double>(col[static_cast<std::size_t>(m + L - 1)]) * rot * scale);
                        });
                    }
                    m_ffts.get(g.nphi, backend::fft_direction::backward).execute(buf, scratch);
                    std::copy(buf, buf + g.nphi, map + g.offset);
                }
            }
        }
    }
    /// map → ph (the transpose of ring_synthesis).
    void ring_adjoint(const value_type* map, value_type* ph, bool weighted, workspace& w) const {
        const std::size_t nr = m_geom.nrings(), nc = ncol(), nblk = (nr + ring_block - 1) / ring_block;
        const int L = m_L, nt = threads();
#pragma omp parallel num_threads(nt) if (nt > 1)
        {
            const auto [buf, scratch, block] = ring_buffers(w);
#pragma omp for schedule(dynamic, 1)
            for (std::size_t ib = 0; ib < nblk; ++ib) {
                const std::size_t r0 = ib * ring_block, nb = std::min(ring_block, nr - r0);
                for (std::size_t b = 0; b < nb; ++b) {
                    const std::size_t r = r0 + b;
                    value_type* col = block + b * nc;
                    const ring& g = m_geom[r];
                    std::copy(map + g.offset, map + g.offset + g.nphi, buf);
                    m_ffts.get(g.nphi, backend::fft_direction::forward).execute(buf, scratch);
                    const double scale = weighted ? pixel_weight(r) : 1.0;
                    if (unfolded(g)) {
                        const auto h = static_cast<std::size_t>(L - 1);
                        for (std::size_t k = 0; k <= h; ++k) col[h + k] = value_type(scale * std::complex<double>(buf[k]));
                        for (std::size_t k = 0; k < h; ++k)
                            col[k] = value_type(scale * std::complex<double>(buf[g.nphi - h + k]));
                    } else {
                        for_each_order(g, [&](int m, std::size_t k, std::complex<double> rot) {
                            col[static_cast<std::size_t>(m + L - 1)] =
                                value_type(std::complex<double>(buf[k]) * std::conj(rot) * scale);
                        });
                    }
                }
                for (std::size_t c = 0; c < nc; ++c)
                    for (std::size_t b = 0; b < nb; ++b) ph[c * nr + r0 + b] = block[b * nc + c];
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
