#pragma once
/// \file random.hpp
/// \brief Counter-based random streams on Philox-4x32-10 (Salmon et al. 2011, "Parallel
/// random numbers: as easy as 1, 2, 3"): value \p i of a stream is a pure function of
/// (seed, stream id, i), identical on host and device and for any thread count.
///
/// Layout (fixed; changing it changes every stream, so treat it as part of the API):
/// - key = seed (low word first); counter = (block index, stream id), 64 bits each.
/// - `uniform<float>`: one 32-bit word per value, 4 values per block, value i uses word
///   i % 4 of block i / 4. Mapping: x = (⌊w / 2⁹⌋ + ½)·2⁻²³ — the midpoints of 2²³ equal
///   cells, so 2⁻²⁴ ≤ x ≤ 1 − 2⁻²⁴, never 0 or 1, every value exact in float.
/// - `uniform<double>`: two words per value (w₀ high, w₁ low), 2 values per block, value
///   i uses words 2(i % 2), 2(i % 2)+1 of block i / 2. Mapping: k = w₀·2²⁰ + ⌊w₁ / 2¹²⌋,
///   x = (k + ½)·2⁻⁵², so 2⁻⁵³ ≤ x ≤ 1 − 2⁻⁵³. We keep 52 of the 53 possible bits because
///   with 53 the midpoint k + ½ needs 54 significant bits: above ½ it would round, and the
///   largest value would round to exactly 1 (the bug (0,1) generators most often have).
///   The midpoint grid is also symmetric (x ↦ 1 − x), so the mean is exactly ½.
/// - `normal<T>`: Box–Muller (Box & Muller 1958) on uniforms (2j, 2j+1) of the same block
///   index gives z_{2j} = r cos θ, z_{2j+1} = r sin θ with r = √(−2 ln u_{2j}),
///   θ = 2π u_{2j+1}. Both outputs are used; normal i still depends only on (seed, i).
///   The tails are cut where u_{2j} is smallest: |z| ≤ 5.77 (float), ≤ 8.57 (double).
///   √, ln and sin/cos of turns are vector_math.hpp's polynomials (≤ 2 ulp), not libm (ln
///   stays libm's on hosts without AVX2, see rng_log): host fills run them as vector code
///   over chunks of 64 pairs (≈ 1.9 ns per double normal with AVX-512, was ≈ 18 with scalar
///   libm calls), and device kernels run the same expressions.
/// - complex values: element i is (x_{2i}, x_{2i+1}) of the real stream of the same type;
///   `complex_normal` scales by 1/√2 so Re, Im ~ N(0, ½) independently and E|z|² = 1.
///
/// Indices are 64-bit and wrap modulo 2⁶⁴ (a complex index modulo 2⁶³): at 10¹⁰ values
/// per second a stream takes decades to exhaust, so offsets never need range checks.
/// Uniforms are bit-identical on host and device (integer arithmetic and exact float ops);
/// normals run the same polynomial code on host and device (bit-identical between host
/// paths of one build; a device compiler may contract a multiply-add differently, and a
/// build without AVX2 uses libm's ln: an ulp or two).
/// Uniform and normal streams of one (seed, stream id) read the same bits: use distinct
/// stream ids (or seeds) for variates that must be independent.

#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/config.hpp"
#include "sphaera/core/philox.hpp"
#include "sphaera/core/vector_math.hpp"

#if SPHAERA_HAS_OPENMP
#include <omp.h>
#endif

namespace sphaera {

/// Real types the random streams produce.
template <class T>
concept random_real = std::same_as<T, float> || std::same_as<T, double>;

/// Element types the host fills accept: random_real or std::complex thereof.
template <class T>
concept random_scalar = random_real<T> || std::same_as<T, std::complex<float>> ||
                        std::same_as<T, std::complex<double>>;

/// A complex variate as a plain pair, so device code can store it into whatever complex
/// type its buffers use (std::complex is not device-callable without relaxed constexpr).
template <random_real T>
struct complex_sample {
    T re;
    T im;
};

namespace detail {

/// Values per Philox block (128 bits) for real type T: 4 floats or 2 doubles.
template <random_real T>
inline constexpr int values_per_block = std::same_as<T, float> ? 4 : 2;

/// Uniform number j of block \p b, on the open-interval midpoint grids in the file notes.
template <random_real T>
SPHAERA_HD constexpr T block_uniform(const philox4x32_ctr& b, int j) {
    if constexpr (std::same_as<T, float>) {
        return (static_cast<float>(b.v[j] >> 9) + 0.5f) * 0x1p-23f;
    } else {
        const std::uint64_t k =
            (static_cast<std::uint64_t>(b.v[2 * j]) << 20) | (b.v[2 * j + 1] >> 12);
        // k + ½ exactly, without an int → double conversion (none for 64-bit lanes before
        // AVX-512): k < 2⁵², so the bits of 2⁵² + k are those of 2⁵² with k in the mantissa.
        return ((std::bit_cast<double>(k | 0x4330000000000000ULL) - 0x1p52) + 0.5) * 0x1p-52;
    }
}

// ln for Box–Muller: the branch-free polynomial on devices and on AVX2+ hosts (where it
// vectorises: 0.8 ns vs libm's 2.2 per double); without AVX2 the polynomial's 64-bit integer
// steps run scalar (7.5 ns), so those hosts keep libm's log. Either is ≤ 1 ulp; the stream of
// such a build differs from an AVX2 build's by an ulp here and there.
#if SPHAERA_DEVICE_CODE || SPHAERA_VECTOR_EXP
SPHAERA_HD inline float rng_log(float x) { return math::detail::log_poly(x); }
SPHAERA_HD inline double rng_log(double x) { return math::detail::log_poly(x); }
#else
SPHAERA_HD inline float rng_log(float x) { return ::logf(x); }
SPHAERA_HD inline double rng_log(double x) { return ::log(x); }
#endif

/// Box–Muller (Box & Muller 1958) on one uniform pair: (r cos θ, r sin θ) with
/// r = √(−2 ln u1), θ = 2π u2. √ and sincos are vector_math.hpp's branch-free polynomials
/// (ln too, see rng_log), ≤ 2 ulp each, so host loops vectorise and device kernels compute the
/// same formula; θ is handled in turns, so 2πu₂ is never rounded. u1 > 0, so r is finite. The
/// one routine the scalar functions, the expression leaf and the fills all call, so they
/// agree bit for bit (the fills vectorise the very same expression).
template <random_real T>
SPHAERA_HD inline complex_sample<T> box_muller(T u1, T u2) {
    // sqrt_newton, not sqrt: GCC guards libm sqrt with an errno branch that keeps the
    // loops over pairs scalar. −2 ln u1 is 0 or normal, sqrt_newton's domain.
    const T r = math::detail::sqrt_newton(static_cast<T>(-2) * rng_log(u1));
    const math::sin_cos<T> sc = math::detail::sincos_turns(u2);
    return {r * sc.cos, r * sc.sin};
}

/// Normal pair p of block \p b (Box–Muller on uniforms 2p, 2p+1).
template <random_real T>
SPHAERA_HD inline complex_sample<T> block_normal_pair(const philox4x32_ctr& b, int p) {
    return box_muller<T>(block_uniform<T>(b, 2 * p), block_uniform<T>(b, 2 * p + 1));
}

/// 1/√2 in T: scales a pair of N(0,1) to Re, Im ~ N(0, ½).
template <random_real T>
inline constexpr T inv_sqrt2 = static_cast<T>(0.70710678118654752440084436210485);

}  // namespace detail

/// A Philox-4x32-10 stream: key = seed, counter = (block, stream id). Trivially copyable,
/// so kernels capture it by value; every member is a pure function of its argument.
struct philox_stream {
    std::uint64_t seed = 0;    ///< Philox key.
    std::uint64_t stream = 0;  ///< Substream id (counter words 2-3): independent streams.

    /// The 128 random bits of block \p block: Philox-4x32-10(counter, key).
    SPHAERA_HD constexpr philox4x32_ctr block(std::uint64_t block_index) const {
        return philox4x32_10(philox_counter(block_index, stream), philox_key_from_seed(seed));
    }

    /// Value \p i of the uniform (0,1) stream (mapping in the file notes).
    template <random_real T>
    SPHAERA_HD constexpr T uniform(std::uint64_t i) const {
        constexpr int per = detail::values_per_block<T>;
        return detail::block_uniform<T>(block(i / per), static_cast<int>(i % per));
    }

    /// Value \p i of the standard normal stream (Box–Muller; 2k and 2k+1 share a pair).
    template <random_real T>
    SPHAERA_HD T normal(std::uint64_t i) const {
        constexpr int per = detail::values_per_block<T>;
        const complex_sample<T> z = detail::block_normal_pair<T>(
            block(i / per), static_cast<int>((i % per) / 2));
        return (i & 1u) ? z.im : z.re;
    }

    /// Value \p i of the complex uniform stream: (uniform(2i), uniform(2i+1)).
    template <random_real T>
    SPHAERA_HD constexpr complex_sample<T> complex_uniform(std::uint64_t i) const {
        return {uniform<T>(2 * i), uniform<T>(2 * i + 1)};
    }

    /// Value \p i of the circular complex normal stream CN(0, 1): (normal(2i), normal(2i+1))
    /// / √2, i.e. Re, Im ~ N(0, ½) independent and E|z|² = 1.
    template <random_real T>
    SPHAERA_HD complex_sample<T> complex_normal(std::uint64_t i) const {
        constexpr int per = detail::values_per_block<T>;
        const std::uint64_t j = 2 * i;  // first real index of the pair
        const complex_sample<T> z = detail::block_normal_pair<T>(
            block(j / per), static_cast<int>((j % per) / 2));
        return {z.re * detail::inv_sqrt2<T>, z.im * detail::inv_sqrt2<T>};
    }
};

/// Uniform (0,1) value \p offset of stream (\p seed, \p stream): see philox_stream.
template <random_real T>
SPHAERA_HD constexpr T uniform(std::uint64_t seed, std::uint64_t offset,
                               std::uint64_t stream = 0) {
    return philox_stream{seed, stream}.uniform<T>(offset);
}

/// Standard normal value \p offset of stream (\p seed, \p stream): see philox_stream.
template <random_real T>
SPHAERA_HD T normal(std::uint64_t seed, std::uint64_t offset, std::uint64_t stream = 0) {
    return philox_stream{seed, stream}.normal<T>(offset);
}

/// Complex uniform value \p offset: Re, Im independent uniform (0,1).
template <random_real T>
SPHAERA_HD constexpr complex_sample<T> complex_uniform(std::uint64_t seed, std::uint64_t offset,
                                                       std::uint64_t stream = 0) {
    return philox_stream{seed, stream}.complex_uniform<T>(offset);
}

/// Complex normal value \p offset: Re, Im ~ N(0, ½) independent, E|z|² = 1.
template <random_real T>
SPHAERA_HD complex_sample<T> complex_normal(std::uint64_t seed, std::uint64_t offset,
                                            std::uint64_t stream = 0) {
    return philox_stream{seed, stream}.complex_normal<T>(offset);
}

namespace detail {

/// Runs body(t) for t ∈ [0, count): on the calling thread (threads < 0) or split among
/// OpenMP threads (0: OpenMP's default count). Work items are pure functions of t, so the
/// split never changes the output.
template <class Body>
void for_items(std::ptrdiff_t count, int threads, Body&& body) {
#if SPHAERA_HAS_OPENMP
    if (threads >= 0) {
        const int nt = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel for schedule(static) num_threads(nt)
        for (std::ptrdiff_t t = 0; t < count; ++t) body(t);
        return;
    }
#else
    (void)threads;
#endif
    for (std::ptrdiff_t t = 0; t < count; ++t) body(t);
}

/// Pairs per chunk of a normal fill: the uniforms of 64 pairs (0.5 KiB per array in double)
/// stay in L1 between the Philox loop and the Box–Muller loop, and each loop is long enough
/// to run as vector code.
inline constexpr std::uint64_t normal_chunk_pairs = 64;

/// Values of the real normal stream per chunk (2 per pair).
inline constexpr std::uint64_t normal_chunk_values = 2 * normal_chunk_pairs;

/// Philox-4x32-10 of blocks b0 + j (j < N, indices masked by \p mask) of stream s, as
/// four word arrays (w[k][j] = word k of block j): the same bits as s.block(), computed
/// round by round across all N blocks, so every step is one vector instruction over 32-bit
/// lanes (≈ 4× faster than vectorising the one-block function over j, which leaves the
/// compiler shuffling 4-word structs).
template <std::uint64_t N>
inline void philox_blocks(philox_stream s, std::uint64_t b0, std::uint64_t mask,
                          std::uint32_t (&w)[4][N]) {
    philox4x32_key k = philox_key_from_seed(s.seed);
    const philox4x32_ctr c0 = philox_counter(0, s.stream);
#pragma omp simd
    for (std::uint64_t j = 0; j < N; ++j) {
        const std::uint64_t b = (b0 + j) & mask;
        w[0][j] = static_cast<std::uint32_t>(b);
        w[1][j] = static_cast<std::uint32_t>(b >> 32);
        w[2][j] = c0.v[2];
        w[3][j] = c0.v[3];
    }
    for (int r = 0; r < 10; ++r) {
        if (r > 0) k = philox4x32_bump_key(k);
#pragma omp simd
        for (std::uint64_t j = 0; j < N; ++j) {
            const philox4x32_ctr c = philox4x32_round(philox4x32_ctr{{w[0][j], w[1][j], w[2][j], w[3][j]}}, k);
            w[0][j] = c.v[0];
            w[1][j] = c.v[1];
            w[2][j] = c.v[2];
            w[3][j] = c.v[3];
        }
    }
}

/// Values [c·128, (c + 1)·128) of the real normal stream (modulo 2⁶⁴), times scale, into v:
/// Philox for the chunk's blocks (philox_blocks), uniforms, then one vectorisable
/// Box–Muller loop using both outputs of every pair.
template <random_real T>
inline void normal_chunk(philox_stream s, std::uint64_t c, T scale, T* SPHAERA_RESTRICT v) {
    constexpr std::uint64_t per_block = values_per_block<T>;
    constexpr std::uint64_t blocks = normal_chunk_values / per_block;  // Philox blocks per chunk
    // Block indices wrap at 2⁶⁴/per_block exactly as (offset + k) / per_block does when
    // offset + k wraps at 2⁶⁴ (all powers of two), so chunks across the wrap match the scalars.
    constexpr std::uint64_t block_mask = ~std::uint64_t{0} / per_block;
    alignas(64) std::uint32_t w[4][blocks];
    philox_blocks<blocks>(s, c * blocks, block_mask, w);
    alignas(64) T u1[normal_chunk_pairs], u2[normal_chunk_pairs];
    // The word → uniform maps of block_uniform: pair p of a block is words (2p, 2p+1) for
    // floats (2 pairs per block), words (0,1) and (2,3) for doubles (1 pair per block).
#pragma omp simd
    for (std::uint64_t j = 0; j < blocks; ++j) {
        if constexpr (std::same_as<T, float>) {
            const philox4x32_ctr b{{w[0][j], w[1][j], w[2][j], w[3][j]}};
            u1[2 * j] = block_uniform<T>(b, 0);
            u2[2 * j] = block_uniform<T>(b, 1);
            u1[2 * j + 1] = block_uniform<T>(b, 2);
            u2[2 * j + 1] = block_uniform<T>(b, 3);
        } else {
            const philox4x32_ctr b{{w[0][j], w[1][j], w[2][j], w[3][j]}};
            u1[j] = block_uniform<T>(b, 0);
            u2[j] = block_uniform<T>(b, 1);
        }
    }
#pragma omp simd
    for (std::uint64_t p = 0; p < normal_chunk_pairs; ++p) {
        const complex_sample<T> z = box_muller<T>(u1[p], u2[p]);
        v[2 * p] = z.re * scale;
        v[2 * p + 1] = z.im * scale;
    }
}

/// Calls f(k, z, m) for consecutive pieces of values [offset, offset + n) of the real normal
/// stream: z[0..m) are values offset + k, …, offset + k + m − 1. Lets a caller consume the
/// normals while they are in L1 (nested sampling forms its proposal this way) instead of
/// storing and re-reading them; the values are fill_normal's.
template <random_real T, class F>
void for_each_normal_chunk(philox_stream s, std::uint64_t offset, std::size_t n, F&& f) {
    constexpr std::uint64_t per = normal_chunk_values;
    alignas(64) T v[per];
    std::uint64_t c = offset / per, j = offset % per;
    for (std::size_t k = 0; k < n; ++c, j = 0) {
        normal_chunk<T>(s, c, T{1}, v);
        const auto m = static_cast<std::size_t>(std::min<std::uint64_t>(per - j, n - k));
        f(k, v + j, m);
        k += m;
    }
}

/// Writes values [offset, offset + n) of the real uniform stream to out, in chunks of 64
/// Philox blocks computed round by round (philox_blocks). Chunks are aligned in the stream,
/// so element k depends only on (seed, stream, offset + k) and any split among threads
/// gives the same bits. threads < 0: serial.
template <random_real T>
void fill_uniform_real(T* out, std::size_t n, philox_stream s, std::uint64_t offset, int threads) {
    if (n == 0) return;
    constexpr std::uint64_t per_block = values_per_block<T>;
    constexpr std::uint64_t blocks = 64;
    constexpr std::uint64_t per = blocks * per_block;  // values per chunk
    // Block indices wrap at 2⁶⁴/per_block exactly as (offset + k) / per_block does when
    // offset + k wraps at 2⁶⁴ (all powers of two), so fills across the wrap match the scalars.
    constexpr std::uint64_t block_mask = ~std::uint64_t{0} / per_block;
    const std::uint64_t first = offset / per;
    const std::uint64_t skip = offset % per;  // values of the first chunk before offset
    const auto nchunks = static_cast<std::ptrdiff_t>((skip + n + per - 1) / per);
    for_items(nchunks, threads, [&](std::ptrdiff_t t) {
        alignas(64) std::uint32_t w[4][blocks];
        philox_blocks<blocks>(s, (first + static_cast<std::uint64_t>(t)) * blocks, block_mask, w);
        alignas(64) T v[per];
#pragma omp simd
        for (std::uint64_t j = 0; j < blocks; ++j) {
            const philox4x32_ctr b{{w[0][j], w[1][j], w[2][j], w[3][j]}};
            for (std::uint64_t q = 0; q < per_block; ++q)
                v[j * per_block + q] = block_uniform<T>(b, static_cast<int>(q));
        }
        // Only the first and last chunk are partial.
        const std::uint64_t base = static_cast<std::uint64_t>(t) * per;  // relative to chunk 0
        const std::uint64_t lo = base < skip ? skip - base : 0;
        const std::uint64_t hi = std::min<std::uint64_t>(per, skip + n - base);
        for (std::uint64_t j = lo; j < hi; ++j) out[base + j - skip] = v[j];
    });
}

/// Writes values [offset, offset + n) of the real normal stream, times scale, to out, chunk
/// by chunk. Chunks are aligned in the stream, so element k depends only on
/// (seed, stream, offset + k) and any split among threads gives the same bits.
/// threads < 0: serial.
template <random_real T>
void fill_normal_real(T* out, std::size_t n, philox_stream s, std::uint64_t offset, T scale,
                      int threads) {
    if (n == 0) return;
    constexpr std::uint64_t per = normal_chunk_values;
    const std::uint64_t first = offset / per;
    const std::uint64_t skip = offset % per;  // values of the first chunk before offset
    const auto nchunks = static_cast<std::ptrdiff_t>((skip + n + per - 1) / per);
    for_items(nchunks, threads, [&](std::ptrdiff_t t) {
        alignas(64) T v[per];
        normal_chunk<T>(s, first + static_cast<std::uint64_t>(t), scale, v);
        // Only the first and last chunk are partial.
        const std::uint64_t base = static_cast<std::uint64_t>(t) * per;  // relative to chunk 0
        const std::uint64_t lo = base < skip ? skip - base : 0;
        const std::uint64_t hi = std::min<std::uint64_t>(per, skip + n - base);
        for (std::uint64_t j = lo; j < hi; ++j) out[base + j - skip] = v[j];
    });
}

/// One entry for both kinds (scale applies to normals only).
template <random_real T, bool Normal>
void fill_real(T* out, std::size_t n, philox_stream s, std::uint64_t offset, T scale, int threads) {
    if constexpr (Normal) {
        fill_normal_real<T>(out, n, s, offset, scale, threads);
    } else {
        (void)scale;
        fill_uniform_real<T>(out, n, s, offset, threads);
    }
}

/// Dispatches real and complex element types onto fill_real. A std::complex<R> array is
/// an array of 2n R's (array-oriented access, [complex.numbers]), and complex element i
/// is real pair (2i, 2i+1) of the stream, so a complex fill is a real fill.
template <bool Normal, random_scalar T>
void fill(T* out, std::size_t n, std::uint64_t seed, std::uint64_t offset, std::uint64_t stream,
          int threads) {
    const philox_stream s{seed, stream};
    if constexpr (random_real<T>) {
        fill_real<T, Normal>(out, n, s, offset, T{1}, threads);
    } else {
        using R = typename T::value_type;
        const R scale = Normal ? inv_sqrt2<R> : R{1};
        fill_real<R, Normal>(reinterpret_cast<R*>(out), 2 * n, s, 2 * offset, scale, threads);
    }
}

}  // namespace detail

/// Fills out[k] = uniform(seed, offset + k, stream), k < n (complex: complex_uniform),
/// on the calling thread.
template <random_scalar T>
void fill_uniform(backend::serial, T* out, std::size_t n, std::uint64_t seed,
                  std::uint64_t offset = 0, std::uint64_t stream = 0) {
    detail::fill<false>(out, n, seed, offset, stream, -1);
}

/// Fills as the serial overload, blocks split among OpenMP threads; the output is
/// bit-identical for every thread count (each value is a pure function of its index).
template <random_scalar T>
void fill_uniform(backend::openmp b, T* out, std::size_t n, std::uint64_t seed,
                  std::uint64_t offset = 0, std::uint64_t stream = 0) {
    detail::fill<false>(out, n, seed, offset, stream, b.threads > 0 ? b.threads : 0);
}

/// Fills out[k] = normal(seed, offset + k, stream), k < n (complex: complex_normal, so
/// E|z|² = 1), on the calling thread.
template <random_scalar T>
void fill_normal(backend::serial, T* out, std::size_t n, std::uint64_t seed,
                 std::uint64_t offset = 0, std::uint64_t stream = 0) {
    detail::fill<true>(out, n, seed, offset, stream, -1);
}

/// Fills as the serial overload, blocks split among OpenMP threads; the output is
/// bit-identical for every thread count.
template <random_scalar T>
void fill_normal(backend::openmp b, T* out, std::size_t n, std::uint64_t seed,
                 std::uint64_t offset = 0, std::uint64_t stream = 0) {
    detail::fill<true>(out, n, seed, offset, stream, b.threads > 0 ? b.threads : 0);
}

}  // namespace sphaera
