// Layout converters: default 1-D ℓ²+ℓ+m ↔ healpy m-major triangular ↔ s2fft 2-D (L, 2L−1).
#include <catch2/catch.hpp>

#include <sphaera/sht/layout.hpp>

#include <complex>
#include <vector>

#include "support/backends.hpp"

using namespace sphaera;
using C = std::complex<double>;

TEST_CASE("indices", "[sht][layout]") {
    CHECK(sht::alm_index(0, 0) == 0);
    CHECK(sht::alm_index(1, -1) == 1);
    CHECK(sht::alm_index(2, 2) == 8);
    CHECK(sht::alm_count(5) == 25);
    // healpy.Alm.getidx(lmax=4, l, m) = m*(2*lmax+1-m)//2 + l
    CHECK(sht::healpy_index(5, 0, 0) == 0);
    CHECK(sht::healpy_index(5, 4, 0) == 4);
    CHECK(sht::healpy_index(5, 1, 1) == 5);
    CHECK(sht::healpy_index(5, 4, 4) == 14);
    CHECK(sht::healpy_count(5) == 15);
}

TEST_CASE("healpy round trip of a Hermitian (real-field) set", "[sht][layout]") {
    const int L = 9;
    auto h = test::normal<C>(sht::healpy_count(L), 3);
    for (int l = 0; l < L; ++l) h[sht::healpy_index(L, l, 0)] = h[sht::healpy_index(L, l, 0)].real();
    std::vector<C> a(sht::alm_count(L)), h2(h.size());
    sht::from_healpy(L, view<const C>(h.data(), h.size()), view<C>(a.data(), a.size()));
    for (int l = 0; l < L; ++l)
        for (int m = 1; m <= l; ++m)
            CHECK(a[sht::alm_index(l, -m)] == (m % 2 ? -1.0 : 1.0) * std::conj(a[sht::alm_index(l, m)]));
    sht::to_healpy(L, view<const C>(a.data(), a.size()), view<C>(h2.data(), h2.size()));
    CHECK(h2 == h);
}

TEST_CASE("s2fft 2-D round trip", "[sht][layout]") {
    const int L = 6;
    const auto a = test::normal<C>(sht::alm_count(L), 4);
    std::vector<C> f(std::size_t(L * (2 * L - 1)), C(7, 7)), b(a.size());
    sht::to_2d(L, view<const C>(a.data(), a.size()), view<C>(f.data(), f.size()));
    CHECK(f[std::size_t(3 * (2 * L - 1) + (L - 1) + 2)] == a[sht::alm_index(3, 2)]);
    CHECK(f[std::size_t(1 * (2 * L - 1) + (L - 1) + 3)] == C(0));  // |m| > ℓ
    sht::from_2d(L, view<const C>(f.data(), f.size()), view<C>(b.data(), b.size()));
    CHECK(b == a);
}

TEST_CASE("layout converters reject bad sizes", "[sht][layout][errors]") {
    // A size the optimiser cannot see: with a literal 11, g++ -O3 follows the (throwing)
    // size check into the copy loop and warns about the bounds it would overrun.
    volatile std::size_t bad_size = 11;
    std::vector<C> a(16), h(10), bad(bad_size), f(4 * 7);
    CHECK_THROWS_AS(sht::to_healpy(4, view<const C>(a.data(), a.size()), view<C>(bad.data(), bad.size())), shape_mismatch);
    CHECK_THROWS_AS(sht::from_healpy(4, view<const C>(bad.data(), bad.size()), view<C>(a.data(), a.size())), shape_mismatch);
    CHECK_THROWS_AS(sht::to_2d(4, view<const C>(a.data(), a.size()), view<C>(bad.data(), bad.size())), shape_mismatch);
    CHECK_THROWS_AS(sht::from_2d(4, view<const C>(f.data(), f.size()), view<C>(bad.data(), bad.size())), shape_mismatch);
    CHECK_THROWS_WITH(sht::to_healpy(0, view<const C>(a.data(), 0), view<C>(h.data(), 0)), Catch::Contains("L = 0"));
}
