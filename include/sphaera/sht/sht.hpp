#pragma once
/// \file sht.hpp
/// \brief The SHT capability: ring geometries and samplings, Wigner-d recursion, harmonic
/// layouts and sht::plan (spin-weighted spherical harmonic transforms on the CPU).

#include "sphaera/sht/geometry.hpp"
#include "sphaera/sht/layout.hpp"
#include "sphaera/sht/plan.hpp"
#include "sphaera/sht/projection.hpp"
#include "sphaera/sht/real_plan.hpp"
#include "sphaera/sht/quadrature.hpp"
#include "sphaera/sht/samplings.hpp"
#include "sphaera/sht/wigner_recursion.hpp"
