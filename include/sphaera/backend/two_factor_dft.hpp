#pragma once
/// \file two_factor_dft.hpp
/// \brief A complex DFT of odd length n = n1·n2 (one Cooley–Tukey step with odd factors),
/// vectorised across its sub-DFTs. Meant for the lengths FFTW handles badly, 2L − 1 of the
/// equiangular and Gauss–Legendre grids: 2047 = 23·89, 1023 = 31·33, 511 = 7·73, where
/// any_size_dft otherwise runs Bluestein's four FFTs of about n points each.
///
/// With j = n2·j1 + j2 and k = k1 + n1·k2, X_k = Σ_{j2} ω_n^{j2 k1} [Σ_{j1} x_j ω_{n1}^{j1 k1}]
/// ω_{n2}^{j2 k2}: n2 DFTs of length n1, the twiddles, then n1 DFTs of length n2. Both stages
/// run eight sub-DFTs at once, one per lane of an 8-wide vector of doubles (an AVX-512
/// register with -march=native): stage A the n1-point DFTs of eight consecutive j2 (eight
/// consecutive input values: the input rows are only split into re and im), with the
/// twiddles applied as it stores; an 8 × 8 shuffle transpose; stage B the n2-point DFTs of
/// eight consecutive k1, whose outputs are again consecutive. (The prime-factor index maps,
/// which save the twiddles, cost more as scalar gathers and scatters than the twiddles: 7.2
/// against 6.2 µs at 2047, and AVX-512 gather instructions were slower still on Zen 5.)
/// A sub-DFT of odd length p is the direct sum over the input pairs x_j ± x_{p−j} ((p − 1)/2
/// pairs for two outputs at once): (p − 1)² real multiply-adds per lane, from tables of cos
/// and sin of 2πjk/p in the order the inner loop reads them; or, for a prime p with p − 1 =
/// 8q, q odd (41, 73, 89: tf_rader_fits), Rader's algorithm: the cyclic correlation of length
/// p − 1 through two FFTs of 8 × q points (the 89-point DFT in about a third of the
/// multiply-adds). Cost estimate: two_factor_dft::cost.

#include <algorithm>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <numbers>
#include <vector>

#include "sphaera/backend/fft_sizes.hpp"
#include "sphaera/core/error.hpp"

namespace sphaera::backend {

namespace detail {
/// Eight doubles as one value (GCC/Clang vector extension), the lanes of both stages.
using tf_vd = double __attribute__((vector_size(64)));
inline constexpr std::size_t tf_lanes = 8;
inline std::size_t tf_round8(std::size_t n) { return (n + 7) / 8 * 8; }
/// x⁻¹ mod m for gcd(x, m) = 1 (m small: a search).
inline std::size_t tf_inverse(std::size_t x, std::size_t m) {
    for (std::size_t y = 1; y < m; ++y)
        if ((x * y) % m == 1) return y;
    return m == 1 ? 0 : 1;
}

inline bool tf_is_prime(std::size_t p) { return p >= 2 && largest_prime_factor(p) == p; }
/// b^e mod m (small m).
inline std::size_t tf_powmod(std::size_t b, std::size_t e, std::size_t m) {
    std::size_t r = 1 % m;
    for (b %= m; e; e >>= 1, b = b * b % m)
        if (e & 1) r = r * b % m;
    return r;
}
/// Estimated vector multiply-adds of one lane-wise p-point DFT: direct, (p − 1)²; by
/// Rader's algorithm for a prime p with p − 1 = 8q, q odd: two (p − 1)-point FFTs as 8 × q
/// prime-factor DFTs (q 8-point DFTs of ~40 operations, 8 direct q-point ones), and per
/// point 4 for the pointwise product and ~3 for the moves.
inline double tf_direct_cost(std::size_t p) { return static_cast<double>((p - 1) * (p - 1)); }
inline double tf_rader_cost(std::size_t p) {
    const double q = static_cast<double>((p - 1) / 8);
    return 2 * (q * 40 + 8 * (q - 1) * (q - 1)) + 7 * static_cast<double>(p - 1);
}
inline bool tf_rader_fits(std::size_t p) {
    return tf_is_prime(p) && (p - 1) % 16 == 8 && tf_rader_cost(p) < tf_direct_cost(p);  // q = (p − 1)/8 odd
}
inline double tf_factor_cost(std::size_t p) { return tf_rader_fits(p) ? tf_rader_cost(p) : tf_direct_cost(p); }

/// The tables of one odd sub-DFT length p. Direct: for the outputs k = 1..H (H = (p − 1)/2)
/// in groups of four, cos and sin of 2π·(jk mod p)/p for j = 1..H, group-major then j then k
/// (the order the kernel reads them); rows past H are zero. Rader (tf_rader_fits: 41, 73,
/// 89, …): with a generator g of the units mod p, y_{g^−b} = x_0 + Σ_a x_{g^a} ω^{g^{a−b}}, a
/// cyclic correlation of length N = p − 1 done as U = FFT(u), C = U·W̃, c = IFFT(C) with
/// u_a = x_{g^a} and W̃ the backward DFT of w_c = ω^{g^c} over N; each FFT of N = 8q is a
/// prime-factor DFT (8-point DFTs over j1 < 8, then direct q-point ones over j2 < q, index
/// (8 j2 + q j1) mod N in, CRT out); y_0 = x_0 + U_0.
struct tf_factor {
    std::size_t p = 1, H = 0, groups = 0;
    std::vector<double> c, s;
    // Rader (q > 0): the q-point direct sub-DFT; x_index[i] = g^{a(i)} with a(i) = (8 j2 + q j1)
    // mod N for i = j1·q + j2 (the forward FFT's gathered input); to_c[k1·q + k2] = position
    // of frequency CRT(k1, k2) in the backward FFT's input layout; wf, wb (re, im pairs, by
    // that position) = W̃/N for the forward and backward p-point DFT; y_index[k1·q + k2] =
    // g^{−CRT(k1, k2)} (the output of correlation lag CRT(k1, k2)).
    std::size_t q = 0;
    std::vector<tf_factor> sub;
    std::vector<std::uint32_t> x_index, to_c, y_index;
    std::vector<double> wf, wb;

    explicit tf_factor(std::size_t p_ = 1, bool allow_rader = true) : p(p_), H((p_ - 1) / 2), groups((H + 3) / 4) {
        if (allow_rader && tf_rader_fits(p)) {
            make_rader();
            return;
        }
        c.assign(groups * H * 4, 0.0);
        s.assign(groups * H * 4, 0.0);
        for (std::size_t g = 0; g < groups; ++g)
            for (std::size_t j = 1; j <= H; ++j)
                for (std::size_t t = 0; t < 4; ++t) {
                    const std::size_t k = 1 + 4 * g + t;
                    if (k > H) continue;
                    const double a = 2 * std::numbers::pi * static_cast<double>((j * k) % p) / static_cast<double>(p);
                    c[(g * H + j - 1) * 4 + t] = std::cos(a);
                    s[(g * H + j - 1) * 4 + t] = std::sin(a);
                }
    }
    /// Vectors of kernel scratch a p-point DFT needs (tf_odd_dft's ab).
    [[nodiscard]] std::size_t work_vectors() const { return q ? 4 * (p - 1) + 4 * sub[0].H : 4 * H; }

private:
    void make_rader() {
        const std::size_t N = p - 1;
        q = N / 8;
        sub = {tf_factor(q, false)};
        // A generator: g^(N/r) ≠ 1 for every prime r dividing N.
        std::size_t g = 2;
        for (;; ++g) {
            bool ok = true;
            for (std::size_t r = 2; r <= N; ++r)
                if (N % r == 0 && tf_is_prime(r) && tf_powmod(g, N / r, p) == 1) ok = false;
            if (ok) break;
        }
        const std::size_t ginv = tf_powmod(g, N - 1, p);
        const std::size_t e1 = q * tf_inverse(q % 8, 8), e2 = 8 * tf_inverse(8 % q, q);  // CRT(k1 mod 8, k2 mod q)
        std::vector<std::uint32_t> pos_of(N);  // frequency → position (j1·q + j2) in the input layout
        x_index.resize(N);
        for (std::size_t j1 = 0; j1 < 8; ++j1)
            for (std::size_t j2 = 0; j2 < q; ++j2) {
                const std::size_t a = (8 * j2 + q * j1) % N;
                x_index[j1 * q + j2] = static_cast<std::uint32_t>(tf_powmod(g, a, p));
                pos_of[a] = static_cast<std::uint32_t>(j1 * q + j2);
            }
        to_c.resize(N);
        y_index.resize(N);
        for (std::size_t k1 = 0; k1 < 8; ++k1)
            for (std::size_t k2 = 0; k2 < q; ++k2) {
                const std::size_t k = (k1 * e1 + k2 * e2) % N;
                to_c[k1 * q + k2] = pos_of[k];
                y_index[k1 * q + k2] = static_cast<std::uint32_t>(tf_powmod(ginv, k, p));
            }
        // W̃_k = Σ_d w_d e^{+2πikd/N}, w_d = e^{∓2πi g^d / p} (forward: −), in long double from
        // tables of w and of the N-th roots (O(N²) multiply-adds, no trigonometry in the loop).
        wf.assign(2 * N, 0.0);
        wb.assign(2 * N, 0.0);
        const long double tau = 2 * std::numbers::pi_v<long double>;
        std::vector<long double> wc(N), ws(N), rc(N), rs(N);
        for (std::size_t d = 0; d < N; ++d) {
            const long double a = tau * static_cast<long double>(tf_powmod(g, d, p)) / static_cast<long double>(p);
            wc[d] = std::cos(a);
            ws[d] = std::sin(a);  // forward w_d = wc − i·ws, backward wc + i·ws
            rc[d] = std::cos(tau * static_cast<long double>(d) / static_cast<long double>(N));
            rs[d] = std::sin(tau * static_cast<long double>(d) / static_cast<long double>(N));
        }
        for (std::size_t k = 0; k < N; ++k) {
            long double fr = 0, fi = 0, br = 0, bi = 0;
            for (std::size_t d = 0, kd = 0; d < N; ++d, kd = (kd + k) % N) {
                // (wc ∓ i ws)(rc + i rs)
                fr += wc[d] * rc[kd] + ws[d] * rs[kd];
                fi += wc[d] * rs[kd] - ws[d] * rc[kd];
                br += wc[d] * rc[kd] - ws[d] * rs[kd];
                bi += wc[d] * rs[kd] + ws[d] * rc[kd];
            }
            const std::size_t at = pos_of[k];
            wf[2 * at] = static_cast<double>(fr / N);
            wf[2 * at + 1] = static_cast<double>(fi / N);
            wb[2 * at] = static_cast<double>(br / N);
            wb[2 * at + 1] = static_cast<double>(bi / N);
        }
    }
};

/// Eight p-point DFTs (one per lane) of the vectors x_j = (xr, xi)[j·xs], j < p:
/// y_k = Σ_j x_j e^{∓2πijk/p} (forward: −), handed to store(k, yr, yi) for every k < p;
/// f direct. ab: scratch of 4H vectors (the sums and differences of the input pairs).
template <class Store>
[[gnu::always_inline]] inline void tf_direct_dft(const tf_factor& f, const double* xr, const double* xi, std::size_t xs,
                                              bool forward, tf_vd* __restrict ab, Store&& store) {
    const std::size_t p = f.p, H = f.H;
    // Loads by memcpy (rows are 64-byte aligned; no by-value vector returns: -Wpsabi).
    tf_vd x0r, x0i;
    __builtin_memcpy(&x0r, xr, sizeof x0r);
    __builtin_memcpy(&x0i, xi, sizeof x0i);
    tf_vd s0r = x0r, s0i = x0i;
    for (std::size_t j = 1; j <= H; ++j) {
        tf_vd ur, ui, vr, vi;
        __builtin_memcpy(&ur, xr + j * xs, sizeof ur);
        __builtin_memcpy(&ui, xi + j * xs, sizeof ui);
        __builtin_memcpy(&vr, xr + (p - j) * xs, sizeof vr);
        __builtin_memcpy(&vi, xi + (p - j) * xs, sizeof vi);
        tf_vd* a = ab + 4 * (j - 1);
        a[0] = ur + vr;
        a[1] = ui + vi;
        a[2] = ur - vr;
        a[3] = ui - vi;
        s0r += a[0];
        s0i += a[1];
    }
    store(std::size_t{0}, s0r, s0i);
    const double* ct = f.c.data();
    const double* st = f.s.data();
    for (std::size_t g = 0; g < f.groups; ++g) {
        tf_vd Ar[4], Ai[4], Br[4], Bi[4];
        for (int t = 0; t < 4; ++t) Ar[t] = Ai[t] = Br[t] = Bi[t] = tf_vd{};
        const double* cg = ct + g * H * 4;
        const double* sg = st + g * H * 4;
        for (std::size_t j = 0; j < H; ++j) {
            tf_vd ar = ab[4 * j], ai = ab[4 * j + 1], br = ab[4 * j + 2], bi = ab[4 * j + 3];
#if defined(__AVX512F__)
            // In registers: as memory operands of the sixteen multiply-adds GCC reloads them
            // four times each, and the loads, not the multiply-adds, set the pace (2.7×).
            asm("" : "+v"(ar), "+v"(ai), "+v"(br), "+v"(bi));
#endif
#pragma GCC unroll 4
            for (int t = 0; t < 4; ++t) {
                const double c = cg[4 * j + t], s = sg[4 * j + t];
                Ar[t] += ar * c;
                Ai[t] += ai * c;
                Br[t] += br * s;
                Bi[t] += bi * s;
            }
        }
        // Forward: y_k = x0 + A − iB, y_{p−k} = x0 + A + iB (B = Σ (x_j − x_{p−j}) sin); backward
        // the other way round.
        for (std::size_t t = 0; t < 4; ++t) {
            const std::size_t k = 1 + 4 * g + t;
            if (k > H) break;
            const tf_vd er = x0r + Ar[t], ei = x0i + Ai[t];
            if (forward) {
                store(k, er + Bi[t], ei - Br[t]);
                store(p - k, er - Bi[t], ei + Br[t]);
            } else {
                store(k, er - Bi[t], ei + Br[t]);
                store(p - k, er + Bi[t], ei - Br[t]);
            }
        }
    }
}

/// Eight 8-point DFTs in place on the vectors (re, im)[j·st], j < 8 (radix 2, three stages).
[[gnu::always_inline]] inline void tf_dft8(double* re, double* im, std::size_t st, bool forward) {
    tf_vd r[8], m[8];
    for (std::size_t j = 0; j < 8; ++j) {
        __builtin_memcpy(&r[j], re + j * st, sizeof(tf_vd));
        __builtin_memcpy(&m[j], im + j * st, sizeof(tf_vd));
    }
    // Multiplication by ∓i (forward: −i) and by e^{∓iπ/4}, e^{∓3iπ/4}.
    const double sg = forward ? 1.0 : -1.0, h = std::numbers::sqrt2 / 2;
    const auto mul_mi = [&](tf_vd& a, tf_vd& b) {  // (a + ib)·(∓i)
        const tf_vd t = a;
        a = sg * b;
        b = -sg * t;
    };
    // Stage 1: butterflies (j, j + 4).
    for (std::size_t j = 0; j < 4; ++j) {
        const tf_vd ar = r[j] + r[j + 4], ai = m[j] + m[j + 4], br = r[j] - r[j + 4], bi = m[j] - m[j + 4];
        r[j] = ar;
        m[j] = ai;
        r[j + 4] = br;
        m[j + 4] = bi;
    }
    // Twiddles ω8^j on the lower half (j = 1, 2, 3), ω8 = e^{∓iπ/4}.
    {
        tf_vd a = r[5], b = m[5];
        r[5] = h * (a + sg * b);
        m[5] = h * (b - sg * a);
        mul_mi(r[6], m[6]);
        a = r[7];
        b = m[7];
        r[7] = h * (-a + sg * b);
        m[7] = h * (-b - sg * a);
    }
    // Stage 2: butterflies (j, j + 2) within each half, then ∓i on the odd quarter.
    for (std::size_t base : {0ul, 4ul})
        for (std::size_t j = base; j < base + 2; ++j) {
            const tf_vd ar = r[j] + r[j + 2], ai = m[j] + m[j + 2], br = r[j] - r[j + 2], bi = m[j] - m[j + 2];
            r[j] = ar;
            m[j] = ai;
            r[j + 2] = br;
            m[j + 2] = bi;
        }
    mul_mi(r[3], m[3]);
    mul_mi(r[7], m[7]);
    // Stage 3: butterflies (j, j + 1); outputs in bit-reversed order.
    constexpr std::size_t rev[8] = {0, 4, 2, 6, 1, 5, 3, 7};
    for (std::size_t j = 0; j < 8; j += 2) {
        const tf_vd ar = r[j] + r[j + 1], ai = m[j] + m[j + 1], br = r[j] - r[j + 1], bi = m[j] - m[j + 1];
        __builtin_memcpy(re + rev[j] * st, &ar, sizeof ar);
        __builtin_memcpy(im + rev[j] * st, &ai, sizeof ai);
        __builtin_memcpy(re + rev[j + 1] * st, &br, sizeof br);
        __builtin_memcpy(im + rev[j + 1] * st, &bi, sizeof bi);
    }
}

/// tf_direct_dft's contract for a Rader factor (see tf_factor). ab: f.work_vectors() vectors.
template <class Store>
[[gnu::always_inline]] inline void tf_rader_dft(const tf_factor& f, const double* xr, const double* xi, std::size_t xs,
                                                bool forward, tf_vd* __restrict ab, Store&& store) {
    const std::size_t N = f.p - 1, q = f.q, V = tf_lanes;
    tf_vd* kab = ab;
    auto* ur = reinterpret_cast<double*>(ab + 4 * f.sub[0].H);
    double* ui = ur + N * V;
    double* cr = ui + N * V;
    double* ci = cr + N * V;
    tf_vd x0r, x0i;
    __builtin_memcpy(&x0r, xr, sizeof x0r);
    __builtin_memcpy(&x0i, xi, sizeof x0i);
    for (std::size_t i = 0; i < N; ++i) {
        __builtin_memcpy(ur + i * V, xr + f.x_index[i] * xs, sizeof(tf_vd));
        __builtin_memcpy(ui + i * V, xi + f.x_index[i] * xs, sizeof(tf_vd));
    }
    // U = FFT_N(u): 8-point DFTs over j1 (stride q), then q-point ones over j2; C = U·W̃/N
    // straight into the backward FFT's input layout.
    for (std::size_t j2 = 0; j2 < q; ++j2) tf_dft8(ur + j2 * V, ui + j2 * V, q * V, true);
    const double* w = forward ? f.wf.data() : f.wb.data();
    tf_vd u0r{}, u0i{};
    for (std::size_t k1 = 0; k1 < 8; ++k1)
        tf_direct_dft(f.sub[0], ur + k1 * q * V, ui + k1 * q * V, V, true, kab,
                      [&](std::size_t k2, const tf_vd& yr, const tf_vd& yi) {
                          if (k1 == 0 && k2 == 0) {
                              u0r = yr;
                              u0i = yi;
                          }
                          const std::size_t at = f.to_c[k1 * q + k2];
                          const double wr = w[2 * at], wi = w[2 * at + 1];
                          const tf_vd zr = yr * wr - yi * wi, zi = yr * wi + yi * wr;
                          __builtin_memcpy(cr + at * V, &zr, sizeof zr);
                          __builtin_memcpy(ci + at * V, &zi, sizeof zi);
                      });
    store(std::size_t{0}, x0r + u0r, x0i + u0i);
    // c = IFFT_N(C) (the 1/N is in W̃); lag CRT(k1, k2) → y_{g^−lag} = x_0 + c.
    for (std::size_t j2 = 0; j2 < q; ++j2) tf_dft8(cr + j2 * V, ci + j2 * V, q * V, false);
    for (std::size_t k1 = 0; k1 < 8; ++k1)
        tf_direct_dft(f.sub[0], cr + k1 * q * V, ci + k1 * q * V, V, false, kab,
                      [&](std::size_t k2, const tf_vd& yr, const tf_vd& yi) {
                          store(f.y_index[k1 * q + k2], x0r + yr, x0i + yi);
                      });
}

/// tf_direct_dft for any tf_factor (direct or Rader).
template <class Store>
[[gnu::always_inline]] inline void tf_odd_dft(const tf_factor& f, const double* xr, const double* xi, std::size_t xs,
                                              bool forward, tf_vd* __restrict ab, Store&& store) {
    if (f.q) return tf_rader_dft(f, xr, xi, xs, forward, ab, store);
    tf_direct_dft(f, xr, xi, xs, forward, ab, store);
}
}  // namespace detail

/// Complex DFT of length n = n1·n2 (odd factors ≥ 3) in double; see the file comment. Plans
/// are cheap (tables of O(n1² + n2² + n) values, no FFT planning) and execution is
/// allocation-free with caller scratch.
class two_factor_dft {
public:
    using cpx = std::complex<double>;

    two_factor_dft() = default;
    /// forward: e^{−2πijk/n}; otherwise e^{+2πijk/n} (no 1/n).
    two_factor_dft(std::size_t n1, std::size_t n2, bool forward) : m_forward(forward) {
        if (n1 < 3 || n2 < 3 || n1 % 2 == 0 || n2 % 2 == 0)
            sphaera::detail::raise<invalid_argument>("two_factor_dft: factors n1 = ", n1, ", n2 = ", n2,
                                                     " must be odd and at least 3");
        auto t = std::make_shared<tables>();
        t->n1 = n1;
        t->n2 = n2;
        t->f1 = detail::tf_factor(n1);
        t->f2 = detail::tf_factor(n2);
        // Twiddles ω_n^{j2·k1} (forward: e^{−2πi j2 k1/n}), (n1 × n2p) re and im; zero in the padding.
        const std::size_t n = n1 * n2, n2p = detail::tf_round8(n2);
        t->twr.assign(n1 * n2p, 0.0);
        t->twi.assign(n1 * n2p, 0.0);
        for (std::size_t k1 = 0; k1 < n1; ++k1)
            for (std::size_t j2 = 0; j2 < n2; ++j2) {
                const long double a = 2 * std::numbers::pi_v<long double> * static_cast<long double>((j2 * k1) % n) /
                                      static_cast<long double>(n);
                t->twr[k1 * n2p + j2] = static_cast<double>(std::cos(a));
                t->twi[k1 * n2p + j2] = static_cast<double>(-std::sin(a));
            }
        m_tab = std::move(t);
    }

    /// The cheapest split of n (by cost()) into odd factors ≥ 3 and ≤ max_factor, or {0, 0}
    /// where there is none (n even or with a prime factor above max_factor).
    struct split {
        std::size_t n1 = 0, n2 = 0;
    };
    static constexpr std::size_t max_factor = 127;
    [[nodiscard]] static split best_split(std::size_t n) {
        split best;
        double best_cost = 0;
        if (n % 2 == 0 || n < 9) return best;
        for (std::size_t a = 3; a * a <= n; a += 2) {
            if (n % a) continue;
            const std::size_t b = n / a;
            if (b > max_factor) continue;
            for (const auto& [p1, p2] : {std::pair{a, b}, std::pair{b, a}}) {
                const double c = cost(p1, p2);
                if (!best.n1 || c < best_cost) {
                    best = {p1, p2};
                    best_cost = c;
                }
            }
        }
        return best;
    }
    /// Estimated cost in vector multiply-adds: ⌈n2/8⌉ lane groups of n1-point DFTs, ⌈n1/8⌉ of
    /// n2-point ones (direct or Rader, tf_factor_cost), ~1 per point for the loads,
    /// twiddles, transpose and stores.
    [[nodiscard]] static double cost(std::size_t n1, std::size_t n2) {
        const auto b = [](std::size_t x) { return static_cast<double>((x + 7) / 8); };
        return b(n2) * detail::tf_factor_cost(n1) + b(n1) * detail::tf_factor_cost(n2) + static_cast<double>(n1 * n2);
    }

    [[nodiscard]] std::size_t size() const { return m_tab ? m_tab->n1 * m_tab->n2 : 0; }
    [[nodiscard]] std::size_t n1() const { return m_tab->n1; }
    [[nodiscard]] std::size_t n2() const { return m_tab->n2; }
    /// The same DFT in the opposite direction (tables shared).
    [[nodiscard]] two_factor_dft reversed() const {
        two_factor_dft r = *this;
        r.m_forward = !m_forward;
        return r;
    }
    /// Complex values of scratch execute() needs (any alignment).
    [[nodiscard]] std::size_t scratch_size() const {
        const std::size_t n1p = detail::tf_round8(m_tab->n1), n2p = detail::tf_round8(m_tab->n2);
        const std::size_t kv = std::max(m_tab->f1.work_vectors(), m_tab->f2.work_vectors());
        // U (n1 × n2p) and W (n2p × n1p), re and im each; the kernels' vectors; 4 spare values (align64).
        const std::size_t doubles = 4 * n1p * n2p + kv * detail::tf_lanes + 8;
        return (doubles + 1) / 2;
    }
    /// out ← DFT(in), both of length n (in == out allowed); scratch: scratch_size() values.
    void execute(const cpx* in, cpx* out, cpx* scratch) const {
        using detail::tf_vd;
        const tables& t = *m_tab;
        const std::size_t n1 = t.n1, n2 = t.n2, n2p = detail::tf_round8(n2), n1p = detail::tf_round8(n1);
        auto* base = reinterpret_cast<double*>(detail::align64(scratch));
        double* ur = base;
        double* ui = ur + n1p * n2p;
        double* wr = ui + n1p * n2p;
        double* wi = wr + n1p * n2p;
        auto* ab = reinterpret_cast<tf_vd*>(wi + n1p * n2p);
        // U[j1][j2] = x[n2·j1 + j2]: rows of the input, split into re and im; padding zero.
        const double* x = reinterpret_cast<const double*>(in);
        for (std::size_t j1 = 0; j1 < n1; ++j1) {
            const double* xj = x + 2 * n2 * j1;
            double* rr = ur + j1 * n2p;
            double* ri = ui + j1 * n2p;
            std::size_t j2 = 0;
            for (; j2 + 8 <= n2; j2 += 8) {
                tf_vd a, b;
                __builtin_memcpy(&a, xj + 2 * j2, sizeof a);
                __builtin_memcpy(&b, xj + 2 * j2 + 8, sizeof b);
                const tf_vd re = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14);
                const tf_vd im = __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15);
                __builtin_memcpy(rr + j2, &re, sizeof re);
                __builtin_memcpy(ri + j2, &im, sizeof im);
            }
            for (; j2 < n2; ++j2) {
                rr[j2] = xj[2 * j2];
                ri[j2] = xj[2 * j2 + 1];
            }
            for (; j2 < n2p; ++j2) rr[j2] = ri[j2] = 0.0;
        }
        // Stage A, in place: for eight j2 at a time, the n1-point DFTs over j1, times the
        // twiddle ω_n^{±j2·k1} → U[k1][j2] (a sub-DFT reads all its inputs before it writes).
        const double sg = m_forward ? 1.0 : -1.0;
        for (std::size_t jb = 0; jb < n2p; jb += detail::tf_lanes)
            detail::tf_odd_dft(t.f1, ur + jb, ui + jb, n2p, m_forward, ab, [&](std::size_t k1, const tf_vd& yr, const tf_vd& yi) {
                tf_vd cr, ci;
                __builtin_memcpy(&cr, t.twr.data() + k1 * n2p + jb, sizeof cr);
                __builtin_memcpy(&ci, t.twi.data() + k1 * n2p + jb, sizeof ci);
                ci *= sg;
                const tf_vd zr = yr * cr - yi * ci, zi = yr * ci + yi * cr;
                __builtin_memcpy(ur + k1 * n2p + jb, &zr, sizeof zr);
                __builtin_memcpy(ui + k1 * n2p + jb, &zi, sizeof zi);
            });
        // W[j2][k1] = U[k1][j2] (rows k1 ≥ n1 read as zero), in 8 × 8 blocks.
        transpose(ur, wr, n1, n1p, n2p);
        transpose(ui, wi, n1, n1p, n2p);
        // Stage B, in place: for eight k1 at a time, the n2-point DFTs over j2 → W[k2][k1].
        for (std::size_t kb = 0; kb < n1p; kb += detail::tf_lanes)
            detail::tf_odd_dft(t.f2, wr + kb, wi + kb, n1p, m_forward, ab, [&](std::size_t k2, const tf_vd& yr, const tf_vd& yi) {
                __builtin_memcpy(wr + k2 * n1p + kb, &yr, sizeof yr);
                __builtin_memcpy(wi + k2 * n1p + kb, &yi, sizeof yi);
            });
        // out[k1 + n1·k2] = W[k2][k1]: rows of the output, re and im interleaved.
        double* y = reinterpret_cast<double*>(out);
        for (std::size_t k2 = 0; k2 < n2; ++k2) {
            double* yk = y + 2 * n1 * k2;
            const double* rr = wr + k2 * n1p;
            const double* ri = wi + k2 * n1p;
            std::size_t k1 = 0;
            for (; k1 + 8 <= n1; k1 += 8) {
                tf_vd re, im;
                __builtin_memcpy(&re, rr + k1, sizeof re);
                __builtin_memcpy(&im, ri + k1, sizeof im);
                const tf_vd lo = __builtin_shufflevector(re, im, 0, 8, 1, 9, 2, 10, 3, 11);
                const tf_vd hi = __builtin_shufflevector(re, im, 4, 12, 5, 13, 6, 14, 7, 15);
                __builtin_memcpy(yk + 2 * k1, &lo, sizeof lo);
                __builtin_memcpy(yk + 2 * k1 + 8, &hi, sizeof hi);
            }
            for (; k1 < n1; ++k1) {
                yk[2 * k1] = rr[k1];
                yk[2 * k1 + 1] = ri[k1];
            }
        }
    }

private:
    /// dst (cols × rows_p, row-major) = src (rows × cols, row-major, rows < rows_p read as
    /// zero) transposed, for rows_p and cols multiples of 8; 8 × 8 blocks by three rounds of
    /// two-vector shuffles (24 per block).
    static void transpose(const double* src, double* dst, std::size_t rows, std::size_t rows_p, std::size_t cols) {
        using detail::tf_vd;
        for (std::size_t rb = 0; rb < rows_p; rb += 8)
            for (std::size_t cb = 0; cb < cols; cb += 8) {
                tf_vd r[8];
                for (std::size_t i = 0; i < 8; ++i) {
                    if (rb + i < rows) __builtin_memcpy(&r[i], src + (rb + i) * cols + cb, sizeof(tf_vd));
                    else r[i] = tf_vd{};
                }
                tf_vd t[8], u[8], c[8];
                for (int i = 0; i < 4; ++i) {
                    t[2 * i] = __builtin_shufflevector(r[2 * i], r[2 * i + 1], 0, 8, 2, 10, 4, 12, 6, 14);
                    t[2 * i + 1] = __builtin_shufflevector(r[2 * i], r[2 * i + 1], 1, 9, 3, 11, 5, 13, 7, 15);
                }
                // u[0..3]: rows 0–3 of columns (0, 4), (2, 6), (1, 5), (3, 7); u[4..7]: rows 4–7.
                for (int h = 0; h < 2; ++h)
                    for (int o = 0; o < 2; ++o) {
                        const tf_vd& a = t[4 * h + o];
                        const tf_vd& b = t[4 * h + 2 + o];
                        u[4 * h + 2 * o] = __builtin_shufflevector(a, b, 0, 1, 8, 9, 4, 5, 12, 13);
                        u[4 * h + 2 * o + 1] = __builtin_shufflevector(a, b, 2, 3, 10, 11, 6, 7, 14, 15);
                    }
                constexpr int col_of[4] = {0, 2, 1, 3};  // u[i] (and u[i + 4]) hold columns col_of[i] and col_of[i] + 4
                for (int i = 0; i < 4; ++i) {
                    c[col_of[i]] = __builtin_shufflevector(u[i], u[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
                    c[col_of[i] + 4] = __builtin_shufflevector(u[i], u[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
                }
                for (std::size_t j = 0; j < 8; ++j) __builtin_memcpy(dst + (cb + j) * rows_p + rb, &c[j], sizeof(tf_vd));
            }
    }
    struct tables {
        std::size_t n1 = 0, n2 = 0;
        detail::tf_factor f1, f2;
        std::vector<double> twr, twi;  // (n1 × n2p) forward twiddles ω_n^{j2·k1}
    };
    std::shared_ptr<const tables> m_tab;
    bool m_forward = true;
};

}  // namespace sphaera::backend
