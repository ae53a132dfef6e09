#pragma once
/// \file real_plan.hpp
/// \brief wavelets::real_plan<T, Backend>: the directional wavelet transform of plan.hpp for
/// real (spin-0) fields, with real scaling and wavelet coefficients (the wavelets are real:
/// Ψ_ℓ,−n = (−1)^n conj(Ψ_ℓn), s2wav's `reality=True`). Same layout, tiling and
/// normalisation as wavelets::plan; on real input its outputs equal plan's real parts.
///
/// Why it is cheaper: the γ-Fourier channels of a real W obey G_{−n} = conj(G_n), so only
/// the live n ≥ 0 are transformed (n = 0 through the real SHT) and
/// W(γ_k) = G_0 + 2 Re Σ_{n>0} e^{inγ_k} G_n. On the way back, channel −n contributes the
/// mirror M(X)_ℓm = (−1)^m conj(X_ℓ,−m) of channel n's contribution X: by the conjugation
/// rule ₛY*_ℓm = (−1)^{s+m} ₋ₛY_ℓ,−m and because the channel factors obey g_{−n} = g_n and
/// (−1)^n g_n = conj(g_n) (ν = 1 with n even, or ν = i with n odd).
/// The spin-lowered normalisation η_ℓ (parameters::spin0) is real and depends on ℓ only,
/// so the wavelets stay real with it. Adjoints are in the real inner products of maps and
/// coefficient arrays. Every transform has an allocation-free workspace overload.

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
#include "sphaera/sht/real_plan.hpp"
#include "sphaera/wavelets/layout.hpp"
#include "sphaera/wavelets/plan_core.hpp"
#include "sphaera/wavelets/tiling.hpp"

namespace sphaera::wavelets {

/// Directional wavelet transforms of real fields of band-limit L (spin must be 0), precision
/// T, host backend B. Move-only; const, re-entrant transforms (one workspace per concurrent
/// call). Queries (sizes, scales, grids) come from detail::plan_core.
template <class T, host_backend B = backend::serial>
class real_plan : public detail::plan_core<T, B> {
    using core = detail::plan_core<T, B>;
    using op = detail::op;
    using spin_plan = sht::plan<T, B>;
    using zero_plan = sht::real_plan<T, B>;

public:
    using complex_type = std::complex<T>;
    using rview = view<const T, host_space>;
    using rmview = view<T, host_space>;
    using cview = view<const complex_type, host_space>;
    using cmview = view<complex_type, host_space>;

    /// Caller-owned scratch for allocation-free transforms, made by make_workspace().
    class workspace {
    public:
        workspace() = default;

    private:
        friend class real_plan;
        bool light = false;  // the allocating overloads' own: no per-channel SHT workspaces
        detail::scratch_buffers<T> buf;
        typename zero_plan::workspace field, scal;
        std::vector<std::vector<typename zero_plan::workspace>> zero;  // (scales, 0 or 1)
        std::vector<std::vector<typename spin_plan::workspace>> spin;  // (scales, live n > 0)
    };

    /// As wavelets::plan; invalid_argument unless p.spin == 0.
    real_plan(const parameters& p, resolution res = resolution::multi, sht::sampling smp = sht::sampling::mw, B backend = {})
        : core(checked(p), res, smp, backend, "real_plan", true) {
        m_field.emplace_back(p.L, sampling_geometry(smp, p.L), backend);
        const int Ls = this->layout().scaling_L;
        m_scal.emplace_back(Ls, sampling_geometry(this->layout().scaling_sampling, Ls), backend);
        for (std::size_t s = 0; s < this->layout().scales.size(); ++s) {
            const auto& sc = this->layout().scales[s];
            const auto geom = sampling_geometry(smp, sc.L);
            chan ch;
            for (int n : this->channels(s).ns) {
                if (n == 0) ch.zero.emplace_back(sc.support, geom, backend);
                else ch.spin.emplace_back(sc.support, -n, geom, backend);
            }
            m_chan.push_back(std::move(ch));
        }
    }
    real_plan(const real_plan&) = delete;
    real_plan& operator=(const real_plan&) = delete;
    real_plan(real_plan&&) noexcept = default;
    real_plan& operator=(real_plan&&) noexcept = default;

    /// A workspace sized for this plan and its backend's thread count.
    [[nodiscard]] workspace make_workspace() const {
        workspace w;
        w.buf = this->make_buffers();
        w.field = m_field.front().make_workspace();
        w.scal = m_scal.front().make_workspace();
        for (const auto& ch : m_chan) {
            std::vector<typename zero_plan::workspace> z;
            std::vector<typename spin_plan::workspace> v;
            for (const auto& c : ch.zero) z.push_back(c.make_workspace());
            for (const auto& c : ch.spin) v.push_back(c.make_workspace());
            w.zero.push_back(std::move(z));
            w.spin.push_back(std::move(v));
        }
        return w;
    }

    /// f: (npix) real → w: (coefficients_size()) real.
    void analysis(rview f, rmview w) const { with_workspace([&](workspace& ws) { analysis(f, w, ws); }); }
    /// w: (coefficients_size()) → f: (npix); inverts analysis exactly.
    void synthesis(rview w, rmview f) const { with_workspace([&](workspace& ws) { synthesis(w, f, ws); }); }
    /// The adjoint of analysis: w: (coefficients_size()) → f: (npix).
    void adjoint_analysis(rview w, rmview f) const { with_workspace([&](workspace& ws) { adjoint_analysis(w, f, ws); }); }
    /// The adjoint of synthesis: f: (npix) → w: (coefficients_size()).
    void adjoint_synthesis(rview f, rmview w) const { with_workspace([&](workspace& ws) { adjoint_synthesis(f, w, ws); }); }
    /// Analysis from Hermitian harmonic coefficients: flm: (L², m ≥ 0 read) → w.
    void analysis_harmonic(cview flm, rmview w) const {
        with_workspace([&](workspace& ws) { analysis_harmonic(flm, w, ws); });
    }
    /// Synthesis to harmonic coefficients: w → flm: (L², Hermitian).
    void synthesis_harmonic(rview w, cmview flm) const {
        with_workspace([&](workspace& ws) { synthesis_harmonic(w, flm, ws); });
    }

    /// analysis without allocating: f: (npix) → w: (coefficients_size()), scratch in ws.
    void analysis(rview f, rmview w, workspace& ws) const {
        check("analysis", f.size(), w.size(), ws);
        m_field.front().analysis(f, flm_of(ws), ws.field);
        scatter(ws.buf.flm.data(), w.data(), op::forward, ws);
    }
    /// synthesis without allocating: w: (coefficients_size()) → f: (npix).
    void synthesis(rview w, rmview f, workspace& ws) const {
        check("synthesis", f.size(), w.size(), ws);
        std::fill(ws.buf.flm.begin(), ws.buf.flm.end(), complex_type(0));
        gather(w.data(), ws.buf.flm.data(), op::forward, ws);
        m_field.front().synthesis(flm_of(ws), f, ws.field);
    }
    /// adjoint_analysis without allocating: w: (coefficients_size()) → f: (npix).
    void adjoint_analysis(rview w, rmview f, workspace& ws) const {
        check("adjoint_analysis", f.size(), w.size(), ws);
        std::fill(ws.buf.flm.begin(), ws.buf.flm.end(), complex_type(0));
        gather(w.data(), ws.buf.flm.data(), op::adjoint, ws);
        m_field.front().adjoint_analysis(flm_of(ws), f, ws.field);
    }
    /// adjoint_synthesis without allocating: f: (npix) → w: (coefficients_size()).
    void adjoint_synthesis(rview f, rmview w, workspace& ws) const {
        check("adjoint_synthesis", f.size(), w.size(), ws);
        m_field.front().adjoint_synthesis(f, flm_of(ws), ws.field);
        scatter(ws.buf.flm.data(), w.data(), op::adjoint, ws);
    }
    /// analysis_harmonic without allocating: flm: (L², m ≥ 0 read) → w.
    void analysis_harmonic(cview flm, rmview w, workspace& ws) const {
        this->check_alm("analysis_harmonic", flm.size());
        this->check_coefficients("analysis_harmonic", w.size());
        check_workspace(ws);
        auto& h = ws.buf.flm;  // made Hermitian from m ≥ 0
        std::copy(flm.begin(), flm.end(), h.begin());
        for (int l = 0; l < this->tiling().band_limit(); ++l)
            for (int m = 1; m <= l; ++m) h[sht::alm_index(l, -m)] = T(m % 2 == 0 ? 1 : -1) * std::conj(h[sht::alm_index(l, m)]);
        scatter(h.data(), w.data(), op::forward, ws);
    }
    /// synthesis_harmonic without allocating: w → flm: (L², Hermitian).
    void synthesis_harmonic(rview w, cmview flm, workspace& ws) const {
        this->check_alm("synthesis_harmonic", flm.size());
        this->check_coefficients("synthesis_harmonic", w.size());
        check_workspace(ws);
        std::fill(flm.begin(), flm.end(), complex_type(0));
        gather(w.data(), flm.data(), op::forward, ws);
    }

private:
    struct chan {
        std::vector<zero_plan> zero;  // n = 0 (when live): first in the channel order
        std::vector<spin_plan> spin;  // n > 0: spin −n, in channel order after n = 0
    };

    static const parameters& checked(const parameters& p) {
        if (p.spin != 0)
            sphaera::detail::raise<invalid_argument>("wavelets::real_plan: spin = ", p.spin,
                                                     "; real fields are spin 0 (use wavelets::plan for spin fields)");
        return p;
    }
    /// Runs f with a light workspace: scratch buffers and the field's and scaling's SHT
    /// workspaces, the channels' SHTs making their own in turn (plan_core::with_sht_workspace).
    template <class F>
    void with_workspace(F&& f) const {
        workspace ws;
        ws.light = true;
        ws.buf = this->make_buffers();
        ws.field = m_field.front().make_workspace();
        ws.scal = m_scal.front().make_workspace();
        f(ws);
    }
    static cmview flm_of(workspace& ws) { return cmview(ws.buf.flm.data(), ws.buf.flm.size()); }
    void check_workspace(const workspace& ws) const {
        const bool light = ws.light && ws.zero.empty() && ws.spin.empty();
        bool ok = this->buffers_match(ws.buf) &&
                  (light || (ws.zero.size() == m_chan.size() && ws.spin.size() == m_chan.size()));
        for (std::size_t s = 0; ok && !light && s < m_chan.size(); ++s)
            ok = ws.zero[s].size() == m_chan[s].zero.size() && ws.spin[s].size() == m_chan[s].spin.size();
        this->check_workspace_made(ok);
    }
    void check(const char* what, std::size_t nf, std::size_t nw, const workspace& ws) const {
        this->check_map(what, nf);
        this->check_coefficients(what, nw);
        check_workspace(ws);
    }

    /// Harmonic (Hermitian) → real coefficients: analysis (forward) or the adjoint of
    /// synthesis; channel n = 0 through the real SHT, n > 0 through spin −n.
    void scatter(const complex_type* flm, T* w, op o, workspace& ws) const {
        auto& b = ws.buf;
        const auto& lay = this->layout();
        this->scaling_weigh(flm, o, b.a.data());
        const cview a(b.a.data(), sht::alm_count(lay.scaling_L));
        const rmview out(w, lay.scaling_npix);
        if (o == op::forward) m_scal.front().synthesis(a, out, ws.scal);
        else m_scal.front().adjoint_analysis(a, out, ws.scal);
        for (std::size_t s = 0; s < lay.scales.size(); ++s) {
            const auto& sc = lay.scales[s];
            const auto& ch = m_chan[s];
            const std::size_t nz = ch.zero.size(), np = sc.npix;
            for (std::size_t c = 0; c < nz + ch.spin.size(); ++c) {
                this->channel_weigh(s, c, flm, o, b.a.data());
                const cview ac(b.a.data(), sht::alm_count(sc.support));
                if (c < nz) {
                    const rmview r(b.r.data(), np);
                    this->with_sht_workspace(ws.zero, s, c, [&](auto&... sw) {
                        if (o == op::forward) ch.zero[c].synthesis(ac, r, sw...);
                        else ch.zero[c].adjoint_analysis(ac, r, sw...);
                    });
                    for (std::size_t p = 0; p < np; ++p) b.g[c * np + p] = b.r[p];
                } else {
                    const cmview gc(b.g.data() + c * np, np);
                    this->with_sht_workspace(ws.spin, s, c - nz, [&](auto&... sw) {
                        if (o == op::forward) ch.spin[c - nz].synthesis(ac, gc, sw...);
                        else ch.spin[c - nz].adjoint_analysis(ac, gc, sw...);
                    });
                }
            }
            this->orientation_sum(s, b.g.data(), w + sc.offset);
        }
    }

    /// Real coefficients → harmonic, accumulated (Hermitian): synthesis (forward) or the
    /// adjoint of analysis.
    void gather(const T* w, complex_type* flm, op o, workspace& ws) const {
        auto& b = ws.buf;
        const auto& lay = this->layout();
        const rview in(w, lay.scaling_npix);
        const cmview a(b.a.data(), sht::alm_count(lay.scaling_L));
        if (o == op::forward) m_scal.front().analysis(in, a, ws.scal);
        else m_scal.front().adjoint_synthesis(in, a, ws.scal);
        this->scaling_accumulate(b.a.data(), o, flm);
        for (std::size_t s = 0; s < lay.scales.size(); ++s) {
            const auto& sc = lay.scales[s];
            const auto& ch = m_chan[s];
            const std::size_t nz = ch.zero.size(), np = sc.npix, na = sht::alm_count(sc.support);
            this->orientation_adjoint(s, w + sc.offset, b.g.data());
            std::fill(b.x.begin(), b.x.begin() + static_cast<std::ptrdiff_t>(na), complex_type(0));
            for (std::size_t c = 0; c < nz + ch.spin.size(); ++c) {
                const cmview bc(b.a.data(), na);
                if (c < nz) {
                    for (std::size_t p = 0; p < np; ++p) b.r[p] = b.g[c * np + p].real();
                    const rview hc(b.r.data(), np);
                    this->with_sht_workspace(ws.zero, s, c, [&](auto&... sw) {
                        if (o == op::forward) ch.zero[c].analysis(hc, bc, sw...);
                        else ch.zero[c].adjoint_synthesis(hc, bc, sw...);
                    });
                } else {
                    const cview hc(b.g.data() + c * np, np);
                    this->with_sht_workspace(ws.spin, s, c - nz, [&](auto&... sw) {
                        if (o == op::forward) ch.spin[c - nz].analysis(hc, bc, sw...);
                        else ch.spin[c - nz].adjoint_synthesis(hc, bc, sw...);
                    });
                }
                // Channel 0 is Hermitian already and counts once; n > 0 stands for ±n, so it
                // enters at half weight and the mirror below restores the −n half.
                this->channel_accumulate(s, c, b.a.data(), o, T(c < nz ? 0.5 : 1.0), b.x.data());
            }
            // flm += X + M(X), M(X)_ℓm = (−1)^m conj(X_ℓ,−m).
            for (int l = 0; l < sc.support; ++l)
                for (int m = -l; m <= l; ++m)
                    flm[sht::alm_index(l, m)] +=
                        b.x[sht::alm_index(l, m)] + T(m % 2 == 0 ? 1 : -1) * std::conj(b.x[sht::alm_index(l, -m)]);
        }
    }

    std::vector<zero_plan> m_field, m_scal;  // one each
    std::vector<chan> m_chan;                // (scales)
};

}  // namespace sphaera::wavelets
