#pragma once
/// \file device_memory.hpp
/// \brief Device allocation and host↔device copies for backend::cuda: cudaMalloc/cudaMemcpy
/// under nvcc; aligned host memory under the Thrust OpenMP device system (CI without GPU).

#include <cstddef>
#include <cstring>

#include "sphaera/backend/host_memory.hpp"
#include "sphaera/backend/tags.hpp"
#include "sphaera/core/config.hpp"

#if !SPHAERA_HAS_DEVICE_BACKEND
#error "sphaera/backend/device_memory.hpp needs nvcc (or SPHAERA_DEVICE_SYSTEM_OMP)"
#endif

#if SPHAERA_HAS_CUDA_COMPILER
#include <cuda_runtime.h>

#include "sphaera/backend/cuda_check.hpp"
#endif

namespace sphaera::detail {

#if SPHAERA_HAS_CUDA_COMPILER
/// Makes b.device current for the guard's lifetime and restores the previous device.
class device_guard {
public:
    explicit device_guard(const backend::cuda& b) {
        SPHAERA_CUDA_CHECK(cudaGetDevice(&m_previous));
        if (m_previous != b.device) SPHAERA_CUDA_CHECK(cudaSetDevice(b.device));
        m_changed = m_previous != b.device;
    }
    ~device_guard() {
        if (m_changed) cudaSetDevice(m_previous);
    }
    device_guard(const device_guard&) = delete;
    device_guard& operator=(const device_guard&) = delete;

private:
    int m_previous = 0;
    bool m_changed = false;
};

template <>
struct memory<device_space> {
    template <class T>
    static T* allocate(std::size_t n, const backend::cuda& b) {
        if (n == 0) return nullptr;
        device_guard g(b);
        void* p = nullptr;
        SPHAERA_CUDA_CHECK(cudaMalloc(&p, n * sizeof(T)));
        return static_cast<T*>(p);
    }
    template <class T>
    static void deallocate(T* p, std::size_t, const backend::cuda& b) noexcept {
        if (!p) return;
        int previous = 0;
        cudaGetDevice(&previous);
        cudaSetDevice(b.device);
        cudaFree(p);
        cudaSetDevice(previous);
    }
    template <class T>
    static void zero(T* p, std::size_t n, const backend::cuda& b) {
        if (n == 0) return;
        device_guard g(b);
        SPHAERA_CUDA_CHECK(cudaMemsetAsync(p, 0, n * sizeof(T), static_cast<cudaStream_t>(b.stream)));
        SPHAERA_CUDA_CHECK(cudaStreamSynchronize(static_cast<cudaStream_t>(b.stream)));
    }
};

enum class copy_kind { host_to_device, device_to_host, device_to_device };

inline void device_copy(void* dst, const void* src, std::size_t bytes, copy_kind kind) {
    if (bytes == 0) return;
    const cudaMemcpyKind k = kind == copy_kind::host_to_device   ? cudaMemcpyHostToDevice
                             : kind == copy_kind::device_to_host ? cudaMemcpyDeviceToHost
                                                                 : cudaMemcpyDeviceToDevice;
    SPHAERA_CUDA_CHECK(cudaMemcpy(dst, src, bytes, k));
}
#else
// Thrust OpenMP device system: "device" memory is host memory, which lets the whole device
// code path run under CI without a GPU.
template <>
struct memory<device_space> {
    template <class T>
    static T* allocate(std::size_t n, const backend::cuda& b) {
        return memory<host_space>::allocate<T>(n, b);
    }
    template <class T>
    static void deallocate(T* p, std::size_t n, const backend::cuda& b) noexcept {
        memory<host_space>::deallocate(p, n, b);
    }
    template <class T>
    static void zero(T* p, std::size_t n, const backend::cuda& b) {
        memory<host_space>::zero(p, n, b);
    }
};

enum class copy_kind { host_to_device, device_to_host, device_to_device };

inline void device_copy(void* dst, const void* src, std::size_t bytes, copy_kind) {
    if (bytes) std::memcpy(dst, src, bytes);
}
#endif

}  // namespace sphaera::detail
