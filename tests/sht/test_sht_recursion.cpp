// The Wigner-d / spin-weighted harmonic recurrence against closed forms, Wigner's explicit
// sum, the eth raising relation (which fixes the spin sign), orthonormality and stability,
// and the spin-0 two-degree chain of the Legendre kernels against a long-double reference.
#include <catch2/catch.hpp>

#include <sphaera/sht/legendre_orders.hpp>
#include <sphaera/sht/quadrature.hpp>
#include <sphaera/sht/wigner_recursion.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "sht/sht_reference.hpp"
#include "support/backends.hpp"

using namespace sphaera;
using std::numbers::pi;

TEST_CASE("spin-0 values match closed-form Y_lm (Condon-Shortley phase)", "[sht][recursion]") {
    for (double th : {0.0, 1e-3, 0.3, 1.0, pi / 2, 2.5, pi - 1e-4, pi}) {
        const double c = std::cos(th), s = std::sin(th);
        auto y = [&](int m) { return sht::normalized_wigner_d(5, m, 0, th); };
        INFO("theta = " << th);
        CHECK(y(0)[0] == Approx(1 / std::sqrt(4 * pi)).epsilon(1e-15));
        CHECK(y(0)[1] == Approx(std::sqrt(3 / (4 * pi)) * c).margin(1e-15));
        CHECK(y(1)[1] == Approx(-std::sqrt(3 / (8 * pi)) * s).margin(1e-15));
        CHECK(y(-1)[1] == Approx(std::sqrt(3 / (8 * pi)) * s).margin(1e-15));
        CHECK(y(0)[2] == Approx(std::sqrt(5 / (16 * pi)) * (3 * c * c - 1)).margin(1e-15));
        CHECK(y(1)[2] == Approx(-std::sqrt(15 / (8 * pi)) * s * c).margin(1e-15));
        CHECK(y(2)[2] == Approx(std::sqrt(15 / (32 * pi)) * s * s).margin(1e-15));
        CHECK(y(3)[3] == Approx(-std::sqrt(35 / (64 * pi)) * s * s * s).margin(1e-15));
        CHECK(y(0)[4] == Approx(3 / (16 * std::sqrt(pi)) * (35 * c * c * c * c - 30 * c * c + 3)).margin(1e-14));
        CHECK(y(4)[0] == 0.0);  // below l0 = |m|
    }
}

TEST_CASE("normalized_wigner_d matches Wigner's explicit sum for all m, n, small l", "[sht][recursion]") {
    const int L = 12;
    double worst = 0;
    for (double th : {0.0, 0.01, 0.7, pi / 2, 2.2, pi - 0.01, pi}) {
        for (int n = -(L - 1); n <= L - 1; ++n)
            for (int m = -(L - 1); m <= L - 1; ++m) {
                const auto v = sht::normalized_wigner_d(L, m, n, th);
                for (int l = 0; l < L; ++l) {
                    const long double ref = std::sqrt((2 * l + 1) / (4 * std::numbers::pi_v<long double>)) *
                                            test::wigner_d_reference(l, m, n, th);
                    worst = std::max(worst, double(std::abs(v[std::size_t(l)] - ref)));
                }
            }
    }
    INFO("max |recursion - explicit sum| = " << worst);
    CHECK(worst < 1e-13);
}

TEST_CASE("spin sign: s+1Y = -(d_theta - s cot - m csc) sY / sqrt((l-s)(l+s+1)) (eth raising)",
          "[sht][recursion]") {
    // ð η = −sin^s θ (∂θ + i cscθ ∂φ)(sin^{−s}θ η) raises spin (Newman & Penrose; ssht).
    const int L = 9;
    const double h = 1e-5;
    for (int s : {-2, -1, 0, 1, 2}) {
        for (int m = -(L - 1); m <= L - 1; ++m) {
            for (double th : {0.4, 1.3, 2.6}) {
                auto sy = [&](int spin, double t) {  // ₛY_ℓm(θ, 0) for all ℓ
                    auto v = sht::normalized_wigner_d(L, m, -spin, t);
                    if (spin % 2 != 0)
                        for (auto& x : v) x = -x;
                    return v;
                };
                const auto y = sy(s, th), yp = sy(s, th + h), ym = sy(s, th - h), up = sy(s + 1, th);
                for (int l = std::max({std::abs(m), std::abs(s), std::abs(s + 1)}); l < L; ++l) {
                    const auto i = std::size_t(l);
                    const double d = (yp[i] - ym[i]) / (2 * h);
                    const double eth = -(d - s / std::tan(th) * y[i] - m / std::sin(th) * y[i]);
                    INFO("s = " << s << ", l = " << l << ", m = " << m << ", theta = " << th);
                    CHECK(eth / std::sqrt(double((l - s) * (l + s + 1))) == Approx(up[i]).margin(1e-8));
                }
            }
        }
    }
}

TEST_CASE("orthonormality under Gauss-Legendre quadrature", "[sht][recursion]") {
    const int L = 40;
    const auto q = sht::gauss_legendre_rule(L);
    for (int n : {0, 1, -2, 3}) {
        for (int m : {-39, -7, 0, 3, 39}) {
            std::vector<std::vector<double>> vals;
            for (double th : q.theta) vals.push_back(sht::normalized_wigner_d(L, m, n, th));
            double worst = 0;
            for (int l1 = 0; l1 < L; ++l1)
                for (int l2 = 0; l2 < L; ++l2) {
                    double sum = 0;
                    for (std::size_t r = 0; r < q.theta.size(); ++r)
                        sum += 2 * pi * q.weight[r] * vals[r][std::size_t(l1)] * vals[r][std::size_t(l2)];
                    const bool present = l1 >= std::max(std::abs(m), std::abs(n));
                    const double expect = (l1 == l2 && present) ? 1.0 : 0.0;
                    worst = std::max(worst, std::abs(sum - expect));
                }
            INFO("n = " << n << ", m = " << m << ": max deviation from identity " << worst);
            CHECK(worst < 1e-13);
        }
    }
}

TEST_CASE("stable to L = 8192: sum_m |sY_lm|^2 = (2l+1)/4pi near poles and equator",
          "[sht][recursion][stability]") {
    const int L = 8192;
    // The three-term recurrence is neutral at x = 1, so rounding errors grow like ε ℓ^{3/2}
    // in the m ≈ 0 columns on the rings nearest a pole (1e−10 at θ = π/2L, L = 8192, also in
    // quad-precision comparisons); elsewhere the sum rule holds to 1e−12.
    struct point { int n; double theta, tol; };
    for (const point p : {point{0, pi / (2 * L), 5e-10}, point{0, pi / 2 + 0.001, 1e-12},
                          point{-2, 0.05, 1e-12}, point{-2, pi - 1e-3, 1e-10}}) {
        const int n = p.n;
        const double th = p.theta;
        const auto sd = sht::detail::make_start_data(L, n);
        std::vector<sht::detail::rec_coef> coef(std::size_t(L) * 1);
        {
            const auto t = sht::detail::make_ring_trig(th);
            std::vector<long double> sum(std::size_t(L), 0.0L);
            bool finite = true;
            for (int m = -(L - 1); m <= L - 1; ++m) {
                const auto& d = sd[std::size_t(m + L - 1)];
                sht::detail::fill_coefficients(m, n, d.l0, L, coef.data());
                auto st = sht::detail::start_ring(d, coef.data(), L, t);
                for (int l = st.l; l < L; ++l) {
                    finite = finite && std::isfinite(st.lam1);
                    sum[std::size_t(l)] += static_cast<long double>(st.lam1) * st.lam1;
                    if (l + 1 < L) {
                        const auto& c = coef[std::size_t(l)];
                        const double nv = sht::detail::step_factor(c, t) * st.lam1 - c.c * st.lam0;
                        st.lam0 = st.lam1;
                        st.lam1 = nv;
                    }
                }
            }
            CHECK(finite);
            double worst = 0;
            for (int l = std::abs(n); l < L; l += 97) {
                const double expect = (2 * l + 1) / (4 * pi);
                worst = std::max(worst, double(std::abs(sum[std::size_t(l)] - expect) / expect));
            }
            const double expect = (2 * (L - 1) + 1) / (4 * pi);
            worst = std::max(worst, double(std::abs(sum[std::size_t(L - 1)] - expect) / expect));
            INFO("n = " << n << ", theta = " << th << ": max relative error of the sum rule " << worst);
            CHECK(worst < p.tol);
        }
    }
}

namespace {
/// Orthonormal λ_ℓm(θ) (Y_ℓm = λ_ℓm e^{imφ}, Condon–Shortley phase), ℓ = m..L−1, by the
/// degree recursion entirely in long double (coefficients included): a reference about
/// 2^11 more precise than the double recursions under test.
std::vector<long double> legendre_long_double(int L, int m, long double theta) {
    std::vector<long double> lam(std::size_t(L), 0.0L);
    const long double x = std::cos(theta), s = std::sin(theta);
    long double p = 1.0L / std::sqrt(4.0L * std::numbers::pi_v<long double>);
    for (int k = 1; k <= m; ++k) p *= -std::sqrt((2.0L * k + 1.0L) / (2.0L * k)) * s;
    if (m < L) lam[std::size_t(m)] = p;
    if (m + 1 < L) lam[std::size_t(m + 1)] = std::sqrt(2.0L * m + 3.0L) * x * p;
    for (int l = m + 2; l < L; ++l) {
        const long double dl = l, dm = m;
        const long double a = std::sqrt((4.0L * dl * dl - 1.0L) / (dl * dl - dm * dm));
        const long double b = std::sqrt(((dl - 1.0L) * (dl - 1.0L) - dm * dm) / (4.0L * (dl - 1.0L) * (dl - 1.0L) - 1.0L));
        lam[std::size_t(l)] = a * (x * lam[std::size_t(l - 1)] - b * lam[std::size_t(l - 2)]);
    }
    return lam;
}
}  // namespace

TEST_CASE("spin-0 Legendre chains (per degree, per two degrees) match a long-double reference to L = 8192",
          "[sht][recursion][stability]") {
    // The Legendre kernels' synthesis of one order, F_m(θ) = Σ_ℓ f_ℓ λ_ℓm(θ), errors relative
    // to Σ_ℓ |f_ℓ λ_ℓm|, polar rings exercising the scaled start values and skipped lanes,
    // mirrored ones the pairing. Measured at
    // L = 8192: two-degree chain 1.8e−12, degree chain 1.1e−12, the scalar degree recursion
    // (normalized_wigner_d) 1.1e−12. With the two-degree chain on the equatorial rings too
    // the error there was 5.3e−12 (ρ = λ_odd/cos θ cancels): hence spin0_chain_min_cos.
    namespace d = sht::detail;
    const int L = 8192;
    // Chunks are 32 lanes, equator first: 32 lanes with |cos θ| < 0.1 (degree chain), 32 with
    // |cos θ| in [0.11, 0.29] (two-degree chain, just above spin0_chain_min_cos), then 41
    // polar lanes from mirrored pairs, the poles' neighbours included.
    std::vector<double> th{pi / (2 * L), pi - pi / (2 * L)};
    for (int i = 0; i < 32; ++i) th.push_back(pi / 2 - 0.099 + 0.197 * i / 31.0);
    for (int i = 0; i < 32; ++i) th.push_back(1.28 + 0.18 * i / 31.0);
    for (int i = 0; i < 40; ++i) {
        th.push_back(0.01 + 0.89 * i / 39.0);
        th.push_back(pi - th.back());
    }
    std::vector<d::ring_trig> trig;
    for (const double t : th) trig.push_back(d::make_ring_trig(t));
    const auto tasks = d::make_legendre_tasks(trig, 0);
    std::vector<int> two_degree(th.size(), -1);  // per ring: which chain serves it
    for (const auto& ch : tasks.all_north)
        for (int j = 0; j < d::chunk_lanes; ++j)
            for (const int r : {ch.out_a[j], ch.out_b[j]})
                if (r >= 0) two_degree[std::size_t(r)] = ch.ychain ? 1 : 0;
    REQUIRE(std::count(two_degree.begin(), two_degree.end(), 1) > 0);
    REQUIRE(std::count(two_degree.begin(), two_degree.end(), 0) > 0);
    REQUIRE(std::count(two_degree.begin(), two_degree.end(), -1) == 0);
    const auto starts = d::make_start_data(L, 0);
    d::legendre_workspace ws(L);
    std::vector<double> re(th.size()), im(th.size());
    const d::column_ref out{re.data(), im.data()};
    double worst[2] = {0, 0}, worst_degree = 0;
    for (const int m : {0, 1, 2, 37, 1000, 4095, 8000, 8191}) {
        const auto& sd = starts[std::size_t(m + L - 1)];
        const auto f = test::normal<std::complex<double>>(std::size_t(L), 77 + std::uint64_t(m));
        d::prepare_coefficients(ws, m, 0, sd, L);
        for (int l = 0; l < L; ++l) {
            ws.alm[std::size_t(2 * l)] = f[std::size_t(l)].real();
            ws.alm[std::size_t(2 * l + 1)] = f[std::size_t(l)].imag();
        }
        d::synthesis_m(tasks, sd, ws, L, m, 0, false, 1, &out, nullptr);
        for (std::size_t r = 0; r < th.size(); ++r) {
            const auto lam = legendre_long_double(L, m, th[r]);
            const auto lam_d = sht::normalized_wigner_d(L, m, 0, th[r]);
            std::complex<long double> ref = 0, ref_d = 0;
            long double scale = 0;
            for (int l = m; l < L; ++l) {
                const std::complex<long double> c(f[std::size_t(l)]);
                ref += c * lam[std::size_t(l)];
                ref_d += c * static_cast<long double>(lam_d[std::size_t(l)]);
                scale += std::abs(c * lam[std::size_t(l)]);
            }
            const double sc = std::max(1.0, double(scale));
            const double e = std::abs(std::complex<double>(re[r], im[r]) - std::complex<double>(ref)) / sc;
            worst[two_degree[r]] = std::max(worst[two_degree[r]], e);
            worst_degree = std::max(worst_degree, double(std::abs(ref_d - ref)) / sc);
        }
    }
    INFO("relative errors: two-degree chain " << worst[1] << ", degree chain " << worst[0]
                                              << "; scalar degree recursion " << worst_degree);
    CHECK(worst[1] <= 3e-12);
    CHECK(worst[0] <= 2e-12);
    CHECK(worst_degree <= 2e-12);
}

namespace {
namespace d = sht::detail;
/// Whether start_values (tables of repeated squares) and start_values_vpow (binary powering,
/// the way before the tables) give the same bits for NB vectors from v0.
template <int NB>
bool same_start_values(const d::legendre_chunk& ch, int v0, const d::start_data& sd) {
    d::vd u[2][NB], l0[2][NB], l1[2][NB], k[2][NB];
    d::lk::start_values<NB>(ch, v0, sd, u[0], l0[0], l1[0], k[0]);
    d::lk::start_values_vpow<NB>(ch, v0, sd, u[1], l0[1], l1[1], k[1]);
    return __builtin_memcmp(u[0], u[1], sizeof(u[0])) == 0 && __builtin_memcmp(l0[0], l0[1], sizeof(l0[0])) == 0 &&
           __builtin_memcmp(l1[0], l1[1], sizeof(l1[0])) == 0 && __builtin_memcmp(k[0], k[1], sizeof(k[0])) == 0;
}
}  // namespace

TEST_CASE("start values: powers from the tables of repeated squares equal vpow bit for bit",
          "[sht][recursion][start]") {
    // table_pows multiplies the same factors in the same order as vpow, scaled by powers of
    // two only: mantissas and the total exponent must agree exactly, for every p up to
    // 2·8192 (the bits above power_levels exercise the on-the-fly squares), for zero
    // mantissas, for one power alone and for two together, and for blocks of 1 to 4
    // vectors at every offset (odd blocks use a half-filled exponent accumulator).
    const auto r = test::uniform<double>(std::size_t(2 * d::chunk_lanes), 91, 0.0, 1.0);
    d::power_level pw[d::power_levels];
    std::vector<double> x(std::size_t(2 * d::chunk_lanes));  // cos mantissas, then sin ones
    for (std::size_t j = 0; j < x.size(); ++j) x[j] = 0.5 + 0.5 * r[j];
    for (const std::size_t j : {0, 9, 40, 63}) x[j] = 0.0;
    x[1] = x[33] = 0.5;
    x[2] = x[34] = std::nextafter(1.0, 0.0);
    x[17] = x[50] = std::nextafter(0.5, 1.0);
    for (int w = 0; w < 2; ++w)
        for (int j = 0; j < d::chunk_lanes; ++j)
            d::lk::fill_squares(x[std::size_t(w * d::chunk_lanes + j)], 0, pw, w, j);
    // vpow of every lane: mantissa and total exponent (frexp of rm plus re); 0 for zero.
    auto reference = [&](int w, long p, std::vector<double>& mant, std::vector<double>& ex) {
        mant.assign(std::size_t(d::chunk_lanes), 0.0);
        ex.assign(std::size_t(d::chunk_lanes), 0.0);
        for (int v = 0; v < d::chunk_vectors; ++v) {
            d::vd xv, rm, re;
            __builtin_memcpy(&xv, x.data() + w * d::chunk_lanes + d::vlen * v, sizeof(xv));
            d::lk::vpow(xv, p, rm, re);
            for (int j = 0; j < d::vlen; ++j) {
                int e = 0;
                mant[std::size_t(d::vlen * v + j)] = std::frexp(rm[j], &e);
                ex[std::size_t(d::vlen * v + j)] = rm[j] == 0.0 ? 0.0 : e + re[j];
            }
        }
    };
    long mismatches = 0, checked = 0;
    std::vector<double> mc, ec, ms, es;
    auto check_block = [&]<int NB>(int v0, long pc, long ps) {
        d::vd cm[NB], sm[NB], e[NB];
        d::lk::table_pows<NB>(pw, d::vlen * v0, pc, ps, cm, sm, e);
        for (int v = 0; v < NB; ++v)
            for (int j = 0; j < d::vlen; ++j) {
                const std::size_t l = std::size_t(d::vlen * (v0 + v) + j);
                int xc = 0, xs = 0;
                const double fc = std::frexp(cm[v][j], &xc), fs = std::frexp(sm[v][j], &xs);
                const bool zero = mc[l] == 0.0 || ms[l] == 0.0;
                const bool same = fc == mc[l] && fs == ms[l] &&
                                  (zero || e[v][j] + xc + xs == ec[l] + es[l]);
                mismatches += same ? 0 : 1;
                ++checked;
            }
    };
    for (long p = 0; p <= 2 * 8192; ++p) {
        const long q = (p * 7919) % (2 * 8192 + 1);
        for (const auto& [pc, ps] : {std::pair{p, 0L}, std::pair{0L, p}, std::pair{p, q}}) {
            reference(0, pc, mc, ec);
            reference(1, ps, ms, es);
            check_block.template operator()<4>(0, pc, ps);
            check_block.template operator()<2>(int(p % 3), pc, ps);
            check_block.template operator()<3>(int(p % 2), pc, ps);
            check_block.template operator()<1>(int(p % 4), pc, ps);
        }
    }
    INFO(checked << " lane powers checked");
    CHECK(mismatches == 0);
}

TEST_CASE("start values from the tables equal the vpow-based ones bit for bit", "[sht][recursion][start]") {
    // Every order of spins 0, 2, 3 at L = 2048 and L = 10000 (powers beyond the tables), on
    // chunks with equatorial, polar and near-pole lanes of both hemispheres and padding, a
    // pole (sin(θ/2) = 0) and θ = 1e−300 (sin(θ/2) exponent −998: the largest table exponents).
    std::vector<double> th{0.0, 1e-300, 1e-4, 1e-3, pi - 1e-4};
    for (int i = 0; i < 61; ++i) th.push_back(0.003 + (pi - 0.006) * i / 60.0);
    for (int i = 0; i < 20; ++i) th.push_back(0.02 * (i + 1));
    std::vector<d::ring_trig> trig;
    for (const double t : th) trig.push_back(d::make_ring_trig(t));
    long checked = 0, mismatches = 0;
    for (const int spin : {0, 2, 3}) {
        const auto tasks = d::make_legendre_tasks(trig, spin);
        for (const int L : {2048, 10000}) {
            const auto starts = d::make_start_data(L, -spin);
            for (const auto* list : {&tasks.all_north, &tasks.all_south, &tasks.m0_north, &tasks.m0_south})
                for (const auto& ch : *list)
                    for (std::size_t i = 0; i < starts.size(); i += (L > 2048 ? 7 : 1)) {
                        const auto& sd = starts[i];
                        bool ok = same_start_values<4>(ch, 0, sd) && same_start_values<2>(ch, 2, sd) &&
                                  same_start_values<1>(ch, 1, sd);
                        mismatches += ok ? 0 : 1;
                        ++checked;
                    }
        }
    }
    INFO(checked << " (chunk, order) pairs");
    CHECK(checked > 10000);
    CHECK(mismatches == 0);
}

TEST_CASE("normalized_wigner_d rejects bad arguments", "[sht][recursion][errors]") {
    CHECK_THROWS_AS(sht::normalized_wigner_d(0, 0, 0, 1.0), invalid_argument);
    CHECK_THROWS_AS(sht::normalized_wigner_d(4, 4, 0, 1.0), invalid_argument);
    CHECK_THROWS_AS(sht::normalized_wigner_d(4, 0, -4, 1.0), invalid_argument);
    CHECK_THROWS_WITH(sht::normalized_wigner_d(4, 5, 0, 1.0), Catch::Contains("m = 5") && Catch::Contains("[-3, 3]"));
}
