#pragma once
/// \file quadrature.hpp
/// \brief Quadrature rules on [−1, 1] in the colatitude variable x = cos θ: Gauss–Legendre
/// (Newton on P_L in θ), Fejér's first rule (the Driscoll–Healy weights) and
/// Clenshaw–Curtis (Waldvogel 2006, closed forms). All return θ in (0, π) or [0, π],
/// increasing (north to south), with weights w such that Σ w g(cos θ) = ∫_{-1}^{1} g dx.

#include <cmath>
#include <cstddef>
#include <numbers>
#include <vector>

#include "sphaera/core/error.hpp"

namespace sphaera::sht {

/// Nodes (as colatitudes) and weights of a quadrature rule.
struct quadrature_rule {
    std::vector<double> theta;   // (n)
    std::vector<double> weight;  // (n)
};

namespace detail {

/// P_n(cos θ), P_{n−1}(cos θ) and dP_n(cos θ)/dθ by the three-term recurrence (n ≥ 1,
/// 0 < θ ≤ π/2), in precision R. cos θ enters as 1 + u, u = −2 sin²(θ/2), so that near the
/// pole the nodes are accurate in θ, not only in cos θ (whose rounding would shift a node
/// near θ ≈ 2.4/n by 1e−16/θ).
template <class R>
inline void legendre_theta(int n, R theta, R& p, R& pm1, R& dp) {
    using std::sin;
    const R h = sin(theta / 2), u = -2 * h * h, x = 1 + u, s = sin(theta);
    R p0 = 1, p1 = x;
    for (int k = 1; k < n; ++k) {
        const R t = R(2 * k + 1) * p1;
        const R p2 = ((t * u + t) - R(k) * p0) / R(k + 1);
        p0 = p1;
        p1 = p2;
    }
    p = p1;
    pm1 = p0;
    // dP_n/dθ = −sin θ P_n'(x) = n (x P_n − P_{n−1}) / sin θ (since P_n' (x²−1) = n(xP_n − P_{n−1})).
    dp = R(n) * ((u * p1 + p1) - p0) / s;
}

/// cos(π i / n) for i = 0..2n−1: the exact-argument table behind the closed-form weights
/// (reducing k·j mod 2n in integers keeps every cosine correctly rounded).
inline std::vector<double> cos_table(std::size_t n) {
    std::vector<double> c(2 * n);
    for (std::size_t i = 0; i < 2 * n; ++i)
        c[i] = std::cos(std::numbers::pi * static_cast<double>(i) / static_cast<double>(n));
    return c;
}

}  // namespace detail

/// Gauss–Legendre rule with n nodes (exact for polynomials of degree ≤ 2n−1). Roots of
/// P_n found by Newton's method in θ from Tricomi's asymptotic guess; w = 2/(dP_n/dθ)².
inline quadrature_rule gauss_legendre_rule(int n) {
    if (n < 1) sphaera::detail::raise<invalid_argument>("gauss_legendre_rule: n = ", n, "; valid range is [1, inf)");
    quadrature_rule q;
    q.theta.resize(static_cast<std::size_t>(n));
    q.weight.resize(static_cast<std::size_t>(n));
    const double dn = n;
    for (int k = 1; k <= (n + 1) / 2; ++k) {
        // Tricomi: x_k ≈ (1 − (n−1)/(8n³)) cos(π(4k−1)/(4n+2)).
        const double x0 = (1.0 - (dn - 1.0) / (8.0 * dn * dn * dn)) *
                          std::cos(std::numbers::pi * (4.0 * k - 1.0) / (4.0 * dn + 2.0));
        double th = std::acos(x0), p = 0, pm1 = 0, dp = 0;
        for (int it = 0; it < 100; ++it) {
            detail::legendre_theta(n, th, p, pm1, dp);
            const double step = p / dp;
            th -= step;
            if (std::abs(step) <= 1e-14 * th) break;
        }
        // A last Newton step and the weight in long double: the double recurrence's O(nε)
        // error in P_n, P_{n−1} would otherwise show up as 1e−14 weight errors at n = 64.
        long double lp = 0, lpm1 = 0, ldp = 0, lth = th;
        detail::legendre_theta(n, lth, lp, lpm1, ldp);
        lth -= lp / ldp;
        detail::legendre_theta(n, lth, lp, lpm1, ldp);
        th = static_cast<double>(lth);
        dp = static_cast<double>(-n * lpm1 / std::sin(lth));  // at a root x P_n − P_{n−1} = −P_{n−1}
        const auto i = static_cast<std::size_t>(k - 1), j = static_cast<std::size_t>(n - k);
        q.theta[i] = th;
        q.weight[i] = 2.0 / (dp * dp);
        q.theta[j] = std::numbers::pi - th;
        q.weight[j] = q.weight[i];
    }
    if (n % 2 == 1) q.theta[static_cast<std::size_t>(n / 2)] = std::numbers::pi / 2;
    return q;
}

/// Fejér's first rule: n nodes θ_j = π(2j+1)/(2n) (exact for degree ≤ n−1),
/// w_j = (2/n)[1 − 2 Σ_{k=1}^{⌊n/2⌋} cos(2kθ_j)/(4k²−1)] (Waldvogel 2006). With n = 2L these
/// are the Driscoll & Healy (1994) nodes and weights up to normalisation.
inline quadrature_rule fejer1_rule(int n) {
    if (n < 1) sphaera::detail::raise<invalid_argument>("fejer1_rule: n = ", n, "; valid range is [1, inf)");
    const auto un = static_cast<std::size_t>(n);
    const auto c = detail::cos_table(un);  // cos(π i / n)
    quadrature_rule q;
    q.theta.resize(un);
    q.weight.resize(un);
    for (std::size_t j = 0; j < un; ++j) {
        q.theta[j] = std::numbers::pi * (2.0 * j + 1.0) / (2.0 * n);
        // cos(2kθ_j) = cos(π k(2j+1)/n).
        double s = 0;
        for (std::size_t k = 1; k <= un / 2; ++k)
            s += c[(k * (2 * j + 1)) % (2 * un)] / (4.0 * k * k - 1.0);
        q.weight[j] = 2.0 / n * (1.0 - 2.0 * s);
    }
    return q;
}

/// Clenshaw–Curtis rule with n ≥ 2 nodes θ_j = πj/(n−1) (poles included; exact for degree
/// ≤ n−1, and ≤ n for odd n): w_j = (c_j/N)[1 − Σ_{k=1}^{⌊N/2⌋} b_k cos(2kθ_j)/(4k²−1)],
/// N = n−1, c_j = 1 at the poles else 2, b_k = 1 for k = N/2 else 2 (Waldvogel 2006).
inline quadrature_rule clenshaw_curtis_rule(int n) {
    if (n < 2) sphaera::detail::raise<invalid_argument>("clenshaw_curtis_rule: n = ", n, "; valid range is [2, inf)");
    const auto N = static_cast<std::size_t>(n - 1);
    const auto c = detail::cos_table(N);  // cos(π i / N)
    quadrature_rule q;
    q.theta.resize(N + 1);
    q.weight.resize(N + 1);
    for (std::size_t j = 0; j <= N; ++j) {
        q.theta[j] = j == N ? std::numbers::pi : std::numbers::pi * static_cast<double>(j) / static_cast<double>(N);
        double s = 0;
        for (std::size_t k = 1; k <= N / 2; ++k) {
            const double b = (2 * k == N) ? 1.0 : 2.0;
            s += b * c[(2 * k * j) % (2 * N)] / (4.0 * k * k - 1.0);
        }
        const double cj = (j == 0 || j == N) ? 1.0 : 2.0;
        q.weight[j] = cj / static_cast<double>(N) * (1.0 - s);
    }
    return q;
}

}  // namespace sphaera::sht
