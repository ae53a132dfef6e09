#pragma once
/// \file buffer.hpp
/// \brief buffer<T, B>: an owning contiguous array in the memory space of backend B.
/// Never an expression node itself: expressions read it through view()/cview() (the
/// operators do that for lvalue buffers), so a node never owns or copies array data.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <type_traits>
#include <utility>

#include "sphaera/backend/host_memory.hpp"
#include "sphaera/backend/tags.hpp"
#include "sphaera/core/algorithms.hpp"
#include "sphaera/core/view.hpp"

#if SPHAERA_HAS_DEVICE_BACKEND
#include "sphaera/backend/device_memory.hpp"
#endif

namespace sphaera {

/// Tag asking a buffer constructor to leave the memory uninitialised (plan workspaces).
struct uninitialized_t {
    explicit constexpr uninitialized_t() = default;
};
inline constexpr uninitialized_t uninitialized{};

namespace detail {
template <class B>
void copy_bytes(void* dst, const void* src, std::size_t bytes, const B&, const B&) {
    if constexpr (std::is_same_v<memory_space_t<B>, host_space>) {
        if (bytes) std::memcpy(dst, src, bytes);
    } else {
#if SPHAERA_HAS_DEVICE_BACKEND
        device_copy(dst, src, bytes, copy_kind::device_to_device);
#endif
    }
}
}  // namespace detail

/// Owning array of `size()` elements of T in memory_space_t<B>, 64-byte aligned on the
/// host. Copies are deep; moves steal. Host element access only for host backends.
template <class T, backend_tag B = backend::serial>
class buffer {
    static_assert(storable_value<T>, "sphaera::buffer: element type must be float, double, "
                                     "std::complex of those, bool or an integer type");
    static_assert(detail::device_backend_compiled<B>,
                  "sphaera::buffer<T, backend::cuda> needs a translation unit compiled by nvcc");

public:
    using value_type = T;
    using backend_type = B;
    using memory_space = memory_space_t<B>;

    buffer() = default;
    /// n zero-initialised elements.
    explicit buffer(std::size_t n, B backend = {}) : buffer(n, uninitialized, backend) {
        detail::memory<memory_space>::zero(m_data, n, m_backend);
    }
    /// n elements left uninitialised.
    buffer(std::size_t n, uninitialized_t, B backend = {})
        : m_data(detail::memory<memory_space>::template allocate<T>(n, backend)),
          m_size(n), m_backend(backend) {}
    /// Host buffer holding the listed values. A named function, not an initializer-list
    /// constructor, so that `buffer<double>{n}` can never mean "one element equal to n".
    static buffer from_values(std::initializer_list<T> values, B backend = {})
        requires host_backend<B>
    {
        buffer out(values.size(), uninitialized, backend);
        std::copy(values.begin(), values.end(), out.m_data);
        return out;
    }
    /// Evaluates an expression into a new buffer of its size.
    template <class E>
        requires expression<E>
    explicit buffer(const E& e, B backend = {}) : buffer(e.size(), uninitialized, backend) {
        assign(m_backend, view(), e);
    }

    buffer(const buffer& other) : buffer(other.m_size, uninitialized, other.m_backend) {
        detail::copy_bytes(m_data, other.m_data, m_size * sizeof(T), m_backend, other.m_backend);
    }
    buffer(buffer&& other) noexcept
        : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)),
          m_backend(other.m_backend) {}
    buffer& operator=(const buffer& other) {
        if (this != &other) *this = buffer(other);
        return *this;
    }
    buffer& operator=(buffer&& other) noexcept {
        std::swap(m_data, other.m_data);
        std::swap(m_size, other.m_size);
        std::swap(m_backend, other.m_backend);
        return *this;
    }
    ~buffer() { detail::memory<memory_space>::deallocate(m_data, m_size, m_backend); }

    /// Evaluates e into this buffer with its own backend (sizes must agree).
    template <class X>
        requires(expression<X> || host_scalar<X>)
    buffer& operator=(const X& x) {
        assign(m_backend, view(), x);
        return *this;
    }

    [[nodiscard]] sphaera::view<T, memory_space> view() { return {m_data, m_size}; }
    [[nodiscard]] sphaera::view<const T, memory_space> view() const { return {m_data, m_size}; }
    [[nodiscard]] sphaera::view<const T, memory_space> cview() const { return {m_data, m_size}; }

    [[nodiscard]] T* data() { return m_data; }
    [[nodiscard]] const T* data() const { return m_data; }
    [[nodiscard]] std::size_t size() const { return m_size; }
    [[nodiscard]] bool empty() const { return m_size == 0; }
    [[nodiscard]] const B& backend() const { return m_backend; }

    T& operator[](std::size_t i)
        requires host_backend<B>
    { return m_data[i]; }
    const T& operator[](std::size_t i) const
        requires host_backend<B>
    { return m_data[i]; }
    T* begin() requires host_backend<B> { return m_data; }
    T* end() requires host_backend<B> { return m_data + m_size; }
    const T* begin() const requires host_backend<B> { return m_data; }
    const T* end() const requires host_backend<B> { return m_data + m_size; }

private:
    T* m_data = nullptr;
    std::size_t m_size = 0;
    [[no_unique_address]] B m_backend{};
};

}  // namespace sphaera
