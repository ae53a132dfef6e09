# Warning flags for sphaera's own targets (tests, examples, benchmarks); never exported.
include_guard(GLOBAL)
add_library(sphaera_warnings INTERFACE)
target_compile_options(sphaera_warnings INTERFACE
  # -Wno-psabi: g++ notes that passing std::complex<float> by value changed ABI in GCC 4.4
  # (irrelevant to a header-only library; it is a note, not a warning, but floods logs).
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-psabi>
  $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra>)
