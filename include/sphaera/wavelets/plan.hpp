#pragma once
/// \file plan.hpp
/// \brief wavelets::plan<T, Backend>: the directional scale-discretised wavelet transform of
/// complex spin-s fields on the sphere (Wiaux et al. 2008; McEwen et al. 2013, 2018; s2wav):
///
///   analysis    W^Φ(ω) = Σ_ℓm κ₀(ℓ) f_ℓm ₛY_ℓm(ω)               (= ⟨f, R_ω Φ⟩),
///               W^j(ρ) = Σ_ℓmn (2ℓ+1)/(8π²) W^j_ℓmn D^ℓ*_mn(ρ),
///               W^j_ℓmn = (8π²/(2ℓ+1)) f_ℓm conj(Ψ^j_ℓn)           (= ⟨f, R_ρ Ψ^j⟩),
///   synthesis   f_ℓm = κ₀(ℓ) W^Φ_ℓm + Σ_j Σ_n W^j_ℓmn Ψ^j_ℓn,
///
/// exact by the admissibility identity (tiling.hpp), with s2fft's Wigner convention
/// D^ℓ_mn(α, β, γ) = e^{−imα} d^ℓ_mn(β) e^{−inγ} and the tiling of tiling.hpp. Each scale
/// is computed channel by channel (only the N steerable n, never an O(N·L³) table): one
/// spin −n SHT per live channel and a (2N−1)×N phase sum per pixel over the orientations.
/// Coefficients: one flat array laid out as layout.hpp says.
///
/// Cost of an analysis: one spin-s analysis at L plus, per scale, N spin SHTs at L_j (N
/// only where ℓ allows); multiresolution keeps Σ_j L_j³ ≈ 2.15 L³ for λ = 2.

#include <algorithm>
#include <complex>
#include <cstddef>
#include <numbers>
#include <span>
#include <utility>
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

namespace sphaera::wavelets {

/// Directional wavelet transforms of complex spin-s fields of band-limit L, precision T
/// (float or double; the tiling is double), host backend B. Move-only; every transform is
/// const and re-entrant (scratch is allocated per call).
template <class T, host_backend B = backend::serial>
class plan {
public:
    using complex_type = std::complex<T>;
    using cview = view<const complex_type, host_space>;
    using mview = view<complex_type, host_space>;

    /// Builds the tiling (validating every parameter) and the SHT plans: spin s at L (the
    /// field), at the scaling band-limit, and spin −n per live channel of every scale.
    plan(const parameters& p, resolution res = resolution::multi, sht::sampling smp = sht::sampling::mw, B backend = {})
        : m_tiling(p), m_layout(m_tiling, res, smp), m_res(res), m_sampling(smp), m_backend(backend) {
        const int L = p.L, s = p.spin;
        m_field.emplace_back(L, s, sampling_geometry(smp, L), backend);
        m_scal.emplace_back(m_layout.scaling_L, s, sampling_geometry(smp, m_layout.scaling_L), backend);
        for (const auto& sc : m_layout.scales) {
            auto geom = sampling_geometry(smp, sc.L);
            std::vector<sht::plan<T, B>> ch;
            for (int n : sc.channels) ch.emplace_back(sc.support, -n, geom, backend);
            m_chan.push_back(std::move(ch));
            m_factor.push_back(detail::channel_factors(m_tiling, sc));
            std::vector<std::complex<double>> ph(sc.n_gamma() * sc.channels.size());
            for (std::size_t k = 0; k < sc.n_gamma(); ++k)
                for (std::size_t c = 0; c < sc.channels.size(); ++c)
                    ph[k * sc.channels.size() + c] = std::polar(1.0, sc.channels[c] * sc.gamma(k));
            m_phase.push_back(std::move(ph));
        }
    }
    plan(const plan&) = delete;
    plan& operator=(const plan&) = delete;
    plan(plan&&) noexcept = default;
    plan& operator=(plan&&) noexcept = default;

    [[nodiscard]] const wavelets::tiling& tiling() const { return m_tiling; }
    [[nodiscard]] resolution resolution_mode() const { return m_res; }
    [[nodiscard]] sht::sampling sampling() const { return m_sampling; }
    /// Samples of the field, npix(L).
    [[nodiscard]] std::size_t map_size() const { return m_field.front().map_size(); }
    /// L² harmonic coefficients of the field (index ℓ² + ℓ + m).
    [[nodiscard]] std::size_t alm_size() const { return sht::alm_count(m_tiling.band_limit()); }
    /// Length of the flat coefficient array.
    [[nodiscard]] std::size_t coefficients_size() const { return m_layout.total; }
    /// Scaling coefficients occupy [0, scaling_size()), on the grid of scaling_band_limit().
    [[nodiscard]] std::size_t scaling_size() const { return m_layout.scaling_npix; }
    [[nodiscard]] int scaling_band_limit() const { return m_layout.scaling_L; }
    /// The grid and offset of scale j (J_min ≤ j ≤ J_max).
    [[nodiscard]] const scale_layout& scale(int j) const {
        sphaera::detail::require_in_range("wavelets::plan::scale: j", j, m_tiling.j_min(), m_tiling.j_max());
        return m_layout.scales[static_cast<std::size_t>(j - m_tiling.j_min())];
    }
    /// The ring geometry of scale j's grid (or of the scaling grid for j = −1).
    [[nodiscard]] sht::ring_geometry scale_geometry(int j) const {
        return sampling_geometry(m_sampling, j < 0 ? m_layout.scaling_L : scale(j).L);
    }

    /// f: (npix) → w: (coefficients_size()).
    void analysis(cview f, mview w) const {
        check_map("analysis", f.size());
        std::vector<complex_type> flm(alm_size());
        m_field.front().analysis(f, mview(flm.data(), flm.size()));
        analysis_harmonic(cview(flm.data(), flm.size()), w);
    }
    /// w: (coefficients_size()) → f: (npix); inverts analysis exactly.
    void synthesis(cview w, mview f) const {
        check_map("synthesis", f.size());
        std::vector<complex_type> flm(alm_size());
        synthesis_harmonic(w, mview(flm.data(), flm.size()));
        m_field.front().synthesis(cview(flm.data(), flm.size()), f);
    }
    /// The adjoint of analysis: w: (coefficients_size()) → f: (npix).
    void adjoint_analysis(cview w, mview f) const {
        check_map("adjoint_analysis", f.size());
        check_coefficients("adjoint_analysis", w.size());
        std::vector<complex_type> flm(alm_size(), complex_type(0));
        gather(w, flm, op::adjoint);
        m_field.front().adjoint_analysis(cview(flm.data(), flm.size()), f);
    }
    /// The adjoint of synthesis: f: (npix) → w: (coefficients_size()).
    void adjoint_synthesis(cview f, mview w) const {
        check_map("adjoint_synthesis", f.size());
        check_coefficients("adjoint_synthesis", w.size());
        std::vector<complex_type> flm(alm_size());
        m_field.front().adjoint_synthesis(f, mview(flm.data(), flm.size()));
        scatter(cview(flm.data(), flm.size()), w, op::adjoint);
    }
    /// Analysis from harmonic coefficients: flm: (L²) → w: (coefficients_size()).
    void analysis_harmonic(cview flm, mview w) const {
        sphaera::detail::require_same_size("wavelets::plan::analysis_harmonic: flm", flm.size(), alm_size());
        check_coefficients("analysis_harmonic", w.size());
        scatter(flm, w, op::forward);
    }
    /// Synthesis to harmonic coefficients: w: (coefficients_size()) → flm: (L²).
    void synthesis_harmonic(cview w, mview flm) const {
        sphaera::detail::require_same_size("wavelets::plan::synthesis_harmonic: flm", flm.size(), alm_size());
        check_coefficients("synthesis_harmonic", w.size());
        std::fill(flm.begin(), flm.end(), complex_type(0));
        gather(w, std::span<complex_type>(flm.data(), flm.size()), op::forward);
    }

private:
    /// forward: analysis / synthesis; adjoint: adjoint_synthesis / adjoint_analysis.
    enum class op { forward, adjoint };

    void check_map(const char* what, std::size_t n) const {
        if (n != map_size())
            sphaera::detail::raise<shape_mismatch>("wavelets::plan::", what, ": the map has size ", n, " but L = ",
                                                   m_tiling.band_limit(), " on ", sht::sampling_name(m_sampling),
                                                   " needs ", map_size());
    }
    void check_coefficients(const char* what, std::size_t n) const {
        if (n != coefficients_size())
            sphaera::detail::raise<shape_mismatch>("wavelets::plan::", what, ": the coefficient array has size ", n,
                                                   " but this plan's layout needs ", coefficients_size());
    }
    [[nodiscard]] int threads() const { return sht::detail::thread_count(m_backend); }

    /// Harmonic → coefficients. forward: analysis (factor conj(g)/√2π, spin synthesis);
    /// adjoint: adjoint of synthesis (factor conj(g)√2π/(2N−1), spin adjoint analysis).
    void scatter(cview flm, mview w, op o) const {
        const double rt = std::sqrt(2.0 * std::numbers::pi);
        {
            const int Ls = m_layout.scaling_L;
            std::vector<complex_type> a(sht::alm_count(Ls));
            for (int l = 0; l < Ls; ++l)
                for (int m = -l; m <= l; ++m) a[sht::alm_index(l, m)] = static_cast<T>(m_tiling.kappa0(l)) * flm[sht::alm_index(l, m)];
            mview out(w.data(), m_layout.scaling_npix);
            if (o == op::forward) m_scal.front().synthesis(cview(a.data(), a.size()), out);
            else m_scal.front().adjoint_analysis(cview(a.data(), a.size()), out);
        }
        for (std::size_t s = 0; s < m_layout.scales.size(); ++s) {
            const auto& sc = m_layout.scales[s];
            const std::size_t nc = sc.channels.size(), np = sc.npix;
            const double scale = o == op::forward ? 1.0 / rt : rt / static_cast<double>(sc.n_gamma());
            std::vector<complex_type> a(sht::alm_count(sc.support)), g(nc * np);
            for (std::size_t c = 0; c < nc; ++c) {
                const auto& fac = m_factor[s][c];
                for (int l = 0; l < sc.support; ++l) {
                    const auto f = static_cast<complex_type>(std::conj(fac[static_cast<std::size_t>(l)]) * scale);
                    for (int m = -l; m <= l; ++m) a[sht::alm_index(l, m)] = f * flm[sht::alm_index(l, m)];
                }
                mview gc(g.data() + c * np, np);
                if (o == op::forward) m_chan[s][c].synthesis(cview(a.data(), a.size()), gc);
                else m_chan[s][c].adjoint_analysis(cview(a.data(), a.size()), gc);
            }
            // W(γ_k) = Σ_n e^{inγ_k} G_n, pixel by pixel.
            const auto& ph = m_phase[s];
            complex_type* out = w.data() + sc.offset;
            const std::size_t M = sc.n_gamma();
            [[maybe_unused]] const int nt = threads();
#pragma omp parallel for num_threads(nt) if (nt > 1) schedule(static)
            for (std::size_t p = 0; p < np; ++p)
                for (std::size_t k = 0; k < M; ++k) {
                    complex_type acc(0);
                    for (std::size_t c = 0; c < nc; ++c) acc += static_cast<complex_type>(ph[k * nc + c]) * g[c * np + p];
                    out[k * np + p] = acc;
                }
        }
    }

    /// Coefficients → harmonic, accumulated into flm. forward: synthesis (factor
    /// g√2π/(2N−1), spin analysis); adjoint: adjoint of analysis (factor g/√2π, spin
    /// adjoint synthesis).
    void gather(cview w, std::span<complex_type> flm, op o) const {
        const double rt = std::sqrt(2.0 * std::numbers::pi);
        {
            const int Ls = m_layout.scaling_L;
            std::vector<complex_type> a(sht::alm_count(Ls));
            cview in(w.data(), m_layout.scaling_npix);
            if (o == op::forward) m_scal.front().analysis(in, mview(a.data(), a.size()));
            else m_scal.front().adjoint_synthesis(in, mview(a.data(), a.size()));
            for (int l = 0; l < Ls; ++l)
                for (int m = -l; m <= l; ++m) flm[sht::alm_index(l, m)] += static_cast<T>(m_tiling.kappa0(l)) * a[sht::alm_index(l, m)];
        }
        for (std::size_t s = 0; s < m_layout.scales.size(); ++s) {
            const auto& sc = m_layout.scales[s];
            const std::size_t nc = sc.channels.size(), np = sc.npix, M = sc.n_gamma();
            const double scale = o == op::forward ? rt / static_cast<double>(M) : 1.0 / rt;
            std::vector<complex_type> h(nc * np), b(sht::alm_count(sc.support));
            const auto& ph = m_phase[s];
            const complex_type* in = w.data() + sc.offset;
            [[maybe_unused]] const int nt = threads();
            // H_n = Σ_k e^{−inγ_k} W(γ_k): the γ-Fourier channels (the adjoint of the phase sum).
#pragma omp parallel for num_threads(nt) if (nt > 1) schedule(static)
            for (std::size_t p = 0; p < np; ++p)
                for (std::size_t c = 0; c < nc; ++c) {
                    complex_type acc(0);
                    for (std::size_t k = 0; k < M; ++k) acc += static_cast<complex_type>(std::conj(ph[k * nc + c])) * in[k * np + p];
                    h[c * np + p] = acc;
                }
            for (std::size_t c = 0; c < nc; ++c) {
                cview hc(h.data() + c * np, np);
                if (o == op::forward) m_chan[s][c].analysis(hc, mview(b.data(), b.size()));
                else m_chan[s][c].adjoint_synthesis(hc, mview(b.data(), b.size()));
                const auto& fac = m_factor[s][c];
                for (int l = 0; l < sc.support; ++l) {
                    const auto f = static_cast<complex_type>(fac[static_cast<std::size_t>(l)] * scale);
                    for (int m = -l; m <= l; ++m) flm[sht::alm_index(l, m)] += f * b[sht::alm_index(l, m)];
                }
            }
        }
    }

    wavelets::tiling m_tiling;
    detail::coefficient_layout m_layout;
    resolution m_res = resolution::multi;
    sht::sampling m_sampling = sht::sampling::mw;
    [[no_unique_address]] B m_backend{};
    std::vector<sht::plan<T, B>> m_field, m_scal;                        // one each (vectors: plans are move-only)
    std::vector<std::vector<sht::plan<T, B>>> m_chan;                    // (scales, live channels): spin −n
    std::vector<std::vector<std::vector<std::complex<double>>>> m_factor;  // (scales, channels, support): g_n(ℓ)
    std::vector<std::vector<std::complex<double>>> m_phase;              // (scales, 2N_j−1, channels): e^{inγ_k}
};

}  // namespace sphaera::wavelets
