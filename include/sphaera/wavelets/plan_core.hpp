#pragma once
/// \file plan_core.hpp
/// \brief wavelets::detail::plan_core<T, B>: everything wavelets::plan (complex spin-s
/// fields) and wavelets::real_plan (real fields) share, so each plan states only what
/// differs (which SHT runs each channel, and how the channels are summed into real or
/// complex coefficients):
///
///  * the tiling, the coefficient layout and the queries on them (sizes, scales, grids);
///  * the argument checks of every transform (sizes, workspace origin), one message each;
///  * the harmonic weights of the scaling function and of every channel n of every scale,
///    in the four combinations the transforms need (McEwen et al. 2018 eq. 23; layout.hpp
///    channel_factors for g_n(ℓ); tiling.hpp for the spin-lowered η_ℓ):
///
///      down_n(ℓ) = conj(g_n(ℓ)) η_ℓ / √(2π)            analysis (scatter), and conj'd for
///                                                     the adjoint of analysis (gather)
///      up_n(ℓ)   = g_n(ℓ) √(2π) / ((2N_j−1) η_ℓ)      synthesis (gather), and conj'd for
///                                                     the adjoint of synthesis (scatter)
///      κ₀ η_ℓ, κ₀ / η_ℓ                               the same two for the scaling function
///
///    (synthesis divides by η_ℓ²: the dual frame, exact for spin-lowered wavelets);
///  * the per-pixel orientation sums W(γ_k) = Σ_n e^{inγ_k} G_n and their adjoint
///    H_n = Σ_k e^{−inγ_k} W(γ_k);
///  * the scratch buffers of a workspace.
///
/// The plans derive from plan_core for its queries (identical in both); it has no virtual
/// functions and is never used through a base pointer.

#include <algorithm>
#include <array>
#include <complex>
#include <cstddef>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/core/view.hpp"
// geometry.hpp first: it names sphaera::detail as plain `detail`, which a prior sht::detail hides.
#include "sphaera/sht/geometry.hpp"
#include "sphaera/sht/layout.hpp"
#include "sphaera/sht/plan.hpp"
#include "sphaera/wavelets/layout.hpp"
#include "sphaera/wavelets/tiling.hpp"

namespace sphaera::wavelets::detail {

/// Which direction a shared scatter/gather step runs: forward (analysis, synthesis) or
/// adjoint (the adjoint of synthesis, the adjoint of analysis).
enum class op { forward, adjoint };

/// Scratch of one transform call that is not an SHT's own: harmonic coefficients of the
/// field, one channel's coefficients, the channels' maps of one scale, a real map.
template <class T>
struct scratch_buffers {
    std::vector<std::complex<T>> flm;   // (L²)
    std::vector<std::complex<T>> a;     // (max alm_count over the scaling grid and the scales)
    std::vector<std::complex<T>> x;     // (as a): the real plan's per-scale accumulator
    std::vector<std::complex<T>> g;     // (max over scales of channels × npix)
    std::vector<T> r;                   // (max npix): the real plan's n = 0 channel map
};

template <class T, host_backend B>
class plan_core {
public:
    using complex_type = std::complex<T>;

    [[nodiscard]] const wavelets::tiling& tiling() const { return m_tiling; }
    [[nodiscard]] resolution resolution_mode() const { return m_res; }
    [[nodiscard]] sht::sampling sampling() const { return m_sampling; }
    /// Samples of the field, npix(L).
    [[nodiscard]] std::size_t map_size() const { return m_map_size; }
    /// L² harmonic coefficients of the field (index ℓ² + ℓ + m).
    [[nodiscard]] std::size_t alm_size() const { return sht::alm_count(m_tiling.band_limit()); }
    /// Length of the flat coefficient array.
    [[nodiscard]] std::size_t coefficients_size() const { return m_layout.total; }
    /// Scaling coefficients occupy [0, scaling_size()), on the grid of scaling_band_limit().
    [[nodiscard]] std::size_t scaling_size() const { return m_layout.scaling_npix; }
    [[nodiscard]] int scaling_band_limit() const { return m_layout.scaling_L; }
    /// The grid and offset of scale j (J_min ≤ j ≤ J_max).
    [[nodiscard]] const scale_layout& scale(int j) const {
        sphaera::detail::require_in_range(m_scale_what.c_str(), j, m_tiling.j_min(), m_tiling.j_max());
        return m_layout.scales[static_cast<std::size_t>(j - m_tiling.j_min())];
    }
    /// The ring geometry of scale j's grid (or of the scaling grid for j = −1).
    [[nodiscard]] sht::ring_geometry scale_geometry(int j) const {
        return j < 0 ? sampling_geometry(m_layout.scaling_sampling, m_layout.scaling_L) : sampling_geometry(m_sampling, scale(j).L);
    }

protected:
    /// One scale's transformed channels (all live n, or the live n ≥ 0 for real fields) and
    /// their weights and orientation phases.
    struct channel_set {
        std::vector<int> ns;                            // live n, increasing
        std::vector<std::vector<complex_type>> down;    // (ns, support): analysis weight
        std::vector<std::vector<complex_type>> up;      // (ns, support): synthesis weight
        std::vector<complex_type> phase;                // (2N_j−1, ns): e^{inγ_k}
    };

    /// name: "plan" or "real_plan" for messages; nonnegative: keep only the live n ≥ 0
    /// (the real plan's channels; n < 0 follow by conjugate symmetry).
    plan_core(const parameters& p, resolution res, sht::sampling smp, B backend, const char* name, bool nonnegative)
        : m_tiling(p), m_layout(m_tiling, res, smp), m_res(res), m_sampling(smp), m_backend(backend), m_name(name),
          m_scale_what(std::string("wavelets::") + name + "::scale: j") {
        m_map_size = sampling_geometry(smp, p.L).npix();
        const double rt = std::sqrt(2.0 * std::numbers::pi);
        auto eta = [&](int l) { return m_tiling.spin_normalisation(l); };
        for (int l = 0; l < m_layout.scaling_L; ++l) {
            // Where κ₀ vanishes (ℓ < el_min, the only place η_ℓ = 0) both weights are 0.
            const double k0 = m_tiling.kappa0(l);
            m_scal_down.push_back(static_cast<T>(k0 == 0 ? 0.0 : k0 * eta(l)));
            m_scal_up.push_back(static_cast<T>(k0 == 0 ? 0.0 : k0 / eta(l)));
        }
        for (const auto& sc : m_layout.scales) {
            channel_set cs;
            const auto g = channel_factors(m_tiling, sc);
            const double M = static_cast<double>(sc.n_gamma());
            for (std::size_t c = 0; c < sc.channels.size(); ++c) {
                const int n = sc.channels[c];
                if (nonnegative && n < 0) continue;
                cs.ns.push_back(n);
                std::vector<complex_type> dn(static_cast<std::size_t>(sc.support)), upv(dn.size());
                for (int l = 0; l < sc.support; ++l) {
                    const auto gl = g[c][static_cast<std::size_t>(l)];
                    if (gl == 0.0) continue;  // also every ℓ < el_min, where η_ℓ = 0
                    dn[static_cast<std::size_t>(l)] = static_cast<complex_type>(std::conj(gl) * (eta(l) / rt));
                    upv[static_cast<std::size_t>(l)] = static_cast<complex_type>(gl * (rt / (M * eta(l))));
                }
                cs.down.push_back(std::move(dn));
                cs.up.push_back(std::move(upv));
            }
            for (std::size_t k = 0; k < sc.n_gamma(); ++k)
                for (int n : cs.ns) cs.phase.push_back(static_cast<complex_type>(std::polar(1.0, n * sc.gamma(k))));
            m_sets.push_back(std::move(cs));
        }
    }

    // ---- checks ------------------------------------------------------------------------
    void check_map(const char* what, std::size_t n) const {
        if (n != map_size())
            sphaera::detail::raise<shape_mismatch>("wavelets::", m_name, "::", what, ": the map has size ", n,
                                                   " but L = ", m_tiling.band_limit(), " on ",
                                                   sht::sampling_name(m_sampling), " needs ", map_size());
    }
    void check_coefficients(const char* what, std::size_t n) const {
        if (n != coefficients_size())
            sphaera::detail::raise<shape_mismatch>("wavelets::", m_name, "::", what, ": the coefficient array has size ",
                                                   n, " but this plan's layout needs ", coefficients_size());
    }
    void check_alm(const char* what, std::size_t n) const {
        if (n != alm_size())
            sphaera::detail::raise<shape_mismatch>("wavelets::", m_name, "::", what, ": flm has size ", n,
                                                   " but L = ", m_tiling.band_limit(), " needs L^2 = ", alm_size());
    }
    /// A workspace is valid for this plan when its per-scale SHT workspaces match the
    /// layout and its buffers have this plan's sizes (a copy made by another plan fails).
    void check_workspace_made(bool matches) const {
        if (!matches)
            sphaera::detail::raise<invalid_argument>("wavelets::", m_name,
                                                     ": the workspace was not made by this plan's make_workspace()");
    }

    // ---- workspace -----------------------------------------------------------------------
    /// Runs f(w) with channel (s, c)'s SHT workspace w, or f() (the SHT then makes its own)
    /// when v is empty: the allocating overloads' light workspace holds no per-channel SHT
    /// workspaces, since keeping one per channel alive at once raises the peak memory of a
    /// call (+43 % at L = 512, N = 4) over making each in turn.
    template <class W, class F>
    static void with_sht_workspace(std::vector<std::vector<W>>& v, std::size_t s, std::size_t c, F&& f) {
        if (v.empty()) f();
        else f(v[s][c]);
    }

    [[nodiscard]] scratch_buffers<T> make_buffers() const {
        const auto n = buffer_sizes();
        scratch_buffers<T> b;
        b.flm.resize(n[0]);
        b.a.resize(n[1]);
        b.x.resize(n[1]);
        b.g.resize(n[2]);
        b.r.resize(n[3]);
        return b;
    }
    [[nodiscard]] bool buffers_match(const scratch_buffers<T>& b) const {
        const auto ref = buffer_sizes();
        return b.flm.size() == ref[0] && b.a.size() == ref[1] && b.x.size() == ref[1] && b.g.size() == ref[2] &&
               b.r.size() == ref[3];
    }

    // ---- harmonic weights -------------------------------------------------------------------
    /// a_ℓm = w(ℓ) flm_ℓm for ℓ < Ls, w = κ₀η (forward: analysis) or κ₀/η (adjoint of synthesis).
    void scaling_weigh(const complex_type* flm, op o, complex_type* a) const {
        const auto& k = o == op::forward ? m_scal_down : m_scal_up;
        for (int l = 0; l < m_layout.scaling_L; ++l)
            for (int m = -l; m <= l; ++m) a[sht::alm_index(l, m)] = k[static_cast<std::size_t>(l)] * flm[sht::alm_index(l, m)];
    }
    /// flm_ℓm += w(ℓ) a_ℓm, w = κ₀/η (forward: synthesis) or κ₀η (adjoint of analysis).
    void scaling_accumulate(const complex_type* a, op o, complex_type* flm) const {
        const auto& k = o == op::forward ? m_scal_up : m_scal_down;
        for (int l = 0; l < m_layout.scaling_L; ++l)
            for (int m = -l; m <= l; ++m) flm[sht::alm_index(l, m)] += k[static_cast<std::size_t>(l)] * a[sht::alm_index(l, m)];
    }
    /// Channel c of scale s: a_ℓm = w(ℓ) flm_ℓm, w = down (forward) or conj(up) (adjoint).
    void channel_weigh(std::size_t s, std::size_t c, const complex_type* flm, op o, complex_type* a) const {
        const int support = m_layout.scales[s].support;
        const auto& w = o == op::forward ? m_sets[s].down[c] : m_sets[s].up[c];
        for (int l = 0; l < support; ++l) {
            const complex_type f = o == op::forward ? w[static_cast<std::size_t>(l)] : std::conj(w[static_cast<std::size_t>(l)]);
            for (int m = -l; m <= l; ++m) a[sht::alm_index(l, m)] = f * flm[sht::alm_index(l, m)];
        }
    }
    /// Channel c of scale s: x_ℓm += factor w(ℓ) b_ℓm, w = up (forward) or conj(down) (adjoint).
    void channel_accumulate(std::size_t s, std::size_t c, const complex_type* b, op o, T factor, complex_type* x) const {
        const int support = m_layout.scales[s].support;
        const auto& w = o == op::forward ? m_sets[s].up[c] : m_sets[s].down[c];
        for (int l = 0; l < support; ++l) {
            const complex_type f =
                factor * (o == op::forward ? w[static_cast<std::size_t>(l)] : std::conj(w[static_cast<std::size_t>(l)]));
            for (int m = -l; m <= l; ++m) x[sht::alm_index(l, m)] += f * b[sht::alm_index(l, m)];
        }
    }

    // ---- orientation sums ---------------------------------------------------------------------
    /// W(γ_k) = Σ_c e^{in_cγ_k} G_c per pixel: g (channels, npix) → out (2N_j−1, npix).
    void orientation_sum(std::size_t s, const complex_type* g, complex_type* out) const {
        const auto& cs = m_sets[s];
        const std::size_t nc = cs.ns.size(), np = m_layout.scales[s].npix, M = m_layout.scales[s].n_gamma();
        [[maybe_unused]] const int nt = threads();
#pragma omp parallel for num_threads(nt) if (nt > 1) schedule(static)
        for (std::size_t p = 0; p < np; ++p)
            for (std::size_t k = 0; k < M; ++k) {
                complex_type acc(0);
                for (std::size_t c = 0; c < nc; ++c) acc += cs.phase[k * nc + c] * g[c * np + p];
                out[k * np + p] = acc;
            }
    }
    /// The real-field version: W(γ_k) = G_0 + 2 Re Σ_{n>0} e^{inγ_k} G_n (the n < 0 channels
    /// are the conjugates of the n > 0 ones).
    void orientation_sum(std::size_t s, const complex_type* g, T* out) const {
        const auto& cs = m_sets[s];
        const std::size_t nc = cs.ns.size(), np = m_layout.scales[s].npix, M = m_layout.scales[s].n_gamma();
        [[maybe_unused]] const int nt = threads();
#pragma omp parallel for num_threads(nt) if (nt > 1) schedule(static)
        for (std::size_t p = 0; p < np; ++p)
            for (std::size_t k = 0; k < M; ++k) {
                T acc = 0;
                for (std::size_t c = 0; c < nc; ++c) {
                    const T re = (cs.phase[k * nc + c] * g[c * np + p]).real();
                    acc += cs.ns[c] == 0 ? re : 2 * re;
                }
                out[k * np + p] = acc;
            }
    }
    /// H_c = Σ_k e^{−in_cγ_k} W(γ_k) per pixel (the γ-Fourier channels; the adjoint of the
    /// complex orientation sum): in (2N_j−1, npix), real or complex → h (channels, npix).
    template <class In>
    void orientation_adjoint(std::size_t s, const In* in, complex_type* h) const {
        const auto& cs = m_sets[s];
        const std::size_t nc = cs.ns.size(), np = m_layout.scales[s].npix, M = m_layout.scales[s].n_gamma();
        [[maybe_unused]] const int nt = threads();
#pragma omp parallel for num_threads(nt) if (nt > 1) schedule(static)
        for (std::size_t p = 0; p < np; ++p)
            for (std::size_t c = 0; c < nc; ++c) {
                complex_type acc(0);
                for (std::size_t k = 0; k < M; ++k) acc += std::conj(cs.phase[k * nc + c]) * in[k * np + p];
                h[c * np + p] = acc;
            }
    }

    [[nodiscard]] int threads() const { return sht::detail::thread_count(m_backend); }
    [[nodiscard]] const detail::coefficient_layout& layout() const { return m_layout; }
    [[nodiscard]] const channel_set& channels(std::size_t s) const { return m_sets[s]; }
    [[nodiscard]] B backend_value() const { return m_backend; }

private:
    /// Sizes of scratch_buffers' flm, a (and x), g and r.
    [[nodiscard]] std::array<std::size_t, 4> buffer_sizes() const {
        std::size_t na = sht::alm_count(m_layout.scaling_L), ng = 0, np = 0;
        for (std::size_t s = 0; s < m_layout.scales.size(); ++s) {
            const auto& sc = m_layout.scales[s];
            na = std::max(na, sht::alm_count(sc.support));
            ng = std::max(ng, m_sets[s].ns.size() * sc.npix);
            np = std::max(np, sc.npix);
        }
        return {alm_size(), na, ng, np};
    }

    wavelets::tiling m_tiling;
    detail::coefficient_layout m_layout;
    resolution m_res = resolution::multi;
    sht::sampling m_sampling = sht::sampling::mw;
    [[no_unique_address]] B m_backend{};
    const char* m_name = "plan";
    std::string m_scale_what;
    std::size_t m_map_size = 0;
    std::vector<T> m_scal_down, m_scal_up;  // (scaling_L): κ₀η, κ₀/η
    std::vector<channel_set> m_sets;        // (scales)
};

}  // namespace sphaera::wavelets::detail
