#pragma once
/// \file common.hpp
/// \brief Shared vocabulary of the optimisers: the objective concept, stopping status,
/// result record and argument checks.
///
/// An objective is any callable `double f(const Eigen::VectorXd& x, Eigen::VectorXd& g)`
/// that returns f(x) and writes ∇f(x) into g (already sized like x). One call gives both,
/// because in every use here (flows, mixtures, scattering synthesis) the gradient comes
/// from the same backward pass as the value.

#include <Eigen/Core>

#include <cmath>
#include <concepts>

#include "sphaera/core/error.hpp"

namespace sphaera::optim {

/// A differentiable objective: `f(x, g)` returns f(x) and writes ∇f(x) into g.
template <class F>
concept objective = requires(F f, const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    { f(x, g) } -> std::convertible_to<double>;
};

/// Why an optimiser stopped.
enum class status {
    gradient_tolerance,  ///< ‖∇f‖∞ ≤ gtol · max(1, ‖x‖∞)
    value_tolerance,     ///< |f_k − f_{k+1}| ≤ ftol · max(1, |f_k|, |f_{k+1}|)
    step_tolerance,      ///< ‖x_{k+1} − x_k‖∞ ≤ xtol · max(1, ‖x_k‖∞)
    max_iterations,      ///< the iteration budget ran out first
    line_search_failed   ///< no step satisfying the Wolfe conditions was found
};

/// Human-readable name of a status (for messages and JSON).
[[nodiscard]] inline const char* to_string(status s) {
    switch (s) {
        case status::gradient_tolerance: return "gradient_tolerance";
        case status::value_tolerance: return "value_tolerance";
        case status::step_tolerance: return "step_tolerance";
        case status::max_iterations: return "max_iterations";
        case status::line_search_failed: return "line_search_failed";
    }
    return "unknown";
}

/// What an optimiser returns: the final point and how it got there.
struct result {
    Eigen::VectorXd x;           ///< final iterate (the best point seen)
    double value = 0;            ///< f(x)
    double gradient_norm = 0;    ///< ‖∇f(x)‖∞
    int iterations = 0;          ///< iterations taken
    int evaluations = 0;         ///< calls of the objective
    status reason = status::max_iterations;  ///< why it stopped
    [[nodiscard]] bool converged() const {
        return reason != status::max_iterations && reason != status::line_search_failed;
    }
};

namespace detail {

/// Rejects a non-finite starting point or objective value, naming where.
inline void require_finite_start(const char* who, const Eigen::VectorXd& x0, double f0,
                                 const Eigen::VectorXd& g0) {
    for (Eigen::Index i = 0; i < x0.size(); ++i)
        if (!std::isfinite(x0[i]))
            sphaera::detail::raise<non_finite>(who, ": starting point x0[", i, "] = ", x0[i],
                                               " is not finite");
    if (!std::isfinite(f0))
        sphaera::detail::raise<non_finite>(who, ": objective is ", f0,
                                           " at the starting point; it must be finite there");
    for (Eigen::Index i = 0; i < g0.size(); ++i)
        if (!std::isfinite(g0[i]))
            sphaera::detail::raise<non_finite>(who, ": gradient component ", i, " is ", g0[i],
                                               " at the starting point");
}

/// Checks a tolerance is ≥ 0 (0 disables that test).
inline void require_tolerance(const char* who, const char* name, double v) {
    if (!(v >= 0) || !std::isfinite(v))
        sphaera::detail::raise<invalid_argument>(who, ": ", name, " = ", v,
                                                 " is out of range; valid range is [0, inf)");
}

}  // namespace detail
}  // namespace sphaera::optim
