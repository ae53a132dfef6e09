#pragma once
/// \file expr.hpp
/// \brief Expression-template nodes (DESIGN.md §3). Nodes hold their children by value and
/// leaves are non-owning views, so a whole tree is trivially copyable: it can be captured by
/// a CUDA kernel, and `auto e = a + b;` cannot dangle while a and b live. Nodes hold no
/// evaluation logic; `assign` and the reductions evaluate them, once per backend.

#include <cstddef>
#include <type_traits>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/config.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/core/type_traits.hpp"

namespace sphaera {

/// CRTP root of every expression node. A node provides `value_type`, `memory_space`,
/// `size()` and `operator[](i)` (host/device).
template <class Derived>
struct expr {
    SPHAERA_HD constexpr const Derived& derived() const {
        return static_cast<const Derived&>(*this);
    }
};

/// True when E derives from expr<E>.
template <class E>
concept expression = std::is_base_of_v<expr<std::remove_cvref_t<E>>, std::remove_cvref_t<E>>;

template <expression E>
using expr_value_t = typename std::remove_cvref_t<E>::value_type;
template <expression E>
using expr_space_t = typename std::remove_cvref_t<E>::memory_space;

namespace detail {

/// The memory space of a node combining spaces A and B; any_space (scalars) joins all.
template <class A, class B>
struct join_space {
    static_assert(std::is_same_v<A, B>,
                  "sphaera: an expression cannot mix host and device arrays; copy one side "
                  "with sphaera::copy first");
    using type = A;
};
template <class A>
struct join_space<A, any_space> {
    using type = A;
};
template <class B>
struct join_space<any_space, B> {
    using type = B;
};
template <>
struct join_space<any_space, any_space> {
    using type = any_space;
};

inline constexpr std::size_t scalar_size = static_cast<std::size_t>(-1);

/// Size of a node combining children of sizes a and b (scalars broadcast).
inline std::size_t join_size(std::size_t a, std::size_t b) {
    if (a == scalar_size) return b;
    if (b == scalar_size || a == b) return a;
    raise<shape_mismatch>("expression operands have sizes ", a, " and ", b,
                          "; elementwise operations need equal sizes");
}

}  // namespace detail

/// A constant broadcast to every index.
template <class T>
class scalar_expr : public expr<scalar_expr<T>> {
public:
    using value_type = T;
    using memory_space = any_space;
    constexpr explicit scalar_expr(T v) : m_value(v) {}
    SPHAERA_HD constexpr T operator[](std::size_t) const { return m_value; }
    SPHAERA_HD constexpr std::size_t size() const { return detail::scalar_size; }

private:
    T m_value;
};

/// True for scalar_expr, the one node without a size of its own.
template <class E>
inline constexpr bool is_scalar_expr_v = false;
template <class T>
inline constexpr bool is_scalar_expr_v<scalar_expr<T>> = true;

/// A scalar given a size: what `assign(b, dst, 0.0)` fills dst with.
template <class E>
class broadcast_expr : public expr<broadcast_expr<E>> {
public:
    using value_type = typename E::value_type;
    using memory_space = any_space;
    constexpr broadcast_expr(E e, std::size_t n) : m_e(e), m_size(n) {}
    SPHAERA_HD constexpr value_type operator[](std::size_t i) const { return m_e[i]; }
    SPHAERA_HD constexpr std::size_t size() const { return m_size; }

private:
    E m_e;
    std::size_t m_size;
};

/// Elementwise Op(child[i]).
template <class Op, class E>
class unary_expr : public expr<unary_expr<Op, E>> {
public:
    using value_type = typename Op::template result<typename E::value_type>;
    using memory_space = typename E::memory_space;
    constexpr unary_expr(Op op, E e) : m_op(op), m_e(e) {}
    SPHAERA_HD constexpr value_type operator[](std::size_t i) const { return m_op(m_e[i]); }
    SPHAERA_HD constexpr std::size_t size() const { return m_e.size(); }

private:
    Op m_op;
    E m_e;
};

/// Elementwise Op(left[i], right[i]).
template <class Op, class L, class R>
class binary_expr : public expr<binary_expr<Op, L, R>> {
public:
    using value_type =
        typename Op::template result<typename L::value_type, typename R::value_type>;
    using memory_space =
        typename detail::join_space<typename L::memory_space, typename R::memory_space>::type;
    binary_expr(Op op, L l, R r)
        : m_op(op), m_l(l), m_r(r), m_size(detail::join_size(l.size(), r.size())) {}
    SPHAERA_HD constexpr value_type operator[](std::size_t i) const {
        return m_op(m_l[i], m_r[i]);
    }
    SPHAERA_HD constexpr std::size_t size() const { return m_size; }

private:
    Op m_op;
    L m_l;
    R m_r;
    std::size_t m_size;
};

/// where(c, a, b)[i] = c[i] ? a[i] : b[i]; only the chosen branch is evaluated.
template <class C, class A, class B>
class where_expr : public expr<where_expr<C, A, B>> {
    static_assert(std::is_same_v<typename C::value_type, bool>,
                  "sphaera::where: the condition must be a boolean expression (a comparison)");

public:
    using value_type = typename A::value_type;
    using memory_space = typename detail::join_space<
        typename C::memory_space,
        typename detail::join_space<typename A::memory_space,
                                    typename B::memory_space>::type>::type;
    where_expr(C c, A a, B b)
        : m_c(c), m_a(a), m_b(b),
          m_size(detail::join_size(c.size(), detail::join_size(a.size(), b.size()))) {}
    SPHAERA_HD constexpr value_type operator[](std::size_t i) const {
        return m_c[i] ? value_type(m_a[i]) : value_type(m_b[i]);
    }
    SPHAERA_HD constexpr std::size_t size() const { return m_size; }

private:
    C m_c;
    A m_a;
    B m_b;
    std::size_t m_size;
};

}  // namespace sphaera
