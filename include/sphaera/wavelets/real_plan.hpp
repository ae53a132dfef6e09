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
/// Adjoints are in the real inner products of maps and coefficient arrays.

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
#include "sphaera/sht/real_plan.hpp"
#include "sphaera/wavelets/layout.hpp"
#include "sphaera/wavelets/tiling.hpp"

namespace sphaera::wavelets {

/// Directional wavelet transforms of real fields of band-limit L (spin must be 0), precision
/// T, host backend B. Move-only; const, re-entrant transforms.
template <class T, host_backend B = backend::serial>
class real_plan {
public:
    using complex_type = std::complex<T>;
    using rview = view<const T, host_space>;
    using rmview = view<T, host_space>;
    using cview = view<const complex_type, host_space>;
    using cmview = view<complex_type, host_space>;

    /// As wavelets::plan; invalid_argument unless p.spin == 0.
    real_plan(const parameters& p, resolution res = resolution::multi, sht::sampling smp = sht::sampling::mw, B backend = {})
        : m_tiling(checked(p)), m_layout(m_tiling, res, smp), m_sampling(smp), m_backend(backend) {
        m_field.emplace_back(p.L, sampling_geometry(smp, p.L), backend);
        m_scal.emplace_back(m_layout.scaling_L, sampling_geometry(smp, m_layout.scaling_L), backend);
        for (const auto& sc : m_layout.scales) {
            auto geom = sampling_geometry(smp, sc.L);
            chan ch;
            for (int n : sc.channels) {
                if (n < 0) continue;
                ch.ns.push_back(n);
                if (n == 0) ch.zero.emplace_back(sc.support, geom, backend);
                else ch.spin.emplace_back(sc.support, -n, geom, backend);
            }
            // Factors g_n(ℓ) of the n ≥ 0 channels, in ch.ns order.
            auto all = detail::channel_factors(m_tiling, sc);
            for (int n : ch.ns)
                for (std::size_t c = 0; c < sc.channels.size(); ++c)
                    if (sc.channels[c] == n) ch.factor.push_back(all[c]);
            for (std::size_t k = 0; k < sc.n_gamma(); ++k)
                for (int n : ch.ns) ch.phase.push_back(std::polar(1.0, n * sc.gamma(k)));
            m_chan.push_back(std::move(ch));
        }
    }
    real_plan(const real_plan&) = delete;
    real_plan& operator=(const real_plan&) = delete;
    real_plan(real_plan&&) noexcept = default;
    real_plan& operator=(real_plan&&) noexcept = default;

    [[nodiscard]] const wavelets::tiling& tiling() const { return m_tiling; }
    [[nodiscard]] std::size_t map_size() const { return m_field.front().map_size(); }
    [[nodiscard]] std::size_t alm_size() const { return sht::alm_count(m_tiling.band_limit()); }
    [[nodiscard]] std::size_t coefficients_size() const { return m_layout.total; }
    [[nodiscard]] std::size_t scaling_size() const { return m_layout.scaling_npix; }
    [[nodiscard]] int scaling_band_limit() const { return m_layout.scaling_L; }
    [[nodiscard]] const scale_layout& scale(int j) const {
        sphaera::detail::require_in_range("wavelets::real_plan::scale: j", j, m_tiling.j_min(), m_tiling.j_max());
        return m_layout.scales[static_cast<std::size_t>(j - m_tiling.j_min())];
    }
    /// The ring geometry of scale j's grid (or of the scaling grid for j = −1).
    [[nodiscard]] sht::ring_geometry scale_geometry(int j) const {
        return sampling_geometry(m_sampling, j < 0 ? m_layout.scaling_L : scale(j).L);
    }

    /// f: (npix) real → w: (coefficients_size()) real.
    void analysis(rview f, rmview w) const {
        check("analysis", f.size(), w.size());
        std::vector<complex_type> flm(alm_size());
        m_field.front().analysis(f, cmview(flm.data(), flm.size()));
        scatter(cview(flm.data(), flm.size()), w, true);
    }
    /// w: (coefficients_size()) → f: (npix); inverts analysis exactly.
    void synthesis(rview w, rmview f) const {
        check("synthesis", f.size(), w.size());
        std::vector<complex_type> flm(alm_size(), complex_type(0));
        gather(w, flm, true);
        m_field.front().synthesis(cview(flm.data(), flm.size()), f);
    }
    /// The adjoint of analysis: w: (coefficients_size()) → f: (npix).
    void adjoint_analysis(rview w, rmview f) const {
        check("adjoint_analysis", f.size(), w.size());
        std::vector<complex_type> flm(alm_size(), complex_type(0));
        gather(w, flm, false);
        m_field.front().adjoint_analysis(cview(flm.data(), flm.size()), f);
    }
    /// The adjoint of synthesis: f: (npix) → w: (coefficients_size()).
    void adjoint_synthesis(rview f, rmview w) const {
        check("adjoint_synthesis", f.size(), w.size());
        std::vector<complex_type> flm(alm_size());
        m_field.front().adjoint_synthesis(f, cmview(flm.data(), flm.size()));
        scatter(cview(flm.data(), flm.size()), w, false);
    }
    /// Analysis from Hermitian harmonic coefficients: flm: (L², m ≥ 0 read) → w.
    void analysis_harmonic(cview flm, rmview w) const {
        sphaera::detail::require_same_size("wavelets::real_plan::analysis_harmonic: flm", flm.size(), alm_size());
        sphaera::detail::require_same_size("wavelets::real_plan::analysis_harmonic: w", w.size(), coefficients_size());
        std::vector<complex_type> h(flm.begin(), flm.end());
        for (int l = 0; l < m_tiling.band_limit(); ++l)  // make it Hermitian from m ≥ 0
            for (int m = 1; m <= l; ++m)
                h[sht::alm_index(l, -m)] = T(m % 2 == 0 ? 1 : -1) * std::conj(h[sht::alm_index(l, m)]);
        scatter(cview(h.data(), h.size()), w, true);
    }
    /// Synthesis to harmonic coefficients: w → flm: (L², Hermitian).
    void synthesis_harmonic(rview w, cmview flm) const {
        sphaera::detail::require_same_size("wavelets::real_plan::synthesis_harmonic: flm", flm.size(), alm_size());
        sphaera::detail::require_same_size("wavelets::real_plan::synthesis_harmonic: w", w.size(), coefficients_size());
        std::fill(flm.begin(), flm.end(), complex_type(0));
        gather(w, std::span<complex_type>(flm.data(), flm.size()), true);
    }

private:
    struct chan {
        std::vector<int> ns;                                    // live n ≥ 0, increasing
        std::vector<sht::real_plan<T, B>> zero;                 // n = 0 (when live)
        std::vector<sht::plan<T, B>> spin;                      // n > 0: spin −n, in ns order
        std::vector<std::vector<std::complex<double>>> factor;  // (ns, support): g_n(ℓ)
        std::vector<std::complex<double>> phase;                // (2N_j−1, ns): e^{inγ_k}
    };

    static const parameters& checked(const parameters& p) {
        if (p.spin != 0)
            sphaera::detail::raise<invalid_argument>("wavelets::real_plan: spin = ", p.spin,
                                                     "; real fields are spin 0 (use wavelets::plan for spin fields)");
        return p;
    }
    void check(const char* what, std::size_t nf, std::size_t nw) const {
        if (nf != map_size())
            sphaera::detail::raise<shape_mismatch>("wavelets::real_plan::", what, ": the map has size ", nf,
                                                   " but L = ", m_tiling.band_limit(), " on ",
                                                   sht::sampling_name(m_sampling), " needs ", map_size());
        if (nw != coefficients_size())
            sphaera::detail::raise<shape_mismatch>("wavelets::real_plan::", what, ": the coefficient array has size ",
                                                   nw, " but this plan's layout needs ", coefficients_size());
    }
    [[nodiscard]] int threads() const { return sht::detail::thread_count(m_backend); }

    /// Harmonic (Hermitian) → real coefficients: analysis (fwd) or adjoint synthesis.
    void scatter(cview flm, rmview w, bool fwd) const {
        const double rt = std::sqrt(2.0 * std::numbers::pi);
        {
            const int Ls = m_layout.scaling_L;
            std::vector<complex_type> a(sht::alm_count(Ls));
            for (int l = 0; l < Ls; ++l)
                for (int m = -l; m <= l; ++m) a[sht::alm_index(l, m)] = static_cast<T>(m_tiling.kappa0(l)) * flm[sht::alm_index(l, m)];
            rmview out(w.data(), m_layout.scaling_npix);
            if (fwd) m_scal.front().synthesis(cview(a.data(), a.size()), out);
            else m_scal.front().adjoint_analysis(cview(a.data(), a.size()), out);
        }
        for (std::size_t s = 0; s < m_layout.scales.size(); ++s) {
            const auto& sc = m_layout.scales[s];
            const auto& ch = m_chan[s];
            const std::size_t nc = ch.ns.size(), np = sc.npix, M = sc.n_gamma();
            const double scale = fwd ? 1.0 / rt : rt / static_cast<double>(M);
            std::vector<complex_type> a(sht::alm_count(sc.support)), g(nc * np);
            std::vector<T> g0(np);
            std::size_t next_spin = 0;
            for (std::size_t c = 0; c < nc; ++c) {
                for (int l = 0; l < sc.support; ++l) {
                    const auto f = static_cast<complex_type>(std::conj(ch.factor[c][static_cast<std::size_t>(l)]) * scale);
                    for (int m = -l; m <= l; ++m) a[sht::alm_index(l, m)] = f * flm[sht::alm_index(l, m)];
                }
                if (ch.ns[c] == 0) {
                    rmview out(g0.data(), np);
                    if (fwd) ch.zero.front().synthesis(cview(a.data(), a.size()), out);
                    else ch.zero.front().adjoint_analysis(cview(a.data(), a.size()), out);
                    for (std::size_t p = 0; p < np; ++p) g[c * np + p] = g0[p];
                } else {
                    cmview out(g.data() + c * np, np);
                    if (fwd) ch.spin[next_spin].synthesis(cview(a.data(), a.size()), out);
                    else ch.spin[next_spin].adjoint_analysis(cview(a.data(), a.size()), out);
                    ++next_spin;
                }
            }
            // W(γ_k) = G_0 + 2 Re Σ_{n>0} e^{inγ_k} G_n.
            T* out = w.data() + sc.offset;
            [[maybe_unused]] const int nt = threads();
#pragma omp parallel for num_threads(nt) if (nt > 1) schedule(static)
            for (std::size_t p = 0; p < np; ++p)
                for (std::size_t k = 0; k < M; ++k) {
                    T acc = 0;
                    for (std::size_t c = 0; c < nc; ++c) {
                        const T re = (static_cast<complex_type>(ch.phase[k * nc + c]) * g[c * np + p]).real();
                        acc += ch.ns[c] == 0 ? re : 2 * re;
                    }
                    out[k * np + p] = acc;
                }
        }
    }

    /// Real coefficients → harmonic, accumulated (Hermitian): synthesis (fwd) or adjoint analysis.
    void gather(rview w, std::span<complex_type> flm, bool fwd) const {
        const double rt = std::sqrt(2.0 * std::numbers::pi);
        {
            const int Ls = m_layout.scaling_L;
            std::vector<complex_type> a(sht::alm_count(Ls));
            rview in(w.data(), m_layout.scaling_npix);
            if (fwd) m_scal.front().analysis(in, cmview(a.data(), a.size()));
            else m_scal.front().adjoint_synthesis(in, cmview(a.data(), a.size()));
            for (int l = 0; l < Ls; ++l)
                for (int m = -l; m <= l; ++m) flm[sht::alm_index(l, m)] += static_cast<T>(m_tiling.kappa0(l)) * a[sht::alm_index(l, m)];
        }
        for (std::size_t s = 0; s < m_layout.scales.size(); ++s) {
            const auto& sc = m_layout.scales[s];
            const auto& ch = m_chan[s];
            const std::size_t nc = ch.ns.size(), np = sc.npix, M = sc.n_gamma();
            const double scale = fwd ? rt / static_cast<double>(M) : 1.0 / rt;
            std::vector<complex_type> h(nc * np), b(sht::alm_count(sc.support)), x(sht::alm_count(sc.support), complex_type(0));
            std::vector<T> h0(np);
            const T* in = w.data() + sc.offset;
            [[maybe_unused]] const int nt = threads();
            // H_n = Σ_k e^{−inγ_k} W(γ_k) for the n ≥ 0 channels.
#pragma omp parallel for num_threads(nt) if (nt > 1) schedule(static)
            for (std::size_t p = 0; p < np; ++p)
                for (std::size_t c = 0; c < nc; ++c) {
                    complex_type acc(0);
                    for (std::size_t k = 0; k < M; ++k) acc += static_cast<complex_type>(std::conj(ch.phase[k * nc + c])) * in[k * np + p];
                    h[c * np + p] = acc;
                }
            std::size_t next_spin = 0;
            for (std::size_t c = 0; c < nc; ++c) {
                if (ch.ns[c] == 0) {
                    for (std::size_t p = 0; p < np; ++p) h0[p] = h[p + c * np].real();
                    rview hc(h0.data(), np);
                    if (fwd) ch.zero.front().analysis(hc, cmview(b.data(), b.size()));
                    else ch.zero.front().adjoint_synthesis(hc, cmview(b.data(), b.size()));
                } else {
                    cview hc(h.data() + c * np, np);
                    if (fwd) ch.spin[next_spin].analysis(hc, cmview(b.data(), b.size()));
                    else ch.spin[next_spin].adjoint_synthesis(hc, cmview(b.data(), b.size()));
                    ++next_spin;
                }
                // Channel 0 is Hermitian already and counts once; n > 0 stands for ±n, so it
                // enters at half weight and the mirror below restores the −n half.
                const double half = ch.ns[c] == 0 ? 0.5 : 1.0;
                for (int l = 0; l < sc.support; ++l) {
                    const auto f = static_cast<complex_type>(ch.factor[c][static_cast<std::size_t>(l)] * (scale * half));
                    for (int m = -l; m <= l; ++m) x[sht::alm_index(l, m)] += f * b[sht::alm_index(l, m)];
                }
            }
            // flm += X + M(X), M(X)_ℓm = (−1)^m conj(X_ℓ,−m).
            for (int l = 0; l < sc.support; ++l)
                for (int m = -l; m <= l; ++m)
                    flm[sht::alm_index(l, m)] += x[sht::alm_index(l, m)] +
                                                 T(m % 2 == 0 ? 1 : -1) * std::conj(x[sht::alm_index(l, -m)]);
        }
    }

    wavelets::tiling m_tiling;
    detail::coefficient_layout m_layout;
    sht::sampling m_sampling = sht::sampling::mw;
    [[no_unique_address]] B m_backend{};
    std::vector<sht::real_plan<T, B>> m_field, m_scal;  // one each
    std::vector<chan> m_chan;                          // (scales)
};

}  // namespace sphaera::wavelets
