#pragma once
/// \file flow_training.hpp
/// \brief What the normalising-flow targets share: maximum-likelihood training by Adam on
/// mini-batches with early stopping on a validation split, and the choice of temperature
/// on that split (Polanska et al. 2024 §3: a concentrated base N(0, T I), T < 1).

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/core/random.hpp"
#include "sphaera/evidence/detail/cross_validation.hpp"
#include "sphaera/optim/adam.hpp"

namespace sphaera::evidence::detail {

/// Training options common to the flows (validated by each flow's constructor).
struct flow_training_options {
    int epochs = 100;
    int batch_size = 256;
    double learning_rate = 2e-3;
    double validation_fraction = 0.2;
    int patience = 10;
    std::uint64_t seed = 0;
    const char* who = "flow";  ///< names the flow in error messages
};

/// Outcome of train_flow: the validation columns and the early-stopping record.
struct flow_training_result {
    std::vector<Eigen::Index> validation;  ///< columns of z held out (and used to choose T)
    Eigen::MatrixXd zval;                  ///< (d, nval) those columns
    double best_loss = 0;                  ///< −mean ln φ₁ on them at the kept parameters
    int epochs = 0;                        ///< epochs run
};

/// Trains \p params by Adam on the whitened columns \p zall (d, n), minimising
/// `loss(z, &grad)` (−mean ln φ₁ over the columns of z and its gradient) on mini-batches;
/// keeps the parameters with the best validation loss and stops after `patience` epochs
/// without improvement. The split and the shuffles come from Philox streams 1000 and 2000
/// of the seed, so a fit is reproducible bit for bit.
template <class Loss>
flow_training_result train_flow(const Loss& loss, Eigen::VectorXd& params,
                                const Eigen::MatrixXd& zall, const flow_training_options& o) {
    const Eigen::Index n = zall.cols();
    // Validation split: a Philox permutation (shuffle by sorted random keys).
    std::vector<Eigen::Index> perm(static_cast<std::size_t>(n));
    std::iota(perm.begin(), perm.end(), Eigen::Index{0});
    std::vector<double> key(static_cast<std::size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i)
        key[std::size_t(i)] = uniform<double>(o.seed, std::uint64_t(i), 1000);
    std::sort(perm.begin(), perm.end(),
              [&](auto a, auto b) { return key[std::size_t(a)] < key[std::size_t(b)]; });
    const auto nval = std::max<Eigen::Index>(1, Eigen::Index(o.validation_fraction * double(n)));
    const Eigen::Index ntr = n - nval;
    if (ntr < 1)
        sphaera::detail::raise<invalid_argument>(o.who, ": ", n, " training samples are too few");
    flow_training_result r;
    r.validation.assign(perm.begin(), perm.begin() + nval);
    std::vector<Eigen::Index> tidx(perm.begin() + nval, perm.end());
    r.zval = zall(Eigen::all, r.validation);

    optim::adam opt(params.size(), {.learning_rate = o.learning_rate});
    Eigen::VectorXd grad(params.size()), best = params;
    r.best_loss = loss(r.zval, nullptr);
    int stale = 0;
    std::uint64_t draw = 0;
    for (r.epochs = 0; r.epochs < o.epochs && stale < o.patience; ++r.epochs) {
        // Fisher–Yates shuffle of the training indices on Philox stream 2000.
        for (Eigen::Index i = ntr - 1; i > 0; --i) {
            const auto j = Eigen::Index(uniform<double>(o.seed, draw++, 2000) * double(i + 1));
            std::swap(tidx[std::size_t(i)], tidx[std::size_t(std::min(j, i))]);
        }
        for (Eigen::Index b = 0; b < ntr; b += o.batch_size) {
            const Eigen::Index nb = std::min<Eigen::Index>(o.batch_size, ntr - b);
            const std::vector<Eigen::Index> bi(tidx.begin() + b, tidx.begin() + b + nb);
            const double l = loss(zall(Eigen::all, bi), &grad);
            if (!std::isfinite(l) || !grad.allFinite()) break;  // keep the best parameters
            opt.step(params, grad);
        }
        const double v = loss(r.zval, nullptr);
        if (v < r.best_loss - 1e-6 * std::abs(r.best_loss)) {
            r.best_loss = v;
            best = params;
            stale = 0;
        } else {
            ++stale;
        }
    }
    params = best;
    return r;
}

/// The temperature T ∈ {0.30, 0.35, …, 0.95} minimising the estimator's relative variance
/// on held-out samples, given for each their |f(z)|² \p u2, ln|det ∂f/∂z| \p ld and ln(Lπ)
/// \p lnprob (all (nval)); ln φ_T = −|u|²/(2T) − (d/2) ln T + const, so each candidate
/// costs O(nval) and the whitening and 2π constants cancel from the relative variance.
[[nodiscard]] inline double choose_flow_temperature(const Eigen::VectorXd& u2,
                                                    const Eigen::VectorXd& ld,
                                                    const Eigen::VectorXd& lnprob, double d) {
    double best_t = 0.9, best = std::numeric_limits<double>::infinity();
    for (double temp = 0.3; temp < 0.96; temp += 0.05) {
        relative_variance_accumulator acc;
        for (Eigen::Index i = 0; i < u2.size(); ++i)
            acc.add(-0.5 * u2[i] / temp - 0.5 * d * std::log(temp) + ld[i] - lnprob[i]);
        const double v = acc.value(std::size_t(u2.size()));
        if (v < best) {
            best = v;
            best_t = temp;
        }
    }
    return best_t;
}

}  // namespace sphaera::evidence::detail
