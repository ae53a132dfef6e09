#pragma once
/// \file lbfgs.hpp
/// \brief Limited-memory BFGS (Liu & Nocedal 1989; Nocedal & Wright 2nd ed., Algorithm
/// 7.4 two-loop recursion and Algorithm 7.5) with the strong-Wolfe line search of
/// line_search.hpp. The initial inverse Hessian of each iteration is γₖI with
/// γₖ = sₖᵀyₖ / yₖᵀyₖ (N&W Eq. 7.20), so the first trial step α = 1 is usually accepted.

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <vector>

#include "sphaera/optim/common.hpp"
#include "sphaera/optim/line_search.hpp"

namespace sphaera::optim {

/// L-BFGS settings and stopping rules (a zero tolerance disables its test).
struct lbfgs_options {
    int memory = 10;               ///< correction pairs kept (m), ≥ 1
    int max_iterations = 1000;     ///< iteration budget, ≥ 0
    double gtol = 1e-8;            ///< stop when ‖∇f‖∞ ≤ gtol·max(1, ‖x‖∞)
    double ftol = 1e-14;           ///< stop when |Δf| ≤ ftol·max(1, |f|)
    double xtol = 0;               ///< stop when ‖Δx‖∞ ≤ xtol·max(1, ‖x‖∞)
    line_search_options line_search{};  ///< Wolfe constants and per-search budget
};

namespace detail {

inline void validate(const lbfgs_options& o) {
    if (o.memory < 1)
        sphaera::detail::raise<invalid_argument>("lbfgs: memory = ", o.memory,
                                                 " is out of range; valid range is [1, inf)");
    if (o.max_iterations < 0)
        sphaera::detail::raise<invalid_argument>("lbfgs: max_iterations = ", o.max_iterations,
                                                 " is out of range; valid range is [0, inf)");
    require_tolerance("lbfgs", "gtol", o.gtol);
    require_tolerance("lbfgs", "ftol", o.ftol);
    require_tolerance("lbfgs", "xtol", o.xtol);
    const auto& l = o.line_search;
    if (!(l.c1 > 0 && l.c1 < l.c2 && l.c2 < 1))
        sphaera::detail::raise<invalid_argument>("lbfgs: line search constants c1 = ", l.c1,
                                                 ", c2 = ", l.c2,
                                                 " are out of range; need 0 < c1 < c2 < 1");
    if (l.max_evaluations < 1)
        sphaera::detail::raise<invalid_argument>("lbfgs: line_search.max_evaluations = ",
                                                 l.max_evaluations,
                                                 " is out of range; valid range is [1, inf)");
}

}  // namespace detail

/// Minimises \p f from \p x0 by L-BFGS. Throws non_finite when f or ∇f is not finite at
/// x0, invalid_argument for bad options. Never throws later: a failed line search ends
/// the run with status::line_search_failed and the best point found.
template <objective F>
result minimize_lbfgs(F&& f, const Eigen::VectorXd& x0, const lbfgs_options& options = {}) {
    detail::validate(options);
    const Eigen::Index n = x0.size();
    const int m = options.memory;
    Eigen::VectorXd x = x0, g(n), xn(n), gn(n), p(n), s_new(n), y_new(n);
    double fx = f(x, g);
    detail::require_finite_start("minimize_lbfgs", x0, fx, g);

    // Ring buffer of the m most recent pairs (s, y) and ρ = 1 / yᵀs.
    std::vector<Eigen::VectorXd> s(m, Eigen::VectorXd(n)), y(m, Eigen::VectorXd(n));
    std::vector<double> rho(m, 0.0), alpha(m, 0.0);
    int stored = 0, head = 0;  // head: slot of the next pair

    result r;
    r.evaluations = 1;
    auto inf_norm = [](const Eigen::VectorXd& v) { return v.size() ? v.cwiseAbs().maxCoeff() : 0.0; };
    auto finish = [&](status why, int it) {
        r.x = x;
        r.value = fx;
        r.gradient_norm = inf_norm(g);
        r.iterations = it;
        r.reason = why;
        return r;
    };
    for (int k = 0; k < options.max_iterations; ++k) {
        if (inf_norm(g) <= options.gtol * std::max(1.0, inf_norm(x)))
            return finish(status::gradient_tolerance, k);

        // Two-loop recursion (N&W Algorithm 7.4): p = −H g.
        p = -g;
        for (int i = 0; i < stored; ++i) {
            const int j = (head - 1 - i + m) % m;  // newest first
            alpha[j] = rho[j] * s[j].dot(p);
            p -= alpha[j] * y[j];
        }
        if (stored > 0) {
            const int j = (head - 1 + m) % m;
            p *= s[j].dot(y[j]) / y[j].squaredNorm();
        } else {
            // No curvature yet: a steepest-descent step of length ~1 in the largest
            // coordinate avoids a wild first trial when ‖g‖ is large.
            p /= std::max(1.0, inf_norm(g));
        }
        for (int i = stored - 1; i >= 0; --i) {
            const int j = (head - 1 - i + m) % m;  // oldest first
            const double beta = rho[j] * y[j].dot(p);
            p += (alpha[j] - beta) * s[j];
        }
        if (!(g.dot(p) < 0)) {
            // Lost descent (rounding in a nearly flat valley): restart from steepest descent.
            stored = 0;
            p = -g / std::max(1.0, inf_norm(g));
        }

        const line_search_result ls =
            strong_wolfe_search(f, x, fx, g, p, 1.0, xn, gn, options.line_search);
        r.evaluations += ls.evaluations;
        if (ls.alpha == 0) return finish(status::line_search_failed, k);

        const double fold = fx;
        const double step_norm = (ls.alpha * p).cwiseAbs().maxCoeff();
        const double xnorm = inf_norm(x);
        // Store the pair only when yᵀs > 0, which keeps H positive definite (a non-Wolfe
        // fallback step may violate the curvature condition). The pair is built aside so a
        // rejected one never overwrites the oldest stored pair.
        s_new = xn - x;
        y_new = gn - g;
        const double ys = y_new.dot(s_new);
        if (ys > 1e-16 * y_new.squaredNorm() && ys > 0) {
            s[head].swap(s_new);
            y[head].swap(y_new);
            rho[head] = 1.0 / ys;
            head = (head + 1) % m;
            stored = std::min(stored + 1, m);
        }
        x.swap(xn);
        g.swap(gn);
        fx = ls.value;
        if (!ls.wolfe && inf_norm(g) > options.gtol * std::max(1.0, inf_norm(x)) && ys <= 0)
            return finish(status::line_search_failed, k + 1);
        if (options.ftol > 0 &&
            std::abs(fold - fx) <= options.ftol * std::max({1.0, std::abs(fold), std::abs(fx)}))
            return finish(status::value_tolerance, k + 1);
        if (options.xtol > 0 && step_norm <= options.xtol * std::max(1.0, xnorm))
            return finish(status::step_tolerance, k + 1);
    }
    if (inf_norm(g) <= options.gtol * std::max(1.0, inf_norm(x)))
        return finish(status::gradient_tolerance, options.max_iterations);
    return finish(status::max_iterations, options.max_iterations);
}

}  // namespace sphaera::optim
