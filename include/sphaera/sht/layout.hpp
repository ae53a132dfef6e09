#pragma once
/// \file layout.hpp
/// \brief Harmonic coefficient layouts and converters. sphaera's default is 1-D with index
/// ℓ² + ℓ + m (ℓ < L, |m| ≤ ℓ; ssht's layout). Converters go to and from healpy's m-major
/// triangular layout of a real field (m ≥ 0 only, index m(2L−1−m)/2 + ℓ with lmax = L−1)
/// and s2fft's 2-D layout (L, 2L−1) with f[ℓ][L−1+m] (zero where |m| > ℓ).

#include <complex>
#include <cstddef>
#include <type_traits>

#include "sphaera/core/error.hpp"
#include "sphaera/core/view.hpp"

namespace sphaera::sht {

/// Index of f_ℓm in the default 1-D layout.
[[nodiscard]] constexpr std::size_t alm_index(int l, int m) {
    return static_cast<std::size_t>(l) * static_cast<std::size_t>(l) + static_cast<std::size_t>(l + m);
}
/// Number of coefficients of band-limit L in the default layout (L²).
[[nodiscard]] constexpr std::size_t alm_count(int L) { return static_cast<std::size_t>(L) * static_cast<std::size_t>(L); }
/// Index of a_ℓm (m ≥ 0) in healpy's layout for lmax = L − 1 (healpy.Alm.getidx).
[[nodiscard]] constexpr std::size_t healpy_index(int L, int l, int m) {
    return static_cast<std::size_t>(m) * static_cast<std::size_t>(2 * L - 1 - m) / 2 + static_cast<std::size_t>(l);
}
/// Number of coefficients in healpy's layout, L(L+1)/2.
[[nodiscard]] constexpr std::size_t healpy_count(int L) {
    return static_cast<std::size_t>(L) * static_cast<std::size_t>(L + 1) / 2;
}

namespace detail {
inline void require_positive_l(const char* what, int L) {
    if (L < 1) sphaera::detail::raise<invalid_argument>(what, ": band-limit L = ", L, "; valid range is [1, inf)");
}
}  // namespace detail

/// Default layout → healpy layout (keeps m ≥ 0). alm: (L²); out: (L(L+1)/2).
template <class In, class T>
    requires std::is_same_v<std::remove_const_t<In>, std::complex<T>>
void to_healpy(int L, view<In> alm, view<std::complex<T>> out) {
    detail::require_positive_l("to_healpy", L);
    sphaera::detail::require_same_size("to_healpy: alm", alm.size(), alm_count(L));
    sphaera::detail::require_same_size("to_healpy: out", out.size(), healpy_count(L));
    for (int m = 0; m < L; ++m)
        for (int l = m; l < L; ++l) out[healpy_index(L, l, m)] = alm[alm_index(l, m)];
}

/// healpy layout of a real spin-0 field → default layout, filling m < 0 by Hermitian
/// symmetry f_{ℓ,−m} = (−1)^m conj(f_ℓm). in: (L(L+1)/2); alm: (L²).
template <class In, class T>
    requires std::is_same_v<std::remove_const_t<In>, std::complex<T>>
void from_healpy(int L, view<In> in, view<std::complex<T>> alm) {
    detail::require_positive_l("from_healpy", L);
    sphaera::detail::require_same_size("from_healpy: in", in.size(), healpy_count(L));
    sphaera::detail::require_same_size("from_healpy: alm", alm.size(), alm_count(L));
    for (int m = 0; m < L; ++m)
        for (int l = m; l < L; ++l) {
            const std::complex<T> v = in[healpy_index(L, l, m)];
            alm[alm_index(l, m)] = v;
            if (m > 0) alm[alm_index(l, -m)] = (m % 2 == 0 ? T(1) : T(-1)) * std::conj(v);
        }
}

/// Default layout → s2fft 2-D layout. alm: (L²); out: (L, 2L−1), zero where |m| > ℓ.
template <class In, class T>
    requires std::is_same_v<std::remove_const_t<In>, std::complex<T>>
void to_2d(int L, view<In> alm, view<std::complex<T>> out) {
    detail::require_positive_l("to_2d", L);
    sphaera::detail::require_same_size("to_2d: alm", alm.size(), alm_count(L));
    sphaera::detail::require_same_size("to_2d: out", out.size(), static_cast<std::size_t>(L) * static_cast<std::size_t>(2 * L - 1));
    const auto w = static_cast<std::size_t>(2 * L - 1);
    for (int l = 0; l < L; ++l)
        for (int m = -(L - 1); m <= L - 1; ++m)
            out[static_cast<std::size_t>(l) * w + static_cast<std::size_t>(m + L - 1)] =
                (m >= -l && m <= l) ? alm[alm_index(l, m)] : std::complex<T>(0);
}

/// s2fft 2-D layout → default layout (entries with |m| > ℓ are ignored). in: (L, 2L−1); alm: (L²).
template <class In, class T>
    requires std::is_same_v<std::remove_const_t<In>, std::complex<T>>
void from_2d(int L, view<In> in, view<std::complex<T>> alm) {
    detail::require_positive_l("from_2d", L);
    sphaera::detail::require_same_size("from_2d: in", in.size(), static_cast<std::size_t>(L) * static_cast<std::size_t>(2 * L - 1));
    sphaera::detail::require_same_size("from_2d: alm", alm.size(), alm_count(L));
    const auto w = static_cast<std::size_t>(2 * L - 1);
    for (int l = 0; l < L; ++l)
        for (int m = -l; m <= l; ++m)
            alm[alm_index(l, m)] = in[static_cast<std::size_t>(l) * w + static_cast<std::size_t>(m + L - 1)];
}

}  // namespace sphaera::sht
