/// \file test_random.cpp
/// \brief Philox-4x32-10 known answers (Random123 kat_vectors) and the statistics,
/// reproducibility and thread-count independence of the streams in core/random.hpp.

#include <catch2/catch.hpp>

#include <sphaera/core/philox.hpp>
#include <sphaera/core/random.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

using namespace sphaera;

namespace {

constexpr bool same_block(const philox4x32_ctr& a, const philox4x32_ctr& b) {
    for (int i = 0; i < 4; ++i)
        if (a.v[i] != b.v[i]) return false;
    return true;
}

// Random123 kat_vectors, "philox4x32 R ctr[4] key[2] -> out[4]".
struct kat {
    int rounds;
    philox4x32_ctr ctr;
    philox4x32_key key;
    philox4x32_ctr expected;
};
constexpr kat kats[] = {
    {7, {{0, 0, 0, 0}}, {{0, 0}}, {{0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48}}},
    {7, {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}}, {{0xffffffff, 0xffffffff}},
     {{0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662}}},
    {7, {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}}, {{0xa4093822, 0x299f31d0}},
     {{0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a}}},
    {10, {{0, 0, 0, 0}}, {{0, 0}}, {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}}},
    {10, {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}}, {{0xffffffff, 0xffffffff}},
     {{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}}},
    {10, {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}}, {{0xa4093822, 0x299f31d0}},
     {{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}}},
};

// The whole generator is constexpr: the known answers hold at compile time too.
static_assert(same_block(philox4x32_10(kats[3].ctr, kats[3].key), kats[3].expected));
static_assert(same_block(philox4x32_10(kats[5].ctr, kats[5].key), kats[5].expected));
static_assert(uniform<double>(1, 0) > 0.0 && uniform<double>(1, 0) < 1.0);

constexpr std::size_t big_n = 1'000'000;

template <class T>
bool bit_identical(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

// Sample moments about the mean, accumulated in double (two passes for accuracy).
struct moments {
    double mean, var, skew, exkurt;
};
template <class T>
moments sample_moments(const std::vector<T>& x) {
    const auto n = static_cast<double>(x.size());
    double m = 0;
    for (T v : x) m += v;
    m /= n;
    double m2 = 0, m3 = 0, m4 = 0;
    for (T v : x) {
        const double d = v - m;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    return {m, m2, m3 / std::pow(m2, 1.5), m4 / (m2 * m2) - 3};
}

}  // namespace

TEST_CASE("Philox-4x32 matches the Random123 known-answer vectors", "[random][philox]") {
    for (const kat& k : kats) {
        CAPTURE(k.rounds, k.ctr.v[0], k.key.v[0]);
        const philox4x32_ctr out =
            k.rounds == 7 ? philox4x32<7>(k.ctr, k.key) : philox4x32_10(k.ctr, k.key);
        for (int i = 0; i < 4; ++i) CHECK(out.v[i] == k.expected.v[i]);
    }
}

TEMPLATE_TEST_CASE("uniform lies strictly in (0,1), also at the extreme words", "[random]",
                   float, double) {
    const philox4x32_ctr zeros{{0, 0, 0, 0}};
    const philox4x32_ctr ones{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}};
    const TestType lo = detail::block_uniform<TestType>(zeros, 0);
    const TestType hi = detail::block_uniform<TestType>(ones, 0);
    constexpr int bits = std::same_as<TestType, float> ? 23 : 52;
    CHECK(lo == std::ldexp(TestType(1), -bits - 1));
    CHECK(hi == TestType(1) - std::ldexp(TestType(1), -bits - 1));
    CHECK(lo > TestType(0));
    CHECK(hi < TestType(1));
    CHECK(std::isfinite(detail::block_normal_pair<TestType>(zeros, 0).re));
}

TEMPLATE_TEST_CASE("uniform has mean 1/2, variance 1/12 and flat histogram", "[random]", float,
                   double) {
    std::vector<TestType> x(big_n);
    fill_uniform(backend::openmp{}, x.data(), x.size(), 20240611);
    const auto [mn, mx] = std::minmax_element(x.begin(), x.end());
    CHECK(*mn > TestType(0));
    CHECK(*mx < TestType(1));

    const double n = static_cast<double>(big_n);
    const moments m = sample_moments(x);
    // Standard errors: sd(mean) = √(σ²/n); sd(var) ≈ √((μ₄ − σ⁴)/n), μ₄ = 1/80, σ² = 1/12.
    CHECK(std::abs(m.mean - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
    CHECK(std::abs(m.var - 1.0 / 12) < 5 * std::sqrt((1.0 / 80 - 1.0 / 144) / n));

    // Pearson χ² over 1000 equal bins: mean 999, sd √(2·999) ≈ 44.7.
    constexpr int nbins = 1000;
    std::vector<double> count(nbins, 0.0);
    for (TestType v : x) count[std::min(nbins - 1, static_cast<int>(v * nbins))] += 1;
    double chi2 = 0;
    for (double c : count) chi2 += (c - n / nbins) * (c - n / nbins) / (n / nbins);
    CHECK(std::abs(chi2 - (nbins - 1)) < 5 * std::sqrt(2.0 * (nbins - 1)));

    // Lag-1 serial correlation (crosses word, pair and block boundaries): sd ≈ 1/√n.
    double c1 = 0;
    for (std::size_t i = 0; i + 1 < big_n; ++i) c1 += (x[i] - m.mean) * (x[i + 1] - m.mean);
    CHECK(std::abs(c1 / (n - 1) / m.var) < 5 / std::sqrt(n));
}

TEMPLATE_TEST_CASE("normal has the moments and distribution of N(0,1)", "[random]", float,
                   double) {
    std::vector<TestType> z(big_n);
    fill_normal(backend::openmp{}, z.data(), z.size(), 77);
    const double n = static_cast<double>(big_n);
    const moments m = sample_moments(z);
    // Standard errors for N(0,1): mean 1/√n, variance √(2/n), skewness √(6/n),
    // excess kurtosis √(24/n).
    CHECK(std::abs(m.mean) < 5 / std::sqrt(n));
    CHECK(std::abs(m.var - 1) < 5 * std::sqrt(2 / n));
    CHECK(std::abs(m.skew) < 5 * std::sqrt(6 / n));
    CHECK(std::abs(m.exkurt) < 5 * std::sqrt(24 / n));

    // Both Box–Muller outputs are used: the two halves of a pair must be uncorrelated.
    double c = 0;
    for (std::size_t i = 0; i + 1 < big_n; i += 2) c += z[i] * z[i + 1];
    CHECK(std::abs(c / (n / 2)) < 5 / std::sqrt(n / 2));

    // Kolmogorov–Smirnov against Φ(x) = erfc(−x/√2)/2; √n·D < 1.95 is the 0.1 % level.
    std::vector<double> s(z.begin(), z.end());
    std::sort(s.begin(), s.end());
    double d = 0;
    for (std::size_t i = 0; i < big_n; ++i) {
        const double cdf = 0.5 * std::erfc(-s[i] / std::sqrt(2.0));
        d = std::max({d, (static_cast<double>(i) + 1) / n - cdf, cdf - static_cast<double>(i) / n});
    }
    CHECK(std::sqrt(n) * d < 1.95);
}

TEMPLATE_TEST_CASE("complex normal is CN(0,1): Re, Im ~ N(0,1/2), E|z|^2 = 1", "[random]",
                   float, double) {
    std::vector<std::complex<TestType>> z(big_n / 2);
    fill_normal(backend::openmp{}, z.data(), z.size(), 5);
    const double n = static_cast<double>(z.size());
    double s_re = 0, s_im = 0, s_re2 = 0, s_im2 = 0, s_reim = 0, s_abs2 = 0;
    for (const auto& v : z) {
        const double re = v.real(), im = v.imag();
        s_re += re;
        s_im += im;
        s_re2 += re * re;
        s_im2 += im * im;
        s_reim += re * im;
        s_abs2 += re * re + im * im;
    }
    // |z|² ~ Exp(1) has sd 1; Re² has sd √2/2; Re·Im has sd 1/2.
    CHECK(std::abs(s_abs2 / n - 1) < 5 / std::sqrt(n));
    CHECK(std::abs(s_re / n) < 5 * std::sqrt(0.5 / n));
    CHECK(std::abs(s_im / n) < 5 * std::sqrt(0.5 / n));
    CHECK(std::abs(s_re2 / n - 0.5) < 5 * std::sqrt(0.5 / n));
    CHECK(std::abs(s_im2 / n - 0.5) < 5 * std::sqrt(0.5 / n));
    CHECK(std::abs(s_reim / n) < 5 * 0.5 / std::sqrt(n));
}

TEMPLATE_TEST_CASE("fills equal the scalar functions bit for bit", "[random]", float, double) {
    constexpr std::uint64_t seed = 0xdeadbeefcafef00dULL, stream = 3;
    for (std::uint64_t offset : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{3},
                                 std::uint64_t{5}, ~std::uint64_t{0} - 6}) {  // last one wraps
        CAPTURE(offset);
        constexpr std::size_t n = 23;
        std::vector<TestType> u(n), z(n);
        std::vector<std::complex<TestType>> cu(n), cz(n);
        fill_uniform(backend::serial{}, u.data(), n, seed, offset, stream);
        fill_normal(backend::serial{}, z.data(), n, seed, offset, stream);
        fill_uniform(backend::serial{}, cu.data(), n, seed, offset, stream);
        fill_normal(backend::serial{}, cz.data(), n, seed, offset, stream);
        for (std::size_t k = 0; k < n; ++k) {
            const std::uint64_t i = offset + k;  // wraps modulo 2⁶⁴ by design
            CHECK(u[k] == uniform<TestType>(seed, i, stream));
            CHECK(z[k] == normal<TestType>(seed, i, stream));
            const auto a = complex_uniform<TestType>(seed, i, stream);
            CHECK((cu[k].real() == a.re && cu[k].imag() == a.im));
            const auto b = complex_normal<TestType>(seed, i, stream);
            CHECK((cz[k].real() == b.re && cz[k].imag() == b.im));
            // Complex element i is real pair (2i, 2i+1), scaled by 1/√2 for normals.
            CHECK(a.re == uniform<TestType>(seed, 2 * i, stream));
            CHECK(a.im == uniform<TestType>(seed, 2 * i + 1, stream));
            CHECK(b.re == normal<TestType>(seed, 2 * i, stream) * detail::inv_sqrt2<TestType>);
            CHECK(b.im ==
                  normal<TestType>(seed, 2 * i + 1, stream) * detail::inv_sqrt2<TestType>);
        }
    }
}

TEMPLATE_TEST_CASE("streams are reproducible, and seeds, stream ids and offsets separate them",
                   "[random]", float, double, std::complex<float>, std::complex<double>) {
    constexpr std::size_t n = 4099;
    std::vector<TestType> a(n), b(n), c(n), d(n);
    fill_normal(backend::serial{}, a.data(), n, 42);
    fill_normal(backend::serial{}, b.data(), n, 42);
    CHECK(bit_identical(a, b));

    fill_normal(backend::serial{}, c.data(), n, 43);
    fill_normal(backend::serial{}, d.data(), n, 42, 0, 1);
    std::size_t same_seed = 0, same_stream = 0;
    for (std::size_t i = 0; i < n; ++i) {
        same_seed += a[i] == c[i];
        same_stream += a[i] == d[i];
    }
    CHECK(same_seed == 0);
    CHECK(same_stream == 0);

    // A fill that starts at offset k is the tail of the fill from 0, at every alignment.
    for (std::size_t k : {1, 2, 3, 4, 5, 7, 1000}) {
        CAPTURE(k);
        std::vector<TestType> tail(n - k), utail(n - k), u(n);
        fill_normal(backend::serial{}, tail.data(), n - k, 42, k);
        CHECK(bit_identical(tail, std::vector<TestType>(a.begin() + k, a.end())));
        fill_uniform(backend::serial{}, u.data(), n, 42);
        fill_uniform(backend::serial{}, utail.data(), n - k, 42, k);
        CHECK(bit_identical(utail, std::vector<TestType>(u.begin() + k, u.end())));
    }
}

TEMPLATE_TEST_CASE("openmp fills are bit-identical for 1, 2, 3 and 4 threads", "[random][openmp]",
                   float, double, std::complex<float>, std::complex<double>) {
    constexpr std::size_t n = 100'003;  // not a multiple of any block size
    constexpr std::uint64_t offset = 3;
    std::vector<TestType> ref_u(n), ref_z(n);
    fill_uniform(backend::serial{}, ref_u.data(), n, 9, offset);
    fill_normal(backend::serial{}, ref_z.data(), n, 9, offset);
    for (int threads : {1, 2, 3, 4}) {
        CAPTURE(threads);
        std::vector<TestType> u(n), z(n);
        fill_uniform(backend::openmp{threads}, u.data(), n, 9, offset);
        fill_normal(backend::openmp{threads}, z.data(), n, 9, offset);
        CHECK(bit_identical(u, ref_u));
        CHECK(bit_identical(z, ref_z));
    }
}

TEMPLATE_TEST_CASE("normals are Box–Muller of the uniforms to a few ulp (long double reference)",
                   "[random]", float, double) {
    using T = TestType;
    // z_{2j} = √(−2 ln u_{2j}) cos 2πu_{2j+1}, z_{2j+1} = … sin …, the uniforms being the
    // stream's own (exact) values. The polynomial log, sqrt and sincos each stay ≤ 2 ulp,
    // so a normal is within a few ulp of its magnitude r (cancellation-free in turns).
    constexpr long double two_pi = 6.283185307179586476925286766559005768L;
    constexpr std::size_t n = 200'000;
    std::vector<T> z(n);
    fill_normal(backend::serial{}, z.data(), n, 31, 0, 7);
    double worst = 0;
    for (std::size_t j = 0; j < n / 2; ++j) {
        const long double u1 = uniform<T>(31, 2 * j, 7), u2 = uniform<T>(31, 2 * j + 1, 7);
        const long double r = std::sqrt(-2 * std::log(u1));
        const long double ref[2] = {r * std::cos(two_pi * u2), r * std::sin(two_pi * u2)};
        for (int k = 0; k < 2; ++k) {
            const long double err = std::abs(static_cast<long double>(z[2 * j + k]) - ref[k]);
            worst = std::max(worst, static_cast<double>(err / (r * std::numeric_limits<T>::epsilon())));
        }
    }
    CAPTURE(worst);
    CHECK(worst <= 4.0);  // in units of eps·r
}

TEMPLATE_TEST_CASE("fills match the scalars across chunk boundaries and thread splits",
                   "[random]", float, double) {
    // Normal fills work in chunks of 128 values, uniform fills in chunks of 64 blocks (128
    // doubles, 256 floats), aligned in the stream: offsets around those boundaries and
    // lengths that end inside, at and past a chunk must give the scalar values.
    constexpr std::uint64_t seed = 17, stream = 5;
    for (std::uint64_t offset : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{63},
                                 std::uint64_t{127}, std::uint64_t{128}, std::uint64_t{129},
                                 std::uint64_t{255}, std::uint64_t{257}, std::uint64_t{1000},
                                 ~std::uint64_t{0} - 130}) {
        for (std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{127}, std::size_t{128},
                              std::size_t{129}, std::size_t{256}, std::size_t{300}, std::size_t{600}}) {
            CAPTURE(offset, n);
            std::vector<TestType> z(n), zt(n), u(n), ut(n);
            fill_normal(backend::serial{}, z.data(), n, seed, offset, stream);
            fill_normal(backend::openmp{3}, zt.data(), n, seed, offset, stream);
            fill_uniform(backend::serial{}, u.data(), n, seed, offset, stream);
            fill_uniform(backend::openmp{3}, ut.data(), n, seed, offset, stream);
            std::size_t bad_z = 0, bad_u = 0;
            for (std::size_t k = 0; k < n; ++k) {
                bad_z += z[k] != normal<TestType>(seed, offset + k, stream);
                bad_u += u[k] != uniform<TestType>(seed, offset + k, stream);
            }
            CHECK(bad_z == 0);
            CHECK(bad_u == 0);
            CHECK(bit_identical(z, zt));
            CHECK(bit_identical(u, ut));
        }
    }
}

TEMPLATE_TEST_CASE("normal tails: P(|z| > t) matches 2Φ(−t) for t = 2, 3, 4", "[random]", float,
                   double) {
    // The polynomial log decides the tails (r = √(−2 ln u₁) for small u₁): a binomial count
    // test at 4σ of each tail probability.
    std::vector<TestType> z(4 * big_n);
    fill_normal(backend::openmp{}, z.data(), z.size(), 2026, 0, 9);
    const double n = static_cast<double>(z.size());
    for (double t : {2.0, 3.0, 4.0}) {
        CAPTURE(t);
        const double p = std::erfc(t / std::sqrt(2.0));
        double count = 0;
        for (TestType v : z) count += std::abs(static_cast<double>(v)) > t;
        CHECK(std::abs(count - n * p) < 5 * std::sqrt(n * p * (1 - p)));
    }
}

TEST_CASE("the round-by-round Philox of the normal fills equals Philox-4x32-10 block by block",
          "[random][philox]") {
    const philox_stream s{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
    constexpr std::uint64_t mask = ~std::uint64_t{0} / 2;  // the double streams' block wrap
    for (std::uint64_t b0 : {std::uint64_t{0}, std::uint64_t{12345}, mask - 20}) {
        CAPTURE(b0);
        std::uint32_t w[4][64];
        detail::philox_blocks<64>(s, b0, mask, w);
        std::size_t bad = 0;
        for (std::uint64_t j = 0; j < 64; ++j) {
            const philox4x32_ctr ref = s.block((b0 + j) & mask);
            for (int k = 0; k < 4; ++k) bad += w[k][j] != ref.v[k];
        }
        CHECK(bad == 0);
    }
}
