#pragma once
/// \file coupling_flow.hpp
/// \brief The driver shared by the coupling flows (RealNVP, rational-quadratic spline):
/// whitening, layer stack, maximum-likelihood training, temperature, sampling and the
/// blocked evaluation of ln φ_T. Each flow supplies only its coupling layer.
///
/// On whitened z = L⁻¹(θ − μ) the flow f = f_K ∘ … ∘ f₁ maps to u = f(z), and the target
/// at temperature T uses a concentrated base N(0, T I) (Polanska et al. 2024):
///     ln φ_T(θ) = −|f(z)|²/(2T) − (d/2) ln(2πT) + Σₖ ln|det ∂fₖ| − ln|det L|,
/// exactly normalised for every T because f is a bijection.
///
/// A layer type provides the column-batch path used by training (tape, forward, inverse,
/// backward, net) and the row-block path used by evaluation:
///     struct block_workspace;
///     block_workspace make_block_workspace(Eigen::Index rows, bool single) const;
///     template <class T>  // double, or float for single-precision conditioners
///     void forward_block(const T* params, Eigen::Ref<Eigen::MatrixXd> z /* (n, d) */,
///                        Eigen::Ref<Eigen::VectorXd> logdet /* (n) */, block_workspace&) const;
/// forward_block moves n samples (one per row, each coordinate a contiguous column) through
/// the layer in place: the conditioner is one matrix product per MLP layer over the block
/// and the element-wise maps vectorise over samples. It agrees with forward to rounding.
///
/// Mixed precision (network_precision::single, evaluation only; the spline flow's default,
/// RealNVP's option): the conditioner MLPs run in float, on the parameters converted once
/// per log_prob call, as harmonic (JAX) runs its flows. The spline flow then also forms
/// its knots and Eq. 5 in float (16 SIMD lanes), keeping in double the softmax sums,
/// x − x_k, the output coordinate, the log-determinant and every sum over coordinates
/// and samples; RealNVP's affine map stays in double. The conditioner's outputs carry
/// relative errors ~1e-7, which move ln φ by ~1e-6–3e-5 (tested ≤ 1e-4 absolute, ln Z
/// ≤ 1e-4 nats); training always runs in double, as does network_precision::double_.

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "sphaera/core/config.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/core/random.hpp"
#include "sphaera/evidence/chains.hpp"
#include "sphaera/evidence/detail/flow_training.hpp"
#include "sphaera/evidence/nn.hpp"
#include "sphaera/evidence/whitening.hpp"

namespace sphaera::evidence {

/// Arithmetic of the flows' conditioner networks when evaluating ln φ (log_prob and the
/// estimator): double_, or single (float products and tanh, and for the spline flow float
/// knots; log-determinants and sums stay in double; see detail/coupling_flow.hpp).
/// Training is always double. Defaults: single for spline_flow, double_ for realnvp.
enum class network_precision { double_, single };

}  // namespace sphaera::evidence

namespace sphaera::evidence::detail {

/// Options every coupling flow has (each flow's own options struct carries them).
struct coupling_flow_options {
    int layers = 4;
    std::vector<int> hidden{32, 32};
    int epochs = 100;
    int batch_size = 256;
    double learning_rate = 2e-3;
    double validation_fraction = 0.2;
    int patience = 10;
    double temperature = 0;
    std::uint64_t seed = 0;
    network_precision precision = network_precision::double_;
};

/// The options every coupling flow shares, taken from a flow's own options (realnvp_options,
/// spline_flow_options), which add their layer's settings to these.
template <class FlowOptions>
[[nodiscard]] coupling_flow_options common_options(const FlowOptions& o) {
    return {.layers = o.layers, .hidden = o.hidden, .epochs = o.epochs, .batch_size = o.batch_size,
            .learning_rate = o.learning_rate, .validation_fraction = o.validation_fraction,
            .patience = o.patience, .temperature = o.temperature, .seed = o.seed, .precision = o.precision};
}

/// A normalising-flow target made of coupling layers of type \p Layer (see the file notes).
template <class Layer>
class coupling_flow {
public:
    /// Samples per evaluation block: the conditioner's largest activation (rows × 253 for
    /// the default spline flow in d = 21) stays inside a core's L2 cache, and the products
    /// run at the speed of large ones. A multiple of 48, the strips of mlp's register-tiled
    /// product (48 floats, 24 doubles), so that no block ends in a partial strip.
    static constexpr Eigen::Index block_rows = 240;

    [[nodiscard]] Eigen::Index ndim() const { return m_white.ndim(); }
    [[nodiscard]] double temperature() const { return m_temperature; }
    void set_temperature(double t) {
        if (!(t > 0 && t <= 1))
            sphaera::detail::raise<invalid_argument>(m_who, ": temperature = ", t,
                                                     " is out of range; valid range is (0, 1]");
        m_temperature = t;
    }
    /// Precision of the conditioner networks in log_prob (see the file notes).
    [[nodiscard]] network_precision evaluation_precision() const { return m_precision; }
    void set_evaluation_precision(network_precision p) {
        if (p != network_precision::double_ && p != network_precision::single)
            sphaera::detail::raise<invalid_argument>(m_who, ": network precision ", int(p),
                                                     " is out of range; valid values are double_ (0) and single (1)");
        m_precision = p;
    }
    [[nodiscard]] const Eigen::VectorXd& parameters() const { return m_params; }
    [[nodiscard]] Eigen::VectorXd& parameters() { return m_params; }
    [[nodiscard]] int epochs_run() const { return m_epochs; }
    [[nodiscard]] double validation_loss() const { return m_best_loss; }  ///< −mean ln φ₁(z)
    [[nodiscard]] const std::vector<Layer>& layers() const { return m_layers; }
    [[nodiscard]] const whitening& standardisation() const { return m_white; }

    /// ln φ_T at the rows of \p x (n, ndim) → (n). Rows go through the flow in blocks of
    /// block_rows (see forward_block in the file notes), OpenMP-parallel over blocks when
    /// called outside a parallel region. Each block is computed alone and written to its
    /// own rows, so the result is bit for bit the same for any thread count.
    [[nodiscard]] Eigen::VectorXd log_prob(const Eigen::Ref<const row_matrix>& x) const {
        if (x.cols() != ndim())
            sphaera::detail::raise<shape_mismatch>(m_who, ": log_prob of samples with ",
                                                   x.cols(), " columns; the flow has ndim = ",
                                                   ndim());
        const double c = -0.5 * double(ndim()) * std::log(2 * 3.14159265358979323846 * m_temperature) -
                         m_white.log_det();
        Eigen::VectorXd out(x.rows());
        const auto load = [&](Eigen::Index r0, Eigen::Index nb, Eigen::Ref<Eigen::MatrixXd> z) {
            z = x.middleRows(r0, nb);  // row-major → column-major
            m_white.apply_in_place(z);
        };
        const auto store = [&](Eigen::Index r0, Eigen::Index nb, const Eigen::ArrayXd& u2,
                               const Eigen::VectorXd& ld) {
            out.segment(r0, nb) = (-0.5 / m_temperature * u2.head(nb) + ld.head(nb).array() + c).matrix();
        };
        if (m_precision == network_precision::single) {
            // Converted per call rather than cached, so that it can never go stale when the
            // parameters are changed through parameters(); ~10⁴–10⁵ conversions per call.
            const Eigen::VectorXf pf = m_params.cast<float>();
            for_each_block(x.rows(), pf.data(), load, store);
        } else {
            for_each_block(x.rows(), m_params.data(), load, store);
        }
        return out;
    }

    /// ∇_θ ln φ_T at one point \p x (ndim), by the same pullback as training.
    [[nodiscard]] Eigen::VectorXd grad_log_prob(const Eigen::VectorXd& x) const {
        const Eigen::MatrixXd z = m_white.apply(x.transpose()).transpose();
        std::vector<typename Layer::tape> tapes(m_layers.size());
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

    /// f(z) of whitened columns \p z (d, n), setting \p ld (n) to ln|det ∂f/∂z|: the
    /// column-batch path of training (the reference the blocked evaluation is tested on).
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
        std::vector<typename Layer::tape> tapes(m_layers.size());
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

protected:
    /// Whitens the training samples, validates the options, builds o.layers layers by
    /// `make_layer(d, flip, offset)` (alternating halves), trains them and picks T (unless
    /// fixed). \p who names the flow in error messages. Throws invalid_argument for
    /// ndim < 2 (a coupling needs two groups) or options out of range.
    template <class MakeLayer>
    coupling_flow(const char* who, const chains& training, const coupling_flow_options& o,
                  MakeLayer make_layer)
        : m_white(training.matrix()), m_who(who) {
        const int d = int(ndim());
        if (d < 2)
            sphaera::detail::raise<invalid_argument>(who, ": ndim = ", d,
                                                     " is out of range; coupling flows need ndim >= 2");
        if (o.layers < 2 || o.epochs < 0 || o.batch_size < 1 || o.patience < 1 ||
            !(o.validation_fraction > 0 && o.validation_fraction < 1) ||
            !(o.temperature >= 0 && o.temperature <= 1))
            sphaera::detail::raise<invalid_argument>(
                who, ": options out of range (layers = ", o.layers, " >= 2, epochs = ", o.epochs,
                " >= 0, batch_size = ", o.batch_size, " >= 1, patience = ", o.patience,
                " >= 1, validation_fraction = ", o.validation_fraction,
                " in (0, 1), temperature = ", o.temperature, " in [0, 1] (0: automatic))");
        Eigen::Index off = 0;
        for (int k = 0; k < o.layers; ++k) {
            m_layers.push_back(make_layer(d, k % 2 == 1, off));
            off += m_layers.back().net().size();
        }
        m_params = Eigen::VectorXd::Zero(off);
        for (int k = 0; k < o.layers; ++k)
            m_layers[std::size_t(k)].net().initialise(m_params.data(), o.seed, std::uint64_t(k));
        set_evaluation_precision(o.precision);
        train(training, o);
    }

private:
    /// The blocked evaluation of n samples: for each block of up to block_rows rows,
    /// `load(r0, nb, z)` fills z (nb, d) with the whitened samples r0 … r0 + nb − 1, the
    /// layers move them in place, and `store(r0, nb, u2, ld)` receives |f(z)|² and
    /// ln|det ∂f/∂z| in the first nb entries. OpenMP-parallel over blocks when called
    /// outside a parallel region; each block is computed alone and stored to its own rows,
    /// so results are bit for bit the same for any thread count.
    /// \p params: m_params, or its float copy for single-precision conditioners.
    template <class T, class Load, class Store>
    void for_each_block(Eigen::Index n, const T* params, const Load& load, const Store& store) const {
        const Eigen::Index nblocks = (n + block_rows - 1) / block_rows;
#if SPHAERA_HAS_OPENMP
#pragma omp parallel if (nblocks > 1)
#endif
        {
            block_state ws = make_block_state(std::min(n, block_rows), std::is_same_v<T, float>);
#if SPHAERA_HAS_OPENMP
#pragma omp for schedule(static)
#endif
            for (Eigen::Index b = 0; b < nblocks; ++b) {
                const Eigen::Index r0 = b * block_rows, nb = std::min(block_rows, n - r0);
                auto z = ws.z.topRows(nb);
                auto ld = ws.ld.head(nb);
                load(r0, nb, z);
                ld.setZero();
                for (std::size_t k = 0; k < m_layers.size(); ++k)
                    m_layers[k].forward_block(params, z, ld, ws.layer[k % ws.layer.size()]);
                auto u2 = ws.u2.head(nb);
                u2 = z.col(0).array().square();
                for (Eigen::Index j = 1; j < z.cols(); ++j) u2 += z.col(j).array().square();
                store(r0, nb, ws.u2, ws.ld);
            }
        }
    }

    /// One thread's evaluation scratch. Layers alternate their halves, so layers k and
    /// k + 2 have the same shapes and share a workspace.
    struct block_state {
        Eigen::MatrixXd z;   // (rows, d) whitened samples, then f(z)
        Eigen::VectorXd ld;  // (rows) ln|det|
        Eigen::ArrayXd u2;   // (rows) |f(z)|²
        std::vector<typename Layer::block_workspace> layer;
    };
    [[nodiscard]] block_state make_block_state(Eigen::Index rows, bool single) const {
        block_state s{Eigen::MatrixXd(rows, ndim()), Eigen::VectorXd(rows), Eigen::ArrayXd(rows), {}};
        for (std::size_t k = 0; k < std::min<std::size_t>(2, m_layers.size()); ++k)
            s.layer.push_back(m_layers[k].make_block_workspace(rows, single));
        return s;
    }

    void train(const chains& t, const coupling_flow_options& o) {
        const eigen_serial_scope serial;
        const Eigen::MatrixXd zall = m_white.apply(t.matrix()).transpose();  // (d, n)
        const auto fit = train_flow(
            [this](const Eigen::MatrixXd& z, Eigen::VectorXd* g) { return loss(z, g); }, m_params,
            zall,
            {.epochs = o.epochs, .batch_size = o.batch_size, .learning_rate = o.learning_rate,
             .validation_fraction = o.validation_fraction, .patience = o.patience,
             .seed = o.seed, .who = m_who});
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
        m_temperature = choose_flow_temperature(u.colwise().squaredNorm().transpose(), ld, lnp,
                                                double(ndim()));
    }

    whitening m_white;
    const char* m_who;
    std::vector<Layer> m_layers;
    Eigen::VectorXd m_params;
    double m_temperature = 0.9;
    network_precision m_precision = network_precision::double_;
    double m_best_loss = 0;
    int m_epochs = 0;
};

}  // namespace sphaera::evidence::detail
