# Warning flags for sphaera's own targets (tests, examples, benchmarks); never exported.
include_guard(GLOBAL)
add_library(sphaera_warnings INTERFACE)
target_compile_options(sphaera_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic>
  $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra>)
