#pragma once
/// \file quadrature.hpp
/// \brief Quadrature rules on [−1, 1] in the colatitude variable x = cos θ: Gauss–Legendre
/// (Newton on P_L in θ), Fejér's first rule (the Driscoll–Healy weights) and
/// Clenshaw–Curtis (Waldvogel 2006, closed forms). All return θ in (0, π) or [0, π],
/// increasing (north to south), with weights w such that Σ w g(cos θ) = ∫_{-1}^{1} g dx.

#include <algorithm>
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
/// P_n in θ: Tricomi's asymptotic guess, Newton in double on eight nodes at a time (one
/// vector; the recurrence runs with the reciprocals 1/(k+1) tabulated, no division),
/// then one Newton step in long double for four nodes at a time (independent chains hide
/// the x87 latency). The weight 2/(dP_n/dθ)² takes dP_n/dθ from that long double
/// evaluation, moved to the corrected root with the Legendre equation (at a root
/// P'' = −cot θ P', so P'(θ + δ) = P'(θ)(1 − δ cot θ) + O(δ²n²)). Cost O(n²) flops, about
/// 5 ms at n = 2048; nodes and weights within a few ulp of a quad-precision reference.
inline quadrature_rule gauss_legendre_rule(int n) {
    if (n < 1) sphaera::detail::raise<invalid_argument>("gauss_legendre_rule: n = ", n, "; valid range is [1, inf)");
    using vd = double __attribute__((vector_size(64)));
    constexpr int V = 8;
    quadrature_rule q;
    q.theta.resize(static_cast<std::size_t>(n));
    q.weight.resize(static_cast<std::size_t>(n));
    const double dn = n;
    const int half = (n + 1) / 2;
    // P_{k+1} = (2k+1)/(k+1) x P_k − k/(k+1) P_{k−1} with x = 1 + u, run on the differences
    // D_k = P_k − P_{k−1}: D_{k+1} = k/(k+1) D_k + (2k+1)/(k+1) u P_k, P_{k+1} = P_k + D_{k+1}.
    // Near the poles (u → 0) the plain form cancels and loses ~ε n^{3/2} (4e−12 relative in
    // the polar weights at n = 2048 even in long double); the difference form keeps ~ε n.
    std::vector<double> ca(static_cast<std::size_t>(n)), cb(static_cast<std::size_t>(n));
    std::vector<long double> la(static_cast<std::size_t>(n)), lb(static_cast<std::size_t>(n));
    for (int k = 1; k < n; ++k) {
        const long double r = 1.0L / static_cast<long double>(k + 1);
        la[static_cast<std::size_t>(k)] = static_cast<long double>(2 * k + 1) * r;
        lb[static_cast<std::size_t>(k)] = static_cast<long double>(k) * r;
        ca[static_cast<std::size_t>(k)] = static_cast<double>(la[static_cast<std::size_t>(k)]);
        cb[static_cast<std::size_t>(k)] = static_cast<double>(lb[static_cast<std::size_t>(k)]);
    }
    std::vector<double> th(static_cast<std::size_t>(half));
    for (int k = 1; k <= half; ++k) {
        // Tricomi: x_k ≈ (1 − (n−1)/(8n³)) cos(π(4k−1)/(4n+2)).
        const double x0 = (1.0 - (dn - 1.0) / (8.0 * dn * dn * dn)) *
                          std::cos(std::numbers::pi * (4.0 * k - 1.0) / (4.0 * dn + 2.0));
        th[static_cast<std::size_t>(k - 1)] = std::acos(x0);
    }
    // Newton in double, V nodes per vector (padding lanes repeat the last node).
    for (int i0 = 0; i0 < half; i0 += V) {
        vd t;
        for (int j = 0; j < V; ++j) t[j] = th[static_cast<std::size_t>(std::min(i0 + j, half - 1))];
        for (int it = 0; it < 100; ++it) {
            vd h, s;
            for (int j = 0; j < V; ++j) {
                h[j] = std::sin(t[j] / 2);
                s[j] = std::sin(t[j]);
            }
            const vd u = -2 * h * h;
            vd p = 1.0 + u, d = u;  // P_1 and P_1 − P_0
            for (int k = 1; k < n; ++k) {
                d = cb[static_cast<std::size_t>(k)] * d + ca[static_cast<std::size_t>(k)] * (u * p);
                p += d;
            }
            const vd dp = dn * (u * p + d) / s;  // dP_n/dθ = n (x P_n − P_{n−1}) / sin θ
            const vd step = p / dp;
            t -= step;
            bool done = true;
            // 1e−11 suffices: the long double step squares the error, and the double
            // recurrence's own rounding (~nε) can keep steps from getting much smaller.
            for (int j = 0; j < V; ++j) done = done && std::abs(step[j]) <= 1e-11 * t[j];
            if (done) break;
        }
        for (int j = 0; j < V && i0 + j < half; ++j) th[static_cast<std::size_t>(i0 + j)] = t[j];
    }
    // One long double Newton step and the weight, W nodes at a time.
    constexpr int W = 2;
    for (int i0 = 0; i0 < half; i0 += W) {
        long double u[W], p[W], dd[W];
        for (int j = 0; j < W; ++j) {
            const long double h = std::sin(static_cast<long double>(th[static_cast<std::size_t>(std::min(i0 + j, half - 1))]) / 2);
            u[j] = -2 * h * h;
            p[j] = 1 + u[j];
            dd[j] = u[j];
        }
        for (int k = 1; k < n; ++k) {
            const long double a = la[static_cast<std::size_t>(k)], b = lb[static_cast<std::size_t>(k)];
            for (int j = 0; j < W; ++j) {
                dd[j] = b * dd[j] + a * (u[j] * p[j]);
                p[j] += dd[j];
            }
        }
        for (int j = 0; j < W && i0 + j < half; ++j) {
            const long double t = th[static_cast<std::size_t>(i0 + j)], sn = std::sin(t);
            const long double dp = static_cast<long double>(n) * (u[j] * p[j] + dd[j]) / sn;
            const long double d = -p[j] / dp;
            const long double dpc = dp * (1 - d * std::cos(t) / sn);
            const auto i = static_cast<std::size_t>(i0 + j), m = static_cast<std::size_t>(n - 1 - (i0 + j));
            q.theta[i] = static_cast<double>(t + d);
            q.weight[i] = static_cast<double>(2 / (dpc * dpc));
            q.theta[m] = std::numbers::pi - q.theta[i];
            q.weight[m] = q.weight[i];
        }
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
