#pragma once
/// \file periodic_extension.hpp
/// \brief Exact analysis on the MW and MWSS samplings (McEwen & Wiaux 2011). After the φ
/// FFT, each ring column F_m(θ) = Σ_ℓ f_ℓm (−1)^s λ_ℓm(θ) is a trigonometric polynomial of
/// degree ≤ L−1 in θ with F_m(−θ) = (−1)^{m+s} F_m(θ) (from d^ℓ_{mn}(−θ) = (−1)^{m−n}
/// d^ℓ_{mn}(θ)). Extended to [0, 2π) the MW/MWSS rings form an equispaced grid, so one FFT
/// gives its Fourier coefficients exactly; zero-padding resamples it onto Clenshaw–Curtis
/// nodes θ_i = 2πi/Q, i = 0..Q/2, Q ≥ 4L−4, whose weights integrate the degree ≤ 2L−2
/// integrand F_m λ_ℓm sin θ exactly. The Legendre step then runs on those nodes. Unlike
/// ssht, no Wigner Δ-matrices are needed; the adjoint is the exact transpose.

#include <complex>
#include <cstddef>
#include <numbers>
#include <vector>

#include "sphaera/backend/fftw_engine.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/sht/geometry.hpp"
#include "sphaera/sht/quadrature.hpp"
#include "sphaera/sht/wigner_recursion.hpp"

namespace sphaera::sht::detail {

/// Smallest n' ≥ n of the form 2^a 3^b 5^c 7^d (FFTW's fast sizes).
inline std::size_t good_fft_size(std::size_t n) {
    for (std::size_t k = n < 1 ? 1 : n;; ++k) {
        std::size_t r = k;
        for (std::size_t p : {2, 3, 5, 7})
            while (r % p == 0) r /= p;
        if (r == 1) return k;
    }
}

/// Resampling of MW/MWSS ring columns onto Clenshaw–Curtis nodes and back (its transpose).
class theta_resampler {
public:
    theta_resampler() = default;
    /// kind: mw or mwss; Lg: band-limit the grid was built for; L: the plan's (≤ Lg);
    /// nphi: samples per ring of the grid (folds the φ quadrature 2π/nphi into the weights).
    theta_resampler(sampling kind, int Lg, int L, std::size_t nphi)
        : m_L(L), m_half(kind == sampling::mw) {
        m_nr = static_cast<std::size_t>(kind == sampling::mw ? Lg : Lg + 1);
        m_M = static_cast<std::size_t>(kind == sampling::mw ? 2 * Lg - 1 : 2 * Lg);
        std::size_t q = L > 1 ? static_cast<std::size_t>(4 * L - 4) : 2;
        q = good_fft_size(q);
        if (q % 2) q = good_fft_size(q + 1);
        while (q % 2) q = good_fft_size(q + 1);
        m_Q = q;
        const auto rule = clenshaw_curtis_rule(static_cast<int>(m_Q / 2 + 1));
        m_trig.resize(rule.theta.size());
        m_w.resize(rule.theta.size());
        for (std::size_t i = 0; i < rule.theta.size(); ++i) {
            m_trig[i] = make_ring_trig(rule.theta[i]);
            m_w[i] = 2 * std::numbers::pi * rule.weight[i] / static_cast<double>(nphi);
        }
        // e^{−ikπ/M} undoes the half-sample offset θ_j = 2π(j + 1/2)/M of the MW grid.
        m_phase.resize(static_cast<std::size_t>(2 * L - 1));
        for (int k = -(L - 1); k <= L - 1; ++k)
            m_phase[static_cast<std::size_t>(k + L - 1)] =
                m_half ? std::polar(1.0, -std::numbers::pi * k / static_cast<double>(m_M)) : 1.0;
        using backend::fft_direction, backend::fft_placement;
        m_fwd_M = backend::fftw_dft<double>(m_M, fft_direction::forward, fft_placement::in_place);
        m_bwd_M = backend::fftw_dft<double>(m_M, fft_direction::backward, fft_placement::in_place);
        m_fwd_Q = backend::fftw_dft<double>(m_Q, fft_direction::forward, fft_placement::in_place);
        m_bwd_Q = backend::fftw_dft<double>(m_Q, fft_direction::backward, fft_placement::in_place);
    }

    /// Number of Clenshaw–Curtis nodes the Legendre step runs on, and their trig data.
    [[nodiscard]] std::size_t n_nodes() const { return m_trig.size(); }
    [[nodiscard]] const std::vector<ring_trig>& nodes() const { return m_trig; }
    /// Complex scratch a call needs (per thread).
    [[nodiscard]] std::size_t work_size() const { return m_M + m_Q; }
    /// Rings of the grid (L for MW, L+1 for MWSS).
    [[nodiscard]] std::size_t n_rings() const { return m_nr; }

    /// F: (n_rings) column of order m → weighted values at the nodes vr, vi: (n_nodes).
    void forward(int m, int spin, const std::complex<double>* F, std::complex<double>* work,
                 double* vr, double* vi) const {
        std::complex<double>* e = work;         // (M)
        std::complex<double>* g = work + m_M;   // (Q)
        const double sigma = ((m + spin) % 2 == 0) ? 1.0 : -1.0;
        for (std::size_t j = 0; j < m_M; ++j) {
            const std::size_t src = source(j);
            e[j] = src == j ? F[j] : sigma * F[src];
        }
        m_fwd_M.execute(e);
        for (std::size_t i = 0; i < m_Q; ++i) g[i] = 0;
        const double inv_m = 1.0 / static_cast<double>(m_M);
        for (int k = -(m_L - 1); k <= m_L - 1; ++k)
            g[wrap(k, m_Q)] = e[wrap(k, m_M)] * m_phase[static_cast<std::size_t>(k + m_L - 1)] * inv_m;
        m_bwd_Q.execute(g);
        for (std::size_t i = 0; i < m_trig.size(); ++i) {
            vr[i] = g[i].real() * m_w[i];
            vi[i] = g[i].imag() * m_w[i];
        }
    }

    /// The transpose of forward: vr, vi: (n_nodes) → F: (n_rings).
    void adjoint(int m, int spin, const double* vr, const double* vi, std::complex<double>* work,
                 std::complex<double>* F) const {
        std::complex<double>* e = work;
        std::complex<double>* g = work + m_M;
        for (std::size_t i = 0; i < m_Q; ++i)
            g[i] = i < m_trig.size() ? std::complex<double>(vr[i] * m_w[i], vi[i] * m_w[i]) : 0.0;
        m_fwd_Q.execute(g);
        for (std::size_t j = 0; j < m_M; ++j) e[j] = 0;
        const double inv_m = 1.0 / static_cast<double>(m_M);
        for (int k = -(m_L - 1); k <= m_L - 1; ++k)
            e[wrap(k, m_M)] = g[wrap(k, m_Q)] * std::conj(m_phase[static_cast<std::size_t>(k + m_L - 1)]) * inv_m;
        m_bwd_M.execute(e);
        const double sigma = ((m + spin) % 2 == 0) ? 1.0 : -1.0;
        for (std::size_t t = 0; t < m_nr; ++t) F[t] = 0;
        for (std::size_t j = 0; j < m_M; ++j) {
            const std::size_t src = source(j);
            F[src] += src == j ? e[j] : sigma * e[j];
        }
    }

private:
    /// Ring whose value the extended sample j copies (j itself on [0, π]; the mirror
    /// 2π − θ_j beyond: MW θ_j = 2π(j+½)/M ↔ ring M−1−j, MWSS θ_j = 2πj/M ↔ ring M−j).
    [[nodiscard]] std::size_t source(std::size_t j) const {
        if (j < m_nr) return j;
        return m_half ? m_M - 1 - j : m_M - j;
    }
    static std::size_t wrap(int k, std::size_t n) {
        const long long nn = static_cast<long long>(n);
        return static_cast<std::size_t>(((k % nn) + nn) % nn);
    }

    int m_L = 0;
    bool m_half = false;
    std::size_t m_nr = 0, m_M = 0, m_Q = 0;
    std::vector<ring_trig> m_trig;
    std::vector<double> m_w;
    std::vector<std::complex<double>> m_phase;
    backend::fftw_dft<double> m_fwd_M, m_bwd_M, m_fwd_Q, m_bwd_Q;
};

}  // namespace sphaera::sht::detail
