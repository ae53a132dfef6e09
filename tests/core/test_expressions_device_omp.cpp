/// \file test_expressions_device_omp.cpp
/// \brief The expression-template tests (expression_tests.hpp) on backend::cuda compiled by
/// the host compiler against Thrust's OpenMP device system: the device code path, in CI,
/// without a GPU.

#ifndef SPHAERA_DEVICE_SYSTEM_OMP
#define SPHAERA_DEVICE_SYSTEM_OMP
#endif

#include <sphaera/backend/tags.hpp>

#include <tuple>

using sphaera_test_backends = std::tuple<sphaera::backend::cuda>;

#include "expression_tests.hpp"
