#pragma once
/// \file so3_layout.hpp
/// \brief Layouts of Wigner coefficients f^ℓ_mn on SO(3) for band-limits L (ℓ < L) and N
/// (|n| < N ≤ L). sphaera's layout is n-major: one block of L² per n = −(N−1)..N−1, each in
/// the sphere's 1-D layout ℓ² + ℓ + m, so block n is exactly the coefficient array of the
/// spin −n transform that carries it. Entries with ℓ < |n| do not exist: transforms ignore
/// them on input and write zero there. Converters go to and from s2fft's 3-D layout
/// (2N−1, L, 2L−1) with flmn[N−1+n][ℓ][L−1+m] (zero where |m| > ℓ or ℓ < |n|).

#include <complex>
#include <cstddef>
#include <type_traits>

#include "sphaera/core/error.hpp"
#include "sphaera/core/view.hpp"
#include "sphaera/sht/layout.hpp"

namespace sphaera::so3 {

/// Number of Wigner coefficients in sphaera's layout, (2N−1)·L².
[[nodiscard]] constexpr std::size_t flmn_count(int L, int N) {
    return static_cast<std::size_t>(2 * N - 1) * sht::alm_count(L);
}
/// Index of f^ℓ_mn in sphaera's layout: (n + N − 1)·L² + ℓ² + ℓ + m.
[[nodiscard]] constexpr std::size_t flmn_index(int L, int N, int n, int l, int m) {
    return static_cast<std::size_t>(n + N - 1) * sht::alm_count(L) + sht::alm_index(l, m);
}

namespace detail {
inline void require_band_limits(const char* what, int L, int N) {
    if (L < 1) sphaera::detail::raise<invalid_argument>(what, ": band-limit L = ", L, "; valid range is [1, inf)");
    if (N < 1 || N > L)
        sphaera::detail::raise<invalid_argument>(what, ": azimuthal band-limit N = ", N,
                                                 " is out of range for L = ", L, "; valid range is [1, L]");
}
[[nodiscard]] constexpr std::size_t s2fft_count(int L, int N) {
    return static_cast<std::size_t>(2 * N - 1) * static_cast<std::size_t>(L) * static_cast<std::size_t>(2 * L - 1);
}
}  // namespace detail

/// sphaera layout → s2fft layout. flmn: ((2N−1)·L²); out: (2N−1, L, 2L−1).
template <class In, class T>
    requires std::is_same_v<std::remove_const_t<In>, std::complex<T>>
void to_s2fft(int L, int N, view<In> flmn, view<std::complex<T>> out) {
    detail::require_band_limits("so3::to_s2fft", L, N);
    sphaera::detail::require_same_size("so3::to_s2fft: flmn", flmn.size(), flmn_count(L, N));
    sphaera::detail::require_same_size("so3::to_s2fft: out", out.size(), detail::s2fft_count(L, N));
    const auto w = static_cast<std::size_t>(2 * L - 1);
    for (int n = -(N - 1); n <= N - 1; ++n) {
        std::complex<T>* blk = out.data() + static_cast<std::size_t>(n + N - 1) * static_cast<std::size_t>(L) * w;
        for (int l = 0; l < L; ++l)
            for (int m = -(L - 1); m <= L - 1; ++m) {
                const bool live = m >= -l && m <= l && l >= (n < 0 ? -n : n);
                blk[static_cast<std::size_t>(l) * w + static_cast<std::size_t>(m + L - 1)] =
                    live ? std::complex<T>(flmn[flmn_index(L, N, n, l, m)]) : std::complex<T>(0);
            }
    }
}

/// s2fft layout → sphaera layout (entries with |m| > ℓ are ignored, those with ℓ < |n|
/// become zero). in: (2N−1, L, 2L−1); flmn: ((2N−1)·L²).
template <class In, class T>
    requires std::is_same_v<std::remove_const_t<In>, std::complex<T>>
void from_s2fft(int L, int N, view<In> in, view<std::complex<T>> flmn) {
    detail::require_band_limits("so3::from_s2fft", L, N);
    sphaera::detail::require_same_size("so3::from_s2fft: in", in.size(), detail::s2fft_count(L, N));
    sphaera::detail::require_same_size("so3::from_s2fft: flmn", flmn.size(), flmn_count(L, N));
    const auto w = static_cast<std::size_t>(2 * L - 1);
    for (int n = -(N - 1); n <= N - 1; ++n) {
        const auto* blk = in.data() + static_cast<std::size_t>(n + N - 1) * static_cast<std::size_t>(L) * w;
        for (int l = 0; l < L; ++l)
            for (int m = -l; m <= l; ++m)
                flmn[flmn_index(L, N, n, l, m)] =
                    l >= (n < 0 ? -n : n)
                        ? std::complex<T>(blk[static_cast<std::size_t>(l) * w + static_cast<std::size_t>(m + L - 1)])
                        : std::complex<T>(0);
    }
}

}  // namespace sphaera::so3
