#pragma once
/// \file npy_header.hpp
/// \brief The NumPy `.npy` header: element types sphaera exchanges, the parsed header, and
/// the exact byte layout numpy writes (NEP 1, "A simple file format for NumPy arrays";
/// padding as numpy >= 1.24 `numpy/lib/format.py`).

#include "sphaera/core/error.hpp"

#include <bit>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

// Elements travel as raw little-endian bytes, and '=' / '|' descriptors mean "native";
// both are only right on a little-endian host, which is every platform sphaera targets.
static_assert(std::endian::native == std::endian::little,
              "sphaera::io (.npy) assumes a little-endian host");

namespace sphaera::io {

/// Element types of `.npy` files sphaera reads and writes (numpy descriptor in brackets).
enum class npy_dtype {
    float32,     ///< '<f4', C++ float
    float64,     ///< '<f8', C++ double
    complex64,   ///< '<c8', C++ std::complex<float>
    complex128,  ///< '<c16', C++ std::complex<double>
    int32,       ///< '<i4', C++ std::int32_t
    int64,       ///< '<i8', C++ std::int64_t
};

/// The numpy descriptor sphaera writes for \p t, e.g. "<f8".
[[nodiscard]] constexpr std::string_view npy_descr(npy_dtype t) noexcept {
    constexpr std::string_view names[] = {"<f4", "<f8", "<c8", "<c16", "<i4", "<i8"};
    return names[static_cast<int>(t)];
}

/// The numpy type name of \p t, e.g. "float64" (used in messages).
[[nodiscard]] constexpr std::string_view npy_type_name(npy_dtype t) noexcept {
    constexpr std::string_view names[] = {"float32",    "float64", "complex64",
                                          "complex128", "int32",   "int64"};
    return names[static_cast<int>(t)];
}

/// Bytes per element of \p t.
[[nodiscard]] constexpr std::size_t npy_itemsize(npy_dtype t) noexcept {
    constexpr std::size_t sizes[] = {4, 8, 8, 16, 4, 8};
    return sizes[static_cast<int>(t)];
}

namespace detail {
template <class>
inline constexpr bool npy_always_false = false;
}  // namespace detail

/// The `npy_dtype` stored for C++ element type \p T. Any other \p T fails to compile.
/// Signed integers are matched by size, so `long long` and `long` both map to int64.
template <class T>
[[nodiscard]] constexpr npy_dtype npy_dtype_of() noexcept {
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_same_v<U, float>)
        return npy_dtype::float32;
    else if constexpr (std::is_same_v<U, double>)
        return npy_dtype::float64;
    else if constexpr (std::is_same_v<U, std::complex<float>>)
        return npy_dtype::complex64;
    else if constexpr (std::is_same_v<U, std::complex<double>>)
        return npy_dtype::complex128;
    else if constexpr (std::is_integral_v<U> && std::is_signed_v<U> && sizeof(U) == 4)
        return npy_dtype::int32;
    else if constexpr (std::is_integral_v<U> && std::is_signed_v<U> && sizeof(U) == 8)
        return npy_dtype::int64;
    else
        static_assert(detail::npy_always_false<T>,
                      "sphaera::io .npy supports only float, double, std::complex<float>, "
                      "std::complex<double>, std::int32_t and std::int64_t elements");
}

/// What a `.npy` header says about the array that follows it.
struct npy_header {
    npy_dtype dtype = npy_dtype::float64;  ///< element type
    std::vector<std::size_t> shape;        ///< dimensions; empty for a 0-d array
    bool fortran_order = false;            ///< file stores elements in column-major order
    int version_major = 1;                 ///< format version found in the file (1, 2 or 3)
    int version_minor = 0;                 ///< always 0 for the versions numpy defines
    std::size_t data_offset = 0;           ///< bytes from file start to the first element

    /// Number of elements: product of `shape` (1 for a 0-d array).
    [[nodiscard]] std::size_t size() const noexcept {
        std::size_t n = 1;
        for (std::size_t d : shape) n *= d;
        return n;
    }
};

namespace detail {

inline constexpr std::string_view npy_magic = "\x93NUMPY";

/// Python's repr of a shape tuple: "()", "(5,)", "(3, 4)".
[[nodiscard]] inline std::string npy_shape_repr(const std::vector<std::size_t>& shape) {
    std::string s = "(";
    for (std::size_t k = 0; k < shape.size(); ++k) {
        if (k > 0) s += ", ";
        s += std::to_string(shape[k]);
    }
    if (shape.size() == 1) s += ',';
    return s + ')';
}

/// Product of \p shape, or false when it (times \p itemsize) overflows size_t.
[[nodiscard]] inline bool npy_checked_bytes(const std::vector<std::size_t>& shape,
                                            std::size_t itemsize, std::size_t& count,
                                            std::size_t& bytes) noexcept {
    constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
    count = 1;
    // A zero dimension makes the array empty whatever the others say; numpy agrees.
    for (std::size_t d : shape)
        if (d == 0) {
            count = 0;
            bytes = 0;
            return true;
        }
    for (std::size_t d : shape) {
        if (count > max / d) return false;
        count *= d;
    }
    if (count > max / itemsize) return false;
    bytes = count * itemsize;
    return true;
}

/// The complete header (magic, version, length, dict, padding) numpy's `np.save` writes
/// for a C-ordered array: byte-identical, including the spare blanks numpy leaves after
/// the dict so that the first axis can grow in place (GROWTH_AXIS_MAX_DIGITS = 21) and
/// the alignment of the data to 64 bytes. Like numpy, version 2.0 is used only when the
/// dict does not fit the 16-bit length field of version 1.0.
[[nodiscard]] inline std::string npy_format_header(npy_dtype dtype,
                                                   const std::vector<std::size_t>& shape) {
    std::string dict = "{'descr': '";
    dict += npy_descr(dtype);
    dict += "', 'fortran_order': False, 'shape': ";
    dict += npy_shape_repr(shape);
    dict += ", }";
    if (!shape.empty()) {
        const std::size_t digits = std::to_string(shape.front()).size();
        if (digits < 21) dict.append(21 - digits, ' ');
    }
    constexpr std::size_t align = 64;
    const std::size_t hlen = dict.size() + 1;  // + the final '\n'
    // numpy pads with a full 64 blanks when already aligned (padlen is never 0).
    std::size_t padlen = align - (npy_magic.size() + 2 + 2 + hlen) % align;
    int version = 1;
    if (hlen + padlen > 0xFFFF) {
        version = 2;
        padlen = align - (npy_magic.size() + 2 + 4 + hlen) % align;
    }
    const std::size_t total = hlen + padlen;
    std::string out(npy_magic);
    out += static_cast<char>(version);
    out += '\0';
    const int length_bytes = version == 1 ? 2 : 4;
    for (int b = 0; b < length_bytes; ++b) out += static_cast<char>((total >> (8 * b)) & 0xFF);
    out += dict;
    out.append(padlen, ' ');
    out += '\n';
    return out;
}

/// Parses the Python dict literal of a `.npy` header. Accepts what numpy's reader accepts
/// for sphaera's dtypes: keys in any order, either quote style, free whitespace, optional
/// trailing commas, Python 2 long suffixes ("3L") in shapes. Rejects anything else, and
/// (like numpy) any key other than 'descr', 'fortran_order' and 'shape'.
class npy_dict_parser {
public:
    npy_dict_parser(std::string_view text, const std::filesystem::path& file)
        : m_text(text), m_file(file) {}

    /// Fills dtype, shape and fortran_order of \p h.
    void parse(npy_header& h) {
        bool seen_descr = false, seen_order = false, seen_shape = false;
        skip_ws();
        expect('{', "the header to start with '{'");
        for (;;) {
            skip_ws();
            if (eat('}')) break;
            const std::string key = parse_string("a quoted key or '}'");
            skip_ws();
            expect(':', "':' after a key");
            skip_ws();
            if (key == "descr") {
                mark(seen_descr, key);
                h.dtype = parse_descr(parse_string("a quoted dtype descriptor for 'descr'"));
            } else if (key == "fortran_order") {
                mark(seen_order, key);
                h.fortran_order = parse_bool();
            } else if (key == "shape") {
                mark(seen_shape, key);
                h.shape = parse_shape();
            } else {
                fail("unexpected key '", key,
                     "' (a .npy header has exactly 'descr', 'fortran_order' and 'shape')");
            }
            skip_ws();
            if (eat(',')) continue;
            skip_ws();
            expect('}', "',' or '}' after a value");
            break;
        }
        skip_ws();
        if (m_pos != m_text.size()) fail("unexpected text after the closing '}'");
        if (!seen_descr) fail("missing key 'descr'");
        if (!seen_order) fail("missing key 'fortran_order'");
        if (!seen_shape) fail("missing key 'shape'");
    }

private:
    template <class... Parts>
    [[noreturn]] void fail(Parts&&... parts) const {
        // Quote the dict (without numpy's padding) so the reader sees what was there.
        std::string_view shown = m_text.substr(0, m_text.find_last_not_of(" \t\r\n") + 1);
        if (shown.size() > 200) shown = shown.substr(0, 200);
        sphaera::detail::raise<io_error>("npy file '", m_file.string(),
                                         "': malformed header: ", std::forward<Parts>(parts)...,
                                         " (at byte ", m_pos, " of the header dict \"", shown,
                                         "\")");
    }

    void mark(bool& seen, const std::string& key) const {
        if (seen) fail("duplicate key '", key, "'");
        seen = true;
    }

    void skip_ws() {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' ||
                                         m_text[m_pos] == '\n' || m_text[m_pos] == '\r'))
            ++m_pos;
    }

    bool eat(char c) {
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }

    void expect(char c, const char* what) {
        if (!eat(c)) fail("expected ", what);
    }

    std::string parse_string(const char* what) {
        if (m_pos >= m_text.size() || (m_text[m_pos] != '\'' && m_text[m_pos] != '"'))
            fail("expected ", what);
        const char quote = m_text[m_pos++];
        const std::size_t end = m_text.find(quote, m_pos);
        if (end == std::string_view::npos) fail("unterminated string");
        std::string s(m_text.substr(m_pos, end - m_pos));
        m_pos = end + 1;
        return s;
    }

    bool parse_bool() {
        if (m_text.substr(m_pos, 4) == "True") {
            m_pos += 4;
            return true;
        }
        if (m_text.substr(m_pos, 5) == "False") {
            m_pos += 5;
            return false;
        }
        fail("'fortran_order' must be True or False");
    }

    std::size_t parse_uint() {
        const std::size_t start = m_pos;
        std::size_t v = 0;
        while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') {
            const auto digit = static_cast<std::size_t>(m_text[m_pos] - '0');
            if (v > (std::numeric_limits<std::size_t>::max() - digit) / 10)
                fail("shape dimension does not fit in 64 bits");
            v = v * 10 + digit;
            ++m_pos;
        }
        if (m_pos == start) fail("'shape' must be a tuple of non-negative integers");
        if (m_pos < m_text.size() && (m_text[m_pos] == 'L' || m_text[m_pos] == 'l')) ++m_pos;
        return v;
    }

    std::vector<std::size_t> parse_shape() {
        std::vector<std::size_t> shape;
        expect('(', "'shape' to be a tuple such as (3, 4), (5,) or ()");
        skip_ws();
        bool trailing_comma = false;
        while (!eat(')')) {
            shape.push_back(parse_uint());
            skip_ws();
            trailing_comma = eat(',');
            skip_ws();
            if (!trailing_comma && !(m_pos < m_text.size() && m_text[m_pos] == ')'))
                fail("expected ',' or ')' in 'shape'");
        }
        // In Python "(5)" is the integer 5, not a tuple; numpy rejects it too.
        if (shape.size() == 1 && !trailing_comma)
            fail("'shape' (", shape[0], ") is an integer, not a tuple; write (", shape[0], ",)");
        return shape;
    }

    npy_dtype parse_descr(const std::string& d) const {
        const char order = d.empty() ? '\0' : d[0];
        const std::string_view code = d.size() > 1 ? std::string_view(d).substr(1) : "";
        npy_dtype t{};
        if (code == "f4") t = npy_dtype::float32;
        else if (code == "f8") t = npy_dtype::float64;
        else if (code == "c8") t = npy_dtype::complex64;
        else if (code == "c16") t = npy_dtype::complex128;
        else if (code == "i4") t = npy_dtype::int32;
        else if (code == "i8") t = npy_dtype::int64;
        else unsupported_descr(d);
        if (order == '>')
            sphaera::detail::raise<io_error>(
                "npy file '", m_file.string(), "': big-endian dtype '", d,
                "' is not supported; sphaera reads little-endian data (in numpy: "
                "np.save(path, a.astype('<",
                code, "')))");
        // '=' is native order and numpy also takes '|' ("not applicable") as native;
        // native is little-endian here (see the static_assert above).
        if (order != '<' && order != '=' && order != '|') unsupported_descr(d);
        return t;
    }

    [[noreturn]] void unsupported_descr(const std::string& d) const {
        sphaera::detail::raise<io_error>(
            "npy file '", m_file.string(), "': unsupported dtype '", d,
            "' (supported: '<f4', '<f8', '<c8', '<c16', '<i4', '<i8')");
    }

    std::string_view m_text;
    const std::filesystem::path& m_file;
    std::size_t m_pos = 0;
};

}  // namespace detail
}  // namespace sphaera::io
