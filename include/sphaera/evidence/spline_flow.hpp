#pragma once
/// \file spline_flow.hpp
/// \brief Rational-quadratic neural spline flow target (Durkan et al. 2019, "Neural Spline
/// Flows", coupling transform of §3.2) at temperature T (Polanska et al. 2024, "Learned
/// harmonic mean estimation of the Bayesian evidence with normalizing flows"), trained by
/// maximum likelihood with Adam.
///
/// On whitened z = L⁻¹(θ − μ) the flow f = f_K ∘ … ∘ f₁ maps to u = f(z); coupling layer
/// k keeps the coordinates A (alternating halves) and moves each coordinate of B through
/// its own monotone rational-quadratic spline (rq_spline.hpp), whose K widths, K heights
/// and K − 1 inner derivatives come from one MLP of z_A:
///     u_A = z_A,  u_{B,j} = g(z_{B,j}; θⱼ(z_A)),  ln|det ∂u/∂z| = Σⱼ ln g'(z_{B,j}).
/// Splines are far more flexible per layer than affine couplings (multi-modal and skewed
/// marginals), and the identity tails outside [−B, B] keep f a bijection of ℝᵈ. As for
/// RealNVP, the target at temperature T uses a base N(0, T I) (variance scaled by T):
///     ln φ_T(θ) = −|f(z)|²/(2T) − (d/2) ln(2πT) + Σₖ ln|det| − ln|det L|,
/// exactly normalised for every T; training uses T = 1 and T is then chosen on the
/// validation split to minimise the estimator's relative variance (unless fixed).
/// This file holds the layer; detail/coupling_flow.hpp drives training and evaluation.

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/core/random.hpp"
#include "sphaera/evidence/chains.hpp"
#include "sphaera/evidence/detail/coupling_flow.hpp"
#include "sphaera/evidence/nn.hpp"
#include "sphaera/evidence/rq_spline.hpp"

namespace sphaera::evidence {

/// Architecture, training and temperature options of the spline flow target.
struct spline_flow_options {
    int layers = 4;                   ///< coupling layers (alternating halves), ≥ 2
    int bins = 8;                     ///< spline bins K in [2, 64]
    double tail_bound = 5;            ///< B: splines act on [−B, B] (whitened units)
    std::vector<int> hidden{32, 32};  ///< hidden widths of each conditioner MLP
    int epochs = 60;                  ///< passes over the training samples at most
    int batch_size = 256;             ///< mini-batch size
    double learning_rate = 2e-3;      ///< Adam α
    double validation_fraction = 0.2; ///< held-out training samples for early stopping and T
    int patience = 8;                 ///< epochs without validation improvement before stopping
    double temperature = 0;           ///< T in (0, 1]; 0: chosen on the validation split
    std::uint64_t seed = 0;           ///< initialisation and shuffling (Philox streams)
    /// Conditioner and spline arithmetic of log_prob (evaluation only; training is always
    /// double). Single by default: 10⁶ samples in d = 21 take 2.2× less time than in
    /// double, and ln φ moves by ≲ 3e-5 (tested ≤ 1e-4; ln Z by ≤ 1e-4 nats); see
    /// detail/coupling_flow.hpp. double_ gives ln φ to rounding of the double flow.
    network_precision precision = network_precision::single;
};

namespace detail {

/// One rational-quadratic spline coupling layer (see the file notes).
class spline_coupling {
public:
    struct tape {
        mlp::tape net;          // net.a.back() holds the raw outputs (|B|(3K − 1), batch)
        Eigen::MatrixXd zb, q;  // moved input (|B|, batch); knots (3K − 1, |B| batch)
    };
    /// Scratch of forward_block (see detail/coupling_flow.hpp).
    struct block_workspace {
        mlp::mixed_row_workspace net;  // the conditioner's, in its evaluation precision
        Eigen::ArrayXd slope;  // (rows) running product of g' over the moved coordinates
    };

    spline_coupling(int d, bool flip, const std::vector<int>& hidden, const rq_spline& spline,
                    Eigen::Index offset)
        : m_spline(spline) {
        // A and B are contiguous ranges ([0, d/2) and [d/2, d), swapped by flip), which
        // forward_block reads as column blocks.
        const int na = d / 2;  // |A| for flip = false
        for (int i = 0; i < d; ++i) ((i < na) != flip ? m_a : m_b).push_back(i);
        std::vector<int> widths{int(m_a.size())};
        widths.insert(widths.end(), hidden.begin(), hidden.end());
        widths.push_back(int(m_b.size()) * spline.raw_size());
        m_net = mlp(widths, offset);
    }
    [[nodiscard]] const mlp& net() const { return m_net; }
    [[nodiscard]] const rq_spline& spline() const { return m_spline; }

    [[nodiscard]] block_workspace make_block_workspace(Eigen::Index rows, bool single) const {
        return {m_net.make_mixed_row_workspace(rows, single), Eigen::ArrayXd(rows)};
    }
    /// The block path: z (n, d), one sample per row, moved in place; adds ln|det| into
    /// \p logdet (n). One product per conditioner layer gives every sample's raw spline
    /// parameters, column j(3K − 1) + r holding parameter r of moved coordinate j; each
    /// coordinate's spline then runs over the block (rq_spline::forward_block). As in
    /// forward, one logarithm per sample takes the product of the slopes, folded early
    /// where it could leave double's range. \p p holds the parameters in double, or in
    /// float for a single-precision conditioner (T = float: the knots and Eq. 5 then run in
    /// float too, the log-determinant in double; see rq_spline::forward_block).
    template <class T>
    void forward_block(const T* p, Eigen::Ref<Eigen::MatrixXd> z,
                       Eigen::Ref<Eigen::VectorXd> logdet, block_workspace& ws) const {
        const Eigen::Index n = z.rows(), nb = Eigen::Index(m_b.size()), r = m_spline.raw_size();
        const auto za = z.middleCols(m_a.front(), Eigen::Index(m_a.size()));
        const auto& h = m_net.forward_rows(p, za, ws.net);
        auto slope = ws.slope.head(n);
        slope.setOnes();
        for (Eigen::Index j = 0; j < nb; ++j) {
            m_spline.forward_block(h.block(0, j * r, n, r), z.col(m_b.front() + j), slope);
            if (((slope > 1e150) || (slope < 1e-150)).any())
                for (Eigen::Index i = 0; i < n; ++i)
                    if (slope[i] > 1e150 || slope[i] < 1e-150) {
                        logdet[i] += std::log(slope[i]);
                        slope[i] = 1;
                    }
        }
        logdet.array() += slope.log();
    }

    /// u = f(z), z (d, batch); adds ln|det| per column into \p logdet (batch).
    [[nodiscard]] Eigen::MatrixXd forward(const double* p, const Eigen::MatrixXd& z,
                                          Eigen::VectorXd& logdet, tape* t = nullptr) const {
        const Eigen::MatrixXd h = m_net.forward(p, z(m_a, Eigen::all), t ? &t->net : nullptr);
        Eigen::MatrixXd q = m_spline.knots(raw_view(h));
        const Eigen::Index nb = Eigen::Index(m_b.size()), r = m_spline.raw_size();
        Eigen::MatrixXd u = z;
        for (Eigen::Index i = 0; i < z.cols(); ++i) {
            // One log per sample for the product of |B| slopes, rescaled before it could
            // leave double's range (slopes lie in [d_min², 1/d_min²] or so).
            double slope = 1;
            for (Eigen::Index j = 0; j < nb; ++j) {
                u(m_b[std::size_t(j)], i) = m_spline.forward_slope(q.data() + (i * nb + j) * r,
                                                                   z(m_b[std::size_t(j)], i), slope);
                if (slope > 1e150 || slope < 1e-150) {
                    logdet[i] += std::log(slope);
                    slope = 1;
                }
            }
            logdet[i] += std::log(slope);
        }
        if (t) {
            t->zb = z(m_b, Eigen::all);
            t->q = std::move(q);
        }
        return u;
    }

    /// z = f⁻¹(u): z_A = u_A conditions the splines, each inverted exactly.
    [[nodiscard]] Eigen::MatrixXd inverse(const double* p, const Eigen::MatrixXd& u) const {
        const Eigen::MatrixXd h = m_net.forward(p, u(m_a, Eigen::all));
        const Eigen::MatrixXd q = m_spline.knots(raw_view(h));
        const Eigen::Index nb = Eigen::Index(m_b.size()), r = m_spline.raw_size();
        Eigen::MatrixXd z = u;
        for (Eigen::Index i = 0; i < u.cols(); ++i)
            for (Eigen::Index j = 0; j < nb; ++j)
                z(m_b[std::size_t(j)], i) =
                    m_spline.inverse(q.data() + (i * nb + j) * r, u(m_b[std::size_t(j)], i));
        return z;
    }

    /// Pullback: given ∂ℓ/∂u (d, batch) and ∂ℓ/∂(ln|det|) per column \p dld (batch), adds
    /// parameter gradients into \p grad and returns ∂ℓ/∂z.
    Eigen::MatrixXd backward(const double* p, const Eigen::MatrixXd& du,
                             const Eigen::VectorXd& dld, const tape& t, double* grad) const {
        const Eigen::Index nb = Eigen::Index(m_b.size()), r = m_spline.raw_size();
        Eigen::MatrixXd gq = Eigen::MatrixXd::Zero(r, nb * du.cols());
        Eigen::MatrixXd dz = du;
        for (Eigen::Index i = 0; i < du.cols(); ++i)
            for (Eigen::Index j = 0; j < nb; ++j) {
                const Eigen::Index c = i * nb + j;
                dz(m_b[std::size_t(j)], i) =
                    m_spline.backward(t.q.data() + c * r, t.zb(j, i), du(m_b[std::size_t(j)], i),
                                      dld[i], gq.data() + c * r);
            }
        Eigen::MatrixXd graw = m_spline.knots_backward(raw_view(t.net.a.back()), t.q, gq);
        // (3K − 1, |B| batch) and (|B|(3K − 1), batch) share one column-major layout.
        const Eigen::Map<const Eigen::MatrixXd> dh(graw.data(), nb * r, du.cols());
        dz(m_a, Eigen::all) += m_net.backward(p, dh, t.net, grad);
        return dz;
    }

private:
    /// The conditioner output (|B|(3K − 1), batch) seen as (3K − 1, |B| batch): column
    /// i|B| + j holds the raw spline parameters of coordinate j of sample i.
    [[nodiscard]] Eigen::Map<const Eigen::MatrixXd> raw_view(const Eigen::MatrixXd& h) const {
        return {h.data(), m_spline.raw_size(), h.size() / m_spline.raw_size()};
    }

    std::vector<int> m_a, m_b;
    mlp m_net;
    rq_spline m_spline;
};

}  // namespace detail

/// Rational-quadratic spline flow target (see the file notes and detail/coupling_flow.hpp).
class spline_flow : public detail::coupling_flow<detail::spline_coupling> {
public:
    /// Whitens the training samples, trains the flow and picks T (unless fixed).
    /// Throws invalid_argument for ndim < 2 (a coupling needs two groups) or bad options.
    explicit spline_flow(const chains& training, const spline_flow_options& o = {})
        : coupling_flow("spline_flow", training,
                        detail::common_options(o),
                        [&o](int d, bool flip, Eigen::Index offset) {
                            // Validates bins and B (after the common options, as before).
                            const detail::rq_spline spline(o.bins, o.tail_bound);
                            return detail::spline_coupling(d, flip, o.hidden, spline, offset);
                        }) {}
};

}  // namespace sphaera::evidence
