#pragma once
/// \file periodic_extension.hpp
/// \brief Exact MW and MWSS transforms with the Legendre step on L symmetric nodes
/// (McEwen & Wiaux 2011 for the periodic extension; the weight convolution as in their
/// ssht, here without Wigner Δ-matrices).
///
/// After the φ FFT, each ring column F_m(θ) = Σ_ℓ f_ℓm (−1)^s λ_ℓm(θ) is a trigonometric
/// polynomial of degree ≤ L−1 in θ with F_m(−θ) = σ F_m(θ), σ = (−1)^{m+s} (from
/// d^ℓ_{mn}(−θ) = (−1)^{m−n} d^ℓ_{mn}(θ), n = −s). Extended to the circle, the rings form an
/// equispaced grid of M points θ_t = 2π(t + δ)/M (MW: M = 2L−1, δ = ½; MWSS: M = 2L, δ = 0),
/// so one DFT gives the Fourier coefficients F̂_k, |k| < L, exactly. The Legendre step runs on
/// the N = 2L point grid ϑ_j = 2π(j + ½)/N folded onto its L nodes in (0, π), which are
/// symmetric about the equator (ϑ_{L−1−j} = π − ϑ_j), so north/south pairing applies:
///
/// - synthesis (MW; MWSS rings are already symmetric): F_m at the nodes, F̂ = DFT_N/N, then
///   F(θ_t) = Σ_k F̂_k e^{ikθ_t} by an inverse DFT of length M (any_size_dft: Bluestein for
///   M = 2047 and the like) — exact because deg F < L ≤ N/2;
/// - analysis: a_ℓ = ∫₀^π F λ_ℓ sin θ dθ = Σ_k Σ_q F̂_k Λ̂_q W(k+q) with λ_ℓ = Σ_q Λ̂_q e^{iqθ}
///   and W(p) = ∫₀^π e^{ipθ} sin θ dθ = 2/(1−p²) (p even), ±iπ/2 (p = ±1), 0 (other odd p).
///   With G_q = Σ_k F̂_k W(k+q) and Λ̂_q = (1/N) Σ_j λ(ϑ_j) e^{−iqϑ_j} (exact, deg λ < N/2):
///   a_ℓ = Σ_{j<N} λ_ℓ(ϑ_j) g_j, g_j = (1/N) Σ_{|q|<L} G_q e^{−iqϑ_j}, folded by
///   λ(−ϑ) = σ λ(ϑ) onto the L nodes: h_j = g_j + σ g_{N−1−j}.
///
/// The weight convolution G = H F̂ (H_qk = W(k+q), a Hankel matrix) keeps only the even part
/// W_e (p even): the p = ±1 part maps σ-symmetric F̂ (F̂_{−k} = σ F̂_k) to (−σ)-symmetric G,
/// which the fold annihilates. W_e(k+q) ≠ 0 only for k ≡ q (mod 2), so H_e is two
/// independent Hankel products, k = 2a + r → q = 2b + r (r = 0, 1), each a cyclic
/// convolution of length P = 2Q ≥ 2·#a (exact: no index wraps onto a needed one), done as
/// four FFTs of length Q ≈ L (one radix-2 step, see hankel()): eight FFTs of length ≈ L
/// instead of two of length ≥ 4L−3. H_e is real symmetric: self-adjoint.
///
/// Cost per pair of columns at L = 1024 (Zen 5, one thread, FFTW_ESTIMATE plans): analysis
/// 30 µs (DFT_M by Bluestein 12, H_e 13, DFT_N 2.4, passes 3), synthesis 17 µs (DFT_N, then
/// DFT_M 12); the FFTs are ~80 % of it. With AVX-512, any_size_dft runs DFT_M = 2047 = 23·89
/// as a two-factor DFT (6 µs instead of 12). At L = 2048 (M = 4095 = 3²·5·7·13, FFTW directly)
/// analysis 51 µs, of which H_e 28.
///
/// θ-parity pairing: the extension is made exactly σ-symmetric (a ring that is its own mirror,
/// the poles, is dropped from an antisymmetric column — zero for band-limited data), and every
/// step between extension and fold (DFT_M, β, H_e, γ, DFT_N) maps σ-symmetric sequences to
/// σ-symmetric ones, while fold with σ annihilates (−σ)-symmetric ones. So two columns of
/// opposite parity (orders m and m+1) go through one pipeline as the sum of their extensions,
/// and the two folds separate them: half the FFT work per column (analysis_pair).
///
/// Every map is linear in the column; the adjoints are the exact Hermitian transposes.

#include <algorithm>
#include <complex>
#include <cstddef>
#include <numbers>
#include <vector>

#include "sphaera/backend/fftw_engine.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/sht/geometry.hpp"
#include "sphaera/sht/wigner_recursion.hpp"

namespace sphaera::sht::detail {

/// Smallest n' ≥ n of the form 2^a 3^b 5^c 7^d (FFTW's fast sizes).
inline std::size_t good_fft_size(std::size_t n) { return backend::detail::smooth_size(n); }

/// The column maps between MW/MWSS rings and the L symmetric Legendre nodes.
class theta_resampler {
public:
    using cpx = std::complex<double>;

    theta_resampler() = default;
    /// kind: mw or mwss; Lg: band-limit the grid was built for; L: the plan's (≤ Lg);
    /// nphi: samples per ring of the grid (folds the φ quadrature 2π/nphi into the weights).
    theta_resampler(sampling kind, int Lg, int L, std::size_t nphi) : m_L(L), m_half(kind == sampling::mw) {
        using backend::fft_direction;
        m_nr = static_cast<std::size_t>(kind == sampling::mw ? Lg : Lg + 1);
        m_M = static_cast<std::size_t>(kind == sampling::mw ? 2 * Lg - 1 : 2 * Lg);
        m_N = static_cast<std::size_t>(2 * L);
        // Parity classes r: k = 2a + r, |k| ≤ L−1 → a ∈ [a_lo, a_lo + na).
        for (int r = 0; r < 2; ++r) {
            const int lo = -((L - 1 + r) / 2), hi = (L - 1 - r) >= 0 ? (L - 1 - r) / 2 : -1;
            m_alo[r] = lo;
            m_na[r] = hi >= lo ? static_cast<std::size_t>(hi - lo + 1) : 0;
        }
        // The cyclic length of each class is P = 2Q with Q ≥ na, Q = 2^a, 3·2^a or 5·2^a (see hankel()).
        m_Q = backend::detail::bluestein_size(std::max<std::size_t>(1, std::max(m_na[0], m_na[1])));
        const double pi = std::numbers::pi, N = static_cast<double>(m_N), M = static_cast<double>(m_M);
        m_trig.resize(static_cast<std::size_t>(L));
        for (int j = 0; j < L; ++j) m_trig[static_cast<std::size_t>(j)] = make_ring_trig(pi * (j + 0.5) / L);
        // α_k = e^{−iπk/N}/N · e^{2πikδ/M} (nodes → F̂ → rings); β_k = e^{−2πikδ/M}/M (rings →
        // F̂); γ_q = e^{−iπq/N}/N (G → node values).
        const double delta = m_half ? 0.5 : 0.0;
        m_alpha.resize(static_cast<std::size_t>(2 * L - 1));
        m_beta.resize(m_alpha.size());
        m_gamma.resize(m_alpha.size());
        for (int k = -(L - 1); k <= L - 1; ++k) {
            const auto i = static_cast<std::size_t>(k + L - 1);
            m_alpha[i] = std::polar(1.0 / N, -pi * k / N + 2 * pi * k * delta / M);
            m_beta[i] = std::polar(1.0 / M, -2 * pi * k * delta / M);
            m_gamma[i] = std::polar(1.0 / N, -pi * k / N);
        }
        m_fwd_M = backend::any_size_dft<double>(m_M, fft_direction::forward);
        m_bwd_M = m_fwd_M.reversed();  // shares the Bluestein tables
        m_fwd_N = backend::any_size_dft<double>(m_N, fft_direction::forward);
        m_bwd_N = m_fwd_N.reversed();
        m_fwd_Q = backend::any_size_dft<double>(m_Q, fft_direction::forward);
        m_bwd_Q = m_fwd_Q.reversed();
        // w^t = e^{−2πit/P}, t < Q (P = 2Q): the radix-2 twiddles of the class convolutions.
        const std::size_t P = 2 * m_Q;
        m_tw.resize(m_Q);
        for (std::size_t t = 0; t < m_Q; ++t) m_tw[t] = std::polar(1.0, -2 * pi * static_cast<double>(t) / static_cast<double>(P));
        // K̂_r = DFT_P of K_t = W_e(2(t + 2a_lo + r)), t < 2na − 1 (the Hankel kernel of class r),
        // with the φ quadrature 2π/nphi and the 1/P of the inverse transform folded in, kept as
        // its even- and odd-frequency halves: K̂_2q = DFT_Q(K_t + K_{t+Q}), K̂_2q+1 =
        // DFT_Q((K_t − K_{t+Q}) w^t).
        const double scale = 2 * pi / static_cast<double>(nphi) / static_cast<double>(P);
        std::vector<cpx> kb(2 * pad(m_Q) + 8), sc(m_fwd_Q.scratch_size());
        cpx* lo = backend::detail::align64(kb.data());
        cpx* hi = lo + pad(m_Q);
        for (int r = 0; r < 2; ++r) {
            const std::size_t nk = m_na[r] ? 2 * m_na[r] - 1 : 0;
            std::vector<double> K(P, 0.0);
            for (std::size_t t = 0; t < nk; ++t) {
                const double p = 2.0 * (static_cast<double>(t) + 2.0 * m_alo[r] + r);
                K[t] = 2.0 / (1.0 - p * p);
            }
            for (std::size_t t = 0; t < m_Q; ++t) {
                lo[t] = K[t] + K[t + m_Q];
                hi[t] = (K[t] - K[t + m_Q]) * m_tw[t];
            }
            m_khat[r].resize(P);
            m_fwd_Q.execute(lo, m_khat[r].data(), sc.data());
            m_fwd_Q.execute(hi, m_khat[r].data() + m_Q, sc.data());
            for (auto& v : m_khat[r]) v *= scale;
        }
    }

    /// Number of Legendre nodes (L) and their trig data ϑ_j = π(j + ½)/L.
    [[nodiscard]] std::size_t n_nodes() const { return m_trig.size(); }
    [[nodiscard]] const std::vector<ring_trig>& nodes() const { return m_trig; }
    /// Rings of the grid (L for MW, L+1 for MWSS).
    [[nodiscard]] std::size_t n_rings() const { return m_nr; }
    /// Complex scratch one call needs (per thread).
    [[nodiscard]] std::size_t work_size() const {
        std::size_t fs = 0;
        for (const auto* f : {&m_fwd_M, &m_bwd_M, &m_fwd_N, &m_bwd_N, &m_fwd_Q, &m_bwd_Q})
            fs = std::max(fs, f->scratch_size());
        return 2 * (pad(m_M) + pad(m_N) + 2 * pad(m_Q) + pad(m_alpha.size())) + fs + 8;
    }

    /// Analysis map A: ring column F: (n_rings) of order m → weighted node values vr, vi: (L).
    void analysis(int m, int spin, const cpx* F, cpx* work, double* vr, double* vi) const {
        analysis_pair(m, spin, F, nullptr, work, vr, vi, nullptr, nullptr);
    }
    /// A on two columns at once: FA of order m, FB (or null) of an order of the opposite
    /// parity → (vrA, viA), (vrB, viB): (L) each.
    void analysis_pair(int m, int spin, const cpx* FA, const cpx* FB, cpx* work, double* vrA, double* viA,
                       double* vrB, double* viB) const {
        const parts w = carve(work);
        const double sigma = parity(m, spin);
        extend(FA, FB, sigma, w.e);
        m_fwd_M.execute(w.e, w.e2, w.fs);
        to_k(w.e2, m_M, m_beta.data(), false, w.x);
        hankel(w);
        from_k(w.y, m_gamma.data(), false, w.h, m_N);
        m_fwd_N.execute(w.h, w.h2, w.fs);
        if (FB)
            fold_pair(w.h2, sigma, vrA, viA, vrB, viB);
        else
            fold(w.h2, sigma, vrA, viA);
    }
    /// The Hermitian adjoint of analysis: vr, vi: (L) → F: (n_rings).
    void analysis_adjoint(int m, int spin, const double* vr, const double* vi, cpx* work, cpx* F) const {
        analysis_adjoint_pair(m, spin, vr, vi, nullptr, nullptr, work, F, nullptr);
    }
    /// The Hermitian adjoint of analysis_pair: (vrA, viA), (vrB, viB) or null → FA, FB (or null).
    void analysis_adjoint_pair(int m, int spin, const double* vrA, const double* viA, const double* vrB,
                               const double* viB, cpx* work, cpx* FA, cpx* FB) const {
        const parts w = carve(work);
        const double sigma = parity(m, spin);
        unfold(vrA, viA, vrB, viB, sigma, w.h);
        m_bwd_N.execute(w.h, w.h2, w.fs);
        to_k(w.h2, m_N, m_gamma.data(), true, w.x);
        hankel(w);
        from_k(w.y, m_beta.data(), true, w.e, m_M);
        m_bwd_M.execute(w.e, w.e2, w.fs);
        restrict(w.e2, sigma, FA);
        if (FB) restrict(w.e2, -sigma, FB);
    }
    /// Synthesis map R: node values vr, vi: (L) of order m → ring column F: (n_rings).
    void synthesis(int m, int spin, const double* vr, const double* vi, cpx* work, cpx* F) const {
        const parts w = carve(work);
        const double sigma = parity(m, spin);
        unfold(vr, vi, nullptr, nullptr, sigma, w.h);
        m_fwd_N.execute(w.h, w.h2, w.fs);
        remap(w.h2, m_N, m_alpha.data(), false, w.e, m_M);
        m_bwd_M.execute(w.e, w.e2, w.fs);
        std::copy(w.e2, w.e2 + m_nr, F);
    }
    /// R on two columns at once (θ-parity pairing, see the file comment): node values of
    /// order m (vrA, viA) and of an order of the opposite parity (vrB, viB) → FA, FB. The
    /// summed extension is σ-symmetric in A and (−σ)-symmetric in B, so on the M-point
    /// circle A = (e_t + σ e_t')/2, B = (e_t − σ e_t')/2 with t' the mirror sample of ring
    /// t; a ring that is its own mirror (MW: the south pole) belongs to the symmetric one.
    void synthesis_pair(int m, int spin, const double* vrA, const double* viA, const double* vrB, const double* viB,
                        cpx* work, cpx* FA, cpx* FB) const {
        const parts w = carve(work);
        const double sigma = parity(m, spin);
        unfold(vrA, viA, vrB, viB, sigma, w.h);
        m_fwd_N.execute(w.h, w.h2, w.fs);
        remap(w.h2, m_N, m_alpha.data(), false, w.e, m_M);
        m_bwd_M.execute(w.e, w.e2, w.fs);
        const cpx* e = w.e2;
        // Rings [t0, t1) have a distinct mirror sample base − t (MW: M − 1 − t; MWSS: M − t).
        const std::size_t t0 = m_half ? 0 : 1, t1 = m_nr - 1, base = m_half ? m_M - 1 : m_M;
        const double hs = 0.5 * sigma;
        for (std::size_t t = t0; t < t1; ++t) {
            const cpx a = 0.5 * e[t], b = hs * e[base - t];
            FA[t] = a + b;
            FB[t] = a - b;
        }
        for (std::size_t t : {std::size_t{0}, m_nr - 1})
            if (self_mirror(t)) {
                FA[t] = sigma > 0 ? e[t] : cpx(0);
                FB[t] = sigma > 0 ? cpx(0) : e[t];
            }
    }
    /// The Hermitian adjoint of synthesis: F: (n_rings) → vr, vi: (L).
    void synthesis_adjoint(int m, int spin, const cpx* F, cpx* work, double* vr, double* vi) const {
        const parts w = carve(work);
        const double sigma = parity(m, spin);
        std::copy(F, F + m_nr, w.e);
        std::fill(w.e + m_nr, w.e + m_M, cpx(0));
        m_fwd_M.execute(w.e, w.e2, w.fs);
        remap(w.e2, m_M, m_alpha.data(), true, w.h, m_N);
        m_bwd_N.execute(w.h, w.h2, w.fs);
        fold(w.h2, sigma, vr, vi);
    }
    /// The Hermitian adjoint of synthesis_pair: FA, FB: (n_rings) → (vrA, viA), (vrB, viB).
    void synthesis_adjoint_pair(int m, int spin, const cpx* FA, const cpx* FB, cpx* work, double* vrA, double* viA,
                                double* vrB, double* viB) const {
        const parts w = carve(work);
        const double sigma = parity(m, spin);
        cpx* e = w.e;
        const std::size_t t0 = m_half ? 0 : 1, t1 = m_nr - 1, base = m_half ? m_M - 1 : m_M;
        const double hs = 0.5 * sigma;
        for (std::size_t t = t0; t < t1; ++t) {
            const cpx a = FA[t], b = FB[t];
            e[t] = 0.5 * (a + b);
            e[base - t] = hs * (a - b);
        }
        for (std::size_t t : {std::size_t{0}, m_nr - 1})
            if (self_mirror(t)) e[t] = sigma > 0 ? FA[t] : FB[t];
        m_fwd_M.execute(e, w.e2, w.fs);
        remap(w.e2, m_M, m_alpha.data(), true, w.h, m_N);
        m_bwd_N.execute(w.h, w.h2, w.fs);
        fold_pair(w.h2, sigma, vrA, viA, vrB, viB);
    }

private:
    struct parts {
        cpx *e, *e2, *h, *h2, *g, *g2, *x, *y, *fs;  // (M) ×2, (N) ×2, (2 pad Q) ×2, (2L−1) ×2, FFT scratch; 64-byte aligned
    };
    static std::size_t pad(std::size_t n) { return (n + 7) / 8 * 8; }
    [[nodiscard]] parts carve(cpx* work) const {
        cpx* a = backend::detail::align64(work);
        parts w{};
        w.e = a;
        w.e2 = w.e + pad(m_M);
        w.h = w.e2 + pad(m_M);
        w.h2 = w.h + pad(m_N);
        w.g = w.h2 + pad(m_N);
        w.g2 = w.g + 2 * pad(m_Q);
        w.x = w.g2 + 2 * pad(m_Q);
        w.y = w.x + pad(m_alpha.size());
        w.fs = w.y + pad(m_alpha.size());
        return w;
    }
    static double parity(int m, int spin) { return ((m + spin) % 2 == 0) ? 1.0 : -1.0; }
    /// out[i] = a[i]·f[i] (conj f[i] if conj), i < n, on interleaved doubles (vectorises; no
    /// C99 Annex G NaN fix-up). f null: a copy.
    static void cmul(const cpx* a, const cpx* f, bool conj, cpx* out, std::size_t n) {
        if (!f) {
            std::copy(a, a + n, out);
            return;
        }
        const double* x = reinterpret_cast<const double*>(a);
        const double* c = reinterpret_cast<const double*>(f);
        double* y = reinterpret_cast<double*>(out);
        const double s = conj ? -1.0 : 1.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double xr = x[2 * i], xi = x[2 * i + 1], cr = c[2 * i], ci = s * c[2 * i + 1];
            y[2 * i] = xr * cr - xi * ci;
            y[2 * i + 1] = xr * ci + xi * cr;
        }
    }
    /// x[k + L − 1] = src[k mod ns]·f_k for |k| < L (f by k + L − 1; conj: conj f_k):
    /// two contiguous runs, k ≥ 0 and k < 0.
    void to_k(const cpx* src, std::size_t ns, const cpx* f, bool conj, cpx* x) const {
        const auto L = static_cast<std::size_t>(m_L);
        cmul(src, f ? f + (L - 1) : nullptr, conj, x + (L - 1), L);
        cmul(src + ns - (L - 1), f, conj, x, L - 1);
    }
    /// dst[k mod nd] = x[k + L − 1]·f_k for |k| < L, and 0 on the residues no such k reaches
    /// ([L, nd − L], nd ≥ 2L − 1).
    void from_k(const cpx* x, const cpx* f, bool conj, cpx* dst, std::size_t nd) const {
        const auto L = static_cast<std::size_t>(m_L);
        cmul(x + (L - 1), f ? f + (L - 1) : nullptr, conj, dst, L);
        std::fill(dst + L, dst + nd - (L - 1), cpx(0));
        cmul(x, f, conj, dst + nd - (L - 1), L - 1);
    }
    /// dst[k mod nd] = src[k mod ns]·f_k for |k| < L, 0 on the other residues of nd.
    void remap(const cpx* src, std::size_t ns, const cpx* f, bool conj, cpx* dst, std::size_t nd) const {
        const auto L = static_cast<std::size_t>(m_L);
        cmul(src, f + (L - 1), conj, dst, L);
        std::fill(dst + L, dst + nd - (L - 1), cpx(0));
        cmul(src + ns - (L - 1), f, conj, dst + nd - (L - 1), L - 1);
    }
    /// y ← H_e x (self-adjoint), x, y: (2L−1) by k + L − 1; see the file comment.
    ///
    /// Per class r: out_b' = Σ_a' in_a' K_{a'+b'} = (reversed in ⊛ K)_{na−1+b'}, a cyclic
    /// convolution of length P = 2Q. As the input (na ≤ Q values) fills at most the first half
    /// of the P points, the length-P FFT is one radix-2 step of two length-Q FFTs of u and
    /// u·w^t (no butterfly additions), the product with K̂ stays in that (even, odd) frequency
    /// order, and the inverse is two length-Q inverse FFTs e, o with z_k = e_{k mod Q} +
    /// w^{−k} o_{k mod Q}: four FFTs of Q ≈ L instead of two of 2L (at L = 2048, where FFTW's
    /// estimated 4096-point plan is slow, 9 against 16 µs per class).
    void hankel(const parts& w) const {
        const auto L1 = static_cast<long long>(m_L - 1);
        const std::size_t Q = m_Q, pq = pad(Q);
        const cpx* x = w.x;
        cpx* y = w.y;
        const double* tw = reinterpret_cast<const double*>(m_tw.data());
        cpx *u0 = w.g, *u1 = w.g + pq, *v0 = w.g2, *v1 = w.g2 + pq;
        for (int r = 0; r < 2; ++r) {
            const std::size_t na = m_na[r];
            if (!na) continue;
            const auto k0 = static_cast<std::size_t>(2 * static_cast<long long>(m_alo[r]) + r + L1);  // x index of a' = 0
            const cpx* xl = x + k0 + 2 * (na - 1);
            double* a = reinterpret_cast<double*>(u0);
            double* b = reinterpret_cast<double*>(u1);
            for (std::size_t j = 0; j < na; ++j) {
                const cpx v = xl[-2 * static_cast<std::ptrdiff_t>(j)];
                a[2 * j] = v.real();
                a[2 * j + 1] = v.imag();
                b[2 * j] = v.real() * tw[2 * j] - v.imag() * tw[2 * j + 1];
                b[2 * j + 1] = v.real() * tw[2 * j + 1] + v.imag() * tw[2 * j];
            }
            std::fill(u0 + na, u0 + Q, cpx(0));
            std::fill(u1 + na, u1 + Q, cpx(0));
            m_fwd_Q.execute(u0, v0, w.fs);
            m_fwd_Q.execute(u1, v1, w.fs);
            cmul(v0, m_khat[r].data(), false, v0, Q);
            cmul(v1, m_khat[r].data() + Q, false, v1, Q);
            m_bwd_Q.execute(v0, u0, w.fs);
            m_bwd_Q.execute(v1, u1, w.fs);
            // z_k for k = na − 1 + b', b' < na: k < Q uses w^{−k} = conj(w^k); k ≥ Q uses
            // w^{−k} = −conj(w^{k−Q}).
            cpx* yl = y + k0;
            const double* e = reinterpret_cast<const double*>(u0);
            const double* o = reinterpret_cast<const double*>(u1);
            for (std::size_t bq = 0; bq < na; ++bq) {
                const std::size_t k = na - 1 + bq, kk = k < Q ? k : k - Q;
                const double sg = k < Q ? 1.0 : -1.0, cr = sg * tw[2 * kk], ci = -sg * tw[2 * kk + 1];
                const double orr = o[2 * kk], oi = o[2 * kk + 1];
                yl[2 * bq] = cpx(e[2 * kk] + orr * cr - oi * ci, e[2 * kk + 1] + orr * ci + oi * cr);
            }
        }
    }
    /// Node values on the N-point circle → the L nodes: h_j + σ h_{N−1−j}.
    void fold(const cpx* h, double sigma, double* vr, double* vi) const {
        const double* d = reinterpret_cast<const double*>(h);
        const std::size_t n = n_nodes(), last = m_N - 1;
        for (std::size_t j = 0; j < n; ++j) {
            vr[j] = d[2 * j] + sigma * d[2 * (last - j)];
            vi[j] = d[2 * j + 1] + sigma * d[2 * (last - j) + 1];
        }
    }
    /// fold with σ into (vrA, viA) and with −σ into (vrB, viB), in one pass over h.
    void fold_pair(const cpx* h, double sigma, double* vrA, double* viA, double* vrB, double* viB) const {
        const double* d = reinterpret_cast<const double*>(h);
        const std::size_t n = n_nodes(), last = m_N - 1;
        for (std::size_t j = 0; j < n; ++j) {
            const double ar = d[2 * j], ai = d[2 * j + 1], br = sigma * d[2 * (last - j)], bi = sigma * d[2 * (last - j) + 1];
            vrA[j] = ar + br;
            viA[j] = ai + bi;
            vrB[j] = ar - br;
            viB[j] = ai - bi;
        }
    }
    /// The transpose of fold, for A (parity σ) plus B (−σ; or null): h_j = a_j + b_j,
    /// h_{N−1−j} = σ (a_j − b_j).
    void unfold(const double* vrA, const double* viA, const double* vrB, const double* viB, double sigma, cpx* h) const {
        double* d = reinterpret_cast<double*>(h);
        const std::size_t n = n_nodes(), last = m_N - 1;
        if (!vrB) {
            for (std::size_t j = 0; j < n; ++j) {
                d[2 * j] = vrA[j];
                d[2 * j + 1] = viA[j];
                d[2 * (last - j)] = sigma * vrA[j];
                d[2 * (last - j) + 1] = sigma * viA[j];
            }
            return;
        }
        for (std::size_t j = 0; j < n; ++j) {
            d[2 * j] = vrA[j] + vrB[j];
            d[2 * j + 1] = viA[j] + viB[j];
            d[2 * (last - j)] = sigma * (vrA[j] - vrB[j]);
            d[2 * (last - j) + 1] = sigma * (viA[j] - viB[j]);
        }
    }
    /// e ← the σ-extension of FA plus the (−σ)-extension of FB (or null) on the M-point
    /// circle: sample j copies ring source(j), times the parity beyond [0, π]; each exactly
    /// symmetric, so a ring that is its own mirror (a pole) is dropped from the antisymmetric one.
    void extend(const cpx* FA, const cpx* FB, double sigma, cpx* e) const {
        if (FB)
            for (std::size_t j = 0; j < m_nr; ++j) e[j] = FA[j] + FB[j];
        else
            std::copy(FA, FA + m_nr, e);
        const std::size_t base = m_half ? m_M - 1 : m_M;  // source(j) = base − j beyond the rings
        for (std::size_t j = m_nr; j < m_M; ++j) {
            const std::size_t t = base - j;
            e[j] = sigma * (FB ? FA[t] - FB[t] : FA[t]);
        }
        for (std::size_t t : {std::size_t{0}, m_nr - 1})
            if (self_mirror(t)) e[t] = sigma > 0 ? FA[t] : (FB ? FB[t] : cpx(0));
    }
    /// The transpose of one σ-extension: F_t = e_t + σ e_{mirror(t)} (e_t alone for a pole,
    /// and 0 there when σ = −1).
    void restrict(const cpx* e, double sigma, cpx* F) const {
        const std::size_t t0 = m_half ? 0 : 1, t1 = m_nr - 1, base = m_half ? m_M - 1 : m_M;
        for (std::size_t t = t0; t < t1; ++t) F[t] = e[t] + sigma * e[base - t];
        for (std::size_t t : {std::size_t{0}, m_nr - 1})
            if (self_mirror(t)) F[t] = sigma > 0 ? e[t] : cpx(0);
    }
    /// Ring t maps onto itself under θ → −θ (MW: the south pole; MWSS: both poles).
    [[nodiscard]] bool self_mirror(std::size_t t) const {
        return m_half ? 2 * t + 1 == m_M : (t == 0 || 2 * t == m_M);
    }
    int m_L = 0;
    bool m_half = false;
    std::size_t m_nr = 0, m_M = 0, m_N = 0, m_Q = 0;
    std::size_t m_na[2] = {0, 0};  // orders k ≡ r (mod 2) with |k| ≤ L−1: k = 2(a_lo + a') + r
    int m_alo[2] = {0, 0};
    std::vector<ring_trig> m_trig;
    std::vector<cpx> m_alpha, m_beta, m_gamma;  // (2L−1) per order k = −(L−1)..L−1
    std::vector<cpx> m_khat[2];                 // (2Q) per class: the scaled DFT of the Hankel kernel, (even, odd) halves
    std::vector<cpx> m_tw;                      // (Q) w^t = e^{−2πit/(2Q)}
    backend::any_size_dft<double> m_fwd_M, m_bwd_M, m_fwd_N, m_bwd_N, m_fwd_Q, m_bwd_Q;
};

}  // namespace sphaera::sht::detail
