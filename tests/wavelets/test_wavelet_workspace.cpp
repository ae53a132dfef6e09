/// \file test_wavelet_workspace.cpp
/// \brief Allocation-free execution and single precision: the workspace overloads of
/// wavelets::plan and wavelets::real_plan give bit-for-bit the results of the allocating
/// overloads (serial and OpenMP, full and multiresolution, spin-lowered, one workspace
/// reused across every transform); a workspace of another plan is refused. Float plans:
/// exact reconstruction to 1e−5 relative and dot-product tests of both adjoints (float
/// tolerance 1e−5, DESIGN §5) for complex spin 0 and 2 and real fields.

#include <catch2/catch.hpp>

#include <complex>
#include <vector>

#include "sphaera/wavelets/plan.hpp"
#include "sphaera/wavelets/real_plan.hpp"
#include "support/adjoint.hpp"
#include "wavelet_test_util.hpp"

using namespace sphaera;
using wavelets::resolution;

namespace {

/// Every transform of w run through the workspace ws equals its allocating overload bit for
/// bit, on the map f, the coefficients c and the harmonic coefficients flm; and a reused
/// workspace carries no state from one call to the next.
template <class Plan, class V, class H>
void check_workspace_overloads(const Plan& w, typename Plan::workspace& ws, const std::vector<V>& f,
                               const std::vector<V>& c, const std::vector<H>& flm) {
    std::vector<V> a1(w.coefficients_size()), a2(a1.size()), m1(w.map_size()), m2(m1.size());
    std::vector<H> h1(w.alm_size()), h2(h1.size());
    // Each pair: allocating, then the same workspace again and again.
    w.analysis({f.data(), f.size()}, {a1.data(), a1.size()});
    w.analysis({f.data(), f.size()}, {a2.data(), a2.size()}, ws);
    CHECK(a1 == a2);
    w.synthesis({c.data(), c.size()}, {m1.data(), m1.size()});
    w.synthesis({c.data(), c.size()}, {m2.data(), m2.size()}, ws);
    CHECK(m1 == m2);
    w.adjoint_analysis({c.data(), c.size()}, {m1.data(), m1.size()});
    w.adjoint_analysis({c.data(), c.size()}, {m2.data(), m2.size()}, ws);
    CHECK(m1 == m2);
    w.adjoint_synthesis({f.data(), f.size()}, {a1.data(), a1.size()});
    w.adjoint_synthesis({f.data(), f.size()}, {a2.data(), a2.size()}, ws);
    CHECK(a1 == a2);
    w.analysis_harmonic({flm.data(), flm.size()}, {a1.data(), a1.size()});
    w.analysis_harmonic({flm.data(), flm.size()}, {a2.data(), a2.size()}, ws);
    CHECK(a1 == a2);
    w.synthesis_harmonic({c.data(), c.size()}, {h1.data(), h1.size()});
    w.synthesis_harmonic({c.data(), c.size()}, {h2.data(), h2.size()}, ws);
    CHECK(h1 == h2);
    w.analysis({f.data(), f.size()}, {a2.data(), a2.size()}, ws);
    w.analysis({f.data(), f.size()}, {a1.data(), a1.size()});
    CHECK(a1 == a2);
}

}  // namespace

TEMPLATE_TEST_CASE("complex plan: workspace overloads equal the allocating ones", "[wavelets][workspace]",
                   backend::serial, backend::openmp) {
    using C = std::complex<double>;
    for (auto res : {resolution::full, resolution::multi})
        for (int spin0 : {0, 2}) {
            wavelets::parameters p;
            p.L = 16;
            p.N = 3;
            p.spin = 2;
            p.spin0 = spin0;
            const wavelets::plan<double, TestType> w(p, res);
            auto ws = w.make_workspace();
            INFO((res == resolution::full ? "full" : "multi") << ", spin0 " << spin0);
            check_workspace_overloads(w, ws, test::normal<C>(w.map_size(), 1), test::normal<C>(w.coefficients_size(), 2),
                                      test::random_alm<double>(p.L, p.spin, 3));
        }
}

TEMPLATE_TEST_CASE("real plan: workspace overloads equal the allocating ones", "[wavelets][workspace]",
                   backend::serial, backend::openmp) {
    for (auto res : {resolution::full, resolution::multi}) {
        wavelets::parameters p;
        p.L = 16;
        p.N = 4;
        const wavelets::real_plan<double, TestType> w(p, res);
        auto ws = w.make_workspace();
        INFO((res == resolution::full ? "full" : "multi"));
        check_workspace_overloads(w, ws, test::normal<double>(w.map_size(), 1),
                                  test::normal<double>(w.coefficients_size(), 2), test::random_real_alm<double>(p.L, 3));
    }
}

TEST_CASE("a workspace made by another plan is refused", "[wavelets][workspace]") {
    wavelets::parameters p;
    p.L = 16;
    p.N = 3;
    const wavelets::plan<double> w(p);
    p.N = 1;
    const wavelets::plan<double> other(p);
    auto ws = other.make_workspace();
    std::vector<std::complex<double>> f(w.map_size()), c(w.coefficients_size());
    CHECK_THROWS_WITH(w.analysis({f.data(), f.size()}, {c.data(), c.size()}, ws),
                      Catch::Contains("wavelets::plan") && Catch::Contains("make_workspace"));
    wavelets::plan<double>::workspace empty;
    CHECK_THROWS_AS(w.synthesis({c.data(), c.size()}, {f.data(), f.size()}, empty), invalid_argument);
    p.N = 3;
    const wavelets::real_plan<double> wr(p);
    wavelets::real_plan<double>::workspace rempty;
    std::vector<double> fr(wr.map_size()), cr(wr.coefficients_size());
    CHECK_THROWS_WITH(wr.analysis({fr.data(), fr.size()}, {cr.data(), cr.size()}, rempty),
                      Catch::Contains("wavelets::real_plan") && Catch::Contains("make_workspace"));
}

TEST_CASE("float plans: exact reconstruction to 1e-5", "[wavelets][float]") {
    using C = std::complex<float>;
    for (int spin : {0, 2})
        for (auto res : {resolution::full, resolution::multi})
            for (int N : {1, 4}) {
                wavelets::parameters p;
                p.L = 32;
                p.N = N;
                p.spin = spin;
                const wavelets::plan<float> w(p, res);
                const sht::plan<float> s(p.L, p.spin, sht::mw_geometry(p.L));
                const auto alm = test::random_alm<float>(p.L, p.spin, 5);
                std::vector<C> f(s.map_size()), c(w.coefficients_size()), g(s.map_size());
                s.synthesis({alm.data(), alm.size()}, {f.data(), f.size()});
                w.analysis({f.data(), f.size()}, {c.data(), c.size()});
                w.synthesis({c.data(), c.size()}, {g.data(), g.size()});
                INFO("spin " << spin << ", N = " << N << (res == resolution::full ? " full" : " multi"));
                CHECK(test::rel_max_error(g, f) <= 1e-5);
            }
    for (auto res : {resolution::full, resolution::multi}) {
        wavelets::parameters p;
        p.L = 32;
        p.N = 3;
        const wavelets::real_plan<float> w(p, res);
        const sht::real_plan<float> s(p.L, sht::mw_geometry(p.L));
        const auto alm = test::random_real_alm<float>(p.L, 6);
        std::vector<float> f(s.map_size()), c(w.coefficients_size()), g(s.map_size());
        s.synthesis({alm.data(), alm.size()}, {f.data(), f.size()});
        w.analysis({f.data(), f.size()}, {c.data(), c.size()});
        w.synthesis({c.data(), c.size()}, {g.data(), g.size()});
        INFO("real " << (res == resolution::full ? "full" : "multi"));
        CHECK(test::rel_max_error(g, f) <= 1e-5);
    }
}

TEST_CASE("float plans: dot-product tests of both adjoints", "[wavelets][float]") {
    using C = std::complex<float>;
    for (auto res : {resolution::full, resolution::multi}) {
        wavelets::parameters p;
        p.L = 16;
        p.N = 3;
        p.spin = 2;
        const wavelets::plan<float> w(p, res);
        INFO((res == resolution::full ? "full" : "multi"));
        test::check_wavelet_adjoints<C>(w, 3);

        auto q = p;
        q.spin = 0;  // real fields are spin 0
        const wavelets::real_plan<float> wr(q, res);
        test::check_wavelet_adjoints<float>(wr, 5);
    }
}
