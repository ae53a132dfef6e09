#pragma once
/// \file bulk_memory.hpp
/// \brief huge_page_array<T>: an owning, zero-initialised array for buffers much larger
/// than the caches (the SHT plans' column buffers, hundreds of MB at L ≥ 2048), whose storage
/// is 2 MiB aligned and, on Linux, marked madvise(MADV_HUGEPAGE), so transparent huge pages
/// back it where the system allows them ("madvise" or "always" mode; nothing changes in
/// "never"). Only this allocation is advised; no system setting is touched.

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
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

}  // namespace sphaera::detail
