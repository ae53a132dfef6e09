#pragma once
/// \file host_memory.hpp
/// \brief Host allocation: 64-byte aligned (one cache line, the widest SIMD register), so
/// vectorised loops and FFTW's SIMD paths get aligned data.

#include <cstddef>
#include <cstring>
#include <new>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/error.hpp"

namespace sphaera::detail {

inline constexpr std::size_t host_alignment = 64;

template <class Space>
struct memory;

template <>
struct memory<host_space> {
    template <class T, class B>
    static T* allocate(std::size_t n, const B&) {
        if (n == 0) return nullptr;
        if (n > static_cast<std::size_t>(-1) / sizeof(T))
            raise<invalid_argument>("buffer size ", n, " overflows the address space");
        return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{host_alignment}));
    }
    template <class T, class B>
    static void deallocate(T* p, std::size_t, const B&) noexcept {
        if (p) ::operator delete(p, std::align_val_t{host_alignment});
    }
    template <class T, class B>
    static void zero(T* p, std::size_t n, const B&) {
        if (n) std::memset(static_cast<void*>(p), 0, n * sizeof(T));
    }
};

}  // namespace sphaera::detail
