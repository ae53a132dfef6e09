#pragma once
/// \file philox.hpp
/// \brief The Philox-4x32-10 counter-based bijection of Salmon, Moraes, Dror & Shaw,
/// "Parallel random numbers: as easy as 1, 2, 3", SC'11 (2011), §4.2.
///
/// A counter-based generator has no state to advance: block \f$c\f$ of the stream keyed by
/// \f$k\f$ is \f$b_k(c)\f$, a keyed bijection of a 128-bit counter. Any thread, on the host
/// or on a device, can therefore produce any part of a stream in O(1), and a parallel fill
/// gives the same numbers whatever the thread count. Everything here is integer arithmetic
/// and `SPHAERA_HD`, so host and device compute bit-identical blocks.

#include <cstdint>

#include "sphaera/core/config.hpp"

namespace sphaera {

/// A 128-bit Philox counter (or output block) as four 32-bit words; word 0 is the least
/// significant, as in Random123.
struct philox4x32_ctr {
    std::uint32_t v[4];
};

/// A 64-bit Philox key as two 32-bit words; word 0 is the least significant.
struct philox4x32_key {
    std::uint32_t v[2];
};

namespace detail {

/// Philox-4x32 multipliers (Salmon et al. 2011, §4.2): found by the authors' search for
/// multipliers whose high/low halves give the best avalanche after few rounds.
inline constexpr std::uint32_t philox_m0 = 0xD2511F53u;
inline constexpr std::uint32_t philox_m1 = 0xCD9E8D57u;
/// Weyl key-schedule increments: the golden ratio and sqrt(3) - 1 in 0.32 fixed point,
/// i.e. "nothing up my sleeve" constants (Salmon et al. 2011, §4.2).
inline constexpr std::uint32_t philox_w0 = 0x9E3779B9u;
inline constexpr std::uint32_t philox_w1 = 0xBB67AE85u;

/// High and low 32-bit halves of the 64-bit product a * b. A 64-bit multiply is the
/// portable way to get the high half (nvcc turns it into `mul.hi.u32`).
struct mulhilo32 {
    std::uint32_t hi;
    std::uint32_t lo;
};

SPHAERA_HD constexpr mulhilo32 mul_hi_lo(std::uint32_t a, std::uint32_t b) {
    const std::uint64_t p = static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b);
    return {static_cast<std::uint32_t>(p >> 32), static_cast<std::uint32_t>(p)};
}

/// One Philox S-box round: two multiplies feed their high halves (xor key and the other
/// words) into the permuted output; the low halves pass through (Salmon et al. 2011, §4.2).
SPHAERA_HD constexpr philox4x32_ctr philox4x32_round(const philox4x32_ctr& c,
                                                     const philox4x32_key& k) {
    const mulhilo32 p0 = mul_hi_lo(philox_m0, c.v[0]);
    const mulhilo32 p1 = mul_hi_lo(philox_m1, c.v[2]);
    return {{p1.hi ^ c.v[1] ^ k.v[0], p1.lo, p0.hi ^ c.v[3] ^ k.v[1], p0.lo}};
}

/// Key schedule between rounds: a Weyl sequence, so each round sees a different key at the
/// cost of two adds (no key expansion to store).
SPHAERA_HD constexpr philox4x32_key philox4x32_bump_key(const philox4x32_key& k) {
    return {{k.v[0] + philox_w0, k.v[1] + philox_w1}};
}

}  // namespace detail

/// Philox-4x32-R: \p Rounds rounds of the Philox bijection of \p ctr under key \p key
/// (Salmon et al. 2011, §4.2). Rounds = 10 is the recommended Crush-resistant variant with
/// a safety margin; the key is bumped between rounds, not before the first.
template <int Rounds = 10>
SPHAERA_HD constexpr philox4x32_ctr philox4x32(philox4x32_ctr ctr, philox4x32_key key) {
    static_assert(Rounds >= 1 && Rounds <= 16, "Philox is defined for 1..16 rounds");
    ctr = detail::philox4x32_round(ctr, key);
    for (int r = 1; r < Rounds; ++r) {
        key = detail::philox4x32_bump_key(key);
        ctr = detail::philox4x32_round(ctr, key);
    }
    return ctr;
}

/// Philox-4x32-10, the variant sphaera's random streams use.
SPHAERA_HD constexpr philox4x32_ctr philox4x32_10(const philox4x32_ctr& ctr,
                                                  const philox4x32_key& key) {
    return philox4x32<10>(ctr, key);
}

/// Splits a 64-bit value into two 32-bit words (low word first) for keys and counters.
SPHAERA_HD constexpr philox4x32_key philox_key_from_seed(std::uint64_t seed) {
    return {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
}

/// Counter for block \p block of substream \p stream: words 0-1 hold the block index,
/// words 2-3 the substream id, so (stream, block) pairs never collide.
SPHAERA_HD constexpr philox4x32_ctr philox_counter(std::uint64_t block, std::uint64_t stream) {
    return {{static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
             static_cast<std::uint32_t>(stream), static_cast<std::uint32_t>(stream >> 32)}};
}

}  // namespace sphaera
