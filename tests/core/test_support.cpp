/// \file test_support.cpp
/// \brief Self-tests of the helpers in tests/support: transfers and comparisons, the
/// dot-product adjoint test and the finite-difference gradient checks must pass correct
/// operators and gradients and fail wrong ones.

#include <catch2/catch.hpp>

#include "support/adjoint.hpp"
#include "support/backends.hpp"
#include "support/finite_difference.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <vector>

using namespace sphaera;
using cd = std::complex<double>;

namespace {

/// A dense m×n row-major matrix with x ↦ Ax, y ↦ Aᴴy and (wrongly) y ↦ Aᵀy.
template <class T>
struct dense {
    std::size_t m, n;
    std::vector<T> a;
    std::vector<T> apply(const std::vector<T>& x) const {
        std::vector<T> y(m, T(0));
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j) y[i] += a[i * n + j] * x[j];
        return y;
    }
    std::vector<T> adjoint(const std::vector<T>& y, bool conjugate = true) const {
        std::vector<T> x(n, T(0));
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j) {
                T aij = a[i * n + j];
                if constexpr (is_complex_v<T>)
                    if (conjugate) aij = std::conj(aij);
                x[j] += aij * y[i];
            }
        return x;
    }
};

}  // namespace

TEST_CASE("upload and download round-trip on host backends", "[support]") {
    const auto v = test::uniform<cd>(37, 5);
    const auto a = test::upload<backend::serial>(v);
    const auto b = test::upload<backend::openmp>(v, backend::openmp{2});
    CHECK(test::download(a) == v);
    CHECK(test::download(b) == v);
    CHECK(test::download(b.cview().subview(3, 4)) == std::vector<cd>(v.begin() + 3, v.begin() + 7));
    CHECK(b.backend().threads == 2);
}

TEST_CASE("random inputs are reproducible and in range", "[support]") {
    const auto u = test::uniform<float>(1000, 3, -2.0f, 5.0f);
    CHECK(u == test::uniform<float>(1000, 3, -2.0f, 5.0f));
    CHECK(u != test::uniform<float>(1000, 4, -2.0f, 5.0f));
    CHECK(*std::min_element(u.begin(), u.end()) > -2.0f);
    CHECK(*std::max_element(u.begin(), u.end()) < 5.0f);
    // The offset selects a later part of the same stream.
    const auto tail = test::uniform<double>(10, 3, -1, 1, 5);
    const auto whole = test::uniform<double>(15, 3);
    CHECK(std::vector<double>(whole.begin() + 5, whole.end()) == tail);
    const auto z = test::normal<std::complex<float>>(4000, 9);
    double s2 = 0;
    for (auto x : z) s2 += std::norm(x);
    CHECK(s2 / 4000 == Approx(1.0).epsilon(0.1));
}

TEST_CASE("close() handles tolerances NaN and infinities", "[support]") {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    constexpr double inf = std::numeric_limits<double>::infinity();
    CHECK(test::close(1.0 + 4 * test::eps<double>, 1.0));
    CHECK_FALSE(test::close(1.0 + 16 * test::eps<double>, 1.0));
    CHECK(test::close(nan, nan));
    CHECK_FALSE(test::close(nan, 1.0));
    CHECK_FALSE(test::close(1.0, nan));
    CHECK(test::close(-inf, -inf));
    CHECK_FALSE(test::close(inf, -inf));
    CHECK_FALSE(test::close(1e308, inf));
    CHECK(test::close(cd(1, nan), cd(nan, 0)));
    CHECK(test::close(0.0, 1e-310));  // below the smallest normal: equal enough
    CHECK(test::close(1.0f + 4 * test::eps<float>, 1.0));
    CHECK(test::close(2.0, 1.0, 1.0, 1.5L));
}

TEST_CASE("adjoint test: a matrix and its conjugate transpose pass", "[support][adjoint]") {
    dense<cd> op{13, 9, test::normal<cd>(13 * 9, 1)};
    const auto x = test::normal<cd>(9, 2);
    const auto y = test::normal<cd>(13, 3);
    const auto apply = [&](const std::vector<cd>& v) { return op.apply(v); };
    const auto adjoint = [&](const std::vector<cd>& w) { return op.adjoint(w); };
    const auto r = test::adjoint_test(apply, adjoint, x, y);
    INFO(r);
    CHECK(r.passed);
    CHECK(r.error < 1e-14 * r.bound / 1e-12);

    SECTION("a transpose without conjugation fails") {
        const auto wrong = test::adjoint_test(
            apply, [&](const std::vector<cd>& w) { return op.adjoint(w, false); }, x, y);
        INFO(wrong);
        CHECK_FALSE(wrong.passed);
    }
    SECTION("a slightly perturbed adjoint fails") {
        auto bad = op;
        bad.a[17] += 1e-9;
        const auto wrong = test::adjoint_test(
            apply, [&](const std::vector<cd>& w) { return bad.adjoint(w); }, x, y);
        INFO(wrong);
        CHECK_FALSE(wrong.passed);
    }
    SECTION("buffers of a host backend work as well") {
        using B = backend::openmp;
        const auto xb = test::upload<B>(x);
        const auto yb = test::upload<B>(y);
        const auto rb = test::adjoint_test(
            [&](const buffer<cd, B>& v) { return test::upload<B>(op.apply(test::download(v))); },
            [&](const buffer<cd, B>& w) { return test::upload<B>(op.adjoint(test::download(w))); },
            xb, yb);
        INFO(rb);
        CHECK(rb.passed);
    }
}

TEST_CASE("adjoint test: real float matrix and NaN", "[support][adjoint]") {
    dense<float> op{20, 30, test::normal<float>(600, 4)};
    const auto x = test::normal<float>(30, 5);
    const auto y = test::normal<float>(20, 6);
    const auto r = test::adjoint_test([&](const auto& v) { return op.apply(v); },
                                      [&](const auto& w) { return op.adjoint(w); }, x, y);
    INFO(r);
    CHECK(r.passed);
    auto nan_op = op;
    nan_op.a[0] = std::numeric_limits<float>::quiet_NaN();
    const auto n = test::adjoint_test([&](const auto& v) { return nan_op.apply(v); },
                                      [&](const auto& w) { return nan_op.adjoint(w); }, x, y);
    CHECK_FALSE(n.passed);
}

TEST_CASE("adjoint test: a real-linear map in the real inner product", "[support][adjoint]") {
    // A: Rⁿ → Cⁿ, x ↦ x + i·Mx is only real-linear; in Re⟨·,·⟩ its adjoint is
    // y ↦ Re y + Mᵀ Im y.
    const std::size_t n = 11;
    dense<double> m{n, n, test::normal<double>(n * n, 7)};
    const auto x = test::normal<cd>(n, 8);  // only the real part is read
    std::vector<cd> xr(n);
    for (std::size_t i = 0; i < n; ++i) xr[i] = x[i].real();
    const auto y = test::normal<cd>(n, 9);
    const auto apply = [&](const std::vector<cd>& v) {
        std::vector<double> re(n);
        for (std::size_t i = 0; i < n; ++i) re[i] = v[i].real();
        const auto mi = m.apply(re);
        std::vector<cd> out(n);
        for (std::size_t i = 0; i < n; ++i) out[i] = cd(re[i], mi[i]);
        return out;
    };
    const auto adjoint = [&](const std::vector<cd>& w) {
        std::vector<double> im(n);
        for (std::size_t i = 0; i < n; ++i) im[i] = w[i].imag();
        const auto mt = m.adjoint(im);
        std::vector<cd> out(n);
        for (std::size_t i = 0; i < n; ++i) out[i] = w[i].real() + mt[i];
        return out;
    };
    const auto r = test::adjoint_test(apply, adjoint, xr, y, 1e-12, test::inner_product::real);
    INFO(r);
    CHECK(r.passed);
    const auto c = test::adjoint_test(apply, adjoint, xr, y, 1e-12, test::inner_product::complex);
    CHECK_FALSE(c.passed);
}

TEST_CASE("finite differences: gradient of a quadratic", "[support][fd]") {
    // f(x) = ½ xᵀQx + bᵀx with Q = MᵀM + I, ∇f = Qx + b.
    const std::size_t n = 8;
    const auto mm = test::normal<double>(n * n, 10);
    std::vector<double> q(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            for (std::size_t k = 0; k < n; ++k) q[i * n + j] += mm[k * n + i] * mm[k * n + j];
            if (i == j) q[i * n + j] += 1;
        }
    const auto b = test::normal<double>(n, 11);
    const auto f = [&](const std::vector<double>& x) {
        double s = 0;
        for (std::size_t i = 0; i < n; ++i) {
            s += b[i] * x[i];
            for (std::size_t j = 0; j < n; ++j) s += 0.5 * x[i] * q[i * n + j] * x[j];
        }
        return s;
    };
    const auto x = test::normal<double>(n, 12);
    std::vector<double> g(n);
    for (std::size_t i = 0; i < n; ++i) {
        g[i] = b[i];
        for (std::size_t j = 0; j < n; ++j) g[i] += q[i * n + j] * x[j];
    }
    const auto v = test::normal<double>(n, 13);

    const auto full = test::check_gradient(f, x, g);
    INFO(full);
    CHECK(full.passed);
    const auto along = test::check_gradient_along(f, x, g, v);
    INFO(along);
    CHECK(along.passed);

    // Dropping b, or a 1e-4 error in one component, must be caught.
    auto wrong = g;
    for (std::size_t i = 0; i < n; ++i) wrong[i] -= b[i];
    CHECK_FALSE(test::check_gradient(f, x, wrong).passed);
    CHECK_FALSE(test::check_gradient_along(f, x, wrong, v).passed);
    auto off = g;
    off[5] *= 1 + 1e-4;
    const auto r = test::check_gradient(f, x, off);
    CHECK_FALSE(r.passed);
    CHECK(r.index == 5);
    CHECK(r.failures == 1);
}

TEST_CASE("finite differences: logsumexp and its softmax gradient", "[support][fd]") {
    const std::size_t n = 50;
    // Evaluated by the library itself, so the check also exercises sphaera::logsumexp.
    const auto f = [](const std::vector<double>& x) {
        return logsumexp(backend::serial{}, test::upload<backend::serial>(x));
    };
    auto x = test::uniform<double>(n, 14, -3, 3);
    x[7] = 700;  // exp(700 + h) alone would be fine; exp of the sum would overflow
    x[9] = 699;
    const double l = f(x);
    std::vector<double> softmax(n), unnormalised(n);
    for (std::size_t i = 0; i < n; ++i) {
        softmax[i] = std::exp(x[i] - l);
        unnormalised[i] = std::exp(x[i] - 700);
    }
    const auto full = test::check_gradient(f, x, softmax);
    INFO(full);
    CHECK(full.passed);
    const auto v = test::normal<double>(n, 15);
    CHECK(test::check_gradient_along(f, x, softmax, v).passed);
    CHECK_FALSE(test::check_gradient(f, x, unnormalised).passed);
    CHECK_FALSE(test::check_gradient_along(f, x, unnormalised, v).passed);

    SECTION("single precision with its default tolerance") {
        // Moderate values: in float, f ≈ 700 would leave rounding of eps·700/h in the
        // difference quotient, larger than any useful tolerance.
        const auto xf = test::uniform<float>(n, 14, -3, 3);
        std::vector<float> sf(n);
        const auto ff = [](const std::vector<float>& y) {
            return logsumexp(backend::serial{}, test::upload<backend::serial>(y));
        };
        const float lf = ff(xf);
        for (std::size_t i = 0; i < n; ++i) sf[i] = std::exp(xf[i] - lf);
        const auto vf = test::normal<float>(n, 16);
        const auto r = test::check_gradient_along(ff, xf, sf, vf);
        INFO(r);
        CHECK(r.passed);
    }
}

TEST_CASE("finite differences: complex gradient conventions", "[support][fd]") {
    // f(z) = Σ wᵢ|zᵢ|² + Re Σ conj(cᵢ) zᵢ: ascent gradient 2wz + c, conjugate its conjugate.
    const std::size_t n = 6;
    const auto w = test::uniform<double>(n, 17, 0.5, 2);
    const auto c = test::normal<cd>(n, 18);
    const auto z = test::normal<cd>(n, 19);
    const auto f = [&](const std::vector<cd>& y) {
        double s = 0;
        for (std::size_t i = 0; i < n; ++i) s += w[i] * std::norm(y[i]) + (std::conj(c[i]) * y[i]).real();
        return s;
    };
    std::vector<cd> ascent(n), conjugate(n);
    for (std::size_t i = 0; i < n; ++i) {
        ascent[i] = 2 * w[i] * z[i] + c[i];
        conjugate[i] = std::conj(ascent[i]);
    }
    test::fd_options asc;
    asc.convention = test::complex_gradient::ascent;
    CHECK(test::check_gradient(f, z, conjugate).passed);
    CHECK(test::check_gradient(f, z, ascent, asc).passed);
    CHECK_FALSE(test::check_gradient(f, z, ascent).passed);
    CHECK_FALSE(test::check_gradient(f, z, conjugate, asc).passed);

    // DESIGN.md §5: the pullback of |z| is z̄/|z| (conjugate convention).
    const auto abs_sum = [](const std::vector<cd>& y) {
        double s = 0;
        for (auto v : y) s += std::abs(v);
        return s;
    };
    std::vector<cd> pullback(n);
    for (std::size_t i = 0; i < n; ++i) pullback[i] = std::conj(z[i]) / std::abs(z[i]);
    CHECK(test::check_gradient(abs_sum, z, pullback).passed);
}

TEST_CASE("finite differences: vector-Jacobian products", "[support][fd]") {
    // F(z) = z² elementwise (holomorphic): conjugate convention pullback u·2z, ascent
    // pullback u·conj(2z).
    const std::size_t n = 9;
    const auto z = test::normal<cd>(n, 20);
    const auto u = test::normal<cd>(n, 21);
    const auto v = test::normal<cd>(n, 22);
    const auto square = [](const std::vector<cd>& y) {
        std::vector<cd> out(y.size());
        for (std::size_t i = 0; i < y.size(); ++i) out[i] = y[i] * y[i];
        return out;
    };
    std::vector<cd> gc(n), ga(n);
    for (std::size_t i = 0; i < n; ++i) {
        gc[i] = u[i] * 2.0 * z[i];
        ga[i] = u[i] * std::conj(2.0 * z[i]);
    }
    test::fd_options asc;
    asc.convention = test::complex_gradient::ascent;
    const auto r = test::check_vjp(square, z, u, gc, v);
    INFO(r);
    CHECK(r.passed);
    CHECK(test::check_vjp(square, z, u, ga, v, asc).passed);
    CHECK_FALSE(test::check_vjp(square, z, u, ga, v).passed);
    CHECK_FALSE(test::check_vjp(square, z, u, gc, v, asc).passed);
}

TEST_CASE("finite differences: a claimed directional derivative", "[support][fd]") {
    const auto f = [](const std::vector<double>& x) { return std::sin(x[0]) * std::exp(x[1]); };
    const std::vector<double> x{0.3, -0.2}, v{1.0, 2.0};
    const double exact = std::cos(0.3) * std::exp(-0.2) + 2 * std::sin(0.3) * std::exp(-0.2);
    CHECK(test::check_directional_derivative(f, x, v, exact).passed);
    CHECK_FALSE(test::check_directional_derivative(f, x, v, exact * (1 + 1e-4)).passed);
    CHECK_FALSE(test::check_directional_derivative(
                    f, x, v, std::numeric_limits<double>::quiet_NaN())
                    .passed);
}
