#pragma once
/// \file cuda_check.hpp
/// \brief SPHAERA_CUDA_CHECK: every CUDA runtime/cuFFT status is checked and turned into a
/// sphaera::error naming the call, the file and the line.

#include "sphaera/core/config.hpp"
#include "sphaera/core/error.hpp"

#if SPHAERA_HAS_CUDA_COMPILER
#include <cuda_runtime.h>

namespace sphaera::detail {
inline void cuda_check(cudaError_t status, const char* call, const char* file, int line) {
    if (status != cudaSuccess)
        raise<error>("CUDA call ", call, " failed at ", file, ":", line, ": ",
                     cudaGetErrorName(status), " (", cudaGetErrorString(status), ")");
}
}  // namespace sphaera::detail

#define SPHAERA_CUDA_CHECK(call) ::sphaera::detail::cuda_check((call), #call, __FILE__, __LINE__)
#endif
