// Google Benchmark timings of the sampling capability (issue 5 targets): one MYULA step on a
// 256×256 image with a db8 wavelet-ℓ1 prior and an FFT blur (target < 5 ms on one core), its
// parts (blur apply+adjoint, db8 analysis+synthesis); the Gaussian random numbers every
// sampler draws (ns per normal: the blocked polynomial Box–Muller fill, the expression leaf,
// and a scalar-libm Box–Muller loop for reference); and the cost of one constrained
// nested-sampling move (64×64 Gaussian denoising, d = 200 Laplace).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sphaera/core/random_expr.hpp"
#include "sphaera/sampling/nested_sampling.hpp"

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

// ns per normal = 1 / items_per_second. n = 4096 (one 64×64 proposal, in L1/L2) and 2²⁰.
template <class T>
static void bm_fill_normal(benchmark::State& st) {
    std::vector<T> v(static_cast<std::size_t>(st.range(0)));
    std::uint64_t k = 0;
    for (auto _ : st) {
        fill_normal(backend::serial{}, v.data(), v.size(), 7, (k++) * v.size());
        benchmark::DoNotOptimize(v.data());
    }
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()) * st.range(0));
}
BENCHMARK(bm_fill_normal<double>)->Arg(4096)->Arg(1 << 20);
BENCHMARK(bm_fill_normal<float>)->Arg(4096)->Arg(1 << 20);

// The random_normal expression leaf: element i is computed alone (a whole Box–Muller pair,
// one Philox block per double), so it costs about twice the fill per value.
static void bm_random_normal_leaf(benchmark::State& st) {
    const auto n = static_cast<std::size_t>(st.range(0));
    buffer<double> v(n);
    std::uint64_t k = 0;
    for (auto _ : st) {
        assign(backend::serial{}, v.view(), random_normal<double>(n, 7, (k++) * n));
        benchmark::DoNotOptimize(v.data());
    }
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()) * st.range(0));
}
BENCHMARK(bm_random_normal_leaf)->Arg(4096);

// Reference: the same Philox uniforms through scalar libm log/sqrt/cos/sin, one pair at a
// time — the fill before the vectorised polynomials.
static void bm_fill_normal_libm_reference(benchmark::State& st) {
    const auto n = static_cast<std::size_t>(st.range(0));
    std::vector<double> v(n);
    std::uint64_t k = 0;
    for (auto _ : st) {
        const philox_stream s{7, 0};
        const std::uint64_t b0 = (k++) * n / 2;
        for (std::size_t p = 0; p < n / 2; ++p) {
            const philox4x32_ctr b = s.block(b0 + p);
            const double u1 = sphaera::detail::block_uniform<double>(b, 0);
            const double u2 = sphaera::detail::block_uniform<double>(b, 1);
            const double r = std::sqrt(-2 * std::log(u1)), t = 6.283185307179586 * u2;
            v[2 * p] = r * std::cos(t);
            v[2 * p + 1] = r * std::sin(t);
        }
        benchmark::DoNotOptimize(v.data());
    }
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()) * st.range(0));
}
BENCHMARK(bm_fill_normal_libm_reference)->Arg(4096);

// One constrained nested-sampling move (n normals, proposal, ln L, prior value + mean, MH):
// a fixed 100 iterations of batch 1 with 30 moves each; us_per_move = time / 3000.
// Arg 0: 64×64 Gaussian denoising (σ = 10, τ = 1: compare_proxnest.py's problem);
// Arg 1: d = 200 Laplace prior (the tests' problem, prox instead of a gradient step).
static void bm_nested_move(benchmark::State& st) {
    const bool laplace = st.range(0) == 1;
    const std::size_t n = laplace ? 200 : 4096;
    auto y = noise(n, 5);
    if (!laplace)
        for (double& v : y) v *= std::sqrt(101.0);
    nested_options o;
    o.live_points = 100;
    o.batch = 1;
    o.mcmc_steps = 30;
    o.max_iterations = 100;
    o.stop_fraction = 1e-300;  // never stop early: always 100 iterations
    o.threads = 1;
    auto like = make_gaussian_likelihood(identity_operator(n), y, laplace ? 2.0 : 10.0);
    double moves = 0;
    for (auto _ : st) {
        const auto r = laplace ? proximal_nested_sampling(make_l1_norm(n, 1.0), like, o)
                               : proximal_nested_sampling(gaussian_prior(n, 1.0), like, o);
        benchmark::DoNotOptimize(r.log_evidence);
        moves += double(r.likelihood_evaluations - o.live_points);
    }
    st.counters["us_per_move"] = benchmark::Counter(moves * 1e-6, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(bm_nested_move)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
