#pragma once
/// \file line_search.hpp
/// \brief Strong-Wolfe line search: bracketing with expansion followed by "zoom" with
/// safeguarded cubic interpolation (Nocedal & Wright, "Numerical Optimization", 2nd ed.,
/// Algorithms 3.5 and 3.6, interpolation Eq. 3.59).
///
/// Along x + α p, with φ(α) = f(x + α p), a step is accepted when
///     φ(α) ≤ φ(0) + c₁ α φ'(0)          (sufficient decrease)
///     |φ'(α)| ≤ c₂ |φ'(0)|               (curvature, strong form)
/// with 0 < c₁ < c₂ < 1. Points where f is not finite are treated as "too far".

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "sphaera/optim/common.hpp"

namespace sphaera::optim {

/// Constants of the strong-Wolfe line search.
struct line_search_options {
    double c1 = 1e-4;          ///< sufficient-decrease constant, in (0, c2)
    double c2 = 0.9;           ///< curvature constant, in (c1, 1); 0.9 suits quasi-Newton
    int max_evaluations = 40;  ///< objective calls allowed per search
    double alpha_max = 1e20;   ///< largest step tried while bracketing
};

/// Outcome of one line search; x and g hold the accepted point and its gradient.
struct line_search_result {
    double alpha = 0;     ///< accepted step (0 if none decreased f)
    double value = 0;     ///< f at the accepted point
    int evaluations = 0;  ///< objective calls made
    bool wolfe = false;   ///< true when both strong-Wolfe conditions hold
};

namespace detail {

/// Minimiser of the cubic through (a, fa, da), (b, fb, db) (Nocedal & Wright Eq. 3.59),
/// clamped to the middle 80 % of [a, b]; bisection when the cubic is not usable.
inline double cubic_step(double a, double fa, double da, double b, double fb, double db) {
    const double lo = std::min(a, b), hi = std::max(a, b), w = hi - lo;
    double t = 0.5 * (a + b);
    if (std::isfinite(fa) && std::isfinite(fb) && std::isfinite(da) && std::isfinite(db)) {
        const double d1 = da + db - 3 * (fa - fb) / (a - b);
        const double disc = d1 * d1 - da * db;
        if (disc >= 0) {
            const double d2 = std::copysign(std::sqrt(disc), b - a);
            const double den = db - da + 2 * d2;
            if (den != 0) t = b - (b - a) * (db + d2 - d1) / den;
        }
    }
    // Keep away from the ends so the bracket shrinks by at least 10 % per step.
    if (!std::isfinite(t) || t < lo + 0.1 * w || t > hi - 0.1 * w) t = 0.5 * (a + b);
    return t;
}

}  // namespace detail

/// Strong-Wolfe line search from \p x (value \p f0, gradient \p g0) along the descent
/// direction \p p, first trying \p alpha0. On return \p x_out and \p g_out hold the
/// accepted point; when no Wolfe point is found within the budget they hold the best
/// point with sufficient decrease, or x itself (alpha = 0).
template <objective F>
line_search_result strong_wolfe_search(F& f, const Eigen::VectorXd& x, double f0,
                                       const Eigen::VectorXd& g0, const Eigen::VectorXd& p,
                                       double alpha0, Eigen::VectorXd& x_out,
                                       Eigen::VectorXd& g_out,
                                       const line_search_options& o = {}) {
    line_search_result r;
    const double d0 = g0.dot(p);
    const double inf = std::numeric_limits<double>::infinity();
    Eigen::VectorXd xt(x.size()), gt(x.size());
    // "lo" is the best sufficient-decrease point so far (α = 0 to start).
    double a_lo = 0, f_lo = f0, d_lo = d0;
    Eigen::VectorXd x_lo = x, g_lo = g0;
    auto eval = [&](double a, double& fa, double& da) {
        xt = x + a * p;
        fa = f(xt, gt);
        ++r.evaluations;
        da = gt.dot(p);
        if (!std::isfinite(fa) || !std::isfinite(da)) {
            fa = inf;
            da = inf;
        }
    };
    auto accept_trial = [&](double a, double fa) {
        r.alpha = a;
        r.value = fa;
        r.wolfe = true;
        x_out = xt;
        g_out = gt;
        return r;
    };
    auto give_lo = [&]() {
        r.alpha = a_lo;
        r.value = f_lo;
        r.wolfe = false;
        x_out = x_lo;
        g_out = g_lo;
        return r;
    };
    if (!(d0 < 0)) return give_lo();  // not a descent direction

    // Zoom inside the bracket [a_lo, a_hi] (Algorithm 3.6).
    auto zoom = [&](double a_hi, double f_hi, double d_hi) {
        while (r.evaluations < o.max_evaluations) {
            const double a = detail::cubic_step(a_lo, f_lo, d_lo, a_hi, f_hi, d_hi);
            if (std::abs(a_hi - a_lo) <= 1e-16 * std::max(1.0, std::abs(a_lo))) break;
            double fa = 0, da = 0;
            eval(a, fa, da);
            if (fa > f0 + o.c1 * a * d0 || fa >= f_lo) {
                a_hi = a;
                f_hi = fa;
                d_hi = da;
            } else {
                if (std::abs(da) <= -o.c2 * d0) return accept_trial(a, fa);
                if (da * (a_hi - a_lo) >= 0) {
                    a_hi = a_lo;
                    f_hi = f_lo;
                    d_hi = d_lo;
                }
                a_lo = a;
                f_lo = fa;
                d_lo = da;
                x_lo = xt;
                g_lo = gt;
            }
        }
        return give_lo();
    };

    // Bracketing phase (Algorithm 3.5).
    double a_prev = 0, f_prev = f0, d_prev = d0;
    double a = std::min(alpha0, o.alpha_max);
    for (int i = 0; r.evaluations < o.max_evaluations; ++i) {
        double fa = 0, da = 0;
        eval(a, fa, da);
        if (fa > f0 + o.c1 * a * d0 || (i > 0 && fa >= f_prev)) {
            return zoom(a, fa, da);  // a_lo is a_prev, kept in the lo state
        }
        if (std::abs(da) <= -o.c2 * d0) return accept_trial(a, fa);
        // Sufficient decrease holds at a: it becomes the new lo point.
        a_lo = a;
        f_lo = fa;
        d_lo = da;
        x_lo = xt;
        g_lo = gt;
        if (da >= 0) return zoom(a_prev, f_prev, d_prev);
        a_prev = a;
        f_prev = fa;
        d_prev = da;
        if (a >= o.alpha_max) break;
        a = std::min(2 * a, o.alpha_max);
    }
    return give_lo();
}

}  // namespace sphaera::optim
