// Must not compile: a host backend writing into device memory.
// Expected diagnostic: "another memory space" (static_assert in core/algorithms.hpp).
// With -DSPHAERA_COMPILE_FAIL_CONTROL the destination is host memory and it compiles.
#include <sphaera/core.hpp>

int main() {
    double d[4] = {};
#ifdef SPHAERA_COMPILE_FAIL_CONTROL
    sphaera::view<double, sphaera::host_space> dst(d, 4);
#else
    sphaera::view<double, sphaera::device_space> dst(d, 4);
#endif
    sphaera::assign(sphaera::backend::serial{}, dst, 1.0);
    return 0;
}
