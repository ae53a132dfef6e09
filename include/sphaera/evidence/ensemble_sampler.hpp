#pragma once
/// \file ensemble_sampler.hpp
/// \brief Affine-invariant ensemble sampler with the stretch move (Goodman & Weare 2010,
/// "Ensemble samplers with affine invariance", CAMCoS 5(1), Eq. 7–10; parallel split-
/// ensemble form of Foreman-Mackey et al. 2013, emcee, Alg. 3), and the integrated
/// autocorrelation time with Sokal's automatic window.
///
/// Walker k of one half moves to Y = X_j + Z (X_k − X_j), X_j a random walker of the other
/// half, Z ~ g(z) ∝ 1/√z on [1/a, a], accepted with probability min(1, Z^{d−1} p(Y)/p(X_k)).
/// Each half is updated in parallel (OpenMP over its walkers) from the other, fixed half.
/// Randomness: Philox stream (seed, walker) at offsets 3·step + {0, 1, 2} for (partner, Z,
/// accept), so a run is a pure function of (seed, initial ensemble) for any thread count.

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <exception>
#include <span>
#include <vector>

#include "sphaera/core/config.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/core/random.hpp"
#include "sphaera/evidence/chains.hpp"

namespace sphaera::evidence {

/// Run settings of the ensemble sampler.
struct ensemble_options {
    std::size_t steps = 1000;  ///< steps kept after burn-in (per walker, before thinning)
    std::size_t burn_in = 200; ///< initial steps discarded
    std::size_t thin = 1;      ///< keep every thin-th step
    double stretch = 2.0;      ///< a > 1 of the stretch distribution
    std::uint64_t seed = 0;    ///< Philox key
};

/// Output of a run: walkers as chains, and their acceptance fractions.
struct ensemble_result {
    evidence::chains chains;              ///< (nwalkers, steps / thin, ndim) and ln p
    std::vector<double> acceptance;       ///< per walker, over every step (burn-in included)
};

/// Samples the density exp(ln_p) with \p initial walkers (nwalkers, ndim) rows. ln_p takes
/// std::span<const double> (ndim) and returns ln p (−inf outside the support); it is called
/// concurrently and must be thread-safe. Needs an even nwalkers ≥ 2 ndim + 2 (so each half
/// spans the space) and finite ln p at every initial walker.
template <class LogProb>
ensemble_result sample_ensemble(LogProb&& ln_p, const row_matrix& initial,
                                const ensemble_options& o = {}) {
    const Eigen::Index nw = initial.rows(), d = initial.cols();
    if (d < 1 || nw < 2 * d + 2 || nw % 2 != 0)
        sphaera::detail::raise<invalid_argument>("sample_ensemble: ", nw, " walkers in ", d,
                                                 " dimensions; need an even number >= 2 ndim + 2 = ",
                                                 2 * d + 2);
    if (!(o.stretch > 1) || o.thin < 1 || o.steps < o.thin)
        sphaera::detail::raise<invalid_argument>("sample_ensemble: stretch = ", o.stretch,
                                                 " must exceed 1, thin = ", o.thin,
                                                 " must be >= 1 and steps = ", o.steps, " >= thin");
    row_matrix x = initial;
    Eigen::VectorXd lp(nw);
    for (Eigen::Index k = 0; k < nw; ++k) {
        lp[k] = ln_p(std::span<const double>(x.row(k).data(), std::size_t(d)));
        if (!std::isfinite(lp[k]))
            sphaera::detail::raise<non_finite>("sample_ensemble: ln p = ", lp[k],
                                               " at initial walker ", k,
                                               "; start every walker inside the support");
    }
    const std::size_t total = o.burn_in + o.steps, kept = o.steps / o.thin;
    std::vector<double> out(std::size_t(nw) * kept * std::size_t(d)), out_lp(std::size_t(nw) * kept);
    std::vector<std::size_t> accepted(std::size_t(nw), 0);
    const double a = o.stretch, half = double(nw / 2);
    std::exception_ptr failure;
    for (std::size_t step = 0; step < total; ++step) {
        for (int h = 0; h < 2; ++h) {
            const Eigen::Index first = h * (nw / 2), other = (1 - h) * (nw / 2);
#if SPHAERA_HAS_OPENMP
#pragma omp parallel for schedule(static)
#endif
            for (Eigen::Index k = first; k < first + nw / 2; ++k) {
                const philox_stream rng{o.seed, std::uint64_t(k)};
                const Eigen::Index j =
                    other + std::min<Eigen::Index>(nw / 2 - 1, Eigen::Index(rng.uniform<double>(3 * step) * half));
                // Inverse CDF of g(z) ∝ z^{-1/2} on [1/a, a]: z = ((a − 1) u + 1)² / a.
                const double u = rng.uniform<double>(3 * step + 1);
                const double z = ((a - 1) * u + 1) * ((a - 1) * u + 1) / a;
                Eigen::RowVectorXd y = x.row(j) + z * (x.row(k) - x.row(j));
                double lpy = 0;
                try {
                    lpy = ln_p(std::span<const double>(y.data(), std::size_t(d)));
                } catch (...) {
#if SPHAERA_HAS_OPENMP
#pragma omp critical(sphaera_ensemble_failure)
#endif
                    if (!failure) failure = std::current_exception();
                    continue;
                }
                const double log_ratio = double(d - 1) * std::log(z) + lpy - lp[k];
                if (std::isfinite(lpy) && std::log(rng.uniform<double>(3 * step + 2)) < log_ratio) {
                    x.row(k) = y;
                    lp[k] = lpy;
                    ++accepted[std::size_t(k)];
                }
            }
            if (failure) std::rethrow_exception(failure);
        }
        if (step >= o.burn_in && (step - o.burn_in) % o.thin == 0) {
            const std::size_t t = (step - o.burn_in) / o.thin;
            if (t >= kept) continue;
            for (Eigen::Index k = 0; k < nw; ++k) {
                for (Eigen::Index i = 0; i < d; ++i)
                    out[(std::size_t(k) * kept + t) * std::size_t(d) + std::size_t(i)] = x(k, i);
                out_lp[std::size_t(k) * kept + t] = lp[k];
            }
        }
    }
    ensemble_result r{evidence::chains(std::move(out), std::move(out_lp), std::size_t(nw), kept,
                                       std::size_t(d)),
                      std::vector<double>(std::size_t(nw))};
    for (std::size_t k = 0; k < std::size_t(nw); ++k) r.acceptance[k] = double(accepted[k]) / double(total);
    return r;
}

/// Integrated autocorrelation time of coordinate \p dim, from the autocorrelation averaged
/// over chains (Goodman & Weare 2010 §3): τ = 1 + 2 Σ_{t=1}^{M} ρ̂(t), with the smallest
/// window M ≥ c τ(M) (Sokal 1997, c = 5). Direct sums, O(n M) per chain.
[[nodiscard]] inline double integrated_autocorrelation_time(const chains& ch, std::size_t dim,
                                                            double c = 5.0) {
    if (dim >= ch.ndim())
        sphaera::detail::raise<invalid_argument>("integrated_autocorrelation_time: dim = ", dim,
                                                 " is out of range; valid range is [0, ",
                                                 ch.ndim() - 1, "]");
    const std::size_t n = ch.nsamples(), nc = ch.nchains();
    if (n < 2) sphaera::detail::raise<invalid_argument>("integrated_autocorrelation_time: need >= 2 samples per chain");
    std::vector<std::vector<double>> centred(nc, std::vector<double>(n));
    for (std::size_t k = 0; k < nc; ++k) {
        double m = 0;
        for (std::size_t i = 0; i < n; ++i) m += ch.sample(k, i)[dim];
        m /= double(n);
        for (std::size_t i = 0; i < n; ++i) centred[k][i] = ch.sample(k, i)[dim] - m;
    }
    auto acf = [&](std::size_t lag) {
        double s = 0;
        for (const auto& v : centred)
            for (std::size_t i = 0; i + lag < n; ++i) s += v[i] * v[i + lag];
        return s / (double(nc) * double(n));  // biased estimator: keeps ρ̂ positive definite
    };
    const double c0 = acf(0);
    if (c0 == 0) return 1.0;
    double tau = 1;
    for (std::size_t m = 1; m < n; ++m) {
        tau += 2 * acf(m) / c0;
        if (double(m) >= c * tau) break;
    }
    return tau;
}

}  // namespace sphaera::evidence
