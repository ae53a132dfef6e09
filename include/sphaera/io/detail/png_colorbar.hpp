#pragma once
/// \file png_colorbar.hpp
/// \brief The colour bar strip drawn under a write_png picture: layout, a 3x5 pixel font
/// for its min / centre / max labels, and the drawing itself. Internal to io/png.hpp.

#include "sphaera/io/colormap.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace sphaera::io::detail {

/// Rows of the strip under an image of \p width output pixels, top to bottom. Everything
/// scales with one unit (1 to 4 pixels) so the strip stays legible on large pictures.
struct colorbar_layout {
    std::size_t unit;        ///< pixel size of one font dot; also tick width
    std::size_t gap;         ///< white rows between image and bar
    std::size_t bar;         ///< rows of the gradient
    std::size_t tick;        ///< rows of the tick marks under the bar
    std::size_t label_gap;   ///< white rows between ticks and labels
    std::size_t label;       ///< rows of label text (5 font dots)
    std::size_t bottom;      ///< white rows under the labels

    [[nodiscard]] std::size_t bar_top(std::size_t image_rows) const { return image_rows + gap; }
    [[nodiscard]] std::size_t tick_top(std::size_t image_rows) const {
        return bar_top(image_rows) + bar;
    }
    [[nodiscard]] std::size_t label_top(std::size_t image_rows) const {
        return tick_top(image_rows) + tick + label_gap;
    }
    [[nodiscard]] std::size_t total() const {
        return gap + bar + tick + label_gap + label + bottom;
    }
};

[[nodiscard]] inline colorbar_layout make_colorbar_layout(std::size_t width) {
    const std::size_t u = std::clamp<std::size_t>(width / 128, 1, 4);
    return {u, 3 * u, 8 * u, 3 * u, u, 5 * u, u};
}

/// Fractions of the range where ticks are drawn (ends, quarters, centre).
inline constexpr std::array<double, 5> colorbar_ticks = {0.0, 0.25, 0.5, 0.75, 1.0};

/// 3x5 glyph of \p c: five rows, bit 2 = left column. Covers what "%.3g" prints.
[[nodiscard]] inline std::array<std::uint8_t, 5> font_glyph(char c) {
    switch (c) {
        case '0': return {7, 5, 5, 5, 7};
        case '1': return {2, 6, 2, 2, 7};
        case '2': return {7, 1, 7, 4, 7};
        case '3': return {7, 1, 7, 1, 7};
        case '4': return {5, 5, 7, 1, 1};
        case '5': return {7, 4, 7, 1, 7};
        case '6': return {7, 4, 7, 5, 7};
        case '7': return {7, 1, 1, 1, 1};
        case '8': return {7, 5, 7, 5, 7};
        case '9': return {7, 5, 7, 1, 7};
        case '-': return {0, 0, 7, 0, 0};
        case '+': return {0, 2, 7, 2, 0};
        case '.': return {0, 0, 0, 0, 2};
        case 'e': return {7, 4, 6, 4, 7};  // drawn as 'E', clearer at 3x5
        case 'i': return {2, 0, 2, 2, 2};  // "inf"
        case 'n': return {0, 6, 5, 5, 5};
        case 'f': return {3, 4, 6, 4, 4};
        default: return {0, 0, 0, 0, 0};
    }
}

/// Text as a label prints it: "%.3g" (e.g. "-0.25", "1e+03").
[[nodiscard]] inline std::string colorbar_label(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v == 0.0 ? 0.0 : v);  // no "-0"
    return buf;
}

/// Width in pixels of \p text: 3 dots per glyph and 1 between glyphs.
[[nodiscard]] inline std::size_t text_width(const std::string& text, std::size_t unit) {
    return text.empty() ? 0 : (4 * text.size() - 1) * unit;
}

/// A picture being drawn: row-major, \p channels (1 = grey, 3 = RGB) bytes per pixel.
struct canvas {
    std::vector<std::uint8_t>& pixels;
    std::size_t width;
    std::size_t channels;

    void set(std::size_t row, std::size_t col, rgb c) {
        std::uint8_t* p = &pixels[(row * width + col) * channels];
        p[0] = c.r;
        if (channels == 3) {
            p[1] = c.g;
            p[2] = c.b;
        }
    }

    void text(std::size_t top, std::size_t left, const std::string& s, std::size_t unit) {
        for (std::size_t k = 0; k < s.size(); ++k) {
            const auto glyph = font_glyph(s[k]);
            for (std::size_t gy = 0; gy < 5; ++gy)
                for (std::size_t gx = 0; gx < 3; ++gx)
                    if (glyph[gy] & (4u >> gx))
                        for (std::size_t dy = 0; dy < unit; ++dy)
                            for (std::size_t dx = 0; dx < unit; ++dx)
                                set(top + gy * unit + dy, left + (4 * k + gx) * unit + dx, rgb{});
        }
    }
};

/// Draws the strip below \p image_rows rows of \p c (already white): the gradient of
/// `colour_at(t)` for t = column / (width - 1), black ticks at colorbar_ticks, and the
/// values lo, centre and hi under the end and centre ticks where they fit side by side.
template <class ColourAt>
void draw_colorbar(canvas c, std::size_t image_rows, const colorbar_layout& lay,
                   ColourAt colour_at, double lo, double hi) {
    const std::size_t w = c.width;
    for (std::size_t col = 0; col < w; ++col) {
        const double t = w > 1 ? static_cast<double>(col) / static_cast<double>(w - 1) : 0.5;
        const rgb colour = colour_at(t);
        for (std::size_t r = 0; r < lay.bar; ++r) c.set(lay.bar_top(image_rows) + r, col, colour);
    }
    const std::size_t tick_w = std::min(lay.unit, w);
    for (double f : colorbar_ticks) {
        // Centre the tick on its column, kept inside the picture.
        const auto centre = static_cast<std::size_t>(std::lround(f * static_cast<double>(w - 1)));
        const std::size_t left = std::min(centre - std::min(centre, (tick_w - 1) / 2), w - tick_w);
        for (std::size_t r = 0; r < lay.tick; ++r)
            for (std::size_t dx = 0; dx < tick_w; ++dx)
                c.set(lay.tick_top(image_rows) + r, left + dx, rgb{});
    }
    const std::string left = colorbar_label(lo), right = colorbar_label(hi),
                      mid = colorbar_label(0.5 * lo + 0.5 * hi);
    const std::size_t lw = text_width(left, lay.unit), rw = text_width(right, lay.unit),
                      mw = text_width(mid, lay.unit), space = 4 * lay.unit;
    const std::size_t top = lay.label_top(image_rows);
    if (lw + space + rw > w) return;  // too narrow for labels; the ticks still show
    c.text(top, 0, left, lay.unit);
    c.text(top, w - rw, right, lay.unit);
    const std::size_t mid_left = w / 2 - std::min(w / 2, mw / 2);
    if (mid_left >= lw + space && mid_left + mw + space <= w - rw) c.text(top, mid_left, mid, lay.unit);
}

}  // namespace sphaera::io::detail
