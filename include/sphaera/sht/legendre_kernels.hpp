#pragma once
/// \file legendre_kernels.hpp
/// \brief The Legendre (θ) step of a ring-based SHT, the O(L³) part (Reinecke & Seljebotn
/// 2013; Schaeffer 2013): per order m, F_m(θ_r) = Σ_ℓ a_ℓm λ_ℓm(θ_r) over rings and its
/// transpose a_ℓm += Σ_r F_m(θ_r) λ_ℓm(θ_r), with λ the normalised Wigner functions of
/// wigner_recursion.hpp (n = −s). How the work is cut:
///
/// - **Symmetry.** d^ℓ_{m,n}(π−θ) = (−1)^{ℓ+m} d^ℓ_{m,−n}(θ) and d^ℓ_{−m,n} = (−1)^{m−n}
///   d^ℓ_{m,−n} give λ^{(−m,n)}_ℓ(π−θ) = (−1)^{ℓ+n} λ^{(m,n)}_ℓ(θ): one recursion at θ serves
///   order m at θ and order −m at π−θ. For spin 0 (n = 0) it serves in addition order m at
///   π−θ and −m at θ, so one chain feeds four (ring, order) outputs on a grid symmetric about
///   the equator. The sums are split by the parity of ℓ (E = Σ_{ℓ even}, O = Σ_{ℓ odd}),
///   from which every output is E ± O with a sign.
/// - **SIMD across rings.** Recursion angles ("lanes") are grouped in chunks of
///   `chunk_lanes` = 8·NV; a chunk is run in register blocks of NB 8-wide vectors (GCC/Clang
///   vector extensions: one AVX-512 register, two AVX2 or four SSE2 ones each), NB chosen
///   so that a block's accumulators and recursion state fit the 32 AVX-512 registers (see
///   block_vectors). Coefficients and a_ℓm are broadcast per ℓ; two ℓ per loop trip make
///   the parity, and with it the accumulator each value feeds, static.
/// - **Normalised recursion.** The kernels run μ_ℓ = λ_ℓ/s_ℓ with the scales chosen so that
///   the λ_{ℓ−1} coefficient is 1 (order_recursion): one FMA and one FMS per lane and step.
///   s_ℓ is folded into a_ℓm (synthesis) or the sums (adjoint), O(L) per order.
/// - **Spin 0: one chain per two degrees.** For n = 0 the odd-parity members are x times
///   polynomials in y = cos²θ and the even ones two-term combinations of the same
///   polynomials, so one recursion in y (run_chain_y) feeds both sums: one FMA pair per
///   two degrees instead of per degree (3 operations per degree and lane instead of 4 on
///   the real path, 5 instead of 6 for ±m together); the coefficients change basis in
///   O(L) per order (to_kernel_form, from_kernel_sums, legendre_orders.hpp). Chunks within
///   |cos θ| < spin0_chain_min_cos of the equator keep the degree chain, where the basis
///   change would cancel (see legendre_orders.hpp).
/// - **Batches.** Up to max_batch maps share one pass: the recursion of each chain feeds
///   the accumulators of every map (columns Q = maps × signs).
/// - **Polar skipping.** Values start at ℓ₀ = max(|m|, |n|) from the closed form, in scaled
///   form (value·2^{600k}, integer k ≤ 0, exact power-of-two rescaling, no log/exp): a lane
///   contributes only once k = 0, i.e. once |μ| ≥ 2^−significance_exponent = 2^−102. Chunks
///   are ordered from the equator to
///   the poles; once a whole chunk never becomes significant below L, the more polar
///   chunks of that hemisphere are skipped for that m (|λ_ℓm(θ)| falls towards the pole in
///   the evanescent region ℓ sin θ < |m|).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sphaera/sht/wigner_recursion.hpp"

namespace sphaera::sht::detail {

/// Eight doubles as one value (GCC/Clang vector extension). Passed by reference only:
/// by-value vector arguments change the ABI between targets (-Wpsabi).
using vd = double __attribute__((vector_size(64)));
using vl = std::int64_t __attribute__((vector_size(64)));
inline constexpr int vlen = 8;
/// Vectors per chunk and lanes (recursion angles) per chunk: the unit of the equator-to-pole
/// ordering and of the dead-chunk test; the kernels run a chunk in register blocks of
/// block_vectors<Q> vectors (override with SPHAERA_SHT_CHUNK_VECTORS, a multiple of 4).
#ifndef SPHAERA_SHT_CHUNK_VECTORS
#define SPHAERA_SHT_CHUNK_VECTORS 4
#endif
inline constexpr int chunk_vectors = SPHAERA_SHT_CHUNK_VECTORS;
inline constexpr int chunk_lanes = vlen * chunk_vectors;

/// Levels of the tables of repeated squares in legendre_chunk: powers p < 2^power_levels
/// (p ≤ L − 1 + |s|: L up to ~8190) read only the tables, higher bits square on the fly.
inline constexpr int power_levels = 13;
/// One level i of a chunk's tables of repeated squares: y^(2^i) = m[w][j]·2^e[w][j] for
/// lane j and y = cos(θ/2) (w = 0) or sin(θ/2) (w = 1), m in [0.5, 1) or 0, e an integer,
/// |e| ≤ 2^i·(1 + |ey|) with ey ≥ −1073 the exponent of y. Since cos² + sin² = 1, at most
/// one of the two has ey < 0 by more than 1, so the sums over the levels of both tables
/// that table_pows forms stay below 2^power_levels·1077 < 2^24: exact in float. Both of a
/// level's tables share 12 cache lines; a power reads only the levels of its set bits (and
/// p_c, p_s differ by 2|s|, so their high bits mostly coincide).
struct power_level {
    alignas(64) double m[2][chunk_lanes] = {};
    float e[2][chunk_lanes] = {};
};
static_assert((1L << power_levels) * 1077L < (1L << 24), "exponent sums of the levels must be exact in float");

/// One chunk of recursion angles on one side of the equator (x0 = cos of the nearer pole).
/// Lane j: cos θ = x0 + u[j] (see ring_trig), and the rings its two outputs go to (−1:
/// none). The start values need cos^pc(θ/2) sin^ps(θ/2) for every order; the chunk keeps
/// the repeated squares of cos(θ/2) and sin(θ/2) (pw; level 0: cos(θ/2) = cm·2^ce in
/// pw[0].m[0], pw[0].e[0], sin(θ/2) = sm·2^se in pw[0].m[1], pw[0].e[1]) so that a power
/// is a product of table entries (see lk::table_pows).
struct legendre_chunk {
    double x0 = 1;
    alignas(64) double u[chunk_lanes] = {};
    power_level pw[power_levels];
    int out_a[chunk_lanes], out_b[chunk_lanes];
    /// Spin 0: every lane has |cos θ| ≥ spin0_chain_min_cos, so the chunk runs the
    /// two-degree chain (run_chain_y); chunks nearer the equator run the degree chain.
    bool ychain = false;
};
/// Smallest |cos θ| of a chunk run by the spin-0 two-degree chain. That chain writes even
/// degrees through ρ = λ_odd/cos θ, and the conversion back amplifies rounding by up to
/// ~1/|cos θ|: with the chain on every ring, round trips at L = 2048 (max |Δf_ℓm|/max |f_ℓm|)
/// were 10–40× worse than with the degree chain (GL 2.9e−12 against 2.4e−13, MW 1.3e−11
/// against 3.1e−13), the error coming from the few rings within ~3° of the equator. With
/// the degree chain for |cos θ| < 0.1 (θ within 5.7° of the equator) they are 2.5–3.5e−13
/// on GL, MW and MWSS (0.5: 2.4–3.4e−13, 0.05: 2.7–4.0e−13), and the two-degree chain keeps
/// about 90 % of the spin-0 Legendre work.
#ifndef SPHAERA_SHT_SPIN0_CHAIN_MIN_COS
#define SPHAERA_SHT_SPIN0_CHAIN_MIN_COS 0.1
#endif
inline constexpr double spin0_chain_min_cos = SPHAERA_SHT_SPIN0_CHAIN_MIN_COS;

/// The recursion angles of one ring set (a geometry's rings or a resampler's nodes) for
/// one spin, chunked and ordered from the equator to the poles. For lane angle θ:
/// out_a = ring at θ that receives order m; out_b = ring at π−θ that receives order −m
/// (and, for spin 0, order m too while out_a also receives −m). `all` serves m ≠ 0;
/// `m0` serves m = 0, where both outputs read the one column a_ℓ0.
struct legendre_tasks {
    std::vector<legendre_chunk> all_north, all_south, m0_north, m0_south;
    std::size_t nrings = 0;
    bool spin0 = true;
};

namespace lk {
struct lane {
    ring_trig t;
    int a = -1, b = -1;
};
/// x^2 for x = m·2^e, m in [0.5, 1) or 0, back in that form: the product m·m is rounded
/// exactly as vpow rounds its squares (they differ from it only by a power of two, and
/// both stay normal), the renormalisation to [0.5, 1) is exact.
inline void square_normalised(double& m, double& e) {
    m *= m;
    e += e;
    if (m < 0.5) {
        m *= 2.0;
        e -= 1.0;
    }
}
/// Fills the tables of repeated squares of y = x·2^ex (mantissa x in [0.5, 1) or 0; w = 0:
/// y = cos(θ/2), 1: sin(θ/2)) of lane j. The exponents carry ex·2^i, so that a sum over
/// the set bits of p is the exponent of y^p, mantissa part and ex·p together.
inline void fill_squares(double x, int ex, power_level* pw, int w, int j) {
    double m = x, e = ex;
    for (int i = 0; i < power_levels; ++i) {
        pw[i].m[w][j] = m;
        pw[i].e[w][j] = static_cast<float>(e);  // |e| ≤ 2^i·(1 + |ex|), ex ≥ −1074
        square_normalised(m, e);
    }
}
inline void chunk_up(std::vector<lane> lanes, double x0, std::vector<legendre_chunk>& out) {
    // Equator first (|u| = 1 − |cos θ| descending), so the dead-chunk break sees the poles last.
    std::stable_sort(lanes.begin(), lanes.end(),
                     [](const lane& p, const lane& q) { return std::abs(p.t.u) > std::abs(q.t.u); });
    // In place: a chunk with its tables is ~10 KB, so no copies and no regrowth.
    out.reserve(out.size() + (lanes.size() + chunk_lanes - 1) / chunk_lanes);
    for (std::size_t i = 0; i < lanes.size(); i += chunk_lanes) {
        legendre_chunk& c = out.emplace_back();
        c.x0 = x0;
        for (int j = 0; j < chunk_lanes; ++j) {
            c.out_a[j] = c.out_b[j] = -1;
            const std::size_t k = i + static_cast<std::size_t>(j);
            if (k >= lanes.size()) continue;  // padding: cm = sm = 0 gives an all-zero lane
            const auto& t = lanes[k].t;
            int e = 0;
            c.u[j] = t.u;
            const double cm = std::frexp(t.c, &e);
            fill_squares(cm, t.c == 0 ? 0 : e, c.pw, 0, j);
            const double sm = std::frexp(t.s, &e);
            fill_squares(sm, t.s == 0 ? 0 : e, c.pw, 1, j);
            c.out_a[j] = lanes[k].a;
            c.out_b[j] = lanes[k].b;
        }
    }
}
/// The same angle seen from the other pole: π − θ.
inline ring_trig mirrored(const ring_trig& t) { return ring_trig{-t.x0, -t.u, t.s, t.c}; }
}  // namespace lk

/// Builds the task lists for rings with trig data `trig` (any order, any multiplicity):
/// rings θ and π − θ (to 1e−13 in cos/sin θ/2) are paired.
inline legendre_tasks make_legendre_tasks(std::span<const ring_trig> trig, int spin) {
    legendre_tasks out;
    out.nrings = trig.size();
    out.spin0 = spin == 0;
    const std::size_t nr = trig.size();
    std::vector<int> mirror(nr, -1);
    {
        // Sort north rings and south rings by sin(θ/2) of their north-mirrored angle and match.
        std::vector<std::size_t> north, south;
        for (std::size_t r = 0; r < nr; ++r) (trig[r].x0 > 0 ? north : south).push_back(r);
        auto key_n = [&](std::size_t r) { return trig[r].s; };
        auto key_s = [&](std::size_t r) { return trig[r].c; };  // sin((π−θ)/2)
        std::sort(north.begin(), north.end(), [&](auto p, auto q) { return key_n(p) < key_n(q); });
        std::sort(south.begin(), south.end(), [&](auto p, auto q) { return key_s(p) < key_s(q); });
        std::size_t i = 0, j = 0;
        while (i < north.size() && j < south.size()) {
            const double a = key_n(north[i]), b = key_s(south[j]);
            if (std::abs(a - b) <= 1e-13 && std::abs(trig[north[i]].c - trig[south[j]].s) <= 1e-13) {
                mirror[north[i]] = static_cast<int>(south[j]);
                mirror[south[j]] = static_cast<int>(north[i]);
                ++i, ++j;
            } else if (a < b) ++i;
            else ++j;
        }
    }
    std::vector<lk::lane> an, as, zn, zs;
    for (std::size_t r = 0; r < nr; ++r) {
        const int ri = static_cast<int>(r), mr = mirror[r];
        const ring_trig& t = trig[r];
        const bool north = t.x0 > 0;
        if (out.spin0) {
            // One lane per pair or unpaired ring, always at the northern angle.
            if (mr >= 0 && !north) continue;
            if (north) an.push_back({t, ri, mr});
            else an.push_back({lk::mirrored(t), -1, ri});
            continue;
        }
        // Spin ≠ 0, m ≠ 0: a lane at every ring (order m there, −m at its mirror), plus a
        // lane at π−θ for unpaired rings (order −m at the ring itself).
        (north ? an : as).push_back({t, ri, mr});
        if (mr < 0) (north ? as : an).push_back({lk::mirrored(t), -1, ri});
        // m = 0: one lane per pair (both outputs from a_ℓ0) or unpaired ring.
        if (mr >= 0 && !north) continue;
        (north ? zn : zs).push_back({t, ri, mr});
    }
    lk::chunk_up(std::move(an), 1.0, out.all_north);
    lk::chunk_up(std::move(as), -1.0, out.all_south);
    if (out.spin0)
        for (auto& c : out.all_north) {
            bool far = true;  // padding lanes (u = 0, cos θ = x0) pass
            for (int j = 0; j < chunk_lanes; ++j) far = far && std::abs(c.x0 + c.u[j]) >= spin0_chain_min_cos;
            c.ychain = far;
        }
    lk::chunk_up(std::move(zn), 1.0, out.m0_north);
    lk::chunk_up(std::move(zs), -1.0, out.m0_south);
    return out;
}

/// Lanes join the sums once |μ_ℓ| ≥ 2^−significance_exponent = 2^−102. A lane's mask is
/// updated at the rescale checks only (every 4 degree steps, every 2 two-degree steps), so
/// it can join up to 3 steps late, and a step grows |μ| by less than 2^14 (2^28 for two
/// degrees): the terms left out are below 2^(−102+42) = 2^−60 ≈ 8.7e−19 times the scale
/// between μ and λ (s_ℓ, t_k ≤ 1.13 for every L ≤ 8192 checked), i.e. ≤ L·1e−18 ≈ 2e−15 of
/// max |f_ℓm| per output at L = 2048, below the rounding of the sums themselves. Against
/// the former 2^−300 this skips the lanes in between (most of the masked phase): GL
/// L = 2048 spin-2 synthesis 0.461 → 0.446 s, outputs bit-identical to 2^−300 there
/// (2^−60 itself changed them by 3e−16 of their maximum and saved no more).
#ifndef SPHAERA_SHT_SIGNIFICANCE_EXP
#define SPHAERA_SHT_SIGNIFICANCE_EXP 102
#endif
inline constexpr int significance_exponent = SPHAERA_SHT_SIGNIFICANCE_EXP;
static_assert(significance_exponent > 0 && significance_exponent <= 300, "the threshold must lie in (2^-300, 1)");

namespace lk {

/// The rescale factor from k = −1 to k = 0 (see rescale).
inline constexpr double last_rescale = __builtin_ldexp(1.0, -(300 + significance_exponent));
inline void renorm(vd& m, vd& e) {
    const vl small = m < 0x1p-400;
    m = small ? m * 0x1p400 : m;
    e = small ? e - 400.0 : e;
}
/// x^p = rm·2^re for mantissas x in [0.5, 1) or 0, by binary powering with renormalisation
/// (every intermediate stays a normal double).
inline void vpow(const vd& x, long p, vd& rm, vd& re) {
    rm = vd{} + 1.0;
    re = vd{};
    vd bm = x, be = vd{};
    while (p > 0) {
        if (p & 1) {
            rm *= bm;
            re += be;
            renorm(rm, re);
        }
        p >>= 1;
        if (p) {
            bm *= bm;
            be += be;
            renorm(bm, be);
        }
    }
}
using vf = float __attribute__((vector_size(32)));
using vf2 = float __attribute__((vector_size(64)));
/// Continues the squares of one table past its last level for the bits q of a power
/// from power_levels up (L ≳ 8190 only): rm ·= y^(q·2^power_levels), e += its exponent,
/// with the squares rounded and renormalised as fill_squares does.
inline void pow_beyond_tables(const double* m_last, const float* e_last, long q, vd& rm, vd& e) {
    vd bm;
    vf be;
    __builtin_memcpy(&bm, m_last, sizeof(vd));
    __builtin_memcpy(&be, e_last, sizeof(vf));
    vd bed = __builtin_convertvector(be, vd);
    for (; q > 0; q >>= 1) {
        bm *= bm;
        bed += bed;
        const vl small = bm < 0.5;
        bm = small ? bm * 2.0 : bm;
        bed = small ? bed - 1.0 : bed;
        if (q & 1) {
            rm *= bm;
            e += bed;
        }
    }
}
/// cos^pc(θ/2)·sin^ps(θ/2) = cm[v]·sm[v]·2^e[v] for the lanes [off + 8v, off + 8v + 8) of a
/// chunk's tables of repeated squares (pw of legendre_chunk), v < NB. cm is the product of
/// the mantissas of the set bits of pc in increasing order, which is the product vpow
/// forms for the mantissa of cos(θ/2) (likewise sm): factors and partial products differ
/// from vpow's by powers of two only and all are normal doubles (cm ≥ 2^−(set bits) unless
/// 0, so no renormalisation is needed), so every rounding is the same and cm·2^(its
/// exponent part) equals vpow's result exactly (tested bit for bit). The exponents, exact
/// integers, are summed for both powers together, two vectors per 16-float add. Costs
/// one multiply per set bit and vector instead of vpow's square, multiply and two
/// renormalisations per bit; one pass over the levels serves both powers.
template <int NB>
[[gnu::always_inline]] inline void table_pows(const power_level* pw, int off, long pc, long ps, vd* cm, vd* sm,
                                              vd* e) {
    constexpr int NH = (NB + 1) / 2;  // exponent accumulators, 16 lanes each (the last half-used for odd NB)
    vf2 es[NH];
    for (int v = 0; v < NB; ++v) cm[v] = sm[v] = vd{} + 1.0;
    for (int h = 0; h < NH; ++h) es[h] = vf2{};
    // Adds the exponents of table w at level i: 16 floats at a time, 8 for an odd NB's last vector.
    auto add_exp = [&](int i, int w) __attribute__((always_inline)) {
        const float* ep = pw[i].e[w] + off;
#pragma GCC unroll 4
        for (int h = 0; h < NB / 2; ++h) {
            vf2 t;
            __builtin_memcpy(&t, ep + 2 * vlen * h, sizeof(vf2));
            es[h] += t;
        }
        if constexpr (NB % 2 == 1) {
            vf t;
            __builtin_memcpy(&t, ep + vlen * (NB - 1), sizeof(vf));
            es[NH - 1] += __builtin_shufflevector(t, vf{}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        }
    };
    // Multiplies the mantissas x by table w at level i and adds its exponents.
    auto take_level = [&](int i, int w, vd* x) __attribute__((always_inline)) {
#pragma GCC unroll 8
        for (int v = 0; v < NB; ++v) {
            vd t;
            __builtin_memcpy(&t, pw[i].m[w] + off + vlen * v, sizeof(vd));
            x[v] *= t;
        }
        add_exp(i, w);
    };
    long qc = pc, qs = ps;
    for (int i = 0; i < power_levels && (qc | qs) != 0; ++i, qc >>= 1, qs >>= 1) {
        if (qc & 1) take_level(i, 0, cm);
        if (qs & 1) take_level(i, 1, sm);
    }
    for (int h = 0; h < NH; ++h) {
        const vf lo = __builtin_shufflevector(es[h], es[h], 0, 1, 2, 3, 4, 5, 6, 7);
        const vf hi = __builtin_shufflevector(es[h], es[h], 8, 9, 10, 11, 12, 13, 14, 15);
        e[2 * h] = __builtin_convertvector(lo, vd);
        if (2 * h + 1 < NB) e[2 * h + 1] = __builtin_convertvector(hi, vd);
    }
    if ((qc | qs) == 0) return;
    for (int v = 0; v < NB; ++v) {
        const int o = off + vlen * v;
        const power_level& last = pw[power_levels - 1];
        if (qc) pow_beyond_tables(last.m[0] + o, last.e[0] + o, qc, cm[v], e[v]);
        if (qs) pow_beyond_tables(last.m[1] + o, last.e[1] + o, qs, sm[v], e[v]);
    }
}
inline void exp2i(const vd& e, vd& out) {  // 2^e for integral e in [−1022, 1023]
    const vl bits = (__builtin_convertvector(e, vl) + 1023) << 52;
    out = (vd)bits;
}

/// l1, k and l0 of start_values from λ_ℓ₀ = m·2^e (m a normal double or 0).
[[gnu::always_inline]] inline void scaled_start(const vd& m, const vd& e, vd& l0, vd& l1, vd& k) {
    // m = mant·2^ex with mant in [0.5, 1), from the exponent bits.
    vl bits = (vl)m;
    const vl ex = ((bits >> 52) & 0x7ff) - 1022;
    bits = (bits & ~(static_cast<std::int64_t>(0x7ff) << 52)) | (static_cast<std::int64_t>(1022) << 52);
    const vd mant = (vd)bits;
    const vd t = e + __builtin_convertvector(ex, vd);
    // Below the threshold (t < −significance_exponent ⇔ t' = t − D < −300):
    // k = −⌈(−300 − t')/600⌉, stored exponent t' − 600k in [−300, 299]; else k = 0, exponent t.
    const vd tp = t - static_cast<double>(300 - significance_exponent);
    const vd q = (-300.0 - tp) * (1.0 / 600.0);
    vd qc = __builtin_convertvector(__builtin_convertvector(q, vl), vd);
    qc = (qc < q) ? qc + 1.0 : qc;
    const vl low = tp < -300.0;
    const vd kk = low ? -qc : vd{};
    const vl zero = m == 0.0;
    vd scale;
    exp2i(low ? tp - 600.0 * kk : t, scale);
    l1 = zero ? vd{} : mant * scale;
    k = zero ? vd{} : kk;
    l0 = vd{};
}

/// Start of the recursion at ℓ₀ = sd.l0 for NB vectors of lanes from vector v0 of the
/// chunk: l0 = 0 and k ≤ 0 with l1 = λ_ℓ₀ (= μ_ℓ₀, s_ℓ₀ = 1) where k = 0 (|λ_ℓ₀| ≥
/// 2^−significance_exponent, or λ_ℓ₀ = 0), else l1 = λ_ℓ₀·2^{−600k−D}, D = 300 −
/// significance_exponent, |l1| in [2^−300, 2^300) (see rescale for the way to k = 0).
/// λ_ℓ₀ = pref·cos^pc(θ/2)·sin^ps(θ/2) from the chunk's tables of repeated squares
/// (table_pows); bit for bit what start_values_vpow computes.
template <int NB>
inline void start_values(const legendre_chunk& ch, int v0, const start_data& sd, vd* u, vd* l0, vd* l1, vd* k) {
    vd pm[NB], qm[NB], pqe[NB];
    table_pows<NB>(ch.pw, vlen * v0, sd.pc, sd.ps, pm, qm, pqe);
    for (int v = 0; v < NB; ++v) {
        __builtin_memcpy(&u[v], ch.u + vlen * (v0 + v), sizeof(vd));
        // A normal double unless 0 (≥ 2^−801 in vpow's scaling, far above that in
        // table_pows'), so m and its mantissa are vpow's up to a power of two; the
        // exponents are integers, summed exactly in any order.
        const vd m = pm[v] * qm[v] * sd.pref.mant;
        const vd e = pqe[v] + static_cast<double>(sd.pref.exp2);
        scaled_start(m, e, l0[v], l1[v], k[v]);
    }
}
/// start_values by vpow on the mantissas (the way before the tables): the reference the
/// tests and benchmarks/bench_start_values.cpp compare start_values with.
template <int NB>
inline void start_values_vpow(const legendre_chunk& ch, int v0, const start_data& sd, vd* u, vd* l0, vd* l1, vd* k) {
    for (int v = 0; v < NB; ++v) {
        const int off = vlen * (v0 + v);
        vd cm, sm;
        vf cef, sef;
        __builtin_memcpy(&u[v], ch.u + off, sizeof(vd));
        __builtin_memcpy(&cm, ch.pw[0].m[0] + off, sizeof(vd));
        __builtin_memcpy(&cef, ch.pw[0].e[0] + off, sizeof(vf));
        __builtin_memcpy(&sm, ch.pw[0].m[1] + off, sizeof(vd));
        __builtin_memcpy(&sef, ch.pw[0].e[1] + off, sizeof(vf));
        const vd ce = __builtin_convertvector(cef, vd), se = __builtin_convertvector(sef, vd);
        vd pm, pe, qm, qe;
        vpow(cm, sd.pc, pm, pe);
        vpow(sm, sd.ps, qm, qe);
        const vd m = pm * qm * sd.pref.mant;  // ≥ 2^−801 in magnitude unless 0
        const vd e = pe + qe + ce * static_cast<double>(sd.pc) + se * static_cast<double>(sd.ps) +
                     static_cast<double>(sd.pref.exp2);
        scaled_start(m, e, l0[v], l1[v], k[v]);
    }
}

/// One step of the normalised recursion (see order_recursion): l1 ← (α u + β) l1 − l0,
/// l0 ← old l1. Two vector operations (FMA, FMS) per vector.
template <int NB>
[[gnu::always_inline]] inline void step(double a, double b, const vd* u, vd* l0, vd* l1) {
#pragma GCC unroll 8
    for (int v = 0; v < NB; ++v) {
        const vd t = (a * u[v] + b) * l1[v] - l0[v];
        l0[v] = l1[v];
        l1[v] = t;
    }
}
/// Rescales lanes whose scaled value passed 2^300 (k < 0 only; true values with k = 0 stay
/// below ~L), sets the masks f = (k == 0) and reports whether every lane now has k = 0.
/// From k < −1 a lane moves up by 2^−600; from k = −1 to k = 0 (true value now ≥
/// 2^−significance_exponent) by 2^−(300 + significance_exponent), back to its true value.
template <int NB>
[[gnu::always_inline]] inline bool rescale(vd* l0, vd* l1, vd* k, vd* f) {
    // A lane passes 2^300 once per 2^600 of growth, so most checks find none: test that
    // first (the squares' maximum over the block) and leave k, f and `all` (false while
    // checks run) unchanged. The silent and masked phases were ~2.25× their recursion's
    // cost with the full update at every check.
    vd mx = l1[0] * l1[0];
#pragma GCC unroll 8
    for (int v = 1; v < NB; ++v) {
        const vd sq = l1[v] * l1[v];
        mx = (sq > mx) ? sq : mx;
    }
    const vl hit = mx > 0x1p600;
    bool none = true;
    for (int j = 0; j < vlen; ++j) none = none && hit[j] == 0;
    if (none) return false;
    vd ks = vd{};
#pragma GCC unroll 8
    for (int v = 0; v < NB; ++v) {
        const vl big = l1[v] * l1[v] > 0x1p600;
        const vd fac = big ? ((k[v] == -1.0) ? vd{} + last_rescale : vd{} + 0x1p-600) : vd{} + 1.0;
        l1[v] *= fac;
        l0[v] *= fac;
        k[v] = big ? k[v] + 1.0 : k[v];
        f[v] = (k[v] == 0.0) ? vd{} + 1.0 : vd{};
        ks += k[v];
    }
    bool all = true;
    for (int j = 0; j < vlen; ++j) all = all && ks[j] == 0.0;
    return all;
}
/// Whether some lane of the masks f is 1.
template <int NB>
[[gnu::always_inline]] inline bool any_set(const vd* f) {
    vd t = f[0];
    for (int v = 1; v < NB; ++v) t += f[v];
    bool any = false;
    for (int j = 0; j < vlen; ++j) any = any || t[j] != 0.0;
    return any;
}
template <int NB>
inline bool all_unscaled(const vd* k) {
    bool all = true;
    for (int v = 0; v < NB; ++v)
        for (int j = 0; j < vlen; ++j) all = all && k[v][j] == 0.0;
    return all;
}

}  // namespace lk

/// The step coefficients of one order for one side of the equator: μ_{ℓ+1} =
/// (a[ℓ] u + b[ℓ]) μ_ℓ − μ_{ℓ−1} (see order_recursion).
struct kernel_coefs {
    const double* a;
    const double* b;
    double rho0 = 1;  ///< spin-0 chains: ρ₀ = a_m λ_m from the start value λ_m (see run_chain_y)
};

/// Vectors per register block of the kernels. A block's accumulators (synthesis) or
/// inputs (adjoint), 2·Q·2·NB vectors, and its recursion state, 3·NB, must fit the 32
/// AVX-512 registers: NB = 2 for Q = 2 (±m together), 4 for Q = 1. A chunk is processed
/// block after block, each running its own recursion over ℓ.
#ifndef SPHAERA_SHT_BLOCK_Q1
#define SPHAERA_SHT_BLOCK_Q1 4
#endif
#ifndef SPHAERA_SHT_BLOCK_Q2
#define SPHAERA_SHT_BLOCK_Q2 2
#endif
/// Q = 4 (two maps of a batch, ±m each): one vector per block (16 accumulators).
template <int Q>
inline constexpr int block_vectors =
    std::min(chunk_vectors, Q == 1 ? SPHAERA_SHT_BLOCK_Q1 : Q == 2 ? SPHAERA_SHT_BLOCK_Q2 : 1);
/// The adjoint's blocks for Q = 2 are twice as wide as synthesis's: its per-degree partial
/// sums (2Q vectors per ℓ, L2-resident) are loaded and stored once per block and degree, so
/// four vectors of lanes per block halve that traffic per lane; the inputs that no longer fit
/// the registers are re-read from L1 as FMA memory operands. Measured at L = 2048 (one
/// order, all lanes significant): 0.76 against 0.97 ns per 8-lane step for spin 2, 0.72
/// against 0.96 for spin 0 with ±m; synthesis is not faster with four (0.92 against 0.89).
#ifndef SPHAERA_SHT_ADJOINT_BLOCK_Q2
#define SPHAERA_SHT_ADJOINT_BLOCK_Q2 4
#endif
template <int Q>
inline constexpr int adjoint_block_vectors = Q == 2 ? std::min(chunk_vectors, SPHAERA_SHT_ADJOINT_BLOCK_Q2)
                                                    : block_vectors<Q>;
/// Synthesis blocks: chains without the parity split (Split = false: spin ≠ 0, m ≠ 0) keep
/// half the accumulators, so for Q = 2 four vectors fit (16 sums + 12 of recursion state):
/// GL L = 2048 spin-2 synthesis 523 → 455 ms. With the split, Q = 2 stays at two vectors.
template <int Q, bool Split>
inline constexpr int synthesis_block_vectors = (Q == 2 && !Split) ? std::min(chunk_vectors, 4) : block_vectors<Q>;

/// Runs the recursion of vectors [v0, v0 + NB) of one chunk from ℓ₀ to L − 1 and calls
/// visit.template operator()<ℓ mod 2>(ℓ, w) with w[v] = μ_ℓ for every ℓ, where lanes still
/// scaled (k < 0, true value below 2^−significance_exponent) read 0. Two phases: while some lane is scaled,
/// w = μ·f with f ∈ {0, 1} per lane, updated only at a rescale (checked every 4 steps: a
/// step grows |μ| by less than 2^14, far from overflowing the 2^300 trigger); then plain μ.
/// Steps come in pairs so that the parity, and with it the accumulator each value feeds,
/// is static. Returns false when no lane ever became significant (the block is dead).
template <int NB, class Visit>
[[gnu::always_inline]] inline bool run_chain(const legendre_chunk& ch, int v0, const start_data& sd, kernel_coefs kc,
                                             int L, Visit&& visit) {
    if (sd.l0 >= L) return false;
    vd u[NB], l0[NB], l1[NB], k[NB];
    lk::start_values<NB>(ch, v0, sd, u, l0, l1, k);
    int l = sd.l0;
    if (!lk::all_unscaled<NB>(k)) {
        vd f[NB];
        for (int v = 0; v < NB; ++v) f[v] = (k[v] == 0.0) ? vd{} + 1.0 : vd{};
        auto masked = [&]<int P>(int ll) __attribute__((always_inline)) {
            vd w[NB];
#pragma GCC unroll 8
            for (int v = 0; v < NB; ++v) w[v] = l1[v] * f[v];
            visit.template operator()<P>(ll, w);
            lk::step<NB>(kc.a[ll], kc.b[ll], u, l0, l1);
        };
        // While no lane of the block is significant the sums would only add zeros: run the
        // recursion alone (a third of the work for ±m pairs; results unchanged).
        auto silent = [&](int ll) __attribute__((always_inline)) {
            lk::step<NB>(kc.a[ll], kc.b[ll], u, l0, l1);
        };
        bool all = false, any = lk::any_set<NB>(f);
        if (l & 1) masked.template operator()<1>(l++);
        while (!all && l + 3 < L) {
            if (any) {
                masked.template operator()<0>(l);
                masked.template operator()<1>(l + 1);
                masked.template operator()<0>(l + 2);
                masked.template operator()<1>(l + 3);
            } else {
                silent(l);
                silent(l + 1);
                silent(l + 2);
                silent(l + 3);
            }
            l += 4;
            all = lk::rescale<NB>(l0, l1, k, f);
            any = all || lk::any_set<NB>(f);
        }
        if (!all) {
            for (; l < L; ++l) {
                if (l & 1) masked.template operator()<1>(l);
                else masked.template operator()<0>(l);
            }
            // Alive: some lane reached k = 0 with a nonzero value (k never decreases).
            bool any = false;
            for (int v = 0; v < NB; ++v)
                for (int j = 0; j < vlen; ++j) any = any || (f[v][j] != 0.0 && (l1[v][j] != 0.0 || l0[v][j] != 0.0));
            return any;
        }
    }
    auto plain = [&]<int P>(int ll) __attribute__((always_inline)) {
        visit.template operator()<P>(ll, l1);
        lk::step<NB>(kc.a[ll], kc.b[ll], u, l0, l1);
    };
    if (l & 1 && l < L) plain.template operator()<1>(l++);
    for (; l + 1 < L; l += 2) {
        plain.template operator()<0>(l);
        plain.template operator()<1>(l + 1);
    }
    if (l < L) plain.template operator()<0>(l);
    return true;
}

/// The spin-0 chain (Y = true in the blocks): one recursion step per two degrees. For
/// n = 0, λ_ℓm(x) (x = cos θ) is w(x) times a polynomial of parity (−1)^{ℓ−m}, w =
/// (1 − x²)^{m/2}; so the odd members are λ_{m+2k+1} = x ρ_k with ρ_k a polynomial in
/// y = x² (times w), and the even members are two-term combinations of the same ρ (from
/// λ_{ℓ+1} = a_ℓ x λ_ℓ − c_ℓ λ_{ℓ−1}: λ_{m+2k} = (ρ_k + c_{m+2k} ρ_{k−1})/a_{m+2k}; the
/// Gegenbauer/Jacobi P^{(m,∓1/2)} relation). One chain ρ_k, three-term in k with a factor
/// linear in y, serves both parities: synthesis converts the even coefficients to the ρ
/// basis (O(L) per order, to_kernel_form), the kernel accumulates E = Σ ẽ_k ρ_k and
/// O = Σ o_k ρ_k, and the rings get E ± x O. Per two degrees: two operations of recursion
/// instead of four (Reinecke's libsharp2/ducc0 run their spin-0 recursion in cos²θ too).
/// Here μ_k = ρ_k/s_k (order_recursion, scaled so the ρ_{k−1} coefficient is −1) and the
/// lane variable is v = y − 1 = −sin²θ = u(u + 2) (u = cos θ − 1: spin-0 lanes are all
/// northern), exact near the poles. Visits ℓ = ℓ₀ + 2k (parity 0) and ℓ₀ + 2k + 1
/// (parity 1) with w = μ_k, ℓ < L; scaling, masks and dead blocks as run_chain.
template <int NB, class Visit>
[[gnu::always_inline]] inline bool run_chain_y(const legendre_chunk& ch, int v0, const start_data& sd, kernel_coefs kc,
                                               int L, Visit&& visit) {
    if (sd.l0 >= L) return false;
    vd u[NB], l0[NB], l1[NB], k[NB];
    lk::start_values<NB>(ch, v0, sd, u, l0, l1, k);
    for (int v = 0; v < NB; ++v) {
        u[v] = u[v] * (u[v] + 2.0);
        l1[v] *= kc.rho0;
    }
    int l = sd.l0, j = 0;
    if (!lk::all_unscaled<NB>(k)) {
        vd f[NB];
        for (int v = 0; v < NB; ++v) f[v] = (k[v] == 0.0) ? vd{} + 1.0 : vd{};
        auto masked = [&](int ll, int jj) __attribute__((always_inline)) {
            vd w[NB];
#pragma GCC unroll 8
            for (int v = 0; v < NB; ++v) w[v] = l1[v] * f[v];
            visit.template operator()<0>(ll, w);
            visit.template operator()<1>(ll + 1, w);
            lk::step<NB>(kc.a[jj], kc.b[jj], u, l0, l1);
        };
        auto silent = [&](int jj) __attribute__((always_inline)) { lk::step<NB>(kc.a[jj], kc.b[jj], u, l0, l1); };
        bool all = false, any = lk::any_set<NB>(f);
        // Two steps (four degrees) between rescale checks: a step grows |μ| by < 2^28.
        while (!all && l + 3 < L) {
            if (any) {
                masked(l, j);
                masked(l + 2, j + 1);
            } else {
                silent(j);
                silent(j + 1);
            }
            l += 4;
            j += 2;
            all = lk::rescale<NB>(l0, l1, k, f);
            any = all || lk::any_set<NB>(f);
        }
        if (!all) {
            for (; l + 1 < L; l += 2, ++j) masked(l, j);
            if (l < L) {
                vd w[NB];
                for (int v = 0; v < NB; ++v) w[v] = l1[v] * f[v];
                visit.template operator()<0>(l, w);
            }
            bool alive = false;
            for (int v = 0; v < NB; ++v)
                for (int jl = 0; jl < vlen; ++jl)
                    alive = alive || (f[v][jl] != 0.0 && (l1[v][jl] != 0.0 || l0[v][jl] != 0.0));
            return alive;
        }
    }
    for (; l + 1 < L; l += 2, ++j) {
        visit.template operator()<0>(l, l1);
        visit.template operator()<1>(l + 1, l1);
        lk::step<NB>(kc.a[j], kc.b[j], u, l0, l1);
    }
    if (l < L) visit.template operator()<0>(l, l1);
    return true;
}
/// run_chain (Y = false) or run_chain_y (Y = true).
template <int NB, bool Y, class Visit>
[[gnu::always_inline]] inline bool run_any_chain(const legendre_chunk& ch, int v0, const start_data& sd, kernel_coefs kc,
                                                 int L, Visit&& visit) {
    if constexpr (Y) return run_chain_y<NB>(ch, v0, sd, kc, L, visit);
    else return run_chain<NB>(ch, v0, sd, kc, L, visit);
}

/// Synthesis over vectors [v0, v0 + NB) of one chunk: out[p][q][ri][v] = Σ_{ℓ ≡ p mod 2}
/// alm[(ℓQ + q)2 + ri] μ_ℓ for lanes v (re/im ri, column q < Q; Y: parity relative to ℓ₀
/// and μ of run_chain_y). alm: (L, Q, 2) in kernel form (to_kernel_form); kc: (L) with
/// zero entries past the last step (the kernel steps once past the end).
/// Returns false for a dead block (then out is zero). Not inlined: compiled on its own,
/// the accumulators and the recursion state stay in registers; inlined into the drivers
/// GCC 12 kept storing them to the stack every step (measured 1.4× slower).
template <int NB, int Q, bool Y, bool Split = true>
[[gnu::noinline]] bool synthesis_block(const legendre_chunk& ch, int v0, const start_data& sd, kernel_coefs kc, int L,
                                       const double* alm, vd (&out)[2][Q][2][NB]) {
    // Split = false: one sum per column instead of one per parity (chains whose columns
    // each go to a single ring, the parity sign folded into the coefficients): half the
    // accumulators. Local accumulators, copied out at the end: `out` may alias alm for all
    // the compiler knows, which would force a store after every update.
    constexpr int NP = Split ? 2 : 1;
    vd acc[NP][Q][2][NB];
    for (int p = 0; p < NP; ++p)
        for (int q = 0; q < Q; ++q)
            for (int ri = 0; ri < 2; ++ri)
                for (int v = 0; v < NB; ++v) acc[p][q][ri][v] = vd{};
    const bool alive = run_any_chain<NB, Y>(ch, v0, sd, kc, L, [&]<int P>(int ll, const vd* w) __attribute__((always_inline)) {
        const double* al = alm + 2 * Q * ll;
        constexpr int p = Split ? P : 0;
#pragma GCC unroll 8
        for (int v = 0; v < NB; ++v)
#pragma GCC unroll 4
            for (int q = 0; q < Q; ++q) {
                acc[p][q][0][v] += al[2 * q] * w[v];
                acc[p][q][1][v] += al[2 * q + 1] * w[v];
            }
    });
    __builtin_memcpy(&out, &acc, sizeof(acc));
    return alive;
}

/// The transpose of synthesis_block: accv[(ℓQ + q)2 + ri] += Σ_{lanes} g[ℓ mod 2][q][ri] μ_ℓ
/// (Split = false: g[0] for every ℓ) as 8-wide partial sums (reduced across lanes, and
/// multiplied by s_ℓ, by the caller). Returns false for a dead block.
template <int NB, int Q, bool Y, bool Split = true>
[[gnu::noinline]] bool adjoint_block(const legendre_chunk& ch, int v0, const start_data& sd, kernel_coefs kc, int L,
                                     const vd (&gin)[2][Q][2][NB], vd* accv) {
    // A local copy: stores to accv could alias gin, which would force reloads of g.
    constexpr int NP = Split ? 2 : 1;
    vd g[NP][Q][2][NB];
    __builtin_memcpy(&g, &gin, sizeof(g));
    return run_any_chain<NB, Y>(ch, v0, sd, kc, L, [&]<int P>(int ll, const vd* w) __attribute__((always_inline)) {
        constexpr int p = Split ? P : 0;
#pragma GCC unroll 4
        for (int q = 0; q < Q; ++q)
#pragma GCC unroll 2
            for (int ri = 0; ri < 2; ++ri) {
                // Chained FMAs straight into the partial sum: one operation per vector.
                vd s = accv[(ll * Q + q) * 2 + ri];
#pragma GCC unroll 8
                for (int v = 0; v < NB; ++v) s += g[p][q][ri][v] * w[v];
                accv[(ll * Q + q) * 2 + ri] = s;
            }
    });
}

}  // namespace sphaera::sht::detail
