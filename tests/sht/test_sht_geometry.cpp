// Ring geometries: sample positions as ssht/s2fft/healpy, quadrature exactness, bad input.
#include <catch2/catch.hpp>

#include <sphaera/sht/geometry.hpp>
#include <sphaera/sht/samplings.hpp>

#include <cmath>
#include <numbers>
#include <vector>

using namespace sphaera;
using std::numbers::pi;

namespace {
/// max_k |Σ_r w_r P(cos θ_r) − ∫ P dx| over monomials x^k, k ≤ degree.
double quadrature_error(const sht::ring_geometry& g, int degree) {
    double worst = 0;
    for (int k = 0; k <= degree; ++k) {
        long double s = 0;
        for (const auto& r : g.rings()) s += r.weight * std::pow(std::cos((long double)r.theta), k);
        const long double exact = (k % 2) ? 0.0L : 2.0L / (k + 1);
        worst = std::max(worst, double(std::abs(s - exact)));
    }
    return worst;
}
}  // namespace

TEST_CASE("MW and MWSS sample positions as ssht", "[sht][geometry]") {
    for (int L : {1, 2, 5, 16}) {
        const auto mw = sht::mw_geometry(L);
        REQUIRE(mw.nrings() == std::size_t(L));
        CHECK(mw.npix() == std::size_t(L * (2 * L - 1)));
        for (int t = 0; t < L; ++t) {
            CHECK(mw[t].theta == Approx(pi * (2 * t + 1) / (2 * L - 1)).epsilon(1e-15));
            CHECK(mw[t].nphi == std::size_t(2 * L - 1));
            CHECK(mw[t].phi0 == 0.0);
            CHECK(mw[t].offset == std::size_t(t * (2 * L - 1)));
        }
        CHECK(mw[L - 1].theta == pi);  // MW's last ring is the south pole
        const auto ss = sht::mwss_geometry(L);
        REQUIRE(ss.nrings() == std::size_t(L + 1));
        CHECK(ss.npix() == std::size_t((L + 1) * 2 * L));
        for (int t = 0; t <= L; ++t) CHECK(ss[t].theta == Approx(pi * t / L).margin(1e-15));
        CHECK(mw.kind() == sht::sampling::mw);
        CHECK(mw.exact_band_limit() == L);
        CHECK_FALSE(mw.has_weights());
    }
}

TEST_CASE("Gauss-Legendre, Driscoll-Healy and Clenshaw-Curtis quadratures are exact", "[sht][geometry]") {
    for (int L : {1, 2, 3, 8, 33, 64}) {
        INFO("L = " << L);
        const auto gl = sht::gauss_legendre_geometry(L);
        CHECK(gl.nrings() == std::size_t(L));
        CHECK(gl.max_nphi() == std::size_t(2 * L - 1));
        CHECK(quadrature_error(gl, 2 * L - 1) < 1e-14);
        for (std::size_t r = 1; r < gl.nrings(); ++r) CHECK(gl[r].theta > gl[r - 1].theta);
        const auto dh = sht::driscoll_healy_geometry(L);
        CHECK(dh.nrings() == std::size_t(2 * L));
        for (int t = 0; t < 2 * L; ++t) CHECK(dh[t].theta == Approx(pi * (2 * t + 1) / (4 * L)).epsilon(1e-15));
        CHECK(quadrature_error(dh, 2 * L - 1) < 1e-14);
        const auto cc = sht::clenshaw_curtis_geometry(L);
        CHECK(cc.nrings() == std::size_t(L > 1 ? 2 * L - 1 : 2));
        CHECK(cc[0].theta == 0.0);
        CHECK(cc[cc.nrings() - 1].theta == pi);
        CHECK(quadrature_error(cc, 2 * L - 2) < 1e-14);
    }
}

TEST_CASE("HEALPix RING positions as healpy", "[sht][geometry]") {
    // nside = 1: three rings z = 2/3, 0, −2/3 of 4 pixels; healpy pix2ang(1, 4) = (π/2, 0).
    const auto h1 = sht::healpix_geometry(1);
    REQUIRE(h1.nrings() == 3);
    CHECK(h1.npix() == 12);
    CHECK(h1[0].theta == Approx(std::acos(2.0 / 3)).epsilon(1e-15));
    CHECK(h1[1].theta == Approx(pi / 2).epsilon(1e-15));
    CHECK(h1[2].theta == Approx(std::acos(-2.0 / 3)).epsilon(1e-15));
    CHECK(h1[0].phi0 == Approx(pi / 4));
    CHECK(h1[1].phi0 == 0.0);
    CHECK(h1[2].phi0 == Approx(pi / 4));
    for (long long nside : {1LL, 2LL, 3LL, 5LL, 8LL}) {  // 3 and 5: RING needs no power of two
        const auto g = sht::healpix_geometry(nside);
        const double n = double(nside);
        CHECK(g.nrings() == std::size_t(4 * nside - 1));
        CHECK(g.npix() == std::size_t(12 * nside * nside));
        double wsum = 0;
        for (std::size_t k = 0; k < g.nrings(); ++k) {
            const long long i = (long long)k + 1;
            const auto& r = g[k];
            wsum += r.weight;
            double z;
            if (i < nside) { z = 1 - double(i * i) / (3 * n * n); CHECK(r.nphi == std::size_t(4 * i)); CHECK(r.phi0 == Approx(pi / (4.0 * i))); }
            else if (i <= 3 * nside) { z = 4.0 / 3 - 2.0 * double(i) / (3 * n); CHECK(r.nphi == std::size_t(4 * nside));
                                       CHECK(r.phi0 == Approx(((i - nside) % 2 == 0) ? pi / (4 * n) : 0.0)); }
            else { const long long j = 4 * nside - i; z = -(1 - double(j * j) / (3 * n * n)); CHECK(r.nphi == std::size_t(4 * j)); }
            CHECK(std::cos(r.theta) == Approx(z).margin(1e-15));
        }
        CHECK(wsum == Approx(2.0).epsilon(1e-14));
        CHECK(g.exact_band_limit() == 0);
    }
}

TEST_CASE("custom geometries and rotation", "[sht][geometry]") {
    const std::vector<double> th{0.1, 1.0, 3.0};
    const std::vector<std::size_t> np{3, 5, 1};
    const auto g = sht::custom_geometry(th, np);
    CHECK(g.npix() == 9);
    CHECK(g[2].offset == 8);
    CHECK_FALSE(g.has_weights());
    const auto r = g.rotated_about_z(0.25);
    CHECK(r[1].phi0 == 0.25);
    CHECK(r.kind() == sht::sampling::custom);
}

TEST_CASE("geometry factories reject bad input", "[sht][geometry][errors]") {
    CHECK_THROWS_AS(sht::mw_geometry(0), invalid_argument);
    CHECK_THROWS_WITH(sht::mwss_geometry(-3), Catch::Contains("L = -3") && Catch::Contains("[1, "));
    CHECK_THROWS_AS(sht::gauss_legendre_geometry(0), invalid_argument);
    CHECK_THROWS_AS(sht::driscoll_healy_geometry(0), invalid_argument);
    CHECK_THROWS_AS(sht::clenshaw_curtis_geometry(0), invalid_argument);
    CHECK_THROWS_WITH(sht::healpix_geometry(0), Catch::Contains("nside = 0"));
    CHECK_THROWS_AS(sht::healpix_geometry(-1), invalid_argument);
    const std::vector<double> th{0.5, 4.0};
    const std::vector<std::size_t> np{3, 3}, np0{3, 0}, np1{3};
    CHECK_THROWS_WITH(sht::custom_geometry(th, np), Catch::Contains("theta = 4") && Catch::Contains("[0, pi]"));
    const std::vector<double> ok{0.5, 1.0};
    CHECK_THROWS_WITH(sht::custom_geometry(ok, np0), Catch::Contains("nphi = 0"));
    CHECK_THROWS_AS(sht::custom_geometry(ok, np1), shape_mismatch);
    const std::vector<double> badw{1.0, -1.0};
    CHECK_THROWS_WITH(sht::custom_geometry(ok, np, {}, badw), Catch::Contains("weight = -1"));
    CHECK_THROWS_AS(sht::custom_geometry({}, {}), invalid_argument);
    const std::vector<double> nanphi{0.0, std::nan("")};
    CHECK_THROWS_AS(sht::custom_geometry(ok, np, nanphi), invalid_argument);
}

TEST_CASE("Gauss-Legendre nodes and weights to an ulp at large n", "[sht][geometry][quadrature]") {
    // Reference: Newton's method on P_n(cos θ) in IEEE quad precision (__float128, 112-bit
    // mantissa, 12 iterations from Tricomi's guess; weight 2 sin²θ / (n P_{n−1})²), rounded
    // to double. The polar nodes are the hard ones: the plain three-term recurrence loses
    // ~ε n^{3/2} there (the previous long double implementation was 4e−12 off at k = 1).
    struct ref { int n, k; double theta, weight; };
    const ref refs[] = {
        {2048, 1, 0.0011739446101135644, 1.7683833666660712e-06},
        {2048, 2, 0.002694692729058337, 4.1164558305822254e-06},
        {2048, 7, 0.010354716338424183, 1.5875379685302668e-05},
        {2048, 100, 0.15297742883138321, 0.0002336928801996773},
        {2048, 512, 0.7848230908298961, 0.0010837995993926658},
        {2048, 1024, 1.5700295236316042, 0.0015336058757143302},
        {8192, 1, 0.00029353989090056062, 1.1056446260090729e-07},
        {8192, 2, 0.00067379653425198819, 2.5737300727962705e-07},
        {8192, 7, 0.0025891530810754891, 9.9259124704775291e-07},
        {8192, 100, 0.038251359888063996, 1.4664722066381824e-05},
        {8192, 2048, 0.78525436333851029, 0.00027111650832132049},
        {8192, 4096, 1.5706045908993984, 0.0003834717839477808},
    };
    int last = 0;
    sht::quadrature_rule q;
    for (const auto& r : refs) {
        if (r.n != last) q = sht::gauss_legendre_rule(last = r.n);
        INFO("n = " << r.n << ", k = " << r.k);
        const auto i = std::size_t(r.k - 1), j = std::size_t(r.n - r.k);
        CHECK(std::abs(q.theta[i] - r.theta) <= 2.3e-16 * r.theta);     // ≤ 1 ulp
        CHECK(std::abs(q.weight[i] - r.weight) <= 4.5e-16 * r.weight);  // ≤ 2 ulp
        CHECK(q.weight[j] == q.weight[i]);
        CHECK(std::abs(q.theta[j] - (pi - r.theta)) <= 4.5e-16);
    }
}
