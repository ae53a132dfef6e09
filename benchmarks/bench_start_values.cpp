// Google Benchmark: the start values of the Legendre chains (lk::start_values, from the
// chunks' tables of repeated squares) against the binary powering they replaced
// (lk::start_values_vpow), for every order of a Gauss–Legendre plan: per order, every
// chunk of the m ≠ 0 task lists in blocks of NB = 4 vectors, as the spin ≠ 0 synthesis
// runs them (the transforms skip dead polar chunks, so they start fewer blocks than this).
// Arguments: {L, spin}. "CPU" is the process CPU time of one pass over all orders; the
// counter "per_block" divides it by the blocks started (seconds, SI prefix). Also times
// make_legendre_tasks (plan-time cost of the tables).
#include <benchmark/benchmark.h>

#include <sphaera/sht/legendre_kernels.hpp>
#include <sphaera/sht/samplings.hpp>

#include <vector>

namespace {
namespace d = sphaera::sht::detail;

std::vector<d::ring_trig> gl_trig(int L) {
    std::vector<d::ring_trig> trig;
    for (const auto& r : sphaera::sht::gauss_legendre_geometry(L).rings()) trig.push_back(d::make_ring_trig(r.theta));
    return trig;
}

template <bool Table>
void bench_start(benchmark::State& state) {
    const int L = static_cast<int>(state.range(0)), spin = static_cast<int>(state.range(1));
    const auto tasks = d::make_legendre_tasks(gl_trig(L), spin);
    const auto starts = d::make_start_data(L, -spin);
    constexpr int NB = 4;
    long blocks = 0;
    for (auto _ : state) {
        for (const auto& sd : starts)
            for (const auto* list : {&tasks.all_north, &tasks.all_south})
                for (const auto& ch : *list)
                    for (int v0 = 0; v0 + NB <= d::chunk_vectors; v0 += NB) {
                        d::vd u[NB], l0[NB], l1[NB], k[NB];
                        if constexpr (Table) d::lk::start_values<NB>(ch, v0, sd, u, l0, l1, k);
                        else d::lk::start_values_vpow<NB>(ch, v0, sd, u, l0, l1, k);
                        benchmark::DoNotOptimize(l1);
                        benchmark::DoNotOptimize(k);
                        ++blocks;
                    }
    }
    state.counters["per_block"] =
        benchmark::Counter(static_cast<double>(blocks), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void bench_tasks(benchmark::State& state) {
    const int L = static_cast<int>(state.range(0)), spin = static_cast<int>(state.range(1));
    const auto trig = gl_trig(L);
    for (auto _ : state) {
        auto tasks = d::make_legendre_tasks(trig, spin);
        benchmark::DoNotOptimize(tasks.all_north.data());
    }
}

}  // namespace

BENCHMARK(bench_start<true>)->Name("start_values_table")->Args({2048, 2})->Args({2048, 0})->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);
BENCHMARK(bench_start<false>)->Name("start_values_vpow")->Args({2048, 2})->Args({2048, 0})->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);
BENCHMARK(bench_tasks)->Name("make_legendre_tasks")->Args({2048, 2})->Args({2048, 0})->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
