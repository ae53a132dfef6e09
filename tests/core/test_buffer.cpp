/// \file test_buffer.cpp
/// \brief buffer<T, B> semantics (zero initialisation, copies, moves, expressions,
/// alignment), view bounds and conversions, and copies between host buffers.

#include <catch2/catch.hpp>

#include <sphaera/core.hpp>

#include "support/backends.hpp"

#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

using namespace sphaera;
using cd = std::complex<double>;

namespace {

template <class T, class B>
std::vector<T> values(const buffer<T, B>& b) {
    return std::vector<T>(b.begin(), b.end());
}

template <class T>
bool aligned(const T* p) {
    return reinterpret_cast<std::uintptr_t>(p) % 64 == 0;
}

}  // namespace

TEMPLATE_TEST_CASE("buffer: zero initialisation and sizes", "[core][buffer]", float, double,
                   std::complex<float>, cd, int, bool) {
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
        buffer<TestType> b(n);
        CHECK(b.size() == n);
        CHECK(b.empty() == (n == 0));
        CHECK(values(b) == std::vector<TestType>(n, TestType{}));
        CHECK(b.view().size() == n);
        CHECK(b.cview().data() == b.data());
        if (n == 0) CHECK(b.data() == nullptr);
        else CHECK(aligned(b.data()));  // 64-byte host alignment
        buffer<TestType, backend::openmp> o(n, backend::openmp{2});
        CHECK(values(o) == std::vector<TestType>(n, TestType{}));
        CHECK(o.backend().threads == 2);
        if (n > 0) CHECK(aligned(o.data()));
    }
}

TEST_CASE("buffer: uninitialized tag from_values and element access", "[core][buffer]") {
    buffer<double> u(13, uninitialized);
    CHECK(u.size() == 13);
    REQUIRE(u.data() != nullptr);
    CHECK(aligned(u.data()));
    for (std::size_t i = 0; i < u.size(); ++i) u[i] = double(i);  // writable
    CHECK(u[12] == 12.0);

    const auto l = buffer<double>::from_values({1.0, 2.5, -3.0});
    CHECK(l.size() == 3);
    CHECK(values(l) == std::vector<double>{1.0, 2.5, -3.0});
    // Lists go through the named from_values, so braces always mean a size.
    CHECK(buffer<double>{5}.size() == 5);
    CHECK(buffer<double>(5).size() == 5);
    CHECK(buffer<double>::from_values({5.0}).size() == 1);
    CHECK(buffer<int>::from_values({}).empty());
    const auto c = buffer<cd, backend::openmp>::from_values({cd(1, 2), cd(3, -4)}, backend::openmp{3});
    CHECK(c[1] == cd(3, -4));
    CHECK(c.backend().threads == 3);

    const buffer<double>& cl = l;
    CHECK(cl[1] == 2.5);
    CHECK(*cl.begin() == 1.0);
    CHECK(cl.end() - cl.begin() == 3);
    static_assert(std::is_same_v<decltype(cl[0]), const double&>);
    static_assert(std::is_same_v<decltype(cl.view()), view<const double, host_space>>);
    static_assert(std::is_same_v<decltype(u.view()), view<double, host_space>>);
    static_assert(std::is_same_v<buffer<double>::memory_space, host_space>);
}

TEST_CASE("buffer: copies are deep and moves steal", "[core][buffer]") {
    const auto data = test::uniform<double>(100, 1);
    buffer<double, backend::openmp> a = test::upload<backend::openmp>(data, backend::openmp{2});

    SECTION("copy construction") {
        buffer<double, backend::openmp> b(a);
        CHECK(values(b) == data);
        CHECK(b.data() != a.data());
        CHECK(aligned(b.data()));
        CHECK(b.backend().threads == 2);
        b[0] = 42;
        CHECK(a[0] == data[0]);
    }
    SECTION("copy assignment to a larger and to a smaller buffer") {
        buffer<double, backend::openmp> b(1000), c(3);
        b = a;
        c = a;
        CHECK(values(b) == data);
        CHECK(values(c) == data);
        c[5] = -1;
        CHECK(a[5] == data[5]);
        CHECK(b.backend().threads == 2);
    }
    SECTION("copies of empty buffers") {
        buffer<double> e;
        buffer<double> f(e);
        CHECK(f.empty());
        CHECK(f.data() == nullptr);
        buffer<double> g(5);
        g = e;
        CHECK(g.empty());
    }
    SECTION("move construction") {
        const double* p = a.data();
        buffer<double, backend::openmp> b(std::move(a));
        CHECK(b.data() == p);
        CHECK(values(b) == data);
        CHECK(b.backend().threads == 2);
        CHECK(a.size() == 0);  // NOLINT(bugprone-use-after-move): moved-from state is specified
        CHECK(a.data() == nullptr);
        a = b;  // a moved-from buffer can be assigned again
        CHECK(values(a) == data);
    }
    SECTION("move assignment") {
        const double* p = a.data();
        buffer<double, backend::openmp> b(3);
        b = std::move(a);
        CHECK(b.data() == p);
        CHECK(values(b) == data);
        CHECK(b.size() == 100);
    }
    SECTION("self-assignment keeps the contents") {
        const double* p = a.data();
        auto& alias = a;
        a = alias;
        CHECK(values(a) == data);
        CHECK(a.data() == p);
        a = std::move(alias);
        CHECK(values(a) == data);
        CHECK(a.data() == p);
    }
}

TEST_CASE("buffer: from and assigned from expressions", "[core][buffer]") {
    const auto hx = test::uniform<double>(50, 2);
    const auto hy = test::uniform<double>(50, 3);
    const auto x = test::upload<backend::serial>(hx);
    const auto y = test::upload<backend::serial>(hy);
    buffer<double> s(x * 2.0 + y);
    REQUIRE(s.size() == 50);
    for (std::size_t i = 0; i < 50; ++i) CHECK(s[i] == hx[i] * 2 + hy[i]);
    buffer<double, backend::openmp> t(x - y, backend::openmp{2});
    CHECK(t.backend().threads == 2);
    for (std::size_t i = 0; i < 50; ++i) CHECK(t[i] == hx[i] - hy[i]);
    // A real expression into a complex buffer: zero imaginary parts.
    buffer<cd> c(50);
    c = x * y;
    for (std::size_t i = 0; i < 50; ++i) CHECK(c[i] == cd(hx[i] * hy[i], 0));
    // Sizes must agree; the destination is left untouched.
    buffer<double> wrong(49);
    CHECK_THROWS_AS(wrong = x + y, shape_mismatch);
    CHECK_THROWS_AS(wrong = x.cview(), shape_mismatch);
    CHECK(values(wrong) == std::vector<double>(49, 0.0));
    // A scalar fills.
    wrong = 1.5;
    CHECK(values(wrong) == std::vector<double>(49, 1.5));
    // A buffer may read itself.
    s = s * s - s;
    for (std::size_t i = 0; i < 50; ++i) {
        const double v = hx[i] * 2 + hy[i];
        CHECK(s[i] == v * v - v);
    }
}

TEST_CASE("view: bounds subviews and const conversion", "[core][view]") {
    auto b = buffer<int>::from_values({0, 1, 2, 3, 4, 5, 6});
    const view<int> v = b.view();
    CHECK(v.size() == 7);
    CHECK_FALSE(v.empty());
    const auto s = v.subview(2, 3);
    CHECK(s.size() == 3);
    CHECK(s[0] == 2);
    CHECK(s.data() == b.data() + 2);
    CHECK(std::vector<int>(s.begin(), s.end()) == std::vector<int>{2, 3, 4});
    CHECK(v.subview(0, 7).size() == 7);
    CHECK(v.subview(7, 0).empty());
    CHECK(s.subview(1, 2)[1] == 4);  // offsets compose
    CHECK_THROWS_AS(v.subview(8, 0), shape_mismatch);
    CHECK_THROWS_AS(v.subview(0, 8), shape_mismatch);
    CHECK_THROWS_AS(v.subview(5, 3), shape_mismatch);
    CHECK_THROWS_AS(s.subview(1, 3), shape_mismatch);
    // offset + count would wrap around: still rejected.
    CHECK_THROWS_AS(v.subview(1, std::numeric_limits<std::size_t>::max()), shape_mismatch);
    CHECK_THROWS_AS(v.subview(std::numeric_limits<std::size_t>::max(), 2), shape_mismatch);

    // Writes through a subview land in the buffer.
    s[1] = 30;
    CHECK(b[3] == 30);

    // view<T> converts to view<const T>, never the reverse.
    const view<const int> cv = v;
    CHECK(cv.data() == v.data());
    CHECK(cv.size() == 7);
    static_assert(std::is_convertible_v<view<int>, view<const int>>);
    static_assert(!std::is_convertible_v<view<const int>, view<int>>);
    static_assert(!std::is_convertible_v<view<int, host_space>, view<int, device_space>>);
    static_assert(!std::is_convertible_v<view<double>, view<const float>>);
    static_assert(std::is_trivially_copyable_v<view<double>>);
    const view<double> empty;
    CHECK(empty.size() == 0);
    CHECK(empty.data() == nullptr);
}

TEST_CASE("copy and to_backend between host buffers", "[core][copy]") {
    const auto h = test::uniform<cd>(300, 4);
    const auto a = test::upload<backend::serial>(h);
    buffer<cd, backend::openmp> b(300, backend::openmp{2});
    copy(a.cview(), b.view());
    CHECK(values(b) == h);
    // Subviews, overlapping ranges of one buffer (memmove semantics).
    buffer<cd> c(a);
    copy(c.cview().subview(0, 200), c.view().subview(100, 200));
    for (std::size_t i = 0; i < 200; ++i) CHECK(c[100 + i] == h[i]);
    // Empty copies are fine, mismatched sizes are not.
    copy(a.cview().subview(0, 0), b.view().subview(0, 0));
    buffer<cd> small(299);
    CHECK_THROWS_AS(copy(a.cview(), small.view()), shape_mismatch);
    CHECK(values(small) == std::vector<cd>(299, cd(0)));

    const auto o = to_backend(backend::openmp{3}, a);
    static_assert(std::is_same_v<std::remove_const_t<decltype(o)>, buffer<cd, backend::openmp>>);
    CHECK(o.backend().threads == 3);
    CHECK(o.data() != a.data());
    CHECK(values(o) == h);
    const auto s = to_backend(backend::serial{}, o);
    CHECK(values(s) == h);
    CHECK(aligned(s.data()));
    const auto e = to_backend(backend::serial{}, buffer<double>());
    CHECK(e.empty());
}
