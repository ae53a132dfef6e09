#pragma once
/// \file spin_pair.hpp
/// \brief sht::spin_pair_plan<T, Backend>: spin-s pairs of real maps (Q, U) ↔ gradient/curl
/// (E, B) harmonic coefficients, in healpy's convention (Zaldarriaga & Seljak 1997; Górski et
/// al. 2005; healpy.alm2map_spin / map2alm_spin):
///
///   ₛa_ℓm = −(E_ℓm + i B_ℓm),   ₋ₛa_ℓm = −(−1)^s (E_ℓm − i B_ℓm),
///   P = Q + iU = Σ_ℓm ₛa_ℓm ₛY_ℓm,   Q − iU = Σ_ℓm ₋ₛa_ℓm ₋ₛY_ℓm,
///
/// with ₛY_ℓm in ssht's convention (sht::plan), which agrees with healpy's for every spin
/// tested (s = 1, 2, 3; see tests/sht/test_spin_pair.cpp). E and B are the coefficients of
/// real fields, so Hermitian: E_{ℓ,−m} = (−1)^m conj(E_ℓm). One complex spin-s SHT serves
/// the pair: ₋ₛa carries no information beyond ₛa when Q, U are real, since
/// ₋ₛa_ℓm = (−1)^{s+m} conj(ₛa_{ℓ,−m}). Hence, with (J u)_ℓm = (−1)^m conj(u_{ℓ,−m}) and the
/// Hermitian projection H = (1 + J)/2,
///
///   synthesis   (Q, U) = (Re, Im) S(−H E − i H B),
///   analysis    a = A(Q + iU),  E = −H a,  B = i (1 − J) a / 2.
///
/// synthesis projects its inputs on the Hermitian (real-field) coefficients first, so it is
/// a real-linear map of that space and analysis inverts it exactly on exact grids. Adjoints
/// are taken in the real inner product Re⟨u, v⟩ on coefficients and Σ u v on maps (the
/// vector–Jacobian products of real losses). Coefficients (2, L²): E then B, each in the 1-D
/// layout ℓ² + ℓ + m, ℓ < s zero on output; maps (2, npix): Q then U.

#include <complex>
#include <cstddef>
#include <utility>
#include <vector>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/core/view.hpp"
#include "sphaera/sht/geometry.hpp"
#include "sphaera/sht/layout.hpp"
#include "sphaera/sht/plan.hpp"

namespace sphaera::sht {

namespace detail {
/// out = (u + J u)/2 (sign = +1) or (u − J u)/2 (sign = −1), (J u)_ℓm = (−1)^m conj(u_{ℓ,−m}).
/// u, out: (L²); out may not alias u.
template <class C>
void hermitian_part(int L, const C* u, C* out, int sign) {
    using R = typename C::value_type;
    for (int l = 0; l < L; ++l)
        for (int m = -l; m <= l; ++m) {
            const R pm = (m % 2 == 0) ? R(1) : R(-1);
            const C ju = pm * std::conj(u[alm_index(l, -m)]);
            out[alm_index(l, m)] = R(0.5) * (sign > 0 ? u[alm_index(l, m)] + ju : u[alm_index(l, m)] - ju);
        }
}
}  // namespace detail

/// Spin-s polarisation-like transforms (Q, U) ↔ (E, B) of band-limit L on a ring geometry,
/// precision T, host backend B. Move-only; all transforms const and re-entrant.
template <class T, host_backend B = backend::serial>
class spin_pair_plan {
public:
    using complex_type = std::complex<T>;

    /// Throws invalid_argument unless 1 ≤ spin ≤ L − 1 (and as sht::plan for L, geometry).
    spin_pair_plan(int L, int spin, ring_geometry geometry, B backend = {})
        : m_plan(L, check_spin(L, spin), std::move(geometry), backend) {}
    spin_pair_plan(const spin_pair_plan&) = delete;
    spin_pair_plan& operator=(const spin_pair_plan&) = delete;
    spin_pair_plan(spin_pair_plan&&) noexcept = default;
    spin_pair_plan& operator=(spin_pair_plan&&) noexcept = default;

    [[nodiscard]] int band_limit() const { return m_plan.band_limit(); }
    [[nodiscard]] int spin() const { return m_plan.spin(); }
    [[nodiscard]] const ring_geometry& geometry() const { return m_plan.geometry(); }
    /// 2·L²: E then B.
    [[nodiscard]] std::size_t alm_size() const { return 2 * m_plan.alm_size(); }
    /// 2·npix: Q then U.
    [[nodiscard]] std::size_t map_size() const { return 2 * m_plan.map_size(); }
    [[nodiscard]] bool exact_analysis() const { return m_plan.exact_analysis(); }
    /// The spin-s SHT underneath (P = Q + iU ↔ ₛa).
    [[nodiscard]] const plan<T, B>& spin_plan() const { return m_plan; }

    /// eb: (2, L²) complex → qu: (2, npix) real.
    void synthesis(view<const complex_type, host_space> eb, view<T, host_space> qu) const {
        check("synthesis", eb.size(), qu.size());
        const std::size_t na = m_plan.alm_size();
        std::vector<complex_type> a(na), p(m_plan.map_size());
        spin_alm_from_eb(eb, {a.data(), na});
        m_plan.synthesis({a.data(), na}, {p.data(), p.size()});
        split(p, qu);
    }
    /// The adjoint of synthesis: qu: (2, npix) real → eb: (2, L²) complex.
    void adjoint_synthesis(view<const T, host_space> qu, view<complex_type, host_space> eb) const {
        check("adjoint_synthesis", eb.size(), qu.size());
        const std::size_t na = m_plan.alm_size();
        std::vector<complex_type> p = join(qu), a(na);
        m_plan.adjoint_synthesis({p.data(), p.size()}, {a.data(), na});
        // (−H, H ∘ i)ᵀ applied to a: E = −H a, B = H(i a).
        for (auto& v : a) v = -v;
        detail::hermitian_part(band_limit(), a.data(), eb.data(), +1);
        for (auto& v : a) v *= complex_type(0, -1);  // −a ↦ i a
        detail::hermitian_part(band_limit(), a.data(), eb.data() + na, +1);
    }
    /// Analysis: qu: (2, npix) real → eb: (2, L²) complex (Hermitian E and B). Exact where
    /// exact_analysis(); the weighted adjoint on HEALPix (refine with healpix_refinement.hpp
    /// on spin_plan() for P = Q + iU if needed).
    void analysis(view<const T, host_space> qu, view<complex_type, host_space> eb) const {
        check("analysis", eb.size(), qu.size());
        const std::size_t na = m_plan.alm_size();
        std::vector<complex_type> p = join(qu), a(na);
        m_plan.analysis({p.data(), p.size()}, {a.data(), na});
        eb_from_spin_alm({a.data(), na}, eb);
    }
    /// The adjoint of analysis: eb: (2, L²) complex → qu: (2, npix) real.
    void adjoint_analysis(view<const complex_type, host_space> eb, view<T, host_space> qu) const {
        check("adjoint_analysis", eb.size(), qu.size());
        const std::size_t na = m_plan.alm_size();
        std::vector<complex_type> a(na), h(na), b(eb.data() + na, eb.data() + 2 * na), p(m_plan.map_size());
        // (−H, i(1 − J)/2)ᵀ: a = −H yE + ((1 − J)/2)(−i yB).
        detail::hermitian_part(band_limit(), eb.data(), a.data(), +1);
        for (auto& v : b) v *= complex_type(0, -1);
        detail::hermitian_part(band_limit(), b.data(), h.data(), -1);
        for (std::size_t i = 0; i < na; ++i) a[i] = h[i] - a[i];
        m_plan.adjoint_analysis({a.data(), na}, {p.data(), p.size()});
        split(p, qu);
    }
    /// ₛa → (E, B) = (−H a, i(1 − J)a/2), e.g. after refined_analysis on spin_plan().
    /// a: (L²); eb: (2, L²).
    void eb_from_spin_alm(view<const complex_type, host_space> a, view<complex_type, host_space> eb) const {
        const std::size_t na = m_plan.alm_size();
        sphaera::detail::require_same_size("spin_pair_plan::eb_from_spin_alm: a", a.size(), na);
        sphaera::detail::require_same_size("spin_pair_plan::eb_from_spin_alm: eb", eb.size(), 2 * na);
        detail::hermitian_part(band_limit(), a.data(), eb.data(), +1);
        detail::hermitian_part(band_limit(), a.data(), eb.data() + na, -1);
        for (std::size_t i = 0; i < na; ++i) {
            eb[i] = -eb[i];
            eb[na + i] *= complex_type(0, 1);
        }
    }
    /// (E, B) → ₛa = −(H E + i H B). eb: (2, L²); a: (L²).
    void spin_alm_from_eb(view<const complex_type, host_space> eb, view<complex_type, host_space> a) const {
        const std::size_t na = m_plan.alm_size();
        sphaera::detail::require_same_size("spin_pair_plan::spin_alm_from_eb: eb", eb.size(), 2 * na);
        sphaera::detail::require_same_size("spin_pair_plan::spin_alm_from_eb: a", a.size(), na);
        std::vector<complex_type> h(na);
        detail::hermitian_part(band_limit(), eb.data(), a.data(), +1);
        detail::hermitian_part(band_limit(), eb.data() + na, h.data(), +1);
        for (std::size_t i = 0; i < na; ++i) a[i] = -(a[i] + complex_type(0, 1) * h[i]);
    }

private:
    static int check_spin(int L, int spin) {
        if (L >= 2) sphaera::detail::require_in_range("spin_pair_plan: spin", spin, 1, L - 1);
        else if (spin < 1)
            sphaera::detail::raise<invalid_argument>("spin_pair_plan: spin = ", spin,
                                                     " is out of range; valid range is [1, L-1] (L = ", L, ")");
        return spin;
    }
    void check(const char* what, std::size_t nalm, std::size_t nmap) const {
        if (nalm != alm_size())
            sphaera::detail::raise<shape_mismatch>("spin_pair_plan::", what, ": eb has size ", nalm,
                                                   " but (E, B) of L = ", band_limit(), " needs 2L^2 = ", alm_size());
        if (nmap != map_size())
            sphaera::detail::raise<shape_mismatch>("spin_pair_plan::", what, ": qu has size ", nmap,
                                                   " but (Q, U) on this geometry needs 2 npix = ", map_size());
    }
    /// Q + iU from qu: (2, npix).
    std::vector<complex_type> join(view<const T, host_space> qu) const {
        const std::size_t np = m_plan.map_size();
        std::vector<complex_type> p(np);
        for (std::size_t i = 0; i < np; ++i) p[i] = complex_type(qu[i], qu[np + i]);
        return p;
    }
    /// (Re p, Im p) into qu: (2, npix).
    void split(const std::vector<complex_type>& p, view<T, host_space> qu) const {
        const std::size_t np = p.size();
        for (std::size_t i = 0; i < np; ++i) {
            qu[i] = p[i].real();
            qu[np + i] = p[i].imag();
        }
    }

    plan<T, B> m_plan;  // spin s: P = Q + iU ↔ ₛa
};

}  // namespace sphaera::sht
