#pragma once
/// \file config.hpp
/// \brief Compiler and platform configuration. The only file in sphaera that reads
/// `__CUDACC__`: every other header asks the macros defined here.

#define SPHAERA_VERSION_MAJOR 0
#define SPHAERA_VERSION_MINOR 1
#define SPHAERA_VERSION_PATCH 0

#if defined(__CUDACC__)
/// 1 when the translation unit is compiled by nvcc (device code may be emitted).
#define SPHAERA_HAS_CUDA_COMPILER 1
/// Marks functions callable from host and device code.
#define SPHAERA_HD __host__ __device__
#else
#define SPHAERA_HAS_CUDA_COMPILER 0
#define SPHAERA_HD
#endif

// The device backend (backend::cuda) is written with Thrust. It is available under nvcc,
// and also under a plain host compiler when the translation unit selects Thrust's OpenMP
// device system (SPHAERA_DEVICE_SYSTEM_OMP); that build lets CI exercise the device code
// path without a GPU.
#if SPHAERA_HAS_CUDA_COMPILER || defined(SPHAERA_DEVICE_SYSTEM_OMP)
#define SPHAERA_HAS_DEVICE_BACKEND 1
#else
#define SPHAERA_HAS_DEVICE_BACKEND 0
#endif

#if defined(__CUDA_ARCH__)
/// 1 inside nvcc's device compilation pass (code that runs on the GPU).
#define SPHAERA_DEVICE_CODE 1
#else
#define SPHAERA_DEVICE_CODE 0
#endif

#if defined(SPHAERA_DEVICE_SYSTEM_OMP) && SPHAERA_HAS_CUDA_COMPILER
#error "SPHAERA_DEVICE_SYSTEM_OMP is meant for host compilers; nvcc builds use the CUDA system"
#endif

#if defined(SPHAERA_DEVICE_SYSTEM_OMP) && !defined(THRUST_DEVICE_SYSTEM)
#define THRUST_DEVICE_SYSTEM THRUST_DEVICE_SYSTEM_OMP
#endif

#if defined(_OPENMP)
#define SPHAERA_HAS_OPENMP 1
#else
#define SPHAERA_HAS_OPENMP 0
#endif

#if defined(__AVX2__)
/// 1 when host loops use the branch-free polynomial exp (vector_exp.hpp): it vectorises
/// from AVX2 on; with plain SSE2 glibc's scalar exp is faster.
#define SPHAERA_VECTOR_EXP 1
#else
#define SPHAERA_VECTOR_EXP 0
#endif

/// Portable "restrict" qualifier for hot loops.
#define SPHAERA_RESTRICT __restrict__
