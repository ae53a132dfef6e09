/// \file test_png.cpp
/// \brief Tests of sphaera/io/png.hpp and colormap.hpp: pictures are written, read back
/// through libpng, and compared pixel by pixel with what the documented rules predict.

#include "sphaera/io/png.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <png.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using sphaera::io::colormap;
using sphaera::io::colormap_lookup;
using sphaera::io::png_options;
using sphaera::io::rgb;
using Catch::Matchers::Contains;

namespace {

using sphaera::test::temp_dir;

/// A PNG file read back as 8-bit RGB, whatever its stored format.
struct picture {
    std::size_t height = 0, width = 0;
    bool color = false;  // stored as colour (not grey)
    bool alpha = false;
    std::vector<std::uint8_t> bytes;
    [[nodiscard]] rgb at(std::size_t row, std::size_t col) const {
        const std::uint8_t* p = &bytes[(row * width + col) * 3];
        return {p[0], p[1], p[2]};
    }
};

picture read_png(const fs::path& p) {
    png_image img{};
    img.version = PNG_IMAGE_VERSION;
    REQUIRE(png_image_begin_read_from_file(&img, p.string().c_str()) != 0);
    picture out;
    out.height = img.height;
    out.width = img.width;
    out.color = (img.format & PNG_FORMAT_FLAG_COLOR) != 0;
    out.alpha = (img.format & PNG_FORMAT_FLAG_ALPHA) != 0;
    img.format = PNG_FORMAT_RGB;
    out.bytes.resize(PNG_IMAGE_SIZE(img));
    REQUIRE(png_image_finish_read(&img, nullptr, out.bytes.data(), 0, nullptr) != 0);
    return out;
}

rgb grey(int v) {
    const auto b = static_cast<std::uint8_t>(v);
    return {b, b, b};
}

/// The colour write_png documents for t with a colour map: 1025 levels.
rgb map_colour(colormap map, double t) {
    return colormap_lookup(map, static_cast<double>(std::lround(1024.0 * t)) / 1024.0);
}

template <class E, class F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        FAIL("threw the wrong exception type: " << e.what());
    }
    FAIL("did not throw");
    return {};
}

}  // namespace

namespace Catch {
template <>
struct StringMaker<rgb> {
    static std::string convert(const rgb& c) {
        return "rgb(" + std::to_string(c.r) + ", " + std::to_string(c.g) + ", " +
               std::to_string(c.b) + ")";
    }
};
}  // namespace Catch

TEST_CASE("colormap_lookup", "[io][png][colormap]") {
    using sphaera::io::detail::to_oklab;
    SECTION("viridis passes through its anchors and rises in lightness") {
        CHECK(colormap_lookup(colormap::viridis, 0.0) == rgb{0x44, 0x01, 0x54});
        CHECK(colormap_lookup(colormap::viridis, 0.5) == rgb{0x21, 0x91, 0x8c});
        CHECK(colormap_lookup(colormap::viridis, 1.0) == rgb{0xfd, 0xe7, 0x25});
        double prev_l = -1.0, min_step = 1e9, max_step = 0.0;
        for (int k = 0; k <= 32; ++k) {
            const auto c = to_oklab(colormap_lookup(colormap::viridis, k / 32.0));
            CHECK(c.l > prev_l);
            if (k > 0) {
                const auto p = to_oklab(colormap_lookup(colormap::viridis, (k - 1) / 32.0));
                const double step = std::hypot(c.l - p.l, c.a - p.a, c.b - p.b);
                min_step = std::min(min_step, step);
                max_step = std::max(max_step, step);
            }
            prev_l = c.l;
        }
        CHECK(max_step / min_step < 1.5);  // near uniform perceptual speed
    }
    SECTION("diverging: blue to near white to red, balanced about the centre") {
        const rgb mid = colormap_lookup(colormap::diverging, 0.5);
        CHECK(mid.r == mid.g);
        CHECK(mid.g == mid.b);
        CHECK(mid.r >= 240);
        const rgb lo = colormap_lookup(colormap::diverging, 0.0);
        const rgb hi = colormap_lookup(colormap::diverging, 1.0);
        CHECK(lo.b > lo.r + 100);
        CHECK(hi.r > hi.b + 100);
        for (int k = 0; k <= 16; ++k) {
            const auto a = to_oklab(colormap_lookup(colormap::diverging, k / 32.0));
            const auto b = to_oklab(colormap_lookup(colormap::diverging, 1.0 - k / 32.0));
            INFO("t = " << k / 32.0);
            CHECK(a.l == Approx(b.l).margin(0.005));                                 // lightness
            CHECK(std::hypot(a.a, a.b) == Approx(std::hypot(b.a, b.b)).margin(0.005));  // chroma
        }
    }
    SECTION("grayscale and clamping") {
        CHECK(colormap_lookup(colormap::grayscale, 0.0) == grey(0));
        CHECK(colormap_lookup(colormap::grayscale, 0.5) == grey(128));
        CHECK(colormap_lookup(colormap::grayscale, 1.0) == grey(255));
        CHECK(colormap_lookup(colormap::grayscale, 0.2) == grey(51));
        CHECK(colormap_lookup(colormap::viridis, -3.0) == colormap_lookup(colormap::viridis, 0.0));
        CHECK(colormap_lookup(colormap::viridis, 7.0) == colormap_lookup(colormap::viridis, 1.0));
        CHECK(colormap_lookup(colormap::diverging, std::nan("")) ==
              colormap_lookup(colormap::diverging, 0.0));
    }
}

TEST_CASE("write_png grayscale values are exact", "[io][png]") {
    temp_dir dir;
    const std::vector<double> v = {0, 1, 2, 3, 4, 5};  // (2, 3)
    png_options o;
    o.map = colormap::grayscale;
    sphaera::io::write_png(dir / "g.png", v, 2, 3, o);
    const picture p = read_png(dir / "g.png");
    CHECK(p.height == 2);
    CHECK(p.width == 3);
    CHECK_FALSE(p.color);
    CHECK_FALSE(p.alpha);
    const int expected[] = {0, 51, 102, 153, 204, 255};  // round(255 x / 5)
    for (std::size_t k = 0; k < 6; ++k) CHECK(p.at(k / 3, k % 3) == grey(expected[k]));

    SECTION("float data and a user range clamp") {
        const std::vector<float> f = {-10.f, 0.25f, 0.5f, 10.f};
        o.vmin = 0.0;
        o.vmax = 1.0;
        sphaera::io::write_png(dir / "f.png", f, 1, 4, o);
        const picture q = read_png(dir / "f.png");
        CHECK(q.at(0, 0) == grey(0));
        CHECK(q.at(0, 1) == grey(64));  // round(63.75)
        CHECK(q.at(0, 2) == grey(128));
        CHECK(q.at(0, 3) == grey(255));
    }
}

TEST_CASE("write_png colour maps: min, max and interior values", "[io][png]") {
    temp_dir dir;
    const std::vector<double> v = {2.0, 3.0, 7.0, 10.0};  // (2, 2), range [2, 10]
    sphaera::io::write_png(dir / "v.png", v, 2, 2);
    const picture p = read_png(dir / "v.png");
    CHECK(p.color);
    CHECK(p.at(0, 0) == colormap_lookup(colormap::viridis, 0.0));
    CHECK(p.at(0, 1) == map_colour(colormap::viridis, 1.0 / 8.0));
    CHECK(p.at(1, 0) == map_colour(colormap::viridis, 5.0 / 8.0));
    CHECK(p.at(1, 1) == colormap_lookup(colormap::viridis, 1.0));

    png_options o;
    o.map = colormap::diverging;
    sphaera::io::write_png(dir / "d.png", v, 2, 2, o);
    const picture d = read_png(dir / "d.png");
    CHECK(d.at(0, 0) == colormap_lookup(colormap::diverging, 0.0));
    CHECK(d.at(1, 0) == map_colour(colormap::diverging, 5.0 / 8.0));
    CHECK(d.at(1, 1) == colormap_lookup(colormap::diverging, 1.0));
}

TEST_CASE("write_png symmetric centres 0 on the diverging midpoint", "[io][png]") {
    temp_dir dir;
    const std::vector<double> v = {-1.0, 0.0, 3.0};  // range becomes [-3, 3]
    png_options o;
    o.symmetric = true;
    sphaera::io::write_png(dir / "s.png", v, 1, 3, o);
    const picture p = read_png(dir / "s.png");
    CHECK(p.at(0, 0) == map_colour(colormap::diverging, 1.0 / 3.0));
    CHECK(p.at(0, 1) == colormap_lookup(colormap::diverging, 0.5));
    CHECK(p.at(0, 2) == colormap_lookup(colormap::diverging, 1.0));
    // Without symmetric the same data would put 0 at t = 1/4, away from the centre.
    o.symmetric = false;
    o.map = colormap::diverging;
    sphaera::io::write_png(dir / "n.png", v, 1, 3, o);
    CHECK(read_png(dir / "n.png").at(0, 1) == map_colour(colormap::diverging, 0.25));
    // User limits are widened symmetrically too: [-1, 2] -> [-2, 2].
    o.symmetric = true;
    o.vmin = -1.0;
    o.vmax = 2.0;
    o.map = colormap::grayscale;
    sphaera::io::write_png(dir / "u.png", v, 1, 3, o);
    const picture u = read_png(dir / "u.png");
    CHECK(u.at(0, 0) == grey(64));  // t = 1/4 -> round(63.75)
    CHECK(u.at(0, 1) == grey(128));
    CHECK(u.at(0, 2) == grey(255));
}

TEST_CASE("write_png draws NaN in nan_color and clamps infinities", "[io][png]") {
    temp_dir dir;
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<double> v = {std::nan(""), -inf, 0.0, 10.0, inf, 5.0};  // (2, 3)
    sphaera::io::write_png(dir / "a.png", v, 2, 3);
    const picture p = read_png(dir / "a.png");
    CHECK(p.at(0, 0) == rgb{128, 128, 128});
    CHECK(p.at(0, 1) == colormap_lookup(colormap::viridis, 0.0));
    CHECK(p.at(0, 2) == colormap_lookup(colormap::viridis, 0.0));  // range from finite values
    CHECK(p.at(1, 0) == colormap_lookup(colormap::viridis, 1.0));
    CHECK(p.at(1, 1) == colormap_lookup(colormap::viridis, 1.0));
    CHECK(p.at(1, 2) == colormap_lookup(colormap::viridis, 0.5));

    png_options o;
    o.map = colormap::grayscale;
    o.nan_color = {255, 0, 0};  // not grey: the file becomes RGB so NaN stays visible
    sphaera::io::write_png(dir / "g.png", v, 2, 3, o);
    const picture g = read_png(dir / "g.png");
    CHECK(g.color);
    CHECK(g.at(0, 0) == rgb{255, 0, 0});
    CHECK(g.at(1, 2) == grey(128));
    o.nan_color = {7, 7, 7};
    sphaera::io::write_png(dir / "h.png", v, 2, 3, o);
    const picture h = read_png(dir / "h.png");
    CHECK_FALSE(h.color);
    CHECK(h.at(0, 0) == grey(7));

    // All NaN is fine once the range is given.
    const std::vector<double> nans(4, std::nan(""));
    png_options r;
    r.vmin = 0.0;
    r.vmax = 1.0;
    sphaera::io::write_png(dir / "n.png", nans, 2, 2, r);
    CHECK(read_png(dir / "n.png").at(1, 1) == rgb{128, 128, 128});
}

TEST_CASE("write_png: constant images sit at the centre of the map", "[io][png]") {
    temp_dir dir;
    const std::vector<double> v(6, 4.25);
    sphaera::io::write_png(dir / "c.png", v, 3, 2);
    const picture p = read_png(dir / "c.png");
    for (std::size_t k = 0; k < 6; ++k)
        CHECK(p.at(k / 2, k % 2) == colormap_lookup(colormap::viridis, 0.5));
}

TEST_CASE("write_png upscales by nearest neighbour", "[io][png]") {
    temp_dir dir;
    const std::vector<double> v = {0, 1, 2, 3, 4, 5};  // (2, 3)
    png_options o;
    o.map = colormap::grayscale;
    o.scale = 4;
    sphaera::io::write_png(dir / "s.png", v, 2, 3, o);
    const picture p = read_png(dir / "s.png");
    REQUIRE(p.height == 8);
    REQUIRE(p.width == 12);
    const int expected[] = {0, 51, 102, 153, 204, 255};
    for (std::size_t r = 0; r < 8; ++r)
        for (std::size_t c = 0; c < 12; ++c) CHECK(p.at(r, c) == grey(expected[(r / 4) * 3 + c / 4]));
}

TEST_CASE("write_png colour bar", "[io][png]") {
    temp_dir dir;
    // (2, 65): a ramp from 0 to 1; 65 columns put the centre tick on column 32.
    const std::size_t w = 65;
    std::vector<double> v(2 * w);
    for (std::size_t k = 0; k < v.size(); ++k) v[k] = double(k % w) / double(w - 1);
    png_options o;
    o.colorbar = true;
    sphaera::io::write_png(dir / "b.png", v, 2, w, o);
    const picture p = read_png(dir / "b.png");
    const auto lay = sphaera::io::detail::make_colorbar_layout(w);
    REQUIRE(p.width == w);
    REQUIRE(p.height == 2 + lay.total());
    CHECK(lay.total() > 10);
    // Gap rows are white; the bar repeats the image's colours column by column.
    CHECK(p.at(2, 10) == rgb{255, 255, 255});
    const std::size_t bar = lay.bar_top(2);
    for (std::size_t c = 0; c < w; ++c) {
        CHECK(p.at(bar, c) == p.at(0, c));
        CHECK(p.at(bar + lay.bar - 1, c) == p.at(0, c));
    }
    CHECK(p.at(bar, 0) == colormap_lookup(colormap::viridis, 0.0));
    CHECK(p.at(bar, 32) == colormap_lookup(colormap::viridis, 0.5));
    CHECK(p.at(bar, w - 1) == colormap_lookup(colormap::viridis, 1.0));
    // Ticks at 0, 1/4, 1/2, 3/4, 1 are black; columns between them white.
    const std::size_t tick = lay.tick_top(2);
    for (std::size_t c : {0, 16, 32, 48, 64}) CHECK(p.at(tick, c) == rgb{0, 0, 0});
    for (std::size_t c : {8, 24, 40, 56}) CHECK(p.at(tick, c) == rgb{255, 255, 255});
    // Labels "0" at the left, "1" at the right, "0.5" centred: compare with the font.
    const std::size_t top = lay.label_top(2);
    auto glyph_matches = [&](char ch, std::size_t left) {
        const auto g = sphaera::io::detail::font_glyph(ch);
        for (std::size_t y = 0; y < 5; ++y)
            for (std::size_t x = 0; x < 3; ++x) {
                const bool ink = (g[y] & (4u >> x)) != 0;
                if ((p.at(top + y, left + x) == rgb{0, 0, 0}) != ink) return false;
            }
        return true;
    };
    CHECK(glyph_matches('0', 0));
    CHECK(glyph_matches('1', w - 3));
    const std::size_t mid_left = w / 2 - 11 / 2;  // "0.5" is 11 pixels wide
    CHECK(glyph_matches('0', mid_left));
    CHECK(glyph_matches('.', mid_left + 4));
    CHECK(glyph_matches('5', mid_left + 8));

    SECTION("no colour bar unless asked; grayscale bar keeps the file grey") {
        png_options g;
        g.map = colormap::grayscale;
        sphaera::io::write_png(dir / "n.png", v, 2, w, g);
        CHECK(read_png(dir / "n.png").height == 2);
        g.colorbar = true;
        sphaera::io::write_png(dir / "g.png", v, 2, w, g);
        const picture q = read_png(dir / "g.png");
        CHECK_FALSE(q.color);
        CHECK(q.height == 2 + lay.total());
        CHECK(q.at(bar, w - 1) == grey(255));
        CHECK(q.at(bar, 0) == grey(0));
    }
    SECTION("a picture too narrow for labels still gets bar and ticks") {
        const std::vector<double> t = {-12345.0, 67890.0};
        sphaera::io::write_png(dir / "t.png", t, 1, 2, o);
        const picture q = read_png(dir / "t.png");
        const auto l2 = sphaera::io::detail::make_colorbar_layout(2);
        REQUIRE(q.height == 1 + l2.total());
        CHECK(q.at(l2.bar_top(1), 0) == colormap_lookup(colormap::viridis, 0.0));
        CHECK(q.at(l2.tick_top(1), 1) == rgb{0, 0, 0});
        for (std::size_t r = l2.label_top(1); r < q.height; ++r)
            CHECK(q.at(r, 0) == rgb{255, 255, 255});
    }
}

TEST_CASE("write_png_rgb writes pictures verbatim", "[io][png]") {
    temp_dir dir;
    std::vector<std::uint8_t> px(3 * 4 * 3);
    for (std::size_t k = 0; k < px.size(); ++k) px[k] = static_cast<std::uint8_t>(k * 7);
    sphaera::io::write_png_rgb(dir / "r.png", px, 3, 4);
    const picture p = read_png(dir / "r.png");
    CHECK(p.height == 3);
    CHECK(p.width == 4);
    CHECK(p.bytes == px);
    const auto m = message_of<sphaera::shape_mismatch>(
        [&] { sphaera::io::write_png_rgb(dir / "x.png", px, 4, 4); });
    CHECK_THAT(m, Contains("36 bytes") && Contains("(4, 4, 3)"));
}

TEST_CASE("write_png errors", "[io][png]") {
    temp_dir dir;
    const std::vector<double> v = {1, 2, 3, 4};
    const fs::path f = dir / "e.png";
    auto invalid = [&](auto&& call) { return message_of<sphaera::invalid_argument>(call); };
    CHECK_THAT(invalid([&] { sphaera::io::write_png(f, v.data(), 0, 4); }),
               Contains("e.png") && Contains("empty array") && Contains("height 0"));
    CHECK_THAT(invalid([&] { sphaera::io::write_png(f, static_cast<const double*>(nullptr), 2, 2); }),
               Contains("null"));
    png_options o;
    o.scale = 0;
    CHECK_THAT(invalid([&] { sphaera::io::write_png(f, v, 2, 2, o); }), Contains("scale = 0"));
    o = {};
    o.vmin = std::nan("");
    CHECK_THAT(invalid([&] { sphaera::io::write_png(f, v, 2, 2, o); }),
               Contains("vmin = nan") && Contains("not finite"));
    o = {};
    o.vmax = std::numeric_limits<double>::infinity();
    CHECK_THAT(invalid([&] { sphaera::io::write_png(f, v, 2, 2, o); }), Contains("vmax = inf"));
    o = {};
    o.vmin = 9.0;
    CHECK_THAT(invalid([&] { sphaera::io::write_png(f, v, 2, 2, o); }),
               Contains("vmin = 9 is greater than vmax = 4 (from the data)"));
    const std::vector<double> nans(4, std::nan(""));
    CHECK_THAT(message_of<sphaera::non_finite>([&] { sphaera::io::write_png(f, nans, 2, 2); }),
               Contains("e.png") && Contains("no finite values"));
    CHECK_THAT(message_of<sphaera::shape_mismatch>([&] { sphaera::io::write_png(f, v, 3, 2); }),
               Contains("4 values") && Contains("(3, 2)"));
    CHECK_FALSE(fs::exists(f));

    const fs::path bad = dir / "no_such_dir" / "a.png";
    CHECK_THAT(message_of<sphaera::io_error>([&] { sphaera::io::write_png(bad, v, 2, 2); }),
               Contains(bad.string()) && Contains("cannot write"));
    CHECK_FALSE(fs::exists(bad));
}
