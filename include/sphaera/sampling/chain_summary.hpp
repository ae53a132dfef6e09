#pragma once
/// \file chain_summary.hpp
/// \brief What a sampler run returns: pixel-wise posterior mean and standard deviation
/// (Welford 1962 running moments over every kept sample), pixel-wise credible intervals
/// (empirical quantiles of the stored samples), and effective sample sizes
/// ESS = K/τ with τ the integrated autocorrelation time estimated with Sokal's automatic
/// window (Sokal 1997, "Monte Carlo methods in statistical mechanics", §3; window c = 5).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/sampling/concepts.hpp"

namespace sphaera::sampling {

/// Outputs of MYULA, Px-MALA and SK-ROCK runs.
struct sampling_result {
    std::size_t dimension = 0;        ///< n, pixels per sample
    std::size_t kept = 0;             ///< K, samples after burn-in and thinning
    std::vector<double> mean;         ///< (n) posterior mean estimate
    std::vector<double> stddev;       ///< (n) pixel-wise posterior standard deviation
    double credible_mass = 0;         ///< mass of the intervals below (e.g. 0.9)
    std::vector<double> lower;        ///< (n) lower end of the central credible interval
    std::vector<double> upper;        ///< (n) upper end (both empty unless samples are stored)
    std::vector<double> samples;      ///< (K, n) kept samples, when stored
    std::vector<double> trace;        ///< (K) f(x) of the smooth part at every kept sample
    std::vector<double> ess;          ///< (n) per-pixel ESS (stored samples only)
    double ess_min = 0;               ///< smallest per-pixel ESS
    double ess_median = 0;            ///< median per-pixel ESS
    double ess_trace = 0;             ///< ESS of the trace of f
    double step = 0;                  ///< δ used (after adaptation for Px-MALA)
    double lambda = 0;                ///< Moreau–Yosida λ used
    double acceptance = 1;            ///< Metropolis acceptance rate after burn-in (Px-MALA)
    std::size_t gradient_evaluations = 0;  ///< ∇f and prox calls, burn-in included
};

/// Integrated autocorrelation time τ = 1 + 2 Σ_{t=1}^{W} ρ(t) of x[0], x[stride], …
/// (k values), with the smallest window W ≥ c·τ(W), c = 5 (Sokal 1997). Antithetic chains
/// (SK-ROCK at large steps) have τ < 1; as Stan does, we clamp τ to [1/log₁₀k, k] so an
/// ESS never exceeds k·log₁₀k. A constant series gives 1.
inline double integrated_autocorrelation_time(const double* x, std::size_t k, std::size_t stride = 1) {
    if (k < 2) return 1.0;
    double mean = 0;
    for (std::size_t i = 0; i < k; ++i) mean += x[i * stride];
    mean /= static_cast<double>(k);
    double c0 = 0;
    for (std::size_t i = 0; i < k; ++i) c0 += (x[i * stride] - mean) * (x[i * stride] - mean);
    if (!(c0 > 0)) return 1.0;
    double tau = 1;
    for (std::size_t t = 1; t < k; ++t) {
        double c = 0;
        for (std::size_t i = 0; i + t < k; ++i)
            c += (x[i * stride] - mean) * (x[(i + t) * stride] - mean);
        tau += 2 * c / c0;
        if (static_cast<double>(t) >= 5 * tau) break;
    }
    const double lo = 1 / std::max(1.0, std::log10(static_cast<double>(k)));
    return std::clamp(tau, lo, static_cast<double>(k));
}

namespace detail {

/// Collects kept samples: running moments always, samples when asked.
class chain_accumulator {
public:
    chain_accumulator(std::size_t n, std::size_t expected, bool store) : m_n(n), m_store(store) {
        m_mean.assign(n, 0.0);
        m_m2.assign(n, 0.0);
        if (store) m_samples.reserve(expected * n);
        m_trace.reserve(expected);
    }
    void add(cview x, double f) {
        ++m_k;
        const double inv = 1.0 / static_cast<double>(m_k);
        for (std::size_t i = 0; i < m_n; ++i) {
            const double d = x[i] - m_mean[i];
            m_mean[i] += d * inv;
            m_m2[i] += d * (x[i] - m_mean[i]);
        }
        if (m_store) m_samples.insert(m_samples.end(), x.begin(), x.end());
        m_trace.push_back(f);
    }
    /// Fills the statistics of \p r (credible_mass must be set).
    void finish(sampling_result& r) {
        r.dimension = m_n;
        r.kept = m_k;
        r.mean = m_mean;
        r.stddev.resize(m_n);
        for (std::size_t i = 0; i < m_n; ++i)
            r.stddev[i] = m_k > 1 ? std::sqrt(m_m2[i] / static_cast<double>(m_k - 1)) : 0.0;
        r.trace = std::move(m_trace);
        r.ess_trace = static_cast<double>(m_k) /
                      integrated_autocorrelation_time(r.trace.data(), r.trace.size());
        if (!m_store || m_k == 0) return;
        r.lower.resize(m_n);
        r.upper.resize(m_n);
        r.ess.resize(m_n);
        std::vector<double> col(m_k);
        const double tail = 0.5 * (1 - r.credible_mass);
        for (std::size_t i = 0; i < m_n; ++i) {
            r.ess[i] = static_cast<double>(m_k) /
                       integrated_autocorrelation_time(m_samples.data() + i, m_k, m_n);
            for (std::size_t s = 0; s < m_k; ++s) col[s] = m_samples[s * m_n + i];
            std::sort(col.begin(), col.end());
            r.lower[i] = quantile(col, tail);
            r.upper[i] = quantile(col, 1 - tail);
        }
        std::vector<double> e = r.ess;
        std::sort(e.begin(), e.end());
        r.ess_min = e.front();
        r.ess_median = e[e.size() / 2];
        r.samples = std::move(m_samples);
    }

private:
    /// Linear interpolation between order statistics (Hyndman & Fan 1996, type 7).
    static double quantile(const std::vector<double>& sorted, double p) {
        const double h = p * static_cast<double>(sorted.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(h));
        const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
        return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
    }

    std::size_t m_n, m_k = 0;
    bool m_store;
    std::vector<double> m_mean, m_m2, m_samples, m_trace;
};

}  // namespace detail
}  // namespace sphaera::sampling
