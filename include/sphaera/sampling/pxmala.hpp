#pragma once
/// \file pxmala.hpp
/// \brief Proximal MALA (Pereyra 2016, "Proximal Markov chain Monte Carlo algorithms",
/// Stat. Comput. 26, Alg. 1 and Eq. 14), Metropolis-corrected so that it targets
/// π(x) ∝ exp(−f(x) − g(x)) exactly. Proposal
///
///     x' = x − (δ/2)∇f(x) − (δ/(2λ))(x − prox_{λg}(x)) + √δ ξ,   λ = δ/2 by default,
///
/// i.e. x' = prox_{(δ/2)g}(x) − (δ/2)∇f(x) + √δ ξ (a half step of the Moreau–Yosida
/// Langevin diffusion), accepted with probability
/// min{1, π(x') q(x | x') / (π(x) q(x' | x))}, q(· | x) = N(μ(x), δI).
///
/// δ: the Metropolis step makes any δ > 0 valid, so there is no stability bound; during
/// burn-in ln δ follows the Robbins–Monro recursion ln δ += (a_k − a*)/(k + 1)^0.6 towards
/// the acceptance rate a* (default ½, inside the 40–60 % Pereyra recommends), then stays
/// fixed so the kept chain is an exact Metropolis–Hastings chain. Initial δ: options.step,
/// else 1/L_f. Randomness: normals on Philox stream 2·stream at offset k·n, uniforms on
/// stream 2·stream + 1 at offset k.

#include <cmath>
#include <cstddef>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/algorithms.hpp"
#include "sphaera/core/buffer.hpp"
#include "sphaera/core/random.hpp"
#include "sphaera/core/random_expr.hpp"
#include "sphaera/sampling/chain_summary.hpp"
#include "sphaera/sampling/concepts.hpp"
#include "sphaera/sampling/langevin.hpp"

namespace sphaera::sampling {

/// Px-MALA on backend \p b from x₀ (n); g needs value() for the Metropolis ratio (and may
/// be +∞ outside its domain: such proposals are rejected). x₀ must have finite f + g.
template <backend_tag B, differentiable_function F, proximal_function_with_value G>
    requires host_backend<B>
sampling_result pxmala(const B& b, const F& f, const G& g, cview x0, const langevin_options& o = {}) {
    const char* who = "pxmala";
    detail::check_run(f, g, x0, o, who);
    if (!(o.target_acceptance > 0 && o.target_acceptance < 1))
        sphaera::detail::raise<invalid_argument>("pxmala: target_acceptance = ", o.target_acceptance,
                                                 " is out of range; valid range is (0, 1)");
    const double lf = detail::lipschitz_of(f, o, who);
    double delta = o.step > 0 ? o.step : 1 / lf;
    const std::size_t n = f.size(), total = o.burn_in + o.samples;
    buffer<double, B> x(n, b), mx(n, b), y(n, b), my(n, b), tmp(n, b);
    assign(b, x.view(), x0);
    // μ(z) = z − (δ/2)∇f(z) − (δ/(2λ))(z − prox_{λg}(z)) into m.
    auto mean_of = [&](const buffer<double, B>& z, buffer<double, B>& m, double d) {
        const double lambda = o.lambda > 0 ? o.lambda : d / 2;
        f.gradient(z.view(), m.view());
        g.prox(z.view(), tmp.view(), lambda);
        assign(b, m.view(), z - (d / 2) * m - (d / (2 * lambda)) * (z - tmp));
    };
    double ux = f.value(x.view()) + g.value(x.view());  // potential −ln π(x) + const
    if (!std::isfinite(ux))
        sphaera::detail::raise<invalid_argument>("pxmala: f + g = ", ux,
                                                 " at the initial point; start where the density is positive");
    detail::chain_accumulator acc(n, o.samples / o.thin, o.store_samples);
    std::size_t accepted = 0;
    for (std::size_t k = 0; k < total; ++k) {
        mean_of(x, mx, delta);
        const double sd = std::sqrt(delta);
        assign(b, y.view(), mx + sd * random_normal<double>(n, o.seed, k * n, 2 * o.stream));
        const double uy = f.value(y.view()) + g.value(y.view());
        double log_alpha = -INFINITY;
        if (std::isfinite(uy)) {
            mean_of(y, my, delta);
            const double fwd = norm(b, y - mx), bwd = norm(b, x - my);
            // ln [π(y) q(x|y) / (π(x) q(y|x))]
            log_alpha = (ux - uy) - (bwd * bwd - fwd * fwd) / (2 * delta);
        }
        const double a = log_alpha >= 0 ? 1.0 : std::exp(log_alpha);
        if (uniform<double>(o.seed, k, 2 * o.stream + 1) < a) {
            std::swap(x, y);
            ux = uy;
            if (k >= o.burn_in) ++accepted;
        }
        if (k < o.burn_in && o.adapt_step)
            delta *= std::exp((a - o.target_acceptance) / std::pow(static_cast<double>(k + 1), 0.6));
        if (k >= o.burn_in && (k - o.burn_in + 1) % o.thin == 0) detail::keep(acc, f, x.view(), k, who);
    }
    sampling_result r;
    r.credible_mass = o.credible_mass;
    acc.finish(r);
    r.step = delta;
    r.lambda = o.lambda > 0 ? o.lambda : delta / 2;
    r.acceptance = static_cast<double>(accepted) / static_cast<double>(o.samples);
    r.gradient_evaluations = 2 * total;
    return r;
}

}  // namespace sphaera::sampling
