/// \file test_realnvp.cpp
/// \brief RealNVP flow target: finite-difference checks of every layer's gradients (MLP,
/// coupling layer, whole training loss, ∇θ ln φ), inverse and normalisation at T < 1, and
/// exact Gaussian / Rosenbrock evidences.

#include "sphaera/evidence/estimator.hpp"
#include "sphaera/evidence/realnvp.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "evidence/models.hpp"
#include "support/finite_difference.hpp"

using namespace sphaera;
using namespace sphaera::evidence;
using namespace sphaera::test::evidence;
using sphaera::test::check_gradient;

namespace {

std::vector<double> to_std(const Eigen::VectorXd& v) { return {v.data(), v.data() + v.size()}; }
Eigen::VectorXd to_eigen(const std::vector<double>& v) {
    return Eigen::Map<const Eigen::VectorXd>(v.data(), Eigen::Index(v.size()));
}
/// Pseudo-random vector in [−1, 1] of size n (Philox stream).
Eigen::VectorXd random_vector(Eigen::Index n, std::uint64_t seed) {
    Eigen::VectorXd v(n);
    for (Eigen::Index i = 0; i < n; ++i) v[i] = 2 * uniform<double>(seed, std::uint64_t(i)) - 1;
    return v;
}

}  // namespace

TEST_CASE("MLP gradients match finite differences", "[evidence][flow][gradient]") {
    const evidence::detail::mlp net({3, 5, 4, 2});
    Eigen::VectorXd p = 0.7 * random_vector(net.size(), 1);  // non-zero output layer
    const Eigen::MatrixXd x = Eigen::Map<Eigen::MatrixXd>(random_vector(3 * 4, 2).data(), 3, 4);
    const Eigen::MatrixXd w = Eigen::Map<Eigen::MatrixXd>(random_vector(2 * 4, 3).data(), 2, 4);
    // ℓ = Σ w ⊙ MLP(x): gradients with respect to parameters and inputs.
    evidence::detail::mlp::tape t;
    (void)net.forward(p.data(), x, &t);
    Eigen::VectorXd gp = Eigen::VectorXd::Zero(net.size());
    const Eigen::MatrixXd gx = net.backward(p.data(), w, t, gp.data());
    auto f_p = [&](const std::vector<double>& q) {
        return (w.array() * net.forward(q.data(), x).array()).sum();
    };
    auto f_x = [&](const std::vector<double>& q) {
        return (w.array() * net.forward(p.data(), Eigen::Map<const Eigen::MatrixXd>(q.data(), 3, 4)).array()).sum();
    };
    const auto rp = check_gradient(f_p, to_std(p), to_std(gp));
    INFO(rp);
    CHECK(rp.passed);
    const auto rx = check_gradient(f_x, std::vector<double>(x.data(), x.data() + 12),
                                   std::vector<double>(gx.data(), gx.data() + 12));
    INFO(rx);
    CHECK(rx.passed);
}

TEST_CASE("coupling layer gradients match finite differences", "[evidence][flow][gradient]") {
    for (bool flip : {false, true}) {
        const evidence::detail::coupling c(5, flip, {6}, 0);
        const Eigen::VectorXd p = 0.8 * random_vector(c.net().size(), 4);
        const Eigen::MatrixXd z = Eigen::Map<Eigen::MatrixXd>(random_vector(5 * 3, 5).data(), 5, 3);
        const Eigen::MatrixXd w = Eigen::Map<Eigen::MatrixXd>(random_vector(5 * 3, 6).data(), 5, 3);
        const Eigen::VectorXd wl = random_vector(3, 7);
        // ℓ = Σ w ⊙ f(z) + Σ wl ⊙ ln|det|.
        auto ell = [&](const double* q, const Eigen::MatrixXd& zz) {
            Eigen::VectorXd ld = Eigen::VectorXd::Zero(3);
            const Eigen::MatrixXd u = c.forward(q, zz, ld);
            return (w.array() * u.array()).sum() + wl.dot(ld);
        };
        evidence::detail::coupling::tape t;
        Eigen::VectorXd ld = Eigen::VectorXd::Zero(3);
        (void)c.forward(p.data(), z, ld, &t);
        Eigen::VectorXd gp = Eigen::VectorXd::Zero(p.size());
        const Eigen::MatrixXd gz = c.backward(p.data(), w, wl, t, gp.data());
        const auto rp = check_gradient([&](const std::vector<double>& q) { return ell(q.data(), z); },
                                       to_std(p), to_std(gp));
        INFO("flip " << flip << ": " << rp);
        CHECK(rp.passed);
        const auto rz = check_gradient(
            [&](const std::vector<double>& q) { return ell(p.data(), Eigen::Map<const Eigen::MatrixXd>(q.data(), 5, 3)); },
            std::vector<double>(z.data(), z.data() + 15), std::vector<double>(gz.data(), gz.data() + 15));
        INFO("flip " << flip << ": " << rz);
        CHECK(rz.passed);
        // The inverse undoes the layer.
        Eigen::VectorXd ld2 = Eigen::VectorXd::Zero(3);
        CHECK((c.inverse(p.data(), c.forward(p.data(), z, ld2)) - z).cwiseAbs().maxCoeff() < 1e-13);
    }
}

TEST_CASE("flow loss and ln phi gradients; normalisation at T < 1", "[evidence][flow][gradient]") {
    const gaussian_model g(2, 9);
    const auto sp = split_chains(g.sample(6, 400, 3), 0.5);
    realnvp flow(sp.training, {.layers = 3, .hidden = {8}, .epochs = 3, .temperature = 0.7});
    flow.parameters() += 0.3 * random_vector(flow.parameters().size(), 8);  // off the identity
    const Eigen::MatrixXd z = Eigen::Map<Eigen::MatrixXd>(random_vector(2 * 7, 9).data(), 2, 7);
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

    // ∫ φ_T = 1 on a grid wide enough for the concentrated base.
    const double half = 10 * std::sqrt(g.chol_p.squaredNorm());
    const int n = 500;
    const double h = 2 * half / n;
    row_matrix grid(n * n, 2);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            grid.row(i * n + j) << g.mu_p[0] - half + (i + 0.5) * h, g.mu_p[1] - half + (j + 0.5) * h;
    CHECK(flow.log_prob(grid).array().exp().sum() * h * h == Approx(1.0).epsilon(1e-5));
    CHECK_THROWS_AS(flow.set_temperature(1.5), invalid_argument);
}

/// ln Z with the flow's conditioners in float (network_precision::single), the flow left
/// in double afterwards; printed with -s.
template <class Flow>
double single_precision_ln_z(Flow& flow, const chains& inference) {
    flow.set_evaluation_precision(network_precision::single);
    const double ln_z = estimate_evidence(flow, inference).ln_z;
    flow.set_evaluation_precision(network_precision::double_);
    INFO("single-precision networks: ln Z = " << ln_z << ", minus double: "
                                             << ln_z - estimate_evidence(flow, inference).ln_z);
    CHECK(std::isfinite(ln_z));
    return ln_z;
}

TEST_CASE("RealNVP target recovers exact evidences", "[evidence][flow]") {
    for (int d : {2, 5}) {
        const gaussian_model g(d, 300 + std::uint64_t(d));
        const auto sp = split_chains(g.sample(20, 500, 41), 0.5);
        realnvp flow(sp.training, {.epochs = 20});
        const auto r = estimate_evidence(flow, sp.inference);
        const double err = r.ln_z - g.ln_z;
        INFO("d = " << d << ": ln Z = " << r.ln_z << " ± " << r.ln_z_error << ", truth "
                    << g.ln_z << ", error " << err << ", T = " << flow.temperature()
                    << ", epochs " << flow.epochs_run());
        CHECK(std::abs(err) < 3 * r.ln_z_error);
        CHECK(std::abs(err) < 0.05);
        CHECK(std::abs(single_precision_ln_z(flow, sp.inference) - r.ln_z) <= 1e-4);
    }
    const auto sp = split_chains(rosenbrock_model::sample(20, 600, 13), 0.5);
    realnvp flow(sp.training, {.layers = 4, .epochs = 40});
    const auto r = estimate_evidence(flow, sp.inference);
    const double err = r.ln_z - (-7.149344);
    INFO("rosenbrock: ln Z = " << r.ln_z << " ± " << r.ln_z_error << ", error " << err
                               << ", T = " << flow.temperature() << ", epochs " << flow.epochs_run());
    CHECK(std::abs(err) < 3 * r.ln_z_error);
    CHECK(std::abs(err) < 0.05);
    CHECK(std::abs(single_precision_ln_z(flow, sp.inference) - r.ln_z) <= 1e-4);
}

TEST_CASE("RealNVP refuses one dimension and bad options", "[evidence][flow][errors]") {
    const auto sp1 = split_chains(chains(std::vector<double>(60), std::vector<double>(60), 6, 10, 1), 0.5);
    CHECK_THROWS_AS(realnvp(sp1.training), invalid_argument);
    const gaussian_model g(2, 9);
    const auto sp = split_chains(g.sample(6, 50, 3), 0.5);
    CHECK_THROWS_AS(realnvp(sp.training, {.layers = 1}), invalid_argument);
    CHECK_THROWS_AS(realnvp(sp.training, {.temperature = 2}), invalid_argument);
}
