#pragma once
/// \file fft_sizes.hpp
/// \brief Size arithmetic and scratch alignment shared by the FFT engine (fftw_engine.hpp)
/// and the two-factor DFT (two_factor_dft.hpp): prime factors, FFTW's fast sizes,
/// Bluestein's convolution length, 64-byte alignment of caller scratch.

#include <complex>
#include <cstddef>
#include <cstdint>

namespace sphaera::backend::detail {
/// Largest prime factor of n ≥ 1.
inline std::size_t largest_prime_factor(std::size_t n) {
    std::size_t best = 1;
    for (std::size_t p = 2; p * p <= n; ++p)
        while (n % p == 0) {
            best = p;
            n /= p;
        }
    return n > 1 ? n : best;
}
/// Smallest n' ≥ n of the form 2^a 3^b 5^c 7^d (FFTW's fast sizes).
inline std::size_t smooth_size(std::size_t n) {
    for (std::size_t k = n < 1 ? 1 : n;; ++k) {
        std::size_t r = k;
        for (std::size_t p : {2, 3, 5, 7})
            while (r % p == 0) r /= p;
        if (r == 1) return k;
    }
}
/// Smallest n' ≥ n of the form 2^a, 3·2^a or 5·2^a: half of Bluestein's convolution length. Coarser
/// than smooth_size (at most 4/3 longer), so that the many ring lengths of a HEALPix grid
/// share a few dozen cached FFTW plans instead of planning hundreds of lengths.
inline std::size_t bluestein_size(std::size_t n) {
    std::size_t best = 0;
    for (std::size_t f : {1, 3, 5}) {
        std::size_t k = f;
        while (k < n) k *= 2;
        if (!best || k < best) best = k;
    }
    return best;
}
/// True when n has no prime factor above 7 (FFTW plans such sizes in microseconds; sizes with
/// a factor 11…47 take milliseconds even with FFTW_ESTIMATE, which dominated HEALPix plans).
inline bool is_smooth(std::size_t n) { return n >= 1 && smooth_size(n) == n; }

/// A pointer into `base` rounded up to 64 bytes (base must hold 4 spare complex values).
template <class T>
inline std::complex<T>* align64(std::complex<T>* base) {
    const auto a = reinterpret_cast<std::uintptr_t>(base);
    return reinterpret_cast<std::complex<T>*>((a + 63) & ~static_cast<std::uintptr_t>(63));
}
}  // namespace sphaera::backend::detail
