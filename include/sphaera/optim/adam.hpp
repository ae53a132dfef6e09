#pragma once
/// \file adam.hpp
/// \brief Adam (Kingma & Ba 2015, "Adam: a method for stochastic optimization", Alg. 1):
/// a stepper for stochastic gradients (mini-batch training of flows) and a deterministic
/// minimiser with the same tolerance controls as L-BFGS.

#include <Eigen/Core>

#include <algorithm>
#include <cmath>

#include "sphaera/optim/common.hpp"

namespace sphaera::optim {

/// Adam hyper-parameters and stopping rules (the stopping rules apply to minimize_adam).
struct adam_options {
    double learning_rate = 1e-3;  ///< α
    double beta1 = 0.9;           ///< β₁, decay of the first-moment average, in [0, 1)
    double beta2 = 0.999;         ///< β₂, decay of the second-moment average, in [0, 1)
    double epsilon = 1e-8;        ///< ε added to √v̂ (keeps the step bounded by ~α)
    int max_iterations = 10000;   ///< minimize_adam: iteration budget
    double gtol = 1e-6;           ///< minimize_adam: stop when ‖∇f‖∞ ≤ gtol·max(1, ‖x‖∞)
    double ftol = 0;              ///< minimize_adam: relative change of f (0: off; Adam's f is noisy)
};

namespace detail {

inline void validate(const adam_options& o) {
    if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate))
        sphaera::detail::raise<invalid_argument>("adam: learning_rate = ", o.learning_rate,
                                                 " is out of range; valid range is (0, inf)");
    if (!(o.beta1 >= 0 && o.beta1 < 1))
        sphaera::detail::raise<invalid_argument>("adam: beta1 = ", o.beta1,
                                                 " is out of range; valid range is [0, 1)");
    if (!(o.beta2 >= 0 && o.beta2 < 1))
        sphaera::detail::raise<invalid_argument>("adam: beta2 = ", o.beta2,
                                                 " is out of range; valid range is [0, 1)");
    if (!(o.epsilon > 0))
        sphaera::detail::raise<invalid_argument>("adam: epsilon = ", o.epsilon,
                                                 " is out of range; valid range is (0, inf)");
    if (o.max_iterations < 0)
        sphaera::detail::raise<invalid_argument>("adam: max_iterations = ", o.max_iterations,
                                                 " is out of range; valid range is [0, inf)");
    require_tolerance("adam", "gtol", o.gtol);
    require_tolerance("adam", "ftol", o.ftol);
}

}  // namespace detail

/// Adam stepper: θ ← θ − α m̂ / (√v̂ + ε), with m, v exponential averages of g and g² and
/// the bias corrections m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) (Kingma & Ba 2015, Alg. 1).
class adam {
public:
    /// A stepper for \p n parameters.
    explicit adam(Eigen::Index n, adam_options options = {})
        : m_options(options), m_m(Eigen::VectorXd::Zero(n)), m_v(Eigen::VectorXd::Zero(n)) {
        detail::validate(m_options);
    }

    /// One update of \p params (size n) with the gradient \p grad (size n).
    void step(Eigen::Ref<Eigen::VectorXd> params, const Eigen::Ref<const Eigen::VectorXd>& grad) {
        if (params.size() != m_m.size() || grad.size() != m_m.size())
            sphaera::detail::raise<shape_mismatch>("adam::step: params has ", params.size(),
                                                   " and grad ", grad.size(),
                                                   " entries; the stepper was built for ",
                                                   m_m.size());
        ++m_t;
        const double b1 = m_options.beta1, b2 = m_options.beta2;
        m_m = b1 * m_m + (1 - b1) * grad;
        m_v = b2 * m_v + (1 - b2) * grad.cwiseAbs2();
        // Folding both bias corrections into the step size saves two vector passes.
        const double c1 = 1 - std::pow(b1, static_cast<double>(m_t));
        const double c2 = 1 - std::pow(b2, static_cast<double>(m_t));
        const double alpha = m_options.learning_rate * std::sqrt(c2) / c1;
        const double eps = m_options.epsilon * std::sqrt(c2);
        params.array() -= alpha * m_m.array() / (m_v.array().sqrt() + eps);
    }

    /// Forgets the moment estimates and the step count.
    void reset() {
        m_m.setZero();
        m_v.setZero();
        m_t = 0;
    }

    /// Changes α (e.g. a learning-rate schedule); must be positive.
    void set_learning_rate(double lr) {
        m_options.learning_rate = lr;
        detail::validate(m_options);
    }

    [[nodiscard]] const adam_options& options() const { return m_options; }
    [[nodiscard]] long steps() const { return m_t; }

private:
    adam_options m_options;
    Eigen::VectorXd m_m, m_v;
    long m_t = 0;
};

/// Minimises a deterministic objective with Adam from \p x0; returns the best point seen
/// (Adam is not monotone). Throws non_finite if f or ∇f is not finite at x0 and
/// invalid_argument for bad options.
template <objective F>
result minimize_adam(F&& f, const Eigen::VectorXd& x0, const adam_options& options = {}) {
    detail::validate(options);
    adam stepper(x0.size(), options);
    Eigen::VectorXd x = x0, g(x0.size());
    double fx = f(x, g);
    detail::require_finite_start("minimize_adam", x0, fx, g);
    result r;
    r.x = x;
    r.value = fx;
    r.gradient_norm = g.size() ? g.cwiseAbs().maxCoeff() : 0.0;
    r.evaluations = 1;
    for (int k = 0; k < options.max_iterations; ++k) {
        const double gnorm = g.size() ? g.cwiseAbs().maxCoeff() : 0.0;
        const double xnorm = x.size() ? x.cwiseAbs().maxCoeff() : 0.0;
        if (gnorm <= options.gtol * std::max(1.0, xnorm)) {
            // The current point meets the criterion: report it, not an earlier best.
            r.x = x;
            r.value = fx;
            r.gradient_norm = gnorm;
            r.reason = status::gradient_tolerance;
            r.iterations = k;
            return r;
        }
        stepper.step(x, g);
        const double fnew = f(x, g);
        ++r.evaluations;
        if (!std::isfinite(fnew)) {
            // A step into a region where f is undefined: keep the best point, report failure.
            r.reason = status::line_search_failed;
            r.iterations = k + 1;
            return r;
        }
        if (fnew < r.value) {
            r.x = x;
            r.value = fnew;
            r.gradient_norm = g.size() ? g.cwiseAbs().maxCoeff() : 0.0;
        }
        if (options.ftol > 0 &&
            std::abs(fnew - fx) <= options.ftol * std::max({1.0, std::abs(fx), std::abs(fnew)})) {
            r.reason = status::value_tolerance;
            r.iterations = k + 1;
            return r;
        }
        fx = fnew;
    }
    r.iterations = options.max_iterations;
    r.reason = status::max_iterations;
    return r;
}

}  // namespace sphaera::optim
