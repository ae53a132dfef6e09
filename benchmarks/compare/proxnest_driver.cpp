// sphaera side of compare_proxnest.py: proximal nested sampling of the planar denoising
// problem y = x + N(0, σ²I), x ~ N(0, τ²I) on an (side, side) image whose data y the script
// writes as raw little-endian float64. Prints one JSON line: ln Z (normalised likelihood),
// its quoted error, the closed-form ln Z, the number of likelihood-constrained samples
// (dead points) and the wall / CPU seconds of the sampling call alone.
//
//   proxnest_driver Y.bin side sigma tau live_points mcmc_steps batch seed threads
//
// Built by compare_proxnest.py with g++ (see README_proxnest.md); not a CMake target.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <numbers>
#include <vector>

#include "sphaera/sampling/likelihood.hpp"
#include "sphaera/sampling/nested_sampling.hpp"
#include "sphaera/sampling/operators.hpp"
#include "sphaera/sampling/priors.hpp"

using namespace sphaera::sampling;

int main(int argc, char** argv) {
    if (argc != 10) {
        std::fprintf(stderr, "usage: %s Y.bin side sigma tau live_points mcmc_steps batch seed threads\n", argv[0]);
        return 2;
    }
    const std::size_t side = std::strtoul(argv[2], nullptr, 10), n = side * side;
    const double sigma = std::atof(argv[3]), tau = std::atof(argv[4]);
    nested_options o;
    o.live_points = std::strtoul(argv[5], nullptr, 10);
    o.mcmc_steps = std::strtoul(argv[6], nullptr, 10);
    o.batch = std::strtoul(argv[7], nullptr, 10);
    o.seed = std::strtoull(argv[8], nullptr, 10);
    o.threads = std::atoi(argv[9]);
    std::vector<double> y(n);
    std::ifstream in(argv[1], std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(y.data()), static_cast<std::streamsize>(n * sizeof(double)))) {
        std::fprintf(stderr, "could not read %zu doubles from %s\n", n, argv[1]);
        return 2;
    }
    // Closed form: y ~ N(0, (τ² + σ²) I).
    const double v = tau * tau + sigma * sigma;
    double yy = 0;
    for (double t : y) yy += t * t;
    const double exact = -0.5 * yy / v - 0.5 * static_cast<double>(n) * std::log(2 * std::numbers::pi * v);
    try {
        auto like = make_gaussian_likelihood(identity_operator(n), y, sigma);
        gaussian_prior prior(n, tau);
        const auto t0 = std::chrono::steady_clock::now();
        const std::clock_t c0 = std::clock();
        const auto r = proximal_nested_sampling(prior, like, o);
        const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const std::size_t dead = r.log_likelihoods.size() - o.live_points;
        std::printf("{\"ln_z\": %.10g, \"ln_z_error\": %.10g, \"ln_z_exact\": %.10g, \"information\": %.6g, "
                    "\"constrained_samples\": %zu, \"likelihood_evaluations\": %zu, \"acceptance\": %.4g, "
                    "\"wall_s\": %.6g, \"cpu_s\": %.6g}\n",
                    r.log_evidence, r.log_evidence_error, exact, r.information, dead,
                    r.likelihood_evaluations, r.acceptance, wall, cpu);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "proxnest_driver: %s\n", e.what());
        return 1;
    }
    return 0;
}
