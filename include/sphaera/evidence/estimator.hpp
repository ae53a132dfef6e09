#pragma once
/// \file estimator.hpp
/// \brief The learned harmonic mean estimator of the reciprocal evidence (McEwen et al.
/// 2021, §3 and §4; Polanska et al. 2024 for flow targets), computed entirely in log space.
///
/// With a normalised target φ and posterior samples θᵢ of chain j (nⱼ samples, weight
/// wⱼ = nⱼ), the per-chain and pooled estimators of ρ = 1/Z are
///     ρ̂ⱼ = (1/nⱼ) Σᵢ φ(θᵢ) / (L(θᵢ)π(θᵢ)),       ρ̂ = Σⱼ wⱼ ρ̂ⱼ / Σⱼ wⱼ,
/// and the between-chain variance estimators (McEwen et al. 2021 Eqs. 21–27) are
///     σ̂² = Σⱼ wⱼ (ρ̂ⱼ − ρ̂)² / ((N_eff − 1) Σⱼ wⱼ),    N_eff = (Σ wⱼ)² / Σ wⱼ²,
///     ν̂⁴ = σ̂⁴/N_eff · (κ̂ − 1 + 2/(N_eff − 1)),  κ̂ = Σ wⱼ(ρ̂ⱼ − ρ̂)⁴ / (ŝ⁴ Σ wⱼ), ŝ² = N_eff σ̂².
/// Every quantity is formed from ln wᵢ = ln φ(θᵢ) − ln(Lπ)(θᵢ) by streaming log-sum-exp
/// per chain and from the ratios rⱼ = ρ̂ⱼ/ρ̂ = exp(ln ρ̂ⱼ − ln ρ̂) ≤ Σw/wⱼ, so nothing is ever
/// exponentiated at its own scale: no shift constant, exact for any |ln Z| that double
/// represents (shifting ln(Lπ) by c shifts ln Z by exactly −c up to rounding of the input).
///
/// ln Z: E[ln ρ̂] ≈ ln ρ − σ²/(2ρ²) (second-order delta method), so the bias-corrected
/// estimate is ln Ẑ = −ln ρ̂ − σ̂²/(2ρ̂²), with symmetric error σ̂/ρ̂ and asymmetric errors
/// +[−ln(1 − σ̂/ρ̂)], −[ln(1 + σ̂/ρ̂)] (the image of ρ̂ ∓ σ̂).

#include <Eigen/Core>

#include <cmath>
#include <concepts>
#include <cstddef>
#include <exception>
#include <limits>
#include <string>
#include <vector>

#include "sphaera/core/config.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/core/reduction_ops.hpp"
#include "sphaera/evidence/chains.hpp"

namespace sphaera::evidence {

/// A normalised target density: `log_prob(x)` maps rows of x (n, ndim) to ln φ (n);
/// −inf outside the support. Must be callable concurrently (const, no shared scratch).
template <class T>
concept target = requires(const T& t, const Eigen::Ref<const row_matrix>& x) {
    { t.ndim() } -> std::convertible_to<Eigen::Index>;
    { t.log_prob(x) } -> std::convertible_to<Eigen::VectorXd>;
};

/// Estimates, errors and diagnostics of one evidence computation.
struct evidence_result {
    double ln_rho = 0;           ///< ln ρ̂, reciprocal evidence
    double ln_rho_var = 0;       ///< ln σ̂², variance of ρ̂ (−inf when all chains agree)
    double ln_rho_var_var = 0;   ///< ln ν̂⁴, variance of σ̂²
    double ln_z = 0;             ///< bias-corrected ln Z = −ln ρ̂ − σ̂²/(2ρ̂²)
    double ln_z_uncorrected = 0; ///< −ln ρ̂
    double ln_z_error = 0;       ///< σ̂/ρ̂ (first-order error of ln Z)
    double ln_z_error_plus = 0;  ///< −ln(1 − σ̂/ρ̂) (+inf when σ̂ ≥ ρ̂)
    double ln_z_error_minus = 0; ///< ln(1 + σ̂/ρ̂)
    double relative_variance = 0;  ///< σ̂²/ρ̂², the estimator's predicted relative variance
    double kurtosis = 0;         ///< κ̂ of the per-chain estimates (≈ 3 when well behaved)
    double variance_ratio = 0;   ///< ν̂²/σ̂²; ≈ √(2/(N_eff − 1)) for Gaussian ρ̂ⱼ
    double n_eff = 0;            ///< N_eff from the chain weights
    double effective_chains = 0; ///< (Σ wⱼρ̂ⱼ)² / Σ (wⱼρ̂ⱼ)²: chains that carry the estimate
    double weight_fraction = 0;  ///< Kish ESS of the sample weights φ/(Lπ), over N
    double support_fraction = 0; ///< fraction of samples with φ(θ) > 0
    std::size_t nchains = 0, nsamples = 0;  ///< inference chains and samples in all
    std::vector<double> ln_rho_chain;       ///< ln ρ̂ⱼ per chain (nchains)
    std::vector<std::string> warnings;      ///< sanity checks that failed (see compute)
};

/// Computes the estimator from per-sample log weights \p ln_w (nchains, nsamples_per_chain),
/// ln wᵢ = ln φ(θᵢ) − ln(Lπ)(θᵢ), −inf allowed (outside the target's support). Needs at
/// least two chains; throws invalid_argument when every weight is zero (the target misses
/// every inference sample) and non_finite for NaN or +inf weights.
[[nodiscard]] inline evidence_result estimate_from_log_weights(const std::vector<double>& ln_w,
                                                               std::size_t nchains,
                                                               std::size_t per_chain) {
    using pair = sphaera::detail::lse_pair<double>;
    constexpr double ninf = -std::numeric_limits<double>::infinity();
    if (nchains < 2)
        sphaera::detail::raise<invalid_argument>(
            "evidence estimator: ", nchains,
            " inference chain(s); need at least 2 for the between-chain variance");
    if (per_chain == 0 || ln_w.size() != nchains * per_chain)
        sphaera::detail::raise<shape_mismatch>("evidence estimator: ", ln_w.size(),
                                               " log weights for (", nchains, ", ", per_chain,
                                               ") samples");
    evidence_result r;
    r.nchains = nchains;
    r.nsamples = ln_w.size();
    r.ln_rho_chain.resize(nchains);
    pair all{ninf, 0.0}, all2{ninf, 0.0};
    std::size_t support = 0;
    for (std::size_t c = 0; c < nchains; ++c) {
        pair acc{ninf, 0.0};
        for (std::size_t i = 0; i < per_chain; ++i) {
            const double v = ln_w[c * per_chain + i];
            if (std::isnan(v) || v == std::numeric_limits<double>::infinity())
                sphaera::detail::raise<non_finite>("evidence estimator: log weight ", v,
                                                   " at chain ", c, ", sample ", i,
                                                   " (target or ln posterior is not finite)");
            if (v == ninf) continue;
            ++support;
            acc = sphaera::detail::lse_merge(acc, pair{v, 1.0});
            all2 = sphaera::detail::lse_merge(all2, pair{2 * v, 1.0});
        }
        all = sphaera::detail::lse_merge(all, acc);
        r.ln_rho_chain[c] = sphaera::detail::lse_value(acc) - std::log(double(per_chain));
    }
    if (support == 0)
        sphaera::detail::raise<invalid_argument>(
            "evidence estimator: the target is zero on every inference sample; it does not "
            "cover the posterior (fit it on chains from the same posterior)");
    const double n = static_cast<double>(r.nsamples);
    r.ln_rho = sphaera::detail::lse_value(all) - std::log(n);

    // Chain weights wⱼ = nⱼ (equal here, kept general as in the paper's formulas).
    const double wj = static_cast<double>(per_chain);
    const double sw = wj * double(nchains), sw2 = wj * wj * double(nchains);
    r.n_eff = sw * sw / sw2;
    double m2 = 0, m4 = 0, contrib = 0, contrib2 = 0;
    for (std::size_t c = 0; c < nchains; ++c) {
        const double rj = std::exp(r.ln_rho_chain[c] - r.ln_rho);  // ρ̂ⱼ/ρ̂, bounded by C
        const double d = rj - 1;
        m2 += wj * d * d;
        m4 += wj * d * d * d * d;
        contrib += wj * rj;
        contrib2 += wj * rj * wj * rj;
    }
    m2 /= sw;
    m4 /= sw;
    r.relative_variance = m2 / (r.n_eff - 1);
    r.ln_rho_var = 2 * r.ln_rho + std::log(r.relative_variance);
    const double s4 = (r.n_eff * r.relative_variance) * (r.n_eff * r.relative_variance);
    r.kurtosis = s4 > 0 ? m4 / s4 : 0.0;
    const double rel_nu4 = r.relative_variance * r.relative_variance / r.n_eff *
                           (r.kurtosis - 1 + 2 / (r.n_eff - 1));
    r.ln_rho_var_var = 4 * r.ln_rho + std::log(rel_nu4);
    r.variance_ratio = r.relative_variance > 0 ? std::sqrt(rel_nu4) / r.relative_variance : 0.0;

    const double rel_sd = std::sqrt(r.relative_variance);
    r.ln_z_uncorrected = -r.ln_rho;
    r.ln_z = -r.ln_rho - 0.5 * r.relative_variance;
    r.ln_z_error = rel_sd;
    r.ln_z_error_plus = rel_sd < 1 ? -std::log1p(-rel_sd) : std::numeric_limits<double>::infinity();
    r.ln_z_error_minus = std::log1p(rel_sd);

    r.effective_chains = contrib * contrib / contrib2;
    r.weight_fraction = std::exp(2 * sphaera::detail::lse_value(all) -
                                 sphaera::detail::lse_value(all2)) / n;
    r.support_fraction = static_cast<double>(support) / n;

    if (r.relative_variance > 1)
        r.warnings.push_back("the estimator's predicted relative variance sigma^2/rho^2 = " +
                             std::to_string(r.relative_variance) +
                             " exceeds 1: the target is too wide (lower the temperature or "
                             "use a more concentrated target) or there are too few samples");
    if (r.effective_chains < 0.5 * static_cast<double>(nchains))
        r.warnings.push_back("only " + std::to_string(r.effective_chains) + " of " +
                             std::to_string(nchains) +
                             " chains carry the estimate: a few samples dominate");
    if (r.variance_ratio > 3 * std::sqrt(2 / (r.n_eff - 1)))
        r.warnings.push_back("the variance of the variance is large (nu^2/sigma^2 = " +
                             std::to_string(r.variance_ratio) +
                             "): the error bar itself is unreliable; draw more samples");
    return r;
}

/// The learned harmonic mean estimate of ln Z from the inference chains \p inference and a
/// target fitted on other chains. The target is evaluated chain by chain (OpenMP over
/// chains; each chain reduces on its own, so the result is the same for any thread count).
template <target T>
[[nodiscard]] evidence_result estimate_evidence(const T& phi, const chains& inference) {
    if (phi.ndim() != static_cast<Eigen::Index>(inference.ndim()))
        sphaera::detail::raise<shape_mismatch>("estimate_evidence: target has ndim = ",
                                               phi.ndim(), " but the chains have ndim = ",
                                               inference.ndim());
    const std::size_t nc = inference.nchains(), ns = inference.nsamples();
    std::vector<double> ln_w(nc * ns);
    std::exception_ptr failure;  // an exception must not leave an OpenMP region
#if SPHAERA_HAS_OPENMP
#pragma omp parallel for schedule(dynamic)
#endif
    for (std::ptrdiff_t c = 0; c < static_cast<std::ptrdiff_t>(nc); ++c) {
        const auto uc = static_cast<std::size_t>(c);
        try {
            const Eigen::VectorXd lp = phi.log_prob(inference.chain(uc));
            for (std::size_t i = 0; i < ns; ++i)
                ln_w[uc * ns + i] = lp[static_cast<Eigen::Index>(i)] - inference.lnprob(uc, i);
        } catch (...) {
#if SPHAERA_HAS_OPENMP
#pragma omp critical(sphaera_evidence_failure)
#endif
            if (!failure) failure = std::current_exception();
        }
    }
    if (failure) std::rethrow_exception(failure);
    return estimate_from_log_weights(ln_w, nc, ns);
}

}  // namespace sphaera::evidence
