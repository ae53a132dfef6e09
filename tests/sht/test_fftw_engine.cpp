// backend::fftw_dft against a direct DFT, in place and out of place, double and float,
// concurrent execution, move semantics and bad sizes.
#include <catch2/catch.hpp>

#include <sphaera/backend/fftw_engine.hpp>

#include <complex>
#include <numbers>
#include <thread>
#include <vector>

#include "support/backends.hpp"

using namespace sphaera;
using backend::fft_direction;
using backend::fft_placement;

TEMPLATE_TEST_CASE("fftw_dft matches the direct DFT", "[sht][fftw]", float, double) {
    using T = TestType;
    const double tol = std::is_same_v<T, double> ? 1e-13 : 2e-5;
    for (std::size_t n : {1u, 2u, 7u, 16u, 45u}) {
        const auto x = test::normal<std::complex<T>>(n, 3);
        for (auto dir : {fft_direction::forward, fft_direction::backward}) {
            const double sgn = dir == fft_direction::forward ? -1.0 : 1.0;
            std::vector<std::complex<long double>> ref(n);
            for (std::size_t k = 0; k < n; ++k)
                for (std::size_t j = 0; j < n; ++j)
                    ref[k] += std::complex<long double>(x[j].real(), x[j].imag()) *
                              std::polar(1.0L, sgn * 2 * std::numbers::pi_v<long double> * (long double)((j * k) % n) / n);
            const backend::fftw_dft<T> ip(n, dir, fft_placement::in_place);
            const backend::fftw_dft<T> op(n, dir, fft_placement::out_of_place);
            auto y = x;
            ip.execute(y.data());
            std::vector<std::complex<T>> z(n);
            op.execute(x.data(), z.data());
            for (std::size_t k = 0; k < n; ++k) {
                CHECK(std::abs(std::complex<long double>(y[k]) - ref[k]) < tol * std::sqrt(double(n)) * 3);
                CHECK(std::abs(std::complex<long double>(z[k]) - ref[k]) < tol * std::sqrt(double(n)) * 3);
            }
            CHECK(ip.size() == n);
        }
    }
}

TEST_CASE("fftw_dft executes concurrently and moves", "[sht][fftw]") {
    backend::fftw_dft<double> p(64, fft_direction::forward, fft_placement::in_place);
    backend::fftw_dft<double> q(std::move(p));
    CHECK(q.size() == 64);
    const auto x = test::normal<std::complex<double>>(64, 1);
    auto expect = x;
    q.execute(expect.data());
    std::vector<std::vector<std::complex<double>>> outs(4, x);
    std::vector<std::thread> ts;
    for (auto& o : outs) ts.emplace_back([&q, &o] { q.execute(o.data()); });
    // Planning on other threads at the same time is serialised by the planner mutex.
    for (int k = 0; k < 4; ++k)
        ts.emplace_back([k] { backend::fftw_dft<float> f(100 + std::size_t(k), fft_direction::backward, fft_placement::in_place); });
    for (auto& t : ts) t.join();
    for (const auto& o : outs) CHECK(o == expect);
}

TEST_CASE("fftw_dft rejects bad sizes", "[sht][fftw][errors]") {
    CHECK_THROWS_WITH(backend::fftw_dft<double>(0, fft_direction::forward, fft_placement::in_place),
                      Catch::Contains("n = 0") && Catch::Contains("[1, 2^30]"));
    backend::fftw_dft_set<float> set;
    set.add(12);
    CHECK(set.get(12, fft_direction::forward).size() == 12);
    CHECK_THROWS_AS(set.get(13, fft_direction::forward), invalid_argument);
}

namespace {
/// max |DFT_naive(x) − y| / max(1, max |DFT_naive(x)|) with sign sg (−1 forward).
double dft_error(const std::vector<std::complex<double>>& x, const std::vector<std::complex<double>>& y, double sg) {
    const std::size_t n = x.size();
    double err = 0, mx = 1;
    for (std::size_t k = 0; k < n; ++k) {
        std::complex<double> acc = 0;
        for (std::size_t j = 0; j < n; ++j)
            acc += x[j] * std::polar(1.0, sg * 2 * std::numbers::pi * double((j * k) % n) / double(n));
        err = std::max(err, std::abs(acc - y[k]));
        mx = std::max(mx, std::abs(acc));
    }
    return err / mx;
}
}  // namespace

TEST_CASE("any_size_dft fast_planning, reversed() and unaligned data match the naive DFT", "[sht][fft]") {
    using pol = backend::any_size_dft<double>::policy;
    // ≤ 128 and 384 = 3·128 direct (aligned plan only), 212 = 4·53, 1000, 1004 Bluestein.
    for (std::size_t n : {12ul, 28ul, 44ul, 384ul, 212ul, 1000ul, 1004ul}) {
        const backend::any_size_dft<double> f(n, fft_direction::forward, pol::fast_planning);
        const backend::any_size_dft<double> b = f.reversed();
        CHECK(f.uses_bluestein() == (n == 212 || n == 1000 || n == 1004));
        const auto x = test::normal<std::complex<double>>(n, 11 + n);
        std::vector<std::complex<double>> s(std::max(f.scratch_size(), b.scratch_size()));
        // One element in: data that is not 64-byte aligned takes the unaligned route.
        std::vector<std::complex<double>> buf(n + 1);
        std::copy(x.begin(), x.end(), buf.begin() + 1);
        f.execute(buf.data() + 1, s.data());
        INFO("n = " << n);
        CHECK(dft_error(x, std::vector<std::complex<double>>(buf.begin() + 1, buf.end()), -1.0) <= 1e-13);
        auto y = x;
        b.execute(y.data(), s.data());
        CHECK(dft_error(x, y, 1.0) <= 1e-13);
    }
}

TEST_CASE("any_size_dft_set shares plans and picks Bluestein for rare awkward lengths", "[sht][fft]") {
    backend::any_size_dft_set<double> set;
    set.add_all(std::vector<std::size_t>{212, 212, 44, 768});
    set.add(4095, 2048);  // 3²·5·7·13 on many rings: FFTW directly
    CHECK(set.get(212, fft_direction::forward).uses_bluestein());
    CHECK(set.get(212, fft_direction::backward).uses_bluestein());
    CHECK_FALSE(set.get(44, fft_direction::forward).uses_bluestein());
    CHECK_FALSE(set.get(768, fft_direction::forward).uses_bluestein());
    CHECK_FALSE(set.get(4095, fft_direction::backward).uses_bluestein());
    CHECK(set.scratch_size() >= set.get(212, fft_direction::forward).scratch_size());
    CHECK_THROWS_AS(set.get(45, fft_direction::forward), invalid_argument);
}
