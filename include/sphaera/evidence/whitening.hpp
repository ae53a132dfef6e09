#pragma once
/// \file whitening.hpp
/// \brief Mean/covariance standardisation kept with a fitted target: z = L⁻¹(θ − μ) with
/// Σ = L Lᵀ the Cholesky factor of the training covariance. A density φ_z in whitened
/// coordinates is a density in θ through the change of variables
///     ln φ(θ) = ln φ_z(L⁻¹(θ − μ)) − ln |det L|,    ln |det L| = Σᵢ ln Lᵢᵢ,
/// so the fitted target stays exactly normalised in the user's coordinates.

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <cmath>

#include "sphaera/core/error.hpp"
#include "sphaera/evidence/chains.hpp"

namespace sphaera::evidence {

/// Affine whitening θ ↦ L⁻¹(θ − μ) fitted on training samples.
class whitening {
public:
    whitening() = default;

    /// Fits μ and Σ = L Lᵀ on \p x (n, ndim). With \p diagonal only the variances are used
    /// (L diagonal). Throws invalid_argument for fewer than ndim + 1 samples or a singular
    /// covariance (a coordinate that never moves, or exactly collinear coordinates).
    template <class Derived>
    explicit whitening(const Eigen::MatrixBase<Derived>& x, bool diagonal = false) {
        const Eigen::Index n = x.rows(), d = x.cols();
        if (n < d + 1)
            sphaera::detail::raise<invalid_argument>("whitening: ", n, " samples in ", d,
                                                     " dimensions; need at least ", d + 1,
                                                     " to estimate a covariance");
        m_mean = x.colwise().mean().transpose();
        const Eigen::MatrixXd c = x.rowwise() - m_mean.transpose();
        Eigen::MatrixXd cov = (c.transpose() * c) / static_cast<double>(n - 1);
        if (diagonal) cov = Eigen::MatrixXd(cov.diagonal().asDiagonal());
        Eigen::LLT<Eigen::MatrixXd> llt(cov);
        m_chol = llt.matrixL();
        bool ok = llt.info() == Eigen::Success;
        for (Eigen::Index i = 0; ok && i < d; ++i)
            ok = m_chol(i, i) > 1e-12 * std::sqrt(cov.diagonal().cwiseAbs().maxCoeff()) &&
                 std::isfinite(m_chol(i, i));
        if (!ok)
            sphaera::detail::raise<invalid_argument>(
                "whitening: the training samples' covariance is singular (a coordinate is "
                "constant or coordinates are collinear); cannot standardise");
        m_log_det = m_chol.diagonal().array().log().sum();
    }

    [[nodiscard]] Eigen::Index ndim() const { return m_mean.size(); }
    [[nodiscard]] const Eigen::VectorXd& mean() const { return m_mean; }
    /// Lower Cholesky factor L of the training covariance.
    [[nodiscard]] const Eigen::MatrixXd& cholesky() const { return m_chol; }
    /// ln |det L| = ½ ln det Σ: subtract from ln φ_z to get ln φ(θ).
    [[nodiscard]] double log_det() const { return m_log_det; }

    /// Whitens the rows of \p x (n, ndim) → (n, ndim).
    template <class Derived>
    [[nodiscard]] row_matrix apply(const Eigen::MatrixBase<Derived>& x) const {
        row_matrix c = x.rowwise() - m_mean.transpose();
        // Solve L zᵀ = cᵀ for all rows at once: Z = C L⁻ᵀ.
        m_chol.triangularView<Eigen::Lower>().solveInPlace(c.transpose());
        return c;
    }
    /// Whitens in place the samples in the rows of \p z (n, ndim), column-major blocks
    /// included: z ← (z − μᵀ) L⁻ᵀ, the same map as apply without allocating a result.
    void apply_in_place(Eigen::Ref<Eigen::MatrixXd> z) const {
        for (Eigen::Index j = 0; j < z.cols(); ++j) z.col(j).array() -= m_mean[j];
        m_chol.transpose().triangularView<Eigen::Upper>().solveInPlace<Eigen::OnTheRight>(z);
    }
    /// Maps whitened rows \p z (n, ndim) back: θ = μ + L z.
    template <class Derived>
    [[nodiscard]] row_matrix unapply(const Eigen::MatrixBase<Derived>& z) const {
        row_matrix x = (z * m_chol.transpose()).rowwise() + m_mean.transpose();
        return x;
    }

private:
    Eigen::VectorXd m_mean;
    Eigen::MatrixXd m_chol;
    double m_log_det = 0;
};

}  // namespace sphaera::evidence
