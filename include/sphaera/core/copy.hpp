#pragma once
/// \file copy.hpp
/// \brief Copies between memory spaces: the only way data crosses host ↔ device.

#include <cstring>
#include <type_traits>

#include "sphaera/core/buffer.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/core/view.hpp"

namespace sphaera {

/// Copies src into dst (equal sizes), whatever their memory spaces.
template <class T, class U, class S1, class S2>
    requires std::is_same_v<std::remove_const_t<T>, U>
void copy(view<T, S1> src, view<U, S2> dst) {
    detail::require_same_size("sphaera::copy", src.size(), dst.size());
    const std::size_t bytes = src.size() * sizeof(U);
    if constexpr (std::is_same_v<S1, host_space> && std::is_same_v<S2, host_space>) {
        if (bytes) std::memmove(dst.data(), src.data(), bytes);
    } else {
#if SPHAERA_HAS_DEVICE_BACKEND
        constexpr auto kind = std::is_same_v<S1, host_space>   ? detail::copy_kind::host_to_device
                              : std::is_same_v<S2, host_space> ? detail::copy_kind::device_to_host
                                                               : detail::copy_kind::device_to_device;
        detail::device_copy(dst.data(), src.data(), bytes, kind);
#else
        static_assert(std::is_same_v<S1, host_space>,
                      "sphaera::copy to or from device memory needs nvcc");
#endif
    }
}

/// A buffer on backend B2 holding a copy of src (e.g. to_backend(backend::cuda{}, host)).
template <backend_tag B2, class T, class B1>
buffer<T, B2> to_backend(const B2& b, const buffer<T, B1>& src) {
    buffer<T, B2> out(src.size(), uninitialized, b);
    copy(src.cview(), out.view());
    return out;
}

}  // namespace sphaera
