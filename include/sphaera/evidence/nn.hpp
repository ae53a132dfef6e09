#pragma once
/// \file nn.hpp
/// \brief A small multilayer perceptron with hand-written backpropagation, the conditioner
/// of the flows' coupling layers. Batches are columns: x is (inputs, batch), so every layer
/// is one GEMM. Hidden layers use tanh (smooth, so finite-difference checks are exact to
/// O(h²)); the output layer is linear and starts at zero, making a new flow the identity.
///
/// Parameters live in a flat vector owned by the caller (one Adam state for a whole flow);
/// layer l reads Wₗ (out, in) column-major and then bₗ (out) from offset + its own offset.

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/core/random.hpp"

namespace sphaera::evidence::detail {

/// Runs Eigen single-threaded while alive. Mini-batch products (32 × 32 × 256) are far too
/// small for Eigen's OpenMP GEMM: on a loaded machine its threads' spin-waits made flow
/// training 10× slower. Restores the previous setting on exit.
class eigen_serial_scope {
public:
    eigen_serial_scope() : m_saved(Eigen::nbThreads()) { Eigen::setNbThreads(1); }
    ~eigen_serial_scope() { Eigen::setNbThreads(m_saved); }
    eigen_serial_scope(const eigen_serial_scope&) = delete;
    eigen_serial_scope& operator=(const eigen_serial_scope&) = delete;

private:
    int m_saved;
};

/// Shape and parameter layout of an MLP; holds no parameters itself.
class mlp {
public:
    /// Activations kept by forward for backward: a[0] = input, a[l] = output of layer l.
    struct tape {
        std::vector<Eigen::MatrixXd> a;
    };

    mlp() = default;
    /// Layer widths, input first and output last (at least two entries, all ≥ 1).
    explicit mlp(std::vector<int> widths, Eigen::Index offset = 0)
        : m_widths(std::move(widths)), m_offset(offset) {
        if (m_widths.size() < 2)
            sphaera::detail::raise<invalid_argument>("mlp: needs an input and an output width");
        for (int w : m_widths)
            if (w < 1)
                sphaera::detail::raise<invalid_argument>("mlp: width ", w,
                                                         " is out of range; valid range is [1, inf)");
    }

    /// Number of parameters Σ (inₗ + 1) outₗ.
    [[nodiscard]] Eigen::Index size() const {
        Eigen::Index n = 0;
        for (std::size_t l = 0; l + 1 < m_widths.size(); ++l)
            n += Eigen::Index(m_widths[l] + 1) * m_widths[l + 1];
        return n;
    }
    [[nodiscard]] Eigen::Index offset() const { return m_offset; }
    [[nodiscard]] int inputs() const { return m_widths.front(); }
    [[nodiscard]] int outputs() const { return m_widths.back(); }

    /// Glorot-uniform hidden weights from Philox stream (seed, stream); zero biases and a
    /// zero output layer (the coupling starts as the identity).
    void initialise(double* params, std::uint64_t seed, std::uint64_t stream) const {
        double* p = params + m_offset;
        std::uint64_t k = 0;
        for (std::size_t l = 0; l + 1 < m_widths.size(); ++l) {
            const int in = m_widths[l], out = m_widths[l + 1];
            const bool last = l + 2 == m_widths.size();
            const double a = std::sqrt(6.0 / (in + out));
            for (int i = 0; i < in * out; ++i)
                p[i] = last ? 0.0 : a * (2 * uniform<double>(seed, k++, stream) - 1);
            for (int i = 0; i < out; ++i) p[in * out + i] = 0.0;
            p += (in + 1) * out;
        }
    }

    /// y = MLP(x) for x (inputs, batch) → (outputs, batch); fills \p t when given.
    [[nodiscard]] Eigen::MatrixXd forward(const double* params, const Eigen::MatrixXd& x,
                                          tape* t = nullptr) const {
        const double* p = params + m_offset;
        Eigen::MatrixXd a = x;
        if (t) t->a.assign(1, x);
        for (std::size_t l = 0; l + 1 < m_widths.size(); ++l) {
            const int in = m_widths[l], out = m_widths[l + 1];
            const Eigen::Map<const Eigen::MatrixXd> w(p, out, in);
            const Eigen::Map<const Eigen::VectorXd> b(p + in * out, out);
            Eigen::MatrixXd y = w * a;
            y.colwise() += b;
            // tanh y = 1 − 2/(e^{2y} + 1): Eigen vectorises exp but not double tanh, and
            // glibc's scalar tanh dominated flow evaluation. Exact limits ±1 for |y| → ∞
            // (e^{2y} = inf gives 1), absolute error ~1e-16 near 0.
            if (l + 2 < m_widths.size()) y = (1 - 2 / ((2 * y.array()).exp() + 1)).matrix();
            a = std::move(y);
            if (t) t->a.push_back(a);
            p += (in + 1) * out;
        }
        return a;
    }

    /// Activations of the row-major evaluation path (forward_rows) in scalar \p T: a[l] is
    /// the output of layer l + 1, (rows, width) with one sample per row, allocated once per
    /// block size; x holds the input converted to T when T is not double.
    template <class T>
    struct basic_row_workspace {
        std::vector<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>> a;
        Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> x;
    };
    using row_workspace = basic_row_workspace<double>;
    /// A workspace for forward_rows<T> on blocks of up to \p rows samples.
    /// With \p rows = 0 it stays empty (the workspace of the precision not in use).
    template <class T = double>
    [[nodiscard]] basic_row_workspace<T> make_row_workspace(Eigen::Index rows) const {
        basic_row_workspace<T> ws;
        if (rows == 0) return ws;
        for (std::size_t l = 1; l < m_widths.size(); ++l) ws.a.emplace_back(rows, m_widths[l]);
        if constexpr (!std::is_same_v<T, double>) ws.x.resize(rows, m_widths.front());
        return ws;
    }
    /// Workspaces of both precisions, only the one in use allocated (a flow's conditioner
    /// evaluates in double or in float, see network_precision in coupling_flow.hpp).
    struct mixed_row_workspace {
        basic_row_workspace<double> d;
        basic_row_workspace<float> f;
    };
    [[nodiscard]] mixed_row_workspace make_mixed_row_workspace(Eigen::Index rows, bool single) const {
        return {make_row_workspace(single ? 0 : rows), make_row_workspace<float>(single ? rows : 0)};
    }

    /// The same network on samples as rows: \p x (n, inputs) → the top n rows of the
    /// returned workspace matrix (n, outputs). Every layer is one product x Wᵀ + b over the
    /// block (dense_rows; features in contiguous columns, so the bias, tanh and the flows'
    /// element-wise maps vectorise over samples); nothing is allocated. Agrees with forward
    /// to rounding (with AVX-512 the products round as forward's, see dense_rows).
    /// With T = float (\p params then holds the parameters converted to float) the input
    /// is rounded to float and every product, bias and tanh runs in float: twice the SIMD
    /// lanes and half the memory traffic of double, for relative errors ~1e-7 in the
    /// outputs (the mixed-precision evaluation of the flows, see coupling_flow.hpp).
    template <class T, class Derived>
    const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& forward_rows(
        const T* params, const Eigen::MatrixBase<Derived>& x, basic_row_workspace<T>& ws) const {
        const Eigen::Index n = x.rows();
        const T* p = params + m_offset;
        for (std::size_t l = 0; l + 1 < m_widths.size(); ++l) {
            const int in = m_widths[l], out = m_widths[l + 1];
            auto y = ws.a[l].topRows(n);
            const T* xin;
            Eigen::Index ldx;
            if (l > 0) {
                xin = ws.a[l - 1].data();
                ldx = ws.a[l - 1].outerStride();
            } else if constexpr (std::is_same_v<T, typename Derived::Scalar>) {
                xin = x.derived().data();
                ldx = x.outerStride();
            } else {
                auto xt = ws.x.topRows(n);
                xt = x.template cast<T>();
                xin = ws.x.data();
                ldx = ws.x.outerStride();
            }
#if defined(__AVX512F__)
            dense_rows(n, in, out, xin, ldx, p, y.data(), y.outerStride());
#else
            // Without AVX-512 the register tiles do not fit (16 vector registers) and
            // Eigen's GEMM is as fast; its output is zeroed and W repacked per block.
            using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
            const Eigen::Map<const matrix, 0, Eigen::OuterStride<>> xm(xin, n, in, Eigen::OuterStride<>(ldx));
            y.noalias() = xm * Eigen::Map<const matrix>(p, out, in).transpose();
            for (int j = 0; j < out; ++j) y.col(j).array() += p[in * out + j];
#endif
            // tanh, column by column. Float: Eigen's vectorised tanh (a clamped rational
            // approximation, a few ulp: one division, no exp), half the time of the exp form.
            // Double: Eigen does not vectorise tanh; 1 − 2/(e^{2y} + 1) as in forward.
            if (l + 2 < m_widths.size())
                for (int j = 0; j < out; ++j) {
                    auto c = y.col(j).array();
                    if constexpr (std::is_same_v<T, float>)
                        c = c.tanh();
                    else
                        c = T(1) - T(2) / ((T(2) * c).exp() + T(1));
                }
            p += (in + 1) * out;
        }
        return ws.a.back();
    }
    /// forward_rows in the precision of \p params (T = double or float), on that precision's
    /// part of \p ws.
    template <class T, class Derived>
    const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& forward_rows(
        const T* params, const Eigen::MatrixBase<Derived>& x, mixed_row_workspace& ws) const {
        if constexpr (std::is_same_v<T, float>)
            return forward_rows(params, x, ws.f);
        else
            return forward_rows(params, x, ws.d);
    }

    /// Pulls back \p dy (outputs, batch) through the network recorded in \p t: adds
    /// ∂/∂params into \p grad (same layout as params) and returns ∂/∂x (inputs, batch).
    Eigen::MatrixXd backward(const double* params, const Eigen::MatrixXd& dy, const tape& t,
                             double* grad) const {
        // Walk the layers from the last; offsets of every layer first.
        std::vector<Eigen::Index> off(m_widths.size(), m_offset);
        for (std::size_t l = 0; l + 1 < m_widths.size(); ++l)
            off[l + 1] = off[l] + Eigen::Index(m_widths[l] + 1) * m_widths[l + 1];
        Eigen::MatrixXd d = dy;
        for (std::size_t l = m_widths.size() - 1; l-- > 0;) {
            const int in = m_widths[l], out = m_widths[l + 1];
            if (l + 2 < m_widths.size())  // through tanh: 1 − a²
                d.array() *= 1 - t.a[l + 1].array().square();
            const Eigen::Map<const Eigen::MatrixXd> w(params + off[l], out, in);
            Eigen::Map<Eigen::MatrixXd> gw(grad + off[l], out, in);
            Eigen::Map<Eigen::VectorXd> gb(grad + off[l] + in * out, out);
            gw.noalias() += d * t.a[l].transpose();
            gb += d.rowwise().sum();
            d = (w.transpose() * d).eval();
        }
        return d;
    }

private:
    // dense_rows: y (n, out) = x (n, in) Wᵀ + b for one layer of forward_rows, W (out, in)
    // column-major at w and b (out) after it, x and y column-major with leading dimensions
    // ldx, ldy. A register-tiled product written for these shapes (in ≤ ~64, out up to a
    // few hundred, n = one block) on AVX-512: strips of 192 bytes of samples (three
    // 512-bit vectors: 48 floats, 24 doubles) × 8 outputs keep their 24 accumulators in
    // registers across the whole sum over the inputs and are written once, with the bias.
    // Measured 1.5× faster than Eigen's GEMM on the spline flow's 240 × 32 → 253 layer
    // (float and double), which repacks W and zeroes y on every block. The sum runs over
    // the inputs in order and the bias comes last, as in forward's W x + b (Eigen's
    // kernel), so that the two paths round alike: with the bias first, the blocked spline
    // flow of test_flow_blocked was 3e-11 from the column path at d = 21, now 4e-13. The
    // strip holds more than 16 elements on purpose: g++ 12 peels loops of ≤ 16 iterations
    // completely before vectorising, and the peeled tile ran 6× slower. (With AVX2 the
    // tiles spill and Eigen is as fast: forward_rows uses Eigen there.)
    static constexpr int tile_bytes = 192;
    static constexpr int tile_outputs = 8;

    template <class T>
    [[maybe_unused]] static void dense_rows(Eigen::Index n, int in, int out, const T* x, Eigen::Index ldx,
                           const T* w, T* y, Eigen::Index ldy) {
        constexpr int rows = tile_bytes / int(sizeof(T));
        Eigen::Index i0 = 0;
        for (; i0 + rows <= n; i0 += rows) dense_tile<T, true>(rows, in, out, x + i0, ldx, w, y + i0, ldy);
        if (i0 < n) dense_tile<T, false>(int(n - i0), in, out, x + i0, ldx, w, y + i0, ldy);
    }
    /// One strip of m ≤ rows samples (m = rows when Full: compile-time trip counts), all
    /// outputs: tiles of tile_outputs, then the remaining outputs one at a time.
    template <class T, bool Full>
    [[gnu::noinline]] static void dense_tile(int m_, int in, int out, const T* __restrict x,
                                             Eigen::Index ldx, const T* __restrict w,
                                             T* __restrict y, Eigen::Index ldy) {
        constexpr int rows = tile_bytes / int(sizeof(T)), J = tile_outputs;
        const int m = Full ? rows : m_;
        const T* __restrict b = w + Eigen::Index(in) * out;
        int j0 = 0;
        for (; j0 + J <= out; j0 += J) {
            T acc[J][rows];
            for (int j = 0; j < J; ++j)
                for (int l = 0; l < m; ++l) acc[j][l] = 0;
            for (int k = 0; k < in; ++k) {
                const T* xk = x + k * ldx;
                const T* wk = w + Eigen::Index(k) * out + j0;
                for (int j = 0; j < J; ++j)
                    for (int l = 0; l < m; ++l) acc[j][l] += xk[l] * wk[j];
            }
            for (int j = 0; j < J; ++j)
                for (int l = 0; l < m; ++l) y[(j0 + j) * ldy + l] = acc[j][l] + b[j0 + j];
        }
        for (; j0 < out; ++j0) {
            T acc[rows];
            for (int l = 0; l < m; ++l) acc[l] = 0;
            for (int k = 0; k < in; ++k) {
                const T wk = w[Eigen::Index(k) * out + j0];
                for (int l = 0; l < m; ++l) acc[l] += x[k * ldx + l] * wk;
            }
            for (int l = 0; l < m; ++l) y[j0 * ldy + l] = acc[l] + b[j0];
        }
    }

    std::vector<int> m_widths;
    Eigen::Index m_offset = 0;
};

}  // namespace sphaera::evidence::detail
