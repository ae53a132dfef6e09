/// \file test_optim.cpp
/// \brief Adam and L-BFGS on standard functions: Rosenbrock, a quadratic with a known
/// minimiser, a badly conditioned quadratic; the line search's Wolfe conditions; bad input.

#include "sphaera/optim/adam.hpp"
#include "sphaera/optim/lbfgs.hpp"
#include "sphaera/optim/line_search.hpp"

#include <Eigen/QR>
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace sphaera;
using Eigen::VectorXd;

namespace {

/// Extended Rosenbrock Σ 100 (x_{2i+1} − x_{2i}²)² + (1 − x_{2i})², minimum 0 at (1, …, 1).
struct rosenbrock {
    int calls = 0;
    double operator()(const VectorXd& x, VectorXd& g) {
        ++calls;
        double f = 0;
        g.setZero();
        for (Eigen::Index i = 0; i + 1 < x.size(); i += 2) {
            const double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
            f += 100 * a * a + b * b;
            g[i] += -400 * a * x[i] - 2 * b;
            g[i + 1] += 200 * a;
        }
        return f;
    }
};

/// f = ½ (x − c)ᵀ A (x − c) with A = Q diag(λ) Qᵀ, minimiser c, condition number κ.
struct quadratic {
    Eigen::MatrixXd a;
    VectorXd c;
    quadratic(int n, double kappa, unsigned seed) {
        Eigen::MatrixXd m(n, n);
        // A deterministic pseudo-random orthogonal Q from the QR of a fixed matrix.
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) m(i, j) = std::sin(1.0 + seed + 3.7 * i + 1.3 * j * j);
        Eigen::MatrixXd q = Eigen::HouseholderQR<Eigen::MatrixXd>(m).householderQ();
        VectorXd lam(n);
        for (int i = 0; i < n; ++i) lam[i] = std::pow(kappa, double(i) / std::max(1, n - 1));
        a = q * lam.asDiagonal() * q.transpose();
        c.resize(n);
        for (int i = 0; i < n; ++i) c[i] = std::cos(2.0 * i + seed);
    }
    double operator()(const VectorXd& x, VectorXd& g) const {
        const VectorXd d = x - c;
        g = a * d;
        return 0.5 * d.dot(g);
    }
};

}  // namespace

TEST_CASE("L-BFGS finds the Rosenbrock minimum", "[optim][lbfgs]") {
    for (int n : {2, 10}) {
        rosenbrock f;
        VectorXd x0(n);
        for (int i = 0; i < n; ++i) x0[i] = i % 2 == 0 ? -1.2 : 1.0;
        optim::lbfgs_options o;
        o.gtol = 1e-10;
        o.ftol = 0;
        const auto r = optim::minimize_lbfgs(f, x0, o);
        INFO("n = " << n << ", status " << optim::to_string(r.reason) << ", iterations "
                    << r.iterations);
        CHECK(r.reason == optim::status::gradient_tolerance);
        CHECK((r.x - VectorXd::Ones(n)).cwiseAbs().maxCoeff() < 1e-8);
        CHECK(r.value < 1e-16);
        CHECK(r.iterations < 100 * n);
        CHECK(r.evaluations == f.calls);
    }
}

TEST_CASE("L-BFGS solves quadratics, well and badly conditioned", "[optim][lbfgs]") {
    struct setup {
        double kappa;
        int memory;
        double c2;
        int max_iterations;
    };
    // κ = 1e6: with m ≥ n and a nearly exact line search L-BFGS reproduces CG and ends in
    // ~n steps; with loose Wolfe steps it needs many more (a property of the method).
    for (setup s : {setup{1.0, 10, 0.9, 10}, setup{10.0, 10, 0.9, 100}, setup{1e4, 10, 0.9, 3000},
                    setup{1e6, 20, 0.01, 200}}) {
        quadratic q(20, s.kappa, 3);
        optim::lbfgs_options o;
        // The gradient's rounding floor is ~ eps·λ_max·‖x‖ = 1e-10 at κ = 1e6.
        o.gtol = 1e-9;
        o.ftol = 0;
        o.memory = s.memory;
        o.line_search.c2 = s.c2;
        o.max_iterations = s.max_iterations;
        const auto r = optim::minimize_lbfgs(q, VectorXd::Zero(20), o);
        INFO("kappa = " << s.kappa << ", iterations " << r.iterations << ", "
                        << optim::to_string(r.reason));
        CHECK(r.reason == optim::status::gradient_tolerance);
        // ‖x − c‖₂ ≤ ‖∇f‖₂ / λ_min with λ_min = 1.
        CHECK((r.x - q.c).norm() < 1e-9 * std::sqrt(20.0) * 1.01);
        if (s.kappa == 1.0) CHECK(r.iterations <= 2);  // γ-scaled step is exact for A = I
    }
}

TEST_CASE("Adam minimises a quadratic and Rosenbrock", "[optim][adam]") {
    quadratic q(5, 10.0, 1);
    optim::adam_options o;
    o.learning_rate = 0.05;
    o.max_iterations = 20000;
    o.gtol = 1e-8;
    const auto r = optim::minimize_adam(q, VectorXd::Zero(5), o);
    CHECK(r.reason == optim::status::gradient_tolerance);
    CHECK((r.x - q.c).cwiseAbs().maxCoeff() < 1e-7);

    rosenbrock f;
    VectorXd x0(2);
    x0 << -1.2, 1.0;
    o.learning_rate = 0.01;
    o.max_iterations = 40000;
    o.gtol = 1e-6;
    const auto rr = optim::minimize_adam(f, x0, o);
    INFO(optim::to_string(rr.reason) << " after " << rr.iterations);
    CHECK((rr.x - VectorXd::Ones(2)).cwiseAbs().maxCoeff() < 1e-3);
}

TEST_CASE("Adam's first step has length α in every coordinate", "[optim][adam]") {
    // With bias correction, m̂₁ = g and v̂₁ = g², so the first step is −α sign(g) (up to ε).
    optim::adam stepper(3, {.learning_rate = 0.1});
    VectorXd x = VectorXd::Zero(3), g(3);
    g << 2.0, -1e-3, 5.0;
    stepper.step(x, g);
    CHECK(x[0] == Approx(-0.1).epsilon(1e-6));
    CHECK(x[1] == Approx(0.1).epsilon(1e-4));
    CHECK(x[2] == Approx(-0.1).epsilon(1e-6));
    CHECK_THROWS_AS(stepper.step(x, VectorXd::Zero(2)), shape_mismatch);
}

TEST_CASE("The line search returns a strong-Wolfe point", "[optim][line_search]") {
    rosenbrock f;
    VectorXd x(2), g(2), xo(2), go(2);
    x << -1.2, 1.0;
    const double f0 = f(x, g);
    const VectorXd p = -g;
    for (double a0 : {1e-4, 1.0, 100.0}) {
        optim::line_search_options o;
        const auto ls = optim::strong_wolfe_search(f, x, f0, g, p, a0, xo, go, o);
        REQUIRE(ls.wolfe);
        CHECK(ls.value <= f0 + o.c1 * ls.alpha * g.dot(p));
        CHECK(std::abs(go.dot(p)) <= o.c2 * std::abs(g.dot(p)));
        CHECK((xo - (x + ls.alpha * p)).norm() < 1e-14);
    }
}

TEST_CASE("Optimisers reject bad input clearly", "[optim][errors]") {
    quadratic q(2, 1.0, 0);
    VectorXd bad(2);
    bad << 0.0, std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_AS(optim::minimize_lbfgs(q, bad), non_finite);
    CHECK_THROWS_WITH(optim::minimize_adam(q, bad), Catch::Contains("x0[1]"));
    auto nan_f = [](const VectorXd&, VectorXd& g) {
        g.setZero();
        return std::numeric_limits<double>::infinity();
    };
    CHECK_THROWS_AS(optim::minimize_lbfgs(nan_f, VectorXd::Zero(2)), non_finite);
    CHECK_THROWS_AS(optim::minimize_lbfgs(q, VectorXd::Zero(2), {.memory = 0}), invalid_argument);
    CHECK_THROWS_AS(optim::minimize_adam(q, VectorXd::Zero(2), {.learning_rate = -1}),
                    invalid_argument);
    optim::lbfgs_options o;
    o.line_search.c1 = 0.95;
    CHECK_THROWS_WITH(optim::minimize_lbfgs(q, VectorXd::Zero(2), o), Catch::Contains("c1"));
}
