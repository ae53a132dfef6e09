// Entry point of the nvcc-built tests: exits 77 (ctest "skipped") when no GPU is visible,
// so the CUDA preset runs everywhere and its tests count only where a GPU is present.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cuda_runtime.h>

#include <cstdio>

int main(int argc, char* argv[]) {
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
        std::puts("no CUDA device visible: skipping");
        return 77;
    }
    return Catch::Session().run(argc, argv);
}
