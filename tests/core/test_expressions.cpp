/// \file test_expressions.cpp
/// \brief The expression-template tests (expression_tests.hpp) on the host backends.

#include <sphaera/backend/tags.hpp>

#include <tuple>

using sphaera_test_backends = std::tuple<sphaera::backend::serial, sphaera::backend::openmp>;

#include "expression_tests.hpp"
