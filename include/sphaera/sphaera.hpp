#pragma once
/// \file sphaera.hpp
/// \brief Umbrella header (host-compilable): everything public in sphaera.

#include "sphaera/core.hpp"
#include "sphaera/core/random.hpp"
#include "sphaera/core/random_expr.hpp"
#include "sphaera/io/npy.hpp"
#include "sphaera/io/png.hpp"
#include "sphaera/evidence/evidence.hpp"
#include "sphaera/optim/optim.hpp"
#include "sphaera/sampling/sampling.hpp"
#include "sphaera/sht/sht.hpp"
#include "sphaera/wavelets/wavelets.hpp"
