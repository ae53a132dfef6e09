#pragma once
/// \file so3_plan.hpp
/// \brief so3::plan<T, Backend>: Wigner transforms (Fourier transforms on the rotation group)
/// with harmonic band-limit L and azimuthal band-limit N, as in McEwen, Büttner, Leistedt,
/// Peiris & Wiaux 2015 ("A novel sampling theorem on the rotation group") and s2fft:
///
///   synthesis   f(α, β, γ) = Σ_{n=−(N−1)}^{N−1} Σ_{ℓ=|n|}^{L−1} Σ_{|m|≤ℓ}
///                            (2ℓ+1)/(8π²) f^ℓ_mn D^ℓ*_mn(α, β, γ),
///   analysis    f^ℓ_mn = ∫_SO(3) f(ρ) D^ℓ_mn(ρ) dρ,   dρ = dα sin β dβ dγ,
///
/// with D^ℓ_mn(α, β, γ) = e^{−imα} d^ℓ_mn(β) e^{−inγ} (zyz Euler angles) — s2fft's
/// normalisation and signs. Since (−1)^n ₋ₙY_ℓm(β, α) = √((2ℓ+1)/4π) e^{imα} d^ℓ_mn(β) in
/// ssht's spin convention, synthesis is one spin −n SHT per n followed by a length-(2N−1)
/// DFT over γ:
///
///   f(α, β, γ_k) = Σ_n e^{inγ_k} (−1)^n Σ_ℓm √((2ℓ+1)/16π³) f^ℓ_mn ₋ₙY_ℓm(β, α),
///
/// and analysis is the γ DFT (weight 2π/(2N−1)) followed by spin −n analyses scaled by
/// (−1)^n √(4π/(2ℓ+1)). Samples: γ_k = 2πk/(2N−1), k = 0..2N−2, and (β, α) on any ring
/// geometry (MW by default, as s2fft's "mw"); the map is (2N−1, npix), γ-major, so on MW it
/// is s2fft's (2N−1, L, 2L−1) array f[γ][β][α]. Coefficients use so3_layout.hpp. Only the
/// spin transforms of the carried n channels are held (each O(L) memory plus its geometry;
/// all 2N−1, or the N of channels::steerable); no Wigner table. Real signals:
/// so3_real_plan.hpp (the channels n ≥ 0 only).

#include <algorithm>
#include <cmath>
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
#include "sphaera/backend/tags.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/core/view.hpp"
#include "sphaera/sht/geometry.hpp"
#include "sphaera/sht/plan.hpp"
#include "sphaera/sht/samplings.hpp"
#include "sphaera/sht/so3_layout.hpp"

namespace sphaera::so3 {

namespace detail {
/// Threads of a host backend tag for the γ step (openmp{0}: OpenMP's default).
inline int gamma_threads(const backend::serial&) { return 1; }
inline int gamma_threads(const backend::openmp& b) {
#ifdef _OPENMP
    return b.threads > 0 ? b.threads : omp_get_max_threads();
#else
    return b.threads > 0 ? 1 : 1;
#endif
}
}  // namespace detail

/// Which n channels a plan carries. `steerable` keeps n ≡ N−1 (mod 2), i.e. the N values
/// −(N−1), −(N−3), …, N−1 on which steerable directional wavelets of azimuthal band-limit N
/// live (McEwen et al. 2018, s2let/s2wav's parity rule): about half the spin SHTs. Coefficients
/// of the other channels are ignored on input and written as zero.
enum class channels { all, steerable };

/// Wigner transforms of band-limits (L, N) on the samples (γ_k, ring geometry) in precision
/// T on host backend B. Move-only; every transform is const and re-entrant.
template <class T, host_backend B = backend::serial>
class plan {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "so3::plan: T must be float or double");

public:
    using value_type = std::complex<T>;
    using const_view = view<const value_type, host_space>;
    using mutable_view = view<value_type, host_space>;

    /// Builds the spin SHT plans (spin −n for each carried channel n) and the γ DFTs. Throws
    /// invalid_argument unless 1 ≤ L ≤ sht::max_band_limit and 1 ≤ N ≤ L (the message names
    /// both), and for an empty geometry.
    plan(int L, int N, sht::ring_geometry geometry, B backend = {}, channels which = channels::all)
        : m_L(L), m_N(N), m_backend(backend) {
        if (L < 1 || L > sht::max_band_limit)
            sphaera::detail::raise<invalid_argument>("so3::plan: band-limit L = ", L,
                                                     " is out of range; valid range is [1, ", sht::max_band_limit, "]");
        detail::require_band_limits("so3::plan", L, N);
        m_slot.assign(static_cast<std::size_t>(2 * N - 1), -1);
        for (int n = -(N - 1); n <= N - 1; ++n) {
            if (which == channels::steerable && (N - 1 - n) % 2 != 0) continue;
            m_slot[static_cast<std::size_t>(n + N - 1)] = static_cast<int>(m_sht.size());
            m_ns.push_back(n);
            m_sht.emplace_back(L, -n, geometry, backend);
        }
        m_npix = m_sht.front().map_size();
        m_syn.resize(static_cast<std::size_t>(L));
        m_ana.resize(static_cast<std::size_t>(L));
        const double pi = std::numbers::pi, M = 2.0 * N - 1.0;
        for (int l = 0; l < L; ++l) {
            m_syn[static_cast<std::size_t>(l)] = std::sqrt((2.0 * l + 1.0) / (16.0 * pi * pi * pi));
            // 2π/(2N−1) is the γ quadrature weight; √(4π/(2ℓ+1)) turns ₋ₙY_ℓm into d^ℓ_mn.
            m_ana[static_cast<std::size_t>(l)] = (2.0 * pi / M) * std::sqrt(4.0 * pi / (2.0 * l + 1.0));
        }
        if (N > 1) {
            const auto n = static_cast<std::size_t>(2 * N - 1);
            m_fwd = backend::fftw_dft<T>(n, backend::fft_direction::forward, backend::fft_placement::in_place);
            m_bwd = backend::fftw_dft<T>(n, backend::fft_direction::backward, backend::fft_placement::in_place);
        }
    }
    /// The MW sampling of band-limit L in (β, α) (s2fft's "mw" on SO(3)).
    /// (An L < 1 reaches the main constructor's check through mw_geometry(1).)
    plan(int L, int N, B backend = {}, channels which = channels::all)
        : plan(L, N, sht::mw_geometry(L > 0 ? L : 1), backend, which) {}
    plan(const plan&) = delete;
    plan& operator=(const plan&) = delete;
    plan(plan&&) noexcept = default;
    plan& operator=(plan&&) noexcept = default;

    [[nodiscard]] int band_limit() const { return m_L; }
    /// The azimuthal band-limit N (|n| < N).
    [[nodiscard]] int azimuthal_band_limit() const { return m_N; }
    /// Number of γ samples, 2N − 1.
    [[nodiscard]] std::size_t n_gamma() const { return static_cast<std::size_t>(2 * m_N - 1); }
    /// γ_k = 2πk/(2N−1).
    [[nodiscard]] double gamma(std::size_t k) const {
        return 2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n_gamma());
    }
    [[nodiscard]] const sht::ring_geometry& geometry() const { return m_sht.front().geometry(); }
    /// (2N−1)·L² coefficients (so3_layout.hpp).
    [[nodiscard]] std::size_t flmn_size() const { return flmn_count(m_L, m_N); }
    /// Samples per γ slice (the sphere map size of the geometry).
    [[nodiscard]] std::size_t sphere_size() const { return m_npix; }
    /// (2N−1)·npix samples.
    [[nodiscard]] std::size_t map_size() const { return n_gamma() * m_npix; }
    /// True when analysis() inverts synthesis() (the sphere analysis is exact).
    [[nodiscard]] bool exact_analysis() const { return m_sht.front().exact_analysis(); }
    /// True when the plan carries channel n (always for |n| < N with channels::all).
    [[nodiscard]] bool has_channel(int n) const {
        return n > -m_N && n < m_N && m_slot[static_cast<std::size_t>(n + m_N - 1)] >= 0;
    }
    /// The carried channels n, increasing.
    [[nodiscard]] const std::vector<int>& channel_list() const { return m_ns; }
    /// The spin −n SHT plan of channel n; invalid_argument unless has_channel(n).
    [[nodiscard]] const sht::plan<T, B>& channel(int n) const {
        if (!has_channel(n))
            sphaera::detail::raise<invalid_argument>("so3::plan::channel: n = ", n, " is not carried (N = ", m_N,
                                                     ", ", m_ns.size(), " channels)");
        return m_sht[static_cast<std::size_t>(m_slot[static_cast<std::size_t>(n + m_N - 1)])];
    }

    /// flmn: ((2N−1)·L²) → f: (2N−1, npix).
    void synthesis(const_view flmn, mutable_view f) const {
        check_sizes("synthesis", flmn.size(), f.size());
        std::vector<value_type> a(sht::alm_count(m_L));
        zero_missing_slices(f);
        for (int n : m_ns) {
            scale_block(flmn, n, m_syn, a);
            channel(n).synthesis(cview(a), slice(f, n));
        }
        gamma_dft(f.data(), true);
    }
    /// The adjoint of synthesis: f: (2N−1, npix) → flmn: ((2N−1)·L²).
    void adjoint_synthesis(const_view f, mutable_view flmn) const {
        check_sizes("adjoint_synthesis", flmn.size(), f.size());
        std::vector<value_type> g(f.begin(), f.end());
        gamma_dft(g.data(), false);
        zero_missing_blocks(flmn);
        for (int n : m_ns) {
            auto blk = block(flmn, n);
            channel(n).adjoint_synthesis(cslice(g, n), blk);
            scale_in_place(blk, n, m_syn);
        }
    }
    /// Analysis (forward transform): f: (2N−1, npix) → flmn: ((2N−1)·L²). Exact when
    /// exact_analysis(); otherwise the quadrature-weighted adjoint the sphere plan gives
    /// (HEALPix), and invalid_argument where the sphere plan has no analysis.
    void analysis(const_view f, mutable_view flmn) const {
        check_sizes("analysis", flmn.size(), f.size());
        std::vector<value_type> g(f.begin(), f.end());
        gamma_dft(g.data(), false);
        zero_missing_blocks(flmn);
        for (int n : m_ns) {
            auto blk = block(flmn, n);
            channel(n).analysis(cslice(g, n), blk);
            scale_in_place(blk, n, m_ana);
        }
    }
    /// The adjoint of analysis: flmn: ((2N−1)·L²) → f: (2N−1, npix).
    void adjoint_analysis(const_view flmn, mutable_view f) const {
        check_sizes("adjoint_analysis", flmn.size(), f.size());
        std::vector<value_type> a(sht::alm_count(m_L));
        zero_missing_slices(f);
        for (int n : m_ns) {
            scale_block(flmn, n, m_ana, a);
            channel(n).adjoint_analysis(cview(a), slice(f, n));
        }
        gamma_dft(f.data(), true);
    }

private:
    void check_sizes(const char* what, std::size_t nflmn, std::size_t nf) const {
        if (nflmn != flmn_size())
            sphaera::detail::raise<shape_mismatch>("so3::plan::", what, ": flmn has size ", nflmn, " but L = ", m_L,
                                                   ", N = ", m_N, " needs (2N-1)L^2 = ", flmn_size());
        if (nf != map_size())
            sphaera::detail::raise<shape_mismatch>("so3::plan::", what, ": f has size ", nf, " but ", n_gamma(),
                                                   " gamma samples of ", m_npix, " pixels need ", map_size());
    }
    [[nodiscard]] std::size_t alm_size() const { return sht::alm_count(m_L); }
    /// Channels the plan does not carry hold zero (their γ-DFT input, their coefficients).
    void zero_missing_slices(mutable_view f) const {
        for (int n = -(m_N - 1); n <= m_N - 1; ++n)
            if (!has_channel(n)) std::fill(slice(f, n).begin(), slice(f, n).end(), value_type(0));
    }
    void zero_missing_blocks(mutable_view flmn) const {
        for (int n = -(m_N - 1); n <= m_N - 1; ++n)
            if (!has_channel(n)) std::fill(block(flmn, n).begin(), block(flmn, n).end(), value_type(0));
    }
    [[nodiscard]] static const_view cview(const std::vector<value_type>& v) { return {v.data(), v.size()}; }
    [[nodiscard]] mutable_view slice(mutable_view f, int n) const {
        return {f.data() + static_cast<std::size_t>(n + m_N - 1) * m_npix, m_npix};
    }
    [[nodiscard]] const_view cslice(const std::vector<value_type>& g, int n) const {
        return {g.data() + static_cast<std::size_t>(n + m_N - 1) * m_npix, m_npix};
    }
    [[nodiscard]] mutable_view block(mutable_view flmn, int n) const {
        return {flmn.data() + static_cast<std::size_t>(n + m_N - 1) * alm_size(), alm_size()};
    }
    /// a[ℓ²+ℓ+m] = (−1)^n scale[ℓ] flmn[n, ℓ, m]; a: (L²).
    void scale_block(const_view flmn, int n, const std::vector<double>& scale, std::vector<value_type>& a) const {
        const value_type* src = flmn.data() + static_cast<std::size_t>(n + m_N - 1) * alm_size();
        const double sg = (n % 2 == 0) ? 1.0 : -1.0;
        for (int l = 0; l < m_L; ++l) {
            const T s = static_cast<T>(sg * scale[static_cast<std::size_t>(l)]);
            for (std::size_t i = sht::alm_index(l, -l); i <= sht::alm_index(l, l); ++i) a[i] = s * src[i];
        }
    }
    /// blk[ℓ²+ℓ+m] *= (−1)^n scale[ℓ]; blk: (L²).
    void scale_in_place(mutable_view blk, int n, const std::vector<double>& scale) const {
        const double sg = (n % 2 == 0) ? 1.0 : -1.0;
        for (int l = 0; l < m_L; ++l) {
            const T s = static_cast<T>(sg * scale[static_cast<std::size_t>(l)]);
            for (std::size_t i = sht::alm_index(l, -l); i <= sht::alm_index(l, l); ++i) blk[i] *= s;
        }
    }
    /// In place over each pixel's 2N−1 values (stride npix): slot n+N−1 ↔ sample k. The
    /// backward DFT maps channels to samples, f_k = Σ_n v_n e^{2πink/(2N−1)}; the forward
    /// one (its adjoint) maps samples to channels. x: (2N−1, npix).
    void gamma_dft(value_type* x, bool backward) const {
        if (m_N == 1) return;
        const auto M = static_cast<std::size_t>(2 * m_N - 1), Nm1 = static_cast<std::size_t>(m_N - 1);
        const std::size_t np = m_npix;
        const auto& dft = backward ? m_bwd : m_fwd;
        [[maybe_unused]] const int nt = detail::gamma_threads(m_backend);  // unused without OpenMP
#pragma omp parallel num_threads(nt) if (nt > 1)
        {
            std::vector<value_type> buf(M);
#pragma omp for schedule(static)
            for (std::size_t p = 0; p < np; ++p) {
                // FFTW wants frequency n at index n mod M: slot j = n + N − 1 ↦ (j + N) mod M.
                if (backward) {
                    for (std::size_t j = 0; j < M; ++j) buf[(j + Nm1 + 1) % M] = x[j * np + p];
                    dft.execute(buf.data());
                    for (std::size_t k = 0; k < M; ++k) x[k * np + p] = buf[k];
                } else {
                    for (std::size_t k = 0; k < M; ++k) buf[k] = x[k * np + p];
                    dft.execute(buf.data());
                    for (std::size_t j = 0; j < M; ++j) x[j * np + p] = buf[(j + Nm1 + 1) % M];
                }
            }
        }
    }

    int m_L = 0, m_N = 0;
    std::size_t m_npix = 0;
    [[no_unique_address]] B m_backend{};
    std::vector<sht::plan<T, B>> m_sht;  // one per carried channel n (spin −n), in m_ns order
    std::vector<int> m_ns;               // carried n, increasing
    std::vector<int> m_slot;             // (2N−1): index into m_sht of channel n + N − 1, or −1
    std::vector<double> m_syn, m_ana;    // (L) per-ℓ scale of synthesis and analysis
    backend::fftw_dft<T> m_fwd, m_bwd;   // length 2N−1, in place (unused when N = 1)
};

}  // namespace sphaera::so3
