// Google Benchmark: directional wavelet transforms (wavelets::plan / real_plan) on MW grids,
// double precision, s2dw kernel, λ = 2, J_min = 0.
//
//   BM_wavelet_roundtrip      analysis + synthesis, {L, N, real (0/1), multires (0/1), threads}
//   BM_wavelet_analysis       analysis only, same arguments
//   BM_wavelet_roundtrip_allocating  the overloads without a workspace (one made per call)
//   BM_spin_sht_analysis      one spin-2 sht::plan analysis at L (the unit of the issue's
//                             budget: a multiresolution analysis should cost ≤ (1 + 2.2 N) of them)
//
// Counter "SHTs" on the wavelet benchmarks is that ratio measured in the same process: the
// CPU time per wavelet call over the CPU time of one complex spin-2 SHT analysis at the
// same L (timed once per L before the loop). "SHTs_synth" is the same over one spin −1
// synthesis, the transform an analysis's channels actually run (it costs ~1.15 analyses at
// L = 256 today, which is most of the gap to the budget for complex N = 4). Run with e.g.
// --benchmark_repetitions=3 --benchmark_report_aggregates_only=true.
#include <benchmark/benchmark.h>

#include <sphaera/wavelets/wavelets.hpp>

#include <chrono>
#include <complex>
#include <ctime>
#include <map>
#include <string>
#include <tuple>
#include <vector>

using namespace sphaera;

namespace {

using cd = std::complex<double>;

double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

/// CPU seconds of one spin-2 complex SHT analysis at L (median-free: best of 3), cached.
/// synthesis: one spin −1 synthesis instead.
double sht_unit(int L, int threads, bool synthesis = false) {
    static std::map<std::tuple<int, int, bool>, double> cache;
    const auto key = std::make_tuple(L, threads, synthesis);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    sht::plan<double, backend::openmp> s(L, synthesis ? -1 : 2, sht::mw_geometry(L), backend::openmp{threads});
    std::vector<cd> f(s.map_size(), cd(1.0, 0.5)), a(s.alm_size(), cd(1.0, 0.5));
    auto w = s.make_workspace();
    double best = 1e300;
    for (int r = 0; r < 3; ++r) {
        const double t0 = cpu_seconds();
        if (synthesis) s.synthesis({a.data(), a.size()}, {f.data(), f.size()}, w);
        else s.analysis({f.data(), f.size()}, {a.data(), a.size()}, w);
        best = std::min(best, cpu_seconds() - t0);
    }
    return cache[key] = best;
}

/// Roundtrip: analysis + synthesis (else analysis only); Workspace: the allocation-free
/// overloads with one workspace made before timing (else a workspace per call).
template <bool Roundtrip, bool Workspace = true>
void bench_wavelet(benchmark::State& state) {
    const int L = static_cast<int>(state.range(0)), N = static_cast<int>(state.range(1));
    const bool real = state.range(2) == 1, multi = state.range(3) == 1;
    const int threads = static_cast<int>(state.range(4));
    wavelets::parameters p;
    p.L = L;
    p.N = N;
    const auto res = multi ? wavelets::resolution::multi : wavelets::resolution::full;
    const backend::openmp omp{threads};
    const double unit = sht_unit(L, threads), unit_synth = sht_unit(L, threads, true);
    double cpu = 0;
    std::size_t calls = 0;
    auto run = [&](auto& plan, auto& f, auto& c, auto& g) {
        auto ws = plan.make_workspace();
        for (auto _ : state) {
            const double t0 = cpu_seconds();
            if constexpr (Workspace) {
                plan.analysis({f.data(), f.size()}, {c.data(), c.size()}, ws);
                if constexpr (Roundtrip) plan.synthesis({c.data(), c.size()}, {g.data(), g.size()}, ws);
            } else {
                plan.analysis({f.data(), f.size()}, {c.data(), c.size()});
                if constexpr (Roundtrip) plan.synthesis({c.data(), c.size()}, {g.data(), g.size()});
            }
            cpu += cpu_seconds() - t0;
            ++calls;
            benchmark::DoNotOptimize(c.data());
        }
        state.counters["coefficients"] = static_cast<double>(c.size());
    };
    if (real) {
        wavelets::real_plan<double, backend::openmp> w(p, res, sht::sampling::mw, omp);
        std::vector<double> f(w.map_size(), 1.0), c(w.coefficients_size()), g(w.map_size());
        run(w, f, c, g);
    } else {
        wavelets::plan<double, backend::openmp> w(p, res, sht::sampling::mw, omp);
        std::vector<cd> f(w.map_size(), cd(1.0, 0.5)), c(w.coefficients_size()), g(w.map_size());
        run(w, f, c, g);
    }
    state.counters["SHTs"] = calls ? cpu / static_cast<double>(calls) / unit : 0.0;
    state.counters["SHTs_synth"] = calls ? cpu / static_cast<double>(calls) / unit_synth : 0.0;
    state.counters["budget_SHTs"] = 1.0 + 2.2 * N;
    state.SetLabel(std::string(real ? "real" : "complex") + (multi ? " multires" : " fullres") + " threads " +
                   std::to_string(threads));
}

void bench_spin_sht(benchmark::State& state) {
    const int L = static_cast<int>(state.range(0)), threads = static_cast<int>(state.range(1));
    sht::plan<double, backend::openmp> s(L, 2, sht::mw_geometry(L), backend::openmp{threads});
    std::vector<cd> f(s.map_size(), cd(1.0, 0.5)), a(s.alm_size());
    auto w = s.make_workspace();
    for (auto _ : state) {
        s.analysis({f.data(), f.size()}, {a.data(), a.size()}, w);
        benchmark::DoNotOptimize(a.data());
    }
}

void wavelet_args(benchmark::internal::Benchmark* b) {
    for (int L : {128, 256, 512})
        for (int N : {1, 3, 4})
            for (int real : {0, 1}) b->Args({L, N, real, 1, 1});
    for (int N : {1, 3}) b->Args({128, N, 0, 0, 1});  // full resolution, for the memory/time contrast
}

}  // namespace

BENCHMARK(bench_wavelet<true>)->Name("BM_wavelet_roundtrip")->Apply(wavelet_args)->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK(bench_wavelet<false>)->Name("BM_wavelet_analysis")->Apply(wavelet_args)->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()->UseRealTime();
// The price of the allocating overloads (a workspace made per call) at small and mid L.
BENCHMARK(bench_wavelet<true, false>)->Name("BM_wavelet_roundtrip_allocating")->Args({64, 3, 0, 1, 1})
    ->Args({128, 3, 0, 1, 1})->Args({128, 3, 1, 1, 1})->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK(bench_wavelet<true, true>)->Name("BM_wavelet_roundtrip")->Args({64, 3, 0, 1, 1})->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK(bench_spin_sht)->Name("BM_spin_sht_analysis")->Args({128, 1})->Args({256, 1})->Args({512, 1})
    ->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

BENCHMARK_MAIN();
