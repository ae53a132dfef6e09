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
#include <bit>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "sphaera/core/error.hpp"
#include "sphaera/core/vector_exp.hpp"
#include "sphaera/core/vector_math.hpp"

// The lane loops of rq_spline's block kernel, marked `omp simd` (where OpenMP is on): g++
// 12 otherwise peels loops of ≤ 16 iterations completely before it vectorises, and ran
// them scalar (measured: the kernel 1.4× slower).
#if SPHAERA_HAS_OPENMP
#define SPHAERA_RQ_LANES _Pragma("omp simd")
#else
#define SPHAERA_RQ_LANES
#endif

namespace sphaera::evidence::detail {

using math::detail::exp_nonpositive;  // softmax terms (core/vector_exp.hpp)

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
    /// conditioner outputs \p raw (3K − 1, m) → (3K − 1, m), with the scalar arithmetic
    /// of forward_block's kernel (the same exp, sums in the same order, the same softplus),
    /// so that the column path that trains the flow and the blocked evaluation form the
    /// same knots. The exponentials and softplus run as flat loops over all columns, which
    /// vectorise (column by column they would not: a few bins per column).
    [[nodiscard]] Eigen::MatrixXd knots(const Eigen::Ref<const Eigen::MatrixXd>& raw) const {
        const int k = m_bins;
        const Eigen::Index m = raw.cols();
        Eigen::MatrixXd q(raw.rows(), m);
        Eigen::ArrayXXd e(2 * k, m);  // θ − max θ per softmax, then its exponential
        for (Eigen::Index c = 0; c < m; ++c)
            for (int g = 0; g < 2; ++g) {
                const double* v = raw.data() + c * raw.outerStride() + g * k;
                double mx = v[0];
                for (int r = 1; r < k; ++r) mx = std::max(mx, v[r]);
                for (int r = 0; r < k; ++r) e(g * k + r, c) = v[r] - mx;
            }
        exp_in_place(e.data(), e.size());
        const double b2 = 2 * m_bound, cw = 1 - k * min_width, ch = 1 - k * min_height;
        for (Eigen::Index c = 0; c < m; ++c)
            for (int g = 0; g < 2; ++g) {
                const double* t = &e(g * k, c);
                double sum = 0;
                for (int r = 0; r < k; ++r) sum += t[r];
                const double inv = 1 / sum, mn = g == 0 ? min_width : min_height, cc = g == 0 ? cw : ch;
                for (int r = 0; r < k; ++r) q(g * k + r, c) = b2 * (mn + cc * (t[r] * inv));
            }
        Eigen::ArrayXXd d = raw.bottomRows(k - 1).array();
        softplus_in_place(d.data(), d.size());
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

    /// g over a block of n samples, each with its own knots: \p raw (n, 3K − 1) holds the
    /// raw conditioner outputs (column r = parameter r of every sample, contiguous; double,
    /// or float from a single-precision conditioner), \p x (n) is replaced by g(x) and g'(x)
    /// is multiplied into \p slope (n). The same map as knots + forward_slope, sample by
    /// sample in SIMD lanes (see chunk): softmax terms and sums, the bin search along the
    /// running edges, picking up on the way the bin's knots and the raw values of its two
    /// inner derivatives, so that only those two pass through the softplus. With double
    /// raw outputs the arithmetic is knots' and locate's, operation for operation (tested
    /// equal to the all-knots path); with float ones the knots and Eq. 5 run in float (the
    /// softmax sums, x − x_k and the output stay in double), a relative ~1e-7 beside the
    /// float network's own rounding.
    template <class Raw>
    void forward_block(const Eigen::MatrixBase<Raw>& raw, Eigen::Ref<Eigen::VectorXd> x,
                       Eigen::Ref<Eigen::ArrayXd> slope) const {
        using T = typename Raw::Scalar;
        static_assert(std::is_same_v<T, double> || std::is_same_v<T, float>);
        block_kernel<T>(x.size(), m_bins, m_bound, raw.derived().data(), raw.outerStride(),
                        x.data(), slope.data());
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
    // forward_block's kernel, over chunks of `lanes` samples: every step is a loop over
    // the samples of a chunk (the SIMD lanes), the steps loop over the K bins, and all
    // per-sample state lives in small local arrays, in registers or L1. (One loop over the
    // samples with the bin loops inside would keep the state in registers outright, but
    // g++ 12 vectorises an outer loop only around a single inner loop without control
    // flow; passes over whole blocks, each step one pass, streamed ~15 arrays of the
    // block through L1 per bin.) A chunk is a function of its own, its arrays __restrict
    // parameters or locals, so that no run-time alias checks are needed (g++ 12 drops
    // __restrict when it inlines); flattened, as a call left in a loop keeps it scalar;
    // the full chunk has compile-time trip counts.
    //
    // Per sample, with K bins and T the raw outputs' precision:
    //   1. the maxima of the width and height parameters, the 2K terms
    //      e_r = exp_nonpositive(θ_r − max θ) in T (16 float lanes per vector), their sums
    //      S_W, S_H in double (in float their rounding, up to K ulp and common to all bins,
    //      tripled the single-precision error of ln φ) and one reciprocal of each, in T;
    //   2. the bin search: W_r = 2B(w_min + (1 − K w_min) e_r/S_W) (H_r likewise) and the
    //      edges summed in locate's order. "x ≥ edge" holds for a prefix of the edges
    //      (they grow), so each step moves the bin on where it holds and picks that bin's
    //      left knot, width, height and raw D_{r+1}, D_{r+2} by bit selects (no branch);
    //   3. the bin's two inner derivatives through the softplus (outer bins use
    //      D₀ = D_K = 1), Eq. 5 as forward_slope, and the identity outside (−B, B).
    static constexpr int lanes = 16;

    template <class T>
    static void block_kernel(Eigen::Index n, int k, double bound, const T* raw, Eigen::Index ld,
                             double* x, double* slope) {
        Eigen::Index i = 0;
        for (; i + lanes <= n; i += lanes) chunk<T, true>(lanes, k, bound, raw + i, ld, x + i, slope + i);
        if (i < n) chunk<T, false>(int(n - i), k, bound, raw + i, ld, x + i, slope + i);
    }

    template <class T, bool Full>
    [[gnu::noinline, gnu::flatten]] static void chunk(int m_, int k, double bound,
                                                      const T* __restrict raw, Eigen::Index ld,
                                                      double* __restrict x,
                                                      double* __restrict slope) {
        const int m = Full ? lanes : m_;
        const T* __restrict rh = raw + k * ld;      // height parameters
        const T* __restrict rd = raw + 2 * k * ld;  // inner derivative parameters D₁ … D_{K−1}
        T e[2 * max_bins * lanes];                  // terms: widths (bin-major), then heights
        T* eh = e + k * lanes;
        T aw[lanes], ah[lanes], iw[lanes], ih[lanes], xt[lanes];
        double sw[lanes], sh[lanes];
        SPHAERA_RQ_LANES
        for (int l = 0; l < m; ++l) {
            aw[l] = raw[l];
            ah[l] = rh[l];
        }
        // A NaN parameter reaches ln φ whether or not max passes it on: its own term is NaN.
        for (int r = 1; r < k; ++r)
            SPHAERA_RQ_LANES
            for (int l = 0; l < m; ++l) {
                aw[l] = std::max(aw[l], raw[r * ld + l]);
                ah[l] = std::max(ah[l], rh[r * ld + l]);
            }
        SPHAERA_RQ_LANES
        for (int l = 0; l < m; ++l) sw[l] = sh[l] = 0;
        for (int r = 0; r < k; ++r)
            SPHAERA_RQ_LANES
            for (int l = 0; l < m; ++l) {
                const T tw = exp_nonpositive(T(raw[r * ld + l] - aw[l]));
                const T th = exp_nonpositive(T(rh[r * ld + l] - ah[l]));
                e[r * lanes + l] = tw;
                eh[r * lanes + l] = th;
                sw[l] += double(tw);
                sh[l] += double(th);
            }
        SPHAERA_RQ_LANES
        for (int l = 0; l < m; ++l) {
            iw[l] = T(1 / sw[l]);
            ih[l] = T(1 / sh[l]);
            xt[l] = T(x[l]);
        }
        // Bin sizes as knots forms them and edges summed in locate's order, so that for
        // T = double the knots are those of the column path. Bin 0 until an edge is
        // passed: left knot (−B, −B); wr, hr hold bin r's sizes while the search is at r.
        const T b2 = T(2 * bound), cw = T(1 - k * min_width), ch = T(1 - k * min_height);
        const T mw = T(min_width), mh = T(min_height);
        T bin[lanes], xe[lanes], ye[lanes], xk[lanes], yk[lanes], wk[lanes], hk[lanes];
        T wr[lanes], hr[lanes];
        T d0[lanes], d1[lanes];  // raw D of the bin's left and right ends (D₀ = 1 in bin 0)
        SPHAERA_RQ_LANES
        for (int l = 0; l < m; ++l) {
            bin[l] = 0;
            xe[l] = ye[l] = xk[l] = yk[l] = T(-bound);
            wk[l] = wr[l] = b2 * (mw + cw * T(e[l] * iw[l]));
            hk[l] = hr[l] = b2 * (mh + ch * T(eh[l] * ih[l]));
            d0[l] = d1[l] = rd[l];
        }
        for (int r = 0; r + 1 < k; ++r) {
            const int rn = r + 2 < k ? r + 1 : r;  // D_{r+2}; bin K − 1 uses D_K = 1
            SPHAERA_RQ_LANES
            for (int l = 0; l < m; ++l) {
                xe[l] += wr[l];
                ye[l] += hr[l];
                const T wn = b2 * (mw + cw * T(e[(r + 1) * lanes + l] * iw[l]));
                const T hn = b2 * (mh + ch * T(eh[(r + 1) * lanes + l] * ih[l]));
                const bool past = T(xt[l]) >= xe[l];
                bin[l] += select(past, T(1), T(0));
                xk[l] = select(past, xe[l], xk[l]);
                yk[l] = select(past, ye[l], yk[l]);
                wk[l] = select(past, wn, wk[l]);
                hk[l] = select(past, hn, hk[l]);
                d0[l] = select(past, rd[r * ld + l], d0[l]);
                d1[l] = select(past, rd[rn * ld + l], d1[l]);
                wr[l] = wn;
                hr[l] = hn;
            }
        }
        const T last = T(k - 1);
        const T shift = T(derivative_shift());
        SPHAERA_RQ_LANES
        for (int l = 0; l < m; ++l) {
            const double xv = x[l];
            const T dl = select(bin[l] == 0, T(1), T(derivative_from_raw(d0[l], shift)));
            const T dr = select(bin[l] == last, T(1), T(derivative_from_raw(d1[l], shift)));
            // Eq. 5 as forward_slope (struct rational). x − x_k in double: for a float T, x
            // keeps its bits where it lands near a knot.
            const T xi = T(xv - double(xk[l])) / T(wk[l]);
            const T s = T(hk[l]) / T(wk[l]), t = xi * (1 - xi);
            const T num = s * xi * xi + dl * t;
            const T den = s + (dr + dl - 2 * s) * t;
            const T p = dr * xi * xi + 2 * s * t + dl * (1 - xi) * (1 - xi);
            const bool inside = (xv > -bound) & (xv < bound);  // not &&: a branch
            x[l] = select(inside, double(yk[l]) + double(T(hk[l]) * num / den), xv);
            slope[l] *= select(inside, double(s * s * p / (den * den)), 1.0);
        }
    }
    /// c ? a : b without a branch (g++ 12 does not if-convert a floating-point ?: under
    /// -ftrapping-math, and a loop with a branch runs scalar).
    template <class T>
    static T select(bool c, T a, T b) {
        using bits = std::conditional_t<std::is_same_v<T, double>, std::uint64_t, std::uint32_t>;
        return math::detail::bit_select<T, bits>(c, a, b);
    }
    /// d_min + softplus(v + shift) as in knots: softplus(a) = max(a, 0) + ln(1 + e^{−|a|}),
    /// branch-free so that it vectorises inside the kernel's loop. Double: the library's
    /// log (≤ 2 ulp) of 1 + e^{−|a|}, as knots (absolute error ~1e-16, d ≥ d_min = 1e-3).
    /// Float: ln(1 + y) = 2 atanh(y/(2 + y)) by its series, so that a small y keeps its
    /// relative accuracy (rounding 1 + y to float would cost up to 6e-8 absolute, 6e-5 of
    /// d_min): with s = y/(2 + y) ≤ 1/3 the terms to s¹³ leave a relative 2e-9.
    static double derivative_from_raw(double v, double shift) {
        const double a = v + shift;
        return min_derivative + select(a > 0, a, 0.0) +
               math::detail::log_poly(1 + exp_nonpositive(-std::abs(a)));
    }
    static float derivative_from_raw(float v, float shift) {
        const float a = v + shift;
        const float y = exp_nonpositive(-std::abs(a));
        const float s = y / (2 + y), z = s * s;
        float p = 2.0f / 13.0f;
        p = p * z + 2.0f / 11.0f;
        p = p * z + 2.0f / 9.0f;
        p = p * z + 2.0f / 7.0f;
        p = p * z + 2.0f / 5.0f;
        p = p * z + 2.0f / 3.0f;
        return float(min_derivative) + select(a > 0, a, 0.0f) + (2 * s + s * (z * p));
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

    /// a ← exp_nonpositive(a) and a ← derivative_from_raw(a) over n contiguous values
    /// (knots' flat loops; flattened so that the inline functions vectorise).
    [[gnu::noinline, gnu::flatten]] static void exp_in_place(double* __restrict a, Eigen::Index n) {
        for (Eigen::Index i = 0; i < n; ++i) a[i] = exp_nonpositive(a[i]);
    }
    [[gnu::noinline, gnu::flatten]] static void softplus_in_place(double* __restrict a, Eigen::Index n) {
        const double shift = derivative_shift();
        for (Eigen::Index i = 0; i < n; ++i) a[i] = derivative_from_raw(a[i], shift);
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

#undef SPHAERA_RQ_LANES
