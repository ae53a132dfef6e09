#pragma once
/// \file adjoint.hpp
/// \brief The dot-product test of a linear operator and its adjoint (DESIGN.md §5):
///
///     |⟨Ax, y⟩ − ⟨x, Aᴴy⟩| ≤ tol · ‖x‖ ‖y‖,   ⟨u, v⟩ = Σᵢ conj(uᵢ) vᵢ,
///
/// for random x and y. Written once for every backend: x, y and the operator's outputs may
/// be std::vectors, buffers of any backend or views; the inner products are evaluated on
/// the host in long double, independently of the library under test.
///
/// Usage:
/// \code
///   auto x = test::upload<B>(test::normal<double>(n, 1));
///   auto y = test::upload<B>(test::normal<std::complex<double>>(m, 2));
///   auto r = test::adjoint_test([&](const auto& v) { return op.apply(v); },
///                               [&](const auto& w) { return op.adjoint(w); }, x, y);
///   INFO(r); CHECK(r.passed);
/// \endcode
/// Operators that are only real-linear (e.g. a real signal's transform into complex
/// Hermitian coefficients, whose adjoint is taken in the real inner product Re⟨u, v⟩) pass
/// `inner_product::real`.

#include <complex>
#include <cstddef>
#include <ostream>
#include <type_traits>
#include <vector>

#include "support/backends.hpp"

namespace sphaera::test {

/// Which inner product the adjoint is defined in.
enum class inner_product {
    complex,  ///< ⟨u, v⟩ = Σ conj(uᵢ) vᵢ: Aᴴ of a complex-linear operator
    real      ///< Re⟨u, v⟩: the adjoint of a real-linear operator (e.g. real ↔ Hermitian)
};

/// Outcome of adjoint_test; stream it into INFO to see the numbers when it fails.
struct adjoint_report {
    std::complex<long double> lhs;  ///< ⟨Ax, y⟩
    std::complex<long double> rhs;  ///< ⟨x, Aᴴy⟩
    long double error = 0;          ///< |lhs − rhs|
    long double bound = 0;          ///< tol · ‖x‖ ‖y‖
    bool passed = false;
};

inline std::ostream& operator<<(std::ostream& os, const adjoint_report& r) {
    os.precision(17);
    return os << "adjoint test: <Ax,y> = " << r.lhs << ", <x,A^H y> = " << r.rhs
              << ", |difference| = " << r.error << ", bound tol*|x||y| = " << r.bound
              << (r.passed ? " (passed)" : " (FAILED)");
}

/// Default tolerance of the dot-product test: 1e-12 in double (DESIGN.md §5), 1e-5 in float.
template <class T>
inline constexpr double adjoint_tolerance =
    std::is_same_v<real_type_t<T>, float> ? 1e-5 : 1e-12;

namespace detail {

template <class T>
std::vector<T> host_values(const std::vector<T>& v) { return v; }
template <class T, class B>
std::vector<T> host_values(const buffer<T, B>& b) { return download(b); }
template <class T, class S>
std::vector<std::remove_const_t<T>> host_values(view<T, S> v) { return download(v); }

/// Σ conj(uᵢ) vᵢ in long double.
template <class T, class U>
std::complex<long double> host_inner(const std::vector<T>& u, const std::vector<U>& v) {
    if (u.size() != v.size())
        sphaera::detail::raise<shape_mismatch>("adjoint_test: inner product of sizes ",
                                               u.size(), " and ", v.size());
    std::complex<long double> s = 0;
    for (std::size_t i = 0; i < u.size(); ++i)
        s += std::conj(sphaera::test::detail::widen(u[i])) * sphaera::test::detail::widen(v[i]);
    return s;
}

template <class T>
long double host_norm(const std::vector<T>& u) {
    long double s = 0;
    for (const auto& x : u) s += std::norm(sphaera::test::detail::widen(x));
    return std::sqrt(s);
}

}  // namespace detail

/// The dot-product test of `apply` (x ↦ Ax) against `adjoint` (y ↦ Aᴴy) at x, y.
/// apply(x) must have y's size and adjoint(y) x's; any container download() reads works.
template <class Apply, class Adjoint, class X, class Y>
adjoint_report adjoint_test(Apply&& apply, Adjoint&& adjoint, const X& x, const Y& y,
                            double tol = adjoint_tolerance<typename X::value_type>,
                            inner_product ip = inner_product::complex) {
    const auto xh = detail::host_values(x);
    const auto yh = detail::host_values(y);
    const auto ax = detail::host_values(apply(x));
    const auto ahy = detail::host_values(adjoint(y));
    adjoint_report r;
    r.lhs = detail::host_inner(ax, yh);
    r.rhs = detail::host_inner(xh, ahy);
    if (ip == inner_product::real) {
        r.lhs = r.lhs.real();
        r.rhs = r.rhs.real();
    }
    r.error = std::abs(r.lhs - r.rhs);
    r.bound = static_cast<long double>(tol) * detail::host_norm(xh) * detail::host_norm(yh);
    // A NaN anywhere makes error NaN and the comparison false: NaNs never pass.
    r.passed = r.error <= r.bound;
    return r;
}

}  // namespace sphaera::test
