#pragma once
// The wavelet chapter of the sphaera tour (also run alone by wavelet_tour.cpp): a CMB-like
// Gaussian sky plus point sources, its directional scale-discretised wavelet coefficients
// drawn scale by scale (Mollweide PNGs), and denoising by hard thresholding of the wavelet
// coefficients with the SNR gain printed.
//
//   chapter_wavelets(out)    writes wavelet_*.png into the folder `out`

#include <sphaera/sht/sht.hpp>
#include <sphaera/io/png.hpp>
#include <sphaera/wavelets/wavelets.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <filesystem>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace wavelet_chapter_detail {

/// 10 log10(‖clean‖² / ‖x − clean‖²) over the map's samples.
inline double snr_db(const std::vector<double>& x, const std::vector<double>& clean) {
    double s = 0, e = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        s += clean[i] * clean[i];
        e += (x[i] - clean[i]) * (x[i] - clean[i]);
    }
    return 10.0 * std::log10(s / e);
}

/// Median absolute value / 0.6745: a robust noise level of one scale's coefficients.
inline double mad_sigma(std::vector<double> v) {
    for (auto& x : v) x = std::abs(x);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2] / 0.6745;
}

}  // namespace wavelet_chapter_detail

inline void chapter_wavelets(const std::filesystem::path& out) {
    using namespace sphaera;
    namespace wd = wavelet_chapter_detail;
    std::printf("== Chapter 3: directional wavelets on the sphere — scales, orientations, denoising ==\n");
    const auto t0 = std::chrono::steady_clock::now();
    constexpr int L = 128;
    const auto geom = sht::mw_geometry(L);
    sht::real_plan<double, backend::openmp> sky_plan(L, geom);

    // A CMB-like Gaussian sky: C_ℓ ∝ 1/(ℓ(ℓ+1)) times a Gaussian beam of FWHM ≈ 1.5°.
    std::mt19937_64 rng(2026);
    std::normal_distribution<double> gauss;
    const double sigma_b = 1.5 * std::numbers::pi / 180.0 / std::sqrt(8.0 * std::log(2.0));
    std::vector<std::complex<double>> alm(sht::alm_count(L), 0.0);
    for (int l = 2; l < L; ++l) {
        const double cl = 1.0 / (l * (l + 1.0)) * std::exp(-l * (l + 1.0) * sigma_b * sigma_b);
        alm[sht::alm_index(l, 0)] = std::sqrt(cl) * gauss(rng);
        for (int m = 1; m <= l; ++m)
            alm[sht::alm_index(l, m)] = std::sqrt(cl / 2) * std::complex<double>(gauss(rng), gauss(rng));
    }
    std::vector<double> sky(sky_plan.map_size());
    sky_plan.synthesis({alm.data(), alm.size()}, {sky.data(), sky.size()});
    double rms = 0;
    for (double v : sky) rms += v * v;
    rms = std::sqrt(rms / static_cast<double>(sky.size()));

    // Point sources: 40 beam-sized blobs of 3–10 × the sky's rms at random positions.
    std::uniform_real_distribution<double> uni(0.0, 1.0);
    for (int s = 0; s < 40; ++s) {
        const double th0 = std::acos(1 - 2 * uni(rng)), ph0 = 2 * std::numbers::pi * uni(rng);
        const double amp = rms * (3 + 7 * uni(rng)), w = 2.5 * sigma_b;
        for (const auto& g : geom.rings())
            for (std::size_t p = 0; p < g.nphi; ++p) {
                const double ph = g.phi0 + 2 * std::numbers::pi * static_cast<double>(p) / static_cast<double>(g.nphi);
                const double c = std::cos(th0) * std::cos(g.theta) + std::sin(th0) * std::sin(g.theta) * std::cos(ph - ph0);
                const double d = std::acos(std::clamp(c, -1.0, 1.0));
                if (d < 5 * w) sky[g.offset + p] += amp * std::exp(-0.5 * d * d / (w * w));
            }
    }
    // The clean signal is the band-limit-L part of the sky (what any L transform sees).
    sky_plan.analysis({sky.data(), sky.size()}, {alm.data(), alm.size()});
    sky_plan.synthesis({alm.data(), alm.size()}, {sky.data(), sky.size()});

    // Directional wavelets: N = 3 orientations, λ = 2, multiresolution grids.
    wavelets::parameters p;
    p.L = L;
    p.N = 3;
    p.J_min = 2;
    wavelets::real_plan<double, backend::openmp> wav(p, wavelets::resolution::multi);
    std::vector<double> coef(wav.coefficients_size());
    wav.analysis({sky.data(), sky.size()}, {coef.data(), coef.size()});
    std::printf("  L = %d, N = %d, scales J_min..J_max = %d..%d, %zu coefficients (map: %zu samples)\n", L, p.N,
                wav.tiling().j_min(), wav.tiling().j_max(), coef.size(), sky.size());

    io::png_options opts;
    opts.symmetric = true;
    opts.colorbar = true;
    opts.nan_color = {255, 255, 255};
    constexpr std::size_t width = 720;
    auto draw = [&](const std::string& name, const sht::ring_geometry& g, const double* data) {
        io::write_png(out / name, sht::mollweide(g, view<const double>(data, g.npix()), width), width / 2, width, opts);
    };
    draw("wavelet_sky.png", geom, sky.data());
    draw("wavelet_scaling.png", wav.scale_geometry(-1), coef.data());
    for (int j = wav.tiling().j_min(); j <= wav.tiling().j_max(); ++j) {
        const auto& sc = wav.scale(j);
        for (std::size_t k = 0; k < sc.n_gamma(); k += 2)  // γ = 0 and 4π/5 (two of five)
            draw("wavelet_j" + std::to_string(j) + "_gamma" + std::to_string(k) + ".png", wav.scale_geometry(j),
                 coef.data() + sc.offset + k * sc.npix);
    }

    // Denoising: white noise, hard thresholding at 3σ_j per scale, scaling coefficients kept. Compared with the noisy map and with its band-limited projection.
    std::normal_distribution<double> noise(0.0, 0.5 * rms);
    std::vector<double> noisy(sky);
    for (auto& v : noisy) v += noise(rng);
    std::vector<double> c(coef.size()), denoised(sky.size()), projected(sky.size());
    wav.analysis({noisy.data(), noisy.size()}, {c.data(), c.size()});
    wav.synthesis({c.data(), c.size()}, {projected.data(), projected.size()});
    // σ_j from one simulated noise map (the noise model is known; the sky dominates the
    // coarse scales, so a robust estimate from the data would measure the sky, not the noise).
    std::vector<double> nmap(sky.size()), nc(coef.size());
    for (auto& v : nmap) v = noise(rng);
    wav.analysis({nmap.data(), nmap.size()}, {nc.data(), nc.size()});
    for (int j = wav.tiling().j_min(); j <= wav.tiling().j_max(); ++j) {
        const auto& sc = wav.scale(j);
        const auto first = static_cast<std::ptrdiff_t>(sc.offset), last = first + static_cast<std::ptrdiff_t>(sc.size());
        const double thr = 3.0 * wd::mad_sigma(std::vector<double>(nc.begin() + first, nc.begin() + last));
        std::for_each(c.begin() + first, c.begin() + last, [&](double& x) { if (std::abs(x) < thr) x = 0; });
    }
    wav.synthesis({c.data(), c.size()}, {denoised.data(), denoised.size()});
    draw("wavelet_noisy.png", geom, noisy.data());
    draw("wavelet_denoised.png", geom, denoised.data());
    const double s0 = wd::snr_db(noisy, sky), s1 = wd::snr_db(projected, sky), s2 = wd::snr_db(denoised, sky);
    std::printf("  denoising: SNR noisy %.2f dB, band-limited %.2f dB, thresholded %.2f dB (gain %.2f dB)\n", s0, s1,
                s2, s2 - s0);
    std::printf("  chapter done in %.2f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}
