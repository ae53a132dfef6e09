// Must not compile: max of complex values (complex numbers are not ordered).
// Expected diagnostic: "defined for real values" (static_assert in core/algorithms.hpp).
// With -DSPHAERA_COMPILE_FAIL_CONTROL, max of abs() compiles.
#include <sphaera/core.hpp>

#include <complex>

int main() {
    std::complex<double> z[4] = {};
    sphaera::view<const std::complex<double>> a(z, 4);
#ifdef SPHAERA_COMPILE_FAIL_CONTROL
    const double m = sphaera::max(sphaera::backend::serial{}, sphaera::abs(a));
#else
    const auto m = sphaera::max(sphaera::backend::serial{}, a);
#endif
    (void)m;
    return 0;
}
