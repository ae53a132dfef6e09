/// \file test_wavelet_tiling.cpp
/// \brief Kernels and harmonic tilings (kernels.hpp, tiling.hpp): the bump's support and
/// finiteness, the exact k_λ against the trapezium rule, admissibility to machine precision
/// for every kernel and λ, the directional components' parity rule and normalisation, the
/// band-limits, and bad parameters.

#include <catch2/catch.hpp>

#include <cmath>
#include <complex>

#include "sphaera/wavelets/tiling.hpp"

using namespace sphaera;
using namespace sphaera::wavelets;

TEST_CASE("bump is exactly zero outside (-1, 1) and finite everywhere", "[wavelets][kernels]") {
    for (double u : {-2.0, -1.0, 1.0, 1.5, std::nextafter(1.0, 2.0), std::nextafter(-1.0, -2.0)}) CHECK(bump(u) == 0.0);
    CHECK(std::isnan(bump(std::nan(""))) == false);
    CHECK(bump(0.0) == Approx(std::exp(-1.0)).epsilon(1e-15));
    for (int i = -1000; i <= 1000; ++i) CHECK(std::isfinite(bump(i / 1000.0)));
    CHECK(bump(std::nextafter(1.0, 0.0)) == 0.0);  // underflows to exactly zero, no Inf
}

TEST_CASE("s2dw k_lambda: limits, monotone, trapezium agrees to its own accuracy", "[wavelets][kernels]") {
    for (double lam : {1.2, 2.0, 3.0, 7.5}) {
        s2dw_kernel k(lam), kt(lam, kernel_quadrature::s2wav_trapezium);
        CHECK(k(0.0).value == 1.0);
        CHECK(k(1.0 / lam).value == 1.0);
        CHECK(k(1.0).value == 0.0);
        CHECK(k(5.0).value == 0.0);
        double prev = 1.0;
        for (int i = 1; i < 100; ++i) {
            const double t = 1.0 / lam + (1.0 - 1.0 / lam) * i / 100.0;
            const auto v = k(t);
            CHECK(std::isfinite(v.value));
            CHECK(v.value <= prev);
            CHECK(v.value + v.complement == Approx(1.0).margin(1e-16));
            prev = v.value;
            CHECK(kt(t).value == Approx(v.value).margin(1e-4));  // 300-step trapezium
        }
    }
    CHECK_THROWS_AS(s2dw_kernel(1.0), invalid_argument);
    CHECK_THROWS_AS(s2dw_kernel(0.5), invalid_argument);
    CHECK_THROWS_AS(s2dw_kernel(std::nan("")), invalid_argument);
}

TEST_CASE("j_max is the smallest J with lambda^J >= L", "[wavelets][kernels]") {
    CHECK(j_max(8, 2.0) == 3);
    CHECK(j_max(9, 2.0) == 4);
    CHECK(j_max(1024, 2.0) == 10);
    CHECK(j_max(1000, 10.0) == 3);
    CHECK(j_max(1024, 3.0) == 7);
    CHECK(j_max_s2wav(1024, 2.0) == 10);
}

TEST_CASE("admissibility holds to machine precision for every kernel", "[wavelets][tiling]") {
    for (auto kind : {kernel::s2dw, kernel::needlet, kernel::cubic_spline})
        for (double lam : {1.5, 2.0, 3.0})
            for (int L : {8, 33, 64})
                for (int jmin = 0; jmin < j_max(L, lam); jmin += 2) {
                    parameters p;
                    p.L = L;
                    p.lambda = lam;
                    p.J_min = jmin;
                    p.kind = kind;
                    tiling t(p);
                    INFO("kind " << int(kind) << " lambda " << lam << " L " << L << " J_min " << jmin);
                    CHECK(t.admissibility_error() <= 4e-16);
                }
}

TEST_CASE("tiling at L = 1024, lambda = 3 is finite and zero outside each support", "[wavelets][tiling]") {
    parameters p;
    p.L = 1024;
    p.lambda = 3.0;
    p.N = 3;
    tiling t(p);
    CHECK(t.admissibility_error() <= 4e-16);
    for (int j = t.j_min(); j <= t.j_max(); ++j)
        for (int l = 0; l < p.L; ++l) {
            const double k = t.kappa(j, l);
            REQUIRE(std::isfinite(k));
            if (l >= t.scale_band_limit(j) || l < t.scale_lower_limit(j)) CHECK(k == 0.0);
        }
    for (int l = t.scaling_band_limit(); l < p.L; ++l) CHECK(t.kappa0(l) == 0.0);
    // The compatibility mode must be Inf-free too (s2wav is not here).
    p.quadrature = kernel_quadrature::s2wav_trapezium;
    tiling tc(p);
    for (int j = tc.j_min(); j <= tc.j_max(); ++j)
        for (int l = 0; l < p.L; ++l) REQUIRE(std::isfinite(tc.kappa(j, l)));
    CHECK(tc.admissibility_error() <= 1e-15);
}

TEST_CASE("directional components: parity rule and unit norm", "[wavelets][tiling]") {
    for (int N : {1, 2, 3, 4, 5, 8}) {
        parameters p;
        p.L = 20;
        p.N = N;
        tiling t(p);
        CHECK(t.direction(0, 0) == std::complex<double>(0));
        for (int l = 1; l < p.L; ++l) {
            double s = 0;
            for (int n = -l; n <= l; ++n) {
                const auto v = t.direction(l, n);
                const bool live = std::abs(n) < N && (N - 1 - n) % 2 == 0;
                if (!live) CHECK(v == std::complex<double>(0));
                // ν = 1 (N odd) or i (N even): real wavelets, s_ℓ,−n = s_ℓn.
                if (N % 2 == 1) CHECK(v.imag() == 0.0);
                else CHECK(v.real() == 0.0);
                CHECK(v == t.direction(l, -n));
                s += std::norm(v);
            }
            CHECK(s == Approx(1.0).margin(1e-15));
        }
    }
}

TEST_CASE("band-limits and the wavelet normalisation", "[wavelets][tiling]") {
    parameters p;
    p.L = 64;
    p.N = 3;
    p.J_min = 2;
    tiling t(p);
    CHECK(t.j_max() == 6);
    CHECK(t.n_scales() == 5);
    CHECK(t.scaling_band_limit() == 4);
    CHECK(t.scale_band_limit(2) == 8);
    CHECK(t.scale_band_limit(5) == 64);
    CHECK(t.scale_band_limit(6) == 64);
    CHECK(t.scale_lower_limit(3) == 4);
    const double pi = 3.14159265358979323846;
    for (int l = 0; l < p.L; ++l) {
        double s = (4 * pi / (2 * l + 1)) * t.scaling(l) * t.scaling(l);
        for (int j = t.j_min(); j <= t.j_max(); ++j)
            for (int n = -2; n <= 2; ++n) s += (8 * pi * pi / (2 * l + 1)) * std::norm(t.wavelet(j, l, n));
        CHECK(s == Approx(1.0).margin(1e-14));
    }
    // s2wav's N_j keeps N's parity and may exceed L_j by one.
    parameters q;
    q.L = 16;
    q.N = 3;
    tiling u(q);
    CHECK(u.scale_band_limit(0) == 2);
    CHECK(u.scale_azimuthal_band_limit(0) == 3);
    CHECK(u.scale_azimuthal_band_limit(1) == 3);
}

TEST_CASE("bad tiling parameters throw with the range", "[wavelets][tiling]") {
    parameters p;
    p.L = 32;
    auto bad = [](parameters q) { return tiling(q); };
    p.lambda = 1.0;
    CHECK_THROWS_WITH(bad(p), Catch::Contains("lambda = 1") && Catch::Contains("(1, inf)"));
    p.lambda = 2.0;
    p.J_min = 5;
    CHECK_THROWS_WITH(bad(p), Catch::Contains("J_min = 5") && Catch::Contains("[0, 4]"));
    p.J_min = -1;
    CHECK_THROWS_AS(bad(p), invalid_argument);
    p.J_min = 0;
    p.N = 33;
    CHECK_THROWS_WITH(bad(p), Catch::Contains("N = 33") && Catch::Contains("[1, L]"));
    p.N = 0;
    CHECK_THROWS_AS(bad(p), invalid_argument);
    p.N = 32;
    CHECK_NOTHROW(bad(p));  // N = L: the SO(3) sampling theorem still holds
    p.N = 1;
    p.spin = 32;
    CHECK_THROWS_AS(bad(p), invalid_argument);
    p.spin = 0;
    p.L = 1;
    CHECK_THROWS_WITH(bad(p), Catch::Contains("L = 1"));
}
