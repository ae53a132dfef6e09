#pragma once
/// \file finite_difference.hpp
/// \brief Central finite-difference checks of gradients and vector-Jacobian products
/// (DESIGN.md §5: every `value_and_vjp` is checked this way on every backend).
///
/// A real-valued f of x ∈ Tⁿ (T real or complex) is probed along a direction v:
///
///     D_v f(x) ≈ (f(x + h v) − f(x − h v)) / 2h,   error O(h²) + O(eps |f| / h),
///
/// and compared with the derivative the claimed gradient g predicts. For complex x the
/// pairing depends on the gradient convention (see complex_gradient); the default is the
/// one DESIGN.md §5 states (the pullback of |z| is z̄/|z|, as in JAX):
///
///     conjugate: D_v f = Re Σ gᵢ vᵢ         (g = ∂f/∂Re z − i ∂f/∂Im z)
///     ascent:    D_v f = Re Σ conj(gᵢ) vᵢ   (g = ∂f/∂Re z + i ∂f/∂Im z, steepest ascent)
///
/// For real x both read D_v f = Σ gᵢ vᵢ. Functions take and return host std::vectors; to
/// check a device implementation, wrap it: `[&](const auto& x) { return f(upload<B>(x)); }`
/// and download its gradient. Keep n small: check_gradient costs 2n (4n complex) calls.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <ostream>
#include <vector>

#include "support/backends.hpp"

namespace sphaera::test {

/// How a gradient with respect to complex variables is represented (see the file notes).
enum class complex_gradient { conjugate, ascent };

/// Step and tolerances of a finite-difference check. Zero means "the default for T":
/// step = ∛eps · max(1, ‖x‖∞) / ‖v‖∞ (balances truncation against rounding), rtol = 1e-6
/// in double and 5e-3 in float.
struct fd_options {
    double step = 0;
    double rtol = 0;
    complex_gradient convention = complex_gradient::conjugate;
};

/// Outcome of one directional comparison; stream it into INFO.
struct fd_report {
    long double finite_difference = 0;  ///< (f(x + hv) − f(x − hv)) / 2h
    long double analytic = 0;           ///< the derivative the gradient predicts
    long double error = 0;              ///< |finite_difference − analytic|
    long double bound = 0;              ///< rtol · scale
    std::size_t index = 0;              ///< coordinate (check_gradient only)
    bool imaginary = false;             ///< the imaginary part of that coordinate was probed
    std::size_t failures = 0;           ///< failing coordinates (check_gradient only)
    bool passed = false;
};

inline std::ostream& operator<<(std::ostream& os, const fd_report& r) {
    os.precision(17);
    return os << "finite differences: fd = " << r.finite_difference
              << ", analytic = " << r.analytic << ", |difference| = " << r.error
              << ", bound = " << r.bound << " (coordinate " << r.index
              << (r.imaginary ? " imag" : "") << ", " << r.failures << " failing)"
              << (r.passed ? " (passed)" : " (FAILED)");
}

namespace detail {

template <class T>
double default_fd_rtol() { return std::is_same_v<real_type_t<T>, float> ? 5e-3 : 1e-6; }

template <class T>
long double max_abs(const std::vector<T>& v) {
    long double m = 0;
    for (const auto& x : v) m = std::max(m, magnitude(x));
    return m;
}

/// D_v f predicted by the gradient g under convention c.
template <class T>
long double predicted_derivative(const std::vector<T>& g, const std::vector<T>& v,
                                 complex_gradient c) {
    long double s = 0;
    for (std::size_t i = 0; i < g.size(); ++i) {
        const auto gi = sphaera::test::detail::widen(g[i]);
        const auto vi = sphaera::test::detail::widen(v[i]);
        s += c == complex_gradient::conjugate ? (gi * vi).real() : (std::conj(gi) * vi).real();
    }
    return s;
}

/// The central difference of f along v (default step: see fd_options).
template <class T, class F>
long double central_difference(F& f, const std::vector<T>& x, const std::vector<T>& v,
                               double step) {
    using R = real_type_t<T>;
    const long double vmax = max_abs(v);
    if (vmax == 0) return 0;
    const long double h =
        step > 0 ? step
                 : std::cbrt(static_cast<long double>(eps<T>)) *
                       std::max<long double>(1, max_abs(x)) / vmax;
    std::vector<T> xp(x), xm(x);
    for (std::size_t i = 0; i < x.size(); ++i) {
        xp[i] = x[i] + static_cast<R>(h) * v[i];
        xm[i] = x[i] - static_cast<R>(h) * v[i];
    }
    const long double fp = static_cast<long double>(f(xp));
    const long double fm = static_cast<long double>(f(xm));
    return (fp - fm) / (2 * h);
}

}  // namespace detail

/// Compares the central difference of f along v with a claimed directional derivative
/// dfdv. The error is measured against rtol·max(|fd|, |dfdv|, scale); pass the scale a
/// derivative along v naturally has (e.g. ‖g‖‖v‖) when dfdv may be near zero.
template <class T, class F>
fd_report check_directional_derivative(F&& f, const std::vector<T>& x, const std::vector<T>& v,
                                       long double dfdv, fd_options opt = {},
                                       long double scale = 0) {
    const double rtol = opt.rtol > 0 ? opt.rtol : detail::default_fd_rtol<T>();
    fd_report r;
    r.finite_difference = detail::central_difference(f, x, v, opt.step);
    r.analytic = dfdv;
    r.error = std::fabs(r.finite_difference - r.analytic);
    r.bound = rtol * std::max({std::fabs(r.finite_difference), std::fabs(r.analytic), scale});
    r.passed = r.error <= r.bound;  // false for NaN
    r.failures = r.passed ? 0 : 1;
    return r;
}

/// Checks the gradient g of f at x along one direction v (cost: two calls of f). The scale
/// is ‖g‖₂‖v‖₂, so a random v tests every component at once.
template <class T, class F>
fd_report check_gradient_along(F&& f, const std::vector<T>& x, const std::vector<T>& g,
                               const std::vector<T>& v, fd_options opt = {}) {
    long double g2 = 0, v2 = 0;
    for (std::size_t i = 0; i < g.size(); ++i) {
        g2 += magnitude(g[i]) * magnitude(g[i]);
        v2 += magnitude(v[i]) * magnitude(v[i]);
    }
    return check_directional_derivative(f, x, v,
                                        detail::predicted_derivative(g, v, opt.convention), opt,
                                        std::sqrt(g2 * v2));
}

/// Checks every component of the gradient g of f at x (real and imaginary part for complex
/// T) by a central difference along each coordinate. Component errors are measured against
/// rtol·max(|fdᵢ|, |gᵢ|, ‖g‖∞). Returns the worst coordinate and the number of failures.
template <class T, class F>
fd_report check_gradient(F&& f, const std::vector<T>& x, const std::vector<T>& g,
                         fd_options opt = {}) {
    const long double gmax = detail::max_abs(g);
    fd_report worst;
    worst.passed = true;
    bool first = true;
    std::vector<T> e(x.size(), T(0));
    const int parts = is_complex_v<T> ? 2 : 1;
    for (std::size_t i = 0; i < x.size(); ++i) {
        for (int p = 0; p < parts; ++p) {
            if constexpr (is_complex_v<T>) e[i] = p == 0 ? T(1, 0) : T(0, 1);
            else e[i] = T(1);
            fd_report r = check_directional_derivative(
                f, x, e, detail::predicted_derivative(g, e, opt.convention), opt, gmax);
            e[i] = T(0);
            r.index = i;
            r.imaginary = p == 1;
            // Keep the worst coordinate: any failure beats a pass, then the larger
            // error relative to its bound.
            const bool worse = worst.passed != r.passed
                                   ? !r.passed
                                   : !(r.error * worst.bound <= worst.error * r.bound);
            const std::size_t failures = worst.failures + (r.passed ? 0 : 1);
            if (first || worse) worst = r;
            first = false;
            worst.failures = failures;
            worst.passed = failures == 0;
        }
    }
    return worst;
}

/// Checks a vector-Jacobian product: given the map F (vector → vector), a cotangent u and
/// the claimed pullback g = vjpᵤ(x), checks g as the gradient of the scalar
/// φ(x) = Re Σ uᵢ F(x)ᵢ (conjugate convention) or Re Σ conj(uᵢ) F(x)ᵢ (ascent) along v.
template <class T, class U, class Map>
fd_report check_vjp(Map&& map, const std::vector<T>& x, const std::vector<U>& u,
                    const std::vector<T>& g, const std::vector<T>& v, fd_options opt = {}) {
    auto phi = [&](const std::vector<T>& y) {
        const auto fy = map(y);
        long double s = 0;
        for (std::size_t i = 0; i < u.size(); ++i) {
            const auto ui = sphaera::test::detail::widen(u[i]);
            const auto fi = sphaera::test::detail::widen(fy[i]);
            s += opt.convention == complex_gradient::conjugate ? (ui * fi).real()
                                                              : (std::conj(ui) * fi).real();
        }
        return s;
    };
    return check_gradient_along(phi, x, g, v, opt);
}

}  // namespace sphaera::test
