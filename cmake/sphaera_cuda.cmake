# CUDA language at sm_90 with C++20, plus the toolkit pieces the device backend uses
# (Thrust/CUB from CCCL, cudart, cuFFT), gathered in sphaera::cuda_dependencies.
include_guard(GLOBAL)

macro(sphaera_enable_cuda)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 90)
  endif()
  # CMake 3.25 knows no nvcc flag for C++20; nvcc 12+ accepts -std=c++20.
  set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
  set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
  enable_language(CUDA)
  set(CMAKE_CUDA_STANDARD 20)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  sphaera_find_cuda_dependencies()
endmacro()

macro(sphaera_find_cuda_dependencies)
  find_package(CUDAToolkit REQUIRED)
  if(NOT TARGET sphaera::cuda_dependencies)
    add_library(sphaera::cuda_dependencies INTERFACE IMPORTED)
    # CUDA 13 keeps Thrust/CUB/libcu++ under include/cccl.
    target_include_directories(sphaera::cuda_dependencies INTERFACE
      ${CUDAToolkit_INCLUDE_DIRS} ${CUDAToolkit_INCLUDE_DIRS}/cccl)
    target_link_libraries(sphaera::cuda_dependencies INTERFACE CUDA::cudart CUDA::cufft)
    # OpenMP::OpenMP_CXX only flags C++ sources; host code in .cu files uses OpenMP too.
    # Eigen stays host-side in device translation units.
    target_compile_definitions(sphaera::cuda_dependencies INTERFACE
      $<$<COMPILE_LANGUAGE:CUDA>:EIGEN_NO_CUDA>)
    target_compile_options(sphaera::cuda_dependencies INTERFACE
      $<$<COMPILE_LANGUAGE:CUDA>:--extended-lambda --expt-relaxed-constexpr -Xcompiler=-fopenmp>)
  endif()
endmacro()
