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
/// With spin-lowered wavelets (parameters::spin0 ≠ 0, tiling.hpp) analysis uses the
/// wavelets Φη, Ψη and synthesis the dual frame Φ/η, Ψ/η, so synthesis(analysis(f)) = f
/// still holds for every f with no content below ℓ = max(|spin|, |spin0|) (the wavelets
/// vanish there). s2wav's own synthesis with spin0 ≠ 0 uses Ψη again and so returns
/// f_ℓm η_ℓ² instead of f_ℓm.
///
/// Cost of an analysis: one spin-s analysis at L plus, per scale, N spin SHTs at L_j (N
/// only where ℓ allows); multiresolution keeps Σ_j L_j³ ≈ 2.15 L³ for λ = 2. Every
/// transform has an allocation-free overload taking a workspace (make_workspace()), which
/// holds one SHT workspace per channel (at L = 512, N = 4: ~300 MB peak for a plan with a
/// workspace against ~210 MB for the allocating calls); the overloads without one allocate
/// scratch per call and each channel's SHT scratch in turn.

#include <algorithm>
#include <complex>
#include <cstddef>
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
#include "sphaera/wavelets/plan_core.hpp"
#include "sphaera/wavelets/tiling.hpp"

namespace sphaera::wavelets {

/// Directional wavelet transforms of complex spin-s fields of band-limit L, precision T
/// (float or double; the tiling is double), host backend B. Move-only; every transform is
/// const and re-entrant (one workspace per concurrent call). Queries (sizes, scales,
/// grids) come from detail::plan_core.
template <class T, host_backend B = backend::serial>
class plan : public detail::plan_core<T, B> {
    using core = detail::plan_core<T, B>;
    using op = detail::op;
    using sht_plan = sht::plan<T, B>;

public:
    using complex_type = std::complex<T>;
    using cview = view<const complex_type, host_space>;
    using mview = view<complex_type, host_space>;

    /// Caller-owned scratch for allocation-free transforms (DESIGN §4): made once by
    /// make_workspace(), then passed to the workspace overloads; one per concurrent call.
    class workspace {
    public:
        workspace() = default;

    private:
        friend class plan;
        bool light = false;  // the allocating overloads' own: no per-channel SHT workspaces
        detail::scratch_buffers<T> buf;
        typename sht_plan::workspace field, scal;
        std::vector<std::vector<typename sht_plan::workspace>> chan;  // (scales, channels)
    };

    /// Builds the tiling (validating every parameter) and the SHT plans: spin s at L (the
    /// field), at the scaling band-limit, and spin −n per live channel of every scale.
    plan(const parameters& p, resolution res = resolution::multi, sht::sampling smp = sht::sampling::mw, B backend = {})
        : core(p, res, smp, backend, "plan", false) {
        m_field.emplace_back(p.L, p.spin, sampling_geometry(smp, p.L), backend);
        // No scaling transform where its band-limit carries no spin-s harmonic (κ₀ = 0 there).
        const int Ls = this->layout().scaling_L;
        if (Ls > std::abs(p.spin))
            m_scal.emplace_back(Ls, p.spin, sampling_geometry(this->layout().scaling_sampling, Ls), backend);
        for (std::size_t s = 0; s < this->layout().scales.size(); ++s) {
            const auto& sc = this->layout().scales[s];
            const auto geom = sampling_geometry(smp, sc.L);
            std::vector<sht_plan> ch;
            for (int n : this->channels(s).ns) ch.emplace_back(sc.support, -n, geom, backend);
            m_chan.push_back(std::move(ch));
        }
    }
    plan(const plan&) = delete;
    plan& operator=(const plan&) = delete;
    plan(plan&&) noexcept = default;
    plan& operator=(plan&&) noexcept = default;

    /// A workspace sized for this plan and its backend's thread count.
    [[nodiscard]] workspace make_workspace() const {
        workspace w;
        w.buf = this->make_buffers();
        w.field = m_field.front().make_workspace();
        if (!m_scal.empty()) w.scal = m_scal.front().make_workspace();
        for (const auto& ch : m_chan) {
            std::vector<typename sht_plan::workspace> v;
            for (const auto& c : ch) v.push_back(c.make_workspace());
            w.chan.push_back(std::move(v));
        }
        return w;
    }

    /// f: (npix) → w: (coefficients_size()).
    void analysis(cview f, mview w) const { with_workspace([&](workspace& ws) { analysis(f, w, ws); }); }
    /// w: (coefficients_size()) → f: (npix); inverts analysis exactly.
    void synthesis(cview w, mview f) const { with_workspace([&](workspace& ws) { synthesis(w, f, ws); }); }
    /// The adjoint of analysis: w: (coefficients_size()) → f: (npix).
    void adjoint_analysis(cview w, mview f) const { with_workspace([&](workspace& ws) { adjoint_analysis(w, f, ws); }); }
    /// The adjoint of synthesis: f: (npix) → w: (coefficients_size()).
    void adjoint_synthesis(cview f, mview w) const { with_workspace([&](workspace& ws) { adjoint_synthesis(f, w, ws); }); }
    /// Analysis from harmonic coefficients: flm: (L²) → w: (coefficients_size()).
    void analysis_harmonic(cview flm, mview w) const {
        with_workspace([&](workspace& ws) { analysis_harmonic(flm, w, ws); });
    }
    /// Synthesis to harmonic coefficients: w: (coefficients_size()) → flm: (L²).
    void synthesis_harmonic(cview w, mview flm) const {
        with_workspace([&](workspace& ws) { synthesis_harmonic(w, flm, ws); });
    }

    /// analysis without allocating: f: (npix) → w: (coefficients_size()), scratch in ws.
    void analysis(cview f, mview w, workspace& ws) const {
        check("analysis", f.size(), w.size(), ws);
        m_field.front().analysis(f, flm_of(ws), ws.field);
        scatter(ws.buf.flm.data(), w.data(), op::forward, ws);
    }
    /// synthesis without allocating: w: (coefficients_size()) → f: (npix).
    void synthesis(cview w, mview f, workspace& ws) const {
        check("synthesis", f.size(), w.size(), ws);
        std::fill(ws.buf.flm.begin(), ws.buf.flm.end(), complex_type(0));
        gather(w.data(), ws.buf.flm.data(), op::forward, ws);
        m_field.front().synthesis(flm_of(ws), f, ws.field);
    }
    /// adjoint_analysis without allocating: w: (coefficients_size()) → f: (npix).
    void adjoint_analysis(cview w, mview f, workspace& ws) const {
        check("adjoint_analysis", f.size(), w.size(), ws);
        std::fill(ws.buf.flm.begin(), ws.buf.flm.end(), complex_type(0));
        gather(w.data(), ws.buf.flm.data(), op::adjoint, ws);
        m_field.front().adjoint_analysis(flm_of(ws), f, ws.field);
    }
    /// adjoint_synthesis without allocating: f: (npix) → w: (coefficients_size()).
    void adjoint_synthesis(cview f, mview w, workspace& ws) const {
        check("adjoint_synthesis", f.size(), w.size(), ws);
        m_field.front().adjoint_synthesis(f, flm_of(ws), ws.field);
        scatter(ws.buf.flm.data(), w.data(), op::adjoint, ws);
    }
    /// analysis_harmonic without allocating: flm: (L²) → w: (coefficients_size()).
    void analysis_harmonic(cview flm, mview w, workspace& ws) const {
        this->check_alm("analysis_harmonic", flm.size());
        this->check_coefficients("analysis_harmonic", w.size());
        check_workspace(ws);
        scatter(flm.data(), w.data(), op::forward, ws);
    }
    /// synthesis_harmonic without allocating: w: (coefficients_size()) → flm: (L²).
    void synthesis_harmonic(cview w, mview flm, workspace& ws) const {
        this->check_alm("synthesis_harmonic", flm.size());
        this->check_coefficients("synthesis_harmonic", w.size());
        check_workspace(ws);
        std::fill(flm.begin(), flm.end(), complex_type(0));
        gather(w.data(), flm.data(), op::forward, ws);
    }

private:
    /// Runs f with a light workspace: scratch buffers and the field's and scaling's SHT
    /// workspaces, the channels' SHTs making their own in turn (plan_core::with_sht_workspace).
    template <class F>
    void with_workspace(F&& f) const {
        workspace ws;
        ws.light = true;
        ws.buf = this->make_buffers();
        ws.field = m_field.front().make_workspace();
        if (!m_scal.empty()) ws.scal = m_scal.front().make_workspace();
        f(ws);
    }
    static mview flm_of(workspace& ws) { return mview(ws.buf.flm.data(), ws.buf.flm.size()); }
    void check_workspace(const workspace& ws) const {
        const bool light = ws.light && ws.chan.empty();
        bool ok = this->buffers_match(ws.buf) && (light || ws.chan.size() == m_chan.size());
        for (std::size_t s = 0; ok && !light && s < m_chan.size(); ++s) ok = ws.chan[s].size() == m_chan[s].size();
        this->check_workspace_made(ok);
    }
    void check(const char* what, std::size_t nf, std::size_t nw, const workspace& ws) const {
        this->check_map(what, nf);
        this->check_coefficients(what, nw);
        check_workspace(ws);
    }

    /// Harmonic → coefficients: analysis (forward) or the adjoint of synthesis. Per scale,
    /// each channel's weighted coefficients go through a spin −n synthesis (or its
    /// adjoint analysis), then the orientations are summed pixel by pixel.
    void scatter(const complex_type* flm, complex_type* w, op o, workspace& ws) const {
        auto& b = ws.buf;
        const auto& lay = this->layout();
        if (m_scal.empty()) {
            std::fill(w, w + lay.scaling_npix, complex_type(0));
        } else {
            this->scaling_weigh(flm, o, b.a.data());
            const cview a(b.a.data(), sht::alm_count(lay.scaling_L));
            const mview out(w, lay.scaling_npix);
            if (o == op::forward) m_scal.front().synthesis(a, out, ws.scal);
            else m_scal.front().adjoint_analysis(a, out, ws.scal);
        }
        for (std::size_t s = 0; s < lay.scales.size(); ++s) {
            const auto& sc = lay.scales[s];
            for (std::size_t c = 0; c < m_chan[s].size(); ++c) {
                this->channel_weigh(s, c, flm, o, b.a.data());
                const cview ac(b.a.data(), sht::alm_count(sc.support));
                const mview gc(b.g.data() + c * sc.npix, sc.npix);
                this->with_sht_workspace(ws.chan, s, c, [&](auto&... sw) {
                    if (o == op::forward) m_chan[s][c].synthesis(ac, gc, sw...);
                    else m_chan[s][c].adjoint_analysis(ac, gc, sw...);
                });
            }
            this->orientation_sum(s, b.g.data(), w + sc.offset);
        }
    }

    /// Coefficients → harmonic, accumulated into flm: synthesis (forward) or the adjoint of
    /// analysis; the exact reverse of scatter's steps.
    void gather(const complex_type* w, complex_type* flm, op o, workspace& ws) const {
        auto& b = ws.buf;
        const auto& lay = this->layout();
        if (!m_scal.empty()) {
            const cview in(w, lay.scaling_npix);
            const mview a(b.a.data(), sht::alm_count(lay.scaling_L));
            if (o == op::forward) m_scal.front().analysis(in, a, ws.scal);
            else m_scal.front().adjoint_synthesis(in, a, ws.scal);
            this->scaling_accumulate(b.a.data(), o, flm);
        }
        for (std::size_t s = 0; s < lay.scales.size(); ++s) {
            const auto& sc = lay.scales[s];
            this->orientation_adjoint(s, w + sc.offset, b.g.data());
            for (std::size_t c = 0; c < m_chan[s].size(); ++c) {
                const cview hc(b.g.data() + c * sc.npix, sc.npix);
                const mview bc(b.a.data(), sht::alm_count(sc.support));
                this->with_sht_workspace(ws.chan, s, c, [&](auto&... sw) {
                    if (o == op::forward) m_chan[s][c].analysis(hc, bc, sw...);
                    else m_chan[s][c].adjoint_synthesis(hc, bc, sw...);
                });
                this->channel_accumulate(s, c, b.a.data(), o, T(1), flm);
            }
        }
    }

    std::vector<sht_plan> m_field, m_scal;       // one each (vectors: plans are move-only); m_scal may be empty
    std::vector<std::vector<sht_plan>> m_chan;   // (scales, live channels): spin −n
};

}  // namespace sphaera::wavelets
