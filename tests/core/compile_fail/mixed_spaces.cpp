// Must not compile: an expression mixing host and device arrays.
// Expected diagnostic: "cannot mix host and device" (static_assert in core/expr.hpp).
// With -DSPHAERA_COMPILE_FAIL_CONTROL the same program with matching spaces compiles.
#include <sphaera/core.hpp>

int main() {
    double h[4] = {}, d[4] = {};
    sphaera::view<double, sphaera::host_space> a(h, 4);
#ifdef SPHAERA_COMPILE_FAIL_CONTROL
    sphaera::view<double, sphaera::host_space> b(d, 4);
#else
    sphaera::view<double, sphaera::device_space> b(d, 4);
#endif
    auto e = a + b;
    return static_cast<int>(e.size());
}
