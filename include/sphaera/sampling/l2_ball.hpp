#pragma once
/// \file l2_ball.hpp
/// \brief Projection onto the data-fidelity set C = {x : ‖y − Φx‖ ≤ ε} (the likelihood
/// level sets of a Gaussian likelihood; Cai, McEwen & Pereyra 2022, Eq. 26–28).
///
/// - x ∈ C: returned unchanged (early exit, no extra operator call beyond the test).
/// - Φ a tight frame, ΦΦᵀ = νI: closed form (Fadili & Starck 2009, Eq. 11)
///   P_C(x) = x + Φᵀ(P_B(Φx) − Φx)/ν, P_B the projection onto the ball B(y, ε).
/// - otherwise: the KKT conditions give P_C(x) = z(μ) = (I + μΦᵀΦ)⁻¹(x + μΦᵀy) with the
///   multiplier μ > 0 solving ‖Φz(μ) − y‖ = ε (a decreasing function of μ). We solve the
///   linear system exactly when Φ offers solve_shifted_normal (FFT convolutions), by
///   conjugate gradients otherwise, and find μ by safeguarded secant steps on
///   1/‖Φz(μ) − y‖ − 1/ε (nearly linear in μ, as in Moré & Sorensen's secular equation),
///   keeping the bracket end that satisfies the constraint: the result is always in C.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/algorithms.hpp"
#include "sphaera/sampling/concepts.hpp"
#include "sphaera/sampling/operators.hpp"

namespace sphaera::sampling {

/// Accuracy controls of the iterative (non-tight) projection.
struct l2_ball_options {
    double tolerance = 1e-10;           ///< relative accuracy of ‖Φz − y‖ against ε
    std::size_t max_root_iterations = 100;
    double cg_tolerance = 1e-12;        ///< relative residual of the CG solves
    std::size_t max_cg_iterations = 1000;
};

namespace detail {

/// Solves (I + μΦᵀΦ) z = r by conjugate gradients (the matrix is SPD), warm-started at z.
template <class Op>
void shifted_normal_cg(const Op& op, double mu, cview r, mview z, const l2_ball_options& o) {
    const std::size_t n = r.size();
    std::vector<double> res(n), p(n), q(n), t(op.out_size());
    const backend::serial b{};
    auto apply_a = [&](cview v, mview out) {
        op.apply(v, as_view(t));
        op.adjoint(as_view(t), out);
        assign(b, out, v + mu * out);
    };
    apply_a(z, as_view(q));
    assign(b, as_view(res), r - as_view(q));
    assign(b, as_view(p), as_view(res));
    double rr = dot(b, as_view(res), as_view(res));
    const double stop = o.cg_tolerance * o.cg_tolerance * std::max(dot(b, r, r), 1e-300);
    for (std::size_t it = 0; it < o.max_cg_iterations && rr > stop; ++it) {
        apply_a(as_view(p), as_view(q));
        const double alpha = rr / dot(b, as_view(p), as_view(q));
        assign(b, z, z + alpha * as_view(p));
        assign(b, as_view(res), as_view(res) - alpha * as_view(q));
        const double next = dot(b, as_view(res), as_view(res));
        assign(b, as_view(p), as_view(res) + (next / rr) * as_view(p));
        rr = next;
    }
}

}  // namespace detail

/// out = P_C(x), C = {x : ‖y − Φx‖ ≤ ε} (see the file notes). Throws invalid_argument for
/// ε < 0 and when C is empty (y farther than ε from the range of Φ).
template <linear_operator Op>
void project_l2_ball(const Op& op, cview y /*(m)*/, double eps, cview x /*(n)*/,
                     mview out /*(n)*/, const l2_ball_options& o = {}) {
    detail::require_size("project_l2_ball: x", x.size(), op.in_size());
    detail::require_size("project_l2_ball: out", out.size(), op.in_size());
    detail::require_size("project_l2_ball: y", y.size(), op.out_size());
    if (!(eps >= 0) || !std::isfinite(eps))
        sphaera::detail::raise<invalid_argument>("project_l2_ball: eps = ", eps,
                                                 " is out of range; valid range is [0, inf)");
    const backend::serial b{};
    std::vector<double> r(op.out_size());
    op.apply(x, as_view(r));
    assign(b, as_view(r), as_view(r) - y);
    const double dist = norm(b, as_view(r));
    if (dist <= eps) {  // already inside
        if (out.data() != x.data()) assign(b, out, x);
        return;
    }
    if (const double nu = frame_bound(op); nu > 0) {
        // P_B(Φx) − Φx = −r (1 − ε/‖r‖); map back with Φᵀ/ν. We aim a few ulp inside
        // the sphere so that rounding never leaves the result outside C.
        std::vector<double> d(op.in_size());
        const double target = eps * (1 - 8 * std::numeric_limits<double>::epsilon());
        assign(b, as_view(r), as_view(r) * (-(1 - target / dist) / nu));
        op.adjoint(as_view(r), as_view(d));
        assign(b, out, x + as_view(d));
        return;
    }
    // Non-tight: root of φ(μ) = ‖Φz(μ) − y‖ = ε.
    const std::size_t n = op.in_size();
    std::vector<double> aty(n), rhs(n), z(n);
    op.adjoint(y, as_view(aty));
    auto solve = [&](double mu) {  // z ← z(μ), returns φ(μ)
        assign(b, as_view(rhs), x + mu * as_view(aty));
        if constexpr (requires { op.solve_shifted_normal(mu, as_view(rhs), as_view(z)); }) {
            op.solve_shifted_normal(mu, as_view(rhs), as_view(z));
        } else {
            detail::shifted_normal_cg(op, mu, as_view(rhs), as_view(z), o);
        }
        op.apply(as_view(z), as_view(r));
        assign(b, as_view(r), as_view(r) - y);
        return norm(b, as_view(r));
    };
    const double l = std::max(operator_norm_squared(op), 1e-300);
    // Bracket [lo, hi] with φ(lo) > ε ≥ φ(hi); φ(0) = dist > ε.
    double lo = 0, flo = dist, hi = 1 / l, fhi = solve(hi);
    std::vector<double> z_hi = z;
    while (fhi > eps) {
        lo = hi;
        flo = fhi;
        hi *= 4;
        if (hi > 1e16 / l)
            sphaera::detail::raise<invalid_argument>(
                "project_l2_ball: the set {x : |y - Phi x| <= eps} looks empty: |y - Phi z| = ",
                fhi, " > eps = ", eps, " even at multiplier mu = ", hi);
        fhi = solve(hi);
        z_hi = z;
    }
    // ψ(μ) = 1/φ(μ) − 1/ε is close to linear in μ: secant steps (regula falsi with the
    // Illinois modification), bisection when a step leaves the bracket.
    double glo = 1 / flo - 1 / eps, ghi = 1 / fhi - 1 / eps;
    int side = 0;
    for (std::size_t it = 0; it < o.max_root_iterations; ++it) {
        if (fhi >= eps * (1 - o.tolerance)) break;  // hi is feasible and accurate enough
        double mu = hi - ghi * (hi - lo) / (ghi - glo);
        if (!(mu > lo && mu < hi)) mu = 0.5 * (lo + hi);
        const double f = solve(mu), g = 1 / f - 1 / eps;
        if (f <= eps) {
            hi = mu; fhi = f; ghi = g; z_hi = z;
            if (side == 1) glo *= 0.5;
            side = 1;
        } else {
            lo = mu; flo = f; glo = g;
            if (side == -1) ghi *= 0.5;
            side = -1;
        }
    }
    assign(b, out, as_view(z_hi));
}

/// The indicator of C = {x : ‖y − Φx‖ ≤ ε} as a proximal function (prox = projection).
/// Keeps Φ by reference when given an lvalue (then it must outlive this object).
template <class Op>
class l2_ball_indicator {
public:
    l2_ball_indicator(Op&& op, std::vector<double> y, double eps, l2_ball_options o = {})
        : m_op(std::forward<Op>(op)), m_y(std::move(y)), m_eps(eps), m_opts(o) {
        detail::require_size("l2_ball_indicator: y", m_y.size(), m_op.out_size());
        detail::require_finite("l2_ball_indicator: y", as_view(m_y));
        if (!(eps >= 0) || !std::isfinite(eps))
            sphaera::detail::raise<invalid_argument>("l2_ball_indicator: eps = ", eps,
                                                     " is out of range; valid range is [0, inf)");
    }
    [[nodiscard]] std::size_t size() const { return m_op.in_size(); }
    [[nodiscard]] double epsilon() const { return m_eps; }
    /// ‖y − Φx‖.
    [[nodiscard]] double residual_norm(cview x) const {
        std::vector<double> r(m_op.out_size());
        m_op.apply(x, as_view(r));
        return norm(backend::serial{}, as_view(r) - as_view(m_y));
    }
    [[nodiscard]] double value(cview x) const {
        return residual_norm(x) <= m_eps ? 0.0 : std::numeric_limits<double>::infinity();
    }
    void prox(cview x, mview out, double /*gamma*/) const {
        project_l2_ball(m_op, as_view(m_y), m_eps, x, out, m_opts);
    }

private:
    Op m_op;
    std::vector<double> m_y;
    double m_eps;
    l2_ball_options m_opts;
};

/// The indicator of {x : ‖y − Φx‖ ≤ ε}.
template <class Op>
    requires linear_operator<detail::operand_t<Op>>
auto make_l2_ball(Op&& op, std::vector<double> y, double eps, l2_ball_options o = {}) {
    return l2_ball_indicator<Op>(std::forward<Op>(op), std::move(y), eps, o);
}

}  // namespace sphaera::sampling
