#pragma once
/// \file langevin.hpp
/// \brief Unadjusted proximal Langevin samplers for π(x) ∝ exp(−f(x) − g(x)), f smooth
/// (L_f-Lipschitz gradient), g convex with a prox. Both discretise the Langevin diffusion of
/// the Moreau–Yosida approximation π_λ ∝ exp(−f − g^λ), whose potential F = f + g^λ has
/// ∇F(x) = ∇f(x) + (x − prox_{λg}(x))/λ and Lipschitz constant L_F = L_f + 1/λ:
///
/// - MYULA (Durmus, Moulines & Pereyra 2018, SIIMS 11, Eq. 3.4):
///       x ← x − δ ∇F(x) + √(2δ) ξ.
///   Defaults (their §3.3 and §4.1.2 recommendations): λ = 1/L_f, δ = 1/L_F = λ/2.
///   Stability bound: δ < 2/L_F (the Euler step of the drift diverges beyond it; a larger
///   δ throws invalid_argument naming the bound).
/// - SK-ROCK (Pereyra, Vargas-Mieles & Zygalakis 2020, SIIMS 13, Alg. 3.1; the scheme of
///   Abdulle, Almuslimani & Vilmart 2018): s Chebyshev stages with damping η,
///       ω₀ = 1 + η/s², ω₁ = T_s(ω₀)/T_s'(ω₀), μ₁ = ω₁/ω₀, ν₁ = sω₁/2, κ₁ = sω₁/ω₀,
///       K₁ = x − μ₁δ∇F(x + ν₁Q) + κ₁Q,  Q = √(2δ)ξ,
///       K_j = −μ_jδ∇F(K_{j−1}) + ν_jK_{j−1} + κ_jK_{j−2},
///       μ_j = 2ω₁T_{j−1}/T_j, ν_j = 2ω₀T_{j−1}/T_j, κ_j = 1 − ν_j,   x ← K_s.
///   Stability bound δ ≤ ℓ_s/L_F with ℓ_s = (s − ½)²(2 − 4η/3) − 3/2 (their Eq. 3.5), so
///   one step covers ~s² MYULA steps for s gradient calls. Defaults: s = 10, η = 0.05,
///   λ = 1/L_f, δ = 0.9 ℓ_s/L_F.
///
/// Both are biased (by λ and δ) but converge to π_λ as δ → 0, and to π as λ → 0. For a
/// Gaussian target the stationary mean of both is exact (the schemes are linear with the
/// target mean as fixed point). Randomness: Philox normals (seed, stream 2·o.stream) at
/// offset k·n for step k, so a run is a pure function of (seed, stream, x₀).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/algorithms.hpp"
#include "sphaera/core/buffer.hpp"
#include "sphaera/core/random.hpp"
#include "sphaera/core/random_expr.hpp"
#include "sphaera/sampling/chain_summary.hpp"
#include "sphaera/sampling/concepts.hpp"

namespace sphaera::sampling {

/// Run settings shared by MYULA, SK-ROCK and Px-MALA. Zero means "the default rule".
struct langevin_options {
    std::size_t samples = 1000;    ///< iterations after burn-in (kept: samples / thin)
    std::size_t burn_in = 200;     ///< iterations discarded first
    std::size_t thin = 1;          ///< keep every thin-th iteration
    double step = 0;               ///< δ (0: default rule of the sampler)
    double lambda = 0;             ///< Moreau–Yosida λ (0: default rule)
    double lipschitz = 0;          ///< L_f (0: f.lipschitz())
    std::size_t stages = 10;       ///< SK-ROCK s ≥ 1
    double damping = 0.05;         ///< SK-ROCK η ∈ [0, 1)
    double target_acceptance = 0.5;  ///< Px-MALA: acceptance rate the burn-in adapts δ to
    bool adapt_step = true;        ///< Px-MALA: adapt δ during burn-in (frozen afterwards)
    bool store_samples = true;     ///< keep samples (credible intervals, per-pixel ESS)
    double credible_mass = 0.9;    ///< mass of the pixel-wise central credible intervals
    std::uint64_t seed = 0;        ///< Philox key
    std::uint64_t stream = 0;      ///< Philox stream family (independent chains: distinct)
};

namespace detail {

template <class F>
double lipschitz_of(const F& f, const langevin_options& o, const char* who) {
    double l = o.lipschitz;
    if (l == 0) {
        if constexpr (requires { { f.lipschitz() } -> std::convertible_to<double>; }) l = f.lipschitz();
        else sphaera::detail::raise<invalid_argument>(who, ": f has no lipschitz(); set options.lipschitz");
    }
    require_positive(who, l);
    return l;
}

template <class F, class G>
void check_run(const F& f, const G& g, cview x0, const langevin_options& o, const char* who) {
    require_size(who, g.size(), f.size());
    require_size(who, x0.size(), f.size());
    require_finite(who, x0);
    if (o.thin < 1 || o.samples < o.thin)
        sphaera::detail::raise<invalid_argument>(who, ": thin = ", o.thin, " must be >= 1 and samples = ",
                                                 o.samples, " >= thin");
    if (!(o.credible_mass > 0 && o.credible_mass < 1))
        sphaera::detail::raise<invalid_argument>(who, ": credible_mass = ", o.credible_mass,
                                                 " is out of range; valid range is (0, 1)");
    if (!(o.step >= 0) || !(o.lambda >= 0) || !std::isfinite(o.step) || !std::isfinite(o.lambda))
        sphaera::detail::raise<invalid_argument>(who, ": step = ", o.step, " and lambda = ", o.lambda,
                                                 " must be finite and >= 0 (0 = default)");
}

/// ∇F(z) = ∇f(z) + (z − prox_{λg}(z))/λ into out; tmp is scratch (n).
template <class F, class G>
void my_drift(const F& f, const G& g, double lambda, cview z, mview out, mview tmp) {
    f.gradient(z, out);
    g.prox(z, tmp, lambda);
    assign(backend::serial{}, out, out + (z - tmp) * (1 / lambda));
}

template <class F>
void keep(chain_accumulator& acc, const F& f, cview x, std::size_t k, const char* who) {
    const double fx = f.value(x);
    if (!std::isfinite(fx))
        sphaera::detail::raise<non_finite>(who, ": the chain diverged (f = ", fx, " at iteration ", k,
                                           "); reduce the step size");
    acc.add(x, fx);
}

}  // namespace detail

/// ℓ_s = (s − ½)²(2 − 4η/3) − 3/2: SK-ROCK's stability interval is δL_F ≤ ℓ_s.
inline double skrock_stability_length(std::size_t s, double eta) {
    const double h = static_cast<double>(s) - 0.5;
    return h * h * (2 - 4 * eta / 3) - 1.5;
}

/// MYULA on the backend \p b (elementwise work), from x₀ (n). See the file notes for the
/// defaults and the stability bound δ < 2/(L_f + 1/λ).
template <backend_tag B, differentiable_function F, proximal_function G>
    requires host_backend<B>
sampling_result myula(const B& b, const F& f, const G& g, cview x0, const langevin_options& o = {}) {
    const char* who = "myula";
    detail::check_run(f, g, x0, o, who);
    const double lf = detail::lipschitz_of(f, o, who);
    const double lambda = o.lambda > 0 ? o.lambda : 1 / lf;
    const double lF = lf + 1 / lambda, bound = 2 / lF;
    const double delta = o.step > 0 ? o.step : 1 / lF;
    if (delta >= bound)
        sphaera::detail::raise<invalid_argument>(
            "myula: step = ", delta, " is above the stability bound 2/(L_f + 1/lambda) = ", bound,
            " (L_f = ", lf, ", lambda = ", lambda, "); the default 1/(L_f + 1/lambda) = ", 1 / lF);
    const std::size_t n = f.size(), total = o.burn_in + o.samples;
    buffer<double, B> x(n, b), grad(n, b), px(n, b), xi(n, b);
    assign(b, x.view(), x0);
    detail::chain_accumulator acc(n, o.samples / o.thin, o.store_samples);
    const double noise = std::sqrt(2 * delta), shrink = delta / lambda;
    for (std::size_t k = 0; k < total; ++k) {
        f.gradient(x.view(), grad.view());
        g.prox(x.view(), px.view(), lambda);
        // fill_normal draws the same values as random_normal but uses both Box–Muller
        // outputs of each pair (half the transcendental work of per-element evaluation).
        fill_normal(b, xi.data(), n, o.seed, k * n, 2 * o.stream);
        assign(b, x.view(), x - delta * grad - shrink * (x - px) + noise * xi);
        if (k >= o.burn_in && (k - o.burn_in + 1) % o.thin == 0) detail::keep(acc, f, x.view(), k, who);
    }
    sampling_result r;
    r.credible_mass = o.credible_mass;
    acc.finish(r);
    r.step = delta;
    r.lambda = lambda;
    r.gradient_evaluations = total;
    return r;
}

/// SK-ROCK on the backend \p b, from x₀ (n). See the file notes for the coefficients,
/// defaults and the stability bound δ ≤ ℓ_s/(L_f + 1/λ).
template <backend_tag B, differentiable_function F, proximal_function G>
    requires host_backend<B>
sampling_result skrock(const B& b, const F& f, const G& g, cview x0, const langevin_options& o = {}) {
    const char* who = "skrock";
    detail::check_run(f, g, x0, o, who);
    const std::size_t s = o.stages;
    if (s < 1 || s > 200)
        sphaera::detail::raise<invalid_argument>("skrock: stages = ", s, " is out of range; valid range is [1, 200]");
    if (!(o.damping >= 0 && o.damping < 1))
        sphaera::detail::raise<invalid_argument>("skrock: damping = ", o.damping,
                                                 " is out of range; valid range is [0, 1)");
    const double lf = detail::lipschitz_of(f, o, who);
    const double lambda = o.lambda > 0 ? o.lambda : 1 / lf;
    const double lF = lf + 1 / lambda;
    const double ls = skrock_stability_length(s, o.damping), bound = ls / lF;
    if (!(ls > 0))
        sphaera::detail::raise<invalid_argument>("skrock: stages = ", s, " with damping ", o.damping,
                                                 " has no stability interval; use s >= 2");
    const double delta = o.step > 0 ? o.step : 0.9 * bound;
    if (delta > bound)
        sphaera::detail::raise<invalid_argument>(
            "skrock: step = ", delta, " is above the stability bound l_s/(L_f + 1/lambda) = ", bound,
            " (l_s = ", ls, " for s = ", s, ", eta = ", o.damping, "; L_f = ", lf, ", lambda = ", lambda, ")");
    // Chebyshev values T_j(ω₀), j = 0..s, and T_s'(ω₀) = s U_{s−1}(ω₀).
    const double w0 = 1 + o.damping / static_cast<double>(s * s);
    std::vector<double> t(s + 1), u(s + 1);
    t[0] = 1; t[s > 0 ? 1 : 0] = w0;
    u[0] = 1; if (s >= 1) u[1] = 2 * w0;
    for (std::size_t j = 2; j <= s; ++j) {
        t[j] = 2 * w0 * t[j - 1] - t[j - 2];
        u[j] = 2 * w0 * u[j - 1] - u[j - 2];
    }
    const double w1 = t[s] / (static_cast<double>(s) * u[s - 1]);
    const double mu1 = w1 / w0, nu1 = static_cast<double>(s) * w1 / 2, kappa1 = static_cast<double>(s) * w1 / w0;

    const std::size_t n = f.size(), total = o.burn_in + o.samples;
    buffer<double, B> x(n, b), q(n, b), km1(n, b), km2(n, b), kj(n, b), grad(n, b), tmp(n, b);
    assign(b, x.view(), x0);
    detail::chain_accumulator acc(n, o.samples / o.thin, o.store_samples);
    const double noise = std::sqrt(2 * delta);
    for (std::size_t k = 0; k < total; ++k) {
        fill_normal(b, q.data(), n, o.seed, k * n, 2 * o.stream);
        assign(b, q.view(), noise * q);
        assign(b, kj.view(), x + nu1 * q);
        detail::my_drift(f, g, lambda, kj.view(), grad.view(), tmp.view());
        assign(b, km1.view(), x - (mu1 * delta) * grad + kappa1 * q);  // K₁
        assign(b, km2.view(), x.view());                                 // K₀
        for (std::size_t j = 2; j <= s; ++j) {
            const double muj = 2 * w1 * t[j - 1] / t[j], nuj = 2 * w0 * t[j - 1] / t[j], kj_ = 1 - nuj;
            detail::my_drift(f, g, lambda, km1.view(), grad.view(), tmp.view());
            assign(b, kj.view(), (-muj * delta) * grad + nuj * km1 + kj_ * km2);
            std::swap(km2, km1);  // K_{j−2} ← K_{j−1}
            std::swap(km1, kj);   // K_{j−1} ← K_j
        }
        std::swap(x, km1);
        if (k >= o.burn_in && (k - o.burn_in + 1) % o.thin == 0) detail::keep(acc, f, x.view(), k, who);
    }
    sampling_result r;
    r.credible_mass = o.credible_mass;
    acc.finish(r);
    r.step = delta;
    r.lambda = lambda;
    r.gradient_evaluations = total * s;
    return r;
}

}  // namespace sphaera::sampling
