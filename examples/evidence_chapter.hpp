#pragma once
/// \file evidence_chapter.hpp
/// \brief Bayesian model comparison with the learned harmonic mean: data from a straight
/// line with Gaussian noise; model A (line, 2 parameters) against model B (quadratic, 3
/// parameters), Gaussian priors N(0, τ²) on the coefficients. Chains come from the stretch-
/// move ensemble sampler, ln Z from a modified Gaussian mixture target; both are checked
/// against the closed form Z = N(y; 0, σ²I + τ² X Xᵀ). Writes a corner-style picture of
/// model A: the fitted target's density (magenta) over the posterior samples (green).
/// Shared by examples/evidence_model_comparison.cpp and the tour's evidence chapter.

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/QR>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <span>
#include <vector>

#include "sphaera/core/random.hpp"
#include "sphaera/evidence/ensemble_sampler.hpp"
#include "sphaera/evidence/estimator.hpp"
#include "sphaera/evidence/mixture.hpp"
#include "sphaera/io/png.hpp"

namespace evidence_chapter {

namespace ev = sphaera::evidence;


constexpr double sigma = 0.3, tau = 3.0, ln_2pi = 1.8378770664093454836;

/// Design matrix of a polynomial of the given number of coefficients at points x.
inline Eigen::MatrixXd design(const Eigen::VectorXd& x, int ncoef) {
    Eigen::MatrixXd m(x.size(), ncoef);
    for (int j = 0; j < ncoef; ++j) m.col(j) = x.array().pow(double(j)).matrix();
    return m;
}

/// ln N(y; 0, σ²I + τ² X Xᵀ): the exact evidence of a linear-Gaussian model.
inline double exact_ln_z(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
    const Eigen::MatrixXd c = sigma * sigma * Eigen::MatrixXd::Identity(y.size(), y.size()) +
                              tau * tau * x * x.transpose();
    const Eigen::LLT<Eigen::MatrixXd> llt(c);
    const Eigen::VectorXd u = llt.matrixL().solve(y);
    return -0.5 * u.squaredNorm() - Eigen::MatrixXd(llt.matrixL()).diagonal().array().log().sum() -
           0.5 * double(y.size()) * ln_2pi;
}

struct model_run {
    ev::chains chains;
    ev::evidence_result result;
    double truth;
};

inline model_run run_model(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, std::uint64_t seed) {
    const int d = int(x.cols());
    auto ln_post = [&](std::span<const double> b) {
        const Eigen::Map<const Eigen::VectorXd> beta(b.data(), d);
        const double chi2 = (y - x * beta).squaredNorm() / (sigma * sigma);
        return -0.5 * chi2 - double(y.size()) * (std::log(sigma) + 0.5 * ln_2pi) -
               0.5 * beta.squaredNorm() / (tau * tau) - double(d) * (std::log(tau) + 0.5 * ln_2pi);
    };
    // Start the walkers in a small ball around the least-squares fit.
    const Eigen::VectorXd ls = x.colPivHouseholderQr().solve(y);
    ev::row_matrix init(40, d);
    for (int k = 0; k < 40; ++k)
        for (int i = 0; i < d; ++i) init(k, i) = ls[i] + 0.01 * sphaera::normal<double>(seed, std::uint64_t(k * d + i));
    auto s = ev::sample_ensemble(ln_post, init, {.steps = 4000, .burn_in = 1000, .thin = 4, .seed = seed});
    const double t = ev::integrated_autocorrelation_time(s.chains, 0);
    std::printf("  %d parameters: 40 walkers x %zu kept steps, tau(beta_0) = %.1f steps (thinned)\n",
                d, s.chains.nsamples(), t);
    const auto split = ev::split_chains(s.chains, 0.5);
    const ev::modified_gaussian_mixture phi(split.training, {.components = 1});
    return {s.chains, ev::estimate_evidence(phi, split.inference), exact_ln_z(x, y)};
}

/// Corner-style panel of model A: target density on a grid (magenta) over a 2-D
/// histogram of the samples (green), both scaled to their maxima.
inline void corner_picture(const std::filesystem::path& file, const ev::chains& c) {
    const auto split = ev::split_chains(c, 0.5);
    const ev::modified_gaussian_mixture phi(split.training, {.components = 1});
    const auto m = c.matrix();
    const Eigen::RowVectorXd lo = m.colwise().minCoeff(), hi = m.colwise().maxCoeff();
    const int n = 256;
    ev::row_matrix grid(n * n, 2);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            grid.row(i * n + j) << lo[0] + (hi[0] - lo[0]) * (j + 0.5) / n,
                hi[1] - (hi[1] - lo[1]) * (i + 0.5) / n;
    const Eigen::VectorXd dens = phi.log_prob(grid).array().exp().matrix();
    std::vector<double> hist(std::size_t(n) * n, 0.0);
    for (Eigen::Index k = 0; k < m.rows(); ++k) {
        const int j = std::min(n - 1, int((m(k, 0) - lo[0]) / (hi[0] - lo[0]) * n));
        const int i = std::min(n - 1, int((hi[1] - m(k, 1)) / (hi[1] - lo[1]) * n));
        hist[std::size_t(i) * n + std::size_t(j)] += 1;
    }
    const double hmax = *std::max_element(hist.begin(), hist.end()), dmax = dens.maxCoeff();
    std::vector<std::uint8_t> rgb(std::size_t(n) * n * 3);
    for (std::size_t p = 0; p < hist.size(); ++p) {
        const double g = std::sqrt(hist[p] / hmax), t = dens[Eigen::Index(p)] / dmax;
        rgb[3 * p] = std::uint8_t(255 * t);
        rgb[3 * p + 1] = std::uint8_t(255 * g);
        rgb[3 * p + 2] = std::uint8_t(255 * t);
    }
    sphaera::io::write_png_rgb(file, rgb, n, n);
}


/// Runs the comparison and writes evidence_corner_line.png into \p out.
inline void run(const std::filesystem::path& out) {
    // Data: y = 0.5 + 1.2 x + noise at 30 points in [−1, 1].
    const int npts = 30;
    Eigen::VectorXd xs(npts), y(npts);
    for (int i = 0; i < npts; ++i) {
        xs[i] = -1 + 2.0 * i / (npts - 1);
        y[i] = 0.5 + 1.2 * xs[i] + sigma * sphaera::normal<double>(2024, std::uint64_t(i));
    }
    std::printf("data: 30 points of y = 0.5 + 1.2 x + N(0, %.1f^2)\n", sigma);
    const model_run a = run_model(design(xs, 2), y, 1), b = run_model(design(xs, 3), y, 2);
    for (const auto* r : {&a, &b})
        std::printf("  ln Z = %.4f +%.4f -%.4f (exact %.4f, error %.4f)%s\n", r->result.ln_z,
                    r->result.ln_z_error_plus, r->result.ln_z_error_minus, r->truth,
                    r->result.ln_z - r->truth, r->result.warnings.empty() ? "" : " [warnings]");
    const double ln_b = a.result.ln_z - b.result.ln_z;
    const double err = std::hypot(a.result.ln_z_error, b.result.ln_z_error);
    std::printf("ln Bayes factor (line vs quadratic) = %.4f +- %.4f (exact %.4f): %s\n", ln_b,
                err, a.truth - b.truth, ln_b > 0 ? "the data prefer the line" : "the data prefer the quadratic");
    corner_picture(out / "evidence_corner_line.png", a.chains);
    std::printf("wrote %s\n", (out / "evidence_corner_line.png").string().c_str());
    }

}  // namespace evidence_chapter
