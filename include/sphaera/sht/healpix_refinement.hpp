#pragma once
/// \file healpix_refinement.hpp
/// \brief Iteratively refined analysis on grids without an exact quadrature (HEALPix, or any
/// ring geometry with weights): solve the weighted least-squares problem
///
///   min_a ‖W^{1/2} (f − S a)‖²,   normal equations  Sᴴ W S a = Sᴴ W f,
///
/// where S is the synthesis and Sᴴ W the plan's weighted analysis A_w (pixel solid angles
/// as weights). Two solvers share one interface:
///   - jacobi: a₀ = A_w f, a_{k+1} = a_k + A_w (f − S a_k) (healpy's `iter` scheme,
///     Górski et al. 2005, §4 of the HEALPix primer);
///   - conjugate_gradient: CGLS (Hestenes & Stiefel 1952; Björck 1996, §7.4) on the same
///     normal equations, started at a₀ = A_w f, which decreases ‖W^{1/2}(f − S a_k)‖
///     monotonically and converges in far fewer iterations at band-limits near 3·nside.
/// Each iteration costs one synthesis and one analysis. The loop stops when the relative
/// map residual ‖f − S a‖_W / ‖f‖_W or the relative normal-equation residual
/// ‖A_w(f − S a)‖ / ‖A_w f‖ falls to the tolerance (the second also ends the loop for maps
/// that are not band-limited, whose map residual levels off above zero), or after
/// max_iterations.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <numbers>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/core/view.hpp"
#include "sphaera/sht/plan.hpp"

namespace sphaera::sht {

/// Which iteration refined_analysis runs.
enum class refinement_method { jacobi, conjugate_gradient };

/// Stopping rule of refined_analysis.
struct refinement_options {
    int max_iterations = 3;     ///< ≥ 0; 0 returns the one-step weighted analysis A_w f
    double tolerance = 1e-10;   ///< > 0; relative residual (map or normal equations) to reach
    refinement_method method = refinement_method::conjugate_gradient;
};

/// What refined_analysis did: iterations run, final relative residuals and their history
/// (entry k after k iterations; entry 0 is the starting point A_w f).
struct refinement_report {
    int iterations = 0;
    double residual = 0;         ///< ‖f − S a‖_W / ‖f‖_W at the returned a
    double normal_residual = 0;  ///< ‖A_w(f − S a)‖ / ‖A_w f‖ at the returned a
    bool converged = false;      ///< one of the two residuals reached the tolerance
    std::vector<double> residual_history;
};

namespace detail {
/// Pixel weights w_r·2π/nphi_r (solid angle per pixel) of every pixel. (npix)
inline std::vector<double> pixel_weights(const ring_geometry& g) {
    std::vector<double> w(g.npix());
    for (const auto& r : g.rings()) {
        const double v = r.weight * 2.0 * std::numbers::pi / static_cast<double>(r.nphi);
        for (std::size_t p = 0; p < r.nphi; ++p) w[r.offset + p] = v;
    }
    return w;
}
template <class C>
double weighted_norm2(const std::vector<C>& x, const std::vector<double>& w) {
    double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i) s += w[i] * std::norm(std::complex<double>(x[i]));
    return s;
}
template <class C>
double norm2(const std::vector<C>& x) {
    double s = 0;
    for (const auto& v : x) s += std::norm(std::complex<double>(v));
    return s;
}
}  // namespace detail

/// Refined analysis of map f: (npix) into alm: (L²) with sphere plan p (any geometry whose
/// rings all have weights). Throws invalid_argument for max_iterations < 0, a tolerance that
/// is not finite and > 0, or a geometry without weights; shape_mismatch for wrong sizes;
/// non_finite when f holds NaN or Inf.
template <class T, class B>
refinement_report refined_analysis(const plan<T, B>& p, view<const std::complex<T>, host_space> f,
                                   view<std::complex<T>, host_space> alm, const refinement_options& opt = {}) {
    using C = std::complex<T>;
    if (opt.max_iterations < 0)
        sphaera::detail::raise<invalid_argument>("refined_analysis: max_iterations = ", opt.max_iterations,
                                                 " is out of range; valid range is [0, inf)");
    if (!(opt.tolerance > 0) || !std::isfinite(opt.tolerance))
        sphaera::detail::raise<invalid_argument>("refined_analysis: tolerance = ", opt.tolerance,
                                                 " is out of range; valid range is (0, inf)");
    if (!p.geometry().has_weights())
        sphaera::detail::raise<invalid_argument>("refined_analysis: the ", sampling_name(p.geometry().kind()),
                                                 " geometry has rings without quadrature weights; refinement needs them");
    sphaera::detail::require_same_size("refined_analysis: f", f.size(), p.map_size());
    sphaera::detail::require_same_size("refined_analysis: alm", alm.size(), p.alm_size());

    const std::vector<double> w = detail::pixel_weights(p.geometry());
    const std::vector<C> fv(f.begin(), f.end());
    const double f_norm2 = detail::weighted_norm2(fv, w);
    if (!std::isfinite(f_norm2))
        sphaera::detail::raise<non_finite>("refined_analysis: the map holds NaN or Inf values");

    auto mv = [](std::vector<C>& v) { return view<C, host_space>(v.data(), v.size()); };
    auto cv = [](const std::vector<C>& v) { return view<const C, host_space>(v.data(), v.size()); };
    std::vector<C> a(p.alm_size()), r(fv), s(p.alm_size()), q(p.map_size()), dir;

    // Start: a = A_w f, then r = f − S a and s = A_w r (the normal-equation residual).
    p.analysis(cv(fv), mv(a));
    const double s0_norm2 = detail::norm2(a);
    p.synthesis(cv(a), mv(q));
    for (std::size_t i = 0; i < r.size(); ++i) r[i] -= q[i];
    p.analysis(cv(r), mv(s));

    refinement_report rep;
    auto rel = [](double num2, double den2) { return den2 > 0 ? std::sqrt(num2 / den2) : 0.0; };
    double s_norm2 = detail::norm2(s);
    rep.residual = rel(detail::weighted_norm2(r, w), f_norm2);
    rep.normal_residual = rel(s_norm2, s0_norm2);
    rep.residual_history.push_back(rep.residual);
    auto done = [&] { return rep.residual <= opt.tolerance || rep.normal_residual <= opt.tolerance; };
    rep.converged = done();
    if (opt.method == refinement_method::conjugate_gradient) dir = s;

    while (!rep.converged && rep.iterations < opt.max_iterations) {
        if (opt.method == refinement_method::jacobi) {
            for (std::size_t i = 0; i < a.size(); ++i) a[i] += s[i];
            p.synthesis(cv(a), mv(q));
            for (std::size_t i = 0; i < r.size(); ++i) r[i] = fv[i] - q[i];
        } else {
            // CGLS step along dir: α = ‖s‖² / ‖S dir‖²_W, a += α dir, r −= α S dir.
            p.synthesis(cv(dir), mv(q));
            const double qq = detail::weighted_norm2(q, w);
            if (!(qq > 0)) break;  // dir = 0: the normal equations are solved exactly
            const T alpha = static_cast<T>(s_norm2 / qq);
            for (std::size_t i = 0; i < a.size(); ++i) a[i] += alpha * dir[i];
            for (std::size_t i = 0; i < r.size(); ++i) r[i] -= alpha * q[i];
        }
        p.analysis(cv(r), mv(s));
        const double s_new = detail::norm2(s);
        if (opt.method == refinement_method::conjugate_gradient) {
            const T beta = static_cast<T>(s_norm2 > 0 ? s_new / s_norm2 : 0.0);
            for (std::size_t i = 0; i < dir.size(); ++i) dir[i] = s[i] + beta * dir[i];
        }
        s_norm2 = s_new;
        ++rep.iterations;
        rep.residual = rel(detail::weighted_norm2(r, w), f_norm2);
        rep.normal_residual = rel(s_norm2, s0_norm2);
        rep.residual_history.push_back(rep.residual);
        rep.converged = done();
    }
    std::copy(a.begin(), a.end(), alm.begin());
    return rep;
}

}  // namespace sphaera::sht
