// Must not compile: assigning complex values into a real destination (the imaginary part
// would be dropped silently).
// Expected diagnostic: "value type differs" (static_assert in core/algorithms.hpp).
// With -DSPHAERA_COMPILE_FAIL_CONTROL, real(z) makes the conversion explicit and it compiles.
#include <sphaera/core.hpp>

#include <complex>

int main() {
    std::complex<double> z[4] = {};
    double r[4] = {};
    sphaera::view<const std::complex<double>> src(z, 4);
    sphaera::view<double> dst(r, 4);
#ifdef SPHAERA_COMPILE_FAIL_CONTROL
    sphaera::assign(sphaera::backend::serial{}, dst, sphaera::real(src));
#else
    sphaera::assign(sphaera::backend::serial{}, dst, src);
#endif
    return 0;
}
