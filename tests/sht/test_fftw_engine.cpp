// backend::fftw_dft against a direct DFT, in place and out of place, double and float,
// concurrent execution, move semantics and bad sizes; its radix-4 split of large sizes; backend::any_size_dft (FFTW directly
// or the split Bluestein) against the naive DFT at awkward lengths, and its size rule; the
// prime-factor two_factor_dft against the naive DFT, its splits and errors; the
// real-data pair (aligned and FFTW_UNALIGNED plans) against the naive DFT.
#include <catch2/catch.hpp>

#include <sphaera/backend/fftw_engine.hpp>
#include <sphaera/backend/two_factor_dft.hpp>
#include <sphaera/sht/real_fft.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <thread>
#include <type_traits>
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

TEMPLATE_TEST_CASE("fftw_dft's radix-4 split of large sizes matches the DFT", "[sht][fftw]", float, double) {
    using T = TestType;
    using cpx = std::complex<T>;
    const double tol = std::is_same_v<T, double> ? 2e-15 : 1e-6;  // relative to max |X|
    using fd = backend::fftw_dft<T>;
    // The size rule: above 4096, divisible by 8, a 7-smooth quarter, FFTW_ESTIMATE only.
    CHECK(fd::splits(8192, FFTW_ESTIMATE));
    CHECK(fd::splits(12288, FFTW_ESTIMATE));
    CHECK_FALSE(fd::splits(4096, FFTW_ESTIMATE));
    CHECK_FALSE(fd::splits(4104, FFTW_ESTIMATE));  // quarter 1026 = 2·3³·19
    CHECK_FALSE(fd::splits(8196, FFTW_ESTIMATE));  // not divisible by 8
    CHECK_FALSE(fd::splits(8192, FFTW_MEASURE));
    // 65536 splits twice (its quarter 16384 splits again, into 4096s).
    for (std::size_t n : {4104u, 8192u, 10240u, 12288u, 65536u}) {
        for (auto dir : {fft_direction::forward, fft_direction::backward}) {
            const long double sg = dir == fft_direction::forward ? -1.0L : 1.0L;
            const auto x = test::normal<cpx>(n, 7 + n);
            const fd op(n, dir, fft_placement::out_of_place, FFTW_ESTIMATE, true);
            const fd ip(n, dir, fft_placement::in_place);  // unaligned plan
            CHECK(op.is_split() == (n != 4104));
            std::vector<cpx> y(n), z = x;
            op.execute(x.data(), y.data());
            ip.execute(z.data());
            double dz = 0;  // in place, through FFTW_UNALIGNED plans
            for (std::size_t k = 0; k < n; ++k) dz = std::max(dz, double(std::abs(z[k] - y[k])));
            CHECK(dz / (4 * std::sqrt(double(n))) < tol);
            // 24 outputs against the DFT in long double (O(n) each), scaled by max |X| ≈ √n·4.
            double err = 0;
            for (std::size_t i = 0; i < 24; ++i) {
                const std::size_t k = (i * 2654435761u + 12345u) % n;
                std::complex<long double> acc = 0;
                for (std::size_t j = 0; j < n; ++j)
                    acc += std::complex<long double>(x[j].real(), x[j].imag()) *
                           std::polar(1.0L, sg * 2 * std::numbers::pi_v<long double> * (long double)((j * k) % n) / n);
                err = std::max(err, double(std::abs(std::complex<long double>(y[k].real(), y[k].imag()) - acc)));
            }
            CHECK(err / (4 * std::sqrt(double(n))) < tol);
            // Every output: the inverse transform brings x back (n·x).
            const fd back(n, dir == fft_direction::forward ? fft_direction::backward : fft_direction::forward,
                          fft_placement::out_of_place, FFTW_ESTIMATE, true);
            std::vector<cpx> r(n);
            back.execute(y.data(), r.data());
            double rt = 0;
            for (std::size_t j = 0; j < n; ++j) rt = std::max(rt, double(std::abs(r[j] / T(n) - x[j])));
            CHECK(rt < 4 * tol);
        }
    }
    // An FFTW_UNALIGNED split plan on arrays one element off alignment (float: 8 bytes).
    {
        const std::size_t n = 8192;
        const fd un(n, fft_direction::forward, fft_placement::out_of_place);  // aligned = false
        const fd al(n, fft_direction::forward, fft_placement::out_of_place, FFTW_ESTIMATE, true);
        REQUIRE(un.is_split());
        const auto x = test::normal<cpx>(n, 5);
        std::vector<cpx> xs(n + 1), ys(n + 1), ref(n);
        std::copy(x.begin(), x.end(), xs.begin() + 1);
        un.execute(xs.data() + 1, ys.data() + 1);
        al.execute(x.data(), ref.data());
        double d = 0;
        for (std::size_t k = 0; k < n; ++k) d = std::max(d, double(std::abs(ys[k + 1] - ref[k])));
        CHECK(d / (4 * std::sqrt(double(n))) < tol);
    }
    // Two threads on one split plan (per-thread buffers) give the bit-identical result.
    const std::size_t n = 16384;
    const fd p(n, fft_direction::forward, fft_placement::out_of_place, FFTW_ESTIMATE, true);
    const auto x = test::normal<cpx>(n, 3);
    std::vector<cpx> a(n), b(n), c(n);
    p.execute(x.data(), a.data());
    std::thread t1([&] { for (int i = 0; i < 20; ++i) p.execute(x.data(), b.data()); });
    std::thread t2([&] { for (int i = 0; i < 20; ++i) p.execute(x.data(), c.data()); });
    t1.join();
    t2.join();
    CHECK(b == a);
    CHECK(c == a);
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

namespace {
/// The naive DFT y_k = Σ_j x_j e^{sg·2πijk/n} in long double, angles reduced exactly (jk mod n).
template <class T>
std::vector<std::complex<long double>> naive_dft(const std::vector<std::complex<T>>& x, int sg) {
    const std::size_t n = x.size();
    std::vector<std::complex<long double>> y(n);
    const long double tau = 2 * std::numbers::pi_v<long double> / static_cast<long double>(n);
    std::vector<std::complex<long double>> w(n), xl(x.begin(), x.end());
    for (std::size_t j = 0; j < n; ++j) w[j] = std::polar(1.0L, sg * tau * static_cast<long double>(j));
    for (std::size_t k = 0; k < n; ++k) {
        std::complex<long double> acc = 0;
        for (std::size_t j = 0, jk = 0; j < n; ++j, jk = (jk + k) % n) acc += xl[j] * w[jk];
        y[k] = acc;
    }
    return y;
}
/// max_k |y_k − ref_k| / (√n · max_j |x_j|): the DFT's rounding grows like √n·log n.
template <class T>
double rel_dft_error(const std::vector<std::complex<T>>& x, const std::complex<T>* y,
                     const std::vector<std::complex<long double>>& ref) {
    double err = 0, mx = 0;
    for (const auto& v : x) mx = std::max(mx, double(std::abs(v)));
    for (std::size_t k = 0; k < ref.size(); ++k)
        err = std::max(err, double(std::abs(std::complex<long double>(y[k].real(), y[k].imag()) - ref[k])));
    return err / (std::sqrt(double(ref.size())) * std::max(mx, 1e-300));
}
}  // namespace

// The split Bluestein (four FFTs of K' ≥ n, K' = 2^a, 3·2^a or 5·2^a), the prime-factor path
// (AVX-512 builds) and the direct FFTW path, against the naive DFT at awkward lengths: primes, 2L − 1 for L = 1024 (23·89), 512 (3·11·31),
// 256 (7·73), 4095 = 3²·5·7·13 (direct), lengths just above a power of two (K' = 3·2^a, 5·2^a),
// and every n ≤ 40; both directions, in place and out of place, aligned and misaligned arrays.
TEMPLATE_TEST_CASE("any_size_dft matches the naive DFT at awkward lengths", "[sht][fft]", float, double) {
    using T = TestType;
    using cpx = std::complex<T>;
    using pol = typename backend::any_size_dft<T>::policy;
    const double tol = std::is_same_v<T, double> ? 2e-15 : 1e-6;  // per √n, relative to max |x|
    std::vector<std::size_t> sizes;
    for (std::size_t n = 1; n <= 40; ++n) sizes.push_back(n);
    for (std::size_t n : {67ul, 97ul, 127ul, 131ul, 255ul, 257ul, 263ul, 511ul, 513ul, 641ul, 767ul, 1021ul, 1023ul, 2047ul, 3071ul, 4095ul})
        sizes.push_back(n);
    for (std::size_t n : sizes)
        for (auto p : {pol::fast_execution, pol::fast_planning})
            for (bool two : {true, false}) {  // false: Bluestein wherever the two-factor path would run
                if (n > 2000 && p == pol::fast_planning) continue;
                const backend::any_size_dft<T> fwd(n, fft_direction::forward, p, two);
                const backend::any_size_dft<T> bwd_made(n, fft_direction::backward, p, two);
                const backend::any_size_dft<T> bwd = fwd.reversed();
                const auto x = test::normal<cpx>(n, 17 + n);
                const auto ref_f = naive_dft(x, -1), ref_b = naive_dft(x, +1);
                std::vector<cpx> s(fwd.scratch_size() + 1), buf(2 * n + 3);
                INFO("n = " << n << " bluestein " << fwd.uses_bluestein() << " two-factor " << fwd.uses_two_factor()
                             << " policy " << int(p));
                CHECK(bwd.uses_bluestein() == fwd.uses_bluestein());
                CHECK(bwd.uses_two_factor() == fwd.uses_two_factor());
                CHECK((two || !fwd.uses_two_factor()));
                // Out of place, misaligned by one element on both sides (and in the scratch).
                std::copy(x.begin(), x.end(), buf.begin() + 1);
                fwd.execute(buf.data() + 1, buf.data() + n + 2, s.data() + 1);
                CHECK(rel_dft_error(x, buf.data() + n + 2, ref_f) <= tol);
                CHECK(std::equal(x.begin(), x.end(), buf.begin() + 1));  // the input is preserved
                // In place, both backward plans (constructed and reversed()).
                for (const auto* b : {&bwd, &bwd_made}) {
                    auto y = x;
                    b->execute(y.data(), s.data());
                    CHECK(rel_dft_error(x, y.data(), ref_b) <= tol);
                }
                auto y = x;
                fwd.execute(y.data());  // allocating overload
                CHECK(rel_dft_error(x, y.data(), ref_f) <= tol);
            }
}

TEST_CASE("any_size_dft picks FFTW for small prime factors, then the two-factor split or Bluestein", "[sht][fft]") {
    using pol = backend::any_size_dft<double>::policy;
    const auto bluestein = [](std::size_t n, pol p = pol::fast_execution) {
        return backend::any_size_dft<double>(n, fft_direction::forward, p).uses_bluestein();
    };
    const auto two_factor = [](std::size_t n, pol p = pol::fast_execution) {
        return backend::any_size_dft<double>(n, fft_direction::forward, p).uses_two_factor();
    };
    CHECK_FALSE(bluestein(61));    // n ≤ 64: FFTW
    CHECK_FALSE(bluestein(4095));  // 3²·5·7·13
    CHECK_FALSE(bluestein(2024));  // 2³·11·23
    CHECK(bluestein(131));         // prime: no split
    CHECK_FALSE(two_factor(131));
    CHECK(bluestein(1535));  // 5·307: a factor above two_factor_dft::max_factor
    CHECK_FALSE(bluestein(3 * 512, pol::fast_planning));
    CHECK_FALSE(backend::any_size_dft<float>(2047, fft_direction::forward).uses_two_factor());  // double only
#if defined(__AVX512F__)
    // The prime-factor path for 2L − 1 at L = 1024 (23·89), 512 (31·33), 256 (7·73), also
    // under the fast_planning policy; 4095 (63·65) stays with FFTW where FFTW is direct,
    // and under fast_planning the split (≈ 21 µs) replaces Bluestein's four FFTs of 4096.
    for (std::size_t n : {2047ul, 1023ul, 511ul}) {
        CHECK(two_factor(n));
        CHECK_FALSE(bluestein(n));
        CHECK(two_factor(n, pol::fast_planning));
    }
    CHECK_FALSE(two_factor(4095));
    CHECK(two_factor(4095, pol::fast_planning));
    CHECK(backend::any_size_dft<double>(2047, fft_direction::forward).reversed().uses_two_factor());
    CHECK(backend::any_size_dft<double>(2047, fft_direction::forward, pol::fast_execution, false).uses_bluestein());
#else
    CHECK(bluestein(2047));  // 23·89
    CHECK(bluestein(1023));  // 3·11·31
    CHECK(bluestein(4095, pol::fast_planning));
    // Bluestein's scratch: four padded arrays of K' = 2048 (n = 2047) plus alignment slack.
    CHECK(backend::any_size_dft<double>(2047, fft_direction::forward).scratch_size() == 4 * 2048 + 8);
#endif
}

// The two-factor DFT on its own (it runs in every build; any_size_dft uses it only with
// AVX-512): factors from 3 to 127, coprime or not (3·9, 9·3), both orders, sub-DFTs direct
// and by Rader's algorithm (41, 73, 89), both directions, in place and out of place on
// misaligned arrays, reversed() against a constructed plan.
TEST_CASE("two_factor_dft matches the naive DFT", "[sht][fft]") {
    using cpx = std::complex<double>;
    for (const auto& [n1, n2] : {std::pair<std::size_t, std::size_t>{3, 5}, {5, 3}, {7, 9}, {3, 9}, {9, 3}, {15, 17},
                                 {7, 73}, {73, 7}, {31, 33}, {33, 31}, {13, 59}, {23, 89}, {89, 23}, {41, 5}, {3, 127},
                                 {125, 3}}) {
        const std::size_t n = n1 * n2;
        const backend::two_factor_dft fwd(n1, n2, true), bwd_made(n1, n2, false);
        const backend::two_factor_dft bwd = fwd.reversed();
        REQUIRE(fwd.size() == n);
        const auto x = test::normal<cpx>(n, 5 + n);
        const auto ref_f = naive_dft(x, -1), ref_b = naive_dft(x, +1);
        std::vector<cpx> s(fwd.scratch_size() + 1), buf(2 * n + 3);
        INFO("n = " << n1 << " x " << n2);
        std::copy(x.begin(), x.end(), buf.begin() + 1);
        fwd.execute(buf.data() + 1, buf.data() + n + 2, s.data() + 1);
        CHECK(rel_dft_error(x, buf.data() + n + 2, ref_f) <= 1e-15);
        CHECK(std::equal(x.begin(), x.end(), buf.begin() + 1));
        for (const auto* b : {&bwd, &bwd_made}) {
            auto y = x;
            b->execute(y.data(), y.data(), s.data());
            CHECK(rel_dft_error(x, y.data(), ref_b) <= 1e-15);
        }
    }
}

TEST_CASE("two_factor_dft picks odd splits and rejects bad factors", "[sht][fft][errors]") {
    using backend::two_factor_dft;
    const auto sp = two_factor_dft::best_split(2047);
    CHECK(sp.n1 * sp.n2 == 2047);
    CHECK(std::min(sp.n1, sp.n2) == 23);
    // The cheaper order: the long factor's DFTs run on eight lanes of the short one.
    CHECK(two_factor_dft::cost(sp.n1, sp.n2) <= two_factor_dft::cost(sp.n2, sp.n1));
    CHECK(two_factor_dft::best_split(1023).n1 * two_factor_dft::best_split(1023).n2 == 1023);
    CHECK(two_factor_dft::best_split(27).n1 * two_factor_dft::best_split(27).n2 == 27);  // 3·9: not coprime
    for (std::size_t n : {2048ul, 131ul, 1535ul, 7ul})  // even, prime, 5·307, too small
        CHECK(two_factor_dft::best_split(n).n1 == 0);
    // Rader's algorithm serves the primes p > 17 with p − 1 = 8·odd where it is cheaper: the
    // 89-point DFTs of 2047 are costed (and run) well below the direct 88² per lane.
    CHECK(two_factor_dft::cost(23, 89) < 0.6 * (3.0 * 88 * 88 + 12.0 * 22 * 22 + 2047));
    CHECK_THROWS_AS(two_factor_dft(4, 5, true), invalid_argument);
    CHECK_THROWS_AS(two_factor_dft(1, 5, true), invalid_argument);
    CHECK_THROWS_WITH(two_factor_dft(3, 10, true), Catch::Matchers::Contains("n2 = 10") && Catch::Matchers::Contains("odd"));
}

TEST_CASE("two_factor_dft executes concurrently", "[sht][fft]") {
    using cpx = std::complex<double>;
    const backend::two_factor_dft f(23, 89, true);
    const auto x = test::normal<cpx>(2047, 9);
    std::vector<cpx> want(2047), s0(f.scratch_size());
    f.execute(x.data(), want.data(), s0.data());
    std::vector<std::vector<cpx>> got(2, std::vector<cpx>(2047));
    std::vector<std::thread> th;
    for (int t = 0; t < 2; ++t)
        th.emplace_back([&, t] {
            std::vector<cpx> s(f.scratch_size());
            for (int r = 0; r < 20; ++r) f.execute(x.data(), got[static_cast<std::size_t>(t)].data(), s.data());
        });
    for (auto& t : th) t.join();
    CHECK(got[0] == want);
    CHECK(got[1] == want);
}

// fftw_real_pair picks its aligned plans for aligned arrays and the FFTW_UNALIGNED ones
// otherwise; both must give the naive DFT (r2c) and its Hermitian inverse (c2r).
TEMPLATE_TEST_CASE("fftw_real_pair matches the naive DFT on aligned and misaligned arrays", "[sht][fft]", float, double) {
    using T = TestType;
    using cpx = std::complex<T>;
    const double tol = std::is_same_v<T, double> ? 2e-15 : 1e-6;
    for (std::size_t n : {1ul, 2ul, 7ul, 64ul, 250ul, 2048ul}) {
        const sht::detail::fftw_real_pair<T> p(n);
        const auto xr = test::normal<T>(n, 31 + n);
        std::vector<cpx> xc(xr.begin(), xr.end());
        const auto ref = naive_dft(xc, -1);
        const std::size_t h = n / 2 + 1;
        for (std::size_t off : {0ul, 1ul}) {  // one T in: misaligned for FFTW's SIMD codelets
            INFO("n = " << n << " offset " << off);
            std::vector<T> in(n + 1), back(n + 1);
            std::copy(xr.begin(), xr.end(), in.begin() + static_cast<std::ptrdiff_t>(off));
            std::vector<cpx> out(h + 1);
            p.forward(in.data() + off, out.data() + off);
            std::vector<cpx> full(n);
            for (std::size_t k = 0; k < n; ++k) full[k] = k < h ? out[off + k] : std::conj(out[off + n - k]);
            CHECK(rel_dft_error(xc, full.data(), std::vector<std::complex<long double>>(ref.begin(), ref.end())) <= tol);
            // c2r of the half-spectrum gives n·x back (unnormalised).
            p.backward(out.data() + off, back.data() + off);
            double err = 0;
            for (std::size_t j = 0; j < n; ++j) err = std::max(err, double(std::abs(back[off + j] / T(n) - xr[j])));
            CHECK(err <= tol * std::sqrt(double(n)) * 8);
        }
    }
}
