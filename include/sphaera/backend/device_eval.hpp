#pragma once
/// \file device_eval.hpp
/// \brief Evaluation of expressions on backend::cuda, written with Thrust: `assign` is one
/// fused kernel (for_each over indices), each reduction one transform_reduce. Under
/// SPHAERA_DEVICE_SYSTEM_OMP the same code runs on Thrust's OpenMP system, so CI exercises
/// it without a GPU.

#include <cstddef>

#include "sphaera/backend/device_memory.hpp"
#include "sphaera/backend/tags.hpp"
#include "sphaera/core/expr.hpp"
#include "sphaera/core/expr_functors.hpp"
#include "sphaera/core/reduction_ops.hpp"

#if !SPHAERA_HAS_DEVICE_BACKEND
#error "sphaera/backend/device_eval.hpp needs nvcc (or SPHAERA_DEVICE_SYSTEM_OMP)"
#endif

#include <thrust/execution_policy.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform_reduce.h>
#if SPHAERA_HAS_CUDA_COMPILER
#include <thrust/system/cuda/execution_policy.h>
#endif

namespace sphaera::detail {

/// The Thrust execution policy of a cuda tag: its stream under CUDA.
inline auto device_policy(const backend::cuda& b) {
#if SPHAERA_HAS_CUDA_COMPILER
    return thrust::cuda::par.on(static_cast<cudaStream_t>(b.stream));
#else
    (void)b;
    return thrust::device;
#endif
}

template <class T, class E>
struct device_assign_kernel {
    T* out;
    E e;
    SPHAERA_HD void operator()(std::size_t i) const { out[i] = convert_device<T>(e[i]); }
    template <class U, class V>
    SPHAERA_HD static constexpr U convert_device(V v) {
        if constexpr (is_complex_v<U> && !is_complex_v<V>) return U(v, real_type_t<U>(0));
        else return U(v);
    }
};

template <class E, class Lift>
struct device_element {
    E e;
    Lift lift;
    SPHAERA_HD auto operator()(std::size_t i) const { return lift(e[i]); }
};

struct identity_lift {
    template <class T>
    SPHAERA_HD constexpr T operator()(T x) const { return x; }
};

struct device_plus {
    template <class T>
    SPHAERA_HD constexpr T operator()(T a, T b) const { return ops::plus{}(a, b); }
};

template <class T, class E>
void device_assign(const backend::cuda& b, T* out, const E& e) {
    const std::size_t n = e.size();
    if (n == 0) return;
#if SPHAERA_HAS_CUDA_COMPILER
    device_guard g(b);
#endif
    thrust::for_each_n(device_policy(b), thrust::counting_iterator<std::size_t>(0), n,
                       device_assign_kernel<T, E>{out, e});
}

/// transform_reduce over indices [0, n) of lift(e[i]) with op, starting from init.
template <class E, class Lift, class Op, class Acc>
Acc device_reduce(const backend::cuda& b, const E& e, Lift lift, Op op, Acc init) {
#if SPHAERA_HAS_CUDA_COMPILER
    device_guard g(b);
#endif
    return thrust::transform_reduce(device_policy(b), thrust::counting_iterator<std::size_t>(0),
                                    thrust::counting_iterator<std::size_t>(e.size()),
                                    device_element<E, Lift>{e, lift}, init, op);
}

}  // namespace sphaera::detail
