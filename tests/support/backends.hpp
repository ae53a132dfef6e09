#pragma once
/// \file backends.hpp
/// \brief Test helpers written once for every backend: moving std::vector data to and from
/// buffers of any backend, reproducible random inputs (sphaera's Philox streams), and
/// NaN/Inf-aware comparisons with a relative tolerance per precision.

#include <sphaera/core.hpp>
#include <sphaera/core/random.hpp>

#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <ostream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace sphaera::test {

/// Machine epsilon of the real type underlying T (float for std::complex<float>).
template <class T>
inline constexpr real_type_t<T> eps = std::numeric_limits<real_type_t<T>>::epsilon();

/// Default relative tolerance of one elementwise result: a few ulp of its magnitude.
template <class T>
inline constexpr double default_rtol = 8.0 * static_cast<double>(eps<T>);

/// A short name of a backend tag (for INFO messages).
template <class B>
std::string backend_name(const B& b) {
    if constexpr (std::is_same_v<B, backend::openmp>)
        return std::string("openmp{") + std::to_string(b.threads) + "}";
    else return B::name;
}

/// A short name of a value type (for INFO messages).
template <class T>
constexpr const char* type_name() {
    if constexpr (std::is_same_v<T, float>) return "float";
    else if constexpr (std::is_same_v<T, double>) return "double";
    else if constexpr (std::is_same_v<T, std::complex<float>>) return "complex<float>";
    else if constexpr (std::is_same_v<T, std::complex<double>>) return "complex<double>";
    else if constexpr (std::is_same_v<T, bool>) return "bool";
    else return "other";
}

/// A buffer on backend \p b holding a copy of \p host (through sphaera::copy, so the same
/// call uploads to the device for backend::cuda).
template <class B, class T>
buffer<T, B> upload(const std::vector<T>& host, const B& b = B{}) {
    static_assert(!std::is_same_v<T, bool>, "std::vector<bool> has no contiguous storage");
    buffer<T, B> out(host.size(), uninitialized, b);
    copy(view<const T, host_space>(host.data(), host.size()), out.view());
    return out;
}

/// The elements of a view of any memory space, copied to the host.
template <class T, class Space>
std::vector<std::remove_const_t<T>> download(view<T, Space> v) {
    using U = std::remove_const_t<T>;
    buffer<U, backend::serial> host(v.size(), uninitialized);
    copy(v, host.view());
    return std::vector<U>(host.begin(), host.end());
}

/// The elements of a buffer of any backend, copied to the host.
template <class T, class B>
std::vector<T> download(const buffer<T, B>& b) {
    return download(b.cview());
}

/// n values uniform in (lo, hi) (complex: real and imaginary parts independently), value i
/// a pure function of (seed, offset + i).
template <class T>
std::vector<T> uniform(std::size_t n, std::uint64_t seed, real_type_t<T> lo = -1,
                       real_type_t<T> hi = 1, std::uint64_t offset = 0) {
    std::vector<T> v(n);
    fill_uniform(backend::serial{}, v.data(), n, seed, offset);
    for (auto& x : v) {
        if constexpr (is_complex_v<T>) x = T(lo + (hi - lo) * x.real(), lo + (hi - lo) * x.imag());
        else x = lo + (hi - lo) * x;
    }
    return v;
}

/// n standard normal values (complex: E|z|² = 1).
template <class T>
std::vector<T> normal(std::size_t n, std::uint64_t seed, std::uint64_t offset = 0) {
    std::vector<T> v(n);
    fill_normal(backend::serial{}, v.data(), n, seed, offset);
    return v;
}

/// |x| for real or complex x, in long double (references and tolerances).
template <class T>
long double magnitude(const T& x) {
    if constexpr (is_complex_v<T>) return std::abs(std::complex<long double>(x.real(), x.imag()));
    else return std::fabs(static_cast<long double>(x));
}

namespace detail {
template <class T>
bool is_nan(const T& x) {
    if constexpr (is_complex_v<T>) return std::isnan(x.real()) || std::isnan(x.imag());
    else return std::isnan(x);
}
template <class T>
bool is_inf(const T& x) {
    if constexpr (is_complex_v<T>) return std::isinf(x.real()) || std::isinf(x.imag());
    else return std::isinf(x);
}
template <class T>
std::complex<long double> widen(const T& x) {
    if constexpr (is_complex_v<T>) return {static_cast<long double>(x.real()), static_cast<long double>(x.imag())};
    else return {static_cast<long double>(x), 0.0L};
}
}  // namespace detail

/// True when got equals ref up to an absolute tolerance \p tol: NaN matches only NaN (in
/// any component), an infinite reference only the identical value, everything else
/// |got − ref| ≤ tol (complex: the modulus of the difference).
template <class T, class U>
bool close_abs(const T& got, const U& ref, long double tol) {
    if (detail::is_nan(ref)) return detail::is_nan(got);
    if (detail::is_nan(got)) return false;
    const auto g = detail::widen(got);
    const auto r = detail::widen(ref);
    if (detail::is_inf(ref) || detail::is_inf(got)) return g == r;
    return std::abs(g - r) <= tol;
}

/// close_abs with tolerance rtol·scale + tiny, scale = |ref| unless given; tiny is the
/// smallest normal number of T's precision (a result that underflows is still right).
template <class T, class U>
bool close(const T& got, const U& ref, double rtol = default_rtol<T>, long double scale = -1) {
    if (scale < 0) scale = detail::is_nan(ref) || detail::is_inf(ref) ? 0 : magnitude(ref);
    const long double tiny = std::numeric_limits<real_type_t<T>>::min();
    return close_abs(got, ref, static_cast<long double>(rtol) * scale + tiny);
}

/// Prints real or complex values with enough digits to tell neighbouring floats apart.
template <class T>
std::string repr(const T& x) {
    std::ostringstream os;
    os.precision(std::numeric_limits<long double>::max_digits10);
    if constexpr (is_complex_v<T>) os << '(' << x.real() << ", " << x.imag() << ')';
    else os << x;
    return os.str();
}

}  // namespace sphaera::test
