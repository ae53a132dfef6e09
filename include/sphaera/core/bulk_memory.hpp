#pragma once
/// \file bulk_memory.hpp
/// \brief Helpers for arrays much larger than the caches (the SHT plans' column buffers and
/// maps, hundreds of MB at L ≥ 2048):
///  - huge_page_array<T>: an owning, zero-initialised array whose storage is 2 MiB aligned
///    and, on Linux, marked madvise(MADV_HUGEPAGE), so transparent huge pages back it where
///    the system allows them ("madvise" or "always" mode; nothing changes in "never");
///  - stream_copy / stream_fence: copies that write with non-temporal stores (x86-64), for
///    an output written once and read much later, which would otherwise be read into the
///    cache line by line before being overwritten (a third of the traffic).
/// Both are plain fallbacks elsewhere (other architectures, small sizes, odd alignment).

#include <algorithm>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#define SPHAERA_HAS_STREAM_STORES 1
#else
#define SPHAERA_HAS_STREAM_STORES 0
#endif

namespace sphaera::detail {

/// Owning array of trivially copyable T, zero-initialised, 64-byte aligned; from 2 MiB up,
/// 2 MiB aligned and advised for transparent huge pages (Linux). The SHT column buffer is
/// read in transposed order, one order (a different 4 KiB page) after another: huge pages
/// cut the TLB misses of that walk. Move-only.
template <class T>
class huge_page_array {
    static_assert(std::is_trivially_copyable_v<T>, "huge_page_array: T must be trivially copyable");

public:
    /// Arrays of at least this many bytes get 2 MiB alignment and the huge-page advice.
    static constexpr std::size_t huge_page_bytes = std::size_t(2) << 20;

    huge_page_array() = default;
    explicit huge_page_array(std::size_t n) { resize(n); }
    huge_page_array(const huge_page_array&) = delete;
    huge_page_array& operator=(const huge_page_array&) = delete;
    huge_page_array(huge_page_array&& o) noexcept
        : m_data(std::exchange(o.m_data, nullptr)), m_size(std::exchange(o.m_size, 0)) {}
    huge_page_array& operator=(huge_page_array&& o) noexcept {
        std::swap(m_data, o.m_data);
        std::swap(m_size, o.m_size);
        return *this;
    }
    ~huge_page_array() { std::free(m_data); }

    /// n zero elements (the old contents are discarded; no-op when n = size()). Throws
    /// std::bad_alloc when the memory is not available.
    void resize(std::size_t n) {
        if (n == m_size) return;
        std::free(m_data);
        m_data = nullptr;
        m_size = 0;
        if (n == 0) return;
        if (n > (static_cast<std::size_t>(-1) - huge_page_bytes) / sizeof(T)) throw std::bad_alloc();
        const std::size_t bytes = n * sizeof(T);
        const std::size_t align = bytes >= huge_page_bytes ? huge_page_bytes : 64;
        const std::size_t rounded = (bytes + align - 1) / align * align;  // aligned_alloc's rule
        void* p = std::aligned_alloc(align, rounded);
        if (!p) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        // Advice only: before the first touch, so the zeroing below faults huge pages in;
        // a failure (THP compiled out, "never" mode) leaves ordinary pages, still correct.
        if (align == huge_page_bytes) (void)::madvise(p, rounded, MADV_HUGEPAGE);
#endif
        std::memset(p, 0, rounded);
        m_data = static_cast<T*>(p);
        m_size = n;
    }
    [[nodiscard]] std::size_t size() const { return m_size; }
    [[nodiscard]] bool empty() const { return m_size == 0; }
    [[nodiscard]] T* data() { return m_data; }
    [[nodiscard]] const T* data() const { return m_data; }
    T& operator[](std::size_t i) { return m_data[i]; }
    const T& operator[](std::size_t i) const { return m_data[i]; }

private:
    T* m_data = nullptr;
    std::size_t m_size = 0;
};

/// dst[0..n) = src[0..n) for float, double or std::complex of those, with non-temporal
/// stores where available and dst is 16-byte aligned (8-byte for 8-byte types); a plain
/// copy otherwise. After a series of stream copies, call stream_fence() before other
/// threads may read dst (non-temporal stores are weakly ordered).
template <class T>
inline void stream_copy(const T* src, T* dst, std::size_t n) {
    static_assert(std::is_trivially_copyable_v<T>, "stream_copy: T must be trivially copyable");
#if SPHAERA_HAS_STREAM_STORES
    const auto a = reinterpret_cast<std::uintptr_t>(dst);
    if constexpr (sizeof(T) == 16) {
        if (a % 16 == 0) {
            const auto* s = reinterpret_cast<const double*>(src);
            auto* d = reinterpret_cast<double*>(dst);
            for (std::size_t i = 0; i < n; ++i) _mm_stream_pd(d + 2 * i, _mm_loadu_pd(s + 2 * i));
            return;
        }
    } else if constexpr (sizeof(T) == 8) {
        if (a % 8 == 0) {
            const auto* s = reinterpret_cast<const unsigned char*>(src);
            auto* d = reinterpret_cast<long long*>(dst);
            for (std::size_t i = 0; i < n; ++i) {
                long long v;
                std::memcpy(&v, s + 8 * i, 8);
                _mm_stream_si64(d + i, v);
            }
            return;
        }
    }
#endif
    std::copy(src, src + n, dst);
}
/// *dst = v with a non-temporal store where stream_copy would use one (dst aligned to
/// min(sizeof(T), 16) bytes; T of 8 or 16 bytes), a plain store otherwise.
template <class T>
inline void stream_store(T* dst, const T& v) {
    static_assert(std::is_trivially_copyable_v<T>, "stream_store: T must be trivially copyable");
#if SPHAERA_HAS_STREAM_STORES
    if constexpr (sizeof(T) == 16) {
        double d[2];
        std::memcpy(d, &v, 16);
        _mm_stream_pd(reinterpret_cast<double*>(dst), _mm_loadu_pd(d));
        return;
    } else if constexpr (sizeof(T) == 8) {
        long long x;
        std::memcpy(&x, &v, 8);
        _mm_stream_si64(reinterpret_cast<long long*>(dst), x);
        return;
    }
#endif
    *dst = v;
}
/// Orders earlier stream_copy stores before later stores (a no-op without them).
inline void stream_fence() {
#if SPHAERA_HAS_STREAM_STORES
    _mm_sfence();
#endif
}

}  // namespace sphaera::detail
