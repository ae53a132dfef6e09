#pragma once
/// \file tags.hpp
/// \brief Backend tags and memory spaces (DESIGN.md §2). A backend is a tiny trivially
/// copyable value; containers and plans take it as a type, free algorithms as a value.

#include <concepts>
#include <type_traits>

#include "sphaera/core/config.hpp"

namespace sphaera {

/// Memory directly addressable by host code.
struct host_space {
    static constexpr const char* name = "host";
};
/// Memory owned by the device backend (CUDA global memory; host memory under the Thrust
/// OpenMP device system used by CI).
struct device_space {
    static constexpr const char* name = "device";
};
/// Space of values that live in no array (scalars in expressions): compatible with all.
struct any_space {
    static constexpr const char* name = "any";
};

namespace backend {

/// Plain sequential loops on the calling thread.
struct serial {
    using memory_space = host_space;
    static constexpr const char* name = "serial";
};

/// OpenMP `parallel for simd` on the host. threads <= 0 means "OpenMP's default".
struct openmp {
    using memory_space = host_space;
    static constexpr const char* name = "openmp";
    int threads = 0;
};

/// CUDA device (Thrust/CUB/cuFFT). The stream is a `cudaStream_t` stored as a pointer so
/// host-only translation units need no CUDA header; nullptr is the legacy default stream.
struct cuda {
    using memory_space = device_space;
    static constexpr const char* name = "cuda";
    void* stream = nullptr;
    int device = 0;
};

/// True for the backend tag types sphaera knows.
template <class B>
inline constexpr bool is_backend_tag_v = std::is_same_v<B, serial> ||
                                         std::is_same_v<B, openmp> || std::is_same_v<B, cuda>;

}  // namespace backend

/// A backend tag: trivially copyable, names its memory space.
template <class B>
concept backend_tag = backend::is_backend_tag_v<std::remove_cvref_t<B>> &&
                      std::is_trivially_copyable_v<std::remove_cvref_t<B>> &&
                      requires { typename std::remove_cvref_t<B>::memory_space; };

/// A backend whose memory is host memory.
template <class B>
concept host_backend =
    backend_tag<B> && std::same_as<typename std::remove_cvref_t<B>::memory_space, host_space>;

/// Memory space of backend \p B.
template <backend_tag B>
using memory_space_t = typename std::remove_cvref_t<B>::memory_space;

}  // namespace sphaera
