#pragma once
/// \file wavelets.hpp
/// \brief The wavelets capability: kernels (s2dw, needlet, cubic spline), harmonic tilings
/// with steerable directional components, and the directional wavelet transform plans on
/// the sphere for complex spin-s fields (plan) and real fields (real_plan), at full
/// resolution or multiresolution (McEwen et al. 2013, 2018; s2wav conventions).

#include "sphaera/wavelets/kernels.hpp"
#include "sphaera/wavelets/tiling.hpp"
#include "sphaera/wavelets/layout.hpp"
#include "sphaera/wavelets/plan.hpp"
#include "sphaera/wavelets/real_plan.hpp"
