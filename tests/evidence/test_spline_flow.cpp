/// \file test_spline_flow.cpp
/// \brief Rational-quadratic spline flow target: finite-difference checks of every layer
/// (the spline element in x and in its raw parameters, the knot map, the coupling layer,
/// the training loss and ∇θ ln φ), exact inverses (element, layer, whole flow),
/// normalisation at T < 1, and exact Gaussian (d = 2, 5) and Rosenbrock evidences.

#include "sphaera/evidence/estimator.hpp"
#include "sphaera/evidence/spline_flow.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "evidence/models.hpp"
#include "support/finite_difference.hpp"

using namespace sphaera;
using namespace sphaera::evidence;
using namespace sphaera::test::evidence;
using sphaera::evidence::detail::rq_spline;
using sphaera::test::check_gradient;

namespace {

std::vector<double> to_std(const Eigen::VectorXd& v) { return {v.data(), v.data() + v.size()}; }
std::vector<double> to_std(const Eigen::MatrixXd& v) { return {v.data(), v.data() + v.size()}; }
Eigen::VectorXd to_eigen(const std::vector<double>& v) {
    return Eigen::Map<const Eigen::VectorXd>(v.data(), Eigen::Index(v.size()));
}
/// Pseudo-random vector in [−1, 1] of size n (Philox stream).
Eigen::VectorXd random_vector(Eigen::Index n, std::uint64_t seed) {
    Eigen::VectorXd v(n);
    for (Eigen::Index i = 0; i < n; ++i) v[i] = 2 * uniform<double>(seed, std::uint64_t(i)) - 1;
    return v;
}
Eigen::MatrixXd random_matrix(Eigen::Index r, Eigen::Index c, std::uint64_t seed) {
    return Eigen::Map<const Eigen::MatrixXd>(random_vector(r * c, seed).data(), r, c);
}

}  // namespace

TEST_CASE("rational-quadratic spline: derivative, pullback and exact inverse",
          "[evidence][spline][gradient]") {
    const rq_spline s(6, 3.0);
    const Eigen::VectorXd raw = 2.5 * random_vector(s.raw_size(), 21);  // far from identity
    const Eigen::MatrixXd q = s.knots(raw);
    CHECK(q.topRows(6).sum() == Approx(6.0).epsilon(1e-14));  // widths fill [−B, B]
    CHECK(q.middleRows(6, 6).sum() == Approx(6.0).epsilon(1e-14));
    CHECK(q.bottomRows(5).minCoeff() > rq_spline::min_derivative);
    // The identity at raw = 0 (zero output layer of a new conditioner).
    const Eigen::MatrixXd q0 = s.knots(Eigen::VectorXd::Zero(s.raw_size()));
    double ld0 = 0;
    CHECK(s.forward(q0.data(), 1.234, ld0) == Approx(1.234).epsilon(1e-14));
    CHECK(std::abs(ld0) < 1e-13);

    for (double x : {-4.0, -2.91, -1.7, -0.33, 0.05, 0.71, 1.9, 2.95, 3.5}) {
        INFO("x = " << x);
        // dy/dx = exp(ln g') by central differences in x.
        auto y_of_x = [&](const std::vector<double>& v) {
            double ld = 0;
            return s.forward(q.data(), v[0], ld);
        };
        double ld = 0;
        const double y = s.forward(q.data(), x, ld);
        const auto rx = check_gradient(y_of_x, std::vector<double>{x}, std::vector<double>{std::exp(ld)});
        INFO(rx);
        CHECK(rx.passed);
        CHECK(std::abs(s.inverse(q.data(), y) - x) < 1e-12);
        // ℓ = a·y + b·ln g' through knots(raw): gradient in (raw, x).
        const double a = 0.7, b = -1.3;
        auto ell = [&](const std::vector<double>& v) {
            const Eigen::MatrixXd qq = s.knots(to_eigen(std::vector<double>(v.begin(), v.end() - 1)));
            double l = 0;
            const double yy = s.forward(qq.data(), v.back(), l);
            return a * yy + b * l;
        };
        Eigen::MatrixXd gq = Eigen::MatrixXd::Zero(s.raw_size(), 1);
        const double gx = s.backward(q.data(), x, a, b, gq.data());
        std::vector<double> v0 = to_std(raw), g0 = to_std(Eigen::MatrixXd(s.knots_backward(raw, q, gq)));
        v0.push_back(x);
        g0.push_back(gx);
        const auto rp = check_gradient(ell, v0, g0);
        INFO(rp);
        CHECK(rp.passed);
    }
    // Exact inverse on a dense grid, tails included.
    double worst = 0;
    for (int i = 0; i <= 2000; ++i) {
        const double x = -4 + 8.0 * i / 2000;
        double l = 0;
        worst = std::max(worst, std::abs(s.inverse(q.data(), s.forward(q.data(), x, l)) - x));
    }
    CHECK(worst < 1e-12);
    CHECK_THROWS_AS(rq_spline(1, 3.0), invalid_argument);
    CHECK_THROWS_AS(rq_spline(8, 0.0), invalid_argument);
}

namespace {

/// rq_spline::forward_block on n samples with raw parameters \p raw (n, 3K − 1) in
/// precision T, against the all-knots column path: knots() of the same raw values (as
/// double), then forward_slope per sample. Returns (max |Δy|, max |Δ ln g'|).
template <class T>
std::pair<double, double> block_vs_columns(const rq_spline& s, const Eigen::Matrix<T, -1, -1>& raw,
                                           const Eigen::VectorXd& x) {
    Eigen::VectorXd y = x;
    Eigen::ArrayXd slope = Eigen::ArrayXd::Constant(x.size(), 2.0);  // multiplied into
    s.forward_block(raw, y, slope);
    const Eigen::MatrixXd q = s.knots(raw.template cast<double>().transpose());
    double dy = 0, dl = 0;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
        double g = 2.0;
        const double yr = s.forward_slope(q.col(i).data(), x[i], g);
        dy = std::max(dy, std::abs(y[i] - yr));
        dl = std::max(dl, std::abs(std::log(slope[i]) - std::log(g)));
    }
    return {dy, dl};
}

/// Test points for a spline of bound B with raw parameters \p raw (n, 3K − 1): random in
/// [−1.4B, 1.4B] (a fifth outside the bound), every interior knot exactly (as knots and
/// locate form it), ±B, and values far out.
Eigen::VectorXd spline_points(const rq_spline& s, const Eigen::MatrixXd& raw, std::uint64_t seed) {
    const Eigen::Index n = raw.rows();
    Eigen::VectorXd x = 1.4 * s.bound() * random_vector(n, seed);
    const Eigen::MatrixXd q = s.knots(raw.transpose());
    for (Eigen::Index i = 0; i < n; i += 3) {  // a knot of this sample's own spline
        const int j = int(i / 3) % (s.bins() + 1);
        double edge = -s.bound();
        for (int r = 0; r < j; ++r) edge += q(r, i);
        x[i] = edge;
    }
    const double special[] = {s.bound(), -s.bound(), 1e300, -1e300};
    for (Eigen::Index i = 1, c = 0; i < n && c < 4; i += 3, ++c) x[i] = special[c];
    return x;
}

}  // namespace

TEST_CASE("rational-quadratic spline: blocked path (softplus for the bin's two derivatives "
          "only) equals the all-knots path",
          "[evidence][spline][blocked]") {
    for (int k : {2, 3, 8, 17}) {
        const rq_spline s(k, 3.0);
        // 16-sample chunks plus a partial one; raw parameters far from the identity.
        for (Eigen::Index n : {Eigen::Index(5), Eigen::Index(16 * 3 + 7)}) {
            const Eigen::MatrixXd raw = 2.5 * random_matrix(n, s.raw_size(), 30 + std::uint64_t(k));
            const Eigen::VectorXd x = spline_points(s, raw, 40 + std::uint64_t(k));
            const auto [dy, dl] = block_vs_columns<double>(s, raw, x);
            INFO("K = " << k << ", n = " << n << ": max |dy| = " << dy << ", max |d ln g'| = " << dl);
            CHECK(dy <= 1e-12);
            CHECK(dl <= 1e-12);
            // Float raw outputs (a single-precision conditioner), |θ| ≤ 1 as for a
            // trained flow: the knots are formed in float (softmax sums in double), so
            // y moves by the float rounding of knot positions, ε_f B ≈ 2e-7 (times the
            // slope), and ln g' by that relative to the narrowest bin (here ≥ 2B/(K e²)),
            // times the log-slope's sensitivity to ξ: ≲ 1e-5 for K ≤ 17 (measured ≤ 9e-6).
            const Eigen::MatrixXf rawf = (0.4 * raw).cast<float>();
            const auto [fy, fl] = block_vs_columns<float>(s, rawf, x);
            INFO("float: max |dy| = " << fy << ", max |d ln g'| = " << fl);
            CHECK(fy <= 1e-5);
            CHECK(fl <= 5e-5);
        }
    }
    // A NaN parameter reaches the output instead of being lost in the softmax's max.
    const rq_spline s(4, 2.0);
    Eigen::MatrixXd raw = random_matrix(3, s.raw_size(), 50);
    raw(0, 1) = std::numeric_limits<double>::quiet_NaN();  // a width term
    raw(1, 5) = std::numeric_limits<double>::quiet_NaN();  // a height term
    Eigen::VectorXd y = Eigen::VectorXd::Constant(3, 0.3);
    Eigen::ArrayXd slope = Eigen::ArrayXd::Ones(3);
    s.forward_block(raw, y, slope);
    CHECK(std::isnan(y[0]));
    CHECK(std::isnan(y[1]));
    CHECK(std::isfinite(y[2]));
}

TEST_CASE("spline coupling layer gradients and inverse", "[evidence][spline][gradient]") {
    const rq_spline spline(5, 2.5);
    for (bool flip : {false, true}) {
        const evidence::detail::spline_coupling c(5, flip, {6}, spline, 0);
        const Eigen::VectorXd p = 1.5 * random_vector(c.net().size(), 4);
        const Eigen::MatrixXd z = 2.2 * random_matrix(5, 3, 5);
        const Eigen::MatrixXd w = random_matrix(5, 3, 6);
        const Eigen::VectorXd wl = random_vector(3, 7);
        // ℓ = Σ w ⊙ f(z) + Σ wl ⊙ ln|det|.
        auto ell = [&](const double* q, const Eigen::MatrixXd& zz) {
            Eigen::VectorXd ld = Eigen::VectorXd::Zero(3);
            const Eigen::MatrixXd u = c.forward(q, zz, ld);
            return (w.array() * u.array()).sum() + wl.dot(ld);
        };
        evidence::detail::spline_coupling::tape t;
        Eigen::VectorXd ld = Eigen::VectorXd::Zero(3);
        const Eigen::MatrixXd u = c.forward(p.data(), z, ld, &t);
        Eigen::VectorXd gp = Eigen::VectorXd::Zero(p.size());
        const Eigen::MatrixXd gz = c.backward(p.data(), w, wl, t, gp.data());
        const auto rp = check_gradient([&](const std::vector<double>& q) { return ell(q.data(), z); },
                                       to_std(p), to_std(gp));
        INFO("flip " << flip << ": " << rp);
        CHECK(rp.passed);
        const auto rz = check_gradient(
            [&](const std::vector<double>& q) {
                return ell(p.data(), Eigen::Map<const Eigen::MatrixXd>(q.data(), 5, 3));
            },
            to_std(z), to_std(gz));
        INFO("flip " << flip << ": " << rz);
        CHECK(rz.passed);
        CHECK((c.inverse(p.data(), u) - z).cwiseAbs().maxCoeff() < 1e-12);
    }
}

TEST_CASE("spline flow loss and ln phi gradients; inverse; normalisation at T < 1",
          "[evidence][spline][gradient]") {
    const gaussian_model g(2, 9);
    const auto sp = split_chains(g.sample(6, 400, 3), 0.5);
    spline_flow flow(sp.training, {.layers = 3, .bins = 5, .hidden = {8}, .epochs = 2,
                                   .temperature = 0.7});
    flow.parameters() += 0.5 * random_vector(flow.parameters().size(), 8);  // off the identity
    const Eigen::MatrixXd z = 1.5 * random_matrix(2, 7, 9);
    Eigen::VectorXd grad;
    (void)flow.loss(z, &grad);
    const Eigen::VectorXd p0 = flow.parameters();
    auto f = [&](const std::vector<double>& q) {
        flow.parameters() = to_eigen(q);
        const double v = flow.loss(z, nullptr);
        flow.parameters() = p0;
        return v;
    };
    const auto rl = check_gradient(f, to_std(p0), to_std(grad));
    INFO(rl);
    CHECK(rl.passed);

    const std::vector<double> x0{g.mu_p[0] + 0.2, g.mu_p[1] - 0.1};
    auto lp = [&](const std::vector<double>& x) {
        row_matrix r(1, 2);
        r << x[0], x[1];
        return flow.log_prob(r)[0];
    };
    const auto rg = check_gradient(lp, x0, to_std(flow.grad_log_prob(to_eigen(x0))));
    INFO(rg);
    CHECK(rg.passed);

    // The whole flow inverts exactly, inside and outside the spline range.
    const Eigen::MatrixXd zz = 7.0 * random_matrix(2, 50, 10);
    Eigen::VectorXd ld;
    CHECK((flow.pull(flow.push(zz, ld)) - zz).cwiseAbs().maxCoeff() < 1e-11);

    // ∫ φ_T = 1 on a grid wide enough for the concentrated base. The random spline has
    // bins down to w_min·2B wide, so the midpoint rule converges slowly: 6e-4 at 500²,
    // 7e-5 at 1000² (measured); an error in a log-determinant would be O(1).
    const double half = 10 * std::sqrt(g.chol_p.squaredNorm());
    const int n = 1000;
    const double h = 2 * half / n;
    row_matrix grid(n * n, 2);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            grid.row(i * n + j) << g.mu_p[0] - half + (i + 0.5) * h, g.mu_p[1] - half + (j + 0.5) * h;
    CHECK(flow.log_prob(grid).array().exp().sum() * h * h == Approx(1.0).epsilon(2e-4));
    CHECK_THROWS_AS(flow.set_temperature(0), invalid_argument);
}

/// |ln Z(single) − ln Z(double)|: the estimate with the flow's conditioners and knots in
/// float (network_precision::single, the spline flow's default) minus the one in double,
/// on the same fit; the flow's evaluation precision is restored. Printed with -s.
template <class Flow>
double precision_gap(Flow& flow, const chains& inference) {
    const network_precision saved = flow.evaluation_precision();
    flow.set_evaluation_precision(network_precision::single);
    const double ln_z_single = estimate_evidence(flow, inference).ln_z;
    flow.set_evaluation_precision(network_precision::double_);
    const double ln_z_double = estimate_evidence(flow, inference).ln_z;
    flow.set_evaluation_precision(saved);
    INFO("single-precision evaluation: ln Z = " << ln_z_single << ", minus double: "
                                               << ln_z_single - ln_z_double);
    CHECK(std::isfinite(ln_z_single));
    return std::abs(ln_z_single - ln_z_double);
}

TEST_CASE("spline flow target recovers exact evidences", "[evidence][spline]") {
    for (int d : {2, 5}) {
        const gaussian_model g(d, 300 + std::uint64_t(d));
        const auto sp = split_chains(g.sample(20, 500, 41), 0.5);
        spline_flow flow(sp.training);
        CHECK(flow.evaluation_precision() == network_precision::single);  // the default
        const auto r = estimate_evidence(flow, sp.inference);
        const double err = r.ln_z - g.ln_z;
        INFO("d = " << d << ": ln Z = " << r.ln_z << " ± " << r.ln_z_error << ", truth "
                    << g.ln_z << ", error " << err << ", T = " << flow.temperature()
                    << ", epochs " << flow.epochs_run());
        CHECK(std::abs(err) < 3 * r.ln_z_error);
        CHECK(std::abs(err) < 0.05);
        CHECK(precision_gap(flow, sp.inference) <= 1e-4);
    }
    const auto sp = split_chains(rosenbrock_model::sample(20, 600, 13), 0.5);
    spline_flow flow(sp.training);
    const auto r = estimate_evidence(flow, sp.inference);
    const double err = r.ln_z - (-7.149344);
    INFO("rosenbrock: ln Z = " << r.ln_z << " ± " << r.ln_z_error << ", error " << err
                               << ", T = " << flow.temperature() << ", epochs " << flow.epochs_run());
    CHECK(std::abs(err) < 3 * r.ln_z_error);
    CHECK(std::abs(err) < 0.05);
    CHECK(precision_gap(flow, sp.inference) <= 1e-4);
}

TEST_CASE("spline flow refuses one dimension and bad options", "[evidence][spline][errors]") {
    const auto sp1 = split_chains(chains(std::vector<double>(60), std::vector<double>(60), 6, 10, 1), 0.5);
    CHECK_THROWS_AS(spline_flow(sp1.training), invalid_argument);
    const gaussian_model g(2, 9);
    const auto sp = split_chains(g.sample(6, 50, 3), 0.5);
    CHECK_THROWS_AS(spline_flow(sp.training, {.layers = 1}), invalid_argument);
    CHECK_THROWS_AS(spline_flow(sp.training, {.bins = 1}), invalid_argument);
    CHECK_THROWS_AS(spline_flow(sp.training, {.tail_bound = -1}), invalid_argument);
    CHECK_THROWS_AS(spline_flow(sp.training, {.temperature = 2}), invalid_argument);
    CHECK_THROWS_WITH(spline_flow(sp.training, {.bins = 100}), Catch::Contains("bins = 100"));
}
