#pragma once
/// \file realnvp.hpp
/// \brief RealNVP normalising flow target (Dinh et al. 2017, affine coupling layers) at
/// temperature T (Polanska et al. 2024, "Learned harmonic mean estimation of the Bayesian
/// evidence with normalizing flows"), trained by maximum likelihood with Adam.
///
/// On whitened z = L⁻¹(θ − μ) the flow f = f_K ∘ … ∘ f₁ maps to u = f(z); coupling layer
/// k keeps the coordinates A (alternating halves) and moves the others B:
///     u_A = z_A,  u_B = z_B ⊙ exp(s(z_A)) + t(z_A),  ln|det ∂u/∂z| = Σ s,
/// with s = c·tanh(ŝ/c) (c = 2 bounds each layer's log-scale; ŝ, t from one MLP). The
/// target at temperature T uses a concentrated base N(0, T I) (variance scaled by T):
///     ln φ_T(θ) = −|f(z)|²/(2T) − (d/2) ln(2πT) + Σₖ ln|det| − ln|det L|,
/// which is exactly normalised for every T (f is a bijection) and, for T < 1, has thinner
/// tails than the learned posterior, as the harmonic mean estimator needs. Training uses
/// T = 1: minimise −mean ln φ₁ over mini-batches, early stopping on a validation split.

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/core/random.hpp"
#include "sphaera/evidence/chains.hpp"
#include "sphaera/evidence/detail/flow_training.hpp"
#include "sphaera/evidence/nn.hpp"
#include "sphaera/evidence/whitening.hpp"

namespace sphaera::evidence {

/// Architecture, training and temperature options of the RealNVP target.
struct realnvp_options {
    int layers = 4;                 ///< coupling layers (alternating halves), ≥ 2
    std::vector<int> hidden{32, 32};  ///< hidden widths of each conditioner MLP
    int epochs = 100;               ///< passes over the training samples at most
    int batch_size = 256;           ///< mini-batch size
    double learning_rate = 2e-3;    ///< Adam α
    double validation_fraction = 0.2;  ///< held-out training samples for early stopping and T
    int patience = 10;              ///< epochs without validation improvement before stopping
    double temperature = 0;         ///< T in (0, 1]; 0: chosen on the validation split
    std::uint64_t seed = 0;         ///< initialisation and shuffling (Philox streams)
};

namespace detail {

/// One affine coupling layer (see the file notes); parameters in the flow's flat vector.
class coupling {
public:
    static constexpr double clamp = 2.0;  ///< c in s = c·tanh(ŝ/c)
    struct tape {
        mlp::tape net;
        Eigen::MatrixXd zb, raw, s;  // moved input, ŝ and s, (|B|, batch)
    };

    coupling(int d, bool flip, const std::vector<int>& hidden, Eigen::Index offset) {
        const int na = d / 2;  // |A| for flip = false
        for (int i = 0; i < d; ++i) ((i < na) != flip ? m_a : m_b).push_back(i);
        std::vector<int> widths{int(m_a.size())};
        widths.insert(widths.end(), hidden.begin(), hidden.end());
        widths.push_back(2 * int(m_b.size()));
        m_net = mlp(widths, offset);
    }
    [[nodiscard]] const mlp& net() const { return m_net; }

    /// u = f(z), z (d, batch); adds ln|det| per column into \p logdet (batch).
    [[nodiscard]] Eigen::MatrixXd forward(const double* p, const Eigen::MatrixXd& z,
                                          Eigen::VectorXd& logdet, tape* t = nullptr) const {
        const Eigen::MatrixXd za = z(m_a, Eigen::all), zb = z(m_b, Eigen::all);
        const Eigen::MatrixXd h = m_net.forward(p, za, t ? &t->net : nullptr);
        const Eigen::Index nb = Eigen::Index(m_b.size());
        const Eigen::MatrixXd raw = h.topRows(nb);
        const Eigen::MatrixXd s = clamp * (raw.array() / clamp).tanh().matrix();
        Eigen::MatrixXd u = z;
        u(m_b, Eigen::all) = (zb.array() * s.array().exp() + h.bottomRows(nb).array()).matrix();
        logdet += s.colwise().sum().transpose();
        if (t) {
            t->zb = zb;
            t->raw = raw;
            t->s = s;
        }
        return u;
    }

    /// z = f⁻¹(u): z_A = u_A, z_B = (u_B − t) ⊙ exp(−s).
    [[nodiscard]] Eigen::MatrixXd inverse(const double* p, const Eigen::MatrixXd& u) const {
        const Eigen::MatrixXd h = m_net.forward(p, u(m_a, Eigen::all));
        const Eigen::Index nb = Eigen::Index(m_b.size());
        const Eigen::ArrayXXd s = clamp * (h.topRows(nb).array() / clamp).tanh();
        Eigen::MatrixXd z = u;
        z(m_b, Eigen::all) = ((u(m_b, Eigen::all).array() - h.bottomRows(nb).array()) * (-s).exp()).matrix();
        return z;
    }

    /// Pullback: given ∂ℓ/∂u (d, batch) and ∂ℓ/∂(ln|det|) per column \p dld (batch), adds
    /// parameter gradients into \p grad and returns ∂ℓ/∂z.
    Eigen::MatrixXd backward(const double* p, const Eigen::MatrixXd& du,
                             const Eigen::VectorXd& dld, const tape& t, double* grad) const {
        const Eigen::MatrixXd dub = du(m_b, Eigen::all);
        const Eigen::ArrayXXd es = t.s.array().exp();
        Eigen::MatrixXd dh(2 * Eigen::Index(m_b.size()), du.cols());
        Eigen::ArrayXXd ds = dub.array() * t.zb.array() * es;
        ds.rowwise() += dld.transpose().array();
        const Eigen::ArrayXXd th = (t.raw.array() / clamp).tanh();
        dh.topRows(Eigen::Index(m_b.size())) = (ds * (1 - th.square())).matrix();
        dh.bottomRows(Eigen::Index(m_b.size())) = dub;
        Eigen::MatrixXd dz = du;
        dz(m_b, Eigen::all) = (dub.array() * es).matrix();
        dz(m_a, Eigen::all) += m_net.backward(p, dh, t.net, grad);
        return dz;
    }

private:
    std::vector<int> m_a, m_b;
    mlp m_net;
};

}  // namespace detail

/// RealNVP flow target (see the file notes).
class realnvp {
public:
    /// Whitens the training samples, trains the flow and picks T (unless fixed).
    /// Throws invalid_argument for ndim < 2 (a coupling needs two groups) or bad options.
    explicit realnvp(const chains& training, const realnvp_options& o = {})
        : m_white(training.matrix()), m_options(o) {
        const int d = int(ndim());
        if (d < 2)
            sphaera::detail::raise<invalid_argument>("realnvp: ndim = ", d,
                                                     " is out of range; coupling flows need ndim >= 2");
        if (o.layers < 2 || o.epochs < 0 || o.batch_size < 1 || o.patience < 1 ||
            !(o.validation_fraction > 0 && o.validation_fraction < 1) ||
            !(o.temperature >= 0 && o.temperature <= 1))
            sphaera::detail::raise<invalid_argument>(
                "realnvp: options out of range (layers = ", o.layers, " >= 2, epochs = ", o.epochs,
                " >= 0, batch_size = ", o.batch_size, " >= 1, patience = ", o.patience,
                " >= 1, validation_fraction = ", o.validation_fraction,
                " in (0, 1), temperature = ", o.temperature, " in [0, 1] (0: automatic))");
        Eigen::Index off = 0;
        for (int k = 0; k < o.layers; ++k) {
            m_layers.emplace_back(d, k % 2 == 1, o.hidden, off);
            off += m_layers.back().net().size();
        }
        m_params = Eigen::VectorXd::Zero(off);
        for (int k = 0; k < o.layers; ++k)
            m_layers[std::size_t(k)].net().initialise(m_params.data(), o.seed, std::uint64_t(k));
        train(training);
    }

    [[nodiscard]] Eigen::Index ndim() const { return m_white.ndim(); }
    [[nodiscard]] double temperature() const { return m_temperature; }
    void set_temperature(double t) {
        if (!(t > 0 && t <= 1))
            sphaera::detail::raise<invalid_argument>("realnvp: temperature = ", t,
                                                     " is out of range; valid range is (0, 1]");
        m_temperature = t;
    }
    [[nodiscard]] const Eigen::VectorXd& parameters() const { return m_params; }
    [[nodiscard]] Eigen::VectorXd& parameters() { return m_params; }
    [[nodiscard]] int epochs_run() const { return m_epochs; }
    [[nodiscard]] double validation_loss() const { return m_best_loss; }  ///< −mean ln φ₁(z)
    [[nodiscard]] const std::vector<detail::coupling>& layers() const { return m_layers; }

    /// ln φ_T at the rows of \p x (n, ndim) → (n).
    [[nodiscard]] Eigen::VectorXd log_prob(const Eigen::Ref<const row_matrix>& x) const {
        Eigen::VectorXd ld;
        const Eigen::MatrixXd u = push(m_white.apply(x).transpose(), ld);
        const double t = m_temperature, d = double(ndim());
        return (-0.5 * u.colwise().squaredNorm().transpose().array() / t -
                0.5 * d * std::log(2 * 3.14159265358979323846 * t) + ld.array() - m_white.log_det())
            .matrix();
    }

    /// ∇_θ ln φ_T at one point \p x (ndim), by the same pullback as training.
    [[nodiscard]] Eigen::VectorXd grad_log_prob(const Eigen::VectorXd& x) const {
        const Eigen::MatrixXd z = m_white.apply(x.transpose()).transpose();
        std::vector<detail::coupling::tape> tapes(m_layers.size());
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

    /// n draws from φ_T (rows, (n, ndim)): u ~ N(0, T I), θ = μ + L f⁻¹(u); Philox (seed).
    [[nodiscard]] row_matrix sample(Eigen::Index n, std::uint64_t seed) const {
        Eigen::MatrixXd u(ndim(), n);
        for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index i = 0; i < ndim(); ++i)
                u(i, j) = std::sqrt(m_temperature) * normal<double>(seed, std::uint64_t(j * ndim() + i));
        for (std::size_t k = m_layers.size(); k-- > 0;) u = m_layers[k].inverse(m_params.data(), u);
        return m_white.unapply(u.transpose());
    }

    /// Training loss −mean ln φ₁ over whitened columns \p z (d, n) and, when \p grad is
    /// given, its gradient with respect to the parameters (overwritten).
    double loss(const Eigen::MatrixXd& z, Eigen::VectorXd* grad) const {
        const double n = double(z.cols()), d = double(ndim());
        std::vector<detail::coupling::tape> tapes(m_layers.size());
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
    Eigen::MatrixXd push(const Eigen::MatrixXd& z, Eigen::VectorXd& ld) const {
        ld = Eigen::VectorXd::Zero(z.cols());
        Eigen::MatrixXd u = z;
        for (const auto& l : m_layers) u = l.forward(m_params.data(), u, ld);
        return u;
    }

    void train(const chains& t) {
        const detail::eigen_serial_scope serial;
        const auto& o = m_options;
        const Eigen::MatrixXd zall = m_white.apply(t.matrix()).transpose();  // (d, n)
        const auto fit = detail::train_flow(
            [this](const Eigen::MatrixXd& z, Eigen::VectorXd* g) { return loss(z, g); }, m_params,
            zall,
            {.epochs = o.epochs, .batch_size = o.batch_size, .learning_rate = o.learning_rate,
             .validation_fraction = o.validation_fraction, .patience = o.patience,
             .seed = o.seed, .who = "realnvp"});
        m_epochs = fit.epochs;
        m_best_loss = fit.best_loss;
        if (o.temperature > 0) {
            m_temperature = o.temperature;
            return;
        }
        // T minimising the estimator's relative variance on the validation samples.
        Eigen::VectorXd ld, lnp(Eigen::Index(fit.validation.size()));
        const Eigen::MatrixXd u = push(fit.zval, ld);
        for (std::size_t i = 0; i < fit.validation.size(); ++i)
            lnp[Eigen::Index(i)] = t.lnprob_data()[std::size_t(fit.validation[i])];
        m_temperature = detail::choose_flow_temperature(u.colwise().squaredNorm().transpose(), ld,
                                                        lnp, double(ndim()));
    }

    whitening m_white;
    realnvp_options m_options;
    std::vector<detail::coupling> m_layers;
    Eigen::VectorXd m_params;
    double m_temperature = 0.9;
    double m_best_loss = 0;
    int m_epochs = 0;
};

}  // namespace sphaera::evidence
