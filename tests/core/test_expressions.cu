/// \file test_expressions.cu
/// \brief The expression-template tests (expression_tests.hpp) on backend::cuda, compiled
/// by nvcc; main (support/cuda_main.cu) skips with exit code 77 where no GPU is visible.

// The references are computed on the host in long double; nvcc's device pass reports that
// type (warning 20208) even where it appears only in host code.
#pragma nv_diag_suppress 20208

#include <sphaera/backend/tags.hpp>

#include <tuple>

using sphaera_test_backends = std::tuple<sphaera::backend::cuda>;

#include "expression_tests.hpp"
