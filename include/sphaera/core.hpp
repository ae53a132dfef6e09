#pragma once
/// \file core.hpp
/// \brief The core layer: configuration, errors, backends, buffers and views, expression
/// templates with their evaluators, copies between memory spaces.

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/algorithms.hpp"
#include "sphaera/core/buffer.hpp"
#include "sphaera/core/config.hpp"
#include "sphaera/core/copy.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/core/expr.hpp"
#include "sphaera/core/expr_operators.hpp"
#include "sphaera/core/view.hpp"
