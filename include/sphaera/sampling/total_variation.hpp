#pragma once
/// \file total_variation.hpp
/// \brief Isotropic total variation g(x) = α Σ_{i,j} |(∇x)_{i,j}| of planar images and its
/// proximal map by Chambolle's dual projection algorithm (Chambolle 2004, "An algorithm
/// for total variation minimization and applications", JMIV 20, Eq. 9 and Thm 3.1).
///
/// ∇ is the forward difference with Neumann boundary (zero across the last row/column),
/// div = −∇ᵀ. With t = γα, prox_{γg}(x) = x − t div p where the dual field p (|p_ij| ≤ 1)
/// is the fixed point of
///
///     p ← (p + τ ∇(div p − x/t)) / (1 + τ |∇(div p − x/t)|),   0 < τ ≤ 1/8 (Thm 3.1).
///
/// Iterations stop when max |Δp| ≤ tolerance or after max_iterations. The duality gap
///     P(u) − D(p) = ½‖u − x‖² + t TV(u) − (½‖x‖² − ½‖u‖²) ≥ 0,   u = x − t div p,
/// bounds the suboptimality and is reported by prox_with_gap for tests and diagnostics.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/algorithms.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/sampling/concepts.hpp"

namespace sphaera::sampling {

/// Iteration control of Chambolle's algorithm.
struct tv_options {
    std::size_t max_iterations = 300;  ///< cap on dual iterations per prox call
    double tolerance = 1e-7;           ///< stop when max |p_new − p| ≤ tolerance
    double step = 0.125;               ///< τ ∈ (0, 1/4]; Chambolle's proof needs τ ≤ 1/8
};

/// α·TV(x) on (ny, nx) images; a proximal_function with value. Improper as a prior
/// (invariant to adding a constant), so it has no exact draws or normaliser.
class total_variation {
public:
    /// Throws invalid_argument for α ≤ 0 or options out of range.
    total_variation(image_shape s, double alpha, tv_options o = {})
        : m_shape(s), m_alpha(alpha), m_opts(o) {
        detail::require_positive("total_variation: alpha", alpha);
        if (!(o.step > 0 && o.step <= 0.25))
            sphaera::detail::raise<invalid_argument>("total_variation: step = ", o.step,
                                                     " is out of range; valid range is (0, 1/4]");
        if (o.max_iterations < 1)
            sphaera::detail::raise<invalid_argument>("total_variation: max_iterations must be >= 1");
    }
    [[nodiscard]] std::size_t size() const { return m_shape.size(); }
    [[nodiscard]] image_shape shape() const { return m_shape; }
    [[nodiscard]] double alpha() const { return m_alpha; }

    /// α Σ |∇x|.
    [[nodiscard]] double value(cview x /*(ny, nx)*/) const {
        detail::require_size("total_variation::value", x.size(), size());
        double s = 0;
        for (std::size_t i = 0; i < m_shape.ny; ++i)
            for (std::size_t j = 0; j < m_shape.nx; ++j) {
                const auto [gy, gx] = grad(x.data(), i, j);
                s += std::hypot(gy, gx);
            }
        return m_alpha * s;
    }
    void prox(cview x /*(ny, nx)*/, mview out /*(ny, nx)*/, double gamma) const {
        (void)prox_with_gap(x, out, gamma);
    }
    /// As prox; returns the duality gap P(u) − D(p) ≥ 0 of the result.
    double prox_with_gap(cview x, mview out, double gamma) const {
        detail::require_size("total_variation::prox: x", x.size(), size());
        detail::require_size("total_variation::prox: out", out.size(), size());
        if (!(gamma >= 0) || !std::isfinite(gamma))
            sphaera::detail::raise<invalid_argument>("total_variation::prox: gamma = ", gamma,
                                                     " is out of range; valid range is [0, inf)");
        const std::size_t n = size();
        const double t = gamma * m_alpha;
        if (t == 0) {
            std::copy(x.begin(), x.end(), out.begin());
            return 0.0;
        }
        std::vector<double> py(n, 0.0), px(n, 0.0), v(n);
        const double tau = m_opts.step;
        for (std::size_t it = 0; it < m_opts.max_iterations; ++it) {
            // v = div p − x/t
            divergence(py.data(), px.data(), v.data());
            for (std::size_t k = 0; k < n; ++k) v[k] -= x[k] / t;
            double change = 0;
            for (std::size_t i = 0; i < m_shape.ny; ++i)
                for (std::size_t j = 0; j < m_shape.nx; ++j) {
                    const std::size_t k = i * m_shape.nx + j;
                    const auto [gy, gx] = grad(v.data(), i, j);
                    const double den = 1 + tau * std::hypot(gy, gx);
                    const double ny = (py[k] + tau * gy) / den, nx = (px[k] + tau * gx) / den;
                    change = std::max({change, std::abs(ny - py[k]), std::abs(nx - px[k])});
                    py[k] = ny;
                    px[k] = nx;
                }
            if (change <= m_opts.tolerance) break;
        }
        divergence(py.data(), px.data(), v.data());
        // u = x − t div p; the gap needs x, so compute into v before writing out (which
        // may alias x).
        double primal_fit = 0, xx = 0, uu = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const double u = x[k] - t * v[k];
            primal_fit += (u - x[k]) * (u - x[k]);
            xx += x[k] * x[k];
            uu += u * u;
            v[k] = u;
        }
        const double tv = value(cview(v.data(), n)) / m_alpha;
        std::copy(v.begin(), v.end(), out.begin());
        return std::max(0.0, 0.5 * primal_fit + t * tv - 0.5 * (xx - uu));
    }

private:
    /// Forward differences with Neumann boundary at (i, j): (∂y, ∂x).
    std::pair<double, double> grad(const double* u, std::size_t i, std::size_t j) const {
        const std::size_t nx = m_shape.nx, k = i * nx + j;
        const double gy = i + 1 < m_shape.ny ? u[k + nx] - u[k] : 0.0;
        const double gx = j + 1 < nx ? u[k + 1] - u[k] : 0.0;
        return {gy, gx};
    }
    /// div p = −∇ᵀp (Chambolle 2004, Eq. 7), the exact negative adjoint of grad.
    void divergence(const double* py, const double* px, double* d) const {
        const std::size_t ny = m_shape.ny, nx = m_shape.nx;
        for (std::size_t i = 0; i < ny; ++i)
            for (std::size_t j = 0; j < nx; ++j) {
                const std::size_t k = i * nx + j;
                double dy = 0, dx = 0;
                if (i + 1 < ny) dy += py[k];
                if (i > 0) dy -= py[k - nx];
                if (j + 1 < nx) dx += px[k];
                if (j > 0) dx -= px[k - 1];
                d[k] = dy + dx;
            }
    }

    image_shape m_shape;
    double m_alpha;
    tv_options m_opts;
};

/// g(x) = α TV(x) + ‖x‖²/(2ρ²): total variation made proper by a small ridge (a Gaussian
/// of scale ρ), so that e^{−g} is a prior nested sampling can integrate against. Its prox
/// goes through TV's in closed form: the two quadratics of
///     prox_{γg}(x) = argmin_u α TV(u) + ‖u‖²/(2ρ²) + ‖u − x‖²/(2γ)
/// combine as c‖u − x/c‖²/(2γ) + const with c = 1 + γ/ρ², hence
///     prox_{γg}(x) = prox_{(γ/c) αTV}(x/c)
/// (shrink towards 0, then denoise with a smaller TV weight). No exact sampler: give nested
/// sampling its live points (e.g. Px-MALA chains with f = ‖x‖²/(2ρ²), g = α TV).
class ridge_total_variation {
public:
    /// Throws invalid_argument for α ≤ 0 or ρ ≤ 0.
    ridge_total_variation(image_shape s, double alpha, double rho, tv_options o = {})
        : m_tv(s, alpha, o), m_rho(rho) {
        detail::require_positive("ridge_total_variation: rho", rho);
    }
    [[nodiscard]] std::size_t size() const { return m_tv.size(); }
    [[nodiscard]] double rho() const { return m_rho; }
    [[nodiscard]] const total_variation& tv() const { return m_tv; }
    [[nodiscard]] double value(cview x /*(ny, nx)*/) const {
        const double r = norm(backend::serial{}, x);
        return m_tv.value(x) + r * r / (2 * m_rho * m_rho);
    }
    void prox(cview x /*(ny, nx)*/, mview out /*(ny, nx)*/, double gamma) const {
        detail::require_size("ridge_total_variation::prox: x", x.size(), size());
        if (!(gamma >= 0) || !std::isfinite(gamma))
            sphaera::detail::raise<invalid_argument>("ridge_total_variation::prox: gamma = ", gamma,
                                                     " is out of range; valid range is [0, inf)");
        const double c = 1 + gamma / (m_rho * m_rho);
        std::vector<double> shrunk(size());
        assign(backend::serial{}, as_view(shrunk), x * (1 / c));
        m_tv.prox(as_view(shrunk), out, gamma / c);
    }

private:
    total_variation m_tv;
    double m_rho;
};

}  // namespace sphaera::sampling
