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
///   `chunk_lanes` = 8·NV; a chunk advances NV independent 8-wide vectors per ℓ (GCC/Clang
///   vector extensions: one AVX-512 register, two AVX2 or four SSE2 ones each), which
///   hides the FMA latency of each chain. Coefficients and a_ℓm are broadcast per ℓ.
/// - **Polar skipping.** Values start at ℓ₀ = max(|m|, |n|) from the closed form, in scaled
///   form (value·2^{600k}, integer k ≤ 0, exact power-of-two rescaling, no log/exp): a lane
///   contributes only once k = 0 (|λ| ≳ 2^−300). Chunks are ordered from the equator to
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
/// Vectors per chunk and lanes (recursion angles) per chunk (4 measured best on Zen 5 with
/// AVX-512 for both the real and complex paths; override with SPHAERA_SHT_CHUNK_VECTORS).
#ifndef SPHAERA_SHT_CHUNK_VECTORS
#define SPHAERA_SHT_CHUNK_VECTORS 4
#endif
inline constexpr int chunk_vectors = SPHAERA_SHT_CHUNK_VECTORS;
inline constexpr int chunk_lanes = vlen * chunk_vectors;

/// One chunk of recursion angles on one side of the equator (x0 = cos of the nearer pole).
/// Lane j: cos θ = x0 + u[j] (see ring_trig), cos(θ/2) = cm·2^ce, sin(θ/2) = sm·2^se
/// (mantissas in [0.5, 1) or 0), and the rings its two outputs go to (−1: none).
struct legendre_chunk {
    double x0 = 1;
    alignas(64) double u[chunk_lanes] = {}, cm[chunk_lanes] = {}, ce[chunk_lanes] = {},
                       sm[chunk_lanes] = {}, se[chunk_lanes] = {};
    int out_a[chunk_lanes], out_b[chunk_lanes];
};

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
inline void chunk_up(std::vector<lane> lanes, double x0, std::vector<legendre_chunk>& out) {
    // Equator first (|u| = 1 − |cos θ| descending), so the dead-chunk break sees the poles last.
    std::stable_sort(lanes.begin(), lanes.end(),
                     [](const lane& p, const lane& q) { return std::abs(p.t.u) > std::abs(q.t.u); });
    for (std::size_t i = 0; i < lanes.size(); i += chunk_lanes) {
        legendre_chunk c;
        c.x0 = x0;
        for (int j = 0; j < chunk_lanes; ++j) {
            c.out_a[j] = c.out_b[j] = -1;
            const std::size_t k = i + static_cast<std::size_t>(j);
            if (k >= lanes.size()) continue;  // padding: cm = sm = 0 gives an all-zero lane
            const auto& t = lanes[k].t;
            int e = 0;
            c.u[j] = t.u;
            c.cm[j] = std::frexp(t.c, &e);
            c.ce[j] = t.c == 0 ? 0 : e;
            c.sm[j] = std::frexp(t.s, &e);
            c.se[j] = t.s == 0 ? 0 : e;
            c.out_a[j] = lanes[k].a;
            c.out_b[j] = lanes[k].b;
        }
        out.push_back(c);
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
    lk::chunk_up(std::move(zn), 1.0, out.m0_north);
    lk::chunk_up(std::move(zs), -1.0, out.m0_south);
    return out;
}

namespace lk {

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
inline void exp2i(const vd& e, vd& out) {  // 2^e for integral e in [−1022, 1023]
    const vl bits = (__builtin_convertvector(e, vl) + 1023) << 52;
    out = (vd)bits;
}

/// Start of the recursion at ℓ₀ = sd.l0 for NV vectors of lanes: l1 = λ_ℓ₀·2^{−600k},
/// l0 = 0, k ≤ 0 (k = 0 where |λ_ℓ₀| ≥ 2^−300 or λ_ℓ₀ = 0).
template <int NV>
inline void start_values(const legendre_chunk& ch, const start_data& sd, vd* u, vd* l0, vd* l1, vd* k) {
    for (int v = 0; v < NV; ++v) {
        vd cm, ce, sm, se;
        __builtin_memcpy(&u[v], ch.u + vlen * v, sizeof(vd));
        __builtin_memcpy(&cm, ch.cm + vlen * v, sizeof(vd));
        __builtin_memcpy(&ce, ch.ce + vlen * v, sizeof(vd));
        __builtin_memcpy(&sm, ch.sm + vlen * v, sizeof(vd));
        __builtin_memcpy(&se, ch.se + vlen * v, sizeof(vd));
        vd pm, pe, qm, qe;
        vpow(cm, sd.pc, pm, pe);
        vpow(sm, sd.ps, qm, qe);
        vd m = pm * qm * sd.pref.mant;  // ≥ 2^−801 in magnitude unless 0
        vd e = pe + qe + ce * static_cast<double>(sd.pc) + se * static_cast<double>(sd.ps) +
               static_cast<double>(sd.pref.exp2);
        // m = mant·2^ex with mant in [0.5, 1), from the exponent bits.
        vl bits = (vl)m;
        const vl ex = ((bits >> 52) & 0x7ff) - 1022;
        bits = (bits & ~(static_cast<std::int64_t>(0x7ff) << 52)) | (static_cast<std::int64_t>(1022) << 52);
        const vd mant = (vd)bits;
        const vd t = e + __builtin_convertvector(ex, vd);
        // k = −⌈(−300 − t)/600⌉ where t < −300, else 0; stored exponent t − 600k in [−300, 299].
        const vd q = (-300.0 - t) * (1.0 / 600.0);
        vd qc = __builtin_convertvector(__builtin_convertvector(q, vl), vd);
        qc = (qc < q) ? qc + 1.0 : qc;
        const vl low = t < -300.0;
        const vd kk = low ? -qc : vd{};
        const vl zero = m == 0.0;
        vd scale;
        exp2i(t - 600.0 * kk, scale);
        l1[v] = zero ? vd{} : mant * scale;
        k[v] = zero ? vd{} : kk;
        l0[v] = vd{};
    }
}

/// l1 ← (a cos θ − b) l1 − c l0 with cos θ = x0 + u (see ring_trig), l0 ← old l1.
template <int NV>
inline void step(const rec_coef& cf, double x0, const vd* u, vd* l0, vd* l1) {
    const double a = cf.a, ab = cf.a * x0 - cf.b, c = cf.c;
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
        const vd t = (a * u[v] + ab) * l1[v] - c * l0[v];
        l0[v] = l1[v];
        l1[v] = t;
    }
}
/// Rescales lanes whose scaled value passed 2^300 (k < 0 only; true values with k = 0 stay
/// below ~√ℓ) and reports whether every lane now has k = 0.
template <int NV>
inline bool rescale(vd* l0, vd* l1, vd* k) {
    vd ks = vd{};
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
        const vl big = l1[v] * l1[v] > 0x1p600;
        l1[v] = big ? l1[v] * 0x1p-600 : l1[v];
        l0[v] = big ? l0[v] * 0x1p-600 : l0[v];
        k[v] = big ? k[v] + 1.0 : k[v];
        ks += k[v];
    }
    bool all = true;
    for (int j = 0; j < vlen; ++j) all = all && ks[j] == 0.0;
    return all;
}

}  // namespace lk

/// Synthesis over one chunk: acc[p][q][ri][v] += Σ_{ℓ ≡ p mod 2} alm[(ℓQ + q)2 + ri] λ_ℓ
/// for lanes v (re/im ri, column q < Q). alm: (L, Q, 2), coef: (L) with coef[L−1] = 0.
/// Returns false when no lane of the chunk ever became significant (the chunk is dead).
template <int NV, int Q>
inline bool synthesis_chunk(const legendre_chunk& ch, const start_data& sd, const rec_coef* coef, int L,
                            const double* alm, vd (&acc)[2][Q][2][NV]) {
    for (int p = 0; p < 2; ++p)
        for (int q = 0; q < Q; ++q)
            for (int ri = 0; ri < 2; ++ri)
                for (int v = 0; v < NV; ++v) acc[p][q][ri][v] = vd{};
    if (sd.l0 >= L) return false;
    vd u[NV], l0[NV], l1[NV], k[NV];
    lk::start_values<NV>(ch, sd, u, l0, l1, k);
    const double x0 = ch.x0;
    int l = sd.l0;
    bool all = true;
    for (int v = 0; v < NV; ++v)
        for (int j = 0; j < vlen; ++j) all = all && k[v][j] == 0.0;
    vl alive = vl{};
    // Phase 1: some lanes still scaled; accumulate the others only.
    while (!all && l < L) {
        const int p = l & 1;
        const double* al = alm + 2 * Q * l;
        for (int v = 0; v < NV; ++v) {
            const vl ok = k[v] == 0.0;
            const vd w = ok ? l1[v] : vd{};
            alive |= ok & (l1[v] != 0.0);
            for (int q = 0; q < Q; ++q) {
                acc[p][q][0][v] += al[2 * q] * w;
                acc[p][q][1][v] += al[2 * q + 1] * w;
            }
        }
        lk::step<NV>(coef[l], x0, u, l0, l1);
        all = lk::rescale<NV>(l0, l1, k);
        ++l;
    }
    if (l >= L) {
        bool any = false;
        for (int j = 0; j < vlen; ++j) any = any || alive[j] != 0;
        return any;
    }
    // Phase 2: every lane representable; two ℓ per trip so the parity is static.
    auto body = [&]<int P>(int ll) {
        const double* al = alm + 2 * Q * ll;
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v)
#pragma GCC unroll 4
            for (int q = 0; q < Q; ++q) {
                acc[P][q][0][v] += al[2 * q] * l1[v];
                acc[P][q][1][v] += al[2 * q + 1] * l1[v];
            }
        lk::step<NV>(coef[ll], x0, u, l0, l1);
    };
    if (l & 1) body.template operator()<1>(l++);
    for (; l + 1 < L; l += 2) {
        body.template operator()<0>(l);
        body.template operator()<1>(l + 1);
    }
    if (l < L) body.template operator()<0>(l);
    return true;
}

/// The transpose of synthesis_chunk: accv[(ℓQ + q)2 + ri] += Σ_{lanes} g[ℓ mod 2][q][ri] λ_ℓ
/// as 8-wide partial sums (reduced across lanes by the caller). Returns false for a dead chunk.
template <int NV, int Q>
inline bool adjoint_chunk(const legendre_chunk& ch, const start_data& sd, const rec_coef* coef, int L,
                          const vd (&g)[2][Q][2][NV], vd* accv) {
    if (sd.l0 >= L) return false;
    vd u[NV], l0[NV], l1[NV], k[NV];
    lk::start_values<NV>(ch, sd, u, l0, l1, k);
    const double x0 = ch.x0;
    int l = sd.l0;
    bool all = true;
    for (int v = 0; v < NV; ++v)
        for (int j = 0; j < vlen; ++j) all = all && k[v][j] == 0.0;
    vl alive = vl{};
    while (!all && l < L) {
        const int p = l & 1;
        vd w[NV];
        for (int v = 0; v < NV; ++v) {
            const vl ok = k[v] == 0.0;
            w[v] = ok ? l1[v] : vd{};
            alive |= ok & (l1[v] != 0.0);
        }
        for (int q = 0; q < Q; ++q)
            for (int ri = 0; ri < 2; ++ri) {
                vd s = g[p][q][ri][0] * w[0];
                for (int v = 1; v < NV; ++v) s += g[p][q][ri][v] * w[v];
                accv[(l * Q + q) * 2 + ri] += s;
            }
        lk::step<NV>(coef[l], x0, u, l0, l1);
        all = lk::rescale<NV>(l0, l1, k);
        ++l;
    }
    if (l >= L) {
        bool any = false;
        for (int j = 0; j < vlen; ++j) any = any || alive[j] != 0;
        return any;
    }
    auto body = [&]<int P>(int ll) {
#pragma GCC unroll 4
        for (int q = 0; q < Q; ++q)
#pragma GCC unroll 2
            for (int ri = 0; ri < 2; ++ri) {
                vd s = g[P][q][ri][0] * l1[0];
#pragma GCC unroll 8
                for (int v = 1; v < NV; ++v) s += g[P][q][ri][v] * l1[v];
                accv[(ll * Q + q) * 2 + ri] += s;
            }
        lk::step<NV>(coef[ll], x0, u, l0, l1);
    };
    if (l & 1) body.template operator()<1>(l++);
    for (; l + 1 < L; l += 2) {
        body.template operator()<0>(l);
        body.template operator()<1>(l + 1);
    }
    if (l < L) body.template operator()<0>(l);
    return true;
}

/// Per-thread scratch of the per-m drivers.
struct legendre_workspace {
    std::vector<rec_coef> coef;      // (L)
    std::vector<double> alm;         // (L, 2, 2)
    std::vector<vd> accv;            // (L, 2, 2) 8-wide partial sums
    explicit legendre_workspace(int L)
        : coef(static_cast<std::size_t>(L)), alm(4 * static_cast<std::size_t>(L)),
          accv(4 * static_cast<std::size_t>(L)) {}
};

/// Column values of one order: re/im per ring (nrings each).
struct column_ref {
    double* re = nullptr;
    double* im = nullptr;
};
struct const_column_ref {
    const double* re = nullptr;
    const double* im = nullptr;
};

/// Fills ws.coef for order m (n = −s, start data sd) with coef[L−1] = 0 (the kernels
/// step once past the end).
inline void prepare_coefficients(legendre_workspace& ws, int m, int n, const start_data& sd, int L) {
    if (sd.l0 < L) fill_coefficients(m, n, sd.l0, L, ws.coef.data());
    ws.coef[static_cast<std::size_t>(L - 1)] = rec_coef{0, 0, 0};
}

/// Synthesis of order m ≥ 0 (and −m when `with_neg`): ws.alm holds (−1)^s a_ℓ,±m as
/// (L, Q, 2) with Q = 1 + with_neg (column 0: m, column 1: −m); writes F_m into `pos` and
/// F_−m into `neg` for every ring (zero where nothing contributes). sd: start data of
/// (m, n); m = 0 uses the m0 lists and ignores `neg`.
inline void synthesis_m(const legendre_tasks& tk, const start_data& sd, legendre_workspace& ws, int L, int m,
                        int n, bool with_neg, column_ref pos, column_ref neg) {
    const std::size_t nr = tk.nrings;
    std::fill(pos.re, pos.re + nr, 0.0);
    std::fill(pos.im, pos.im + nr, 0.0);
    if (with_neg) {
        std::fill(neg.re, neg.re + nr, 0.0);
        std::fill(neg.im, neg.im + nr, 0.0);
    }
    constexpr int NV = chunk_vectors;
    const double sm = (m % 2 == 0) ? 1.0 : -1.0, sn = (n % 2 == 0) ? 1.0 : -1.0;
    const bool m0 = (m == 0) && !tk.spin0;
    auto run = [&]<int Q>(const std::vector<legendre_chunk>& chunks) {
        for (const auto& ch : chunks) {
            vd acc[2][Q][2][NV];
            if (!synthesis_chunk<NV, Q>(ch, sd, ws.coef.data(), L, ws.alm.data(), acc)) break;
            for (int v = 0; v < NV; ++v)
                for (int j = 0; j < vlen; ++j) {
                    const int lane = v * vlen + j, a = ch.out_a[lane], b = ch.out_b[lane];
                    if (a < 0 && b < 0) continue;
                    const double er = acc[0][0][0][v][j], ei = acc[0][0][1][v][j];
                    const double orr = acc[1][0][0][v][j], oi = acc[1][0][1][v][j];
                    if (a >= 0) {
                        pos.re[a] = er + orr;
                        pos.im[a] = ei + oi;
                    }
                    if (m0) {
                        if (b >= 0) {
                            pos.re[b] = sn * (er - orr);
                            pos.im[b] = sn * (ei - oi);
                        }
                        continue;
                    }
                    if (tk.spin0 && b >= 0) {
                        pos.re[b] = sm * (er - orr);
                        pos.im[b] = sm * (ei - oi);
                    }
                    if constexpr (Q == 2) {
                        const double fr = acc[0][1][0][v][j], fi = acc[0][1][1][v][j];
                        const double pr = acc[1][1][0][v][j], pi = acc[1][1][1][v][j];
                        if (b >= 0) {
                            neg.re[b] = sn * (fr - pr);
                            neg.im[b] = sn * (fi - pi);
                        }
                        if (tk.spin0 && a >= 0) {
                            neg.re[a] = sm * (fr + pr);
                            neg.im[a] = sm * (fi + pi);
                        }
                    }
                }
        }
    };
    const auto& north = m0 ? tk.m0_north : tk.all_north;
    const auto& south = m0 ? tk.m0_south : tk.all_south;
    if (with_neg && !m0) {
        run.template operator()<2>(north);
        run.template operator()<2>(south);
    } else {
        run.template operator()<1>(north);
        run.template operator()<1>(south);
    }
}

/// The transpose of synthesis_m: reads G_m from `pos` and G_−m from `neg` (when
/// `with_neg`) and writes Σ_r G λ into ws.alm as (L, Q, 2) for ℓ ≥ sd.l0 (zero elsewhere).
inline void adjoint_m(const legendre_tasks& tk, const start_data& sd, legendre_workspace& ws, int L, int m, int n,
                      bool with_neg, const_column_ref pos, const_column_ref neg) {
    constexpr int NV = chunk_vectors;
    const double sm = (m % 2 == 0) ? 1.0 : -1.0, sn = (n % 2 == 0) ? 1.0 : -1.0;
    const bool m0 = (m == 0) && !tk.spin0;
    const int Qn = (with_neg && !m0) ? 2 : 1;
    std::fill(ws.accv.begin(), ws.accv.begin() + 2 * Qn * L, vd{});
    auto run = [&]<int Q>(const std::vector<legendre_chunk>& chunks) {
        for (const auto& ch : chunks) {
            vd g[2][Q][2][NV];
            for (int v = 0; v < NV; ++v)
                for (int j = 0; j < vlen; ++j) {
                    const int lane = v * vlen + j, a = ch.out_a[lane], b = ch.out_b[lane];
                    double e0r = 0, e0i = 0, o0r = 0, o0i = 0, e1r = 0, e1i = 0, o1r = 0, o1i = 0;
                    if (a >= 0) {
                        e0r += pos.re[a]; e0i += pos.im[a];
                        o0r += pos.re[a]; o0i += pos.im[a];
                    }
                    if (b >= 0) {
                        if (m0) {
                            e0r += sn * pos.re[b]; e0i += sn * pos.im[b];
                            o0r -= sn * pos.re[b]; o0i -= sn * pos.im[b];
                        } else if (tk.spin0) {
                            e0r += sm * pos.re[b]; e0i += sm * pos.im[b];
                            o0r -= sm * pos.re[b]; o0i -= sm * pos.im[b];
                        }
                    }
                    if (Q == 2) {
                        if (b >= 0) {
                            e1r += sn * neg.re[b]; e1i += sn * neg.im[b];
                            o1r -= sn * neg.re[b]; o1i -= sn * neg.im[b];
                        }
                        if (tk.spin0 && a >= 0) {
                            e1r += sm * neg.re[a]; e1i += sm * neg.im[a];
                            o1r += sm * neg.re[a]; o1i += sm * neg.im[a];
                        }
                    }
                    g[0][0][0][v][j] = e0r; g[0][0][1][v][j] = e0i;
                    g[1][0][0][v][j] = o0r; g[1][0][1][v][j] = o0i;
                    if constexpr (Q == 2) {
                        g[0][1][0][v][j] = e1r; g[0][1][1][v][j] = e1i;
                        g[1][1][0][v][j] = o1r; g[1][1][1][v][j] = o1i;
                    }
                }
            if (!adjoint_chunk<NV, Q>(ch, sd, ws.coef.data(), L, g, ws.accv.data())) break;
        }
    };
    const auto& north = m0 ? tk.m0_north : tk.all_north;
    const auto& south = m0 ? tk.m0_south : tk.all_south;
    if (Qn == 2) {
        run.template operator()<2>(north);
        run.template operator()<2>(south);
    } else {
        run.template operator()<1>(north);
        run.template operator()<1>(south);
    }
    for (int l = 0; l < L; ++l)
        for (int c = 0; c < 2 * Qn; ++c) {
            const vd& s = ws.accv[static_cast<std::size_t>(2 * Qn * l + c)];
            double t = 0;
            for (int j = 0; j < vlen; ++j) t += s[j];
            ws.alm[static_cast<std::size_t>(2 * Qn * l + c)] = t;
        }
}

}  // namespace sphaera::sht::detail
