#pragma once
/// \file expr_operators.hpp
/// \brief Operators and named functions that build expression trees from views, lvalue
/// buffers (through their const view) and scalars. Building a node checks sizes
/// (shape_mismatch) and, at compile time, memory spaces and value types.

#include <type_traits>
#include <utility>

#include "sphaera/core/expr.hpp"
#include "sphaera/core/expr_functors.hpp"
#include "sphaera/core/type_traits.hpp"

namespace sphaera {

/// Containers that expressions read through their const view (sphaera::buffer). Only
/// lvalues qualify: a node over a temporary buffer would dangle.
template <class X>
concept viewable = !expression<X> && requires(const std::remove_cvref_t<X>& x) {
    { x.cview() } -> expression;
};

/// Anything an evaluator can read at once (expressions and containers of any value
/// category: nothing outlives the call).
template <class X>
concept readable = expression<X> || viewable<X>;

/// Anything that may stand as an array operand of an expression node.
template <class X>
concept array_operand = expression<X> || (viewable<X> && std::is_lvalue_reference_v<X>);

namespace detail {

template <class X>
constexpr auto as_expression(const X& x) {
    if constexpr (expression<X>) return x;
    else return x.cview();
}

/// A scalar beside an expression of value type V takes V's precision: complex scalars
/// become std::complex<real(V)>, real ones real(V). `x * 2` keeps a float x float.
template <class V, class S>
constexpr auto as_scalar(const S& s) {
    using R = real_type_t<V>;
    if constexpr (is_complex_v<S>)
        return scalar_expr<std::complex<R>>(std::complex<R>(static_cast<R>(s.real()),
                                                            static_cast<R>(s.imag())));
    else return scalar_expr<R>(static_cast<R>(s));
}

/// Operand x of a binary node whose other operand is `other`.
template <class X, class Other>
constexpr auto operand(const X& x, const Other& other) {
    if constexpr (host_scalar<X>) return as_scalar<expr_value_t<decltype(as_expression(other))>>(x);
    else return as_expression(x);
}

/// A scalar branch of where() takes the value type of the array branch, so a real scalar
/// beside a complex branch becomes complex (a complex scalar beside a real branch stays
/// complex and fails where's value-type check).
template <class V, class S>
constexpr auto branch_scalar(const S& s) {
    if constexpr (is_complex_v<V> && !is_complex_v<S>)
        return scalar_expr<V>(V(static_cast<real_type_t<V>>(s), real_type_t<V>(0)));
    else return as_scalar<V>(s);
}

template <class Op, class A, class B>
auto make_binary(Op op, const A& a, const B& b) {
    auto l = operand(a, b);
    auto r = operand(b, a);
    return binary_expr<Op, decltype(l), decltype(r)>(op, l, r);
}

template <class Op, class A>
constexpr auto make_unary(Op op, const A& a) {
    auto e = as_expression(a);
    return unary_expr<Op, decltype(e)>(op, e);
}

}  // namespace detail

/// Two operands of which at least one is an array and the other an array or a scalar.
template <class A, class B>
concept operand_pair = (array_operand<A> && (array_operand<B> || host_scalar<B>)) ||
                       (host_scalar<A> && array_operand<B>);

#define SPHAERA_BINARY_OPERATOR(OP, FUNCTOR)                                           \
    template <class A, class B>                                                        \
        requires operand_pair<A, B>                                                    \
    auto operator OP(A&& a, B&& b) {                                                   \
        return detail::make_binary(ops::FUNCTOR{}, a, b);                              \
    }
SPHAERA_BINARY_OPERATOR(+, plus)
SPHAERA_BINARY_OPERATOR(-, minus)
SPHAERA_BINARY_OPERATOR(*, multiplies)
SPHAERA_BINARY_OPERATOR(/, divides)
SPHAERA_BINARY_OPERATOR(<, less)
SPHAERA_BINARY_OPERATOR(<=, less_equal)
SPHAERA_BINARY_OPERATOR(>, greater)
SPHAERA_BINARY_OPERATOR(>=, greater_equal)
SPHAERA_BINARY_OPERATOR(==, equal_to)
SPHAERA_BINARY_OPERATOR(!=, not_equal_to)
SPHAERA_BINARY_OPERATOR(&&, logical_and)
SPHAERA_BINARY_OPERATOR(||, logical_or)
#undef SPHAERA_BINARY_OPERATOR

#define SPHAERA_BINARY_FUNCTION(NAME, FUNCTOR)                                         \
    template <class A, class B>                                                        \
        requires operand_pair<A, B>                                                    \
    auto NAME(A&& a, B&& b) {                                                          \
        return detail::make_binary(ops::FUNCTOR{}, a, b);                              \
    }
/// Elementwise minimum of real values.
SPHAERA_BINARY_FUNCTION(minimum, minimum)
/// Elementwise maximum of real values.
SPHAERA_BINARY_FUNCTION(maximum, maximum)
/// a^p elementwise, p real (scalar or array).
SPHAERA_BINARY_FUNCTION(pow, power)
/// sign(x)·max(|x| − t, 0) elementwise (phase kept for complex x); t real, ≥ 0.
SPHAERA_BINARY_FUNCTION(soft_threshold, soft_threshold)
#undef SPHAERA_BINARY_FUNCTION

#define SPHAERA_UNARY_FUNCTION(NAME, FUNCTOR)                                          \
    template <class A>                                                                 \
        requires array_operand<A>                                                      \
    constexpr auto NAME(A&& a) {                                                       \
        return detail::make_unary(ops::FUNCTOR{}, a);                                  \
    }
SPHAERA_UNARY_FUNCTION(operator-, negate)
SPHAERA_UNARY_FUNCTION(operator!, logical_not)
/// Complex conjugate (identity on real values).
SPHAERA_UNARY_FUNCTION(conj, conj)
/// Real part.
SPHAERA_UNARY_FUNCTION(real, real_part)
/// Imaginary part (0 for real values).
SPHAERA_UNARY_FUNCTION(imag, imag_part)
/// Modulus |z|.
SPHAERA_UNARY_FUNCTION(abs, absolute)
/// Squared modulus |z|².
SPHAERA_UNARY_FUNCTION(abs2, absolute_squared)
/// Argument in (−π, π].
SPHAERA_UNARY_FUNCTION(arg, argument)
/// e^z.
SPHAERA_UNARY_FUNCTION(exp, exp)
/// Natural logarithm (principal branch for complex).
SPHAERA_UNARY_FUNCTION(log, log)
/// Square root (principal branch for complex).
SPHAERA_UNARY_FUNCTION(sqrt, sqrt)
/// Hyperbolic tangent.
SPHAERA_UNARY_FUNCTION(tanh, tanh)
/// Sine of real values.
SPHAERA_UNARY_FUNCTION(sin, sin)
/// Cosine of real values.
SPHAERA_UNARY_FUNCTION(cos, cos)
/// sign(x) ∈ {−1, 0, 1}; z/|z| for complex (0 at 0).
SPHAERA_UNARY_FUNCTION(sign, sign)
#undef SPHAERA_UNARY_FUNCTION

/// Converts the values of an expression to U (the explicit precision change).
template <class U, class A>
    requires array_operand<A> && element_value<U>
constexpr auto cast(A&& a) {
    return detail::make_unary(ops::cast_to<U>{}, a);
}

/// where(c, a, b)[i] = c[i] ? a[i] : b[i]. a and b may be scalars; the result takes the
/// value type of a (of b when a is a scalar).
template <class C, class A, class B>
    requires array_operand<C> && (array_operand<A> || host_scalar<A>) &&
             (array_operand<B> || host_scalar<B>)
auto where(C&& c, A&& a, B&& b) {
    auto ce = detail::as_expression(c);
    auto [ae, be] = [&] {
        if constexpr (array_operand<A>) {
            auto x = detail::as_expression(a);
            if constexpr (array_operand<B>) return std::pair{x, detail::as_expression(b)};
            else return std::pair{x, detail::branch_scalar<expr_value_t<decltype(x)>>(b)};
        } else if constexpr (array_operand<B>) {
            auto y = detail::as_expression(b);
            return std::pair{detail::branch_scalar<expr_value_t<decltype(y)>>(a), y};
        } else {
            static_assert(array_operand<B>, "sphaera::where: a and b cannot both be scalars; "
                                            "write where(c, a, b) with at least one array");
        }
    }();
    static_assert(std::is_same_v<expr_value_t<decltype(ae)>, expr_value_t<decltype(be)>>,
                  "sphaera::where: both branches must have the same value type");
    return where_expr<decltype(ce), decltype(ae), decltype(be)>(ce, ae, be);
}

}  // namespace sphaera
