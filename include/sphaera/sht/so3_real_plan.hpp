#pragma once
/// \file so3_real_plan.hpp
/// \brief so3::real_plan<T, Backend>: Wigner transforms of real signals on SO(3), the
/// transforms of so3_plan.hpp (same samples, layouts and normalisation) at about half the
/// cost. A real f has coefficients with the symmetry (D^ℓ*_mn = (−1)^{m−n} D^ℓ_{−m,−n})
///
///   f^ℓ_{−m,−n} = (−1)^{m+n} conj(f^ℓ_mn),
///
/// so the γ-Fourier coefficients obey f_{−n}(α, β) = conj(f_n(α, β)) and only the channels
/// n ≥ 0 are transformed (N spin SHTs instead of 2N−1); the rest follows by the symmetry.
/// Coefficient arrays keep the full (2N−1)·L² layout. Maps are real, (2N−1, npix).
///
/// As real-linear operators: synthesis first projects its input orthogonally onto the
/// symmetric coefficients (P x: the mean of x and its mirror image), so it equals
/// so3::plan::synthesis on symmetric input and is defined for any input; analysis returns
/// symmetric coefficients. Adjoints are taken in the real inner product Re⟨u, v⟩ (the
/// vector–Jacobian products of real losses).

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <numbers>
#include <type_traits>
#include <utility>
#include <vector>

#include "sphaera/backend/fftw_engine.hpp"
#include "sphaera/backend/tags.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/core/view.hpp"
#include "sphaera/sht/plan.hpp"
#include "sphaera/sht/samplings.hpp"
#include "sphaera/sht/so3_layout.hpp"
#include "sphaera/sht/so3_plan.hpp"

namespace sphaera::so3 {

/// Wigner transforms of real signals, band-limits (L, N), on (γ_k, ring geometry), precision
/// T, host backend B. Move-only; all transforms const and re-entrant.
template <class T, host_backend B = backend::serial>
class real_plan {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "so3::real_plan: T must be float or double");

public:
    using complex_type = std::complex<T>;

    /// Spin SHT plans for the carried channels n ≥ 0 (spin −n). Errors as so3::plan.
    real_plan(int L, int N, sht::ring_geometry geometry, B backend = {}, channels which = channels::all)
        : m_L(L), m_N(N), m_backend(backend) {
        if (L < 1 || L > sht::max_band_limit)
            sphaera::detail::raise<invalid_argument>("so3::real_plan: band-limit L = ", L,
                                                     " is out of range; valid range is [1, ", sht::max_band_limit, "]");
        detail::require_band_limits("so3::real_plan", L, N);
        for (int n = 0; n < N; ++n) {
            if (which == channels::steerable && (N - 1 - n) % 2 != 0) continue;
            m_ns.push_back(n);
            m_sht.emplace_back(L, -n, geometry, backend);
        }
        m_npix = m_sht.front().map_size();
        m_syn.resize(static_cast<std::size_t>(L));
        m_ana.resize(static_cast<std::size_t>(L));
        const double pi = std::numbers::pi, M = 2.0 * N - 1.0;
        for (int l = 0; l < L; ++l) {  // as so3::plan
            m_syn[static_cast<std::size_t>(l)] = std::sqrt((2.0 * l + 1.0) / (16.0 * pi * pi * pi));
            m_ana[static_cast<std::size_t>(l)] = (2.0 * pi / M) * std::sqrt(4.0 * pi / (2.0 * l + 1.0));
        }
        const auto n = static_cast<std::size_t>(2 * N - 1);
        m_fwd = backend::fftw_dft<T>(n, backend::fft_direction::forward, backend::fft_placement::in_place);
        m_bwd = backend::fftw_dft<T>(n, backend::fft_direction::backward, backend::fft_placement::in_place);
    }
    /// MW sampling of band-limit L in (β, α).
    real_plan(int L, int N, B backend = {}, channels which = channels::all)
        : real_plan(L, N, sht::mw_geometry(L > 0 ? L : 1), backend, which) {}
    real_plan(const real_plan&) = delete;
    real_plan& operator=(const real_plan&) = delete;
    real_plan(real_plan&&) noexcept = default;
    real_plan& operator=(real_plan&&) noexcept = default;

    [[nodiscard]] int band_limit() const { return m_L; }
    [[nodiscard]] int azimuthal_band_limit() const { return m_N; }
    [[nodiscard]] std::size_t n_gamma() const { return static_cast<std::size_t>(2 * m_N - 1); }
    [[nodiscard]] double gamma(std::size_t k) const {
        return 2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n_gamma());
    }
    [[nodiscard]] const sht::ring_geometry& geometry() const { return m_sht.front().geometry(); }
    [[nodiscard]] std::size_t flmn_size() const { return flmn_count(m_L, m_N); }
    [[nodiscard]] std::size_t sphere_size() const { return m_npix; }
    [[nodiscard]] std::size_t map_size() const { return n_gamma() * m_npix; }
    [[nodiscard]] bool exact_analysis() const { return m_sht.front().exact_analysis(); }
    /// The carried channels n ≥ 0 (their mirrors −n are carried implicitly).
    [[nodiscard]] const std::vector<int>& channel_list() const { return m_ns; }

    /// flmn: ((2N−1)·L²) complex → f: (2N−1, npix) real.
    void synthesis(view<const complex_type, host_space> flmn, view<T, host_space> f) const {
        check("synthesis", flmn.size(), f.size());
        to_map(flmn, m_syn, false, f);
    }
    /// The adjoint of synthesis: f: (2N−1, npix) real → flmn: ((2N−1)·L²), symmetric.
    void adjoint_synthesis(view<const T, host_space> f, view<complex_type, host_space> flmn) const {
        check("adjoint_synthesis", flmn.size(), f.size());
        to_coefficients(f, m_syn, false, flmn);
    }
    /// Analysis: f: (2N−1, npix) real → flmn: ((2N−1)·L²), symmetric; exact where
    /// exact_analysis().
    void analysis(view<const T, host_space> f, view<complex_type, host_space> flmn) const {
        check("analysis", flmn.size(), f.size());
        to_coefficients(f, m_ana, true, flmn);
    }
    /// The adjoint of analysis: flmn: ((2N−1)·L²) → f: (2N−1, npix) real.
    void adjoint_analysis(view<const complex_type, host_space> flmn, view<T, host_space> f) const {
        check("adjoint_analysis", flmn.size(), f.size());
        to_map(flmn, m_ana, true, f);
    }

private:
    void check(const char* what, std::size_t nflmn, std::size_t nf) const {
        if (nflmn != flmn_size())
            sphaera::detail::raise<shape_mismatch>("so3::real_plan::", what, ": flmn has size ", nflmn, " but L = ",
                                                   m_L, ", N = ", m_N, " needs (2N-1)L^2 = ", flmn_size());
        if (nf != map_size())
            sphaera::detail::raise<shape_mismatch>("so3::real_plan::", what, ": f has size ", nf, " but ", n_gamma(),
                                                   " gamma samples of ", m_npix, " pixels need ", map_size());
    }
    [[nodiscard]] std::size_t alm_size() const { return sht::alm_count(m_L); }
    [[nodiscard]] const complex_type* block(const complex_type* flmn, int n) const {
        return flmn + static_cast<std::size_t>(n + m_N - 1) * alm_size();
    }
    /// (K x)^ℓ_m = (−1)^{m+n} conj(x^ℓ_{−m}): the mirror of block −n seen from block n.
    void mirror(const complex_type* x, int n, complex_type* out) const {
        for (int l = 0; l < m_L; ++l)
            for (int m = -l; m <= l; ++m)
                out[sht::alm_index(l, m)] = T(((m + n) % 2 == 0) ? 1 : -1) * std::conj(x[sht::alm_index(l, -m)]);
    }

    /// Coefficients → real map through the channels n ≥ 0: block n of P x (the mean of x_n
    /// and the mirror of x_{−n}), scaled by (−1)^n scale[ℓ], through the spin −n synthesis
    /// (or adjoint analysis), then f_k = Re Σ_{|n|<N} f_n e^{inγ_k} with f_{−n} = conj(f_n).
    void to_map(view<const complex_type, host_space> flmn, const std::vector<double>& scale, bool adjoint_of_analysis,
                view<T, host_space> f) const {
        const std::size_t na = alm_size(), np = m_npix;
        std::vector<complex_type> a(na), mir(na), fb(m_ns.size() * np);
        for (std::size_t c = 0; c < m_ns.size(); ++c) {
            const int n = m_ns[c];
            mirror(block(flmn.data(), -n), n, mir.data());
            const complex_type* x = block(flmn.data(), n);
            const double sg = (n % 2 == 0) ? 1.0 : -1.0;
            for (int l = 0; l < m_L; ++l) {
                const T s = static_cast<T>(0.5 * sg * scale[static_cast<std::size_t>(l)]);
                for (std::size_t i = sht::alm_index(l, -l); i <= sht::alm_index(l, l); ++i) a[i] = s * (x[i] + mir[i]);
            }
            view<complex_type, host_space> out(fb.data() + c * np, np);
            if (adjoint_of_analysis) m_sht[c].adjoint_analysis({a.data(), na}, out);
            else m_sht[c].synthesis({a.data(), na}, out);
        }
        const auto M = n_gamma();
        [[maybe_unused]] const int nt = so3::detail::gamma_threads(m_backend);  // unused without OpenMP
#pragma omp parallel num_threads(nt) if (nt > 1)
        {
            std::vector<complex_type> buf(M);
#pragma omp for schedule(static)
            for (std::size_t p = 0; p < np; ++p) {
                std::fill(buf.begin(), buf.end(), complex_type(0));
                for (std::size_t c = 0; c < m_ns.size(); ++c) {
                    const auto n = static_cast<std::size_t>(m_ns[c]);
                    const complex_type v = fb[c * np + p];
                    buf[n] = v;
                    if (n > 0) buf[M - n] = std::conj(v);
                }
                m_bwd.execute(buf.data());
                for (std::size_t k = 0; k < M; ++k) f[k * np + p] = buf[k].real();
            }
        }
    }

    /// Real map → coefficients: forward γ DFT (channels n ≥ 0), spin −n adjoint synthesis
    /// (or analysis) scaled by (−1)^n scale[ℓ], blocks −n by the mirror, others zero.
    void to_coefficients(view<const T, host_space> f, const std::vector<double>& scale, bool analysis,
                         view<complex_type, host_space> flmn) const {
        const std::size_t na = alm_size(), np = m_npix, M = n_gamma();
        std::vector<complex_type> g(m_ns.size() * np);
        [[maybe_unused]] const int nt = so3::detail::gamma_threads(m_backend);  // unused without OpenMP
#pragma omp parallel num_threads(nt) if (nt > 1)
        {
            std::vector<complex_type> buf(M);
#pragma omp for schedule(static)
            for (std::size_t p = 0; p < np; ++p) {
                for (std::size_t k = 0; k < M; ++k) buf[k] = f[k * np + p];
                m_fwd.execute(buf.data());
                for (std::size_t c = 0; c < m_ns.size(); ++c) g[c * np + p] = buf[static_cast<std::size_t>(m_ns[c])];
            }
        }
        std::fill(flmn.begin(), flmn.end(), complex_type(0));
        for (std::size_t c = 0; c < m_ns.size(); ++c) {
            const int n = m_ns[c];
            view<complex_type, host_space> blk(flmn.data() + static_cast<std::size_t>(n + m_N - 1) * na, na);
            view<const complex_type, host_space> in(g.data() + c * np, np);
            if (analysis) m_sht[c].analysis(in, blk);
            else m_sht[c].adjoint_synthesis(in, blk);
            const double sg = (n % 2 == 0) ? 1.0 : -1.0;
            for (int l = 0; l < m_L; ++l) {
                const T s = static_cast<T>(sg * scale[static_cast<std::size_t>(l)]);
                for (std::size_t i = sht::alm_index(l, -l); i <= sht::alm_index(l, l); ++i) blk[i] *= s;
            }
            if (n > 0) mirror(blk.data(), n, flmn.data() + static_cast<std::size_t>(-n + m_N - 1) * na);
        }
    }

    int m_L = 0, m_N = 0;
    std::size_t m_npix = 0;
    [[no_unique_address]] B m_backend{};
    std::vector<int> m_ns;                // carried n ≥ 0, increasing
    std::vector<sht::plan<T, B>> m_sht;   // spin −n for each carried n
    std::vector<double> m_syn, m_ana;     // (L) per-ℓ scales, as so3::plan
    backend::fftw_dft<T> m_fwd, m_bwd;    // length 2N−1, in place
};

}  // namespace sphaera::so3
