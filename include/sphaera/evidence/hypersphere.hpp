#pragma once
/// \file hypersphere.hpp
/// \brief The hypersphere target (McEwen et al. 2021 §5.1): φ uniform inside the ellipsoid
/// (θ − μ)ᵀ Σ⁻¹ (θ − μ) < R², i.e. the ball |z| < R in whitened coordinates,
///     φ(θ) = 1 / (V_d R^d |Σ|^{1/2}) inside, 0 outside,   V_d = π^{d/2} / Γ(d/2 + 1).
/// R is chosen by k-fold cross-validation (folds by chain) on the estimator's relative
/// variance n Σᵢ wᵢ² / (Σᵢ wᵢ)² − 1, wᵢ = I(|zᵢ| < R) / (Lπ)(θᵢ), over held-out samples:
/// too small an R keeps few samples, too large an R admits the posterior tails where 1/(Lπ)
/// explodes. The objective does not depend on the normalisation, so it needs no shift.

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/evidence/chains.hpp"
#include "sphaera/evidence/detail/cross_validation.hpp"
#include "sphaera/evidence/whitening.hpp"

namespace sphaera::evidence {

/// Fitting options of the hypersphere target.
struct hypersphere_options {
    double radius = 0;      ///< fixed R in whitened units; 0: choose by cross-validation
    int folds = 2;          ///< cross-validation folds (by chain), ≥ 2
    int radius_grid = 64;   ///< candidate radii: quantiles of the training |z|
    bool diagonal = false;  ///< whiten by the variances only
};

/// Uniform density on a whitened ball (see the file notes).
class hypersphere {
public:
    /// Fits the whitening on every training sample and R by cross-validation.
    explicit hypersphere(const chains& training, const hypersphere_options& o = {})
        : m_white(training.matrix(), o.diagonal) {
        if (o.folds < 2)
            sphaera::detail::raise<invalid_argument>("hypersphere: folds = ", o.folds,
                                                     " is out of range; valid range is [2, inf)");
        if (o.radius_grid < 2)
            sphaera::detail::raise<invalid_argument>("hypersphere: radius_grid = ",
                                                     o.radius_grid,
                                                     " is out of range; valid range is [2, inf)");
        if (o.radius < 0 || !std::isfinite(o.radius))
            sphaera::detail::raise<invalid_argument>("hypersphere: radius = ", o.radius,
                                                     " is out of range; valid range is [0, inf)");
        m_radius = o.radius > 0 ? o.radius : cross_validate(training, o);
        m_log_norm = -(detail::log_unit_ball_volume(double(ndim())) +
                       double(ndim()) * std::log(m_radius) + m_white.log_det());
    }

    [[nodiscard]] Eigen::Index ndim() const { return m_white.ndim(); }
    [[nodiscard]] double radius() const { return m_radius; }  ///< R, whitened units
    [[nodiscard]] const whitening& standardisation() const { return m_white; }
    /// Relative variance of each candidate radius in the cross-validation (radius, value).
    [[nodiscard]] const std::vector<std::pair<double, double>>& cv_curve() const {
        return m_curve;
    }

    /// ln φ at the rows of \p x (n, ndim) → (n); −inf outside the ball.
    [[nodiscard]] Eigen::VectorXd log_prob(const Eigen::Ref<const row_matrix>& x) const {
        const row_matrix z = m_white.apply(x);
        Eigen::VectorXd out(z.rows());
        const double r2 = m_radius * m_radius;
        for (Eigen::Index i = 0; i < z.rows(); ++i)
            out[i] = z.row(i).squaredNorm() < r2 ? m_log_norm
                                                 : -std::numeric_limits<double>::infinity();
        return out;
    }

private:
    double cross_validate(const chains& t, const hypersphere_options& o) {
        const std::size_t n = t.size();
        const std::vector<int> fold = detail::sample_folds(t.nchains(), t.nsamples(), o.folds);
        // Candidate radii from the quantiles of |z| under the full whitening.
        const row_matrix zall = m_white.apply(t.matrix());
        std::vector<double> rall(n);
        for (std::size_t i = 0; i < n; ++i) rall[i] = zall.row(Eigen::Index(i)).norm();
        std::sort(rall.begin(), rall.end());
        std::vector<double> grid(static_cast<std::size_t>(o.radius_grid));
        for (int g = 0; g < o.radius_grid; ++g) {
            const double q = 0.02 + 0.98 * g / double(o.radius_grid - 1);
            grid[std::size_t(g)] = rall[std::min(n - 1, std::size_t(q * double(n - 1)))] * (1 + 1e-12);
        }
        std::vector<double> score(grid.size(), 0.0);
        for (int k = 0; k < o.folds; ++k) {
            // Whitening fitted on the other folds, evaluated on fold k.
            std::vector<Eigen::Index> in, out;
            for (std::size_t i = 0; i < n; ++i) (fold[i] == k ? out : in).push_back(Eigen::Index(i));
            if (out.empty() || in.size() < std::size_t(ndim()) + 1) continue;
            const auto x = t.matrix();
            row_matrix xin(Eigen::Index(in.size()), ndim()), xout(Eigen::Index(out.size()), ndim());
            for (std::size_t i = 0; i < in.size(); ++i) xin.row(Eigen::Index(i)) = x.row(in[i]);
            for (std::size_t i = 0; i < out.size(); ++i) xout.row(Eigen::Index(i)) = x.row(out[i]);
            const whitening w(xin, o.diagonal);
            const row_matrix z = w.apply(xout);
            std::vector<std::size_t> order(out.size());
            std::vector<double> r(out.size());
            for (std::size_t i = 0; i < out.size(); ++i) r[i] = z.row(Eigen::Index(i)).norm();
            std::iota(order.begin(), order.end(), std::size_t{0});
            std::sort(order.begin(), order.end(), [&](auto a, auto b) { return r[a] < r[b]; });
            // Sweep the radii in increasing order, adding samples as the ball grows.
            detail::relative_variance_accumulator acc;
            std::size_t next = 0;
            for (std::size_t g = 0; g < grid.size(); ++g) {
                while (next < order.size() && r[order[next]] < grid[g]) {
                    acc.add(-t.lnprob_data()[std::size_t(out[order[next]])]);
                    ++next;
                }
                score[g] += acc.value(out.size()) / o.folds;
            }
        }
        std::size_t best = 0;
        for (std::size_t g = 0; g < grid.size(); ++g) {
            m_curve.emplace_back(grid[g], score[g]);
            if (score[g] < score[best]) best = g;
        }
        if (!std::isfinite(score[best]))
            sphaera::detail::raise<invalid_argument>(
                "hypersphere: cross-validation found no radius that keeps any held-out sample");
        return grid[best];
    }

    whitening m_white;
    double m_radius = 0;
    double m_log_norm = 0;
    std::vector<std::pair<double, double>> m_curve;
};

}  // namespace sphaera::evidence
