// Google Benchmark timings of the sampling capability (issue 5 targets): one MYULA step on a
// 256×256 image with a db8 wavelet-ℓ1 prior and an FFT blur (target < 5 ms on one core), its
// parts (blur apply+adjoint, db8 analysis+synthesis), and one constrained nested-sampling
// iteration batch at 64×64.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "sphaera/sampling/convolution.hpp"
#include "sphaera/sampling/langevin.hpp"
#include "sphaera/sampling/likelihood.hpp"
#include "sphaera/sampling/priors.hpp"
#include "sphaera/sampling/wavelets.hpp"

using namespace sphaera;
using namespace sphaera::sampling;

namespace {
std::vector<double> noise(std::size_t n, std::uint64_t seed) {
    std::vector<double> v(n);
    fill_normal(backend::serial{}, v.data(), n, seed);
    return v;
}
}  // namespace

static void bm_blur_apply_adjoint(benchmark::State& st) {
    const image_shape s{std::size_t(st.range(0)), std::size_t(st.range(0))};
    convolution_operator blur(s, gaussian_psf(s, 2.0));
    auto x = noise(s.size(), 1);
    std::vector<double> y(s.size());
    for (auto _ : st) {
        blur.apply(as_view(x), as_view(y));
        blur.adjoint(as_view(y), as_view(x));
        benchmark::DoNotOptimize(x.data());
    }
}
BENCHMARK(bm_blur_apply_adjoint)->Arg(64)->Arg(256)->Unit(benchmark::kMicrosecond);

static void bm_db8_analysis_synthesis(benchmark::State& st) {
    const image_shape s{std::size_t(st.range(0)), std::size_t(st.range(0))};
    wavelet_basis w(s, 8, 4);
    auto x = noise(s.size(), 2);
    std::vector<double> c(s.size());
    for (auto _ : st) {
        w.analysis(as_view(x), as_view(c));
        w.synthesis(as_view(c), as_view(x));
        benchmark::DoNotOptimize(x.data());
    }
}
BENCHMARK(bm_db8_analysis_synthesis)->Arg(64)->Arg(256)->Unit(benchmark::kMicrosecond);

// ∇f for the blur likelihood (one FFT pair through ΦᵀΦ, Φᵀy precomputed).
static void bm_blur_likelihood_gradient(benchmark::State& st) {
    const image_shape s{std::size_t(st.range(0)), std::size_t(st.range(0))};
    convolution_operator blur(s, gaussian_psf(s, 2.0));
    auto like = make_gaussian_likelihood(blur, noise(s.size(), 3), 0.1);
    auto x = noise(s.size(), 4);
    std::vector<double> g(s.size());
    for (auto _ : st) {
        like.gradient(as_view(x), as_view(g));
        benchmark::DoNotOptimize(g.data());
    }
}
BENCHMARK(bm_blur_likelihood_gradient)->Arg(64)->Arg(256)->Unit(benchmark::kMicrosecond);

// prox of the db8 wavelet-ℓ1 prior (analysis, soft thresholding, synthesis).
static void bm_db8_l1_prox(benchmark::State& st) {
    const image_shape s{std::size_t(st.range(0)), std::size_t(st.range(0))};
    analysis_l1<wavelet_basis> prior(wavelet_basis(s, 8, 4), 10.0);
    auto x = noise(s.size(), 5);
    std::vector<double> p(s.size());
    for (auto _ : st) {
        prior.prox(as_view(x), as_view(p), 0.01);
        benchmark::DoNotOptimize(p.data());
    }
}
BENCHMARK(bm_db8_l1_prox)->Arg(64)->Arg(256)->Unit(benchmark::kMicrosecond);

// Time per MYULA iteration (gradient of the blur likelihood + db8 ℓ1 prox + update): 20
// iterations per run (19 burn-in, 1 kept, so the one f(x) evaluation of a kept sample is
// amortised as in a real chain), ms_per_step = time / 20.
static void bm_myula_step(benchmark::State& st) {
    const image_shape s{std::size_t(st.range(0)), std::size_t(st.range(0))};
    convolution_operator blur(s, gaussian_psf(s, 2.0));
    auto y = noise(s.size(), 3);
    auto like = make_gaussian_likelihood(blur, y, 0.1);
    analysis_l1<wavelet_basis> prior(wavelet_basis(s, 8, 4), 10.0);
    langevin_options o;
    o.samples = 1;
    o.burn_in = 19;
    o.store_samples = false;
    std::vector<double> x0(s.size(), 0.0);
    for (auto _ : st) {
        auto r = myula(backend::serial{}, like, prior, as_view(x0), o);
        benchmark::DoNotOptimize(r.mean.data());
    }
    st.counters["ms_per_step"] = benchmark::Counter(20.0 * double(st.iterations()),
                                                    benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(bm_myula_step)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
