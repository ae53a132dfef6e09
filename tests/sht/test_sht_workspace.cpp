// sht::plan and sht::real_plan: the workspace overloads (allocation-free execution) and the
// batched transforms give the same results as the allocating calls; MW synthesis through the
// symmetric nodes matches the direct ring sums; the any-size DFT (Bluestein) is exact;
// batches that share the Legendre recursion equal the per-map transforms.
#include <catch2/catch.hpp>

#include <sphaera/backend/fftw_engine.hpp>
#include <sphaera/core/bulk_memory.hpp>
#include <sphaera/sht/plan.hpp>
#include <sphaera/sht/real_plan.hpp>
#include <sphaera/sht/samplings.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <vector>

#include "support/backends.hpp"

using namespace sphaera;

namespace {
template <class T>
double max_diff(const std::vector<T>& a, const std::vector<T>& b) {
    double e = 0;
    for (std::size_t i = 0; i < a.size(); ++i) e = std::max(e, double(std::abs(a[i] - b[i])));
    return e;
}
}  // namespace

TEST_CASE("any_size_dft matches the naive DFT (direct and Bluestein sizes)", "[sht][fft]") {
    using backend::fft_direction;
    for (std::size_t n : {1ul, 7ul, 97ul, 257ul, 263ul, 511ul, 1023ul})
        for (auto dir : {fft_direction::forward, fft_direction::backward}) {
            backend::any_size_dft<double> p(n, dir);
            auto x = test::normal<std::complex<double>>(n, 7 + n);
            auto y = x;
            std::vector<std::complex<double>> s(p.scratch_size());
            p.execute(y.data(), s.data());
            const double sg = dir == fft_direction::forward ? -1.0 : 1.0;
            double err = 0, mx = 0;
            for (std::size_t k = 0; k < n; ++k) {
                std::complex<double> acc = 0;
                for (std::size_t j = 0; j < n; ++j)
                    acc += x[j] * std::polar(1.0, sg * 2 * std::numbers::pi * double((j * k) % n) / double(n));
                err = std::max(err, std::abs(acc - y[k]));
                mx = std::max(mx, std::abs(acc));
            }
            INFO("n = " << n << " bluestein " << p.uses_bluestein());
            REQUIRE(err <= 1e-13 * std::max(mx, 1.0));
        }
}

TEMPLATE_TEST_CASE("workspace and batched calls equal the allocating calls", "[sht][workspace]", backend::serial,
                   backend::openmp) {
    const int L = 24;
    for (int which = 0; which < 3; ++which)
        for (int s : {0, 2}) {
            const auto g = which == 0 ? sht::mw_geometry(L) : which == 1 ? sht::mwss_geometry(L)
                                                                          : sht::gauss_legendre_geometry(L);
            const sht::plan<double, TestType> p(L, s, g);
            auto w = p.make_workspace();
            const std::size_t nb = 3;
            auto alm = test::normal<std::complex<double>>(nb * p.alm_size(), 11);
            for (std::size_t b = 0; b < nb; ++b)
                for (int l = 0; l < s; ++l)
                    for (int m = -l; m <= l; ++m) alm[b * p.alm_size() + std::size_t(l * l + l + m)] = 0;
            std::vector<std::complex<double>> maps(nb * p.map_size()), back(nb * p.alm_size());
            p.synthesis_batch({alm.data(), alm.size()}, {maps.data(), maps.size()}, w);
            p.analysis_batch({maps.data(), maps.size()}, {back.data(), back.size()}, w);
            REQUIRE(max_diff(alm, back) <= 1e-12);
            for (std::size_t b = 0; b < nb; ++b) {
                std::vector<std::complex<double>> a1(alm.begin() + long(b * p.alm_size()), alm.begin() + long((b + 1) * p.alm_size()));
                std::vector<std::complex<double>> m1(p.map_size()), m2(p.map_size()), r1(p.alm_size()), r2(p.alm_size());
                p.synthesis({a1.data(), a1.size()}, {m1.data(), m1.size()});
                p.synthesis({a1.data(), a1.size()}, {m2.data(), m2.size()}, w);
                REQUIRE(max_diff(m1, m2) == 0.0);
                p.adjoint_synthesis({m1.data(), m1.size()}, {r1.data(), r1.size()});
                p.adjoint_synthesis({m1.data(), m1.size()}, {r2.data(), r2.size()}, w);
                REQUIRE(max_diff(r1, r2) == 0.0);
                p.adjoint_analysis({a1.data(), a1.size()}, {m1.data(), m1.size()});
                p.adjoint_analysis({a1.data(), a1.size()}, {m2.data(), m2.size()}, w);
                REQUIRE(max_diff(m1, m2) == 0.0);
            }
            const sht::plan<double, TestType> other(L + 1, s, sht::gauss_legendre_geometry(L + 1));
            auto wrong = other.make_workspace();
            std::vector<std::complex<double>> m1(p.map_size()), a1(p.alm_size());
            REQUIRE_THROWS_AS(p.synthesis({a1.data(), a1.size()}, {m1.data(), m1.size()}, wrong), invalid_argument);
            REQUIRE_THROWS_AS(p.synthesis_batch({alm.data(), alm.size() - 1}, {maps.data(), maps.size()}, w), shape_mismatch);
        }
    // Real path.
    const sht::real_plan<double, TestType> rp(L, sht::mw_geometry(L));
    auto rw = rp.make_workspace();
    auto alm = test::normal<std::complex<double>>(2 * rp.alm_size(), 5);
    std::vector<double> maps(2 * rp.map_size());
    std::vector<std::complex<double>> back(alm.size());
    rp.synthesis_batch({alm.data(), alm.size()}, {maps.data(), maps.size()}, rw);
    rp.analysis_batch({maps.data(), maps.size()}, {back.data(), back.size()}, rw);
    for (std::size_t b = 0; b < 2; ++b)
        for (int l = 0; l < L; ++l)
            for (int m = 0; m <= l; ++m) {
                const auto i = b * rp.alm_size() + std::size_t(l * l + l + m);
                const auto want = m == 0 ? std::complex<double>(alm[i].real(), 0) : alm[i];
                REQUIRE(std::abs(back[i] - want) <= 1e-12);
            }
}

TEST_CASE("MW synthesis through the symmetric nodes equals the direct ring sums", "[sht][mw]") {
    // A custom geometry with the MW rings takes the direct (unresampled) path.
    for (int L : {5, 16, 31})
        for (int s : {0, 1, -2}) {
            if (std::abs(s) >= L) continue;
            const auto mw = sht::mw_geometry(L);
            const sht::ring_geometry custom(std::vector<sht::ring>(mw.rings().begin(), mw.rings().end()), sht::sampling::custom, 0);
            const sht::plan<double> a(L, s, mw), b(L, s, custom);
            auto alm = test::normal<std::complex<double>>(a.alm_size(), 3);
            std::vector<std::complex<double>> m1(a.map_size()), m2(a.map_size());
            a.synthesis({alm.data(), alm.size()}, {m1.data(), m1.size()});
            b.synthesis({alm.data(), alm.size()}, {m2.data(), m2.size()});
            REQUIRE(max_diff(m1, m2) <= 1e-12);
        }
}

TEMPLATE_TEST_CASE("batched transforms share the recursion and equal the per-map transforms", "[sht][workspace][batch]",
                   backend::serial, backend::openmp) {
    // Batches of 3: one pair through the shared Legendre pass, then a single map. GL (ring
    // pairs) and HEALPix (unpaired polar rings, weighted one-step analysis), spin 0 and 2,
    // complex and real plans; every map against its own non-batched call.
    const int L = 33;
    const std::size_t nb = 3;
    auto scale_of = [](const auto& v) {
        double s = 0;
        for (const auto& x : v) s = std::max(s, double(std::abs(x)));
        return s;
    };
    for (int which = 0; which < 2; ++which) {
        const auto g = which == 0 ? sht::gauss_legendre_geometry(L) : sht::healpix_geometry(16);
        for (int s : {0, 2}) {
            INFO("geometry " << which << ", spin " << s);
            const sht::plan<double, TestType> p(L, s, g);
            auto w = p.make_workspace();
            auto alm = test::normal<std::complex<double>>(nb * p.alm_size(), 21);
            auto maps_in = test::normal<std::complex<double>>(nb * p.map_size(), 22);
            std::vector<std::complex<double>> maps(nb * p.map_size()), back(nb * p.alm_size());
            p.synthesis_batch({alm.data(), alm.size()}, {maps.data(), maps.size()}, w);
            p.analysis_batch({maps_in.data(), maps_in.size()}, {back.data(), back.size()}, w);
            for (std::size_t b = 0; b < nb; ++b) {
                std::vector<std::complex<double>> a1(alm.begin() + long(b * p.alm_size()), alm.begin() + long((b + 1) * p.alm_size()));
                std::vector<std::complex<double>> f1(maps_in.begin() + long(b * p.map_size()),
                                                     maps_in.begin() + long((b + 1) * p.map_size()));
                std::vector<std::complex<double>> m1(p.map_size()), r1(p.alm_size());
                p.synthesis({a1.data(), a1.size()}, {m1.data(), m1.size()});
                p.analysis({f1.data(), f1.size()}, {r1.data(), r1.size()});
                std::vector<std::complex<double>> mb(maps.begin() + long(b * p.map_size()), maps.begin() + long((b + 1) * p.map_size()));
                std::vector<std::complex<double>> rb(back.begin() + long(b * p.alm_size()), back.begin() + long((b + 1) * p.alm_size()));
                INFO("member " << b);
                CHECK(max_diff(mb, m1) <= 1e-14 * scale_of(m1));
                CHECK(max_diff(rb, r1) <= 1e-14 * scale_of(r1));
            }
        }
        const sht::real_plan<double, TestType> rp(L, g);
        auto rw = rp.make_workspace();
        auto ralm = test::normal<std::complex<double>>(nb * rp.alm_size(), 23);
        auto rmaps_in = test::normal<double>(nb * rp.map_size(), 24);
        std::vector<double> rmaps(nb * rp.map_size());
        std::vector<std::complex<double>> rback(nb * rp.alm_size());
        rp.synthesis_batch({ralm.data(), ralm.size()}, {rmaps.data(), rmaps.size()}, rw);
        rp.analysis_batch({rmaps_in.data(), rmaps_in.size()}, {rback.data(), rback.size()}, rw);
        for (std::size_t b = 0; b < nb; ++b) {
            std::vector<std::complex<double>> a1(ralm.begin() + long(b * rp.alm_size()), ralm.begin() + long((b + 1) * rp.alm_size()));
            std::vector<double> f1(rmaps_in.begin() + long(b * rp.map_size()), rmaps_in.begin() + long((b + 1) * rp.map_size()));
            std::vector<double> m1(rp.map_size());
            std::vector<std::complex<double>> r1(rp.alm_size());
            rp.synthesis({a1.data(), a1.size()}, {m1.data(), m1.size()});
            rp.analysis({f1.data(), f1.size()}, {r1.data(), r1.size()});
            std::vector<double> mb(rmaps.begin() + long(b * rp.map_size()), rmaps.begin() + long((b + 1) * rp.map_size()));
            std::vector<std::complex<double>> rb(rback.begin() + long(b * rp.alm_size()), rback.begin() + long((b + 1) * rp.alm_size()));
            INFO("real plan, geometry " << which << ", member " << b);
            CHECK(max_diff(mb, m1) <= 1e-14 * scale_of(m1));
            CHECK(max_diff(rb, r1) <= 1e-14 * scale_of(r1));
        }
    }
}

TEST_CASE("huge_page_array: zeroed, aligned, resizable, movable", "[sht][workspace][memory]") {
    using cd = std::complex<double>;
    auto aligned_to = [](const void* p, std::uintptr_t a) { return reinterpret_cast<std::uintptr_t>(p) % a == 0; };
    detail::huge_page_array<cd> small(10), big(300000);  // 160 B and 4.8 MB
    REQUIRE(small.size() == 10);
    REQUIRE(aligned_to(small.data(), 64));
    REQUIRE(aligned_to(big.data(), detail::huge_page_array<cd>::huge_page_bytes));
    REQUIRE(std::all_of(big.data(), big.data() + big.size(), [](cd v) { return v == cd(0); }));
    big[5] = cd(1, 2);
    big.resize(300001);  // a new size: fresh zeros
    REQUIRE(big[5] == cd(0));
    big[7] = cd(3, 4);
    big.resize(300001);  // the same size: kept
    REQUIRE(big[7] == cd(3, 4));
    detail::huge_page_array<cd> moved(std::move(big));
    REQUIRE(moved.size() == 300001);
    REQUIRE(moved[7] == cd(3, 4));
    REQUIRE(big.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
    moved.resize(0);
    REQUIRE(moved.empty());
}

TEST_CASE("ring steps: maps at any alignment give the same bits", "[sht][workspace][memory]") {
    using cf = std::complex<float>;
    // Mixed blocks: HEALPix nside 8 at L = 16 has rotated/folded polar rings and unrotated
    // equatorial rings of 32 ≥ 2L − 1 (the direct spectrum rows) side by side; GL only the latter.
    for (int which = 0; which < 2; ++which)
        for (int s : {0, 2}) {
            const auto g = which == 0 ? sht::healpix_geometry(8) : sht::gauss_legendre_geometry(16);
            const sht::plan<float> p(16, s, g);
            auto w = p.make_workspace();
            const auto alm64 = test::normal<std::complex<double>>(p.alm_size(), 41);
            std::vector<cf> alm(alm64.begin(), alm64.end());
            std::vector<cf> m0(p.map_size()), a0(p.alm_size()), a1(p.alm_size());
            p.synthesis({alm.data(), alm.size()}, {m0.data(), m0.size()}, w);
            p.adjoint_synthesis({m0.data(), m0.size()}, {a0.data(), a0.size()}, w);
            // The same maps 8 and 4 bytes off (complex<float> needs only 4-byte alignment).
            for (std::size_t off : {8u, 4u}) {
                std::vector<unsigned char> raw((p.map_size() + 2) * sizeof(cf));
                auto* m1 = reinterpret_cast<cf*>(raw.data() + off);
                p.synthesis({alm.data(), alm.size()}, {m1, p.map_size()}, w);
                INFO("geometry " << which << " spin " << s << " offset " << off);
                REQUIRE(std::memcmp(m1, m0.data(), p.map_size() * sizeof(cf)) == 0);
                p.adjoint_synthesis({m1, p.map_size()}, {a1.data(), a1.size()}, w);
                REQUIRE(std::memcmp(a1.data(), a0.data(), a0.size() * sizeof(cf)) == 0);
            }
        }
}

TEST_CASE("real ring steps: a misaligned map (FFTW's unaligned plans) agrees with an aligned one", "[sht][real][memory]") {
    // HEALPix (folded and direct rows, FFTW real plans) and GL (odd rings paired through one complex DFT).
    for (int which = 0; which < 2; ++which) {
        const auto g = which == 0 ? sht::healpix_geometry(8) : sht::gauss_legendre_geometry(16);
        const sht::real_plan<double> p(16, g);
        auto w = p.make_workspace();
        const auto alm = test::normal<std::complex<double>>(p.alm_size(), 45);
        std::vector<double> m0(p.map_size()), buf(p.map_size() + 1);
        double* m1 = buf.data() + 1;  // 8 bytes off FFTW's 16-byte alignment
        std::vector<std::complex<double>> a0(p.alm_size()), a1(p.alm_size());
        p.synthesis({alm.data(), alm.size()}, {m0.data(), m0.size()}, w);
        p.synthesis({alm.data(), alm.size()}, {m1, p.map_size()}, w);
        double scale = 0, err = 0;
        for (std::size_t i = 0; i < m0.size(); ++i) {
            scale = std::max(scale, std::abs(m0[i]));
            err = std::max(err, std::abs(m0[i] - m1[i]));
        }
        INFO("geometry " << which);
        REQUIRE(err <= 1e-14 * scale);
        p.analysis({m0.data(), m0.size()}, {a0.data(), a0.size()}, w);
        p.analysis({m1, p.map_size()}, {a1.data(), a1.size()}, w);
        REQUIRE(max_diff(a0, a1) <= 1e-14 * std::max(1.0, scale));
    }
}
