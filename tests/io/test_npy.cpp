/// \file test_npy.cpp
/// \brief Tests of sphaera/io/npy.hpp: byte-exact headers against numpy, round trips of
/// every dtype and rank, Fortran order, versions 2.0/3.0, and every malformed-file error.

#include "sphaera/io/npy.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <complex>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
using namespace std::string_view_literals;
using sphaera::io::npy_data;
using sphaera::io::npy_dtype;
using Catch::Matchers::Contains;

namespace {

using sphaera::test::temp_dir;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spill(const fs::path& p, std::string_view bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// A .npy file with the given dict, padded as numpy pads, format version \p major.0.
std::string make_npy(std::string dict, int major = 1, std::string_view data = {}) {
    const std::size_t length_bytes = major == 1 ? 2 : 4;
    dict += ' ';
    while ((6 + 2 + length_bytes + dict.size() + 1) % 64 != 0) dict += ' ';
    dict += '\n';
    std::string out = "\x93NUMPY";
    out += static_cast<char>(major);
    out += '\0';
    for (std::size_t b = 0; b < length_bytes; ++b)
        out += static_cast<char>((dict.size() >> (8 * b)) & 0xFF);
    return out + dict + std::string(data);
}

template <class T>
std::string raw_bytes(const std::vector<T>& v) {
    return {reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T)};
}

/// The what() of the io_error \p f throws (fails the test if it throws nothing or another type).
template <class E = sphaera::io_error, class F>
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

/// The message read_npy<double> gives for a file holding \p bytes.
std::string read_error(const temp_dir& dir, std::string_view bytes, const std::string& name) {
    const fs::path p = dir / name;
    spill(p, bytes);
    return message_of([&] { (void)sphaera::io::read_npy<double>(p); });
}

struct header_case {
    npy_dtype dtype;
    std::vector<std::size_t> shape;
    std::string_view bytes;
};

// Generated with numpy 2.4.6 np.save (python: io.BytesIO(); np.save(b, np.zeros(shape, dtype)))
const header_case header_cases[] = {
    {npy_dtype::float32, {3, 4},
        "\x93""NUMPY""\x01""\x00""v""\x00"
        "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }                                                          "
        "\x0a"sv},
    {npy_dtype::float64, {3, 4},
        "\x93""NUMPY""\x01""\x00""v""\x00"
        "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }                                                          "
        "\x0a"sv},
    {npy_dtype::complex64, {5},
        "\x93""NUMPY""\x01""\x00""v""\x00"
        "{'descr': '<c8', 'fortran_order': False, 'shape': (5,), }                                                            "
        "\x0a"sv},
    {npy_dtype::complex128, {2, 3, 4},
        "\x93""NUMPY""\x01""\x00""v""\x00"
        "{'descr': '<c16', 'fortran_order': False, 'shape': (2, 3, 4), }                                                      "
        "\x0a"sv},
    {npy_dtype::int32, {},
        "\x93""NUMPY""\x01""\x00""v""\x00"
        "{'descr': '<i4', 'fortran_order': False, 'shape': (), }                                                              "
        "\x0a"sv},
    {npy_dtype::int64, {0},
        "\x93""NUMPY""\x01""\x00""v""\x00"
        "{'descr': '<i8', 'fortran_order': False, 'shape': (0,), }                                                            "
        "\x0a"sv},
    {npy_dtype::float64, {0, 3},
        "\x93""NUMPY""\x01""\x00""v""\x00"
        "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }                                                          "
        "\x0a"sv},
    {npy_dtype::int32, {7, 0, 2},
        "\x93""NUMPY""\x01""\x00""v""\x00"
        "{'descr': '<i4', 'fortran_order': False, 'shape': (7, 0, 2), }                                                       "
        "\x0a"sv},
    {npy_dtype::float32, {10000000, 1},
        "\x93""NUMPY""\x01""\x00""v""\x00"
        "{'descr': '<f4', 'fortran_order': False, 'shape': (10000000, 1), }                                                   "
        "\x0a"sv},
    {npy_dtype::complex128, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
        "\x93""NUMPY""\x01""\x00""\xb6""\x00"
        "{'descr': '<c16', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), }                               "
        "\x0a"sv},
    {npy_dtype::float64, {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 100000000000},
        "\x93""NUMPY""\x01""\x00""\xb6""\x00"
        "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 100000000000), }                                                                                    "
        "\x0a"sv},
};

// np.save(b, np.arange(6, dtype='<f8').reshape(2, 3))
const auto file_f8_2x3 =
        "\x93""NUMPY""\x01""\x00""v""\x00"
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }                                                          "
        "\x0a""\x00""\x00""\x00""\x00""\x00""\x00""\x00""\x00""\x00""\x00""\x00""\x00"
        "\x00""\x00""\xf0""?""\x00""\x00""\x00""\x00""\x00""\x00""\x00""@""\x00""\x00"
        "\x00""\x00""\x00""\x00""\x08""@""\x00""\x00""\x00""\x00""\x00""\x00""\x10""@"
        "\x00""\x00""\x00""\x00""\x00""\x00""\x14""@"sv;
// np.save(b, np.array([1+2j, -3.5+0j], dtype='<c8'))
const auto file_c8_2 =
        "\x93""NUMPY""\x01""\x00""v""\x00"
        "{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }                                                            "
        "\x0a""\x00""\x00""\x80""?""\x00""\x00""\x00""@""\x00""\x00""`""\xc0""\x00"
        "\x00""\x00""\x00"sv;
// np.save(b, np.int32(-7))
const auto file_i4_scalar =
        "\x93""NUMPY""\x01""\x00""v""\x00"
        "{'descr': '<i4', 'fortran_order': False, 'shape': (), }                                                              "
        "\x0a""\xf9""\xff""\xff""\xff"sv;

template <class T>
T sample(std::size_t i) {
    if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>)
        return T(static_cast<typename T::value_type>(0.5 * double(i) - 3.0),
                 static_cast<typename T::value_type>(-0.25 * double(i) + 1.0));
    else if constexpr (std::is_floating_point_v<T>)
        return static_cast<T>(0.5 * double(i) - 3.25);
    else if constexpr (sizeof(T) == 4)
        return static_cast<T>(static_cast<std::int64_t>(i) * 7919 - 100000);
    else  // beyond 32 bits on purpose
        return static_cast<T>(static_cast<std::int64_t>(i) * 3000000007LL - (std::int64_t{1} << 40));
}

}  // namespace

TEST_CASE("npy headers are byte-identical to numpy's np.save", "[io][npy]") {
    for (const auto& c : header_cases) {
        INFO("shape " << sphaera::io::detail::npy_shape_repr(c.shape) << " dtype "
                      << sphaera::io::npy_descr(c.dtype));
        const std::string h = sphaera::io::detail::npy_format_header(c.dtype, c.shape);
        CHECK(h == c.bytes);
        CHECK(h.size() % 64 == 0);
    }
}

TEST_CASE("write_npy writes the same bytes as numpy", "[io][npy]") {
    temp_dir dir;
    SECTION("float64 (2, 3)") {
        const std::vector<double> v = {0, 1, 2, 3, 4, 5};
        sphaera::io::write_npy(dir / "a.npy", v, {2, 3});
        CHECK(slurp(dir / "a.npy") == file_f8_2x3);
    }
    SECTION("complex64 (2,)") {
        const std::vector<std::complex<float>> v = {{1.f, 2.f}, {-3.5f, 0.f}};
        sphaera::io::write_npy(dir / "c.npy", v, {2});
        CHECK(slurp(dir / "c.npy") == file_c8_2);
    }
    SECTION("int32 0-d") {
        const std::int32_t x = -7;
        sphaera::io::write_npy(dir / "s.npy", &x, {});
        CHECK(slurp(dir / "s.npy") == file_i4_scalar);
    }
    SECTION("headers of zero-filled arrays, as written to disk") {
        for (const auto& c : header_cases) {
            if (c.dtype != npy_dtype::float64) continue;
            std::size_t n = 1;
            for (auto d : c.shape) n *= d;
            if (n > 1000) continue;
            const std::vector<double> zeros(n, 0.0);
            sphaera::io::write_npy(dir / "z.npy", zeros, std::span<const std::size_t>(c.shape));
            const std::string bytes = slurp(dir / "z.npy");
            CHECK(bytes == std::string(c.bytes) + std::string(n * sizeof(double), '\0'));
        }
    }
}

TEST_CASE("numpy-written files read back", "[io][npy]") {
    temp_dir dir;
    spill(dir / "a.npy", file_f8_2x3);
    const auto a = sphaera::io::read_npy<double>(dir / "a.npy");
    CHECK(a.shape == std::vector<std::size_t>{2, 3});
    CHECK(a.values == std::vector<double>{0, 1, 2, 3, 4, 5});

    const auto h = sphaera::io::read_npy_header(dir / "a.npy");
    CHECK(h.dtype == npy_dtype::float64);
    CHECK(h.shape == std::vector<std::size_t>{2, 3});
    CHECK_FALSE(h.fortran_order);
    CHECK(h.version_major == 1);
    CHECK(h.version_minor == 0);
    CHECK(h.data_offset == 128);
    CHECK(h.size() == 6);

    spill(dir / "c.npy", file_c8_2);
    const auto c = sphaera::io::read_npy<std::complex<float>>(dir / "c.npy");
    CHECK(c.shape == std::vector<std::size_t>{2});
    CHECK(c.values == std::vector<std::complex<float>>{{1.f, 2.f}, {-3.5f, 0.f}});

    spill(dir / "s.npy", file_i4_scalar);
    const auto s = sphaera::io::read_npy<std::int32_t>(dir / "s.npy");
    CHECK(s.shape.empty());
    CHECK(s.values == std::vector<std::int32_t>{-7});
}

TEMPLATE_TEST_CASE("npy round trip of every dtype and rank", "[io][npy]", float, double,
                   std::complex<float>, std::complex<double>, std::int32_t, std::int64_t) {
    temp_dir dir;
    const std::vector<std::vector<std::size_t>> shapes = {
        {}, {1}, {7}, {3, 5}, {2, 3, 4}, {0}, {0, 3}, {4, 0}, {2, 0, 5}};
    for (const auto& shape : shapes) {
        std::size_t n = 1;
        for (auto d : shape) n *= d;
        std::vector<TestType> v(n);
        for (std::size_t i = 0; i < n; ++i) v[i] = sample<TestType>(i);
        INFO("shape " << sphaera::io::detail::npy_shape_repr(shape));
        const fs::path p = dir / "rt.npy";
        sphaera::io::write_npy(p, v, std::span<const std::size_t>(shape));
        const auto h = sphaera::io::read_npy_header(p);
        CHECK(h.dtype == sphaera::io::npy_dtype_of<TestType>());
        CHECK(h.shape == shape);
        CHECK(h.data_offset % 64 == 0);
        CHECK(fs::file_size(p) == h.data_offset + n * sizeof(TestType));
        const npy_data<TestType> back = sphaera::io::read_npy<TestType>(p);
        CHECK(back.shape == shape);
        CHECK(back.values == v);
        // And once more through the npy_data overload: identical bytes.
        const std::string first = slurp(p);
        sphaera::io::write_npy(dir / "rt2.npy", back);
        CHECK(slurp(dir / "rt2.npy") == first);
    }
}

TEST_CASE("npy dtype mapping", "[io][npy]") {
    STATIC_REQUIRE(sphaera::io::npy_dtype_of<long long>() == npy_dtype::int64);
    STATIC_REQUIRE(sphaera::io::npy_dtype_of<const float>() == npy_dtype::float32);
    STATIC_REQUIRE(sphaera::io::npy_itemsize(npy_dtype::complex128) == 16);
    STATIC_REQUIRE(sphaera::io::npy_descr(npy_dtype::complex64) == "<c8");
    STATIC_REQUIRE(sphaera::io::npy_type_name(npy_dtype::int32) == "int32");
}

TEST_CASE("Fortran-ordered files are transposed into C order", "[io][npy]") {
    temp_dir dir;
    SECTION("numpy's own (2, 3) int32 Fortran file") {
        // np.save(b, np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3)))
        const std::vector<std::int32_t> f = {0, 3, 1, 4, 2, 5};
        spill(dir / "f.npy",
              make_npy("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", 1,
                       raw_bytes(f)));
        CHECK(sphaera::io::read_npy_header(dir / "f.npy").fortran_order);
        const auto a = sphaera::io::read_npy<std::int32_t>(dir / "f.npy");
        CHECK(a.shape == std::vector<std::size_t>{2, 3});
        CHECK(a.values == std::vector<std::int32_t>{0, 1, 2, 3, 4, 5});
    }
    SECTION("rank 3: element (i, j, k) = 100 i + 10 j + k") {
        const std::size_t n0 = 2, n1 = 3, n2 = 4;
        std::vector<double> f(n0 * n1 * n2);
        for (std::size_t i = 0; i < n0; ++i)
            for (std::size_t j = 0; j < n1; ++j)
                for (std::size_t k = 0; k < n2; ++k)
                    f[i + n0 * (j + n1 * k)] = double(100 * i + 10 * j + k);
        spill(dir / "f3.npy",
              make_npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 4), }", 1,
                       raw_bytes(f)));
        const auto a = sphaera::io::read_npy<double>(dir / "f3.npy");
        REQUIRE(a.values.size() == f.size());
        for (std::size_t i = 0; i < n0; ++i)
            for (std::size_t j = 0; j < n1; ++j)
                for (std::size_t k = 0; k < n2; ++k)
                    CHECK(a.values[(i * n1 + j) * n2 + k] == double(100 * i + 10 * j + k));
    }
    SECTION("rank 1 and zero-size Fortran arrays") {
        const std::vector<double> v = {1, 2, 3};
        spill(dir / "f1.npy",
              make_npy("{'descr': '<f8', 'fortran_order': True, 'shape': (3,), }", 1,
                       raw_bytes(v)));
        CHECK(sphaera::io::read_npy<double>(dir / "f1.npy").values == v);
        spill(dir / "f0.npy",
              make_npy("{'descr': '<f8', 'fortran_order': True, 'shape': (3, 0), }"));
        const auto z = sphaera::io::read_npy<double>(dir / "f0.npy");
        CHECK(z.shape == std::vector<std::size_t>{3, 0});
        CHECK(z.values.empty());
    }
}

TEST_CASE("npy versions 2.0 and 3.0 and liberal dict syntax", "[io][npy]") {
    temp_dir dir;
    const std::vector<float> v = {1.5f, -2.f, 3.f, 4.f};
    const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
    for (int major : {2, 3}) {
        spill(dir / "v.npy", make_npy(dict, major, raw_bytes(v)));
        const auto h = sphaera::io::read_npy_header(dir / "v.npy");
        CHECK(h.version_major == major);
        CHECK(h.data_offset == 128);
        const auto a = sphaera::io::read_npy<float>(dir / "v.npy");
        CHECK(a.shape == std::vector<std::size_t>{2, 2});
        CHECK(a.values == v);
    }
    // Python 2 longs, double quotes, other key order, no trailing comma, '=' and '|' orders.
    for (const char* d : {"{\"shape\": (2L, 2L), \"fortran_order\": False, \"descr\": \"<f4\"}",
                          "{'descr':'=f4','fortran_order':False,'shape':(2,2,)}",
                          "{ 'fortran_order' : False , 'descr' : '|f4' , 'shape' : ( 2 , 2 ) , }"}) {
        INFO(d);
        spill(dir / "l.npy", make_npy(d, 1, raw_bytes(v)));
        const auto a = sphaera::io::read_npy<float>(dir / "l.npy");
        CHECK(a.shape == std::vector<std::size_t>{2, 2});
        CHECK(a.values == v);
    }
}

TEST_CASE("bytes after the data are ignored, as numpy does", "[io][npy]") {
    temp_dir dir;
    std::string both(file_f8_2x3);
    both += file_i4_scalar;  // two np.save calls into one file
    spill(dir / "two.npy", both);
    const auto a = sphaera::io::read_npy<double>(dir / "two.npy");
    CHECK(a.shape == std::vector<std::size_t>{2, 3});
    CHECK(a.values == std::vector<double>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("version 2.0 is written only when the dict outgrows 65535 bytes", "[io][npy]") {
    temp_dir dir;
    const std::vector<std::size_t> shape(25000, 1);  // "1, " x 25000 > 64 KiB
    const double x = 42.0;
    sphaera::io::write_npy(dir / "big.npy", &x, std::span<const std::size_t>(shape));
    const std::string bytes = slurp(dir / "big.npy");
    CHECK(bytes[6] == '\x02');
    const auto h = sphaera::io::read_npy_header(dir / "big.npy");
    CHECK(h.version_major == 2);
    CHECK(h.shape == shape);
    CHECK(h.data_offset % 64 == 0);
    CHECK(sphaera::io::read_npy<double>(dir / "big.npy").values == std::vector<double>{42.0});
}

TEST_CASE("npy read errors name the file and the problem", "[io][npy]") {
    temp_dir dir;
    const std::string good_dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
    const std::string data(48, '\0');

    SECTION("missing file and directory") {
        const fs::path p = dir / "missing.npy";
        auto m = message_of([&] { (void)sphaera::io::read_npy<double>(p); });
        CHECK_THAT(m, Contains(p.string()) && Contains("no such file"));
        m = message_of([&] { (void)sphaera::io::read_npy_header(dir.path); });
        CHECK_THAT(m, Contains(dir.path.string()) && Contains("is a directory"));
    }
    SECTION("bad magic") {
        auto m = read_error(dir, "\x93NUMPX\x01\x00"sv, "magic.npy");
        CHECK_THAT(m, Contains("magic.npy") && Contains("bad magic string") &&
                          Contains("found \"\\x93NUMPX\""));
        CHECK_THAT(read_error(dir, "", "empty.npy"),
                   Contains("empty.npy") && Contains("bad magic") && Contains("found \"\""));
        CHECK_THAT(read_error(dir, "PK\x03\x04", "zip.npy"), Contains("bad magic"));
    }
    SECTION("unsupported version") {
        auto bytes = make_npy(good_dict, 1, data);
        bytes[6] = '\x04';
        CHECK_THAT(read_error(dir, bytes, "v4.npy"),
                   Contains("v4.npy") && Contains("unsupported .npy format version 4.0"));
        bytes[6] = '\x01';
        bytes[7] = '\x01';
        CHECK_THAT(read_error(dir, bytes, "v11.npy"), Contains("version 1.1"));
    }
    SECTION("truncated header") {
        CHECK_THAT(read_error(dir, "\x93NUMPY\x01", "t1.npy"),
                   Contains("t1.npy") && Contains("truncated header"));
        CHECK_THAT(read_error(dir, "\x93NUMPY\x01\x00v"sv, "t2.npy"),
                   Contains("truncated header") && Contains("length field"));
        const auto full = make_npy(good_dict, 1, data);
        CHECK_THAT(read_error(dir, full.substr(0, 40), "t3.npy"),
                   Contains("t3.npy") && Contains("truncated header") &&
                       Contains("says 118 bytes but only 30 follow"));
        const auto v2 = make_npy(good_dict, 2, data);
        CHECK_THAT(read_error(dir, v2.substr(0, 11), "t4.npy"), Contains("truncated header"));
    }
    SECTION("malformed dict") {
        struct bad {
            const char* dict;
            const char* problem;
        };
        const bad cases[] = {
            {"{'descr': '<f8', 'fortran_order': False, }", "missing key 'shape'"},
            {"{'fortran_order': False, 'shape': (2, 3), }", "missing key 'descr'"},
            {"{'descr': '<f8', 'shape': (2, 3), }", "missing key 'fortran_order'"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'x': 1, }",
             "unexpected key 'x'"},
            {"{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (6,), }",
             "duplicate key 'descr'"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3), }",
             "tuple of non-negative integers"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (6), }",
             "is an integer, not a tuple"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': [2, 3], }", "'shape' to be a tuple"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (2 3), }", "expected ',' or ')'"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (2,, 3), }",
             "tuple of non-negative integers"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }",
             "does not fit in 64 bits"},
            {"{'descr': '<f8', 'fortran_order': 0, 'shape': (2, 3), }", "True or False"},
            {"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }",
             "quoted dtype descriptor"},
            {"{'descr: '<f8', 'fortran_order': False, 'shape': (2, 3), }", "expected ':'"},
            {"{'descr': '<f8' 'fortran_order': False, 'shape': (2, 3), }", "',' or '}'"},
            {"('descr', '<f8')", "start with '{'"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), } x", "after the closing"},
            {"{'descr': '<f8", "unterminated string"},
        };
        for (const auto& c : cases) {
            INFO(c.dict);
            const auto m = read_error(dir, make_npy(c.dict, 1, data), "dict.npy");
            CHECK_THAT(m, Contains("dict.npy") && Contains("malformed header") &&
                              Contains(c.problem));
        }
    }
    SECTION("unknown and big-endian dtypes") {
        for (const char* d : {"<u2", "<f2", "<U8", "O", "<c32", "", "~f8"}) {
            INFO(d);
            const auto m = read_error(
                dir,
                make_npy(std::string("{'descr': '") + d + "', 'fortran_order': False, 'shape': (2,), }",
                         1, data),
                "dtype.npy");
            CHECK_THAT(m, Contains("dtype.npy") && Contains("unsupported dtype '" + std::string(d) + "'") &&
                              Contains("'<f8'"));
        }
        const auto m = read_error(
            dir, make_npy("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }", 1, data),
            "big.npy");
        CHECK_THAT(m, Contains("big.npy") && Contains("big-endian dtype '>f8'") &&
                          Contains("astype('<f8')"));
    }
    SECTION("dtype differs from the one asked for") {
        spill(dir / "f8.npy", file_f8_2x3);
        const auto m = message_of([&] { (void)sphaera::io::read_npy<float>(dir / "f8.npy"); });
        CHECK_THAT(m, Contains("f8.npy") && Contains("holds dtype '<f8' (float64)") &&
                          Contains("'<f4' (float32) was asked for"));
        const auto m2 = message_of(
            [&] { (void)sphaera::io::read_npy<std::int64_t>(dir / "f8.npy"); });
        CHECK_THAT(m2, Contains("'<i8' (int64) was asked for"));
    }
    SECTION("data truncated") {
        const auto full = make_npy(good_dict, 1, data);
        const auto m = read_error(dir, full.substr(0, full.size() - 8), "short.npy");
        CHECK_THAT(m, Contains("short.npy") && Contains("data truncated") &&
                          Contains("needs 48 bytes") && Contains("only 40 are present"));
        const auto huge = make_npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }");
        CHECK_THAT(read_error(dir, huge, "huge.npy"), Contains("too large"));
    }
}

TEST_CASE("npy write errors", "[io][npy]") {
    temp_dir dir;
    const std::vector<double> v(6, 1.0);
    SECTION("unwritable path") {
        const fs::path p = dir / "no_such_dir" / "a.npy";
        const auto m = message_of([&] { sphaera::io::write_npy(p, v, {2, 3}); });
        CHECK_THAT(m, Contains(p.string()) && Contains("cannot open for writing") &&
                          Contains("No such file"));
        CHECK_FALSE(fs::exists(p));
    }
    SECTION("device full") {
        if (!fs::exists("/dev/full")) return;
        const auto m = message_of([&] { sphaera::io::write_npy("/dev/full", v, {2, 3}); });
        CHECK_THAT(m, Contains("/dev/full") && Contains("write failed"));
        CHECK(fs::exists("/dev/full"));  // a device is never removed
    }
    SECTION("size does not match the shape") {
        const auto m = message_of<sphaera::shape_mismatch>(
            [&] { sphaera::io::write_npy(dir / "a.npy", v, {4, 2}); });
        CHECK_THAT(m, Contains("6 values") && Contains("(4, 2)") && Contains("8 elements"));
        CHECK_FALSE(fs::exists(dir / "a.npy"));
    }
    SECTION("null data") {
        const double* none = nullptr;
        const auto m = message_of<sphaera::invalid_argument>(
            [&] { sphaera::io::write_npy(dir / "a.npy", none, {3}); });
        CHECK_THAT(m, Contains("null") && Contains("(3,)"));
        // Zero elements need no data at all.
        sphaera::io::write_npy(dir / "e.npy", none, {0, 4});
        CHECK(sphaera::io::read_npy<double>(dir / "e.npy").shape == std::vector<std::size_t>{0, 4});
    }
}
