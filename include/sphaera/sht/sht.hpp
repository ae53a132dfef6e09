#pragma once
/// \file sht.hpp
/// \brief The SHT capability: ring geometries and samplings, Wigner-d recursion, harmonic
/// layouts, sht::plan / sht::real_plan (spin-weighted spherical harmonic transforms on the
/// CPU), spin pairs (Q/U ↔ E/B), HEALPix refinement, so3::plan / so3::real_plan (Wigner
/// transforms on SO(3)) and projections for pictures.

#include "sphaera/sht/geometry.hpp"
#include "sphaera/sht/healpix_refinement.hpp"
#include "sphaera/sht/layout.hpp"
#include "sphaera/sht/plan.hpp"
#include "sphaera/sht/projection.hpp"
#include "sphaera/sht/real_plan.hpp"
#include "sphaera/sht/quadrature.hpp"
#include "sphaera/sht/samplings.hpp"
#include "sphaera/sht/so3_layout.hpp"
#include "sphaera/sht/so3_plan.hpp"
#include "sphaera/sht/so3_real_plan.hpp"
#include "sphaera/sht/spin_pair.hpp"
#include "sphaera/sht/wigner_recursion.hpp"
