// refined_analysis: Jacobi and CGLS iterations on HEALPix converge for band-limited maps,
// with monotonically decreasing residuals, stop at the tolerance, and reject bad input.
#include <catch2/catch.hpp>

#include <sphaera/sht/healpix_refinement.hpp>
#include <sphaera/sht/samplings.hpp>

#include <algorithm>
#include <complex>
#include <cstdint>
#include <vector>

#include "support/backends.hpp"

using namespace sphaera;

namespace {
using cvec = std::vector<std::complex<double>>;
view<const std::complex<double>> cv(const cvec& v) { return {v.data(), v.size()}; }
view<std::complex<double>> mv(cvec& v) { return {v.data(), v.size()}; }

cvec random_alm(int L, int s, std::uint64_t seed) {
    auto a = test::normal<std::complex<double>>(std::size_t(L) * std::size_t(L), seed);
    for (int l = 0; l < std::min(L, std::abs(s)); ++l)
        for (int m = -l; m <= l; ++m) a[std::size_t(l * l + l + m)] = 0;
    return a;
}
double rel_error(const cvec& a, const cvec& b) {
    double e = 0, mx = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        e = std::max(e, std::abs(a[i] - b[i]));
        mx = std::max(mx, std::abs(a[i]));
    }
    return e / mx;
}
bool decreasing(const std::vector<double>& h) {
    for (std::size_t k = 1; k < h.size(); ++k)
        if (!(h[k] < h[k - 1])) return false;
    return true;
}
sht::refinement_options options(sht::refinement_method m, int iters, double tol = 1e-300) {
    sht::refinement_options o;
    o.method = m;
    o.max_iterations = iters;
    o.tolerance = tol;
    return o;
}
}  // namespace

TEST_CASE("HEALPix refinement converges for L = 2 nside band-limited maps", "[sht][healpix][refinement]") {
    // Measured at nside 8, L 16 (relative max alm error): one step 5e-2; Jacobi 1.6e-6 after
    // 5 iterations, 5.5e-11 after 10; CGLS 3.5e-9 after 5, 3e-16 after 10.
    const int nside = 8, L = 2 * nside;
    for (int s : {0, 2}) {
        const sht::plan<double, backend::openmp> p(L, s, sht::healpix_geometry(nside));
        const auto a = random_alm(L, s, 21 + std::uint64_t(s));
        cvec f(p.map_size()), b(p.alm_size());
        p.synthesis(cv(a), mv(f));
        const auto one = sht::refined_analysis(p, cv(f), mv(b), options(sht::refinement_method::jacobi, 0));
        const double e0 = rel_error(a, b);
        CHECK(one.iterations == 0);
        CHECK(one.residual_history.size() == 1);

        const auto jac = sht::refined_analysis(p, cv(f), mv(b), options(sht::refinement_method::jacobi, 8));
        const double ej = rel_error(a, b);
        INFO("spin " << s << ": one-step error " << e0 << ", Jacobi(8) " << ej << ", residual " << jac.residual);
        CHECK(jac.iterations == 8);
        CHECK(jac.residual_history.size() == 9);
        CHECK(decreasing(jac.residual_history));
        CHECK(ej <= 1e-7);
        CHECK_FALSE(jac.converged);

        const auto cg = sht::refined_analysis(p, cv(f), mv(b), options(sht::refinement_method::conjugate_gradient, 5));
        const double ec = rel_error(a, b);
        INFO("CGLS(5) error " << ec << ", residual " << cg.residual);
        CHECK(decreasing(cg.residual_history));
        CHECK(ec <= 1e-8);
        const auto jac5 = sht::refined_analysis(p, cv(f), mv(b), options(sht::refinement_method::jacobi, 5));
        CHECK(cg.residual < 0.1 * jac5.residual);  // same cost, CGLS well ahead

        // The tolerance ends the loop early, and the result meets it.
        const auto tol = sht::refined_analysis(p, cv(f), mv(b),
                                               options(sht::refinement_method::conjugate_gradient, 50, 1e-12));
        INFO("CGLS to 1e-12: " << tol.iterations << " iterations, residual " << tol.residual << ", error "
                               << rel_error(a, b));
        CHECK(tol.converged);
        CHECK(tol.iterations < 20);
        CHECK((tol.residual <= 1e-12 || tol.normal_residual <= 1e-12));
        CHECK(rel_error(a, b) <= 1e-11);
    }
}

TEST_CASE("HEALPix refinement at L = 3 nside (CGLS ahead of Jacobi) and on noise maps (stops on the normal residual)",
          "[sht][healpix][refinement]") {
    const int nside = 8, L = 3 * nside;
    const sht::plan<double, backend::openmp> p(L, 0, sht::healpix_geometry(nside));
    const auto a = random_alm(L, 0, 5);
    cvec f(p.map_size()), b(p.alm_size());
    p.synthesis(cv(a), mv(f));
    const auto jac = sht::refined_analysis(p, cv(f), mv(b), options(sht::refinement_method::jacobi, 10));
    const double ej = rel_error(a, b);
    const auto cg = sht::refined_analysis(p, cv(f), mv(b), options(sht::refinement_method::conjugate_gradient, 10));
    const double ec = rel_error(a, b);
    INFO("L = 3 nside, 10 iterations: Jacobi error " << ej << ", CGLS error " << ec);
    CHECK(decreasing(cg.residual_history));
    CHECK(ec < 0.1 * ej);
    CHECK(ec < 1e-3);

    // White noise is not band-limited: the map residual levels off, the normal-equation
    // residual does not, and the tolerance on it ends the loop.
    const auto noise = test::normal<std::complex<double>>(p.map_size(), 77);
    const auto rep = sht::refined_analysis(p, cv(noise), mv(b),
                                           options(sht::refinement_method::conjugate_gradient, 200, 1e-6));
    INFO("noise: " << rep.iterations << " iterations, map residual " << rep.residual << ", normal residual "
                   << rep.normal_residual);
    CHECK(rep.converged);
    CHECK(rep.normal_residual <= 1e-6);
    CHECK(rep.residual > 0.1);
    CHECK(decreasing(rep.residual_history));
}

TEST_CASE("HEALPix refinement in single precision", "[sht][healpix][refinement]") {
    const int nside = 4, L = 2 * nside;
    const sht::plan<float> p(L, 0, sht::healpix_geometry(nside));
    const auto ad = random_alm(L, 0, 8);
    std::vector<std::complex<float>> a(ad.begin(), ad.end()), f(p.map_size()), b(a.size());
    p.synthesis({a.data(), a.size()}, {f.data(), f.size()});
    sht::refinement_options o;
    o.tolerance = 1e-6;
    o.max_iterations = 20;
    const auto rep = sht::refined_analysis(p, {f.data(), f.size()}, {b.data(), b.size()}, o);
    double e = 0, mx = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        e = std::max(e, double(std::abs(a[i] - b[i])));
        mx = std::max(mx, double(std::abs(a[i])));
    }
    INFO("float: " << rep.iterations << " iterations, residual " << rep.residual << ", error " << e / mx);
    CHECK(rep.converged);
    CHECK(e / mx < 1e-5);
}

TEST_CASE("refined_analysis rejects bad input", "[sht][healpix][refinement][errors]") {
    const sht::plan<double> p(8, 0, sht::healpix_geometry(4));
    cvec f(p.map_size()), a(p.alm_size()), bad(p.alm_size() - 1);
    sht::refinement_options o;
    o.tolerance = 0;
    CHECK_THROWS_WITH(sht::refined_analysis(p, cv(f), mv(a), o),
                      Catch::Contains("tolerance = 0") && Catch::Contains("(0, inf)"));
    o.tolerance = -1e-3;
    CHECK_THROWS_AS(sht::refined_analysis(p, cv(f), mv(a), o), invalid_argument);
    o.tolerance = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_AS(sht::refined_analysis(p, cv(f), mv(a), o), invalid_argument);
    o.tolerance = 1e-8;
    o.max_iterations = -1;
    CHECK_THROWS_WITH(sht::refined_analysis(p, cv(f), mv(a), o),
                      Catch::Contains("max_iterations = -1") && Catch::Contains("[0, inf)"));
    o.max_iterations = 3;
    CHECK_THROWS_AS(sht::refined_analysis(p, cv(f), mv(bad), o), shape_mismatch);
    f[5] = std::numeric_limits<double>::infinity();
    CHECK_THROWS_AS(sht::refined_analysis(p, cv(f), mv(a), o), non_finite);
    // A geometry without weights cannot be refined.
    const std::vector<double> t{0.5, 1.5};
    const std::vector<std::size_t> n{15, 15};
    const sht::plan<double> c(8, 0, sht::custom_geometry(t, n));
    cvec fc(c.map_size());
    CHECK_THROWS_WITH(sht::refined_analysis(c, cv(fc), mv(a), o), Catch::Contains("without quadrature weights"));
}
