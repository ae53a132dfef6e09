#pragma once
/// \file expr_functors.hpp
/// \brief The elementwise operations of expression nodes, each a stateless (or scalar-
/// carrying) functor with a host/device call operator and a `result` type rule.
///
/// Type rules: operands must share one precision (float with float, double with double;
/// mixing needs an explicit cast<T>()), real and complex combine to complex, comparisons
/// and logical operators give bool and need real (resp. bool) operands.

#include <complex>
#include <type_traits>

#include "sphaera/core/complex_math.hpp"
#include "sphaera/core/config.hpp"
#include "sphaera/core/type_traits.hpp"

namespace sphaera::ops {

namespace detail {
template <class A, class B>
struct arithmetic_result {
    static_assert(scalar_value<A> && scalar_value<B>,
                  "sphaera: arithmetic needs float, double or complex operands (not bool)");
    static_assert(std::is_same_v<real_type_t<A>, real_type_t<B>>,
                  "sphaera: an expression cannot mix float and double values; convert one side "
                  "explicitly with sphaera::cast<T>(e)");
    using type = std::conditional_t<is_complex_v<A> || is_complex_v<B>,
                                    std::complex<real_type_t<A>>, real_type_t<A>>;
};
template <class A>
struct require_real {
    static_assert(std::is_floating_point_v<A>,
                  "sphaera: this operation is defined for real (float/double) values only; take "
                  "real(), imag() or abs() of complex values first");
    using type = A;
};
template <class A>
struct require_scalar {
    static_assert(scalar_value<A>, "sphaera: this operation needs float, double or complex values");
    using type = A;
};
template <class R>
SPHAERA_HD constexpr std::complex<R> as_complex(std::complex<R> z) { return z; }
template <class R>
SPHAERA_HD constexpr std::complex<R> as_complex(R x) { return {x, R(0)}; }
}  // namespace detail

template <class A, class B>
using arithmetic_result_t = typename detail::arithmetic_result<A, B>::type;

struct plus {
    template <class A, class B>
    using result = arithmetic_result_t<A, B>;
    template <class A, class B>
    SPHAERA_HD constexpr result<A, B> operator()(A a, B b) const {
        if constexpr (is_complex_v<A> && is_complex_v<B>) return {a.real() + b.real(), a.imag() + b.imag()};
        else if constexpr (is_complex_v<A>) return {a.real() + b, a.imag()};
        else if constexpr (is_complex_v<B>) return {a + b.real(), b.imag()};
        else return a + b;
    }
};
struct minus {
    template <class A, class B>
    using result = arithmetic_result_t<A, B>;
    template <class A, class B>
    SPHAERA_HD constexpr result<A, B> operator()(A a, B b) const {
        if constexpr (is_complex_v<A> && is_complex_v<B>) return {a.real() - b.real(), a.imag() - b.imag()};
        else if constexpr (is_complex_v<A>) return {a.real() - b, a.imag()};
        else if constexpr (is_complex_v<B>) return {a - b.real(), -b.imag()};
        else return a - b;
    }
};
struct multiplies {
    template <class A, class B>
    using result = arithmetic_result_t<A, B>;
    template <class A, class B>
    SPHAERA_HD constexpr result<A, B> operator()(A a, B b) const {
        if constexpr (is_complex_v<A> && is_complex_v<B>) return math::cmul(a, b);
        else if constexpr (is_complex_v<A>) return {a.real() * b, a.imag() * b};
        else if constexpr (is_complex_v<B>) return {a * b.real(), a * b.imag()};
        else return a * b;
    }
};
struct divides {
    template <class A, class B>
    using result = arithmetic_result_t<A, B>;
    template <class A, class B>
    SPHAERA_HD constexpr result<A, B> operator()(A a, B b) const {
        if constexpr (is_complex_v<B>) return math::cdiv(detail::as_complex(a), b);
        else if constexpr (is_complex_v<A>) return {a.real() / b, a.imag() / b};
        else return a / b;
    }
};

namespace detail {
template <class A, class B>
struct comparison_result {
    static_assert(std::is_floating_point_v<A> && std::is_floating_point_v<B>,
                  "sphaera: comparisons are defined for real (float/double) values only");
    static_assert(std::is_same_v<A, B>,
                  "sphaera: an expression cannot mix float and double values; convert one side "
                  "explicitly with sphaera::cast<T>(e)");
    using type = bool;
};
}  // namespace detail

#define SPHAERA_COMPARISON_FUNCTOR(NAME, OP)                                    \
    struct NAME {                                                               \
        template <class A, class B>                                             \
        using result = typename detail::comparison_result<A, B>::type;          \
        template <class A, class B>                                             \
        SPHAERA_HD constexpr bool operator()(A a, B b) const { return a OP b; } \
    };
SPHAERA_COMPARISON_FUNCTOR(less, <)
SPHAERA_COMPARISON_FUNCTOR(less_equal, <=)
SPHAERA_COMPARISON_FUNCTOR(greater, >)
SPHAERA_COMPARISON_FUNCTOR(greater_equal, >=)
SPHAERA_COMPARISON_FUNCTOR(equal_to, ==)
SPHAERA_COMPARISON_FUNCTOR(not_equal_to, !=)
#undef SPHAERA_COMPARISON_FUNCTOR

namespace detail {
template <class A, class B>
struct logical_result {
    static_assert(std::is_same_v<A, bool> && std::is_same_v<B, bool>,
                  "sphaera: logical operators need boolean expressions (comparisons)");
    using type = bool;
};
}  // namespace detail
struct logical_and {
    template <class A, class B>
    using result = typename detail::logical_result<A, B>::type;
    SPHAERA_HD constexpr bool operator()(bool a, bool b) const { return a && b; }
};
struct logical_or {
    template <class A, class B>
    using result = typename detail::logical_result<A, B>::type;
    SPHAERA_HD constexpr bool operator()(bool a, bool b) const { return a || b; }
};
struct logical_not {
    template <class A>
    using result = typename detail::logical_result<A, A>::type;
    SPHAERA_HD constexpr bool operator()(bool a) const { return !a; }
};

/// Elementwise minimum/maximum of real values. Written as comparisons, so a NaN in the
/// first operand propagates (std::fmin would hide it).
struct minimum {
    template <class A, class B>
    using result = typename detail::require_real<arithmetic_result_t<A, B>>::type;
    template <class A>
    SPHAERA_HD constexpr A operator()(A a, A b) const { return b < a ? b : a; }
};
struct maximum {
    template <class A, class B>
    using result = typename detail::require_real<arithmetic_result_t<A, B>>::type;
    template <class A>
    SPHAERA_HD constexpr A operator()(A a, A b) const { return b > a ? b : a; }
};

struct negate {
    template <class A>
    using result = typename detail::require_scalar<A>::type;
    template <class A>
    SPHAERA_HD constexpr A operator()(A a) const {
        if constexpr (is_complex_v<A>) return {-a.real(), -a.imag()};
        else return -a;
    }
};
struct conj {
    template <class A>
    using result = typename detail::require_scalar<A>::type;
    template <class A>
    SPHAERA_HD constexpr A operator()(A a) const {
        if constexpr (is_complex_v<A>) return math::conj(a);
        else return a;
    }
};
struct real_part {
    template <class A>
    using result = real_type_t<typename detail::require_scalar<A>::type>;
    template <class A>
    SPHAERA_HD constexpr result<A> operator()(A a) const {
        if constexpr (is_complex_v<A>) return a.real();
        else return a;
    }
};
struct imag_part {
    template <class A>
    using result = real_type_t<typename detail::require_scalar<A>::type>;
    template <class A>
    SPHAERA_HD constexpr result<A> operator()(A a) const {
        if constexpr (is_complex_v<A>) return a.imag();
        else return result<A>(0);
    }
};
struct absolute {
    template <class A>
    using result = real_type_t<typename detail::require_scalar<A>::type>;
    template <class A>
    SPHAERA_HD result<A> operator()(A a) const {
        if constexpr (is_complex_v<A>) return math::abs(a);
        else return math::fabs(a);
    }
};
/// |z|², without the square root.
struct absolute_squared {
    template <class A>
    using result = real_type_t<typename detail::require_scalar<A>::type>;
    template <class A>
    SPHAERA_HD constexpr result<A> operator()(A a) const {
        if constexpr (is_complex_v<A>) return math::abs2(a);
        else return a * a;
    }
};
/// Argument in (−π, π]; for real x: 0 for x ≥ 0, π for x < 0.
struct argument {
    template <class A>
    using result = real_type_t<typename detail::require_scalar<A>::type>;
    template <class A>
    SPHAERA_HD result<A> operator()(A a) const {
        if constexpr (is_complex_v<A>) return math::arg(a);
        else return math::atan2(A(0), a);
    }
};

#define SPHAERA_MATH_FUNCTOR(NAME)                                                    \
    struct NAME {                                                                     \
        template <class A>                                                            \
        using result = typename detail::require_scalar<A>::type;                      \
        template <class A>                                                            \
        SPHAERA_HD A operator()(A a) const { return math::NAME(a); }                  \
    };
SPHAERA_MATH_FUNCTOR(exp)
SPHAERA_MATH_FUNCTOR(log)
SPHAERA_MATH_FUNCTOR(sqrt)
SPHAERA_MATH_FUNCTOR(tanh)
#undef SPHAERA_MATH_FUNCTOR

#define SPHAERA_REAL_MATH_FUNCTOR(NAME)                                               \
    struct NAME {                                                                     \
        template <class A>                                                            \
        using result = typename detail::require_real<A>::type;                        \
        template <class A>                                                            \
        SPHAERA_HD A operator()(A a) const { return math::NAME(a); }                  \
    };
SPHAERA_REAL_MATH_FUNCTOR(sin)
SPHAERA_REAL_MATH_FUNCTOR(cos)
#undef SPHAERA_REAL_MATH_FUNCTOR

/// a^p with a real exponent p (principal branch for complex a).
struct power {
    template <class A, class P>
    using result = std::conditional_t<std::is_same_v<typename detail::require_real<P>::type,
                                                     real_type_t<A>>,
                                      typename detail::require_scalar<A>::type,
                                      arithmetic_result_t<A, P>>;
    template <class A, class P>
    SPHAERA_HD A operator()(A a, P p) const { return math::pow(a, p); }
};

/// sign(x) ∈ {−1, 0, 1} for real x; z/|z| (0 at 0) for complex z.
struct sign {
    template <class A>
    using result = typename detail::require_scalar<A>::type;
    template <class A>
    SPHAERA_HD A operator()(A a) const {
        using R = real_type_t<A>;
        if constexpr (is_complex_v<A>) {
            const R m = math::abs(a);
            return m > R(0) ? A{a.real() / m, a.imag() / m} : A{};
        } else {
            return A((a > A(0)) - (a < A(0)));
        }
    }
};

/// Soft thresholding, the proximal map of t·|x|: sign(x)·max(|x| − t, 0) (for complex,
/// the phase is kept). The threshold t is real and must be ≥ 0.
struct soft_threshold {
    template <class A, class T>
    using result = std::conditional_t<std::is_same_v<typename detail::require_real<T>::type,
                                                     real_type_t<A>>,
                                      typename detail::require_scalar<A>::type,
                                      arithmetic_result_t<A, T>>;
    template <class A, class T>
    SPHAERA_HD A operator()(A a, T t) const {
        if constexpr (is_complex_v<A>) {
            const T m = math::abs(a);
            const T scale = m > t ? (m - t) / m : T(0);
            return {a.real() * scale, a.imag() * scale};
        } else {
            return a > t ? a - t : (a < -t ? a + t : A(0));
        }
    }
};

/// Conversion to another value type (the explicit precision change the type rules ask for).
template <class U>
struct cast_to {
    template <class A>
    using result = U;
    template <class A>
    SPHAERA_HD constexpr U operator()(A a) const {
        if constexpr (is_complex_v<U> && is_complex_v<A>)
            return U(static_cast<real_type_t<U>>(a.real()), static_cast<real_type_t<U>>(a.imag()));
        else if constexpr (is_complex_v<U>)
            return U(static_cast<real_type_t<U>>(a), real_type_t<U>(0));
        else {
            static_assert(!is_complex_v<A>, "sphaera::cast: complex to real drops the imaginary "
                                            "part; use real() or abs() instead");
            return static_cast<U>(a);
        }
    }
};

}  // namespace sphaera::ops
