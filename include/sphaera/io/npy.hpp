#pragma once
/// \file npy.hpp
/// \brief Reading and writing NumPy `.npy` files (NEP 1 format, versions 1.0/2.0/3.0).
///
/// Files written here are byte-identical to numpy's `np.save` for the same C-ordered array
/// (version 1.0, 64-byte aligned data). Reading accepts versions 1.0, 2.0 and 3.0 and
/// C or Fortran order; Fortran-ordered data is transposed into C order on read, so callers
/// always see row-major values. Like numpy's `np.load`, bytes after the array data are
/// ignored: several arrays may be `np.save`d one after another into one file, and only the
/// first is read here.

#include "sphaera/core/error.hpp"
#include "sphaera/io/npy_header.hpp"

#include <cerrno>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <ranges>
#include <span>
#include <string>
#include <system_error>
#include <vector>

namespace sphaera::io {

/// A typed array read from a `.npy` file.
template <class T>
struct npy_data {
    std::vector<std::size_t> shape;  ///< dimensions; empty for a 0-d array
    std::vector<T> values;           ///< elements in C (row-major) order
};

namespace detail {

template <class... Parts>
[[noreturn]] void npy_fail(const std::filesystem::path& file, Parts&&... parts) {
    sphaera::detail::raise<io_error>("npy file '", file.string(), "': ",
                                     std::forward<Parts>(parts)...);
}

[[nodiscard]] inline std::string npy_errno_text(int e) {
    return e != 0 ? std::generic_category().message(e) : std::string("unknown reason");
}

/// Opens \p file for reading and reports its size. Missing files and directories are
/// diagnosed up front because an ifstream "opens" a directory on POSIX and fails later.
[[nodiscard]] inline std::ifstream npy_open_read(const std::filesystem::path& file,
                                                 std::size_t& size) {
    std::error_code ec;
    const auto st = std::filesystem::status(file, ec);
    if (!std::filesystem::exists(st)) npy_fail(file, "cannot open for reading: no such file");
    if (std::filesystem::is_directory(st))
        npy_fail(file, "cannot open for reading: it is a directory");
    errno = 0;
    std::ifstream in(file, std::ios::binary);
    if (!in) npy_fail(file, "cannot open for reading: ", npy_errno_text(errno));
    in.seekg(0, std::ios::end);
    size = static_cast<std::size_t>(in.tellg());
    in.seekg(0, std::ios::beg);
    return in;
}

/// Bytes shown as a C string literal body, for "found ..." in messages.
[[nodiscard]] inline std::string npy_escape(std::string_view bytes) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    for (char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7F && c != '"' && c != '\\') {
            s += c;
        } else {
            s += "\\x";
            s += hex[u >> 4];
            s += hex[u & 0xF];
        }
    }
    return s;
}

/// Reads and validates the header at the start of \p in (a file of \p file_size bytes).
[[nodiscard]] inline npy_header npy_read_header(std::istream& in, std::size_t file_size,
                                                const std::filesystem::path& file) {
    char prefix[12] = {};
    in.read(prefix, 8);
    const auto got = static_cast<std::size_t>(in.gcount());
    const std::string_view magic(prefix, got < 6 ? got : 6);
    if (magic != npy_magic)
        npy_fail(file, "not a .npy file: bad magic string (expected \"\\x93NUMPY\", found \"",
                 npy_escape(magic), "\")");
    if (got < 8)
        npy_fail(file, "truncated header: the file ends after ", got,
                 " bytes, inside the format version");
    npy_header h;
    h.version_major = static_cast<unsigned char>(prefix[6]);
    h.version_minor = static_cast<unsigned char>(prefix[7]);
    if (h.version_major < 1 || h.version_major > 3 || h.version_minor != 0)
        npy_fail(file, "unsupported .npy format version ", h.version_major, '.',
                 h.version_minor, " (sphaera reads 1.0, 2.0 and 3.0)");
    // Version 1.0 stores the dict length in 2 bytes; 2.0 and 3.0 (UTF-8 dict) in 4.
    const std::size_t length_bytes = h.version_major == 1 ? 2 : 4;
    in.read(prefix + 8, static_cast<std::streamsize>(length_bytes));
    if (static_cast<std::size_t>(in.gcount()) != length_bytes)
        npy_fail(file, "truncated header: the file ends inside the header length field");
    std::size_t dict_len = 0;
    for (std::size_t b = 0; b < length_bytes; ++b)
        dict_len |= std::size_t{static_cast<unsigned char>(prefix[8 + b])} << (8 * b);
    const std::size_t start = 8 + length_bytes;
    if (dict_len > file_size - start)
        npy_fail(file, "truncated header: the header length field says ", dict_len,
                 " bytes but only ", file_size - start, " follow");
    std::string dict(dict_len, '\0');
    in.read(dict.data(), static_cast<std::streamsize>(dict_len));
    if (static_cast<std::size_t>(in.gcount()) != dict_len)
        npy_fail(file, "read error inside the header");
    npy_dict_parser(dict, file).parse(h);
    h.data_offset = start + dict_len;
    return h;
}

/// Reorders column-major \p f of shape \p shape into row-major order.
template <class T>
[[nodiscard]] std::vector<T> npy_fortran_to_c(const std::vector<T>& f,
                                              const std::vector<std::size_t>& shape) {
    std::vector<T> c(f.size());
    if (f.empty()) return c;
    const std::size_t rank = shape.size();
    std::vector<std::size_t> fstride(rank), idx(rank, 0);
    std::size_t s = 1;
    for (std::size_t k = 0; k < rank; ++k) {
        fstride[k] = s;
        s *= shape[k];
    }
    // Walk the C order (last index fastest) like an odometer, tracking the F offset.
    std::size_t off = 0;
    for (std::size_t lin = 0; lin < c.size(); ++lin) {
        c[lin] = f[off];
        for (std::size_t k = rank; k-- > 0;) {
            off += fstride[k];
            if (++idx[k] < shape[k]) break;
            off -= idx[k] * fstride[k];
            idx[k] = 0;
        }
    }
    return c;
}

}  // namespace detail

/// Reads only the header of the `.npy` file \p file (no dtype restriction beyond the six
/// supported types). Throws io_error naming the file and the problem.
[[nodiscard]] inline npy_header read_npy_header(const std::filesystem::path& file) {
    std::size_t size = 0;
    std::ifstream in = detail::npy_open_read(file, size);
    return detail::npy_read_header(in, size, file);
}

/// Reads the `.npy` file \p file, whose dtype must be exactly that of \p T (no conversion:
/// a mismatch throws io_error naming the dtype found and the one asked for). Values come
/// back in C order whatever the file's order. Bytes after the data are ignored (as numpy).
template <class T>
[[nodiscard]] npy_data<T> read_npy(const std::filesystem::path& file) {
    constexpr npy_dtype wanted = npy_dtype_of<T>();
    std::size_t size = 0;
    std::ifstream in = detail::npy_open_read(file, size);
    const npy_header h = detail::npy_read_header(in, size, file);
    if (h.dtype != wanted)
        detail::npy_fail(file, "holds dtype '", npy_descr(h.dtype), "' (",
                         npy_type_name(h.dtype), ") but '", npy_descr(wanted), "' (",
                         npy_type_name(wanted), ") was asked for; sphaera does not convert");
    std::size_t count = 0, bytes = 0;
    if (!detail::npy_checked_bytes(h.shape, npy_itemsize(h.dtype), count, bytes))
        detail::npy_fail(file, "shape ", detail::npy_shape_repr(h.shape),
                         " is too large to address");
    const std::size_t present = size - h.data_offset;
    if (present < bytes)
        detail::npy_fail(file, "data truncated: shape ", detail::npy_shape_repr(h.shape), " of '",
                         npy_descr(h.dtype), "' needs ", bytes, " bytes after the header but only ",
                         present, " are present");
    npy_data<T> out;
    out.shape = h.shape;
    out.values.resize(count);
    in.read(reinterpret_cast<char*>(out.values.data()), static_cast<std::streamsize>(bytes));
    if (static_cast<std::size_t>(in.gcount()) != bytes)
        detail::npy_fail(file, "read error in the array data");
    if (h.fortran_order && h.shape.size() > 1)
        out.values = detail::npy_fortran_to_c(out.values, h.shape);
    return out;
}

/// Writes \p data, `product(shape)` elements in C order, to \p file as a version 1.0 `.npy`
/// file byte-identical to numpy's `np.save`. An empty \p shape writes a 0-d array (one
/// element). Overwrites \p file; on failure throws io_error and removes the partial file.
template <class T>
void write_npy(const std::filesystem::path& file, const T* data,
               std::span<const std::size_t> shape) {
    constexpr npy_dtype dtype = npy_dtype_of<T>();
    const std::vector<std::size_t> dims(shape.begin(), shape.end());
    std::size_t count = 0, bytes = 0;
    if (!detail::npy_checked_bytes(dims, npy_itemsize(dtype), count, bytes))
        sphaera::detail::raise<invalid_argument>("write_npy: shape ", detail::npy_shape_repr(dims),
                                                 " is too large to address");
    if (count > 0 && data == nullptr)
        sphaera::detail::raise<invalid_argument>("write_npy: data is null but shape ",
                                                 detail::npy_shape_repr(dims), " holds ", count,
                                                 " elements");
    const std::string header = detail::npy_format_header(dtype, dims);
    errno = 0;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) detail::npy_fail(file, "cannot open for writing: ", detail::npy_errno_text(errno));
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    if (bytes > 0)
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(bytes));
    out.close();
    if (!out) {
        const int e = errno;
        // Never leave a half-written file that looks valid; devices (/dev/full) stay.
        std::error_code ec;
        if (std::filesystem::is_regular_file(file, ec)) std::filesystem::remove(file, ec);
        detail::npy_fail(file, "write failed: ", detail::npy_errno_text(e));
    }
}

/// As above, with the shape as a braced list: `write_npy(p, ptr, {3, 4})`.
template <class T>
void write_npy(const std::filesystem::path& file, const T* data,
               std::initializer_list<std::size_t> shape) {
    write_npy(file, data, std::span<const std::size_t>(shape.begin(), shape.size()));
}

/// Writes a contiguous range (std::vector, std::array, std::span, ...) of shape \p shape;
/// throws shape_mismatch if its size is not `product(shape)`.
template <std::ranges::contiguous_range R>
    requires std::ranges::sized_range<R>
void write_npy(const std::filesystem::path& file, const R& values,
               std::span<const std::size_t> shape) {
    const std::vector<std::size_t> dims(shape.begin(), shape.end());
    std::size_t count = 0, bytes = 0;
    if (!detail::npy_checked_bytes(dims, 1, count, bytes))
        sphaera::detail::raise<invalid_argument>("write_npy: shape ", detail::npy_shape_repr(dims),
                                                 " is too large to address");
    if (std::ranges::size(values) != count)
        sphaera::detail::raise<shape_mismatch>(
            "write_npy: ", std::ranges::size(values), " values given for shape ",
            detail::npy_shape_repr(dims), " which holds ", count, " elements");
    write_npy(file, std::ranges::data(values), shape);
}

/// As above, with the shape as a braced list: `write_npy(p, vec, {3, 4})`.
template <std::ranges::contiguous_range R>
    requires std::ranges::sized_range<R>
void write_npy(const std::filesystem::path& file, const R& values,
               std::initializer_list<std::size_t> shape) {
    write_npy(file, values, std::span<const std::size_t>(shape.begin(), shape.size()));
}

/// Writes an array read by read_npy (or built the same way) back to \p file.
template <class T>
void write_npy(const std::filesystem::path& file, const npy_data<T>& array) {
    write_npy(file, array.values, std::span<const std::size_t>(array.shape));
}

}  // namespace sphaera::io
