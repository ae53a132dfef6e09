#pragma once
/// \file galaxy_chapter.hpp
/// \brief The synthetic galaxy of examples/galaxy_uncertainty.cpp (Sérsic bulge + two-armed
/// spiral disc + star-forming clumps) and the uncertainty-quantification run on it: blur,
/// noise, MAP by FISTA, SK-ROCK posterior sampling under a db4 wavelet-ℓ1 prior, PNGs of
/// the truth, data, MAP, posterior mean, standard deviation and 90 % credible width.
/// Shared by galaxy_uncertainty.cpp and the tour.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "sphaera/io/png.hpp"
#include "sphaera/sampling/convolution.hpp"
#include "sphaera/sampling/langevin.hpp"
#include "sphaera/sampling/likelihood.hpp"
#include "sphaera/sampling/map_estimation.hpp"
#include "sphaera/sampling/priors.hpp"
#include "sphaera/sampling/wavelets.hpp"

namespace galaxy_chapter {

using namespace sphaera;
using namespace sphaera::sampling;


/// Sérsic bulge (n = 2) + logarithmic two-armed spiral disc + Gaussian clumps, peak ≈ 1.
inline std::vector<double> galaxy(image_shape s) {
    std::vector<double> img(s.size());
    const double cy = 0.5 * double(s.ny), cx = 0.5 * double(s.nx), scale = double(s.nx) / 64.0;
    const double clumps[][3] = {{10, 6, 0.35}, {-8, 12, 0.3}, {-12, -7, 0.25}, {7, -13, 0.3}};
    for (std::size_t i = 0; i < s.ny; ++i)
        for (std::size_t j = 0; j < s.nx; ++j) {
            const double dy = (double(i) - cy) / scale, dx = (double(j) - cx) / scale;
            // Inclined disc: stretch y by 1/cos(i), i = 40°.
            const double yy = dy / 0.77, r = std::hypot(dx, yy), th = std::atan2(yy, dx);
            // Sérsic n = 2 (b_n ≈ 3.67, r_e = 4), its cusp softened over 1.5 pixels.
            const double bulge = std::exp(-3.67 * (std::sqrt(std::hypot(r, 1.5) / 4.0) - 1));
            const double arms = 0.5 * (1 + std::cos(2 * (th - std::log(r + 1) / 0.35)));
            const double disc = 0.45 * std::exp(-r / 9.0) * (0.3 + 0.7 * arms * arms);
            double v = 0.15 * bulge + disc;
            for (const auto& c : clumps)
                v += c[2] * std::exp(-((dx - c[0]) * (dx - c[0]) + (dy - c[1]) * (dy - c[1])) / 3.0);
            img[i * s.nx + j] = v;
        }
    double m = 0;
    for (double v : img) m = std::max(m, v);
    for (double& v : img) v /= m;
    return img;
}

inline void save(const std::filesystem::path& dir, const char* name, const std::vector<double>& img, image_shape s,
          double vmin, double vmax) {
    io::png_options o;
    o.vmin = vmin;
    o.vmax = vmax;
    o.scale = 4;
    o.colorbar = true;
    io::write_png(dir / name, img.data(), s.ny, s.nx, o);
    std::printf("  wrote %s\n", (dir / name).string().c_str());
}


/// The observation: the galaxy blurred by a Gaussian PSF (width 1.5 px) plus white noise.
struct observation {
    image_shape shape;
    std::vector<double> truth, data;
    convolution_operator blur;
    double sigma;
};

inline observation observe(image_shape s, double sigma) {
    observation o{s, galaxy(s), std::vector<double>(s.size()), convolution_operator(s, gaussian_psf(s, 1.5)), sigma};
    o.blur.apply(as_view(o.truth), as_view(o.data));
    std::vector<double> noise(s.size());
    fill_normal(backend::serial{}, noise.data(), noise.size(), 2024);
    for (std::size_t i = 0; i < o.data.size(); ++i) o.data[i] += sigma * noise[i];
    return o;
}

/// MAP and SK-ROCK posterior under a db4 wavelet-ℓ1 prior (weight alpha); writes the PNGs.
inline void uncertainty(const std::filesystem::path& out, const observation& obs, double alpha,
                        std::size_t samples) {
    const image_shape s = obs.shape;
    auto like = make_gaussian_likelihood(obs.blur, obs.data, obs.sigma);
    analysis_l1<wavelet_basis> prior(wavelet_basis(s, 4, 4), alpha);
    const auto t0 = std::chrono::steady_clock::now();
    const auto map = map_estimate(backend::serial{}, like, prior, as_view(obs.data));
    langevin_options o;
    o.samples = samples;
    o.burn_in = 300;
    o.thin = 4;
    o.seed = 1;
    const auto post = skrock(backend::serial{}, like, prior, as_view(map.x), o);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("  MAP: %zu FISTA iterations; SK-ROCK: %zu kept samples, step %.3g, lambda %.3g, "
                "min ESS %.0f, %.1f s\n", map.iterations, post.kept, post.step, post.lambda, post.ess_min, secs);
    std::vector<double> width(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) width[i] = post.upper[i] - post.lower[i];
    save(out, "galaxy_truth.png", obs.truth, s, 0, 1);
    save(out, "galaxy_observed.png", obs.data, s, 0, 1);
    save(out, "galaxy_map.png", map.x, s, 0, 1);
    save(out, "galaxy_posterior_mean.png", post.mean, s, 0, 1);
    save(out, "galaxy_posterior_std.png", post.stddev, s, 0, *std::max_element(post.stddev.begin(), post.stddev.end()));
    save(out, "galaxy_credible_width90.png", width, s, 0, *std::max_element(width.begin(), width.end()));
}

}  // namespace galaxy_chapter
