/// \file test_flow_blocked.cpp
/// \brief The flows' blocked evaluation (log_prob: samples in blocks of rows, one GEMM per
/// conditioner layer, vectorised splines) against the column path that training uses
/// (push, one sample at a time), and its independence of the thread count (bit for bit).

#include "sphaera/evidence/estimator.hpp"
#include "sphaera/evidence/realnvp.hpp"
#include "sphaera/evidence/spline_flow.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>

#if SPHAERA_HAS_OPENMP
#include <omp.h>
#endif

#include "evidence/models.hpp"

using namespace sphaera;
using namespace sphaera::evidence;
using namespace sphaera::test::evidence;

namespace {

/// Pseudo-random vector in [−1, 1] of size n (Philox stream).
Eigen::VectorXd random_vector(Eigen::Index n, std::uint64_t seed) {
    Eigen::VectorXd v(n);
    for (Eigen::Index i = 0; i < n; ++i) v[i] = 2 * uniform<double>(seed, std::uint64_t(i)) - 1;
    return v;
}

/// ln φ_T of every row of \p x through the column path: one sample at a time, whitened by
/// whitening::apply and pushed by the layers' training forward.
template <class Flow>
Eigen::VectorXd log_prob_per_sample(const Flow& flow, const row_matrix& x) {
    const double t = flow.temperature(), d = double(flow.ndim());
    Eigen::VectorXd out(x.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const Eigen::MatrixXd z = flow.standardisation().apply(x.row(i)).transpose();
        Eigen::VectorXd ld;
        const Eigen::MatrixXd u = flow.push(z, ld);
        out[i] = -0.5 * u.squaredNorm() / t - 0.5 * d * std::log(2 * 3.14159265358979323846 * t) +
                 ld[0] - flow.standardisation().log_det();
    }
    return out;
}

/// Samples for the check: posterior draws, a quarter of them pushed 4× further from the
/// mean (beyond the spline range B = 5 in whitened units for some, so the identity tails
/// run too), 3 full blocks plus a partial one.
row_matrix test_points(const gaussian_model& g, Eigen::Index n) {
    const chains c = g.sample(1, std::size_t(n), 77);
    row_matrix x = c.matrix();
    for (Eigen::Index i = 0; i < n; i += 4) x.row(i) = g.mu_p.transpose() + 4 * (x.row(i) - g.mu_p.transpose());
    return x;
}

template <class Flow, class Options>
void check_blocked(int d, const Options& o) {
    const gaussian_model g(d, 500 + std::uint64_t(d));
    const auto sp = split_chains(g.sample(6, 300, 5), 0.5);
    Flow flow(sp.training, o);
    // Off the identity, with spline knots far from uniform.
    flow.parameters() += 0.8 * random_vector(flow.parameters().size(), 11);
    const Eigen::Index n = 3 * Flow::block_rows + 37;
    const row_matrix x = test_points(g, n);

    const Eigen::VectorXd ref = log_prob_per_sample(flow, x);
    const Eigen::VectorXd lp = flow.log_prob(x);
    REQUIRE(lp.allFinite());
    // Both paths do the same arithmetic in other orders (GEMM versus GEMV, sums of the
    // softmax and of the log-determinants): the difference is rounding, a few ulps of the
    // O(10–100) terms that make up ln φ.
    const double scale = std::max(1.0, ref.cwiseAbs().maxCoeff());
    const double diff = (lp - ref).cwiseAbs().maxCoeff();
    INFO("d = " << d << ": max |blocked - per sample| = " << diff << ", max |ln phi| = " << scale);
    CHECK(diff <= 2e-14 * scale);

#if SPHAERA_HAS_OPENMP
    // Bit for bit the same for any thread count, and when called from inside a parallel
    // region (as estimate_evidence does, chain by chain).
    const int saved = omp_get_max_threads();
    for (int threads : {1, 2, 3}) {
        omp_set_num_threads(threads);
        const Eigen::VectorXd lt = flow.log_prob(x);
        INFO("threads " << threads);
        CHECK((lt.array() == lp.array()).all());
    }
    omp_set_num_threads(saved);
    Eigen::VectorXd nested(n);
#pragma omp parallel for num_threads(2) schedule(static)
    for (Eigen::Index b = 0; b < 2; ++b) {
        const Eigen::Index r0 = b == 0 ? 0 : n / 2, nr = b == 0 ? n / 2 : n - n / 2;
        nested.segment(r0, nr) = flow.log_prob(x.middleRows(r0, nr));
    }
    // Blocks start at other rows here, but each row's arithmetic does not depend on its
    // block: only the GEMM tile a row falls in could, so compare to rounding.
    CHECK((nested - lp).cwiseAbs().maxCoeff() <= 2e-14 * scale);
#endif
    // One row, and no rows at all.
    CHECK(std::abs(flow.log_prob(x.topRows(1))[0] - ref[0]) <= 2e-14 * scale);
    CHECK(flow.log_prob(x.topRows(0)).size() == 0);
    CHECK_THROWS_AS(flow.log_prob(row_matrix(3, d + 1)), shape_mismatch);
}

}  // namespace

TEST_CASE("spline flow: blocked evaluation equals the per-sample path, any thread count",
          "[evidence][spline][blocked]") {
    for (int d : {2, 5, 21})
        check_blocked<spline_flow>(d, spline_flow_options{.layers = 4, .bins = 6, .tail_bound = 3,
                                                          .hidden = {16, 16}, .epochs = 2,
                                                          .temperature = 0.8});
}

TEST_CASE("realnvp: blocked evaluation equals the per-sample path, any thread count",
          "[evidence][realnvp][blocked]") {
    for (int d : {2, 5, 21})
        check_blocked<realnvp>(d, realnvp_options{.layers = 4, .hidden = {16, 16}, .epochs = 2,
                                                  .temperature = 0.8});
}
