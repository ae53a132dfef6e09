// Must not compile: float and double arrays in one expression (no silent promotion).
// Expected diagnostic: "cannot mix float and double" (static_assert in core/expr_functors.hpp).
// With -DSPHAERA_COMPILE_FAIL_CONTROL the explicit cast<double> makes it compile.
#include <sphaera/core.hpp>

int main() {
    float f[4] = {};
    double d[4] = {};
    sphaera::view<float> a(f, 4);
    sphaera::view<double> b(d, 4);
#ifdef SPHAERA_COMPILE_FAIL_CONTROL
    auto e = sphaera::cast<double>(a) + b;
#else
    auto e = a + b;
#endif
    return static_cast<int>(e.size());
}
