#pragma once
/// \file two_factor_dft.hpp
/// \brief A complex DFT of odd length n = n1·n2 with coprime odd factors (Good 1958, Thomas
/// 1963: the prime-factor algorithm), vectorised across its sub-DFTs. Meant for the lengths
/// FFTW handles badly, 2L − 1 of the equiangular and Gauss–Legendre grids: 2047 = 23·89,
/// 1023 = 31·33, 511 = 7·73, where any_size_dft otherwise runs Bluestein's four FFTs of
/// about n points each.
///
/// With j = (j1·n2 + j2·n1) mod n and k ≡ k1 (mod n1), k ≡ k2 (mod n2) (Chinese remainder
/// theorem), ω_n^{jk} = ω_{n1}^{j1 k1} ω_{n2}^{j2 k2}, so the DFT is n2 DFTs of length n1
/// followed by n1 DFTs of length n2 with no twiddle factors between them. Both stages run
/// eight sub-DFTs at once, one per lane of an 8-wide vector of doubles (an AVX-512
/// register with -march=native): stage A runs the n1-point DFTs of eight consecutive j2
/// (contiguous rows of the gathered input) and stores its outputs transposed so that
/// stage B reads eight consecutive k1 contiguously. Each sub-DFT of odd length p is the
/// direct sum with the input pairs x_j ± x_{p−j} (Σ over (p − 1)/2 pairs for two outputs at
/// once): (p − 1)² real multiply-adds per lane, from tables of cos and sin of 2πjk/p laid
/// out in the order the inner loop reads them. Cost in vector multiply-adds: ⌈n2/8⌉(n1−1)²
/// + ⌈n1/8⌉(n2−1)², plus the input gather and output scatter (two scalar passes).

#include <algorithm>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <numbers>
#include <vector>

#include "sphaera/core/error.hpp"

namespace sphaera::backend {

namespace detail {
/// Eight doubles as one value (GCC/Clang vector extension), the lanes of both stages.
using tf_vd = double __attribute__((vector_size(64)));
inline constexpr std::size_t tf_lanes = 8;
inline std::size_t tf_round8(std::size_t n) { return (n + 7) / 8 * 8; }
inline std::size_t tf_gcd(std::size_t a, std::size_t b) {
    while (b) {
        const std::size_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}
/// x⁻¹ mod m for gcd(x, m) = 1 (m small: a search).
inline std::size_t tf_inverse(std::size_t x, std::size_t m) {
    for (std::size_t y = 1; y < m; ++y)
        if ((x * y) % m == 1) return y;
    return m == 1 ? 0 : 1;
}

/// The tables of one odd sub-DFT length p: for the outputs k = 1..H (H = (p − 1)/2) in
/// groups of four, cos and sin of 2π·(jk mod p)/p for j = 1..H, group-major then j then k
/// (the order the kernel reads them); rows past H are zero.
struct tf_factor {
    std::size_t p = 1, H = 0, groups = 0;
    std::vector<double> c, s;
    explicit tf_factor(std::size_t p_ = 1) : p(p_), H((p_ - 1) / 2), groups((H + 3) / 4) {
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
};

/// Eight p-point DFTs (one per lane) of the vectors x_j = (xr, xi)[j·xs], j < p:
/// y_k = Σ_j x_j e^{∓2πijk/p} (forward: −), handed to store(k, yr, yi) for every k < p.
/// ab: scratch of 4H vectors (the sums and differences of the input pairs).
template <class Store>
[[gnu::always_inline]] inline void tf_odd_dft(const tf_factor& f, const double* xr, const double* xi, std::size_t xs,
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
}  // namespace detail

/// Complex DFT of length n = n1·n2 (odd, coprime factors ≥ 3) in double; see the file
/// comment. Plans are cheap (tables of O(n1² + n2² + n) values, no FFT planning) and
/// execution is allocation-free with caller scratch.
class two_factor_dft {
public:
    using cpx = std::complex<double>;

    two_factor_dft() = default;
    /// forward: e^{−2πijk/n}; otherwise e^{+2πijk/n} (no 1/n).
    two_factor_dft(std::size_t n1, std::size_t n2, bool forward) : m_forward(forward) {
        if (n1 < 3 || n2 < 3 || n1 % 2 == 0 || n2 % 2 == 0 || detail::tf_gcd(n1, n2) != 1)
            sphaera::detail::raise<invalid_argument>("two_factor_dft: factors n1 = ", n1, ", n2 = ", n2,
                                                     " must be odd, at least 3 and coprime");
        auto t = std::make_shared<tables>();
        t->n1 = n1;
        t->n2 = n2;
        t->f1 = detail::tf_factor(n1);
        t->f2 = detail::tf_factor(n2);
        const std::size_t n = n1 * n2;
        t->in_index.resize(n);
        for (std::size_t j1 = 0; j1 < n1; ++j1)
            for (std::size_t j2 = 0; j2 < n2; ++j2)
                t->in_index[j1 * n2 + j2] = static_cast<std::uint32_t>((j1 * n2 + j2 * n1) % n);
        // k = CRT(k1, k2) = (k1·n2·(n2⁻¹ mod n1) + k2·n1·(n1⁻¹ mod n2)) mod n.
        const std::size_t e1 = n2 * detail::tf_inverse(n2 % n1, n1), e2 = n1 * detail::tf_inverse(n1 % n2, n2);
        t->out_index.resize(n);
        for (std::size_t k2 = 0; k2 < n2; ++k2)
            for (std::size_t k1 = 0; k1 < n1; ++k1)
                t->out_index[k2 * n1 + k1] = static_cast<std::uint32_t>((k1 * e1 + k2 * e2) % n);
        m_tab = std::move(t);
    }

    /// The best split of n for this class, or {0, 0} where none is both possible and
    /// expected to beat Bluestein (n odd; factors ≤ max_factor; estimated cost below).
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
            if (b > max_factor || detail::tf_gcd(a, b) != 1) continue;
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
    /// Estimated cost in vector multiply-adds (the two stages plus ~1 per point for the
    /// gather and scatter).
    [[nodiscard]] static double cost(std::size_t n1, std::size_t n2) {
        const auto b = [](std::size_t x) { return static_cast<double>((x + 7) / 8); };
        const auto q = [](std::size_t x) { return static_cast<double>((x - 1) * (x - 1)); };
        return b(n2) * q(n1) + b(n1) * q(n2) + static_cast<double>(n1 * n2);
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
        const std::size_t H = std::max(m_tab->n1, m_tab->n2) / 2;
        // U (n1 × n2p) and W (n2p × n1p), re and im each; ab (4H vectors); alignment.
        const std::size_t doubles = 4 * n1p * n2p + 4 * H * detail::tf_lanes + 8;
        return (doubles + 1) / 2;
    }
    /// out ← DFT(in), both of length n (in == out allowed); scratch: scratch_size() values.
    void execute(const cpx* in, cpx* out, cpx* scratch) const {
        using detail::tf_vd;
        const tables& t = *m_tab;
        const std::size_t n1 = t.n1, n2 = t.n2, n2p = detail::tf_round8(n2), n1p = detail::tf_round8(n1);
        auto* base = reinterpret_cast<double*>(scratch);
        base += (64 - reinterpret_cast<std::uintptr_t>(base) % 64) % 64 / sizeof(double);
        double* ur = base;
        double* ui = ur + n1p * n2p;
        double* wr = ui + n1p * n2p;
        double* wi = wr + n1p * n2p;
        auto* ab = reinterpret_cast<tf_vd*>(wi + n1p * n2p);
        // Gather: U[j1][j2] = x[(j1·n2 + j2·n1) mod n]; the padding lanes are zero.
        const double* x = reinterpret_cast<const double*>(in);
        const std::uint32_t* ix = t.in_index.data();
        for (std::size_t j1 = 0; j1 < n1; ++j1) {
            double* rr = ur + j1 * n2p;
            double* ri = ui + j1 * n2p;
            const std::uint32_t* ij = ix + j1 * n2;
            for (std::size_t j2 = 0; j2 < n2; ++j2) {
                rr[j2] = x[2 * ij[j2]];
                ri[j2] = x[2 * ij[j2] + 1];
            }
            for (std::size_t j2 = n2; j2 < n2p; ++j2) rr[j2] = ri[j2] = 0.0;
        }
        // Stage A, in place: for eight j2 at a time, the n1-point DFTs over j1 → U[k1][j2]
        // (a sub-DFT reads all its inputs before it writes).
        for (std::size_t jb = 0; jb < n2p; jb += detail::tf_lanes)
            detail::tf_odd_dft(t.f1, ur + jb, ui + jb, n2p, m_forward, ab, [&](std::size_t k1, const tf_vd& yr, const tf_vd& yi) {
                __builtin_memcpy(ur + k1 * n2p + jb, &yr, sizeof yr);
                __builtin_memcpy(ui + k1 * n2p + jb, &yi, sizeof yi);
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
        // out[CRT(k1, k2)] = W[k2][k1].
        double* y = reinterpret_cast<double*>(out);
        const std::uint32_t* ox = t.out_index.data();
        for (std::size_t k2 = 0; k2 < n2; ++k2) {
            const double* rr = wr + k2 * n1p;
            const double* ri = wi + k2 * n1p;
            const std::uint32_t* ok = ox + k2 * n1;
            for (std::size_t k1 = 0; k1 < n1; ++k1) {
                y[2 * ok[k1]] = rr[k1];
                y[2 * ok[k1] + 1] = ri[k1];
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
        std::vector<std::uint32_t> in_index, out_index;  // (n1·n2) gather j1-major, scatter k2-major
    };
    std::shared_ptr<const tables> m_tab;
    bool m_forward = true;
};

}  // namespace sphaera::backend
