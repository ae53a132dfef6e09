#pragma once
/// \file evidence.hpp
/// \brief The evidence capability: chains, targets (hypersphere, KDE, modified Gaussian
/// mixture, RealNVP and rational-quadratic spline flows), the learned harmonic mean estimator
/// and the ensemble sampler.

#include "sphaera/evidence/chains.hpp"
#include "sphaera/evidence/ensemble_sampler.hpp"
#include "sphaera/evidence/estimator.hpp"
#include "sphaera/evidence/hypersphere.hpp"
#include "sphaera/evidence/kde.hpp"
#include "sphaera/evidence/mixture.hpp"
#include "sphaera/evidence/realnvp.hpp"
#include "sphaera/evidence/spline_flow.hpp"
#include "sphaera/evidence/whitening.hpp"
