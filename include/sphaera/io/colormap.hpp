#pragma once
/// \file colormap.hpp
/// \brief Colour maps for pictures of data, built in the Oklab perceptual colour space
/// (B. Ottosson, "A perceptual color space for image processing", 2020), in which equal
/// Euclidean steps look like equal colour differences.
///
/// - `viridis`: a viridis-like sequential map (van der Walt & Smith 2015). It interpolates
///   linearly in Oklab between nine published viridis colours at t = k/8, so lightness
///   rises monotonically from dark violet to yellow; it stays within about 0.01 Oklab
///   ΔE of matplotlib's viridis (a just-noticeable difference is about 0.02).
/// - `diverging`: blue-white-red for data symmetric about a centre. Derived directly in
///   Oklch: lightness and chroma run linearly from the ends (L = 0.48, C = 0.18) to a near
///   white centre (L = 0.975, C = 0), with a fixed blue hue (262°) below t = 0.5 and a
///   fixed red hue (25°) above. Equal |t − 0.5| therefore gives equal perceived contrast
///   against the centre on both sides (Moreland, "Diverging Color Maps for Scientific
///   Visualization", 2009). Every colour lies inside the sRGB gamut.
/// - `grayscale`: sRGB grey level round(255 t), as matplotlib's "gray".

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace sphaera::io {

/// The colour maps sphaera draws with.
enum class colormap {
    viridis,    ///< sequential, dark violet -> blue -> green -> yellow
    diverging,  ///< blue -> near white (t = 0.5) -> red, balanced in lightness and chroma
    grayscale,  ///< black -> white
};

/// An 8-bit sRGB colour.
struct rgb {
    std::uint8_t r = 0;  ///< red
    std::uint8_t g = 0;  ///< green
    std::uint8_t b = 0;  ///< blue
    friend constexpr bool operator==(const rgb&, const rgb&) = default;
};

namespace detail {

struct oklab {
    double l, a, b;
};

[[nodiscard]] inline double srgb_to_linear(double c) {
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

[[nodiscard]] inline double linear_to_srgb(double c) {
    return c <= 0.0031308 ? 12.92 * c : 1.055 * std::pow(c, 1.0 / 2.4) - 0.055;
}

/// 8-bit sRGB -> Oklab (Ottosson's published matrices).
[[nodiscard]] inline oklab to_oklab(rgb c) {
    const double r = srgb_to_linear(c.r / 255.0), g = srgb_to_linear(c.g / 255.0),
                 b = srgb_to_linear(c.b / 255.0);
    const double l = std::cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
    const double m = std::cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
    const double s = std::cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
    return {0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
            1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
            0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s};
}

[[nodiscard]] inline std::uint8_t to_byte(double linear) {
    const double c = linear_to_srgb(std::clamp(linear, 0.0, 1.0));
    return static_cast<std::uint8_t>(std::lround(std::clamp(c, 0.0, 1.0) * 255.0));
}

/// Oklab -> 8-bit sRGB, clipping to the gamut (the maps here never need it by more than
/// rounding noise).
[[nodiscard]] inline rgb from_oklab(oklab c) {
    const double l = std::pow(c.l + 0.3963377774 * c.a + 0.2158037573 * c.b, 3);
    const double m = std::pow(c.l - 0.1055613458 * c.a - 0.0638541728 * c.b, 3);
    const double s = std::pow(c.l - 0.0894841775 * c.a - 1.2914855480 * c.b, 3);
    return {to_byte(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s),
            to_byte(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s),
            to_byte(-0.0041960863 * l - 0.7034186147 * m + 1.7076147010 * s)};
}

/// viridis at t = 0, 1/8, ..., 1 (the nine-step viridis palette).
inline constexpr std::array<rgb, 9> viridis_anchors = {{{0x44, 0x01, 0x54},
                                                        {0x47, 0x2d, 0x7b},
                                                        {0x3b, 0x52, 0x8b},
                                                        {0x2c, 0x72, 0x8e},
                                                        {0x21, 0x91, 0x8c},
                                                        {0x28, 0xae, 0x80},
                                                        {0x5e, 0xc9, 0x62},
                                                        {0xad, 0xdc, 0x30},
                                                        {0xfd, 0xe7, 0x25}}};

[[nodiscard]] inline rgb viridis(double t) {
    constexpr std::size_t segments = viridis_anchors.size() - 1;
    const double x = t * static_cast<double>(segments);
    const std::size_t i = std::min(static_cast<std::size_t>(x), segments - 1);
    const double u = x - static_cast<double>(i);
    // Exact anchor colours at the nodes (no round trip through Oklab).
    if (u == 0.0) return viridis_anchors[i];
    if (u == 1.0) return viridis_anchors[i + 1];
    const oklab p = to_oklab(viridis_anchors[i]), q = to_oklab(viridis_anchors[i + 1]);
    return from_oklab({p.l + u * (q.l - p.l), p.a + u * (q.a - p.a), p.b + u * (q.b - p.b)});
}

[[nodiscard]] inline rgb diverging(double t) {
    constexpr double l_end = 0.48, c_end = 0.18, l_mid = 0.975;
    constexpr double deg = 3.14159265358979323846 / 180.0;
    const double u = std::abs(2.0 * t - 1.0);  // 0 at the centre, 1 at both ends
    const double l = l_mid + (l_end - l_mid) * u, c = c_end * u;
    const double h = (t < 0.5 ? 262.0 : 25.0) * deg;
    return from_oklab({l, c * std::cos(h), c * std::sin(h)});
}

}  // namespace detail

/// The colour of \p map at \p t in [0, 1]; t outside is clamped, NaN is taken as 0.
/// Deterministic: the same t always gives the same bytes, so pictures can be tested.
[[nodiscard]] inline rgb colormap_lookup(colormap map, double t) {
    t = t > 0.0 ? std::min(t, 1.0) : 0.0;  // also sends NaN to 0
    switch (map) {
        case colormap::viridis:
            return detail::viridis(t);
        case colormap::diverging:
            return detail::diverging(t);
        case colormap::grayscale:
            break;
    }
    const auto v = static_cast<std::uint8_t>(std::lround(255.0 * t));
    return {v, v, v};
}

}  // namespace sphaera::io
