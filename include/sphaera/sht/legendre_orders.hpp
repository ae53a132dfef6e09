#pragma once
/// \file legendre_orders.hpp
/// \brief The per-order drivers of the Legendre step (legendre_kernels.hpp has the chains
/// and register blocks they run): the recursion coefficients of one order in the form the
/// kernels take, the coefficients' change to and from that form, and synthesis_m /
/// adjoint_m, which run the chunks of a ring set for one order and map lanes to rings.
///
/// Spin 0 has two chains (see legendre_kernels.hpp): the degree chain (one step per degree)
/// and the two-degree chain in cos²θ (one step per two degrees). The latter writes the
/// even degrees through ρ_k = λ_{m+2k+1}/cos θ, which near the equator is up to ~ℓ times
/// larger than λ, so converting back cancels: rounding grows like 1/|cos θ|. Chunks whose
/// every lane has |cos θ| ≥ spin0_chain_min_cos = 0.1 (chunk.ychain) take the two-degree
/// chain, the rest (nearer the equator) the degree chain: the amplification stays ≤ 10, and
/// round trips at L = 2048 stay within ~1.3× of the degree chain's alone.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <memory>
#include <vector>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "sphaera/sht/legendre_kernels.hpp"
#include "sphaera/sht/wigner_recursion.hpp"

namespace sphaera::sht::detail {

/// √x for x[0..n) in place, vectorised (the coefficients of every order need L square
/// roots; std::sqrt in a loop stays scalar because of errno).
inline void sqrt_inplace(double* x, int n) {
    int i = 0;
#if defined(__AVX512F__)
    for (; i + 8 <= n; i += 8) _mm512_storeu_pd(x + i, _mm512_sqrt_pd(_mm512_loadu_pd(x + i)));
#elif defined(__AVX__)
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(x + i, _mm256_sqrt_pd(_mm256_loadu_pd(x + i)));
#elif defined(__SSE2__)
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(x + i, _mm_sqrt_pd(_mm_loadu_pd(x + i)));
#endif
    for (; i < n; ++i) x[i] = std::sqrt(x[i]);
}

/// The recursion of one order (m, n) in the form the kernels run it.
///
/// Degree chain (every spin; spin-0 chunks near the equator). With λ_ℓ = s_ℓ μ_ℓ,
/// s_ℓ₀ = s_ℓ₀₊₁ = 1 and s_{ℓ+1} = c_ℓ s_{ℓ−1}, the step λ_{ℓ+1} = (a cos θ − b) λ_ℓ −
/// c λ_{ℓ−1} (wigner_recursion.hpp) becomes μ_{ℓ+1} = (α u + β) μ_ℓ − μ_{ℓ−1} with
/// α = a s_ℓ/s_{ℓ+1} and β = (a x0 − b) s_ℓ/s_{ℓ+1} (cos θ = x0 + u, x0 = ±1 per side):
/// one FMA and one FMS per lane and step instead of three operations. s_ℓ stays within
/// [~1/√L, ~√2] (c_ℓ = 1 + O(1/ℓ²) away from ℓ₀, Wallis-like products near ℓ₀), so the
/// scaling costs no range and its rounding is one more ulp per step, like that of c
/// itself. Synthesis multiplies a_ℓm by s_ℓ before the kernels, the adjoint multiplies the
/// sums by s_ℓ after. The m-independent factors are tabulated once per scratch, so an
/// order costs one (vectorised) square root and one division per ℓ.
///
/// Two-degree chain (spin 0, chunks away from the equator; run_chain_y): with
/// ρ_k = λ_{m+2k+1}/x, ρ_{k+1} = (A_k y + B_k) ρ_k + C_k ρ_{k−1} (ℓ = m + 2k + 1, from two
/// steps of the degree recursion: A = a_{ℓ+1} a_ℓ, B = −c_{ℓ+1} − a_{ℓ+1} c_ℓ/a_{ℓ−1},
/// C = −a_{ℓ+1} c_ℓ c_{ℓ−1}/a_{ℓ−1} < 0), scaled as μ_k = ρ_k/t_k with t₀ = t₁ = 1,
/// t_{k+1} = −C_k t_{k−1}: μ_{k+1} = (α_k v + β_k) μ_k − μ_{k−1}, v = y − 1, α = A t_k/t_{k+1},
/// β = (A + B) t_k/t_{k+1} (y_alpha, y_beta, indexed by k; y_scale[k] = t_k, the odd
/// members' factor). The even members are λ_{m+2k} = (ρ_k + c_{m+2k} ρ_{k−1})/a_{m+2k}:
/// ẽ_k t_k = w_e0[k] e_k + w_e1[k] e_{k+1}, w_e0[k] = t_k/a_{m+2k}, w_e1[k] = c_{m+2k+2}
/// t_k/a_{m+2k+2} (and the transpose after the adjoint sums).
struct order_recursion {
    std::vector<double> alpha, beta_n, beta_s;   // (L) degree chain, entries L−1 = 0
    std::vector<double> scale;                   // (L) s_ℓ for ℓ ≥ ℓ₀
    std::vector<double> y_alpha, y_beta;         // (L) two-degree chain (spin 0), zero past the last step
    std::vector<double> y_scale, w_e0, w_e1;     // (L) t_k and the even-member conversion
    std::vector<double> r;                       // (L + 1) R_ℓ = √((ℓ²−m²)(ℓ²−n²))
    std::vector<double> ir;                      // (L + 1) 1/R_ℓ
    std::vector<double> fa, fc;                  // (L) √((2ℓ+3)/(2ℓ+1))·(2ℓ+1), √((2ℓ+3)/(2ℓ−1))·(ℓ+1)/ℓ
    std::vector<double> ga_inv, l_inv;           // (L) 1/(fa_ℓ (ℓ + 1)), 1/ℓ (m-independent)
    std::vector<double> la, lc, ia;              // (L) a_ℓ, c_ℓ of the degree recursion, 1/a_ℓ
    double rho0 = 1;                             // ρ₀/λ_m = a_m
    bool spin0 = false;                          // whether the y_… arrays hold this order
    explicit order_recursion(int L) {
        const auto n = static_cast<std::size_t>(L);
        for (auto* v : {&alpha, &beta_n, &beta_s, &scale, &y_alpha, &y_beta, &y_scale, &w_e0, &w_e1, &fa, &fc,
                        &ga_inv, &l_inv, &la, &lc, &ia})
            v->assign(n, 0.0);
        r.assign(n + 1, 0.0);
        ir.assign(n + 1, 0.0);
        for (int l = 0; l < L; ++l) {
            const double dl = l;
            const auto i = static_cast<std::size_t>(l);
            fa[i] = std::sqrt((2.0 * dl + 3.0) / (2.0 * dl + 1.0)) * (2.0 * dl + 1.0);
            fc[i] = l == 0 ? 0.0 : std::sqrt((2.0 * dl + 3.0) / (2.0 * dl - 1.0)) * (dl + 1.0) / dl;
            ga_inv[i] = 1.0 / (fa[i] * (dl + 1.0));
            l_inv[i] = l == 0 ? 0.0 : 1.0 / dl;
        }
    }
    /// Coefficients of the degree chain on one side of the equator (x0 = ±1).
    [[nodiscard]] kernel_coefs side(double x0) const {
        return {alpha.data(), x0 > 0 ? beta_n.data() : beta_s.data(), 1.0};
    }
    /// Coefficients of the two-degree chain.
    [[nodiscard]] kernel_coefs two_degree() const { return {y_alpha.data(), y_beta.data(), rho0}; }
};

/// Most maps one Legendre pass serves (batched transforms share the recursion).
inline constexpr int max_batch = 2;

/// Per-thread scratch of the per-m drivers. Coefficients (L, Q, 2) and 8-wide partial sums
/// (L, Q, 2) in the degree chain's form (alm, accv) and the two-degree chain's (alm_y, accv_y).
struct legendre_workspace {
    order_recursion rec;
    std::vector<double> alm, alm_y;
    std::vector<vd> accv, accv_y;
    explicit legendre_workspace(int L)
        : rec(L), alm(4 * max_batch * static_cast<std::size_t>(L)), alm_y(alm.size()),
          accv(4 * max_batch * static_cast<std::size_t>(L)), accv_y(accv.size()) {}
};

/// Column values of one order: re/im of ring r at re[r·stride], im[r·stride] (nrings
/// each): separate arrays (stride 1) or, for double columns, straight in the engine's
/// complex column buffer (im = re + 1, stride 2), which saves a copy per order.
struct column_ref {
    double* re = nullptr;
    double* im = nullptr;
    std::ptrdiff_t stride = 1;
    void set(int r, double vr, double vi) const { re[r * stride] = vr, im[r * stride] = vi; }
    void zero(std::size_t n) const {
        if (stride == 2 && im == re + 1) {
            std::fill(re, re + 2 * n, 0.0);
            return;
        }
        for (std::size_t r = 0; r < n; ++r) re[static_cast<std::ptrdiff_t>(r) * stride] = im[static_cast<std::ptrdiff_t>(r) * stride] = 0.0;
    }
};
struct const_column_ref {
    const double* re = nullptr;
    const double* im = nullptr;
    std::ptrdiff_t stride = 1;
    [[nodiscard]] double real(int r) const { return re[r * stride]; }
    [[nodiscard]] double imag(int r) const { return im[r * stride]; }
};

/// R_ℓ = √((ℓ²−m²)(ℓ²−n²)) for ℓ in [ℓ₀, L] and 1/R_ℓ for ℓ in (ℓ₀, L] (R_ℓ₀ = 0), in
/// vectorisable loops: the per-order coefficients cost one square root and one division
/// per degree; everything else is products with m-independent tables.
inline void radicals(order_recursion& rc, int m, int n, int l0, int L) {
    const double dm = m, dn = n;
    double *R = rc.r.data(), *ir = rc.ir.data();
    for (int l = l0; l <= L; ++l) {
        const double dl = l;
        R[l] = ((dl - dm) * (dl + dm)) * ((dl - dn) * (dl + dn));
    }
    sqrt_inplace(R + l0, L + 1 - l0);
    ir[l0] = 0;
    for (int l = l0 + 1; l <= L; ++l) ir[l] = 1.0 / R[l];
}
/// a_ℓ, c_ℓ (zero at ℓ₀) and 1/a_ℓ of the degree recursion for ℓ in [ℓ₀, L).
inline void degree_coefficients(order_recursion& rc, int l0, int L) {
    const double *R = rc.r.data(), *ir = rc.ir.data(), *fa = rc.fa.data(), *fc = rc.fc.data(), *gi = rc.ga_inv.data();
    double *a = rc.la.data(), *c = rc.lc.data(), *ia = rc.ia.data();
    // The arrays are distinct: ivdep lets GCC vectorise (inlined, it ran the loop scalar:
    // 1.1 ns per degree at L = 1024).
#pragma GCC ivdep
    for (auto l = static_cast<std::size_t>(l0); l < static_cast<std::size_t>(L); ++l) {
        a[l] = fa[l] * static_cast<double>(l + 1) * ir[l + 1];
        ia[l] = R[l + 1] * gi[l];
        c[l] = fc[l] * R[l] * ir[l + 1];  // 0 at ℓ₀ (R_ℓ₀ = 0)
    }
}
/// The two-degree chain's coefficients (spin 0) from la, lc, ia.
inline void two_degree_coefficients(order_recursion& rc, int l0, int L) {
    const double *a = rc.la.data(), *c = rc.lc.data(), *ia = rc.ia.data();
    rc.rho0 = a[l0];
    // Steps k = 0..K−1 (ℓ = ℓ₀ + 2k + 1, ℓ + 1 ≤ L − 1) and scales t_0..t_K; the steps
    // from K on stay zero (the kernel reads one past its last step).
    const int K = (L - 1 - l0) / 2;
    std::fill(rc.y_alpha.begin() + K, rc.y_alpha.end(), 0.0);
    std::fill(rc.y_beta.begin() + K, rc.y_beta.end(), 0.0);
    double *t = rc.y_scale.data(), *al = rc.y_alpha.data(), *be = rc.y_beta.data();
    double *we0 = rc.w_e0.data(), *we1 = rc.w_e1.data();
    // The loops index distinct arrays (ivdep: GCC vectorises them; with the members read in
    // the loop, or `int` indices, it ran them scalar). The scale chain t is sequential: its
    // factors go through al first (overwritten below), so only the products stay scalar.
    const auto uK = static_cast<std::size_t>(K), ul0 = static_cast<std::size_t>(l0), uL = static_cast<std::size_t>(L);
#pragma GCC ivdep
    for (std::size_t k = 1; k < uK; ++k) {
        const std::size_t l = ul0 + 2 * k + 1;
        al[k] = a[l + 1] * c[l] * c[l - 1] * ia[l - 1];
    }
    t[0] = 1;
    if (K >= 1) t[1] = 1;
    for (std::size_t k = 1; k < uK; ++k) t[k + 1] = al[k] * t[k - 1];
#pragma GCC ivdep
    for (std::size_t k = 0; k < uK; ++k) {
        const std::size_t l = ul0 + 2 * k + 1;
        const double A = a[l + 1] * a[l], B = -c[l + 1] - a[l + 1] * c[l] * ia[l - 1];
        const double q = t[k] / t[k + 1];
        al[k] = A * q;
        be[k] = (A + B) * q;
    }
#pragma GCC ivdep
    for (std::size_t k = 0; ul0 + 2 * k < uL; ++k) {
        const std::size_t l = ul0 + 2 * k;
        we0[k] = t[k] * ia[l];
        we1[k] = l + 2 < uL ? c[l + 2] * t[k] * ia[l + 2] : 0.0;
    }
}

/// Fills ws.rec for order m (n = −s, start data sd): the coefficients of
/// fill_coefficients (wigner_recursion.hpp) in the normalised forms of order_recursion
/// (for n = 0 both chains).
inline void prepare_coefficients(legendre_workspace& ws, int m, int n, const start_data& sd, int L) {
    order_recursion& rc = ws.rec;
    rc.spin0 = n == 0;
    const int l0 = sd.l0;
    const auto e = static_cast<std::size_t>(L - 1);
    if (l0 < L) {
        radicals(rc, m, n, l0, L);
        degree_coefficients(rc, l0, L);
        const double mn = static_cast<double>(m) * n;
        const double *a = rc.la.data(), *c = rc.lc.data(), *li = rc.l_inv.data();
        double* sc = rc.scale.data();
        sc[l0] = 1;
        if (l0 + 1 < L) sc[l0 + 1] = 1;
        for (int l = l0 + 1; l + 1 < L; ++l) sc[l + 1] = c[l] * sc[l - 1];
        // b_ℓ = a_ℓ mn/(ℓ(ℓ+1)); ℓ ≥ 1 wherever mn ≠ 0 (ℓ₀ ≥ max(|m|, |n|)).
        double *al = rc.alpha.data(), *bn = rc.beta_n.data(), *bs = rc.beta_s.data();
        if (rc.spin0) {
            for (int l = l0; l + 1 < L; ++l) {  // b_ℓ = 0
                const double q = sc[l] / sc[l + 1];
                al[l] = a[l] * q;
                bn[l] = a[l] * q;
            }
            two_degree_coefficients(rc, l0, L);  // spin-0 lanes are all northern: no beta_s
        } else {
            // One division per degree for both sides; distinct arrays (ivdep, unsigned
            // indices: GCC 12 ran this loop scalar otherwise).
            const auto ul0 = static_cast<std::size_t>(l0), uL = static_cast<std::size_t>(L);
#pragma GCC ivdep
            for (std::size_t l = ul0; l + 1 < uL; ++l) {
                const double b = a[l] * mn * li[l] * li[l + 1];
                const double q = sc[l] / sc[l + 1];
                al[l] = a[l] * q;
                bn[l] = (a[l] - b) * q;
                bs[l] = (-a[l] - b) * q;
            }
        }
    }
    rc.alpha[e] = rc.beta_n[e] = rc.beta_s[e] = 0;
}

/// Calls f.template operator()<Q>() for Q = Qn ∈ {1, 2, 4}.
template <class F>
inline void dispatch_columns(int Qn, F&& f) {
    switch (Qn) {
        case 1: f.template operator()<1>(); break;
        case 2: f.template operator()<2>(); break;
        default: f.template operator()<4>(); break;
    }
}

/// Per ring set and order m ≥ 0, the index of the first dead chunk of the north and south
/// lists (or their size), learnt by the first transform that runs the order: finding it
/// costs a full silent recursion of that chunk from ℓ₀ to L (≈ 1.4 % of a GL L = 2048 spin-2
/// synthesis), which later calls skip. Deadness is the same in every call (the same chains
/// from the same start values; only blocks of all-zero lanes, padding or exact poles, which
/// sit in the last chunk and add nothing, can read differently with other block widths), so
/// the outputs do not depend on whether the entry was known. Entries are atomics: threads
/// running the same plan may fill them concurrently with the same value.
class dead_chunk_cache {
public:
    dead_chunk_cache() = default;
    explicit dead_chunk_cache(int L) : m_n(2 * static_cast<std::size_t>(std::max(L, 0))) {
        m_first = std::make_unique<std::atomic<int>[]>(m_n);
        for (std::size_t i = 0; i < m_n; ++i) m_first[i].store(-1, std::memory_order_relaxed);
    }
    /// Entry of order m on side 0 (north) or 1 (south); null when the cache is empty.
    [[nodiscard]] std::atomic<int>* at(int m, int side) const {
        const auto i = 2 * static_cast<std::size_t>(m) + static_cast<std::size_t>(side);
        return i < m_n ? &m_first[i] : nullptr;
    }

private:
    std::size_t m_n = 0;
    std::unique_ptr<std::atomic<int>[]> m_first;
};

/// Runs block.template operator()<Q, NB, Y, Split>(chunk, v0) (returns whether the block
/// was alive) over the register blocks of NB vectors of each chunk in order, Y =
/// chunk.ychain, and stops at the first dead chunk: chunks run from the equator to the
/// poles, so the more polar ones are dead too. Split: whether the chains keep one sum per
/// parity of ℓ (spin 0 and m = 0, where one chain feeds both rings of a pair); without it
/// no chunk runs the two-degree chain (spin 0 only). first_dead (may be null): the index of
/// the first dead chunk when known (≥ 0), which is then not run, else recorded here.
template <int Q, int NB, bool Split, class Block>
inline void run_chunks(const std::vector<legendre_chunk>& chunks, Block& block, std::atomic<int>* first_dead = nullptr) {
    static_assert(chunk_vectors % NB == 0, "a chunk must split into whole register blocks");
    const int known = first_dead ? first_dead->load(std::memory_order_relaxed) : -1;
    const int n = static_cast<int>(chunks.size()), end = known >= 0 ? std::min(known, n) : n;
    int c = 0;
    for (; c < end; ++c) {
        const legendre_chunk& ch = chunks[static_cast<std::size_t>(c)];
        bool any = false;
        for (int v0 = 0; v0 < chunk_vectors; v0 += NB) {
            bool alive = false;
            if constexpr (Split)
                alive = ch.ychain ? block.template operator()<Q, NB, true, true>(ch, v0)
                                  : block.template operator()<Q, NB, false, true>(ch, v0);
            else
                alive = block.template operator()<Q, NB, false, false>(ch, v0);
            any = alive || any;
        }
        if (!any) break;
    }
    if (first_dead && known < 0) first_dead->store(c, std::memory_order_relaxed);
}

/// d (L, Qn, 2) ×= s_ℓ for ℓ in [ℓ₀, L), and with fold_parity also × (−1)^ℓ in the −m columns.
inline void scale_degrees(const order_recursion& rc, int l0, int L, int Qn, int Qm, bool fold_parity, double* d) {
    const int st = 2 * Qn;
    for (int l = l0; l < L; ++l) {
        const double sl = rc.scale[static_cast<std::size_t>(l)];
        const bool flip = fold_parity && (l & 1);
        for (int c = 0; c < st; ++c) d[st * l + c] *= (flip && (c / 2) % Qm == 1) ? -sl : sl;
    }
}

/// ws.alm (L, Qn, 2) ← the coefficients the degree chain reads (× s_ℓ); for spin 0 also
/// ws.alm_y ← the two-degree chain's (even members ẽ_k t_k at ℓ₀ + 2k, odd ones o_k t_k at
/// ℓ₀ + 2k + 1), both from the gathered coefficients in ws.alm. fold_parity (chains without
/// a parity split, see synthesis_m): the −m columns (odd column of each map, Qm = 2) are
/// also multiplied by (−1)^ℓ.
inline void to_kernel_form(legendre_workspace& ws, const start_data& sd, int L, int Qn, int Qm = 1,
                           bool fold_parity = false) {
    const order_recursion& rc = ws.rec;
    const int l0 = sd.l0, st = 2 * Qn;
    double *d = ws.alm.data(), *y = ws.alm_y.data();
    if (rc.spin0)
        for (int k = 0; l0 + 2 * k < L; ++k) {
            const int l = l0 + 2 * k;
            const double w0 = rc.w_e0[static_cast<std::size_t>(k)], w1 = rc.w_e1[static_cast<std::size_t>(k)];
            const double so = rc.y_scale[static_cast<std::size_t>(k)];
            for (int c = 0; c < st; ++c) {
                const double next = l + 2 < L ? d[st * (l + 2) + c] : 0.0;
                y[st * l + c] = w0 * d[st * l + c] + w1 * next;
                if (l + 1 < L) y[st * (l + 1) + c] = so * d[st * (l + 1) + c];
            }
        }
    scale_degrees(rc, l0, L, Qn, Qm, fold_parity, d);
}
/// ws.alm (L, Qn, 2) ← the coefficients from the kernels' partial sums: the degree chain's
/// (accv, × s_ℓ) plus, when some chunk ran it, the two-degree chain's (accv_y, the
/// transpose of to_kernel_form); zero below ℓ₀.
inline void from_kernel_sums(legendre_workspace& ws, const start_data& sd, int L, int Qn, bool used_x, bool used_y,
                             int Qm = 1, bool fold_parity = false) {
    const order_recursion& rc = ws.rec;
    const int l0 = std::min(sd.l0, L), st = 2 * Qn;
    double *d = ws.alm.data(), *y = ws.alm_y.data();
    auto reduce = [&](const std::vector<vd>& acc, double* out) {
        for (int i = st * l0; i < st * L; ++i) {
            double t = 0;
            for (int j = 0; j < vlen; ++j) t += acc[static_cast<std::size_t>(i)][j];
            out[i] = t;
        }
    };
    std::fill(d, d + st * l0, 0.0);  // reduce writes the degrees from ℓ₀ on
    if (used_x) {
        reduce(ws.accv, d);
        scale_degrees(rc, l0, L, Qn, Qm, fold_parity, d);
    } else {
        std::fill(d + st * l0, d + st * L, 0.0);
    }
    if (!used_y) return;
    reduce(ws.accv_y, y);
    int kmax = 0;
    while (l0 + 2 * (kmax + 1) < L) ++kmax;
    for (int k = kmax; k >= 0 && l0 < L; --k) {
        const int l = l0 + 2 * k;
        const double w0 = rc.w_e0[static_cast<std::size_t>(k)];
        const double w1 = k >= 1 ? rc.w_e1[static_cast<std::size_t>(k - 1)] : 0.0;
        const double so = rc.y_scale[static_cast<std::size_t>(k)];
        for (int c = 0; c < st; ++c) {
            const double prev = k >= 1 ? y[st * (l - 2) + c] : 0.0;  // S_{k−1}, not yet converted: k descends
            d[st * l + c] += w0 * y[st * l + c] + w1 * prev;
            if (l + 1 < L) d[st * (l + 1) + c] += so * y[st * (l + 1) + c];
        }
    }
}

/// +1 or −1 when the 8 rings r[0..8) are r[0] + j·step (all ≥ 0), else 0.
inline int consecutive_rings(const int* r) {
    const int d = r[1] - r[0];
    if ((d != 1 && d != -1) || r[0] < 0 || r[0] + 7 * d < 0) return 0;
    for (int j = 2; j < vlen; ++j)
        if (r[j] != r[0] + j * d) return 0;
    return d;
}
/// Vector vec of a chunk when both its sides are 8 consecutive rings: out_a rings a (step
/// da), out_b rings b (step db), and the lane factor x = cos θ of the two-degree chain
/// (Y; 1 otherwise), as synthesis_m's and adjoint_m's vector paths use them.
struct ring_vector {
    const int* a = nullptr;
    const int* b = nullptr;
    int da = 0, db = 0;
    vd x{};
};
template <bool Y>
inline bool consecutive_vector(const legendre_chunk& ch, int vec, ring_vector& rv) {
    rv.a = ch.out_a + vec * vlen;
    rv.b = ch.out_b + vec * vlen;
    rv.da = consecutive_rings(rv.a);
    rv.db = consecutive_rings(rv.b);
    if (rv.da == 0 || rv.db == 0) return false;
    rv.x = vd{} + 1.0;
    if constexpr (Y) {
        __builtin_memcpy(&rv.x, ch.u + vec * vlen, sizeof(vd));
        rv.x += ch.x0;
    }
    return true;
}
/// Whether columns c can take the vector ring stores/loads: complex-interleaved (stride 2,
/// im = re + 1, the engine's column buffer) or separate re/im arrays (stride 1, scratch).
inline bool vector_columns(const column_ref& c) { return c.stride == 1 || (c.stride == 2 && c.im == c.re + 1); }
inline bool vector_columns(const const_column_ref& c) { return c.stride == 1 || (c.stride == 2 && c.im == c.re + 1); }
/// Whether every column of nmaps maps (pos, and neg when with_neg) takes vector stores/loads.
template <class Column>
inline bool all_vector_columns(const Column* pos, const Column* neg, int nmaps, bool with_neg) {
    bool all = true;
    for (int b = 0; b < nmaps; ++b) all = all && vector_columns(pos[b]) && (!with_neg || vector_columns(neg[b]));
    return all;
}
/// Reverses the 8 lanes of a vector.
inline vd reversed(const vd& x) { return __builtin_shufflevector(x, x, 7, 6, 5, 4, 3, 2, 1, 0); }
/// Writes re[j] + i·im[j] to ring r[j] of column c (rings r[0] + j·d, d = ±1, see
/// vector_columns): two vector stores at the lowest ring.
inline void store_rings(const column_ref& c, const int* r, int d, const vd& re, const vd& im) {
    const int r0 = std::min(r[0], r[7]);
    if (c.stride == 1) {
        const vd a = d > 0 ? re : reversed(re), b = d > 0 ? im : reversed(im);
        __builtin_memcpy(c.re + r0, &a, sizeof(vd));
        __builtin_memcpy(c.im + r0, &b, sizeof(vd));
        return;
    }
    // __builtin_shufflevector: GCC ≥ 12 and Clang (constant indices, hence two branches).
    vd lo, hi;
    if (d > 0) {
        lo = __builtin_shufflevector(re, im, 0, 8, 1, 9, 2, 10, 3, 11);
        hi = __builtin_shufflevector(re, im, 4, 12, 5, 13, 6, 14, 7, 15);
    } else {
        lo = __builtin_shufflevector(re, im, 7, 15, 6, 14, 5, 13, 4, 12);
        hi = __builtin_shufflevector(re, im, 3, 11, 2, 10, 1, 9, 0, 8);
    }
    double* p = c.re + 2 * r0;
    __builtin_memcpy(p, &lo, sizeof(vd));
    __builtin_memcpy(p + vlen, &hi, sizeof(vd));
}

/// The transpose of store_rings: re[j], im[j] ← ring r[j] of column c.
inline void load_rings(const const_column_ref& c, const int* r, int d, vd& re, vd& im) {
    const int r0 = std::min(r[0], r[7]);
    if (c.stride == 1) {
        __builtin_memcpy(&re, c.re + r0, sizeof(vd));
        __builtin_memcpy(&im, c.im + r0, sizeof(vd));
        if (d < 0) re = reversed(re), im = reversed(im);
        return;
    }
    vd lo, hi;
    const double* p = c.re + 2 * r0;
    __builtin_memcpy(&lo, p, sizeof(vd));
    __builtin_memcpy(&hi, p + vlen, sizeof(vd));
    if (d > 0) {
        re = __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14);
        im = __builtin_shufflevector(lo, hi, 1, 3, 5, 7, 9, 11, 13, 15);
    } else {
        re = __builtin_shufflevector(lo, hi, 14, 12, 10, 8, 6, 4, 2, 0);
        im = __builtin_shufflevector(lo, hi, 15, 13, 11, 9, 7, 5, 3, 1);
    }
}

/// Synthesis of order m ≥ 0 (and −m when `with_neg`) for nmaps ≤ max_batch maps at once:
/// ws.alm holds (−1)^s a_ℓ,±m as (L, Q, 2), Q = nmaps·(1 + with_neg), column
/// b·(1 + with_neg) + (0: m, 1: −m) for map b, and ws.rec the recursion of (m, n); writes
/// F_m of map b into pos[b] and F_−m into neg[b] for every ring (zero where nothing
/// contributes). sd: start data of (m, n); m = 0 uses the m0 lists and ignores `neg`.
/// One recursion per chain serves every map.
inline void synthesis_m(const legendre_tasks& tk, const start_data& sd, legendre_workspace& ws, int L, int m,
                        int n, bool with_neg, int nmaps, const column_ref* pos, const column_ref* neg,
                        const dead_chunk_cache* dead = nullptr) {
    const std::size_t nr = tk.nrings;
    for (int b = 0; b < nmaps; ++b) {
        pos[b].zero(nr);
        if (with_neg) neg[b].zero(nr);
    }
    const double sm = (m % 2 == 0) ? 1.0 : -1.0, sn = (n % 2 == 0) ? 1.0 : -1.0;
    const bool m0 = (m == 0) && !tk.spin0;
    const int Qm = (with_neg && !m0) ? 2 : 1;  // columns per map
    // Chains of spin ≠ 0 and m ≠ 0 feed one ring per column (m at θ, −m at π − θ), so they
    // need no parity split: the −m column's sign (−1)^ℓ goes into its coefficients.
    const bool split = tk.spin0 || m0;
    to_kernel_form(ws, sd, L, Qm * nmaps, Qm, !split);
    const bool vectors = all_vector_columns(pos, neg, nmaps, with_neg);
    // One register block of a chunk: the chain's sums → ring values.
    auto block = [&]<int Q, int NB, bool Y, bool S>(const legendre_chunk& ch, int v0) -> bool {
        vd acc[2][Q][2][NB];
        const kernel_coefs kc = Y ? ws.rec.two_degree() : ws.rec.side(ch.x0);
        if (!synthesis_block<NB, Q, Y, S>(ch, v0, sd, kc, L, Y ? ws.alm_y.data() : ws.alm.data(), acc)) return false;
        // Signs of the mirrored outputs. Ring π − θ: spin 0 from the same chain
        // (λ_ℓm(π−θ) = (−1)^{ℓ+m} λ_ℓm(θ)), m = 0 of spin ≠ 0 from (−1)^{ℓ+n} (sb); order −m
        // at π − θ from this chain (sc).
        const double sb = Y ? 1.0 : tk.spin0 ? sm : sn, sc = Y ? sm : sn;
        for (int v = 0; v < NB; ++v) {
            // Columns that take vector stores (see vector_columns) and a vector whose 8 lanes
            // feed 8 consecutive rings on each side (every ring set sorted by θ, except lanes of
            // unpaired rings and padding): two vector stores per column and side. The same
            // values as the per-lane loop below.
            ring_vector rv;
            if (vectors && consecutive_vector<Y>(ch, v0 + v, rv)) {
                const int *A = rv.a, *B = rv.b, da = rv.da, db = rv.db;
                const vd& x = rv.x;
                for (int mb = 0; mb < Q / Qm; ++mb) {
                    const int q0 = mb * Qm, q1 = std::min(q0 + 1, Q - 1);
                    const vd er = acc[0][q0][0][v], ei = acc[0][q0][1][v];
                    vd orr = vd{}, oi = vd{};
                    if constexpr (S) orr = x * acc[1][q0][0][v], oi = x * acc[1][q0][1][v];
                    store_rings(pos[mb], A, da, er + orr, ei + oi);
                    if (tk.spin0 || m0) store_rings(pos[mb], B, db, sb * (er - orr), sb * (ei - oi));
                    if (Qm != 2) continue;
                    const vd fr = acc[0][q1][0][v], fi = acc[0][q1][1][v];
                    vd pr = vd{}, pi = vd{};
                    if constexpr (S) pr = x * acc[1][q1][0][v], pi = x * acc[1][q1][1][v];
                    store_rings(neg[mb], B, db, sc * (fr - pr), sc * (fi - pi));
                    if (tk.spin0) store_rings(neg[mb], A, da, sm * (fr + pr), sm * (fi + pi));
                }
                continue;
            }
            for (int j = 0; j < vlen; ++j) {
                const int lane = (v0 + v) * vlen + j, a = ch.out_a[lane], b = ch.out_b[lane];
                if (a < 0 && b < 0) continue;
                // Even/odd sums: by ℓ − ℓ₀ with odd ones times cos θ (two-degree chain), or
                // by ℓ (degree chain).
                const double x = Y ? ch.x0 + ch.u[lane] : 1.0;
                for (int mb = 0; mb < Q / Qm; ++mb) {
                    const int q0 = mb * Qm, q1 = std::min(q0 + 1, Q - 1);  // q1 in bounds for Q = 1 too
                    const double er = acc[0][q0][0][v][j], ei = acc[0][q0][1][v][j];
                    // Without the split (S = false) the one sum per column is in acc[0].
                    const double orr = S ? x * acc[S][q0][0][v][j] : 0.0, oi = S ? x * acc[S][q0][1][v][j] : 0.0;
                    const column_ref& P = pos[mb];
                    if (a >= 0) P.set(a, er + orr, ei + oi);
                    if (b >= 0 && (tk.spin0 || m0)) P.set(b, sb * (er - orr), sb * (ei - oi));
                    if (Qm != 2) continue;
                    const double fr = acc[0][q1][0][v][j], fi = acc[0][q1][1][v][j];
                    const double pr = S ? x * acc[S][q1][0][v][j] : 0.0, pi = S ? x * acc[S][q1][1][v][j] : 0.0;
                    const column_ref& N = neg[mb];
                    // Order −m at π − θ from this chain; for spin 0 also at θ.
                    if (b >= 0) N.set(b, sc * (fr - pr), sc * (fi - pi));
                    if (tk.spin0 && a >= 0) N.set(a, sm * (fr + pr), sm * (fi + pi));
                }
            }
        }
        return true;
    };
    const auto& north = m0 ? tk.m0_north : tk.all_north;
    const auto& south = m0 ? tk.m0_south : tk.all_south;
    std::atomic<int>* dn = dead ? dead->at(m, 0) : nullptr;  // m = 0 has one list pair either way
    std::atomic<int>* ds = dead ? dead->at(m, 1) : nullptr;
    dispatch_columns(Qm * nmaps, [&]<int Q>() {
        if (split) {
            run_chunks<Q, synthesis_block_vectors<Q, true>, true>(north, block, dn);
            run_chunks<Q, synthesis_block_vectors<Q, true>, true>(south, block, ds);
        } else {
            run_chunks<Q, synthesis_block_vectors<Q, false>, false>(north, block, dn);
            run_chunks<Q, synthesis_block_vectors<Q, false>, false>(south, block, ds);
        }
    });
}

/// The transpose of synthesis_m: reads G_m of map b from pos[b] and G_−m from neg[b] (when
/// `with_neg`) and writes Σ_r G λ into ws.alm as (L, Q, 2) (columns as in synthesis_m) for
/// ℓ ≥ sd.l0 (zero elsewhere), with ws.rec the recursion of (m, n).
inline void adjoint_m(const legendre_tasks& tk, const start_data& sd, legendre_workspace& ws, int L, int m, int n,
                      bool with_neg, int nmaps, const const_column_ref* pos, const const_column_ref* neg,
                      const dead_chunk_cache* dead = nullptr) {
    const double sm = (m % 2 == 0) ? 1.0 : -1.0, sn = (n % 2 == 0) ? 1.0 : -1.0;
    const bool m0 = (m == 0) && !tk.spin0;
    const int Qm = (with_neg && !m0) ? 2 : 1, Qn = Qm * nmaps;
    const bool split = tk.spin0 || m0;  // as in synthesis_m
    const bool vectors = all_vector_columns(pos, neg, nmaps, with_neg);
    // The kernels add into degrees ℓ ≥ ℓ₀ only; each form's sums are zeroed when first used.
    const int lz = std::min(sd.l0, L);
    bool used_x = false, used_y = false;
    auto block = [&]<int Q, int NB, bool Y, bool S>(const legendre_chunk& ch, int v0) -> bool {
        std::vector<vd>& accv = Y ? ws.accv_y : ws.accv;
        bool& used = Y ? used_y : used_x;
        if (!used) std::fill(accv.begin() + 2 * Qn * lz, accv.begin() + 2 * Qn * L, vd{});
        used = true;
        vd g[2][Q][2][NB];
        const double sb = Y ? 1.0 : tk.spin0 ? sm : sn, sc = Y ? sm : sn;  // as in synthesis_m
        for (int v = 0; v < NB; ++v) {
            // The transpose of synthesis_m's vector stores (same values as the loop below).
            ring_vector rv;
            if (vectors && consecutive_vector<Y>(ch, v0 + v, rv)) {
                const int *A = rv.a, *B = rv.b, da = rv.da, db = rv.db;
                const vd& x = rv.x;
                const bool hb = tk.spin0 || m0;
                for (int mb = 0; mb < Q / Qm; ++mb) {
                    const int q0 = mb * Qm, q1 = std::min(q0 + 1, Q - 1);
                    vd ar, ai, br = vd{}, bi = vd{};
                    load_rings(pos[mb], A, da, ar, ai);
                    if (hb) {
                        load_rings(pos[mb], B, db, br, bi);
                        br *= sb, bi *= sb;
                    }
                    g[0][q0][0][v] = ar + br, g[0][q0][1][v] = ai + bi;
                    g[1][q0][0][v] = x * (ar - br), g[1][q0][1][v] = x * (ai - bi);
                    if (Qm != 2) continue;
                    vd cr = vd{}, ci = vd{}, dr, di;
                    if (tk.spin0) {
                        load_rings(neg[mb], A, da, cr, ci);
                        cr *= sm, ci *= sm;
                    }
                    load_rings(neg[mb], B, db, dr, di);
                    dr *= sc, di *= sc;
                    g[0][q1][0][v] = cr + dr, g[0][q1][1][v] = ci + di;
                    g[1][q1][0][v] = x * (cr - dr), g[1][q1][1][v] = x * (ci - di);
                }
                continue;
            }
            for (int j = 0; j < vlen; ++j) {
                const int lane = (v0 + v) * vlen + j, a = ch.out_a[lane], b = ch.out_b[lane];
                const double x = Y ? ch.x0 + ch.u[lane] : 1.0;
                for (int mb = 0; mb < Q / Qm; ++mb) {
                    const int q0 = mb * Qm, q1 = std::min(q0 + 1, Q - 1);  // q1 in bounds for Q = 1 too
                    // The transpose of synthesis_m's lane → ring map.
                    const const_column_ref& P = pos[mb];
                    const double ar = a >= 0 ? P.real(a) : 0.0, ai = a >= 0 ? P.imag(a) : 0.0;
                    const bool hb = b >= 0 && (tk.spin0 || m0);
                    const double br = hb ? sb * P.real(b) : 0.0, bi = hb ? sb * P.imag(b) : 0.0;
                    g[0][q0][0][v][j] = ar + br, g[0][q0][1][v][j] = ai + bi;
                    g[1][q0][0][v][j] = x * (ar - br), g[1][q0][1][v][j] = x * (ai - bi);
                    if (Qm != 2) continue;
                    const const_column_ref& N = neg[mb];
                    const double cr = tk.spin0 && a >= 0 ? sm * N.real(a) : 0.0, ci = tk.spin0 && a >= 0 ? sm * N.imag(a) : 0.0;
                    const double dr = b >= 0 ? sc * N.real(b) : 0.0, di = b >= 0 ? sc * N.imag(b) : 0.0;
                    g[0][q1][0][v][j] = cr + dr, g[0][q1][1][v][j] = ci + di;
                    g[1][q1][0][v][j] = x * (cr - dr), g[1][q1][1][v][j] = x * (ci - di);
                }
            }
        }
        const kernel_coefs kc = Y ? ws.rec.two_degree() : ws.rec.side(ch.x0);
        return adjoint_block<NB, Q, Y, S>(ch, v0, sd, kc, L, g, accv.data());
    };
    const auto& north = m0 ? tk.m0_north : tk.all_north;
    const auto& south = m0 ? tk.m0_south : tk.all_south;
    std::atomic<int>* dn = dead ? dead->at(m, 0) : nullptr;  // m = 0 has one list pair either way
    std::atomic<int>* ds = dead ? dead->at(m, 1) : nullptr;
    dispatch_columns(Qn, [&]<int Q>() {
        if (split) {
            run_chunks<Q, adjoint_block_vectors<Q>, true>(north, block, dn);
            run_chunks<Q, adjoint_block_vectors<Q>, true>(south, block, ds);
        } else {
            run_chunks<Q, adjoint_block_vectors<Q>, false>(north, block, dn);
            run_chunks<Q, adjoint_block_vectors<Q>, false>(south, block, ds);
        }
    });
    from_kernel_sums(ws, sd, L, Qn, used_x, used_y, Qm, !split);
}

}  // namespace sphaera::sht::detail
