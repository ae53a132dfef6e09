#pragma once
/// \file sampling.hpp
/// \brief The proximal sampling capability: linear and proximal operators, planar
/// Daubechies wavelets, MAP estimation, MYULA / SK-ROCK / Px-MALA and proximal nested sampling.

#include "sphaera/sampling/chain_summary.hpp"
#include "sphaera/sampling/concepts.hpp"
#include "sphaera/sampling/convolution.hpp"
#include "sphaera/sampling/daubechies.hpp"
#include "sphaera/sampling/fourier_measurements.hpp"
#include "sphaera/sampling/l2_ball.hpp"
#include "sphaera/sampling/langevin.hpp"
#include "sphaera/sampling/likelihood.hpp"
#include "sphaera/sampling/map_estimation.hpp"
#include "sphaera/sampling/moreau_yosida.hpp"
#include "sphaera/sampling/nested_sampling.hpp"
#include "sphaera/sampling/operators.hpp"
#include "sphaera/sampling/priors.hpp"
#include "sphaera/sampling/pxmala.hpp"
#include "sphaera/sampling/total_variation.hpp"
#include "sphaera/sampling/wavelets.hpp"
