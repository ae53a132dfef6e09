#pragma once
/// \file real_plan.hpp
/// \brief sht::real_plan<T, Backend>: spherical harmonic transforms of real (spin-0) fields,
/// f(θ, φ) = Σ_ℓm f_ℓm Y_ℓm(θ, φ) with f_ℓ,−m = (−1)^m conj(f_ℓm), at about half the cost
/// of sht::plan: only the orders m ≥ 0 go through the Legendre step, and every ring uses a
/// real-to-complex FFT (FFTW r2c/c2r) of its nphi real samples.
///
/// Why a separate class rather than a flag on sht::plan: the map side has a different type
/// (real T, not std::complex<T>), so every signature differs; a class keeps both APIs
/// typed and free of run-time mode checks, and shares the engine (legendre_engine.hpp).
///
/// Coefficient layout: the default 1-D layout f[ℓ² + ℓ + m], size L², as sht::plan, so the
/// same arrays and converters serve both paths. Inputs read the orders m ≥ 0 only
/// (Im f_ℓ0 is ignored); outputs fill every entry, the negative orders by Hermitian
/// symmetry and Im f_ℓ0 = 0.
///
/// Adjoints are taken in the real inner products ⟨x, y⟩ = Σ_p x_p y_p on maps and
/// ⟨a, b⟩ = Re Σ_{all L² entries} conj(a_i) b_i on the Hermitian subspace H = {f_ℓ,−m =
/// (−1)^m conj(f_ℓm)} (exactly the real-linear structure of a real field's coefficients),
/// so ⟨synthesis(a), y⟩ = ⟨a, adjoint_synthesis(y)⟩ for every a in H and real map y.

#include <algorithm>
#include <complex>
#include <cstddef>
#include <numbers>
#include <type_traits>
#include <utility>
#include <vector>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/bulk_memory.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/core/view.hpp"
#include "sphaera/sht/geometry.hpp"
#include "sphaera/sht/plan_checks.hpp"
#include "sphaera/sht/legendre_engine.hpp"
#include "sphaera/sht/plan.hpp"
#include "sphaera/sht/real_fft.hpp"
#include "sphaera/sht/samplings.hpp"

namespace sphaera::sht {

/// Spin-0 transforms of real fields of band-limit L on a ring geometry, in precision T
/// (float or double; the recurrence runs in double) on a host backend B. Move-only; all
/// transforms are const and may run concurrently on distinct arrays.
template <class T, host_backend B = backend::serial>
class real_plan {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "sht::real_plan: T must be float or double");

public:
    using value_type = T;
    using coeff_type = std::complex<T>;
    using alm_view = view<const coeff_type, host_space>;
    using alm_out = view<coeff_type, host_space>;
    using map_view = view<const T, host_space>;
    using map_out = view<T, host_space>;
    using engine_type = detail::legendre_engine<T>;

    /// Caller-owned scratch for allocation-free execution (DESIGN §4), made by
    /// make_workspace(); one workspace per concurrent call.
    class workspace {
    public:
        workspace() = default;

    private:
        friend class real_plan;
        // Column buffers, huge-page backed where the system allows (bulk_memory.hpp): the
        // ring steps walk them one order, and so one 4 KiB page, after another.
        sphaera::detail::huge_page_array<coeff_type> ph;   // (L, nrings)
        sphaera::detail::huge_page_array<coeff_type> ph2;  // (L, nrings): map 1 of a batch pair, made by the first batched call
        std::vector<typename engine_type::scratch> eng;    // (threads)
        std::vector<coeff_type> ring;                      // (threads, ring_stride())
    };

    /// Precomputes start values, ring data and real FFT plans. Throws invalid_argument
    /// unless 1 ≤ L ≤ max_band_limit, and for an empty geometry.
    real_plan(int L, ring_geometry geometry, B backend = {})
        : m_L(L), m_geom(std::move(geometry)), m_backend(backend) {
        if (L < 1 || L > max_band_limit)
            sphaera::detail::raise<invalid_argument>("sht::real_plan: band-limit L = ", L,
                                                     " is out of range; valid range is [1, ", max_band_limit, "]");
        if (m_geom.nrings() == 0)
            sphaera::detail::raise<invalid_argument>("sht::real_plan: the geometry has no rings; at least one is needed");
        // One plan per distinct ring length (Bluestein for rare awkward ones; real_fft.hpp).
        std::vector<std::size_t> lengths;
        lengths.reserve(m_geom.nrings());
        for (const auto& g : m_geom.rings()) lengths.push_back(g.nphi);
        m_ffts.add_all(lengths);
        m_engine = engine_type(L, 0, m_geom);
    }
    real_plan(const real_plan&) = delete;
    real_plan& operator=(const real_plan&) = delete;
    real_plan(real_plan&&) noexcept = default;
    real_plan& operator=(real_plan&&) noexcept = default;

    [[nodiscard]] int band_limit() const { return m_L; }
    /// Always 0: real fields are spin 0 (spin pairs live in spin_pair.hpp).
    [[nodiscard]] int spin() const { return 0; }
    [[nodiscard]] const ring_geometry& geometry() const { return m_geom; }
    /// L² coefficients, index ℓ² + ℓ + m (Hermitian: only m ≥ 0 are read).
    [[nodiscard]] std::size_t alm_size() const { return static_cast<std::size_t>(m_L) * static_cast<std::size_t>(m_L); }
    /// npix real samples.
    [[nodiscard]] std::size_t map_size() const { return m_geom.npix(); }
    /// True when analysis() inverts synthesis() for every band-limited real field.
    [[nodiscard]] bool exact_analysis() const {
        return m_L <= m_geom.exact_band_limit() && m_geom.max_nphi() >= static_cast<std::size_t>(2 * m_L - 1) &&
               (m_engine.uses_resampler() || m_geom.has_weights());
    }

    /// A workspace sized for this plan and its backend's thread count.
    [[nodiscard]] workspace make_workspace() const {
        workspace w;
        w.ph.resize(ph_size());
        const int nt = std::max(1, threads());
        for (int t = 0; t < nt; ++t) w.eng.push_back(m_engine.make_scratch());
        w.ring.resize(static_cast<std::size_t>(nt) * ring_stride());
        return w;
    }

    /// alm: (L², m ≥ 0 read) → map: (npix) real.
    void synthesis(alm_view alm, map_out map) const {
        auto w = make_workspace();
        synthesis(alm, map, w);
    }
    /// The adjoint of synthesis: map: (npix) → alm: (L², Hermitian).
    void adjoint_synthesis(map_view map, alm_out alm) const {
        auto w = make_workspace();
        adjoint_synthesis(map, alm, w);
    }
    /// Analysis: map: (npix) → alm: (L², Hermitian); exact on MW/MWSS/GL/DH/CC grids built
    /// for a band-limit ≥ L, the quadrature-weighted adjoint elsewhere (HEALPix). Throws
    /// invalid_argument on a grid with neither.
    void analysis(map_view map, alm_out alm) const {
        auto w = make_workspace();
        analysis(map, alm, w);
    }
    /// The adjoint of analysis: alm: (L², m ≥ 0 read) → map: (npix).
    void adjoint_analysis(alm_view alm, map_out map) const {
        auto w = make_workspace();
        adjoint_analysis(alm, map, w);
    }

    /// synthesis without allocating (scratch in w).
    void synthesis(alm_view alm, map_out map, workspace& w) const {
        check_sizes("synthesis", alm.size(), map.size());
        check_workspace(w);
        m_engine.synthesis(alm.data(), w.ph.data(), detail::field_kind::real, threads(), w.eng.data());
        ring_synthesis(w.ph.data(), map.data(), false, w);
    }
    /// adjoint_synthesis without allocating.
    void adjoint_synthesis(map_view map, alm_out alm, workspace& w) const {
        check_sizes("adjoint_synthesis", alm.size(), map.size());
        check_workspace(w);
        ring_adjoint(map.data(), w.ph.data(), false, w);
        m_engine.adjoint(w.ph.data(), alm.data(), detail::field_kind::real, threads(), w.eng.data());
    }
    /// analysis without allocating.
    void analysis(map_view map, alm_out alm, workspace& w) const {
        check_sizes("analysis", alm.size(), map.size());
        check_workspace(w);
        if (m_engine.uses_resampler()) {
            ring_adjoint(map.data(), w.ph.data(), false, w);
            m_engine.resampled_adjoint(w.ph.data(), alm.data(), detail::field_kind::real, threads(), w.eng.data());
            return;
        }
        require_weights("analysis");
        ring_adjoint(map.data(), w.ph.data(), true, w);
        m_engine.adjoint(w.ph.data(), alm.data(), detail::field_kind::real, threads(), w.eng.data());
    }
    /// adjoint_analysis without allocating.
    void adjoint_analysis(alm_view alm, map_out map, workspace& w) const {
        check_sizes("adjoint_analysis", alm.size(), map.size());
        check_workspace(w);
        if (m_engine.uses_resampler()) {
            m_engine.resampled_synthesis(alm.data(), w.ph.data(), detail::field_kind::real, threads(), w.eng.data());
            ring_synthesis(w.ph.data(), map.data(), false, w);
            return;
        }
        require_weights("adjoint_analysis");
        m_engine.synthesis(alm.data(), w.ph.data(), detail::field_kind::real, threads(), w.eng.data());
        ring_synthesis(w.ph.data(), map.data(), true, w);
    }

    /// Batched synthesis: alm: (nbatch, L²) → map: (nbatch, npix), one workspace for all.
    /// Maps go through the Legendre step in pairs, one recursion per chain serving both
    /// (a quarter fewer operations there; 6 % faster overall at L = 1024, one thread); the
    /// first batched call on a workspace allocates a second column buffer (L·nrings) for
    /// the pair. MW grids (resampled θ step): one map after another.
    void synthesis_batch(alm_view alm, map_out map, workspace& w) const {
        const std::size_t nb = batch_count("synthesis_batch", alm.size(), map.size());
        check_workspace(w);
        std::size_t b = 0;
        if (!m_engine.uses_resampler() && nb >= 2) {
            w.ph2.resize(ph_size());
            for (; b + 1 < nb; b += 2) {
                const coeff_type* a[2] = {alm.data() + b * alm_size(), alm.data() + (b + 1) * alm_size()};
                coeff_type* p[2] = {w.ph.data(), w.ph2.data()};
                m_engine.synthesis_multi(a, p, 2, detail::field_kind::real, threads(), w.eng.data());
                ring_synthesis(w.ph.data(), map.data() + b * map_size(), false, w);
                ring_synthesis(w.ph2.data(), map.data() + (b + 1) * map_size(), false, w);
            }
        }
        for (; b < nb; ++b)
            synthesis(alm_view(alm.data() + b * alm_size(), alm_size()), map_out(map.data() + b * map_size(), map_size()), w);
    }
    /// Batched analysis: map: (nbatch, npix) → alm: (nbatch, L²), one workspace for all
    /// (pairs share the Legendre step as in synthesis_batch).
    void analysis_batch(map_view map, alm_out alm, workspace& w) const {
        const std::size_t nb = batch_count("analysis_batch", alm.size(), map.size());
        check_workspace(w);
        std::size_t b = 0;
        if (!m_engine.uses_resampler() && nb >= 2) {
            require_weights("analysis_batch");
            w.ph2.resize(ph_size());
            for (; b + 1 < nb; b += 2) {
                ring_adjoint(map.data() + b * map_size(), w.ph.data(), true, w);
                ring_adjoint(map.data() + (b + 1) * map_size(), w.ph2.data(), true, w);
                const coeff_type* p[2] = {w.ph.data(), w.ph2.data()};
                coeff_type* a[2] = {alm.data() + b * alm_size(), alm.data() + (b + 1) * alm_size()};
                m_engine.adjoint_multi(p, a, 2, detail::field_kind::real, threads(), w.eng.data());
            }
        }
        for (; b < nb; ++b)
            analysis(map_view(map.data() + b * map_size(), map_size()), alm_out(alm.data() + b * alm_size(), alm_size()), w);
    }

private:
    [[nodiscard]] std::size_t ph_size() const { return static_cast<std::size_t>(m_L) * m_geom.nrings(); }
    [[nodiscard]] int threads() const { return detail::thread_count(m_backend); }
    [[nodiscard]] std::size_t half_size() const { return m_geom.max_nphi() / 2 + 1; }
    /// Rings per block of the ring steps: ph is (order, ring), so one ring's orders are
    /// nrings apart (a cache line and often a page each); a block of rings reads or writes
    /// whole cache lines through a per-thread (block, order) transpose instead.
    static constexpr std::size_t ring_block = 8;
    /// Values of a row of the per-thread block: a ring's half-spectrum or its L orders,
    /// padded to 8 values (rows stay 64-byte aligned).
    [[nodiscard]] std::size_t row_stride() const { return (std::max(half_size(), static_cast<std::size_t>(m_L)) + 7) / 8 * 8; }
    [[nodiscard]] std::size_t half_stride() const { return (half_size() + 7) / 8 * 8; }
    /// Per-thread ring buffer: ring_block rows, two fold buffers (half-spectra of rings
    /// whose orders fold or rotate; rings of odd length go through the FFT in pairs, see
    /// real_ring_dft), then the FFT scratch.
    [[nodiscard]] std::size_t ring_stride() const {
        return ring_block * row_stride() + 2 * half_stride() + m_ffts.scratch_size() + 8;
    }
    /// Whether rings b and b + 1 of a block (b + 1 < nb) share one paired FFT.
    [[nodiscard]] bool paired_rings(std::size_t r, std::size_t b, std::size_t nb) const {
        return b + 1 < nb && m_geom[r].nphi == m_geom[r + 1].nphi && m_ffts.get(m_geom[r].nphi).pairs();
    }
    void check_workspace(const workspace& w) const {
        if (w.ph.size() != ph_size() || w.eng.size() < static_cast<std::size_t>(std::max(1, threads())) ||
            w.ring.size() < static_cast<std::size_t>(std::max(1, threads())) * ring_stride())
            sphaera::detail::raise<invalid_argument>("sht::real_plan: the workspace was not made by this plan's make_workspace()");
    }
    std::size_t batch_count(const char* what, std::size_t nalm, std::size_t nmap) const {
        const std::size_t nb = nalm / alm_size();
        if (nalm % alm_size() != 0 || nmap != nb * map_size())
            sphaera::detail::raise<shape_mismatch>("sht::real_plan::", what, ": alm has size ", nalm, " and map ", nmap,
                                                   "; they must be nbatch*L^2 = nbatch*", alm_size(), " and nbatch*",
                                                   map_size());
        return nb;
    }
    /// This thread's part of w.ring (64-byte aligned): rows, fold buffers, FFT scratch.
    struct ring_bufs {
        coeff_type *rows, *fold1, *fold2, *scratch;
    };
    ring_bufs ring_buffers(workspace& w) const {
        int t = 0;
#ifdef _OPENMP
        t = omp_get_thread_num();
#endif
        coeff_type* rows = backend::detail::align64(w.ring.data() + static_cast<std::size_t>(t) * ring_stride());
        coeff_type* fold1 = rows + ring_block * row_stride();
        return {rows, fold1, fold1 + half_stride(), fold1 + 2 * half_stride()};
    }
    /// Where the block transpose puts ring r's L orders (row[c], times scale): an unfolded
    /// ring's row is its half-spectrum itself (order m at k = m; scaled in the transpose),
    /// any other ring's row holds its orders, folded into a fold buffer (scale applied there).
    using ring_slot = detail::ring_slot<coeff_type>;
    ring_slot slot_of(std::size_t r, coeff_type* row, bool weighted) const {
        const double scale = weighted && unfolded(m_geom[r]) ? pixel_weight(r) : 1.0;
        return {row, row, scale};
    }
    void check_sizes(const char* what, std::size_t nalm, std::size_t nmap) const {
        detail::check_transform_sizes("real_plan", what, m_L, nalm, alm_size(), nmap, map_size());
    }
    void require_weights(const char* what) const { detail::require_ring_weights("real_plan", what, m_geom); }
    [[nodiscard]] double pixel_weight(std::size_t r) const { return detail::pixel_weight(m_geom, r); }
    /// Whether ring g's half-spectrum is just its orders: no rotation (φ0 = 0) and
    /// nphi ≥ 2L − 1, so order m sits at k = m ≤ nphi/2 and no order folds onto another.
    [[nodiscard]] bool unfolded(const ring& g) const {
        return g.phi0 == 0.0 && g.nphi >= 2 * static_cast<std::size_t>(m_L) - 1;
    }
    /// Calls f(m, m mod nphi, e^{imφ0}) for m = 0..L−1 (rotation recomputed every 32 orders).
    template <class F>
    void for_each_order(const ring& g, F&& f) const {
        const auto n = static_cast<long long>(g.nphi);
        const std::complex<double> step = std::polar(1.0, g.phi0);
        const bool rotate = g.phi0 != 0.0;
        std::complex<double> rot = 1.0;
        long long k = 0;
        for (int m = 0; m < m_L; ++m) {
            if (rotate) rot = (m % 32 == 0) ? std::polar(1.0, m * g.phi0) : rot * step;
            f(m, k, rot);
            if (++k == n) k = 0;
        }
    }
    /// ph: (L, nrings) → map: per ring, the Hermitian half-spectrum c_k (k ≤ nphi/2) of
    /// Σ_{|m|<L} F_m e^{imφ0} e^{imφ} with F_−m = conj(F_m) (orders folded modulo nphi), then c2r.
    void ring_synthesis(const coeff_type* ph, T* map, bool weighted, workspace& w) const {
        const std::size_t nr = m_geom.nrings(), nc = static_cast<std::size_t>(m_L), nblk = (nr + ring_block - 1) / ring_block;
        const std::size_t rs = row_stride();
        const int nt = threads();
#pragma omp parallel num_threads(nt) if (nt > 1)
        {
            const auto [rows, fold1, fold2, scratch] = ring_buffers(w);
#pragma omp for schedule(dynamic, 1)
            for (std::size_t ib = 0; ib < nblk; ++ib) {
                const std::size_t r0 = ib * ring_block, nb = std::min(ring_block, nr - r0);
                ring_slot s[ring_block];
                bool scaled = false;
                for (std::size_t b = 0; b < nb; ++b) {
                    const ring& g = m_geom[r0 + b];
                    s[b] = slot_of(r0 + b, rows + b * rs, weighted);
                    scaled |= s[b].scale != 1.0;
                    if (unfolded(g))  // the half-spectrum is zero above L − 1
                        std::fill(rows + b * rs + nc, rows + b * rs + (g.nphi / 2 + 1), coeff_type(0));
                }
                if (nb == ring_block) detail::gather_block<ring_block>(ph, nr, r0, nb, 0, nc, s, scaled);
                else detail::gather_block<0>(ph, nr, r0, nb, 0, nc, s, scaled);
                // Ring r0 + b's Hermitian half-spectrum: its row if unfolded, else folded into `out`.
                auto half_spectrum = [&](std::size_t b, coeff_type* out) -> coeff_type* {
                    const std::size_t r = r0 + b;
                    const coeff_type* col = rows + b * rs;
                    const ring& g = m_geom[r];
                    if (unfolded(g)) return rows + b * rs;
                    const auto n = static_cast<long long>(g.nphi), half = n / 2;
                    const double scale = weighted ? pixel_weight(r) : 1.0;
                    std::fill(out, out + half + 1, coeff_type(0));
                    for_each_order(g, [&](int m, long long k, std::complex<double> rot) {
                        const std::complex<double> v = std::complex<double>(col[static_cast<std::size_t>(m)]) * rot * scale;
                        if (k <= half) out[static_cast<std::size_t>(k)] += coeff_type(v);
                        if (m > 0) {
                            const long long k2 = k == 0 ? 0 : n - k;
                            if (k2 <= half) out[static_cast<std::size_t>(k2)] += coeff_type(std::conj(v));
                        }
                    });
                    return out;
                };
                for (std::size_t b = 0; b < nb;) {
                    const std::size_t r = r0 + b;
                    const auto& dft = m_ffts.get(m_geom[r].nphi);
                    coeff_type* in1 = half_spectrum(b, fold1);
                    if (paired_rings(r, b, nb)) {
                        coeff_type* in2 = half_spectrum(b + 1, fold2);
                        dft.backward_two(in1, in2, map + m_geom[r].offset, map + m_geom[r + 1].offset, scratch);
                        b += 2;
                    } else {
                        dft.backward(in1, map + m_geom[r].offset, scratch);
                        b += 1;
                    }
                }
            }
        }
    }
    /// map → ph: (L, nrings) (the transpose of ring_synthesis on real maps).
    void ring_adjoint(const T* map, coeff_type* ph, bool weighted, workspace& w) const {
        const std::size_t nr = m_geom.nrings(), nc = static_cast<std::size_t>(m_L), nblk = (nr + ring_block - 1) / ring_block;
        const std::size_t rs = row_stride();
        const int nt = threads();
#pragma omp parallel num_threads(nt) if (nt > 1)
        {
            const auto [rows, fold1, fold2, scratch] = ring_buffers(w);
#pragma omp for schedule(dynamic, 1)
            for (std::size_t ib = 0; ib < nblk; ++ib) {
                const std::size_t r0 = ib * ring_block, nb = std::min(ring_block, nr - r0);
                ring_slot s[ring_block];
                bool scaled = false;
                for (std::size_t b = 0; b < nb; ++b) {
                    s[b] = slot_of(r0 + b, rows + b * rs, weighted);
                    scaled |= s[b].scale != 1.0;
                }
                // Where ring r0 + b's half-spectrum goes: its row if unfolded (scaled by the
                // transpose), else `fold`, from which orders() fills the row.
                auto spectrum = [&](std::size_t b, coeff_type* fold) {
                    return unfolded(m_geom[r0 + b]) ? rows + b * rs : fold;
                };
                auto orders = [&](std::size_t b, const coeff_type* in) {
                    const std::size_t r = r0 + b;
                    const ring& g = m_geom[r];
                    if (unfolded(g)) return;
                    coeff_type* col = rows + b * rs;
                    const auto n = static_cast<long long>(g.nphi), half = n / 2;
                    const double scale = weighted ? pixel_weight(r) : 1.0;
                    for_each_order(g, [&](int m, long long k, std::complex<double> rot) {
                        const std::complex<double> c = k <= half ? std::complex<double>(in[static_cast<std::size_t>(k)])
                                                                 : std::conj(std::complex<double>(in[static_cast<std::size_t>(n - k)]));
                        col[static_cast<std::size_t>(m)] = coeff_type(c * std::conj(rot) * scale);
                    });
                };
                for (std::size_t b = 0; b < nb;) {
                    const std::size_t r = r0 + b;
                    const auto& dft = m_ffts.get(m_geom[r].nphi);
                    coeff_type* out1 = spectrum(b, fold1);
                    if (paired_rings(r, b, nb)) {
                        coeff_type* out2 = spectrum(b + 1, fold2);
                        dft.forward_two(map + m_geom[r].offset, map + m_geom[r + 1].offset, out1, out2, scratch);
                        orders(b, out1);
                        orders(b + 1, out2);
                        b += 2;
                    } else {
                        dft.forward(map + m_geom[r].offset, out1, scratch);
                        orders(b, out1);
                        b += 1;
                    }
                }
                if (nb == ring_block) detail::scatter_block<ring_block>(s, nb, ph, nr, r0, 0, nc, scaled);
                else detail::scatter_block<0>(s, nb, ph, nr, r0, 0, nc, scaled);
            }
        }
    }

    int m_L = 0;
    ring_geometry m_geom;
    [[no_unique_address]] B m_backend{};
    detail::fftw_real_set<T> m_ffts;
    engine_type m_engine;
};

}  // namespace sphaera::sht
