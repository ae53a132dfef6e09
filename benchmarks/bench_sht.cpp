// Google Benchmark: sht::plan (complex, spin 0 and 2) and sht::real_plan (real spin-0 fields)
// synthesis, adjoint synthesis and analysis in double precision on Gauss–Legendre, MW and
// MWSS grids, L = 256..2048, 1 and 2 OpenMP threads; plan construction at L = 2048 (GL, MW,
// MWSS) and on HEALPix nside 512 and 1024.
//
// Arguments: {L, grid (0 = GL, 1 = MW, 2 = MWSS), spin, threads, real (0/1)}. "Time" is wall
// clock, "CPU" the process CPU time summed over all threads (MeasureProcessCPUTime), which
// is what rates are computed from: on a shared machine it is the stable measure, and
// divided by it the rate is per core. Run with repetitions, e.g.
// --benchmark_repetitions=5 --benchmark_report_aggregates_only=true, and a
// --benchmark_filter for the sizes wanted (L = 2048 takes seconds per call). To compare grids
// on a shared machine, add --benchmark_enable_random_interleaving=true so that the
// repetitions of GL, MW and MWSS alternate in one run.
//
// MW/GL ratios (the target is ≤ 1.2): e.g.
//   bench_sht --benchmark_filter='sht_(synthesis|analysis)/L:1024/.*/threads:1/'
//     --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
//     --benchmark_report_aggregates_only=true
// and divide the CPU medians of grid:1 (MW) and grid:2 (MWSS) by those of grid:0 (GL).
//
// Counter "GFLOPs" is the nominal Legendre-step rate: 8 flops (two FMAs of the recurrence
// and two of the complex accumulation) per (ℓ, m, ring) triple the transform covers —
// L² pairs (ℓ, m) on the complex path, L(L+1)/2 on the real path — times the geometry's
// rings, divided by the whole transform's CPU time (FFTs included). It takes no credit for the
// work saved by the north/south pairing or the polar skipping, so it compares
// implementations doing the same transform, not hardware utilisation.
#include <benchmark/benchmark.h>

#include <sphaera/sht/sht.hpp>
#if __has_include(<sphaera/sht/real_plan.hpp>)
#include <sphaera/sht/real_plan.hpp>
#define SPHAERA_BENCH_REAL 1
#endif

#include <complex>
#include <string>
#include <vector>

using namespace sphaera;

namespace {

enum class op { synthesis, adjoint_synthesis, analysis };

/// grid: 0 = Gauss–Legendre, 1 = MW, 2 = MWSS.
sht::ring_geometry make_geometry(int grid, int L) {
    return grid == 1 ? sht::mw_geometry(L) : grid == 2 ? sht::mwss_geometry(L) : sht::gauss_legendre_geometry(L);
}
const char* grid_name(int grid) { return grid == 1 ? "mw" : grid == 2 ? "mwss" : "gl"; }

void set_counters(benchmark::State& state, int L, std::size_t nrings, bool real, int grid, int spin, int threads) {
    const double pairs = real ? 0.5 * L * (L + 1.0) : double(L) * L;
    state.counters["GFLOPs"] = benchmark::Counter(8.0 * pairs * double(nrings) * 1e-9,
                                                  benchmark::Counter::kIsIterationInvariantRate);
    state.SetLabel(std::string(grid_name(grid)) + (real ? " real" : " complex") + " spin " + std::to_string(spin) +
                   " threads " + std::to_string(threads));
}

template <op Op>
void bench_sht(benchmark::State& state) {
    const int L = static_cast<int>(state.range(0));
    const int grid = static_cast<int>(state.range(1));
    const int spin = static_cast<int>(state.range(2));
    const int threads = static_cast<int>(state.range(3));
    const bool real = state.range(4) == 1;
    const auto g = make_geometry(grid, L);
    if (real) {
#ifdef SPHAERA_BENCH_REAL
        const sht::real_plan<double, backend::openmp> p(L, g, backend::openmp{threads});
        std::vector<std::complex<double>> alm(p.alm_size(), {1.0, 0.5});
        std::vector<double> map(p.map_size(), 0.25);
        for (auto _ : state) {
            if constexpr (Op == op::synthesis) p.synthesis({alm.data(), alm.size()}, {map.data(), map.size()});
            else if constexpr (Op == op::adjoint_synthesis) p.adjoint_synthesis({map.data(), map.size()}, {alm.data(), alm.size()});
            else p.analysis({map.data(), map.size()}, {alm.data(), alm.size()});
            benchmark::ClobberMemory();
        }
#else
        state.SkipWithError("no real_plan in this build");
        return;
#endif
    } else {
        const sht::plan<double, backend::openmp> p(L, spin, g, backend::openmp{threads});
        std::vector<std::complex<double>> alm(p.alm_size(), {1.0, 0.5}), map(p.map_size(), {0.25, -1.0});
        for (auto _ : state) {
            if constexpr (Op == op::synthesis) p.synthesis({alm.data(), alm.size()}, {map.data(), map.size()});
            else if constexpr (Op == op::adjoint_synthesis) p.adjoint_synthesis({map.data(), map.size()}, {alm.data(), alm.size()});
            else p.analysis({map.data(), map.size()}, {alm.data(), alm.size()});
            benchmark::ClobberMemory();
        }
    }
    set_counters(state, L, g.nrings(), real, grid, spin, threads);
}

void sizes(benchmark::internal::Benchmark* b) {
    for (int L : {256, 512, 1024, 2048})
        for (int sampling : {0, 1, 2})
            for (int variant : {0, 1, 2})  // complex spin 0, complex spin 2, real spin 0
                for (int threads : {1, 2})
                    b->Args({L, sampling, variant == 1 ? 2 : 0, threads, variant == 2 ? 1 : 0});
    b->ArgNames({"L", "grid", "spin", "threads", "real"})->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
}

/// Plan construction (start data, ring chunks, FFT plans, MW/MWSS resampler), one thread.
void bench_plan(benchmark::State& state) {
    const int L = static_cast<int>(state.range(0));
    const int grid = static_cast<int>(state.range(1));
    const bool real = state.range(2) == 1;
    const auto g = make_geometry(grid, L);
    for (auto _ : state) {
        if (real) {
#ifdef SPHAERA_BENCH_REAL
            sht::real_plan<double, backend::openmp> p(L, g, backend::openmp{1});
            benchmark::DoNotOptimize(p);
#endif
        } else {
            sht::plan<double, backend::openmp> p(L, 0, g, backend::openmp{1});
            benchmark::DoNotOptimize(p);
        }
    }
    state.SetLabel(std::string(grid_name(grid)) + (real ? " real" : " complex"));
}

/// HEALPix plan construction at L = 2·nside (hundreds of distinct ring lengths: FFT planning
/// was 2.7 s of 3.4 s at nside 512 before lengths were shared and rare awkward ones went
/// to Bluestein), one thread.
void bench_plan_healpix(benchmark::State& state) {
    const long long nside = state.range(0);
    const bool real = state.range(1) == 1;
    const auto g = sht::healpix_geometry(nside);
    const int L = static_cast<int>(2 * nside);
    for (auto _ : state) {
        if (real) {
#ifdef SPHAERA_BENCH_REAL
            sht::real_plan<double, backend::openmp> p(L, g, backend::openmp{1});
            benchmark::DoNotOptimize(p);
#endif
        } else {
            sht::plan<double, backend::openmp> p(L, 0, g, backend::openmp{1});
            benchmark::DoNotOptimize(p);
        }
    }
    state.SetLabel(std::string("healpix") + (real ? " real" : " complex"));
}

}  // namespace

BENCHMARK(bench_sht<op::synthesis>)->Name("sht_synthesis")->Apply(sizes);
BENCHMARK(bench_sht<op::adjoint_synthesis>)->Name("sht_adjoint_synthesis")->Apply(sizes);
BENCHMARK(bench_sht<op::analysis>)->Name("sht_analysis")->Apply(sizes);
BENCHMARK(bench_plan)->Name("sht_plan")->Args({2048, 0, 0})->Args({2048, 1, 0})->Args({2048, 2, 0})
    ->Args({2048, 0, 1})->Args({2048, 1, 1})->Args({2048, 2, 1})->ArgNames({"L", "grid", "real"})->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
BENCHMARK(bench_plan_healpix)->Name("sht_plan_healpix")->Args({512, 0})->Args({512, 1})->Args({1024, 0})
    ->Args({1024, 1})->ArgNames({"nside", "real"})->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
BENCHMARK_MAIN();
