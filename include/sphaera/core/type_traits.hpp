#pragma once
/// \file type_traits.hpp
/// \brief Value-type traits shared by buffers, expressions and plans.

#include <complex>
#include <concepts>
#include <type_traits>

namespace sphaera {

/// True for std::complex<float> and std::complex<double>.
template <class T>
struct is_complex : std::false_type {};
template <class R>
struct is_complex<std::complex<R>> : std::true_type {};
template <class T>
inline constexpr bool is_complex_v = is_complex<std::remove_cv_t<T>>::value;

/// Real type underlying T: R for std::complex<R>, T otherwise.
template <class T>
struct real_type {
    using type = std::remove_cv_t<T>;
};
template <class R>
struct real_type<std::complex<R>> {
    using type = R;
};
template <class T>
using real_type_t = typename real_type<std::remove_cv_t<T>>::type;

/// The floating-point element types sphaera computes with: float, double and their
/// complex counterparts.
template <class T>
concept scalar_value = std::same_as<std::remove_cv_t<T>, float> ||
                       std::same_as<std::remove_cv_t<T>, double> ||
                       std::same_as<std::remove_cv_t<T>, std::complex<float>> ||
                       std::same_as<std::remove_cv_t<T>, std::complex<double>>;

/// Element types an expression may produce: the scalar values plus bool (comparisons).
template <class T>
concept element_value = scalar_value<T> || std::same_as<std::remove_cv_t<T>, bool>;

/// Element types a buffer may hold: computed values plus integer index types.
template <class T>
concept storable_value = element_value<T> || std::same_as<std::remove_cv_t<T>, int> ||
                         std::same_as<std::remove_cv_t<T>, long> ||
                         std::same_as<std::remove_cv_t<T>, long long> ||
                         std::same_as<std::remove_cv_t<T>, unsigned> ||
                         std::same_as<std::remove_cv_t<T>, unsigned long> ||
                         std::same_as<std::remove_cv_t<T>, unsigned long long>;

/// Scalars a user may write beside an expression (literals, complex constants).
template <class S>
concept host_scalar = std::is_arithmetic_v<std::remove_cvref_t<S>> ||
                      is_complex_v<std::remove_cvref_t<S>>;

}  // namespace sphaera
