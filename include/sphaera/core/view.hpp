#pragma once
/// \file view.hpp
/// \brief Non-owning contiguous 1-D views: the leaves of expression trees.

#include <cstddef>
#include <type_traits>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/core/expr.hpp"
#include "sphaera/core/type_traits.hpp"

namespace sphaera {

/// A pointer and a length in memory space `Space`. `T` may be const. Element access from
/// host code is valid only for host_space views.
template <class T, class Space = host_space>
class view : public expr<view<T, Space>> {
    static_assert(storable_value<std::remove_const_t<T>>,
                  "sphaera::view: element type must be float, double, std::complex of those, "
                  "bool or an integer type");

public:
    using element_type = T;
    using value_type = std::remove_const_t<T>;
    using memory_space = Space;

    constexpr view() = default;
    constexpr view(T* data, std::size_t size) : m_data(data), m_size(size) {}
    /// A view of T converts to a view of const T.
    template <class U>
        requires(std::is_const_v<T> && std::is_same_v<std::remove_const_t<T>, U>)
    constexpr view(view<U, Space> other) : m_data(other.data()), m_size(other.size()) {}

    SPHAERA_HD constexpr T& operator[](std::size_t i) const { return m_data[i]; }
    SPHAERA_HD constexpr T* data() const { return m_data; }
    SPHAERA_HD constexpr std::size_t size() const { return m_size; }
    constexpr bool empty() const { return m_size == 0; }
    constexpr T* begin() const { return m_data; }
    constexpr T* end() const { return m_data + m_size; }

    /// Elements [offset, offset + count).
    view subview(std::size_t offset, std::size_t count) const {
        if (offset > m_size || count > m_size - offset)
            detail::raise<shape_mismatch>("subview [", offset, ", ", offset + count,
                                          ") is outside the view of size ", m_size);
        return view(m_data + offset, count);
    }

private:
    T* m_data = nullptr;
    std::size_t m_size = 0;
};

template <class T>
using host_view = view<T, host_space>;
template <class T>
using device_view = view<T, device_space>;

}  // namespace sphaera
