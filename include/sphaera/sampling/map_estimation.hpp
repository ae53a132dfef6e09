#pragma once
/// \file map_estimation.hpp
/// \brief MAP estimation argmin_x f(x) + g(x) (f smooth with L_f-Lipschitz gradient, g with
/// a prox) by FISTA (Beck & Teboulle 2009, SIIMS 2, Eq. 4.1–4.3) or plain forward–backward
/// splitting (Combettes & Wajs 2005, Eq. 3.2), with step 1/L_f by default:
///
///     x_{k+1} = prox_{g/L}(z_k − ∇f(z_k)/L),
///     t_{k+1} = (1 + √(1 + 4t_k²))/2,  z_{k+1} = x_{k+1} + ((t_k − 1)/t_{k+1})(x_{k+1} − x_k).
///
/// Stops when ‖x_{k+1} − x_k‖ ≤ tolerance·max(‖x_k‖, 1). Samplers start from the MAP.

#include <cmath>
#include <cstddef>
#include <vector>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/algorithms.hpp"
#include "sphaera/core/buffer.hpp"
#include "sphaera/sampling/concepts.hpp"

namespace sphaera::sampling {

/// Settings of map_estimate.
struct map_options {
    std::size_t max_iterations = 1000;
    double tolerance = 1e-8;   ///< relative change that stops the iterations
    double step = 0;           ///< 0: 1/L_f; must be in (0, 2/L_f) (forward–backward), (0, 1/L_f] (FISTA)
    double lipschitz = 0;      ///< L_f (0: f.lipschitz())
    bool accelerate = true;    ///< FISTA (true) or forward–backward (false)
};

/// MAP estimate and its convergence record.
struct map_result {
    std::vector<double> x;       ///< (n) the estimate
    std::size_t iterations = 0;  ///< iterations run
    bool converged = false;      ///< the tolerance was met
    double objective = NAN;      ///< f(x) + g(x) when g has value(), else f(x)
};

/// argmin f + g from x₀ (n) on backend \p b.
template <backend_tag B, differentiable_function F, proximal_function G>
    requires host_backend<B>
map_result map_estimate(const B& b, const F& f, const G& g, cview x0, const map_options& o = {}) {
    detail::require_size("map_estimate: g", g.size(), f.size());
    detail::require_size("map_estimate: x0", x0.size(), f.size());
    detail::require_finite("map_estimate: x0", x0);
    double lf = o.lipschitz;
    if (lf == 0) {
        if constexpr (requires { { f.lipschitz() } -> std::convertible_to<double>; }) lf = f.lipschitz();
        else sphaera::detail::raise<invalid_argument>("map_estimate: f has no lipschitz(); set options.lipschitz");
    }
    detail::require_positive("map_estimate: lipschitz", lf);
    const double bound = o.accelerate ? 1 / lf : 2 / lf;
    const double step = o.step > 0 ? o.step : 1 / lf;
    if (!(step <= bound * (1 + 1e-12)))
        sphaera::detail::raise<invalid_argument>("map_estimate: step = ", step, " is above the bound ",
                                                 o.accelerate ? "1/L_f = " : "2/L_f = ", bound);
    const std::size_t n = f.size();
    buffer<double, B> x(n, b), prev(n, b), z(n, b), grad(n, b);
    assign(b, x.view(), x0);
    assign(b, z.view(), x0);
    double t = 1;
    map_result r;
    for (std::size_t k = 0; k < o.max_iterations; ++k) {
        std::swap(prev, x);
        f.gradient(z.view(), grad.view());
        assign(b, z.view(), z - step * grad);
        g.prox(z.view(), x.view(), step);
        const double change = norm(b, x - prev), scale = std::max(norm(b, prev), 1.0);
        r.iterations = k + 1;
        if (!std::isfinite(change))
            sphaera::detail::raise<non_finite>("map_estimate: the iterates diverged at iteration ", k);
        if (o.accelerate) {
            const double tn = (1 + std::sqrt(1 + 4 * t * t)) / 2;
            assign(b, z.view(), x + ((t - 1) / tn) * (x - prev));
            t = tn;
        } else {
            assign(b, z.view(), x.view());
        }
        if (change <= o.tolerance * scale) {
            r.converged = true;
            break;
        }
    }
    r.x.assign(x.begin(), x.end());
    r.objective = f.value(x.view());
    if constexpr (proximal_function_with_value<G>) r.objective += g.value(x.view());
    return r;
}

}  // namespace sphaera::sampling
