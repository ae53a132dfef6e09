#pragma once
/// \file cross_validation.hpp
/// \brief Helpers shared by the targets: the unit-ball volume, fold assignment by chain
/// and the estimator's relative variance from log weights, the quantity every target's
/// hyper-parameters are chosen to minimise (McEwen et al. 2021 §4: min σ̂² s.t. ρ̂ = μ̂₁).

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "sphaera/core/reduction_ops.hpp"

namespace sphaera::evidence::detail {

/// ln of the volume of the unit d-ball, π^{d/2} / Γ(d/2 + 1).
[[nodiscard]] inline double log_unit_ball_volume(double d) {
    return 0.5 * d * std::log(3.14159265358979323846) - std::lgamma(0.5 * d + 1);
}

/// Relative variance per sample of the harmonic mean estimator, μ̂₂/μ̂₁² − 1, from log
/// weights over n samples (weights outside the sum are zero):
///     μ̂₂/μ̂₁² = n Σ wᵢ² / (Σ wᵢ)².
/// Invariant to any constant factor in the weights (normalisation, ln Z), hence computed
/// from two log-sum-exps. +inf when every weight is zero.
class relative_variance_accumulator {
public:
    void add(double ln_w) {
        if (ln_w == -std::numeric_limits<double>::infinity()) return;
        m_s1 = sphaera::detail::lse_merge(m_s1, {ln_w, 1.0});
        m_s2 = sphaera::detail::lse_merge(m_s2, {2 * ln_w, 1.0});
    }
    [[nodiscard]] double value(std::size_t n) const {
        if (m_s1.max == -std::numeric_limits<double>::infinity())
            return std::numeric_limits<double>::infinity();
        return std::exp(std::log(static_cast<double>(n)) + sphaera::detail::lse_value(m_s2) -
                        2 * sphaera::detail::lse_value(m_s1)) - 1;
    }

private:
    sphaera::detail::lse_pair<double> m_s1{-std::numeric_limits<double>::infinity(), 0.0};
    sphaera::detail::lse_pair<double> m_s2{-std::numeric_limits<double>::infinity(), 0.0};
};

/// Fold of every chain: k folds over C chains (chain c → c mod k). With one chain the
/// samples are cut into k contiguous blocks instead (returned per sample).
[[nodiscard]] inline std::vector<int> sample_folds(std::size_t nchains, std::size_t per_chain,
                                                   int k) {
    std::vector<int> f(nchains * per_chain);
    for (std::size_t c = 0; c < nchains; ++c)
        for (std::size_t i = 0; i < per_chain; ++i)
            f[c * per_chain + i] = nchains >= static_cast<std::size_t>(k)
                                       ? static_cast<int>(c % static_cast<std::size_t>(k))
                                       : static_cast<int>(i * static_cast<std::size_t>(k) / per_chain);
    return f;
}

}  // namespace sphaera::evidence::detail
