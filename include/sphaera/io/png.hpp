#pragma once
/// \file png.hpp
/// \brief Pictures of 2-D arrays as PNG files (via libpng's simplified API; link -lpng).
///
/// A value x maps to t = (x − vmin) / (vmax − vmin), clamped to [0, 1] (so −inf → 0,
/// +inf → 1; a constant image, vmin = vmax, is drawn at t = 0.5). With the grayscale map
/// the pixel is the grey level round(255 t); with a colour map it is
/// `colormap_lookup(map, round(1024 t) / 1024)` — 1025 levels, so t = 0.5 (zero under
/// `symmetric`) lands exactly on the map's centre. NaN is drawn in `nan_color`.

#include "sphaera/core/error.hpp"
#include "sphaera/io/colormap.hpp"
#include "sphaera/io/detail/png_colorbar.hpp"

#include <png.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace sphaera::io {

/// How write_png turns values into colours.
struct png_options {
    /// Colour map; unset means viridis, or diverging when `symmetric`.
    std::optional<colormap> map;
    /// Centre the range at 0: [−m, m] with m = max(|vmin|, |vmax|) (after defaults).
    bool symmetric = false;
    /// Value drawn at t = 0; unset means the smallest finite value of the data.
    std::optional<double> vmin;
    /// Value drawn at t = 1; unset means the largest finite value of the data.
    std::optional<double> vmax;
    /// Add a strip under the picture: the gradient, ticks at 0, ¼, ½, ¾, 1 of the range
    /// and (where wide enough) the values at the ends and centre in a 3x5 pixel font.
    bool colorbar = false;
    /// Each array element becomes a scale x scale block (nearest neighbour), scale >= 1.
    int scale = 1;
    /// Colour of NaN elements. Outside viridis and the diverging map; with the grayscale
    /// map pick a non-grey colour to keep NaNs distinguishable (the file then becomes RGB).
    rgb nan_color = {128, 128, 128};
};

namespace detail {

template <class... Parts>
[[noreturn]] void png_fail(const std::filesystem::path& file, Parts&&... parts) {
    sphaera::detail::raise<io_error>("png file '", file.string(), "': ",
                                     std::forward<Parts>(parts)...);
}

template <class... Parts>
[[noreturn]] void png_bad_argument(const std::filesystem::path& file, Parts&&... parts) {
    sphaera::detail::raise<invalid_argument>("write_png('", file.string(), "'): ",
                                             std::forward<Parts>(parts)...);
}

/// Checks a picture of \p height x \p width pixels fits libpng and memory arithmetic.
inline void png_check_size(const std::filesystem::path& file, std::size_t height,
                           std::size_t width) {
    // libpng's simplified API limits rows to 2^31 - 1 bytes (3 bytes per RGB pixel).
    constexpr std::size_t max_side = 0x7FFFFFFF / 3;
    if (height == 0 || width == 0)
        png_bad_argument(file, "empty picture (height ", height, ", width ", width,
                         "); nothing to draw");
    if (height > max_side || width > max_side ||
        height > std::numeric_limits<std::size_t>::max() / 3 / width)
        png_bad_argument(file, "picture of ", height, " x ", width,
                         " pixels is too large for PNG (at most ", max_side, " per side)");
}

/// Writes 8-bit pixels (1 channel grey or 3 channels RGB, rows contiguous) to \p file.
inline void png_write_file(const std::filesystem::path& file, const std::uint8_t* pixels,
                           std::size_t height, std::size_t width, bool color) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(width);
    image.height = static_cast<png_uint_32>(height);
    image.format = color ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    // The simplified API reports failure by return value, so no setjmp/longjmp crosses
    // C++ frames; it also deletes a partly written file itself.
    if (png_image_write_to_file(&image, file.string().c_str(), 0, pixels, 0, nullptr) == 0) {
        const std::string why = image.message;
        png_image_free(&image);
        png_fail(file, "cannot write: ", why);
    }
}

/// The value range [lo, hi] a picture is drawn with (see png_options).
template <class T>
[[nodiscard]] std::array<double, 2> png_value_range(const std::filesystem::path& file,
                                                    const T* data, std::size_t n,
                                                    const png_options& opt) {
    for (const auto& [name, v] : {std::pair{"vmin", opt.vmin}, std::pair{"vmax", opt.vmax}})
        if (v && !std::isfinite(*v))
            png_bad_argument(file, name, " = ", *v, " is not finite; give a finite value");
    double lo = opt.vmin.value_or(0.0), hi = opt.vmax.value_or(0.0);
    if (!opt.vmin || !opt.vmax) {
        double dmin = std::numeric_limits<double>::infinity(), dmax = -dmin;
        for (std::size_t i = 0; i < n; ++i) {
            const auto x = static_cast<double>(data[i]);
            if (!std::isfinite(x)) continue;
            dmin = std::min(dmin, x);
            dmax = std::max(dmax, x);
        }
        if (dmin > dmax)
            sphaera::detail::raise<non_finite>(
                "write_png('", file.string(), "'): the array has no finite values to take ",
                !opt.vmin ? "vmin" : "vmax", " from; set png_options::vmin and vmax");
        if (!opt.vmin) lo = dmin;
        if (!opt.vmax) hi = dmax;
    }
    if (lo > hi)
        png_bad_argument(file, "vmin = ", lo, opt.vmin ? "" : " (from the data)",
                         " is greater than vmax = ", hi, opt.vmax ? "" : " (from the data)");
    if (opt.symmetric) {
        const double m = std::max(std::abs(lo), std::abs(hi));
        lo = -m;
        hi = m;
    }
    return {lo, hi};
}

}  // namespace detail

/// Writes the row-major (height, width) array \p data as a PNG picture (see the file
/// comment for the value-to-colour rule). Grayscale gives an 8-bit grey PNG, colour maps
/// an 8-bit RGB PNG. Throws invalid_argument for an empty array, null data, scale < 1 or
/// a bad range, non_finite when the range must come from data with no finite value, and
/// io_error naming the file when it cannot be written.
template <class T>
void write_png(const std::filesystem::path& file, const T* data,  // (height, width)
               std::size_t height, std::size_t width, const png_options& options = {}) {
    static_assert(std::is_floating_point_v<T>, "write_png draws float or double arrays");
    if (height == 0 || width == 0)
        detail::png_bad_argument(file, "empty array (height ", height, ", width ", width,
                                 "); nothing to draw");
    if (data == nullptr) detail::png_bad_argument(file, "data is null");
    if (options.scale < 1)
        detail::png_bad_argument(file, "scale = ", options.scale, " is out of range; valid "
                                 "range is [1, ...)");
    const auto s = static_cast<std::size_t>(options.scale);
    if (height > std::numeric_limits<std::size_t>::max() / s / width / s)
        detail::png_bad_argument(file, "scale = ", s, " makes the picture too large");
    const std::size_t out_w = width * s, image_rows = height * s;
    const detail::colorbar_layout lay = detail::make_colorbar_layout(out_w);
    const std::size_t out_h = image_rows + (options.colorbar ? lay.total() : 0);
    detail::png_check_size(file, out_h, out_w);

    const std::size_t n = height * width;
    // Plain variables, not a structured binding: lambdas capture them (clang < 16 refuses
    // to capture bindings).
    const std::array<double, 2> range = detail::png_value_range(file, data, n, options);
    const double lo = range[0], hi = range[1];
    const colormap map =
        options.map.value_or(options.symmetric ? colormap::diverging : colormap::viridis);
    const rgb nan = options.nan_color;
    const bool gray = map == colormap::grayscale;
    const bool gray_nan = nan.r == nan.g && nan.g == nan.b;
    const bool any_nan = std::any_of(data, data + n, [](T x) { return std::isnan(x); });
    const bool color = !gray || (any_nan && !gray_nan);

    // Halving keeps hi - lo finite for ranges near the largest doubles; the scaling is
    // exact, so t is unchanged otherwise.
    const double half_span = 0.5 * hi - 0.5 * lo;
    auto t_of = [&](double x) {
        if (!(half_span > 0.0)) return x > hi ? 1.0 : (x < lo ? 0.0 : 0.5);
        const double t = (0.5 * x - 0.5 * lo) / half_span;
        return std::clamp(t, 0.0, 1.0);
    };
    std::vector<rgb> lut;
    if (!gray) {
        lut.resize(1025);
        for (std::size_t k = 0; k < lut.size(); ++k)
            lut[k] = colormap_lookup(map, static_cast<double>(k) / 1024.0);
    }
    auto colour_at = [&](double t) {
        if (gray) {
            const auto v = static_cast<std::uint8_t>(std::lround(255.0 * t));
            return rgb{v, v, v};
        }
        return lut[static_cast<std::size_t>(std::lround(1024.0 * t))];
    };

    const std::size_t ch = color ? 3 : 1;
    std::vector<std::uint8_t> pixels(out_h * out_w * ch, 255);  // white under the image
    detail::canvas canvas{pixels, out_w, ch};
    const std::size_t row_bytes = out_w * ch;
    for (std::size_t i = 0; i < height; ++i) {
        // Draw the first of the s output rows, then copy it: nearest-neighbour upscaling.
        const std::size_t r0 = i * s;
        for (std::size_t j = 0; j < width; ++j) {
            const auto x = static_cast<double>(data[i * width + j]);
            const rgb c = std::isnan(x) ? nan : colour_at(t_of(x));
            for (std::size_t dj = 0; dj < s; ++dj) canvas.set(r0, j * s + dj, c);
        }
        for (std::size_t di = 1; di < s; ++di)
            std::memcpy(&pixels[(r0 + di) * row_bytes], &pixels[r0 * row_bytes], row_bytes);
    }
    if (options.colorbar) detail::draw_colorbar(canvas, image_rows, lay, colour_at, lo, hi);
    detail::png_write_file(file, pixels.data(), out_h, out_w, color);
}

/// As above for a contiguous range (std::vector, std::span, ...) of height * width values;
/// throws shape_mismatch if its size differs.
template <std::ranges::contiguous_range R>
    requires std::ranges::sized_range<R>
void write_png(const std::filesystem::path& file, const R& data,  // (height, width)
               std::size_t height, std::size_t width, const png_options& options = {}) {
    const std::size_t size = std::ranges::size(data);
    if (width == 0 ? size != 0 : (size % width != 0 || size / width != height))
        sphaera::detail::raise<shape_mismatch>("write_png('", file.string(), "'): ",
                                               size, " values given for a (",
                                               height, ", ", width, ") picture");
    write_png(file, std::ranges::data(data), height, width, options);
}

/// Writes a ready-made picture: \p rgb holds height rows of width (r, g, b) byte triples.
inline void write_png_rgb(const std::filesystem::path& file,
                          const std::uint8_t* rgb,  // (height, width, 3)
                          std::size_t height, std::size_t width) {
    detail::png_check_size(file, height, width);
    if (rgb == nullptr) detail::png_bad_argument(file, "data is null");
    detail::png_write_file(file, rgb, height, width, true);
}

/// As above, checking that \p rgb holds exactly height * width * 3 bytes (shape_mismatch).
inline void write_png_rgb(const std::filesystem::path& file,
                          std::span<const std::uint8_t> rgb,  // (height, width, 3)
                          std::size_t height, std::size_t width) {
    detail::png_check_size(file, height, width);
    if (rgb.size() != height * width * 3)
        sphaera::detail::raise<shape_mismatch>("write_png_rgb('", file.string(), "'): ",
                                               rgb.size(), " bytes given for a (", height, ", ",
                                               width, ", 3) picture of ", height * width * 3);
    detail::png_write_file(file, rgb.data(), height, width, true);
}

}  // namespace sphaera::io
