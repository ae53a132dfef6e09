// The sphaera tour: one chapter per capability, each building its own data, running the
// library on it and leaving pictures (PNG) and arrays (.npy) in the output folder.
//
//   tour [output_dir]        (default: ./tour_output)
//
// Chapter 1 (core): random fields from the counter-based RNG, fused expressions on the
// serial and OpenMP backends, reductions, .npy output and a colour-mapped PNG.
// Chapter 2 (sht): a CMB-like Gaussian sky, exact MW synthesis and analysis, HEALPix
// synthesis, Mollweide and orthographic pictures.
// Chapter 3 (wavelets, wavelet_chapter.hpp): directional wavelet coefficients of a sky with
// point sources, scale by scale, and denoising by thresholding.
// Chapter 4 (evidence, evidence_chapter.hpp): line against quadratic by their evidences.
// Chapter 5 (sampling, galaxy_chapter.hpp): MAP and SK-ROCK posterior mean, standard
// deviation and credible widths of a blurred, noisy galaxy under a wavelet-ℓ1 prior.

#include <sphaera/sphaera.hpp>
#include <sphaera/sht/sht.hpp>

#include "evidence_chapter.hpp"
#include "galaxy_chapter.hpp"
#include "wavelet_chapter.hpp"

#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// A smooth random field on an (ny, nx) grid: a sum of random plane waves whose amplitudes
/// fall off as a power law in wavenumber, drawn from the Philox stream — then thresholded
/// noise added and removed again, all as fused expressions.
void chapter_core(const std::filesystem::path& out) {
    using namespace sphaera;
    std::printf("== Chapter 1: core — random fields, fused expressions, .npy and PNG ==\n");
    constexpr std::size_t ny = 256, nx = 512, n = ny * nx;
    constexpr int nwaves = 48;
    const auto t0 = clock_type::now();

    // Pixel coordinates in [0, 2π) × [0, π), built once on the host.
    buffer<double> x(n, uninitialized), y(n, uninitialized);
    for (std::size_t i = 0; i < ny; ++i)
        for (std::size_t j = 0; j < nx; ++j) {
            x[i * nx + j] = 2.0 * std::numbers::pi * static_cast<double>(j) / nx;
            y[i * nx + j] = std::numbers::pi * static_cast<double>(i) / ny;
        }

    // Wave parameters from the counter-based RNG: reproducible by (seed, offset).
    buffer<double> params(random_uniform<double>(4 * nwaves, /*seed=*/2026));
    buffer<double, backend::openmp> field(n);
    const backend::openmp omp{};
    for (int w = 0; w < nwaves; ++w) {
        const double k = 1.0 + 12.0 * params[4 * w];
        const double angle = 2.0 * std::numbers::pi * params[4 * w + 1];
        const double phase = 2.0 * std::numbers::pi * params[4 * w + 2];
        const double amplitude = std::pow(k, -1.2) * (0.5 + params[4 * w + 3]);
        // One fused loop per wave: field += A cos(k (x cos a + y sin a) + φ).
        assign(omp, field.view(),
               field.view() + amplitude * cos(k * (std::cos(angle) * x + std::sin(angle) * y) + phase));
    }
    const double t_field = seconds_since(t0);

    // Noisy observation and soft-threshold "denoising" relative to the smooth field.
    const double sigma = 0.05;
    buffer<double, backend::openmp> noisy(field.cview() + sigma * random_normal<double>(n, 7));
    buffer<double, backend::openmp> denoised(field.cview() +
                                             soft_threshold(noisy.cview() - field.cview(), 2.0 * sigma));
    const double rms_noisy = norm(omp, noisy.cview() - field.cview()) / std::sqrt(double(n));
    const double rms_denoised = norm(omp, denoised.cview() - field.cview()) / std::sqrt(double(n));

    const double lo = min(omp, field), hi = max(omp, field), avg = mean(omp, field);
    const double lse = logsumexp(omp, field);

    io::write_npy(out / "core_field.npy", field.data(), {ny, nx});
    io::png_options opts;
    opts.symmetric = true;
    opts.colorbar = true;
    io::write_png(out / "core_field.png", field.data(), ny, nx, opts);
    io::png_options gray;
    gray.map = io::colormap::viridis;
    gray.colorbar = true;
    io::write_png(out / "core_noisy.png", noisy.data(), ny, nx, gray);

    std::printf("  random field %zux%zu from %d Philox-drawn waves: %.3f s\n", ny, nx, nwaves, t_field);
    std::printf("  min %.4f  max %.4f  mean %.4f  logsumexp %.4f\n", lo, hi, avg, lse);
    std::printf("  noise rms %.4f -> after soft thresholding of the residual %.4f\n", rms_noisy,
                rms_denoised);
    std::printf("  wrote core_field.npy, core_field.png, core_noisy.png (%.3f s in all)\n",
                seconds_since(t0));
}

/// A Gaussian random field on the sphere with a CMB-like angular power spectrum,
/// C_ℓ ∝ 1/(ℓ(ℓ+1)) with a Gaussian beam, synthesised exactly on the MW grid, analysed back,
/// and drawn in Mollweide projection; the same alm synthesised on a HEALPix grid.
void chapter_sht(const std::filesystem::path& out) {
    using namespace sphaera;
    using cd = std::complex<double>;
    std::printf("== Chapter 2: spherical harmonic transforms — a CMB-like sky ==\n");
    constexpr int L = 256;
    const auto t0 = clock_type::now();
    const backend::openmp omp{};
    // Real fields: the real plans compute m ≥ 0 only and use real FFTs (half the work).
    const sht::real_plan<double, backend::openmp> mw(L, sht::mw_geometry(L), omp);
    const sht::real_plan<double, backend::openmp> hp(L, sht::healpix_geometry(128), omp);
    const double t_plans = seconds_since(t0);

    // a_ℓm ~ CN(0, C_ℓ) for m > 0, real for m = 0, a_ℓ,−m = (−1)^m conj(a_ℓm): a real field.
    buffer<cd> noise(random_normal<cd>(mw.alm_size(), /*seed=*/1965));
    std::vector<cd> alm(mw.alm_size());
    for (int l = 1; l < L; ++l) {
        const double beam = std::exp(-0.5 * l * (l + 1) / (100.0 * 100.0));
        const double amp = std::sqrt(2.0 * std::numbers::pi / (l * (l + 1.0))) * beam;
        alm[sht::alm_index(l, 0)] = std::sqrt(2.0) * amp * noise[sht::alm_index(l, 0)].real();
        for (int m = 1; m <= l; ++m) {
            const cd a = amp * noise[sht::alm_index(l, m)];
            alm[sht::alm_index(l, m)] = a;
            alm[sht::alm_index(l, -m)] = (m % 2 ? -1.0 : 1.0) * std::conj(a);
        }
    }
    const view<const cd> alm_view(alm.data(), alm.size());

    std::vector<double> sky(mw.map_size()), hsky(hp.map_size());
    std::vector<cd> back(mw.alm_size());
    auto t1 = clock_type::now();
    mw.synthesis(alm_view, view<double>(sky.data(), sky.size()));
    const double t_synthesis = seconds_since(t1);
    t1 = clock_type::now();
    mw.analysis(view<const double>(sky.data(), sky.size()), view<cd>(back.data(), back.size()));
    const double t_analysis = seconds_since(t1);
    const view<const cd> back_view(back.data(), back.size());
    const double err = max(backend::serial{}, abs(back_view - alm_view)) /
                       max(backend::serial{}, abs(alm_view));

    hp.synthesis(alm_view, view<double>(hsky.data(), hsky.size()));

    io::png_options opts;
    opts.symmetric = true;
    opts.colorbar = true;
    opts.nan_color = {255, 255, 255};
    const std::size_t width = 800;
    io::write_png(out / "sht_mw_mollweide.png",
                  sht::mollweide(mw.geometry(), view<const double>(sky.data(), sky.size()), width),
                  width / 2, width, opts);
    io::write_png(out / "sht_healpix_orthographic.png",
                  sht::orthographic(hp.geometry(), view<const double>(hsky.data(), hsky.size()),
                                    400, 1.0, 0.5),
                  400, 400, opts);
    io::write_npy(out / "sht_alm.npy", alm.data(), {alm.size()});
    io::write_npy(out / "sht_mw_map.npy", sky.data(), {std::size_t(L), std::size_t(2 * L - 1)});

    std::printf("  L = %d: plans (MW and HEALPix nside 128) %.3f s, MW synthesis %.3f s, "
                "exact analysis %.3f s\n", L, t_plans, t_synthesis, t_analysis);
    std::printf("  round trip max |Δa_lm| / max |a_lm| = %.2e\n", err);
    std::printf("  wrote sht_mw_mollweide.png, sht_healpix_orthographic.png, sht_alm.npy, "
                "sht_mw_map.npy\n");
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::filesystem::path out = argc > 1 ? argv[1] : "tour_output";
        std::filesystem::create_directories(out);
        std::printf("sphaera %d.%d.%d tour, writing to %s\n", SPHAERA_VERSION_MAJOR,
                    SPHAERA_VERSION_MINOR, SPHAERA_VERSION_PATCH, out.string().c_str());
        const auto t0 = clock_type::now();
        chapter_core(out);
        chapter_sht(out);
        chapter_wavelets(out);
        std::printf("== Chapter 4: Bayesian evidence — the learned harmonic mean ==\n");
        evidence_chapter::run(out);
        std::printf("== Chapter 5: proximal MCMC — a blurred galaxy with error bars ==\n");
        galaxy_chapter::uncertainty(out, galaxy_chapter::observe({64, 64}, 0.03), 20.0, 2000);
        std::printf("tour finished in %.2f s\n", seconds_since(t0));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tour: %s\n", e.what());
        return 1;
    }
}
