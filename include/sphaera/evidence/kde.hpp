#pragma once
/// \file kde.hpp
/// \brief Kernel density estimate target (McEwen et al. 2021 §5.3): uniform ball kernels of
/// radius R on whitened training samples zⱼ (j < M),
///     φ(θ) = #{j : |z − zⱼ| < R} / (M V_d R^d |det L|),   z = L⁻¹(θ − μ),
/// compactly supported (so its tails never exceed the posterior's by more than R) and able
/// to follow curved degeneracies. R is chosen by k-fold cross-validation (folds by chain)
/// on the estimator's relative variance, as for the hypersphere. Evaluation is brute force
/// over at most `max_centres` centres (evenly thinned), O(n M d) via one matrix product.

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/evidence/chains.hpp"
#include "sphaera/evidence/detail/cross_validation.hpp"
#include "sphaera/evidence/whitening.hpp"

namespace sphaera::evidence {

/// Fitting options of the KDE target.
struct kde_options {
    double radius = 0;           ///< fixed R (whitened units); 0: cross-validate
    int folds = 2;               ///< cross-validation folds (by chain), ≥ 2
    int radius_grid = 40;        ///< candidate radii (geometric grid)
    int max_centres = 2000;      ///< kernel centres kept (evenly thinned), ≥ 1
    bool diagonal = false;       ///< whiten by the variances only
};

/// Uniform-kernel density estimate (see the file notes).
class kernel_density {
public:
    explicit kernel_density(const chains& training, const kde_options& o = {})
        : m_white(training.matrix(), o.diagonal) {
        if (o.folds < 2 || o.radius_grid < 2 || o.max_centres < 1 || o.radius < 0)
            sphaera::detail::raise<invalid_argument>(
                "kernel_density: options folds = ", o.folds, ", radius_grid = ", o.radius_grid,
                ", max_centres = ", o.max_centres, ", radius = ", o.radius,
                " are out of range; need folds >= 2, radius_grid >= 2, max_centres >= 1, "
                "radius >= 0");
        const row_matrix z = m_white.apply(training.matrix());
        m_centres = thin(z, std::vector<int>(std::size_t(z.rows()), 0), 0, o.max_centres);
        m_radius = o.radius > 0 ? o.radius : cross_validate(training, z, o);
        m_log_norm = -(std::log(double(m_centres.rows())) +
                       detail::log_unit_ball_volume(double(ndim())) +
                       double(ndim()) * std::log(m_radius) + m_white.log_det());
    }

    [[nodiscard]] Eigen::Index ndim() const { return m_white.ndim(); }
    [[nodiscard]] double radius() const { return m_radius; }
    [[nodiscard]] Eigen::Index centres() const { return m_centres.rows(); }

    /// ln φ at the rows of \p x (n, ndim) → (n); −inf where no kernel reaches.
    [[nodiscard]] Eigen::VectorXd log_prob(const Eigen::Ref<const row_matrix>& x) const {
        const double r2 = m_radius * m_radius;
        Eigen::VectorXd out(x.rows());
        // Blocks of rows bound the distance matrix to block × M doubles.
        constexpr Eigen::Index block = 512;
        for (Eigen::Index b = 0; b < x.rows(); b += block) {
            const Eigen::Index nb = std::min(block, x.rows() - b);
            const row_matrix z = m_white.apply(x.middleRows(b, nb));
            const Eigen::MatrixXd d2 = squared_distances(z, m_centres);
            for (Eigen::Index i = 0; i < nb; ++i) {
                const auto count = (d2.row(i).array() < r2).count();
                out[b + i] = count > 0 ? std::log(double(count)) + m_log_norm
                                       : -std::numeric_limits<double>::infinity();
            }
        }
        return out;
    }

private:
    /// |aᵢ − bⱼ|² via ‖a‖² + ‖b‖² − 2aᵢ·bⱼ (one GEMM) → (rows a, rows b).
    static Eigen::MatrixXd squared_distances(const row_matrix& a, const row_matrix& b) {
        Eigen::MatrixXd d = -2.0 * a * b.transpose();
        d.colwise() += a.rowwise().squaredNorm();
        d.rowwise() += b.rowwise().squaredNorm().transpose();
        return d.cwiseMax(0.0);
    }
    /// Rows of z whose fold label is (or, with keep = false, is not) \p k, thinned to ≤ cap.
    static row_matrix thin(const row_matrix& z, const std::vector<int>& fold, int k, int cap,
                           bool keep = true) {
        std::vector<Eigen::Index> rows;
        for (Eigen::Index i = 0; i < z.rows(); ++i)
            if ((fold[std::size_t(i)] == k) == keep) rows.push_back(i);
        const std::size_t m = std::min<std::size_t>(rows.size(), std::size_t(cap));
        row_matrix out(Eigen::Index(m), z.cols());
        for (std::size_t j = 0; j < m; ++j)
            out.row(Eigen::Index(j)) = z.row(rows[j * rows.size() / m]);
        return out;
    }

    double cross_validate(const chains& t, const row_matrix& z, const kde_options& o) {
        const std::vector<int> fold = detail::sample_folds(t.nchains(), t.nsamples(), o.folds);
        // Geometric grid from a tenth of the typical nearest-centre spacing to √d·2.
        const double d = double(ndim());
        const double spacing = std::pow(double(m_centres.rows()), -1.0 / d) * std::sqrt(d);
        const double lo = 0.1 * spacing, hi = 2.0 * std::sqrt(d) + spacing;
        std::vector<double> grid(std::size_t(o.radius_grid)), score(grid.size(), 0.0);
        for (std::size_t g = 0; g < grid.size(); ++g)
            grid[g] = lo * std::pow(hi / lo, double(g) / double(grid.size() - 1));
        for (int k = 0; k < o.folds; ++k) {
            const row_matrix centres = thin(z, fold, k, o.max_centres, false);
            std::vector<Eigen::Index> held;
            for (Eigen::Index i = 0; i < z.rows(); ++i)
                if (fold[std::size_t(i)] == k) held.push_back(i);
            if (held.empty() || centres.rows() == 0) continue;
            const std::size_t cap = std::min<std::size_t>(held.size(), std::size_t(o.max_centres));
            row_matrix zh(static_cast<Eigen::Index>(cap), z.cols());
            Eigen::VectorXd lnp(static_cast<Eigen::Index>(cap));
            for (std::size_t j = 0; j < cap; ++j) {
                const Eigen::Index i = held[j * held.size() / cap];
                zh.row(Eigen::Index(j)) = z.row(i);
                lnp[Eigen::Index(j)] = t.lnprob_data()[std::size_t(i)];
            }
            const Eigen::MatrixXd d2 = squared_distances(zh, centres);
            for (std::size_t g = 0; g < grid.size(); ++g) {
                detail::relative_variance_accumulator acc;
                const double r2 = grid[g] * grid[g];
                for (Eigen::Index i = 0; i < zh.rows(); ++i) {
                    const auto c = (d2.row(i).array() < r2).count();
                    acc.add(c > 0 ? std::log(double(c)) - lnp[i]
                                  : -std::numeric_limits<double>::infinity());
                }
                score[g] += acc.value(std::size_t(zh.rows())) / o.folds;
            }
        }
        const auto best = std::size_t(std::min_element(score.begin(), score.end()) - score.begin());
        if (!std::isfinite(score[best]))
            sphaera::detail::raise<invalid_argument>(
                "kernel_density: cross-validation found no radius that reaches any held-out sample");
        return grid[best];
    }

    whitening m_white;
    row_matrix m_centres;  // (M, ndim), whitened
    double m_radius = 0;
    double m_log_norm = 0;
};

}  // namespace sphaera::evidence
