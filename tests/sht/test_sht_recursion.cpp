// The Wigner-d / spin-weighted harmonic recurrence against closed forms, Wigner's explicit
// sum, the eth raising relation (which fixes the spin sign), orthonormality and stability.
#include <catch2/catch.hpp>

#include <sphaera/sht/quadrature.hpp>
#include <sphaera/sht/wigner_recursion.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "sht/sht_reference.hpp"

using namespace sphaera;
using std::numbers::pi;

TEST_CASE("spin-0 values match closed-form Y_lm (Condon-Shortley phase)", "[sht][recursion]") {
    for (double th : {0.0, 1e-3, 0.3, 1.0, pi / 2, 2.5, pi - 1e-4, pi}) {
        const double c = std::cos(th), s = std::sin(th);
        auto y = [&](int m) { return sht::normalized_wigner_d(5, m, 0, th); };
        INFO("theta = " << th);
        CHECK(y(0)[0] == Approx(1 / std::sqrt(4 * pi)).epsilon(1e-15));
        CHECK(y(0)[1] == Approx(std::sqrt(3 / (4 * pi)) * c).margin(1e-15));
        CHECK(y(1)[1] == Approx(-std::sqrt(3 / (8 * pi)) * s).margin(1e-15));
        CHECK(y(-1)[1] == Approx(std::sqrt(3 / (8 * pi)) * s).margin(1e-15));
        CHECK(y(0)[2] == Approx(std::sqrt(5 / (16 * pi)) * (3 * c * c - 1)).margin(1e-15));
        CHECK(y(1)[2] == Approx(-std::sqrt(15 / (8 * pi)) * s * c).margin(1e-15));
        CHECK(y(2)[2] == Approx(std::sqrt(15 / (32 * pi)) * s * s).margin(1e-15));
        CHECK(y(3)[3] == Approx(-std::sqrt(35 / (64 * pi)) * s * s * s).margin(1e-15));
        CHECK(y(0)[4] == Approx(3 / (16 * std::sqrt(pi)) * (35 * c * c * c * c - 30 * c * c + 3)).margin(1e-14));
        CHECK(y(4)[0] == 0.0);  // below l0 = |m|
    }
}

TEST_CASE("normalized_wigner_d matches Wigner's explicit sum for all m, n, small l", "[sht][recursion]") {
    const int L = 12;
    double worst = 0;
    for (double th : {0.0, 0.01, 0.7, pi / 2, 2.2, pi - 0.01, pi}) {
        for (int n = -(L - 1); n <= L - 1; ++n)
            for (int m = -(L - 1); m <= L - 1; ++m) {
                const auto v = sht::normalized_wigner_d(L, m, n, th);
                for (int l = 0; l < L; ++l) {
                    const long double ref = std::sqrt((2 * l + 1) / (4 * std::numbers::pi_v<long double>)) *
                                            test::wigner_d_reference(l, m, n, th);
                    worst = std::max(worst, double(std::abs(v[std::size_t(l)] - ref)));
                }
            }
    }
    INFO("max |recursion - explicit sum| = " << worst);
    CHECK(worst < 1e-13);
}

TEST_CASE("spin sign: s+1Y = -(d_theta - s cot - m csc) sY / sqrt((l-s)(l+s+1)) (eth raising)",
          "[sht][recursion]") {
    // ð η = −sin^s θ (∂θ + i cscθ ∂φ)(sin^{−s}θ η) raises spin (Newman & Penrose; ssht).
    const int L = 9;
    const double h = 1e-5;
    for (int s : {-2, -1, 0, 1, 2}) {
        for (int m = -(L - 1); m <= L - 1; ++m) {
            for (double th : {0.4, 1.3, 2.6}) {
                auto sy = [&](int spin, double t) {  // ₛY_ℓm(θ, 0) for all ℓ
                    auto v = sht::normalized_wigner_d(L, m, -spin, t);
                    if (spin % 2 != 0)
                        for (auto& x : v) x = -x;
                    return v;
                };
                const auto y = sy(s, th), yp = sy(s, th + h), ym = sy(s, th - h), up = sy(s + 1, th);
                for (int l = std::max({std::abs(m), std::abs(s), std::abs(s + 1)}); l < L; ++l) {
                    const auto i = std::size_t(l);
                    const double d = (yp[i] - ym[i]) / (2 * h);
                    const double eth = -(d - s / std::tan(th) * y[i] - m / std::sin(th) * y[i]);
                    INFO("s = " << s << ", l = " << l << ", m = " << m << ", theta = " << th);
                    CHECK(eth / std::sqrt(double((l - s) * (l + s + 1))) == Approx(up[i]).margin(1e-8));
                }
            }
        }
    }
}

TEST_CASE("orthonormality under Gauss-Legendre quadrature", "[sht][recursion]") {
    const int L = 40;
    const auto q = sht::gauss_legendre_rule(L);
    for (int n : {0, 1, -2, 3}) {
        for (int m : {-39, -7, 0, 3, 39}) {
            std::vector<std::vector<double>> vals;
            for (double th : q.theta) vals.push_back(sht::normalized_wigner_d(L, m, n, th));
            double worst = 0;
            for (int l1 = 0; l1 < L; ++l1)
                for (int l2 = 0; l2 < L; ++l2) {
                    double sum = 0;
                    for (std::size_t r = 0; r < q.theta.size(); ++r)
                        sum += 2 * pi * q.weight[r] * vals[r][std::size_t(l1)] * vals[r][std::size_t(l2)];
                    const bool present = l1 >= std::max(std::abs(m), std::abs(n));
                    const double expect = (l1 == l2 && present) ? 1.0 : 0.0;
                    worst = std::max(worst, std::abs(sum - expect));
                }
            INFO("n = " << n << ", m = " << m << ": max deviation from identity " << worst);
            CHECK(worst < 1e-13);
        }
    }
}

TEST_CASE("stable to L = 8192: sum_m |sY_lm|^2 = (2l+1)/4pi near poles and equator",
          "[sht][recursion][stability]") {
    const int L = 8192;
    // The three-term recurrence is neutral at x = 1, so rounding errors grow like ε ℓ^{3/2}
    // in the m ≈ 0 columns on the rings nearest a pole (1e−10 at θ = π/2L, L = 8192, also in
    // quad-precision comparisons); elsewhere the sum rule holds to 1e−12.
    struct point { int n; double theta, tol; };
    for (const point p : {point{0, pi / (2 * L), 5e-10}, point{0, pi / 2 + 0.001, 1e-12},
                          point{-2, 0.05, 1e-12}, point{-2, pi - 1e-3, 1e-10}}) {
        const int n = p.n;
        const double th = p.theta;
        const auto sd = sht::detail::make_start_data(L, n);
        std::vector<sht::detail::rec_coef> coef(std::size_t(L) * 1);
        {
            const auto t = sht::detail::make_ring_trig(th);
            std::vector<long double> sum(std::size_t(L), 0.0L);
            bool finite = true;
            for (int m = -(L - 1); m <= L - 1; ++m) {
                const auto& d = sd[std::size_t(m + L - 1)];
                sht::detail::fill_coefficients(m, n, d.l0, L, coef.data());
                auto st = sht::detail::start_ring(d, coef.data(), L, t);
                for (int l = st.l; l < L; ++l) {
                    finite = finite && std::isfinite(st.lam1);
                    sum[std::size_t(l)] += static_cast<long double>(st.lam1) * st.lam1;
                    if (l + 1 < L) {
                        const auto& c = coef[std::size_t(l)];
                        const double nv = sht::detail::step_factor(c, t) * st.lam1 - c.c * st.lam0;
                        st.lam0 = st.lam1;
                        st.lam1 = nv;
                    }
                }
            }
            CHECK(finite);
            double worst = 0;
            for (int l = std::abs(n); l < L; l += 97) {
                const double expect = (2 * l + 1) / (4 * pi);
                worst = std::max(worst, double(std::abs(sum[std::size_t(l)] - expect) / expect));
            }
            const double expect = (2 * (L - 1) + 1) / (4 * pi);
            worst = std::max(worst, double(std::abs(sum[std::size_t(L - 1)] - expect) / expect));
            INFO("n = " << n << ", theta = " << th << ": max relative error of the sum rule " << worst);
            CHECK(worst < p.tol);
        }
    }
}

TEST_CASE("normalized_wigner_d rejects bad arguments", "[sht][recursion][errors]") {
    CHECK_THROWS_AS(sht::normalized_wigner_d(0, 0, 0, 1.0), invalid_argument);
    CHECK_THROWS_AS(sht::normalized_wigner_d(4, 4, 0, 1.0), invalid_argument);
    CHECK_THROWS_AS(sht::normalized_wigner_d(4, 0, -4, 1.0), invalid_argument);
    CHECK_THROWS_WITH(sht::normalized_wigner_d(4, 5, 0, 1.0), Catch::Contains("m = 5") && Catch::Contains("[-3, 3]"));
}
