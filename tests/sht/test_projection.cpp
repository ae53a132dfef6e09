// Map projections (sht/projection.hpp): the right sample lands in the right pixel.
#include <catch2/catch.hpp>

#include <sphaera/sht/projection.hpp>
#include <sphaera/sht/samplings.hpp>

#include <cmath>
#include <numbers>
#include <vector>

using namespace sphaera;

namespace {

/// A map whose value at each sample is f(θ, φ) of that sample.
template <class F>
std::vector<double> sample_map(const sht::ring_geometry& g, F f) {
    std::vector<double> map(g.npix());
    for (const auto& r : g.rings())
        for (std::size_t j = 0; j < r.nphi; ++j)
            map[r.offset + j] = f(r.theta, r.phi0 + 2.0 * std::numbers::pi * double(j) / double(r.nphi));
    return map;
}

std::size_t count_finite(const std::vector<double>& image) {
    std::size_t n = 0;
    for (double v : image) n += std::isfinite(v) ? 1 : 0;
    return n;
}

}  // namespace

TEST_CASE("mollweide puts north up, phi = 0 in the centre and longitude to the left",
          "[sht][projection]") {
    const auto g = sht::gauss_legendre_geometry(64);
    const auto z = sample_map(g, [](double t, double) { return std::cos(t); });
    const auto x = sample_map(g, [](double t, double p) { return std::sin(t) * std::cos(p); });
    const auto y = sample_map(g, [](double t, double p) { return std::sin(t) * std::sin(p); });
    const std::size_t w = 400, h = 200;
    const auto iz = sht::mollweide(g, view<const double>(z.data(), z.size()), w);
    const auto ix = sht::mollweide(g, view<const double>(x.data(), x.size()), w);
    const auto iy = sht::mollweide(g, view<const double>(y.data(), y.size()), w);
    REQUIRE(iz.size() == w * h);
    // The ellipse fills π/4 of its bounding box.
    CHECK(std::abs(double(count_finite(iz)) / double(w * h) - std::numbers::pi / 4) < 0.01);
    CHECK(std::isnan(iz[0]));                          // corner: outside the sphere
    CHECK(iz[w / 2] > 0.99);                           // top centre: north pole
    CHECK(iz[(h - 1) * w + w / 2] < -0.99);            // bottom centre: south pole
    // Centre: equator, up to the nearest-ring step (GL rings are ~π/64 apart at L = 64).
    CHECK(std::abs(iz[(h / 2) * w + w / 2]) < std::sin(std::numbers::pi / 64));
    CHECK(ix[(h / 2) * w + w / 2] > 0.99);             // centre: φ = 0
    CHECK(iy[(h / 2) * w + w / 4] > 0.99);             // left half-way: φ = +π/2
    CHECK(iy[(h / 2) * w + 3 * w / 4] < -0.99);        // right half-way: φ = −π/2
}

TEST_CASE("orthographic shows the hemisphere around its centre", "[sht][projection]") {
    const auto g = sht::healpix_geometry(32);
    const auto x = sample_map(g, [](double t, double p) { return std::sin(t) * std::cos(p); });
    const auto z = sample_map(g, [](double t, double) { return std::cos(t); });
    const std::size_t w = 101;
    const auto ix = sht::orthographic(g, view<const double>(x.data(), x.size()), w,
                                      std::numbers::pi / 2, 0.0);
    const auto iz = sht::orthographic(g, view<const double>(z.data(), z.size()), w,
                                      std::numbers::pi / 2, 0.0);
    CHECK(std::abs(double(count_finite(ix)) / double(w * w) - std::numbers::pi / 4) < 0.02);
    CHECK(ix[50 * w + 50] > 0.99);   // centre looks at (θ, φ) = (π/2, 0)
    CHECK(iz[1 * w + 50] > 0.9);     // top edge: near the north pole
    CHECK(iz[99 * w + 50] < -0.9);   // bottom edge: near the south pole
}

TEST_CASE("projections reject bad input", "[sht][projection][errors]") {
    const auto g = sht::mw_geometry(8);
    std::vector<double> map(g.npix() - 1);
    CHECK_THROWS_AS(sht::mollweide(g, view<const double>(map.data(), map.size()), 100), shape_mismatch);
    map.resize(g.npix());
    CHECK_THROWS_AS(sht::mollweide(g, view<const double>(map.data(), map.size()), 1), invalid_argument);
}
