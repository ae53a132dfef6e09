#pragma once
/// \file mixture.hpp
/// \brief The modified Gaussian mixture target (McEwen et al. 2021 §5.2):
///     φ(θ) = Σₖ wₖ N(z; m̄ₖ, sₖ² Σₖ) / |det L|,   z = L⁻¹(θ − μ),  wₖ = softmax(ζ)ₖ,
/// where the centres m̄ₖ and covariances Σₖ come from K-means clusters of the whitened
/// training samples and only the weights ζ and the relative scales sₖ are fitted, to
/// minimise the estimator's variance with a ridge on the scales:
///     min_{ζ, s}  ln(n Σᵢ Cᵢ² / (Σᵢ Cᵢ)²) + ½ λ Σₖ sₖ²,     Cᵢ = φ(θᵢ) / (Lπ)(θᵢ).
/// The paper minimises Σᵢ Cᵢ² + ½λΣsₖ² under the constraint ρ̂ = μ̂₁; we divide by (Σ Cᵢ)²
/// (the same problem up to the unknown ρ² = 1/Z²) so the objective is invariant to ln Z and
/// computable in log space at any scale, and we solve it by L-BFGS on (ζ, ln s).

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/core/random.hpp"
#include "sphaera/evidence/chains.hpp"
#include "sphaera/evidence/whitening.hpp"
#include "sphaera/optim/lbfgs.hpp"

namespace sphaera::evidence {

/// Fitting options of the modified Gaussian mixture.
struct mixture_options {
    int components = 1;            ///< K ≥ 1
    double regularisation = 0.1;   ///< λ of the ridge ½λΣsₖ² (≥ 0); pulls scales below 1
    int kmeans_iterations = 100;   ///< Lloyd iterations at most
    std::uint64_t seed = 0;        ///< k-means++ seeding (Philox stream)
    bool diagonal = false;         ///< whiten by the variances only
};

namespace detail {

/// K-means (Lloyd) on rows of \p z (n, d) with k-means++ seeding (Arthur & Vassilvitskii
/// 2007); returns the label of every row.
inline std::vector<int> kmeans(const row_matrix& z, int k, int iterations, std::uint64_t seed) {
    const Eigen::Index n = z.rows();
    row_matrix centres(k, z.cols());
    Eigen::VectorXd dist = Eigen::VectorXd::Constant(n, std::numeric_limits<double>::infinity());
    std::uint64_t draw = 0;
    centres.row(0) = z.row(std::min<Eigen::Index>(n - 1, Eigen::Index(uniform<double>(seed, draw++) * double(n))));
    for (int c = 1; c < k; ++c) {
        dist = dist.cwiseMin((z.rowwise() - centres.row(c - 1)).rowwise().squaredNorm());
        double u = uniform<double>(seed, draw++) * dist.sum();
        Eigen::Index pick = n - 1;
        for (Eigen::Index i = 0; i < n; ++i) {
            u -= dist[i];
            if (u <= 0) {
                pick = i;
                break;
            }
        }
        centres.row(c) = z.row(pick);
    }
    std::vector<int> label(std::size_t(n), -1);
    for (int it = 0; it < iterations; ++it) {
        bool changed = false;
        for (Eigen::Index i = 0; i < n; ++i) {
            Eigen::Index best = 0;
            (centres.rowwise() - z.row(i)).rowwise().squaredNorm().minCoeff(&best);
            if (label[std::size_t(i)] != int(best)) changed = true;
            label[std::size_t(i)] = int(best);
        }
        if (!changed) break;
        centres.setZero();
        Eigen::VectorXd count = Eigen::VectorXd::Zero(k);
        for (Eigen::Index i = 0; i < n; ++i) {
            centres.row(label[std::size_t(i)]) += z.row(i);
            count[label[std::size_t(i)]] += 1;
        }
        for (int c = 0; c < k; ++c)
            if (count[c] > 0) centres.row(c) /= count[c];
    }
    return label;
}

}  // namespace detail

/// Modified Gaussian mixture target (see the file notes).
class modified_gaussian_mixture {
public:
    /// Whitens the training samples, clusters them, and fits weights and scales.
    /// Throws invalid_argument for bad options or a cluster with fewer than ndim + 1 samples.
    explicit modified_gaussian_mixture(const chains& training, const mixture_options& o = {})
        : m_white(training.matrix(), o.diagonal) {
        if (o.components < 1)
            sphaera::detail::raise<invalid_argument>("modified_gaussian_mixture: components = ",
                                                     o.components,
                                                     " is out of range; valid range is [1, inf)");
        if (!(o.regularisation >= 0))
            sphaera::detail::raise<invalid_argument>(
                "modified_gaussian_mixture: regularisation = ", o.regularisation,
                " is out of range; valid range is [0, inf)");
        const Eigen::Index d = ndim(), k = o.components;
        const row_matrix z = m_white.apply(training.matrix());
        const std::vector<int> label = k == 1 ? std::vector<int>(std::size_t(z.rows()), 0)
                                              : detail::kmeans(z, int(k), o.kmeans_iterations, o.seed);
        m_means.resize(std::size_t(k));
        m_chol.resize(std::size_t(k));
        m_log_det.resize(std::size_t(k));
        for (Eigen::Index c = 0; c < k; ++c) {
            std::vector<Eigen::Index> rows;
            for (Eigen::Index i = 0; i < z.rows(); ++i)
                if (label[std::size_t(i)] == c) rows.push_back(i);
            if (rows.size() < std::size_t(d) + 1)
                sphaera::detail::raise<invalid_argument>(
                    "modified_gaussian_mixture: cluster ", c, " holds ", rows.size(),
                    " samples; need at least ndim + 1 = ", d + 1, " (use fewer components)");
            row_matrix zc(Eigen::Index(rows.size()), d);
            for (std::size_t i = 0; i < rows.size(); ++i) zc.row(Eigen::Index(i)) = z.row(rows[i]);
            m_means[std::size_t(c)] = zc.colwise().mean().transpose();
            const row_matrix cz = zc.rowwise() - m_means[std::size_t(c)].transpose();
            Eigen::MatrixXd cov = cz.transpose() * cz / double(zc.rows() - 1);
            cov.diagonal().array() += 1e-9;  // keeps a thin cluster's factor finite
            m_chol[std::size_t(c)] = cov.llt().matrixL();
            m_log_det[std::size_t(c)] = m_chol[std::size_t(c)].diagonal().array().log().sum();
        }
        fit(training, z, o.regularisation);
    }

    [[nodiscard]] Eigen::Index ndim() const { return m_white.ndim(); }
    [[nodiscard]] const whitening& standardisation() const { return m_white; }
    [[nodiscard]] const Eigen::VectorXd& weights() const { return m_weights; }  ///< wₖ
    [[nodiscard]] const Eigen::VectorXd& scales() const { return m_scales; }    ///< sₖ
    [[nodiscard]] const optim::result& fit_result() const { return m_fit; }

    /// ln φ at the rows of \p x (n, ndim) → (n).
    [[nodiscard]] Eigen::VectorXd log_prob(const Eigen::Ref<const row_matrix>& x) const {
        const row_matrix z = m_white.apply(x);
        Eigen::MatrixXd q = squared_distances(z);
        Eigen::VectorXd out(z.rows());
        for (Eigen::Index i = 0; i < z.rows(); ++i) {
            double mx = -std::numeric_limits<double>::infinity();
            for (Eigen::Index c = 0; c < q.cols(); ++c) {
                q(i, c) = component_log(c, q(i, c));
                mx = std::max(mx, q(i, c));
            }
            out[i] = mx + std::log((q.row(i).array() - mx).exp().sum()) - m_white.log_det();
        }
        return out;
    }

    /// ∇_θ ln φ at one point \p x (ndim): L⁻ᵀ Σₖ rₖ (−Σₖ⁻¹(z − m̄ₖ)/sₖ²), rₖ responsibilities.
    [[nodiscard]] Eigen::VectorXd grad_log_prob(const Eigen::VectorXd& x) const {
        const row_matrix z = m_white.apply(x.transpose());
        const Eigen::MatrixXd q = squared_distances(z);
        Eigen::VectorXd lc(q.cols());
        for (Eigen::Index c = 0; c < q.cols(); ++c) lc[c] = component_log(c, q(0, c));
        const Eigen::VectorXd r = (lc.array() - lc.maxCoeff()).exp().matrix();
        Eigen::VectorXd gz = Eigen::VectorXd::Zero(ndim());
        for (Eigen::Index c = 0; c < q.cols(); ++c) {
            const auto& l = m_chol[std::size_t(c)];
            const Eigen::VectorXd u = l.triangularView<Eigen::Lower>().solve(
                (z.row(0).transpose() - m_means[std::size_t(c)]).eval());
            gz -= r[c] / r.sum() * l.transpose().triangularView<Eigen::Upper>().solve(u) /
                  (m_scales[c] * m_scales[c]);
        }
        return m_white.cholesky().transpose().triangularView<Eigen::Upper>().solve(gz);
    }

private:
    static constexpr double half_ln_2pi = 0.91893853320467274178032973640562;

    /// (zᵢ − m̄ₖ)ᵀ Σₖ⁻¹ (zᵢ − m̄ₖ) for every row and component → (n, K).
    [[nodiscard]] Eigen::MatrixXd squared_distances(const row_matrix& z) const {
        Eigen::MatrixXd q(z.rows(), Eigen::Index(m_means.size()));
        for (std::size_t c = 0; c < m_means.size(); ++c) {
            Eigen::MatrixXd u = (z.rowwise() - m_means[c].transpose()).transpose();
            m_chol[c].triangularView<Eigen::Lower>().solveInPlace(u);
            q.col(Eigen::Index(c)) = u.colwise().squaredNorm().transpose();
        }
        return q;
    }
    /// ln(wₖ N(z; m̄ₖ, sₖ²Σₖ)) from the Mahalanobis distance q.
    [[nodiscard]] double component_log(Eigen::Index c, double q) const {
        const double s = m_scales[c];
        return std::log(m_weights[c]) - double(ndim()) * (half_ln_2pi + std::log(s)) -
               m_log_det[std::size_t(c)] - 0.5 * q / (s * s);
    }

    void fit(const chains& t, const row_matrix& z, double lambda) {
        const Eigen::Index k = Eigen::Index(m_means.size()), n = z.rows(), d = ndim();
        const Eigen::MatrixXd q = squared_distances(z);
        const Eigen::Map<const Eigen::VectorXd> lnp = t.lnprob();
        // Parameters x = (ζ₁..ζ_K, ln s₁..ln s_K); start from equal weights and s = 0.9.
        Eigen::VectorXd x0(2 * k);
        x0.head(k).setZero();
        x0.tail(k).setConstant(std::log(0.9));
        Eigen::MatrixXd lc(n, k);
        Eigen::VectorXd ell(n);
        auto objective = [&](const Eigen::VectorXd& x, Eigen::VectorXd& g) {
            const Eigen::VectorXd zeta = x.head(k), u = x.tail(k);
            const double lse_zeta = zeta.maxCoeff() + std::log((zeta.array() - zeta.maxCoeff()).exp().sum());
            const Eigen::VectorXd w = (zeta.array() - lse_zeta).exp().matrix();
            for (Eigen::Index c = 0; c < k; ++c) {
                const double s2 = std::exp(2 * u[c]);
                lc.col(c) = (zeta[c] - lse_zeta - double(d) * (half_ln_2pi + u[c]) -
                             m_log_det[std::size_t(c)] - 0.5 * q.col(c).array() / s2 - lnp.array())
                                .matrix();
            }
            for (Eigen::Index i = 0; i < n; ++i) {
                const double mx = lc.row(i).maxCoeff();
                ell[i] = mx + std::log((lc.row(i).array() - mx).exp().sum());
            }
            // J = lse(2ℓ) − 2 lse(ℓ) + ln n + ½λΣs²; ∂J/∂ℓᵢ = 2aᵢ − 2bᵢ (softmaxes).
            const double m1 = ell.maxCoeff();
            const double l1 = m1 + std::log((ell.array() - m1).exp().sum());
            const double l2 = 2 * m1 + std::log((2 * (ell.array() - m1)).exp().sum());
            const Eigen::VectorXd dl = 2 * ((2 * ell.array() - l2).exp() - (ell.array() - l1).exp()).matrix();
            g.setZero();
            double reg = 0;
            for (Eigen::Index c = 0; c < k; ++c) {
                const double s2 = std::exp(2 * u[c]);
                const Eigen::ArrayXd r = (lc.col(c) - ell).array().exp();  // responsibilities
                g[c] = (dl.array() * (r - w[c])).sum();
                g[k + c] = (dl.array() * r * (q.col(c).array() / s2 - double(d))).sum() + lambda * s2;
                reg += 0.5 * lambda * s2;
            }
            return l2 - 2 * l1 + std::log(double(n)) + reg;
        };
        optim::lbfgs_options lo;
        lo.gtol = 1e-7;
        lo.max_iterations = 500;
        m_fit = optim::minimize_lbfgs(objective, x0, lo);
        const Eigen::VectorXd zeta = m_fit.x.head(k);
        m_weights = (zeta.array() - zeta.maxCoeff()).exp().matrix();
        m_weights /= m_weights.sum();
        m_scales = m_fit.x.tail(k).array().exp().matrix();
    }

    whitening m_white;
    std::vector<Eigen::VectorXd> m_means;  // K × (d)
    std::vector<Eigen::MatrixXd> m_chol;   // K × (d, d), lower Cholesky of Σₖ
    std::vector<double> m_log_det;         // K: ln |det chol|
    Eigen::VectorXd m_weights, m_scales;   // (K)
    optim::result m_fit;
};

}  // namespace sphaera::evidence
