// Uses the installed (or added) library the way a downstream project would: headers,
// expression evaluation on two backends, and the FFTW/Eigen/OpenMP usage requirements.
#include <sphaera/sphaera.hpp>

#include <Eigen/Core>
#include <cmath>
#include <cstdio>
#include <fftw3.h>

int main() {
    using namespace sphaera;
    buffer<double> x(1000), y(1000);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.001 * static_cast<double>(i);
    y = 2.0 * x + exp(-x * x);
    const double s = sum(backend::openmp{2}, y);
    double expected = 0;
    for (std::size_t i = 0; i < x.size(); ++i) expected += 2.0 * x[i] + std::exp(-x[i] * x[i]);
    // FFTW threads and Eigen must link through sphaera::sphaera's usage requirements.
    const int fftw_ok = fftw_init_threads();
    fftw_cleanup_threads();
    Eigen::Vector3d v(1, 2, 3);
    const bool ok = std::abs(s - expected) <= 1e-12 * std::abs(expected) && fftw_ok != 0 &&
                    v.sum() == 6.0;
    std::printf("sphaera %d.%d consumer: sum=%.15g expected=%.15g %s\n", SPHAERA_VERSION_MAJOR,
                SPHAERA_VERSION_MINOR, s, expected, ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
