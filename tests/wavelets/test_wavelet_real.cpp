/// \file test_wavelet_real.cpp
/// \brief wavelets::real_plan: exact reconstruction (N = 1..4, full and multiresolution,
/// double and float), agreement with the complex plan on real input, dot-product tests of
/// both adjoints in the real inner product, and the spin check; s2wav compatibility mode.

#include <catch2/catch.hpp>

#include <complex>
#include <vector>

#include "sphaera/wavelets/plan.hpp"
#include "sphaera/wavelets/real_plan.hpp"
#include "support/adjoint.hpp"
#include "wavelet_test_util.hpp"

using namespace sphaera;
using wavelets::resolution;

TEST_CASE("real plan: exact reconstruction and agreement with the complex plan", "[wavelets][real]") {
    // compat: s2wav's conventions (trapezium kernel, scale 0 on the ⌈λ²⌉ grid).
    const bool compat = GENERATE(false, true);
    for (int N : {1, 2, 3, 4})
        for (auto res : {resolution::full, resolution::multi}) {
            wavelets::parameters p;
            p.L = 32;
            p.N = N;
            if (compat) p.quadrature = wavelets::kernel_quadrature::s2wav_trapezium;
            wavelets::real_plan<double> wr(p, res);
            wavelets::plan<double> wc(p, res);
            sht::real_plan<double> s(p.L, sht::mw_geometry(p.L));
            const auto alm = test::random_real_alm<double>(p.L, 9);
            std::vector<double> f(s.map_size()), c(wr.coefficients_size()), g(s.map_size());
            s.synthesis({alm.data(), alm.size()}, {f.data(), f.size()});
            wr.analysis({f.data(), f.size()}, {c.data(), c.size()});
            wr.synthesis({c.data(), c.size()}, {g.data(), g.size()});
            INFO("N = " << N << (res == resolution::full ? " full" : " multi") << (compat ? " compat" : ""));
            CHECK(test::rel_max_error(g, f) <= 1e-12);
            std::vector<std::complex<double>> fc(f.begin(), f.end()), cc(wc.coefficients_size());
            wc.analysis({fc.data(), fc.size()}, {cc.data(), cc.size()});
            std::vector<std::complex<double>> cr(c.begin(), c.end());
            CHECK(test::rel_max_error(cr, cc) <= 1e-12);
        }
}

TEST_CASE("real plan in float", "[wavelets][real]") {
    wavelets::parameters p;
    p.L = 16;
    p.N = 3;
    wavelets::real_plan<float> wr(p);
    sht::real_plan<float> s(p.L, sht::mw_geometry(p.L));
    const auto alm = test::random_real_alm<float>(p.L, 9);
    std::vector<float> f(s.map_size()), c(wr.coefficients_size()), g(s.map_size());
    s.synthesis({alm.data(), alm.size()}, {f.data(), f.size()});
    wr.analysis({f.data(), f.size()}, {c.data(), c.size()});
    wr.synthesis({c.data(), c.size()}, {g.data(), g.size()});
    CHECK(test::rel_max_error(g, f) <= 2e-5);
}

TEST_CASE("real plan: dot-product tests of both adjoints", "[wavelets][real]") {
    for (auto res : {resolution::full, resolution::multi})
        for (int N : {1, 2, 3}) {
            wavelets::parameters p;
            p.L = 16;
            p.N = N;
            wavelets::real_plan<double> w(p, res);
            INFO("N = " << N);
            test::check_wavelet_adjoints<double>(w, 3);
        }
}

TEST_CASE("real plan rejects spin fields and wrong sizes", "[wavelets][real]") {
    wavelets::parameters p;
    p.L = 8;
    p.spin = 2;
    CHECK_THROWS_WITH(wavelets::real_plan<double>(p), Catch::Contains("spin = 2"));
    p.spin = 0;
    wavelets::real_plan<double> w(p);
    std::vector<double> f(w.map_size()), c(w.coefficients_size() + 3);
    CHECK_THROWS_AS(w.analysis({f.data(), f.size()}, {c.data(), c.size()}), shape_mismatch);
}
