#pragma once
/// \file rq_spline.hpp
/// \brief The monotone rational-quadratic spline of Durkan et al. 2019 ("Neural Spline
/// Flows", §3.1, after Gregory & Delbourgo 1983), the element-wise bijection of the spline
/// flow's coupling layers, with its exact inverse and hand-written pullback.
///
/// On [−B, B] the spline has K bins with widths Wₖ, heights Hₖ and knot derivatives Dₖ
/// (D₀ = D_K = 1, so the identity tails outside [−B, B] join with a continuous slope).
/// In bin k, with ξ = (x − xₖ)/Wₖ ∈ [0, 1], sₖ = Hₖ/Wₖ and t = ξ(1 − ξ):
///     g(x) = yₖ + Hₖ (sₖ ξ² + Dₖ t) / (sₖ + (Dₖ₊₁ + Dₖ − 2sₖ) t),
///     g'(x) = sₖ² (Dₖ₊₁ ξ² + 2sₖ t + Dₖ (1 − ξ)²) / (sₖ + (Dₖ₊₁ + Dₖ − 2sₖ) t)²   (Eq. 5),
/// and the inverse is the root in [0, 1] of a quadratic (Eqs. 6–8), taken in the form
/// ξ = 2c / (−b − √(b² − 4ac)) that does not cancel.
///
/// Raw conditioner outputs θ (3K − 1 per coordinate) map to knots as in the paper:
///     W = 2B (w_min + (1 − K w_min) softmax(θ_W)),  H likewise,
///     Dₖ = d_min + softplus(θ_D,ₖ + c),  c = ln(e^{1 − d_min} − 1),
/// where the shift c (ours) makes θ = 0 the identity map, so a flow whose conditioners
/// start with a zero output layer starts as the identity, as the RealNVP flow does.

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "sphaera/core/error.hpp"
#include "sphaera/core/vector_exp.hpp"
#include "sphaera/core/vector_math.hpp"

namespace sphaera::evidence::detail {

/// A K-bin rational-quadratic spline on [−B, B] with identity tails (see the file notes).
class rq_spline {
public:
    static constexpr int max_bins = 64;
    static constexpr double min_width = 1e-3;       ///< w_min, fraction of 2B per bin
    static constexpr double min_height = 1e-3;      ///< h_min, fraction of 2B per bin
    static constexpr double min_derivative = 1e-3;  ///< d_min

    rq_spline() = default;
    /// \p bins in [2, max_bins], \p bound B > 0; invalid_argument otherwise.
    rq_spline(int bins, double bound) : m_bins(bins), m_bound(bound) {
        if (bins < 2 || bins > max_bins)
            sphaera::detail::raise<invalid_argument>("rq_spline: bins = ", bins,
                                                     " is out of range; valid range is [2, ",
                                                     max_bins, "]");
        if (!(bound > 0) || !std::isfinite(bound))
            sphaera::detail::raise<invalid_argument>("rq_spline: tail bound = ", bound,
                                                     " is out of range; valid range is (0, inf)");
    }

    [[nodiscard]] int bins() const { return m_bins; }
    [[nodiscard]] double bound() const { return m_bound; }
    /// Raw conditioner outputs per coordinate: K widths, K heights, K − 1 derivatives.
    [[nodiscard]] int raw_size() const { return 3 * m_bins - 1; }

    /// Knot parameters q = (W₀..W_{K−1}, H₀..H_{K−1}, D₁..D_{K−1}) of every column of raw
    /// conditioner outputs \p raw (3K − 1, m) → (3K − 1, m). Vectorised over columns.
    [[nodiscard]] Eigen::MatrixXd knots(const Eigen::Ref<const Eigen::MatrixXd>& raw) const {
        const int k = m_bins;
        Eigen::MatrixXd q(raw.rows(), raw.cols());
        q.topRows(k) = bin_sizes(raw.topRows(k), min_width);
        q.middleRows(k, k) = bin_sizes(raw.middleRows(k, k), min_height);
        const Eigen::ArrayXXd v = raw.bottomRows(k - 1).array() + derivative_shift();
        // softplus(v) = max(v, 0) + ln(1 + e^{−|v|}) without overflow; ln(1 + ·) rather than
        // log1p because Eigen vectorises log, not log1p (the absolute error stays ~1e-16).
        // Evaluated into a contiguous array first: assigned straight into the (K − 1)-row
        // block, whose columns are shorter than an AVX-512 packet, exp and log ran scalar.
        const Eigen::ArrayXXd d = min_derivative + v.max(0.0) + (1 + (-v.abs()).exp()).log();
        q.bottomRows(k - 1) = d.matrix();
        return q;
    }

    /// Pulls ∂ℓ/∂q (3K − 1, m) back to ∂ℓ/∂raw through q = knots(raw).
    [[nodiscard]] Eigen::MatrixXd knots_backward(const Eigen::Ref<const Eigen::MatrixXd>& raw,
                                                 const Eigen::MatrixXd& q,
                                                 const Eigen::MatrixXd& gq) const {
        const int k = m_bins;
        Eigen::MatrixXd g(raw.rows(), raw.cols());
        g.topRows(k) = bin_sizes_backward(q.topRows(k), gq.topRows(k), min_width);
        g.middleRows(k, k) = bin_sizes_backward(q.middleRows(k, k), gq.middleRows(k, k), min_height);
        // d softplus(v)/dv = sigmoid(v), evaluated as 1/(1 + e^{−v}) (finite for any v).
        const Eigen::ArrayXXd v = raw.bottomRows(k - 1).array() + derivative_shift();
        const Eigen::ArrayXXd sigmoid = 1 / (1 + (-v).exp());  // contiguous: see knots
        g.bottomRows(k - 1) = (gq.bottomRows(k - 1).array() * sigmoid).matrix();
        return g;
    }

    /// g(x) for knots \p q (3K − 1); multiplies g'(x) into \p slope. Callers gather the
    /// slopes of many coordinates and take one logarithm (see log_slope_accumulator):
    /// a scalar log per element dominated flow evaluation.
    double forward_slope(const double* q, double x, double& slope) const {
        if (!(x > -m_bound && x < m_bound)) return x;  // identity tails, g' = 1
        const bin b = locate(q, x, 0);
        const rational r(b, (x - b.x) / b.w);
        slope *= r.s * r.s * r.p / (r.den * r.den);  // Eq. 5
        return b.y + b.h * r.num / r.den;
    }
    /// g(x) for knots \p q (3K − 1); adds ln g'(x) to \p logdet.
    double forward(const double* q, double x, double& logdet) const {
        double slope = 1;
        const double y = forward_slope(q, x, slope);
        logdet += std::log(slope);
        return y;
    }

    /// Scratch of forward_block for blocks of up to `rows` samples.
    struct block_workspace {
        Eigen::ArrayXXd e;   // (rows, 2K): unnormalised softmax terms of widths, then heights
        Eigen::ArrayXXd v;   // (rows, 13): per-sample bin quantities (see forward_block)
        Eigen::ArrayXXf vf;  // (rows, 2): softmax max and terms of a float conditioner
    };
    [[nodiscard]] block_workspace make_block_workspace(Eigen::Index rows) const {
        return {Eigen::ArrayXXd(rows, 2 * m_bins), Eigen::ArrayXXd(rows, 13), Eigen::ArrayXXf(rows, 2)};
    }

    /// g over a block of n samples, each with its own knots: \p raw (n, 3K − 1) holds the
    /// raw conditioner outputs (column r = parameter r of every sample, contiguous; double,
    /// or float from a single-precision conditioner, widened here), \p x (n) is replaced
    /// by g(x) and g'(x) is multiplied into \p slope (n). The same arithmetic as knots +
    /// forward_slope, reorganised so that every step runs over the samples: softmax terms
    /// column by column (normalised where the search forms the bin sizes, not in a
    /// separate pass over all 2K of them), the
    /// bin search as K − 1 branch-free compares (the edges grow, so "x ≥ edge" holds for a
    /// prefix of them and its count is the bin), the bin's knots picked by masks, and
    /// Eq. 5. Only the two derivatives of each sample's bin pass through the softplus.
    template <class Raw>
    void forward_block(const Eigen::MatrixBase<Raw>& raw, Eigen::Ref<Eigen::VectorXd> x,
                       Eigen::Ref<Eigen::ArrayXd> slope, block_workspace& ws) const {
        const Eigen::Index n = x.size(), ld = raw.outerStride();
        const int k = m_bins;
        const auto* r0 = raw.derived().data();
        auto col = [&](int c) { return ws.v.col(c).data(); };
        // Columns of ws.v: 0 bin index, 1–2 left knot (xk, yk), 3–4 width and height of
        // the bin, 5–6 the raw inner derivatives at its two ends, 7–8 running edges,
        // 9–10 the softmax sums Σe of widths and heights, 11 the max.
        using T = typename Raw::Scalar;
        T* mx;
        T* et = nullptr;
        if constexpr (std::is_same_v<T, double>)
            mx = col(11);
        else {
            mx = ws.vf.col(0).data();
            et = ws.vf.col(1).data();
        }
        for (int g = 0; g < 2; ++g)
            softmax_terms(n, k, r0 + g * k * ld, ld, ws.e.col(g * k).data(), ws.e.outerStride(),
                          mx, et, col(9 + g));
        const sizes sz{2 * m_bound, min_width, 1 - k * min_width, min_height, 1 - k * min_height};
        ws.v.col(0).head(n).setZero();
        ws.v.middleCols(1, 2).topRows(n).setConstant(-m_bound);
        ws.v.middleCols(7, 2).topRows(n).setConstant(-m_bound);
        ws.v.middleCols(5, 2).topRows(n).setZero();
        first_bin(n, sz, ws.e.col(0).data(), ws.e.col(k).data(), col(9), col(10), col(3), col(4));
        for (int r = 0; r + 1 < k; ++r)
            search_step(n, sz, x.data(), ws.e.col(r + 1).data(), ws.e.col(k + r + 1).data(),
                        col(9), col(10), col(7), col(8), col(0), col(1), col(2), col(3), col(4));
        pick_derivatives(n, k, r0 + 2 * k * ld, ld, col(0), col(5), col(6));
        eval_step(n, double(k - 1), m_bound, col(0), col(1), col(2), col(3), col(4), col(5),
                  col(6), x.data(), slope.data());
    }

    /// g⁻¹(y) for knots \p q (3K − 1): the stable root of the bin's quadratic (Eqs. 6–8).
    [[nodiscard]] double inverse(const double* q, double y) const {
        if (!(y > -m_bound && y < m_bound)) return y;
        const bin b = locate(q, y, m_bins);
        const double dy = y - b.y, s = b.h / b.w, e = b.d1 + b.d0 - 2 * s;
        const double qa = b.h * (s - b.d0) + dy * e, qb = b.h * b.d0 - dy * e, qc = -s * dy;
        const double disc = std::max(0.0, qb * qb - 4 * qa * qc);  // ≥ 0 up to rounding
        const double xi = 2 * qc / (-qb - std::sqrt(disc));
        return b.x + std::clamp(xi, 0.0, 1.0) * b.w;
    }

    /// Pullback of (y, ln g') = (g(x), ln g'(x)): given ∂ℓ/∂y = \p gy and ∂ℓ/∂ln g' = \p gl,
    /// adds ∂ℓ/∂q into \p gq (3K − 1) and returns ∂ℓ/∂x. The bin is held fixed (g is C¹
    /// across knots, so the one-sided derivatives agree).
    double backward(const double* q, double x, double gy, double gl, double* gq) const {
        if (!(x > -m_bound && x < m_bound)) return gy;
        const int k = m_bins;
        const bin b = locate(q, x, 0);
        const double xi = (x - b.x) / b.w;
        const rational r(b, xi);
        const double e = b.d1 + b.d0 - 2 * r.s, dt = 1 - 2 * xi, den2 = r.den * r.den;
        // Partial derivatives of y = yₖ + H·num/den and L = ln g' in (ξ, s, H, D₀, D₁).
        const double y_xi = b.h * ((2 * r.s * xi + b.d0 * dt) * r.den - r.num * e * dt) / den2;
        const double y_s = b.h * (xi * xi * r.den - r.num * (1 - 2 * r.t)) / den2;
        const double y_h = r.num / r.den;
        const double y_d0 = b.h * r.t * (r.den - r.num) / den2;
        const double y_d1 = -b.h * r.num * r.t / den2;
        const double l_xi = 2 * (b.d1 * xi + r.s * dt - b.d0 * (1 - xi)) / r.p - 2 * e * dt / r.den;
        const double l_s = 2 / r.s + 2 * r.t / r.p - 2 * (1 - 2 * r.t) / r.den;
        const double l_d0 = (1 - xi) * (1 - xi) / r.p - 2 * r.t / r.den;
        const double l_d1 = xi * xi / r.p - 2 * r.t / r.den;
        const double g_xi = gy * y_xi + gl * l_xi, g_s = gy * y_s + gl * l_s;
        // ξ = (x − xₖ)/Wₖ and s = Hₖ/Wₖ; xₖ = −B + Σ_{j<k} Wⱼ, yₖ = −B + Σ_{j<k} Hⱼ.
        const double g_w = -g_xi * xi / b.w - g_s * r.s / b.w, g_cx = -g_xi / b.w;
        for (int j = 0; j < b.k; ++j) {
            gq[j] += g_cx;
            gq[k + j] += gy;
        }
        gq[b.k] += g_w;
        gq[k + b.k] += gy * y_h + g_s / b.w;
        if (b.k > 0) gq[2 * k + b.k - 1] += gy * y_d0 + gl * l_d0;
        if (b.k < k - 1) gq[2 * k + b.k] += gy * y_d1 + gl * l_d1;
        return g_xi / b.w;
    }

private:
    // forward_block's loops over the samples of a block, as functions whose arrays are
    // __restrict parameters, kept out of line: g++ 12 drops __restrict when it inlines,
    // then needs more run-time alias checks than it allows and runs the loops scalar.
    // Flattened: in a large translation unit g++ stopped inlining exp_poly and log_poly,
    // and a loop with a call in it runs scalar (measured 3× slower).

    /// Softmax terms of K raw columns (column r at \p raw + r ld, n samples): e_r =
    /// exp(raw_r − max_r raw_r) into \p e (column r at e + r lde) and Σ_r e_r into
    /// \p scale; the bin sizes are formed from them where the search needs them. The max and
    /// the exponentials run in the raw outputs' precision T with scratch \p mx, \p et (n):
    /// for a float conditioner the float exp (16 SIMD lanes, degree-7 polynomial, ≤ 1 ulp)
    /// adds a relative 6e-8 to terms that carry the network's float rounding already; the
    /// sum, the normaliser and every bin size from them are formed in double.
    template <class T>
    static void softmax_terms(Eigen::Index n, int k, const T* raw, Eigen::Index ld, double* e,
                              Eigen::Index lde, T* mx, T* et, double* scale) {
        column_max(n, k, raw, ld, mx);
        for (int r = 0; r < k; ++r) {
            T* out = et;  // double terms go straight into e
            if constexpr (std::is_same_v<T, double>) out = e + r * lde;
            exp_shifted(n, raw + r * ld, mx, out);
            widen_add(n, out, e + r * lde, scale, r == 0);
        }
    }
    /// mx = max over the K columns (column r at raw + r ld).
    template <class T>
    [[gnu::noinline, gnu::flatten]] static void column_max(Eigen::Index n, int k, const T* __restrict raw,
                                             Eigen::Index ld, T* __restrict mx) {
        for (Eigen::Index i = 0; i < n; ++i) mx[i] = raw[i];
        for (int r = 1; r < k; ++r)
            for (Eigen::Index i = 0; i < n; ++i) mx[i] = std::max(mx[i], raw[r * ld + i]);
    }
    /// out = exp(v − mx), one precision throughout (mixed float/double in one loop made
    /// g++ 12 run it scalar).
    template <class T>
    [[gnu::noinline, gnu::flatten]] static void exp_shifted(Eigen::Index n, const T* __restrict v,
                                              const T* __restrict mx, T* __restrict out) {
        if constexpr (std::is_same_v<T, double>) {
            // Eigen's exp in double, as knots (the column path) uses: measured faster here
            // than exp_poly's degree-13 polynomial, and the two paths then round alike.
            using map = Eigen::Map<const Eigen::ArrayXd>;
            Eigen::Map<Eigen::ArrayXd>(out, n) = (map(v, n) - map(mx, n)).exp();
        } else {
            for (Eigen::Index i = 0; i < n; ++i) out[i] = math::detail::exp_poly(v[i] - mx[i]);
        }
    }
    /// e = double(t) (skipped when t is e), sum = e (first) or sum += e.
    template <class T>
    [[gnu::noinline, gnu::flatten]] static void widen_add(Eigen::Index n, const T* t, double* e,
                                            double* __restrict sum, bool first) {
        if constexpr (!std::is_same_v<T, double>)
            for (Eigen::Index i = 0; i < n; ++i) e[i] = double(t[i]);
        if (first)
            for (Eigen::Index i = 0; i < n; ++i) sum[i] = e[i];
        else
            for (Eigen::Index i = 0; i < n; ++i) sum[i] += e[i];
    }
    /// Bin sizes from softmax terms e and their sum: 2B (m + (1 − K m) e/Σ), in bin_sizes'
    /// order of operations, so that the blocked and column paths round alike.
    struct sizes {
        double b2, mw, cw, mh, ch;
        [[nodiscard]] double width(double e, double sum) const { return b2 * (mw + cw * (e / sum)); }
        [[nodiscard]] double height(double e, double sum) const { return b2 * (mh + ch * (e / sum)); }
    };
    /// Width and height of bin 0 from its softmax terms.
    [[gnu::noinline, gnu::flatten]] static void first_bin(Eigen::Index n, sizes z,
                                            const double* __restrict ew, const double* __restrict eh,
                                            const double* __restrict sw, const double* __restrict sh,
                                            double* __restrict wk, double* __restrict hk) {
        for (Eigen::Index i = 0; i < n; ++i) {
            wk[i] = z.width(ew[i], sw[i]);
            hk[i] = z.height(eh[i], sh[i]);
        }
    }
    /// Edge r + 1 (running sums ex, ey of the widths and heights of bins ≤ r, in the order
    /// locate adds them; wk, hk hold bin r's while the search has reached it): where x ≥
    /// the edge, the bin moves on to r + 1, with left knot at the edge and the width and
    /// height formed from that bin's softmax terms \p ew, \p eh.
    [[gnu::noinline, gnu::flatten]] static void search_step(Eigen::Index n, sizes z,
                            const double* __restrict x, const double* __restrict ew,
                            const double* __restrict eh, const double* __restrict sw,
                            const double* __restrict sh, double* __restrict ex,
                            double* __restrict ey, double* __restrict bin, double* __restrict xk,
                            double* __restrict yk, double* __restrict wk, double* __restrict hk) {
        for (Eigen::Index i = 0; i < n; ++i) {
            // Bin r's sizes: wk, hk while the search is still at bin r; all later bins are
            // past x, so the running sums only need the current one.
            ex[i] += wk[i];
            ey[i] += hk[i];
            const bool past = x[i] >= ex[i];
            // Everything formed unconditionally and chosen by bit selects: g++ 12 does not
            // if-convert a floating-point ?: under -ftrapping-math and ran the loop scalar.
            const double wn = z.width(ew[i], sw[i]), hn = z.height(eh[i], sh[i]);
            bin[i] += select(past, 1.0, 0.0);
            xk[i] = select(past, ex[i], xk[i]);
            yk[i] = select(past, ey[i], yk[i]);
            wk[i] = select(past, wn, wk[i]);
            hk[i] = select(past, hn, hk[i]);
        }
    }
    /// The inner derivatives at both ends of every sample's bin: D_j (j = 1 … K − 1) from
    /// raw column j − 1 of \p d (column c at d + c ld); bin b has D_b on its left (b ≥ 1)
    /// and D_{b+1} on its right (b ≤ K − 2). Gathered with the column indices clamped
    /// into range, so the loads are always valid (eval_step replaces the outer bins' ends
    /// by D₀ = D_K = 1): one load per end instead of K − 1 masked passes over the block.
    /// The softplus runs in the raw outputs' precision T, as the softmax exponentials.
    template <class T>
    [[gnu::noinline, gnu::flatten]] static void pick_derivatives(Eigen::Index n, int k, const T* __restrict d,
                                                   Eigen::Index ld, const double* __restrict bin,
                                                   double* __restrict v0, double* __restrict v1) {
        const T shift = T(derivative_shift());
        for (Eigen::Index i = 0; i < n; ++i) {
            const auto b = Eigen::Index(bin[i]);
            const Eigen::Index c0 = b > 1 ? b - 1 : 0, c1 = b < k - 2 ? b : k - 2;
            v0[i] = double(derivative_from_raw(d[c0 * ld + i], shift));
            v1[i] = double(derivative_from_raw(d[c1 * ld + i], shift));
        }
    }
    /// c ? a : b without a branch (see search_step).
    static double select(bool c, double a, double b) {
        return math::detail::bit_select<double, std::uint64_t>(c, a, b);
    }
    /// d_min + softplus(v + shift) as in knots, with the library's branch-free exp and log
    /// (≤ 1 and ≤ 2 ulp), which vectorise inside pick_derivatives' loop.
    template <class T>
    static T derivative_from_raw(T v, T shift) {
        const T a = v + shift;
        using bits = std::conditional_t<std::is_same_v<T, double>, std::uint64_t, std::uint32_t>;
        return T(min_derivative) + math::detail::bit_select<T, bits>(a > 0, a, T(0)) +
               math::detail::log_poly(T(1) + math::detail::exp_poly(-std::abs(a)));
    }
    /// Eq. 5 as forward_slope (struct rational) in every sample's bin, with the end
    /// derivatives \p v0, \p v1 (pick_derivatives); outer bins use D₀ = D_K = 1 and the
    /// identity holds outside (−B, B).
    [[gnu::noinline, gnu::flatten]] static void eval_step(Eigen::Index n, double last, double bound,
                          const double* __restrict bin,
                          const double* __restrict xk, const double* __restrict yk,
                          const double* __restrict wk, const double* __restrict hk,
                          const double* __restrict v0, const double* __restrict v1,
                          double* __restrict y, double* __restrict slope) {
        for (Eigen::Index i = 0; i < n; ++i) {
            const double d0 = select(bin[i] == 0, 1.0, v0[i]);
            const double d1 = select(bin[i] == last, 1.0, v1[i]);
            const double xv = y[i];
            const double xi = (xv - xk[i]) / wk[i];
            const double s = hk[i] / wk[i], t = xi * (1 - xi);
            const double num = s * xi * xi + d0 * t;
            const double den = s + (d1 + d0 - 2 * s) * t;
            const double p = d1 * xi * xi + 2 * s * t + d0 * (1 - xi) * (1 - xi);
            const bool inside = (xv > -bound) & (xv < bound);  // not &&: a branch
            y[i] = select(inside, yk[i] + hk[i] * num / den, xv);
            slope[i] *= select(inside, s * s * p / (den * den), 1.0);
        }
    }

    /// One bin: index, left knot (x, y), width, height and end derivatives.
    struct bin {
        int k;
        double x, y, w, h, d0, d1;
    };
    /// Quantities of Eq. 5 at ξ in bin b, shared by forward and backward.
    struct rational {
        double s, t, num, den, p;
        rational(const bin& b, double xi)
            : s(b.h / b.w), t(xi * (1 - xi)), num(s * xi * xi + b.d0 * t),
              den(s + (b.d1 + b.d0 - 2 * s) * t),
              p(b.d1 * xi * xi + 2 * s * t + b.d0 * (1 - xi) * (1 - xi)) {}
    };

    /// The bin holding \p v, searched along widths (offset 0) or heights (offset K).
    [[nodiscard]] bin locate(const double* q, double v, int offset) const {
        const int k = m_bins;
        const double* size = q + offset;
        double edge = -m_bound;
        int j = 0;
        for (; j < k - 1 && v >= edge + size[j]; ++j) edge += size[j];
        bin b{j, -m_bound, -m_bound, q[j], q[k + j], j > 0 ? q[2 * k + j - 1] : 1.0,
              j < k - 1 ? q[2 * k + j] : 1.0};
        for (int i = 0; i < j; ++i) {
            b.x += q[i];
            b.y += q[k + i];
        }
        return b;
    }

    [[nodiscard]] static double derivative_shift() {
        return std::log(std::expm1(1 - min_derivative));
    }

    /// softmax of every column of \p v (K, n). The shifts by the column maxima are applied
    /// column by column so that the exponential runs as one vectorised pass (a broadcast
    /// row inside the expression would make Eigen fall back to scalar exp).
    [[nodiscard]] static Eigen::ArrayXXd softmax(const Eigen::Ref<const Eigen::MatrixXd>& v) {
        Eigen::ArrayXXd e = v.array();
        for (Eigen::Index c = 0; c < e.cols(); ++c) e.col(c) -= e.col(c).maxCoeff();
        e = e.exp();
        for (Eigen::Index c = 0; c < e.cols(); ++c) e.col(c) /= e.col(c).sum();
        return e;
    }
    /// 2B (m + (1 − K m) softmax(v)) per column of \p v (K, n).
    [[nodiscard]] Eigen::ArrayXXd bin_sizes(const Eigen::Ref<const Eigen::MatrixXd>& v,
                                            double m) const {
        return 2 * m_bound * (m + (1 - m_bins * m) * softmax(v));
    }
    /// Softmax pullback from the bin sizes \p w = 2B(m + c σ), c = 1 − K m:
    /// ∂ℓ/∂v = 2Bc σ ⊙ (g − Σ σ g) = (w − 2Bm) ⊙ (g − Σ σ g). Reading σ back from w
    /// (instead of recomputing the softmax) costs no exp; its rounding is relative to 2Bm,
    /// far below the finite-difference tolerance.
    [[nodiscard]] Eigen::ArrayXXd bin_sizes_backward(const Eigen::Ref<const Eigen::MatrixXd>& w,
                                                     const Eigen::Ref<const Eigen::MatrixXd>& g,
                                                     double m) const {
        const double floor = 2 * m_bound * m, c = 2 * m_bound * (1 - m_bins * m);
        const Eigen::ArrayXXd e = w.array() - floor;  // 2Bc σ
        const Eigen::RowVectorXd mean = (e * g.array()).colwise().sum().matrix() / c;
        Eigen::ArrayXXd out = g.array();
        for (Eigen::Index col = 0; col < out.cols(); ++col) out.col(col) -= mean[col];
        return e * out;
    }

    int m_bins = 8;
    double m_bound = 5;
};

}  // namespace sphaera::evidence::detail
