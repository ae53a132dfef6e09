#pragma once
/// \file optim.hpp
/// \brief Optimisers shared by the flows and the scattering synthesis: Adam and L-BFGS.

#include "sphaera/optim/adam.hpp"
#include "sphaera/optim/lbfgs.hpp"
