// sht::detail::theta_resampler (periodic_extension.hpp): the FFT pipelines of the MW and MWSS
// θ steps (DFTs of length M = 2L−1 through Bluestein, the two-class Hankel convolution, the
// DFT of length N = 2L) against dense O(L²) evaluations of the formulas in the header comment;
// the paired calls against two single ones; dot-product tests of every adjoint. Grids built for
// the plan's band-limit and for a larger one (Lg > L: residues of M no order reaches).
#include <catch2/catch.hpp>

#include <sphaera/sht/periodic_extension.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "support/adjoint.hpp"
#include "support/backends.hpp"

using namespace sphaera;
using cpx = std::complex<double>;
using std::numbers::pi;

namespace {

struct grid {
    sht::sampling kind;
    int Lg, L;
    [[nodiscard]] bool mw() const { return kind == sht::sampling::mw; }
    [[nodiscard]] std::size_t nrings() const { return static_cast<std::size_t>(mw() ? Lg : Lg + 1); }
    [[nodiscard]] std::size_t M() const { return static_cast<std::size_t>(mw() ? 2 * Lg - 1 : 2 * Lg); }
    [[nodiscard]] std::size_t nphi() const { return M(); }
    /// θ of sample j on the M-point circle (rings are j < nrings).
    [[nodiscard]] double theta(std::size_t j) const {
        return 2 * pi * (static_cast<double>(j) + (mw() ? 0.5 : 0.0)) / static_cast<double>(M());
    }
    /// ϑ of sample j on the N = 2L point node circle.
    [[nodiscard]] double node(std::size_t j) const { return pi * (static_cast<double>(j) + 0.5) / L; }
    /// Ring a pole that is its own mirror under θ → −θ.
    [[nodiscard]] bool self_mirror(std::size_t t) const {
        return mw() ? 2 * t + 1 == M() : (t == 0 || 2 * t == M());
    }
};

/// Dense synthesis: node values v (L) of parity σ → F̂_k = (1/N) Σ_j h_j e^{−ikϑ_j} on the
/// unfolded N-circle → F(θ_t) = Σ_{|k|<L} F̂_k e^{ikθ_t} on the rings.
std::vector<cpx> dense_synthesis(const grid& g, double sigma, const std::vector<cpx>& v) {
    const int L = g.L;
    const std::size_t N = 2 * static_cast<std::size_t>(L);
    std::vector<cpx> h(N), F(g.nrings());
    for (int j = 0; j < L; ++j) {
        h[static_cast<std::size_t>(j)] = v[static_cast<std::size_t>(j)];
        h[N - 1 - static_cast<std::size_t>(j)] = sigma * v[static_cast<std::size_t>(j)];
    }
    for (int k = -(L - 1); k <= L - 1; ++k) {
        cpx fk = 0;
        for (std::size_t j = 0; j < N; ++j) fk += h[j] * std::polar(1.0, -k * g.node(j));
        fk /= static_cast<double>(N);
        for (std::size_t t = 0; t < F.size(); ++t) F[t] += fk * std::polar(1.0, k * g.theta(t));
    }
    return F;
}

/// Dense analysis: rings F of parity σ → σ-extension e on the M-circle (a self-mirror pole
/// dropped for σ = −1) → F̂_k = (1/M) Σ_j e_j e^{−ikθ_j} → G_q = (2π/nphi) Σ_k W_e(k+q) F̂_k,
/// W_e(p) = 2/(1−p²) for even p, 0 for odd p → g_j = (1/N) Σ_q G_q e^{−iqϑ_j} → v_j = g_j + σ g_{N−1−j}.
std::vector<cpx> dense_analysis(const grid& g, double sigma, const std::vector<cpx>& F) {
    const int L = g.L;
    const std::size_t M = g.M(), N = 2 * static_cast<std::size_t>(L), nr = g.nrings();
    std::vector<cpx> e(M);
    for (std::size_t j = 0; j < M; ++j) {
        const std::size_t src = j < nr ? j : (g.mw() ? M - 1 - j : M - j);
        if (sigma < 0 && g.self_mirror(src)) continue;
        e[j] = src == j ? F[j] : sigma * F[src];
    }
    std::vector<cpx> Fh(static_cast<std::size_t>(2 * L - 1)), G(Fh.size());
    for (int k = -(L - 1); k <= L - 1; ++k) {
        cpx acc = 0;
        for (std::size_t j = 0; j < M; ++j) acc += e[j] * std::polar(1.0, -k * g.theta(j));
        Fh[static_cast<std::size_t>(k + L - 1)] = acc / static_cast<double>(M);
    }
    for (int q = -(L - 1); q <= L - 1; ++q) {
        cpx acc = 0;
        for (int k = -(L - 1); k <= L - 1; ++k) {
            const int p = k + q;
            if (p % 2 != 0) continue;
            acc += 2.0 / (1.0 - double(p) * double(p)) * Fh[static_cast<std::size_t>(k + L - 1)];
        }
        G[static_cast<std::size_t>(q + L - 1)] = acc * (2 * pi / static_cast<double>(g.nphi()));
    }
    std::vector<cpx> gj(N), v(static_cast<std::size_t>(L));
    for (std::size_t j = 0; j < N; ++j) {
        cpx acc = 0;
        for (int q = -(L - 1); q <= L - 1; ++q) acc += G[static_cast<std::size_t>(q + L - 1)] * std::polar(1.0, -q * g.node(j));
        gj[j] = acc / static_cast<double>(N);
    }
    for (std::size_t j = 0; j < v.size(); ++j) v[j] = gj[j] + sigma * gj[N - 1 - j];
    return v;
}

double max_abs(const std::vector<cpx>& a) {
    double m = 0;
    for (const auto& x : a) m = std::max(m, std::abs(x));
    return m;
}
double rel_diff(const std::vector<cpx>& a, const std::vector<cpx>& b) {
    double d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
    return d / std::max(max_abs(b), 1e-300);
}
void split(const std::vector<cpx>& v, std::vector<double>& re, std::vector<double>& im) {
    re.resize(v.size());
    im.resize(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        re[i] = v[i].real();
        im[i] = v[i].imag();
    }
}
std::vector<cpx> join(const std::vector<double>& re, const std::vector<double>& im) {
    std::vector<cpx> v(re.size());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = cpx(re[i], im[i]);
    return v;
}

std::vector<grid> grids() {
    std::vector<grid> out;
    for (auto kind : {sht::sampling::mw, sht::sampling::mwss})
        for (int L : {1, 2, 3, 8, 17, 32})
            for (int extra : {0, 3}) out.push_back({kind, L + extra, L});
    return out;
}

}  // namespace

TEST_CASE("theta_resampler matches the dense MW/MWSS formulas, single and paired", "[sht][mw]") {
    for (const grid& g : grids()) {
        const sht::detail::theta_resampler rs(g.kind, g.Lg, g.L, g.nphi());
        const std::size_t nr = g.nrings(), L = static_cast<std::size_t>(g.L);
        REQUIRE(rs.n_rings() == nr);
        REQUIRE(rs.n_nodes() == L);
        std::vector<cpx> work(rs.work_size());
        for (int spin : {0, 1})
            for (int m : {2, 3}) {
                const double sigma = ((m + spin) % 2 == 0) ? 1.0 : -1.0;
                INFO((g.mw() ? "mw" : "mwss") << " Lg = " << g.Lg << " L = " << g.L << " m = " << m << " spin = " << spin);
                // Band-limited columns are exactly σ-symmetric; ring data of the other parity at
                // a self-mirror pole would be dropped, so the test columns come from synthesis.
                const auto vA = test::normal<cpx>(L, 100 + L + static_cast<std::size_t>(m)),
                           vB = test::normal<cpx>(L, 200 + L + static_cast<std::size_t>(m));
                const auto FA = dense_synthesis(g, sigma, vA), FB = dense_synthesis(g, -sigma, vB);
                std::vector<double> ar, ai, br, bi, ra(L), ia(L), rb(L), ib(L);
                split(vA, ar, ai);
                split(vB, br, bi);
                // Synthesis, single and paired.
                std::vector<cpx> outA(nr), outB(nr);
                rs.synthesis(m, spin, ar.data(), ai.data(), work.data(), outA.data());
                CHECK(rel_diff(outA, FA) <= 1e-13);
                rs.synthesis_pair(m, spin, ar.data(), ai.data(), br.data(), bi.data(), work.data(), outA.data(), outB.data());
                CHECK(rel_diff(outA, FA) <= 1e-13);
                CHECK(rel_diff(outB, FB) <= 1e-13);
                // Analysis of any ring data (the dense reference drops the same pole samples).
                const auto GA = test::normal<cpx>(nr, 300 + L), GB = test::normal<cpx>(nr, 400 + L);
                const auto wA = dense_analysis(g, sigma, GA), wB = dense_analysis(g, -sigma, GB);
                rs.analysis(m, spin, GA.data(), work.data(), ra.data(), ia.data());
                CHECK(rel_diff(join(ra, ia), wA) <= 1e-13);
                rs.analysis_pair(m, spin, GA.data(), GB.data(), work.data(), ra.data(), ia.data(), rb.data(), ib.data());
                CHECK(rel_diff(join(ra, ia), wA) <= 1e-13);
                CHECK(rel_diff(join(rb, ib), wB) <= 1e-13);
            }
    }
}

TEST_CASE("theta_resampler adjoints pass the dot-product test", "[sht][mw][adjoint]") {
    for (const grid& g : grids()) {
        const sht::detail::theta_resampler rs(g.kind, g.Lg, g.L, g.nphi());
        const std::size_t nr = g.nrings(), L = static_cast<std::size_t>(g.L);
        std::vector<cpx> work(rs.work_size());
        for (int m : {4, 5}) {
            INFO((g.mw() ? "mw" : "mwss") << " Lg = " << g.Lg << " L = " << g.L << " m = " << m);
            const int spin = 0;
            // Single maps: nodes (L) ↔ rings (nr).
            const auto nodes = test::normal<cpx>(L, 7 + L), rings = test::normal<cpx>(nr, 9 + L);
            const auto synth = [&](const std::vector<cpx>& v) {
                std::vector<double> re, im;
                split(v, re, im);
                std::vector<cpx> F(nr);
                rs.synthesis(m, spin, re.data(), im.data(), work.data(), F.data());
                return F;
            };
            const auto synth_adj = [&](const std::vector<cpx>& F) {
                std::vector<double> re(L), im(L);
                rs.synthesis_adjoint(m, spin, F.data(), work.data(), re.data(), im.data());
                return join(re, im);
            };
            const auto anal = [&](const std::vector<cpx>& F) {
                std::vector<double> re(L), im(L);
                rs.analysis(m, spin, F.data(), work.data(), re.data(), im.data());
                return join(re, im);
            };
            const auto anal_adj = [&](const std::vector<cpx>& v) {
                std::vector<double> re, im;
                split(v, re, im);
                std::vector<cpx> F(nr);
                rs.analysis_adjoint(m, spin, re.data(), im.data(), work.data(), F.data());
                return F;
            };
            auto r1 = test::adjoint_test(synth, synth_adj, nodes, rings);
            INFO(r1);
            CHECK(r1.passed);
            auto r2 = test::adjoint_test(anal, anal_adj, rings, nodes);
            INFO(r2);
            CHECK(r2.passed);
            // Paired maps on the concatenations (A, B): nodes (2L) ↔ rings (2 nr).
            const auto nodes2 = test::normal<cpx>(2 * L, 11 + L), rings2 = test::normal<cpx>(2 * nr, 13 + L);
            const auto halves = [](const std::vector<cpx>& v, std::size_t n, std::vector<double>& re0, std::vector<double>& im0,
                                   std::vector<double>& re1, std::vector<double>& im1) {
                split(std::vector<cpx>(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n)), re0, im0);
                split(std::vector<cpx>(v.begin() + static_cast<std::ptrdiff_t>(n), v.end()), re1, im1);
            };
            const auto cat = [](std::vector<cpx> a, const std::vector<cpx>& b) {
                a.insert(a.end(), b.begin(), b.end());
                return a;
            };
            const auto synth2 = [&](const std::vector<cpx>& v) {
                std::vector<double> r0, i0, r1, i1;
                halves(v, L, r0, i0, r1, i1);
                std::vector<cpx> F(2 * nr);
                rs.synthesis_pair(m, spin, r0.data(), i0.data(), r1.data(), i1.data(), work.data(), F.data(), F.data() + nr);
                return F;
            };
            const auto synth2_adj = [&](const std::vector<cpx>& F) {
                std::vector<double> r0(L), i0(L), r1(L), i1(L);
                rs.synthesis_adjoint_pair(m, spin, F.data(), F.data() + nr, work.data(), r0.data(), i0.data(), r1.data(),
                                          i1.data());
                return cat(join(r0, i0), join(r1, i1));
            };
            const auto anal2 = [&](const std::vector<cpx>& F) {
                std::vector<double> r0(L), i0(L), r1(L), i1(L);
                rs.analysis_pair(m, spin, F.data(), F.data() + nr, work.data(), r0.data(), i0.data(), r1.data(), i1.data());
                return cat(join(r0, i0), join(r1, i1));
            };
            const auto anal2_adj = [&](const std::vector<cpx>& v) {
                std::vector<double> r0, i0, r1, i1;
                halves(v, L, r0, i0, r1, i1);
                std::vector<cpx> F(2 * nr);
                rs.analysis_adjoint_pair(m, spin, r0.data(), i0.data(), r1.data(), i1.data(), work.data(), F.data(),
                                         F.data() + nr);
                return F;
            };
            auto r3 = test::adjoint_test(synth2, synth2_adj, nodes2, rings2);
            INFO(r3);
            CHECK(r3.passed);
            auto r4 = test::adjoint_test(anal2, anal2_adj, rings2, nodes2);
            INFO(r4);
            CHECK(r4.passed);
        }
    }
}
