// The ring and θ DFTs of awkward odd lengths (2L − 1 with a prime factor above 23), one
// transform per iteration, double: backend::any_size_dft as the SHT plans build it (the
// two-factor DFT where its estimate wins, with -march=native on AVX-512) against the same
// size forced through Bluestein, and FFTW's plans for the neighbouring power of two and for
// 4095 = 3²·5·7·13 (FFTW directly) as yardsticks. Arguments: n, path (0 chosen, 1 Bluestein).
#include <benchmark/benchmark.h>

#include <sphaera/backend/fftw_engine.hpp>

#include <complex>
#include <vector>

namespace {
using sphaera::backend::any_size_dft;
using sphaera::backend::fft_direction;
using cpx = std::complex<double>;

void bench_any_size_dft(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const bool bluestein = state.range(1) == 1;
    const any_size_dft<double> f(n, fft_direction::forward, any_size_dft<double>::policy::fast_execution, !bluestein);
    std::vector<cpx> x(n), y(n), s(f.scratch_size());
    for (std::size_t j = 0; j < n; ++j) x[j] = cpx(std::cos(0.1 * double(j)), std::sin(0.37 * double(j)));
    for (auto _ : state) {
        f.execute(x.data(), y.data(), s.data());
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.SetLabel(f.uses_two_factor() ? "two_factor" : f.uses_bluestein() ? "bluestein" : "fftw");
}
}  // namespace

BENCHMARK(bench_any_size_dft)
    ->Name("dft_awkward")
    ->ArgsProduct({{255, 511, 767, 1023, 2047, 3071}, {0, 1}})
    ->Args({2048, 0})
    ->Args({4095, 0});
BENCHMARK_MAIN();
