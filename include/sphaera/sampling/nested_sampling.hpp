#pragma once
/// \file nested_sampling.hpp
/// \brief Proximal nested sampling (Cai, McEwen & Pereyra 2022, "Proximal nested sampling
/// for high-dimensional Bayesian model selection", Stat. Comput. 32; Skilling 2006) for the
/// evidence Z = ∫ L(x) π(x) dx of a log-concave prior π ∝ e^{−g} and a likelihood L.
///
/// Live points start as exact prior draws (g.sample, or points the caller gives). Each
/// iteration removes the `batch` lowest-likelihood points — with the live count falling
/// N, N−1, …, N−batch+1, so E ln X drops by 1/N + … + 1/(N−batch+1) — and births as many
/// new points from the prior constrained to L > L* (L* the highest removed), each by
/// `mcmc_steps` proximal Langevin moves from a random surviving live point.
///
/// Constrained move: the proposal of Px-MALA for the prior, y = x − (δ/2)∇ĝ(x) + √δ ξ with
/// ∇ĝ = ∇g when g is differentiable and the Moreau–Yosida gradient (x − prox_{λg}(x))/λ,
/// λ = δ/2, otherwise; accepted with the Metropolis–Hastings probability of the prior and
/// only if ln L(y) > ln L* — a point outside the likelihood region is never accepted, and
/// the chain is an exact MH chain for π restricted to {L > L*}. (Cai et al. drive their
/// unadjusted chains with the Moreau–Yosida gradient of the constraint indicator,
/// (x − P_C(x))/λ_C, Eq. 28; that term is zero at every point inside C, i.e. at every state
/// of an exact chain, so the Metropolis-corrected move keeps only the prior drift.) δ adapts
/// between iterations (never within a chain) towards `target_acceptance`.
///
/// Evidence: trapezium weights w_i = (X_{i−1} − X_{i+1})/2 over the dead points followed by
/// the final live points (sorted, with live counts N, …, 1: the live-point remainder);
/// ln Z ± √(H/N) with H = Σ (w_i L_i/Z) ln(L_i/Z) (Skilling 2006, §9).
///
/// Cost of one move (Φ = I, 64×64, one core, AVX-512 host): ≈ 12 µs, ≈ 80 % of it drawing
/// the n Philox/Box–Muller normals (vectorised, ≈ 1.9 ns each), which are consumed chunk by
/// chunk while in L1 by the proposal y = m(x) + √δ ξ (ξ is never stored); then one pass for
/// ln L, and — only for proposals inside the likelihood region — one fused pass for the prior
/// value and proposal mean (value_and_gradient_step / value_and_prox where the prior has it)
/// and one for the MH backward term. Scratch is allocated once per run; nothing per move.
///
/// Parallelism: the batch's chains run in parallel (OpenMP). Randomness: chain c (counted
/// over the whole run) uses Philox streams 2c + 2 (normals) and 2c + 3 (uniforms, start
/// point); so a run depends on (seed, batch, options), not on the thread count.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <numeric>
#include <vector>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/algorithms.hpp"
#include "sphaera/core/config.hpp"
#include "sphaera/core/random.hpp"
#include "sphaera/core/random_expr.hpp"
#include "sphaera/sampling/concepts.hpp"

#if SPHAERA_HAS_OPENMP
#include <omp.h>
#endif

namespace sphaera::sampling {

/// A likelihood nested sampling can use: ln L(x), thread-safe.
template <class L>
concept log_likelihood_function = requires(const L& l, cview x) {
    { l.size() } -> std::convertible_to<std::size_t>;
    { l.log_likelihood(x) } -> std::convertible_to<double>;
};

/// Settings of proximal nested sampling.
struct nested_options {
    std::size_t live_points = 400;      ///< N
    std::size_t batch = 4;              ///< points replaced per iteration (chains in parallel)
    /// Constrained Px-MALA moves per new point (each: n normals, one ln L, and — only for
    /// proposals inside {L > L*} — one prior value + mean). The cost per new point is linear
    /// in it; ln Z is unbiased only when the chain forgets its start (a live point), so too
    /// few moves leave new points correlated with the survivors and ln Z over-dispersed
    /// beyond √(H/N). Measured (benchmarks/compare/README_proxnest.md, 8 seeds at d = 200,
    /// N = 300): Laplace prior 10 moves fails (3/8 runs beyond 3σ), 15–30 pass; the 64×64
    /// Gaussian denoising problem passes from 5 moves on. 30 keeps a margin for harder priors.
    std::size_t mcmc_steps = 30;
    double step = 0;                    ///< initial δ (0: ½ the mean prior pixel variance of the live points)
    double target_acceptance = 0.4;     ///< δ adapts towards this acceptance rate
    double stop_fraction = 1e-4;        ///< stop when L_max X < stop_fraction · Z
    std::size_t max_iterations = 1000000;
    std::uint64_t seed = 0;             ///< Philox key
    int threads = 0;                    ///< OpenMP threads (0: OpenMP's default)
};

/// Evidence estimate and run record.
struct nested_result {
    double log_evidence = 0;        ///< ln Z
    double log_evidence_error = 0;  ///< √(H/N)
    double information = 0;         ///< H (nats)
    std::size_t iterations = 0;     ///< batches removed
    std::size_t likelihood_evaluations = 0;
    double acceptance = 0;          ///< mean acceptance rate of the constrained moves
    double final_step = 0;          ///< δ at the end of the run
    std::vector<double> log_likelihoods;  ///< dead points then final live points, increasing
    std::vector<double> log_weights;      ///< ln w_i (trapezium weights, prior mass)
};

namespace detail {

inline double log_add(double a, double b) {
    if (a == -std::numeric_limits<double>::infinity()) return b;
    if (b == -std::numeric_limits<double>::infinity()) return a;
    const double m = std::max(a, b);
    return m + std::log1p(std::exp(-std::abs(a - b)));
}

/// The Px-MALA proposal mean m(z) = z − (δ/2)∇ĝ(z) into out, returning g(z). With the
/// Moreau–Yosida gradient at λ = δ/2, m(z) = prox_{λg}(z) exactly, so no drift is formed;
/// priors with value_and_prox (analysis_l1) share one analysis between value and prox.
template <class G>
double value_and_mean(const G& g, double delta, mview z, mview out) {
    const double lambda = delta / 2;
    if constexpr (requires { { g.value_and_gradient_step(z, out, lambda) } -> std::convertible_to<double>; }) {
        return g.value_and_gradient_step(z, out, lambda);  // one fused pass (gaussian_prior)
    } else if constexpr (requires { g.gradient(z, out); }) {
        g.gradient(z, out);
        for (std::size_t i = 0; i < z.size(); ++i) out[i] = z[i] - lambda * out[i];
        return g.value(z);
    } else if constexpr (requires { { g.value_and_prox(z, out, lambda) } -> std::convertible_to<double>; }) {
        return g.value_and_prox(z, out, lambda);
    } else {
        const double v = g.value(z);
        if (std::isfinite(v)) g.prox(z, out, lambda);
        return v;
    }
}

}  // namespace detail

/// Proximal nested sampling of Z = ∫ L π with prior π ∝ e^{−g} (g: a proximal function with
/// value; exact draws through g.sample(seed, stream, out) unless \p initial (N, n) gives the
/// live points) and likelihood \p like. See the file notes.
template <proximal_function_with_value G, log_likelihood_function L>
nested_result proximal_nested_sampling(const G& g, const L& like, const nested_options& o = {},
                                       const std::vector<double>& initial = {}) {
    const std::size_t n = g.size(), nl = o.live_points;
    detail::require_size("proximal_nested_sampling: likelihood", like.size(), n);
    if (nl < 2 || o.batch < 1 || o.batch >= nl || o.mcmc_steps < 1)
        sphaera::detail::raise<invalid_argument>(
            "proximal_nested_sampling: live_points = ", nl, " (>= 2), batch = ", o.batch,
            " (in [1, live_points)) and mcmc_steps = ", o.mcmc_steps, " (>= 1) are out of range");
    if (!(o.target_acceptance > 0 && o.target_acceptance < 1) || !(o.stop_fraction > 0) ||
        !(o.step >= 0))
        sphaera::detail::raise<invalid_argument>(
            "proximal_nested_sampling: target_acceptance = ", o.target_acceptance,
            " must be in (0, 1), stop_fraction = ", o.stop_fraction, " > 0, step = ", o.step, " >= 0");
    std::vector<double> live(nl * n), logl(nl);
    if (!initial.empty()) {
        detail::require_size("proximal_nested_sampling: initial live points (N, n)", initial.size(), nl * n);
        live = initial;
    } else if constexpr (requires(mview v) { g.sample(o.seed, std::uint64_t{0}, v); }) {
        for (std::size_t i = 0; i < nl; ++i) g.sample(o.seed, 2 * i + 1, mview(live.data() + i * n, n));
    } else {
        sphaera::detail::raise<invalid_argument>(
            "proximal_nested_sampling: the prior has no exact sampler; pass initial live points");
    }
    nested_result r;
    for (std::size_t i = 0; i < nl; ++i) {
        const cview xi(live.data() + i * n, n);
        logl[i] = like.log_likelihood(xi);
        if (!std::isfinite(logl[i]) || !std::isfinite(g.value(xi)))
            sphaera::detail::raise<non_finite>("proximal_nested_sampling: live point ", i,
                                               " has ln L = ", logl[i], " or g = ", g.value(xi),
                                               "; every live point must have finite ln L and g");
    }
    r.likelihood_evaluations = nl;
    double delta = o.step;
    if (delta == 0) {  // ½ the mean per-pixel prior variance of the live points
        double v = 0;
        for (std::size_t p = 0; p < n; ++p) {
            double m = 0, m2 = 0;
            for (std::size_t i = 0; i < nl; ++i) { m += live[i * n + p]; m2 += live[i * n + p] * live[i * n + p]; }
            m /= double(nl);
            v += m2 / double(nl) - m * m;
        }
        delta = std::max(0.5 * v / double(n), 1e-300);
    }

    std::vector<double> dead_logl, dead_logx;
    double log_x = 0, log_z = -INFINITY;  // running Z (rectangle rule) only for stopping
    std::uint64_t chain = 0;
    std::size_t moves = 0, accepted_total = 0;
    std::vector<std::size_t> order(nl);
    std::vector<int> accepted(o.batch);
    std::vector<double> scratch(o.batch * 4 * n);  // per batch slot: x, y, m(x), m(y)
    std::exception_ptr failure;
    for (std::size_t it = 0; it < o.max_iterations; ++it) {
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(o.batch), order.end(),
                          [&](std::size_t a, std::size_t b) { return logl[a] < logl[b]; });
        for (std::size_t j = 0; j < o.batch; ++j) {
            const double lx_prev = log_x;
            log_x -= 1.0 / static_cast<double>(nl - j);
            dead_logl.push_back(logl[order[j]]);
            dead_logx.push_back(log_x);
            log_z = detail::log_add(log_z, logl[order[j]] + lx_prev + std::log1p(-std::exp(log_x - lx_prev)));
        }
        const double lstar = logl[order[o.batch - 1]];
        r.iterations = it + 1;
        // Survivors: order[batch..N). New point j starts at a random survivor.
        const double d = delta;
#if SPHAERA_HAS_OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(o.threads > 0 ? o.threads : omp_get_max_threads())
#endif
        for (std::ptrdiff_t jj = 0; jj < static_cast<std::ptrdiff_t>(o.batch); ++jj) {
            try {
                const auto j = static_cast<std::size_t>(jj);
                const std::uint64_t c = chain + j, sn = 2 * c + 2, su = 2 * c + 3;
                const philox_stream normals{o.seed, sn};
                const auto pick = static_cast<std::size_t>(uniform<double>(o.seed, 0, su) * double(nl - o.batch));
                const std::size_t start = order[o.batch + std::min(pick, nl - o.batch - 1)];
                // Per-slot scratch, allocated once per run: x, y and their proposal means.
                double* const base = scratch.data() + j * 4 * n;
                const mview x(base, n), y(base + n, n), mx(base + 2 * n, n), my(base + 3 * n, n);
                std::copy_n(live.begin() + std::ptrdiff_t(start * n), n, x.data());
                const double sd = std::sqrt(d);
                double gx = detail::value_and_mean(g, d, x, mx), lx = logl[start];
                int acc = 0;
                mview cx = x, cy = y, cmx = mx, cmy = my;  // swapped on acceptance, never copied
                for (std::size_t s = 0; s < o.mcmc_steps; ++s) {
                    // ξ: the Philox normals (seed, stream sn, offset s n) — fill_normal's values —
                    // consumed chunk by chunk while in L1: y = m(x) + √δ ξ and
                    // ‖y − m(x)‖² = δ‖ξ‖² in the same pass, ξ never stored.
                    double xi2 = 0;
                    sphaera::detail::for_each_normal_chunk<double>(
                        normals, s * n, n, [&](std::size_t k, const double* z, std::size_t m) {
                            double* SPHAERA_RESTRICT yk = cy.data() + k;
                            const double* SPHAERA_RESTRICT mk = cmx.data() + k;
                            double zz = 0;
#pragma omp simd reduction(+ : zz)
                            for (std::size_t i = 0; i < m; ++i) {
                                yk[i] = mk[i] + sd * z[i];
                                zz += z[i] * z[i];
                            }
                            xi2 += zz;
                        });
                    // Likelihood first: a proposal outside {L > L*} is rejected before the
                    // prior's value or prox is computed.
                    const double ly = like.log_likelihood(cy);
                    if (!(ly > lstar)) continue;  // outside the likelihood region: reject
                    const double gy = detail::value_and_mean(g, d, cy, cmy);
                    if (!std::isfinite(gy)) continue;
                    double bwd = 0;
                    for (std::size_t i = 0; i < n; ++i) {
                        const double t = cx[i] - cmy[i];
                        bwd += t * t;
                    }
                    const double log_alpha = (gx - gy) - (bwd - d * xi2) / (2 * d);
                    if (std::log(uniform<double>(o.seed, s + 1, su)) < log_alpha) {
                        std::swap(cx, cy);
                        std::swap(cmx, cmy);
                        gx = gy;
                        lx = ly;
                        ++acc;
                    }
                }
                // Dead slot order[j] receives the new point.
                std::copy_n(cx.data(), n, live.begin() + std::ptrdiff_t(order[j] * n));
                accepted[j] = acc;
                logl[order[j]] = lx;
            } catch (...) {
#if SPHAERA_HAS_OPENMP
#pragma omp critical(sphaera_nested_failure)
#endif
                if (!failure) failure = std::current_exception();
            }
        }
        if (failure) std::rethrow_exception(failure);
        chain += o.batch;
        std::size_t acc_batch = 0;
        for (int a : accepted) acc_batch += static_cast<std::size_t>(a);
        accepted_total += acc_batch;
        moves += o.batch * o.mcmc_steps;
        r.likelihood_evaluations += o.batch * o.mcmc_steps;
        // Adapt δ between iterations towards the target acceptance (never within a chain).
        const double rate = double(acc_batch) / double(o.batch * o.mcmc_steps);
        delta *= std::exp(0.5 * (rate - o.target_acceptance));
        const double lmax = *std::max_element(logl.begin(), logl.end());
        if (lmax + log_x < std::log(o.stop_fraction) + log_z) break;
    }
    // Remainder: the live points, sorted, continue the sequence with counts N, …, 1.
    std::vector<double> rest = logl;
    std::sort(rest.begin(), rest.end());
    for (std::size_t j = 0; j < nl; ++j) {
        log_x -= 1.0 / static_cast<double>(nl - j);
        dead_logl.push_back(rest[j]);
        dead_logx.push_back(log_x);
    }
    // Trapezium weights w_i = (X_{i−1} − X_{i+1})/2, X_0 = 1, X_{last+1} = 0.
    const std::size_t m = dead_logl.size();
    r.log_weights.resize(m);
    double lz = -INFINITY;
    for (std::size_t i = 0; i < m; ++i) {
        const double lprev = i == 0 ? 0.0 : dead_logx[i - 1];
        // X_{i−1} − X_{i+1} = X_{i−1}(1 − X_{i+1}/X_{i−1}) keeps precision at tiny X.
        const double lw = i + 1 < m ? lprev + std::log1p(-std::exp(dead_logx[i + 1] - lprev)) - std::log(2.0)
                                    : lprev - std::log(2.0);
        r.log_weights[i] = lw;
        lz = detail::log_add(lz, lw + dead_logl[i]);
    }
    double h = 0;
    for (std::size_t i = 0; i < m; ++i) {
        const double p = std::exp(r.log_weights[i] + dead_logl[i] - lz);
        if (p > 0) h += p * (dead_logl[i] - lz);
    }
    r.log_evidence = lz;
    r.information = std::max(h, 0.0);
    r.log_evidence_error = std::sqrt(r.information / static_cast<double>(nl));
    r.acceptance = moves ? double(accepted_total) / double(moves) : 0.0;
    r.final_step = delta;
    r.log_likelihoods = std::move(dead_logl);
    return r;
}

}  // namespace sphaera::sampling
