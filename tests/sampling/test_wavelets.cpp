// Daubechies filters (sum, orthonormality, vanishing moments to 1e-14) and the periodised
// 2-D transform: analysis is the adjoint and the inverse of synthesis (1e-12), errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include "sampling/op_check.hpp"
#include "sphaera/sampling/wavelets.hpp"

using namespace sphaera;
using namespace sphaera::sampling;

TEST_CASE("Daubechies filters satisfy their defining identities", "[sampling][wavelets]") {
    for (int order = 1; order <= 8; ++order) {
        INFO("db" << order);
        const auto h = daubechies_filter(order);
        const std::size_t len = h.size();
        REQUIRE(len == 2 * static_cast<std::size_t>(order));
        long double s = 0;
        for (double v : h) s += v;
        CHECK(std::abs(s - std::numbers::sqrt2_v<long double>) < 1e-14);
        // Σ h_k h_{k+2n} = δ_n.
        for (std::size_t n = 0; 2 * n < len; ++n) {
            long double c = 0;
            for (std::size_t k = 0; k + 2 * n < len; ++k) c += (long double)h[k] * h[k + 2 * n];
            CHECK(std::abs(c - (n == 0 ? 1.0L : 0.0L)) < 1e-14);
        }
        // N vanishing moments of g_k = (−1)^k h_{2N−1−k}: Σ g_k k^p = 0, p < N, measured
        // against Σ |g_k k^p| (k counted from the filter centre, to keep the scale small).
        for (int p = 0; p < order; ++p) {
            long double m = 0, scale = 0;
            for (std::size_t k = 0; k < len; ++k) {
                const long double g = (k % 2 == 0 ? 1 : -1) * (long double)h[len - 1 - k];
                const long double t = std::pow((long double)k - (len - 1) / 2.0L, p);
                m += g * t;
                scale += std::abs(g * t);
            }
            INFO("moment " << p << " = " << (double)m << " scale " << (double)scale);
            CHECK(std::abs(m) < 1e-14 * scale);
        }
    }
    CHECK_THROWS_AS(daubechies_filter(0), invalid_argument);
    CHECK_THROWS_AS(daubechies_filter(9), invalid_argument);
}

TEST_CASE("2-D wavelet analysis is the adjoint and inverse of synthesis", "[sampling][wavelets]") {
    struct cfg { image_shape s; int levels; };
    for (cfg c : {cfg{{16, 16}, 3}, cfg{{8, 24}, 3}, cfg{{12, 20}, 2}, cfg{{4, 4}, 2}, cfg{{6, 2}, 1}, cfg{{8, 8}, 0}}) {
        for (int order = 1; order <= 8; ++order) {
            INFO("db" << order << " on " << c.s.ny << " x " << c.s.nx << ", " << c.levels << " levels");
            wavelet_basis w(c.s, order, c.levels);
            auto r = test_support::adjoint_check(w, 20 + order);
            INFO(r);
            CHECK(r.passed);
            const auto x = sphaera::test::normal<double>(c.s.size(), 3);
            std::vector<double> coef(x.size()), back(x.size());
            w.analysis(as_view(x), as_view(coef));
            w.synthesis(as_view(coef), as_view(back));
            CHECK(test_support::max_abs_diff(back, x) < 1e-12);
            // Orthonormal: ‖Ψᵀx‖ = ‖x‖, and synthesis then analysis is the identity too.
            double nx = 0, nc = 0;
            for (std::size_t i = 0; i < x.size(); ++i) { nx += x[i] * x[i]; nc += coef[i] * coef[i]; }
            CHECK(std::abs(nx - nc) < 1e-12 * nx);
            w.synthesis(as_view(x), as_view(back));
            w.analysis(as_view(back), as_view(back));  // in place
            CHECK(test_support::max_abs_diff(back, x) < 1e-12);
        }
    }
}

TEST_CASE("Haar analysis of a constant image leaves only the coarse coefficient", "[sampling][wavelets]") {
    wavelet_basis w({8, 8}, 1, 3);
    std::vector<double> x(64, 1.0), c(64);
    w.analysis(as_view(x), as_view(c));
    CHECK(std::abs(c[0] - 8.0) < 1e-13);  // ⟨1, 1/8⟩·64 = ‖1‖ = 8
    for (std::size_t i = 1; i < 64; ++i) CHECK(std::abs(c[i]) < 1e-13);
}

TEST_CASE("wavelet bases reject shapes not divisible by 2^levels", "[sampling][wavelets][errors]") {
    CHECK_THROWS_AS(wavelet_basis({12, 16}, 4, 3), invalid_argument);
    CHECK_THROWS_WITH(wavelet_basis({12, 16}, 4, 3), Catch::Contains("2^levels = 8"));
    CHECK_THROWS_AS(wavelet_basis({16, 16}, 9, 2), invalid_argument);
    CHECK_THROWS_AS(wavelet_basis({16, 16}, 2, -1), invalid_argument);
    wavelet_basis w({8, 8}, 2, 2);
    std::vector<double> x(63), c(64);
    CHECK_THROWS_AS(w.analysis(as_view(x), as_view(c)), shape_mismatch);
}

TEST_CASE("2-D wavelet analysis matches the direct periodised filter formula", "[sampling][wavelets]") {
    // The transform is evaluated in polyphase, row-blocked form; check it against the
    // textbook a_k = Σ_m h_m x_{(2k+m) mod n}, d_k = Σ_m g_m x_{(2k+m) mod n} applied to
    // every row, then every column, level by level (including n shorter than the filter).
    struct cfg { image_shape s; int levels; };
    for (cfg c : {cfg{{32, 16}, 3}, cfg{{12, 20}, 2}, cfg{{6, 2}, 1}}) {
        for (int order : {1, 2, 5, 8}) {
            INFO("db" << order << " on " << c.s.ny << " x " << c.s.nx);
            const auto h = daubechies_filter(order);
            const std::size_t len = h.size();
            std::vector<double> g(len);
            for (std::size_t m = 0; m < len; ++m) g[m] = (m % 2 == 0 ? 1.0 : -1.0) * h[len - 1 - m];
            auto ref = sphaera::test::normal<double>(c.s.size(), 11);
            const auto x = ref;
            auto level = [&](std::size_t start, std::size_t stride, std::size_t n) {
                std::vector<double> in(n), out(n);
                for (std::size_t k = 0; k < n; ++k) in[k] = ref[start + k * stride];
                for (std::size_t k = 0; k < n / 2; ++k) {
                    double a = 0, d = 0;
                    for (std::size_t m = 0; m < len; ++m) {
                        a += h[m] * in[(2 * k + m) % n];
                        d += g[m] * in[(2 * k + m) % n];
                    }
                    out[k] = a;
                    out[n / 2 + k] = d;
                }
                for (std::size_t k = 0; k < n; ++k) ref[start + k * stride] = out[k];
            };
            std::size_t hh = c.s.ny, ww = c.s.nx;
            for (int l = 0; l < c.levels; ++l, hh /= 2, ww /= 2) {
                for (std::size_t i = 0; i < hh; ++i) level(i * c.s.nx, 1, ww);
                for (std::size_t j = 0; j < ww; ++j) level(j, c.s.nx, hh);
            }
            wavelet_basis w(c.s, order, c.levels);
            std::vector<double> coef(x.size());
            w.analysis(as_view(x), as_view(coef));
            CHECK(test_support::max_abs_diff(coef, ref) < 1e-12);
        }
    }
}
