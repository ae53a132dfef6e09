#pragma once
/// \file random_expr.hpp
/// \brief Random streams as expression leaves: `assign(b, x, mu + sigma * random_normal<double>(n,
/// seed))` draws and transforms in one fused loop or kernel, on every backend, with element
/// i a pure function of (seed, stream, offset + i) — the same numbers on host and device
/// and for any thread count (see random.hpp for the stream layout).

#include <complex>
#include <cstddef>
#include <cstdint>

#include "sphaera/core/config.hpp"
#include "sphaera/core/expr.hpp"
#include "sphaera/core/random.hpp"

namespace sphaera {

namespace detail {
struct uniform_kind {};
struct normal_kind {};
}  // namespace detail

/// Leaf whose element i is value offset + i of a Philox stream; lives in no memory space.
/// Each element is computed alone, so a normal element costs a whole Box–Muller pair and, in
/// double, a whole Philox block (≈ 5 ns with AVX-512 against ≈ 2 ns per value for
/// fill_normal, which shares each block and pair between two outputs): prefer fill_normal
/// for large host draws, the leaf for fusion and devices.
template <class T, class Kind>
class random_expr : public expr<random_expr<T, Kind>> {
    static_assert(random_scalar<T>, "sphaera: random streams produce float, double or complex");

public:
    using value_type = T;
    using memory_space = any_space;
    constexpr random_expr(std::size_t n, philox_stream s, std::uint64_t offset)
        : m_stream(s), m_offset(offset), m_size(n) {}

    SPHAERA_HD T operator[](std::size_t i) const {
        const std::uint64_t k = m_offset + i;
        if constexpr (is_complex_v<T>) {
            using R = real_type_t<T>;
            const complex_sample<R> z = std::is_same_v<Kind, detail::normal_kind>
                                            ? m_stream.complex_normal<R>(k)
                                            : m_stream.complex_uniform<R>(k);
            return T(z.re, z.im);
        } else if constexpr (std::is_same_v<Kind, detail::normal_kind>) {
            return m_stream.normal<T>(k);
        } else {
            return m_stream.uniform<T>(k);
        }
    }
    SPHAERA_HD constexpr std::size_t size() const { return m_size; }

private:
    philox_stream m_stream;
    std::uint64_t m_offset;
    std::size_t m_size;
};

/// n uniform (0,1) variates (complex: independent Re and Im) from stream (seed, stream).
template <class T>
constexpr random_expr<T, detail::uniform_kind> random_uniform(std::size_t n, std::uint64_t seed,
                                                              std::uint64_t offset = 0,
                                                              std::uint64_t stream = 0) {
    return {n, philox_stream{seed, stream}, offset};
}

/// n standard normal variates (complex: CN(0, 1), E|z|² = 1) from stream (seed, stream).
template <class T>
constexpr random_expr<T, detail::normal_kind> random_normal(std::size_t n, std::uint64_t seed,
                                                            std::uint64_t offset = 0,
                                                            std::uint64_t stream = 0) {
    return {n, philox_stream{seed, stream}, offset};
}

}  // namespace sphaera
