// Must not compile: ordering comparisons of complex values.
// Expected diagnostic: "comparisons are defined for real" (static_assert in
// core/expr_functors.hpp).
// With -DSPHAERA_COMPILE_FAIL_CONTROL, comparing abs() of the values compiles.
#include <sphaera/core.hpp>

#include <complex>

int main() {
    std::complex<double> z[4] = {}, w[4] = {};
    sphaera::view<const std::complex<double>> a(z, 4), b(w, 4);
    bool out[4] = {};
#ifdef SPHAERA_COMPILE_FAIL_CONTROL
    auto c = sphaera::abs(a) < sphaera::abs(b);
#else
    auto c = a < b;
#endif
    sphaera::assign(sphaera::backend::serial{}, sphaera::view<bool>(out, 4), c);
    return 0;
}
