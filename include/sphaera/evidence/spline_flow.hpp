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

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/core/random.hpp"
#include "sphaera/evidence/chains.hpp"
#include "sphaera/evidence/detail/flow_training.hpp"
#include "sphaera/evidence/nn.hpp"
#include "sphaera/evidence/rq_spline.hpp"
#include "sphaera/evidence/whitening.hpp"

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
};

namespace detail {

/// One rational-quadratic spline coupling layer (see the file notes).
class spline_coupling {
public:
    struct tape {
        mlp::tape net;          // net.a.back() holds the raw outputs (|B|(3K − 1), batch)
        Eigen::MatrixXd zb, q;  // moved input (|B|, batch); knots (3K − 1, |B| batch)
    };

    spline_coupling(int d, bool flip, const std::vector<int>& hidden, const rq_spline& spline,
                    Eigen::Index offset)
        : m_spline(spline) {
        const int na = d / 2;  // |A| for flip = false
        for (int i = 0; i < d; ++i) ((i < na) != flip ? m_a : m_b).push_back(i);
        std::vector<int> widths{int(m_a.size())};
        widths.insert(widths.end(), hidden.begin(), hidden.end());
        widths.push_back(int(m_b.size()) * spline.raw_size());
        m_net = mlp(widths, offset);
    }
    [[nodiscard]] const mlp& net() const { return m_net; }
    [[nodiscard]] const rq_spline& spline() const { return m_spline; }

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

/// Rational-quadratic spline flow target (see the file notes).
class spline_flow {
public:
    /// Whitens the training samples, trains the flow and picks T (unless fixed).
    /// Throws invalid_argument for ndim < 2 (a coupling needs two groups) or bad options.
    explicit spline_flow(const chains& training, const spline_flow_options& o = {})
        : m_white(training.matrix()) {
        const int d = int(ndim());
        if (d < 2)
            sphaera::detail::raise<invalid_argument>("spline_flow: ndim = ", d,
                                                     " is out of range; coupling flows need ndim >= 2");
        if (o.layers < 2 || o.epochs < 0 || o.batch_size < 1 || o.patience < 1 ||
            !(o.validation_fraction > 0 && o.validation_fraction < 1) ||
            !(o.temperature >= 0 && o.temperature <= 1))
            sphaera::detail::raise<invalid_argument>(
                "spline_flow: options out of range (layers = ", o.layers, " >= 2, epochs = ",
                o.epochs, " >= 0, batch_size = ", o.batch_size, " >= 1, patience = ", o.patience,
                " >= 1, validation_fraction = ", o.validation_fraction,
                " in (0, 1), temperature = ", o.temperature, " in [0, 1] (0: automatic))");
        const detail::rq_spline spline(o.bins, o.tail_bound);  // validates bins and B
        Eigen::Index off = 0;
        for (int k = 0; k < o.layers; ++k) {
            m_layers.emplace_back(d, k % 2 == 1, o.hidden, spline, off);
            off += m_layers.back().net().size();
        }
        m_params = Eigen::VectorXd::Zero(off);
        for (int k = 0; k < o.layers; ++k)
            m_layers[std::size_t(k)].net().initialise(m_params.data(), o.seed, std::uint64_t(k));
        train(training, o);
    }

    [[nodiscard]] Eigen::Index ndim() const { return m_white.ndim(); }
    [[nodiscard]] double temperature() const { return m_temperature; }
    void set_temperature(double t) {
        if (!(t > 0 && t <= 1))
            sphaera::detail::raise<invalid_argument>("spline_flow: temperature = ", t,
                                                     " is out of range; valid range is (0, 1]");
        m_temperature = t;
    }
    [[nodiscard]] const Eigen::VectorXd& parameters() const { return m_params; }
    [[nodiscard]] Eigen::VectorXd& parameters() { return m_params; }
    [[nodiscard]] int epochs_run() const { return m_epochs; }
    [[nodiscard]] double validation_loss() const { return m_best_loss; }  ///< −mean ln φ₁(z)
    [[nodiscard]] const std::vector<detail::spline_coupling>& layers() const { return m_layers; }
    [[nodiscard]] const whitening& standardisation() const { return m_white; }

    /// ln φ_T at the rows of \p x (n, ndim) → (n). Rows go through the flow in blocks of
    /// 512: the per-layer temporaries ((3K − 1)|B| × block) then stay in cache instead of
    /// costing page faults on every call with a million samples.
    [[nodiscard]] Eigen::VectorXd log_prob(const Eigen::Ref<const row_matrix>& x) const {
        constexpr Eigen::Index block = 512;
        const double t = m_temperature, d = double(ndim());
        const double c = -0.5 * d * std::log(2 * 3.14159265358979323846 * t) - m_white.log_det();
        Eigen::VectorXd out(x.rows()), ld;
        for (Eigen::Index b = 0; b < x.rows(); b += block) {
            const Eigen::Index nb = std::min(block, x.rows() - b);
            const Eigen::MatrixXd u = push(m_white.apply(x.middleRows(b, nb)).transpose(), ld);
            out.segment(b, nb) = (-0.5 / t * u.colwise().squaredNorm().transpose().array() +
                                  ld.array() + c).matrix();
        }
        return out;
    }

    /// ∇_θ ln φ_T at one point \p x (ndim), by the same pullback as training.
    [[nodiscard]] Eigen::VectorXd grad_log_prob(const Eigen::VectorXd& x) const {
        const Eigen::MatrixXd z = m_white.apply(x.transpose()).transpose();
        std::vector<detail::spline_coupling::tape> tapes(m_layers.size());
        Eigen::VectorXd ld = Eigen::VectorXd::Zero(1);
        Eigen::MatrixXd u = z;
        for (std::size_t k = 0; k < m_layers.size(); ++k)
            u = m_layers[k].forward(m_params.data(), u, ld, &tapes[k]);
        Eigen::MatrixXd du = -u / m_temperature;
        Eigen::VectorXd scratch = Eigen::VectorXd::Zero(m_params.size());
        for (std::size_t k = m_layers.size(); k-- > 0;)
            du = m_layers[k].backward(m_params.data(), du, Eigen::VectorXd::Ones(1), tapes[k],
                                      scratch.data());
        return m_white.cholesky().transpose().triangularView<Eigen::Upper>().solve(du.col(0));
    }

    /// f(z) of whitened columns \p z (d, n), adding ln|det ∂f/∂z| into \p ld (n).
    [[nodiscard]] Eigen::MatrixXd push(const Eigen::MatrixXd& z, Eigen::VectorXd& ld) const {
        ld = Eigen::VectorXd::Zero(z.cols());
        Eigen::MatrixXd u = z;
        for (const auto& l : m_layers) u = l.forward(m_params.data(), u, ld);
        return u;
    }
    /// f⁻¹(u) of columns \p u (d, n), whitened coordinates.
    [[nodiscard]] Eigen::MatrixXd pull(Eigen::MatrixXd u) const {
        for (std::size_t k = m_layers.size(); k-- > 0;) u = m_layers[k].inverse(m_params.data(), u);
        return u;
    }

    /// n draws from φ_T (rows, (n, ndim)): u ~ N(0, T I), θ = μ + L f⁻¹(u); Philox (seed).
    [[nodiscard]] row_matrix sample(Eigen::Index n, std::uint64_t seed) const {
        Eigen::MatrixXd u(ndim(), n);
        for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index i = 0; i < ndim(); ++i)
                u(i, j) = std::sqrt(m_temperature) * normal<double>(seed, std::uint64_t(j * ndim() + i));
        return m_white.unapply(pull(std::move(u)).transpose());
    }

    /// Training loss −mean ln φ₁ over whitened columns \p z (d, n) and, when \p grad is
    /// given, its gradient with respect to the parameters (overwritten).
    double loss(const Eigen::MatrixXd& z, Eigen::VectorXd* grad) const {
        const double n = double(z.cols()), d = double(ndim());
        std::vector<detail::spline_coupling::tape> tapes(m_layers.size());
        Eigen::VectorXd ld = Eigen::VectorXd::Zero(z.cols());
        Eigen::MatrixXd u = z;
        for (std::size_t k = 0; k < m_layers.size(); ++k)
            u = m_layers[k].forward(m_params.data(), u, ld, grad ? &tapes[k] : nullptr);
        const double value = (0.5 * u.colwise().squaredNorm().sum() - ld.sum()) / n +
                             0.5 * d * std::log(2 * 3.14159265358979323846);
        if (grad) {
            grad->setZero(m_params.size());
            Eigen::MatrixXd du = u / n;
            const Eigen::VectorXd dld = Eigen::VectorXd::Constant(z.cols(), -1.0 / n);
            for (std::size_t k = m_layers.size(); k-- > 0;)
                du = m_layers[k].backward(m_params.data(), du, dld, tapes[k], grad->data());
        }
        return value;
    }

private:
    void train(const chains& t, const spline_flow_options& o) {
        const detail::eigen_serial_scope serial;
        const Eigen::MatrixXd zall = m_white.apply(t.matrix()).transpose();  // (d, n)
        const auto fit = detail::train_flow(
            [this](const Eigen::MatrixXd& z, Eigen::VectorXd* g) { return loss(z, g); }, m_params,
            zall,
            {.epochs = o.epochs, .batch_size = o.batch_size, .learning_rate = o.learning_rate,
             .validation_fraction = o.validation_fraction, .patience = o.patience,
             .seed = o.seed, .who = "spline_flow"});
        m_epochs = fit.epochs;
        m_best_loss = fit.best_loss;
        if (o.temperature > 0) {
            m_temperature = o.temperature;
            return;
        }
        Eigen::VectorXd ld, lnp(Eigen::Index(fit.validation.size()));
        const Eigen::MatrixXd u = push(fit.zval, ld);
        for (std::size_t i = 0; i < fit.validation.size(); ++i)
            lnp[Eigen::Index(i)] = t.lnprob_data()[std::size_t(fit.validation[i])];
        m_temperature = detail::choose_flow_temperature(u.colwise().squaredNorm().transpose(), ld,
                                                        lnp, double(ndim()));
    }

    whitening m_white;
    std::vector<detail::spline_coupling> m_layers;
    Eigen::VectorXd m_params;
    double m_temperature = 0.9;
    double m_best_loss = 0;
    int m_epochs = 0;
};

}  // namespace sphaera::evidence
