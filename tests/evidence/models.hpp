#pragma once
/// \file models.hpp
/// \brief Test models with exact evidences and exact posterior samplers (no MCMC, so the
/// tests are fast and the only error is the estimator's own).
///
/// Gaussian: ln L(θ) = ln N(m; θ, Σ_L), prior N(θ; μ₀, Σ₀). Then
///     Z = N(m; μ₀, Σ_L + Σ₀),  posterior N(μ_p, Σ_p), Σ_p = (Σ_L⁻¹ + Σ₀⁻¹)⁻¹,
///     μ_p = Σ_p (Σ_L⁻¹ m + Σ₀⁻¹ μ₀).
/// Normal–Gamma: yₖ ~ N(μ, 1/τ), k < n; μ | τ ~ N(μ₀, 1/(κ₀τ)), τ ~ Gamma(α₀, β₀) (rate).
///     κₙ = κ₀ + n, μₙ = (κ₀μ₀ + n ȳ)/κₙ, αₙ = α₀ + n/2,
///     βₙ = β₀ + ½ Σ (yₖ − ȳ)² + κ₀ n (ȳ − μ₀)² / (2κₙ),
///     Z = Γ(αₙ)/Γ(α₀) · β₀^α₀ / βₙ^αₙ · (κ₀/κₙ)^{1/2} · (2π)^{−n/2}.

#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "sphaera/core/random.hpp"
#include "sphaera/evidence/chains.hpp"

namespace sphaera::test::evidence {

inline constexpr double ln_2pi = 1.8378770664093454835606594728112;

/// ln N(x; mean, cov) with the covariance given by its lower Cholesky factor.
inline double log_normal(const Eigen::VectorXd& x, const Eigen::VectorXd& mean,
                         const Eigen::MatrixXd& chol) {
    const Eigen::VectorXd u = chol.triangularView<Eigen::Lower>().solve(x - mean);
    return -0.5 * u.squaredNorm() - chol.diagonal().array().log().sum() -
           0.5 * double(x.size()) * ln_2pi;
}

/// A deterministic, well-conditioned SPD matrix with strong correlations.
inline Eigen::MatrixXd spd(int d, double scale, std::uint64_t seed) {
    Eigen::MatrixXd a(d, d);
    for (int i = 0; i < d; ++i)
        for (int j = 0; j < d; ++j) a(i, j) = sphaera::normal<double>(seed, std::uint64_t(i * d + j));
    Eigen::MatrixXd c = a * a.transpose() / d + 0.5 * Eigen::MatrixXd::Identity(d, d);
    return scale * c;
}

/// Gaussian likelihood × Gaussian prior in d dimensions, non-diagonal covariances.
struct gaussian_model {
    int d;
    Eigen::VectorXd m, mu0, mu_p;
    Eigen::MatrixXd chol_l, chol_0, chol_p;
    double ln_z;

    gaussian_model(int dim, std::uint64_t seed) : d(dim) {
        const Eigen::MatrixXd sl = spd(d, 1.0, seed), s0 = spd(d, 25.0, seed + 1);
        m.resize(d);
        mu0.resize(d);
        for (int i = 0; i < d; ++i) {
            m[i] = 2.0 * sphaera::normal<double>(seed + 2, std::uint64_t(i));
            mu0[i] = sphaera::normal<double>(seed + 3, std::uint64_t(i));
        }
        chol_l = sl.llt().matrixL();
        chol_0 = s0.llt().matrixL();
        const Eigen::MatrixXd sl_inv = sl.inverse(), s0_inv = s0.inverse();
        const Eigen::MatrixXd sp = (sl_inv + s0_inv).inverse();
        chol_p = sp.llt().matrixL();
        mu_p = sp * (sl_inv * m + s0_inv * mu0);
        const Eigen::MatrixXd sz = sl + s0;
        ln_z = log_normal(m, mu0, Eigen::MatrixXd(sz.llt().matrixL()));
    }

    [[nodiscard]] double log_posterior(const Eigen::VectorXd& th) const {
        return log_normal(m, th, chol_l) + log_normal(th, mu0, chol_0);
    }

    /// Exact posterior draws: nchains × nsamples, Philox stream (seed, chain).
    [[nodiscard]] sphaera::evidence::chains sample(std::size_t nchains, std::size_t nsamples,
                                                   std::uint64_t seed) const {
        std::vector<double> s(nchains * nsamples * std::size_t(d)), l(nchains * nsamples);
        Eigen::VectorXd u(d);
        for (std::size_t c = 0; c < nchains; ++c)
            for (std::size_t i = 0; i < nsamples; ++i) {
                for (int k = 0; k < d; ++k)
                    u[k] = sphaera::normal<double>(seed, i * std::size_t(d) + std::size_t(k), c);
                const Eigen::VectorXd th = mu_p + chol_p * u;
                for (int k = 0; k < d; ++k) s[(c * nsamples + i) * std::size_t(d) + std::size_t(k)] = th[k];
                l[c * nsamples + i] = log_posterior(th);
            }
        return {std::move(s), std::move(l), nchains, nsamples, std::size_t(d)};
    }
};

/// Gamma(α, 1) variate by Marsaglia & Tsang (2000) from Philox uniforms/normals of stream
/// (seed, stream) starting at *counter (advanced).
inline double gamma_variate(double alpha, std::uint64_t seed, std::uint64_t stream,
                            std::uint64_t& counter) {
    if (alpha < 1) {
        const double u = sphaera::uniform<double>(seed, counter++, stream + (1ull << 40));
        return gamma_variate(alpha + 1, seed, stream, counter) * std::pow(u, 1 / alpha);
    }
    const double dd = alpha - 1.0 / 3, c = 1 / std::sqrt(9 * dd);
    for (;;) {
        const double x = sphaera::normal<double>(seed, counter, stream);
        const double u = sphaera::uniform<double>(seed, counter++, stream + (1ull << 41));
        const double v1 = 1 + c * x;
        if (v1 <= 0) continue;
        const double v = v1 * v1 * v1;
        if (std::log(u) < 0.5 * x * x + dd - dd * v + dd * std::log(v)) return dd * v;
    }
}

/// The Normal–Gamma conjugate model (see the file notes), parameters (μ, τ).
struct normal_gamma_model {
    double mu0, kappa0, alpha0, beta0;
    std::vector<double> y;
    double kappan, mun, alphan, betan, ln_z;

    normal_gamma_model(double kappa, std::size_t n, std::uint64_t seed)
        : mu0(0.5), kappa0(kappa), alpha0(2.0), beta0(1.5) {
        y.resize(n);
        for (std::size_t k = 0; k < n; ++k) y[k] = 1.0 + 0.8 * sphaera::normal<double>(seed, k);
        double ybar = 0;
        for (double v : y) ybar += v;
        ybar /= double(n);
        double ss = 0;
        for (double v : y) ss += (v - ybar) * (v - ybar);
        kappan = kappa0 + double(n);
        mun = (kappa0 * mu0 + double(n) * ybar) / kappan;
        alphan = alpha0 + 0.5 * double(n);
        betan = beta0 + 0.5 * ss + kappa0 * double(n) * (ybar - mu0) * (ybar - mu0) / (2 * kappan);
        ln_z = std::lgamma(alphan) - std::lgamma(alpha0) + alpha0 * std::log(beta0) -
               alphan * std::log(betan) + 0.5 * std::log(kappa0 / kappan) -
               0.5 * double(n) * ln_2pi;
    }

    [[nodiscard]] double log_posterior(double mu, double tau) const {
        double ll = 0;
        for (double v : y) ll += 0.5 * std::log(tau) - 0.5 * ln_2pi - 0.5 * tau * (v - mu) * (v - mu);
        const double lp_mu = 0.5 * std::log(kappa0 * tau) - 0.5 * ln_2pi -
                             0.5 * kappa0 * tau * (mu - mu0) * (mu - mu0);
        const double lp_tau = alpha0 * std::log(beta0) - std::lgamma(alpha0) +
                              (alpha0 - 1) * std::log(tau) - beta0 * tau;
        return ll + lp_mu + lp_tau;
    }

    [[nodiscard]] sphaera::evidence::chains sample(std::size_t nchains, std::size_t nsamples,
                                                   std::uint64_t seed) const {
        std::vector<double> s(nchains * nsamples * 2), l(nchains * nsamples);
        for (std::size_t c = 0; c < nchains; ++c) {
            std::uint64_t counter = 0;
            for (std::size_t i = 0; i < nsamples; ++i) {
                const double tau = gamma_variate(alphan, seed, c, counter) / betan;
                const double mu = mun + sphaera::normal<double>(seed + 7, i, c) / std::sqrt(kappan * tau);
                s[(c * nsamples + i) * 2] = mu;
                s[(c * nsamples + i) * 2 + 1] = tau;
                l[c * nsamples + i] = log_posterior(mu, tau);
            }
        }
        return {std::move(s), std::move(l), nchains, nsamples, 2};
    }
};

/// Rosenbrock likelihood ln L = −[(1 − x)² + 100 (y − x²)²] with a uniform prior on
/// [−10, 10] × [−5, 15]. Exact posterior draws: x ~ N(1, ½), y | x ~ N(x², 1/200),
/// rejected outside the box (the posterior is the product truncated to the box).
struct rosenbrock_model {
    static double log_posterior(double x, double y) {
        if (x < -10 || x > 10 || y < -5 || y > 15) return -std::numeric_limits<double>::infinity();
        return -((1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)) - std::log(400.0);
    }
    /// ln Z by composite Simpson over x of the exact y-integral
    /// ∫ exp(−100 (y − x²)²) dy over [−5, 15] = (√π/20) [erf(10(15 − x²)) + erf(10(5 + x²))].
    static double ln_z_quadrature(int n = 200000) {
        const double a = -10, b = 10, h = (b - a) / n;
        double sum = 0;
        for (int i = 0; i <= n; ++i) {
            const double x = a + i * h;
            const double f = std::exp(-(1 - x) * (1 - x)) * std::sqrt(3.14159265358979323846) / 20 *
                             (std::erf(10 * (15 - x * x)) + std::erf(10 * (5 + x * x)));
            sum += f * (i == 0 || i == n ? 1 : (i % 2 ? 4 : 2));
        }
        return std::log(sum * h / 3) - std::log(400.0);
    }
    static sphaera::evidence::chains sample(std::size_t nchains, std::size_t nsamples,
                                            std::uint64_t seed) {
        std::vector<double> s(nchains * nsamples * 2), l(nchains * nsamples);
        for (std::size_t c = 0; c < nchains; ++c) {
            std::uint64_t k = 0;
            for (std::size_t i = 0; i < nsamples; ++i) {
                double x = 0, y = 0;
                do {
                    x = 1 + std::sqrt(0.5) * sphaera::normal<double>(seed, k++, c);
                    y = x * x + std::sqrt(1.0 / 200) * sphaera::normal<double>(seed, k++, c);
                } while (x < -10 || x > 10 || y < -5 || y > 15);
                s[2 * (c * nsamples + i)] = x;
                s[2 * (c * nsamples + i) + 1] = y;
                l[c * nsamples + i] = log_posterior(x, y);
            }
        }
        return {std::move(s), std::move(l), nchains, nsamples, 2};
    }
};

/// Rastrigin likelihood ln L = −[20 + Σᵢ (xᵢ² − 10 cos 2πxᵢ)] with a uniform prior on
/// [−6, 6]². Separable: each coordinate is drawn exactly by rejection from N(0, ½) with
/// acceptance exp(10 (cos 2πx − 1)) ≤ 1 (and |x| ≤ 6).
struct rastrigin_model {
    static double log_posterior(double x, double y) {
        constexpr double tpi = 6.283185307179586476925286766559;
        if (std::abs(x) > 6 || std::abs(y) > 6) return -std::numeric_limits<double>::infinity();
        return -(20 + x * x - 10 * std::cos(tpi * x) + y * y - 10 * std::cos(tpi * y)) -
               std::log(144.0);
    }
    /// ln Z = 2 ln ∫_{−6}^{6} exp(−x² + 10 cos 2πx − 10) dx − ln 144 (composite Simpson).
    static double ln_z_quadrature(int n = 400000) {
        constexpr double tpi = 6.283185307179586476925286766559;
        const double a = -6, b = 6, h = (b - a) / n;
        double sum = 0;
        for (int i = 0; i <= n; ++i) {
            const double x = a + i * h;
            const double f = std::exp(-x * x + 10 * std::cos(tpi * x) - 10);
            sum += f * (i == 0 || i == n ? 1 : (i % 2 ? 4 : 2));
        }
        return 2 * std::log(sum * h / 3) - std::log(144.0);
    }
    static sphaera::evidence::chains sample(std::size_t nchains, std::size_t nsamples,
                                            std::uint64_t seed) {
        constexpr double tpi = 6.283185307179586476925286766559;
        std::vector<double> s(nchains * nsamples * 2), l(nchains * nsamples);
        for (std::size_t c = 0; c < nchains; ++c) {
            std::uint64_t k = 0;
            for (std::size_t i = 0; i < 2 * nsamples; ++i) {
                double x = 0;
                for (;;) {
                    x = std::sqrt(0.5) * sphaera::normal<double>(seed, k, c);
                    const double u = sphaera::uniform<double>(seed, k++, c + (1ull << 32));
                    if (std::abs(x) <= 6 && u < std::exp(10 * (std::cos(tpi * x) - 1))) break;
                }
                s[c * nsamples * 2 + i] = x;
            }
            for (std::size_t i = 0; i < nsamples; ++i)
                l[c * nsamples + i] = log_posterior(s[2 * (c * nsamples + i)], s[2 * (c * nsamples + i) + 1]);
        }
        return {std::move(s), std::move(l), nchains, nsamples, 2};
    }
};

}  // namespace sphaera::test::evidence
