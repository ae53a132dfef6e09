#pragma once
/// \file operators.hpp
/// \brief Elementary linear operators of imaging inverse problems (identity, pixel mask)
/// and their algebra (scaling, composition, sums), plus power iteration for ‖Φ‖² = the
/// largest eigenvalue of ΦᵀΦ, the Lipschitz constant of ∇ ½‖y − Φx‖².
///
/// Combinators keep their operands by value when given rvalues and by reference when given
/// lvalues (so move-only plans such as FFT blurs can be shared without copies); a
/// combinator built from lvalues must not outlive them.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/algorithms.hpp"
#include "sphaera/core/random.hpp"
#include "sphaera/sampling/concepts.hpp"

namespace sphaera::sampling {

/// Φ = I on ℝⁿ (denoising). A tight frame with ν = 1 and ‖Φ‖² = 1.
class identity_operator {
public:
    explicit identity_operator(std::size_t n) : m_n(n) {}
    [[nodiscard]] std::size_t in_size() const { return m_n; }
    [[nodiscard]] std::size_t out_size() const { return m_n; }
    [[nodiscard]] double frame_bound() const { return 1.0; }
    [[nodiscard]] double norm_squared() const { return 1.0; }
    void apply(cview x /*(n)*/, mview y /*(n)*/) const {
        detail::require_size("identity_operator::apply: x", x.size(), m_n);
        assign(backend::serial{}, y, x);
    }
    void adjoint(cview y /*(n)*/, mview x /*(n)*/) const { apply(y, x); }

private:
    std::size_t m_n;
};

/// Pixel selection (inpainting): y = x[observed], ℝⁿ → ℝᵐ with m the number of observed
/// pixels; the adjoint scatters back and zero-fills. ΦΦᵀ = I (ν = 1), ‖Φ‖² = 1 (m ≥ 1).
class mask_operator {
public:
    /// \p observed (n): nonzero where the pixel is measured. Throws invalid_argument when
    /// no pixel is observed.
    explicit mask_operator(const std::vector<bool>& observed) : m_n(observed.size()) {
        for (std::size_t i = 0; i < observed.size(); ++i)
            if (observed[i]) m_index.push_back(i);
        if (m_index.empty())
            sphaera::detail::raise<invalid_argument>("mask_operator: no observed pixel among ",
                                                     m_n, "; at least one is needed");
    }
    [[nodiscard]] std::size_t in_size() const { return m_n; }
    [[nodiscard]] std::size_t out_size() const { return m_index.size(); }
    [[nodiscard]] double frame_bound() const { return 1.0; }
    [[nodiscard]] double norm_squared() const { return 1.0; }
    /// Indices of the observed pixels, increasing (m).
    [[nodiscard]] const std::vector<std::size_t>& indices() const { return m_index; }
    void apply(cview x /*(n)*/, mview y /*(m)*/) const {
        detail::require_size("mask_operator::apply: x", x.size(), m_n);
        detail::require_size("mask_operator::apply: y", y.size(), m_index.size());
        for (std::size_t k = 0; k < m_index.size(); ++k) y[k] = x[m_index[k]];
    }
    void adjoint(cview y /*(m)*/, mview x /*(n)*/) const {
        detail::require_size("mask_operator::adjoint: y", y.size(), m_index.size());
        detail::require_size("mask_operator::adjoint: x", x.size(), m_n);
        std::fill(x.begin(), x.end(), 0.0);
        for (std::size_t k = 0; k < m_index.size(); ++k) x[m_index[k]] = y[k];
    }

private:
    std::size_t m_n;
    std::vector<std::size_t> m_index;
};

namespace detail {
template <class A>
using operand_t = std::remove_cvref_t<A>;
}  // namespace detail

/// c·Φ.
template <class A>
class scaled_operator {
public:
    scaled_operator(double c, A&& a) : m_c(c), m_a(std::forward<A>(a)) {
        if (!std::isfinite(c))
            sphaera::detail::raise<invalid_argument>("scaled_operator: factor ", c,
                                                     " must be finite");
    }
    [[nodiscard]] std::size_t in_size() const { return m_a.in_size(); }
    [[nodiscard]] std::size_t out_size() const { return m_a.out_size(); }
    [[nodiscard]] double frame_bound() const { return m_c * m_c * sampling::frame_bound(m_a); }
    void apply(cview x, mview y) const {
        m_a.apply(x, y);
        assign(backend::serial{}, y, m_c * y);
    }
    void adjoint(cview y, mview x) const {
        m_a.adjoint(y, x);
        assign(backend::serial{}, x, m_c * x);
    }

private:
    double m_c;
    A m_a;
};

/// Φ = A ∘ B (B first). Tight when both are: (AB)(AB)ᵀ = ν_A ν_B I.
template <class A, class B>
class composed_operator {
public:
    composed_operator(A&& a, B&& b) : m_a(std::forward<A>(a)), m_b(std::forward<B>(b)) {
        if (m_a.in_size() != m_b.out_size())
            sphaera::detail::raise<shape_mismatch>("compose(A, B): A takes ", m_a.in_size(),
                                                   " values but B gives ", m_b.out_size());
    }
    [[nodiscard]] std::size_t in_size() const { return m_b.in_size(); }
    [[nodiscard]] std::size_t out_size() const { return m_a.out_size(); }
    [[nodiscard]] double frame_bound() const {
        return sampling::frame_bound(m_a) * sampling::frame_bound(m_b);
    }
    // The intermediate is a local vector so that concurrent calls never share it.
    void apply(cview x, mview y) const {
        std::vector<double> t(m_b.out_size());
        m_b.apply(x, as_view(t));
        m_a.apply(as_view(t), y);
    }
    void adjoint(cview y, mview x) const {
        std::vector<double> t(m_a.in_size());
        m_a.adjoint(y, as_view(t));
        m_b.adjoint(as_view(t), x);
    }

private:
    A m_a;
    B m_b;
};

/// Φ = A + B (same sizes). Not assumed tight.
template <class A, class B>
class sum_operator {
public:
    sum_operator(A&& a, B&& b) : m_a(std::forward<A>(a)), m_b(std::forward<B>(b)) {
        if (m_a.in_size() != m_b.in_size() || m_a.out_size() != m_b.out_size())
            sphaera::detail::raise<shape_mismatch>(
                "A + B: A maps ", m_a.in_size(), " -> ", m_a.out_size(), " but B maps ",
                m_b.in_size(), " -> ", m_b.out_size());
    }
    [[nodiscard]] std::size_t in_size() const { return m_a.in_size(); }
    [[nodiscard]] std::size_t out_size() const { return m_a.out_size(); }
    void apply(cview x, mview y) const {
        std::vector<double> t(y.size());
        m_a.apply(x, y);
        m_b.apply(x, as_view(t));
        assign(backend::serial{}, y, y + as_view(t));
    }
    void adjoint(cview y, mview x) const {
        std::vector<double> t(x.size());
        m_a.adjoint(y, x);
        m_b.adjoint(y, as_view(t));
        assign(backend::serial{}, x, x + as_view(t));
    }

private:
    A m_a;
    B m_b;
};

/// c·Φ (Φ kept by reference when an lvalue).
template <class A>
    requires linear_operator<detail::operand_t<A>>
auto scale(double c, A&& a) {
    return scaled_operator<A>(c, std::forward<A>(a));
}
/// A ∘ B: x ↦ A(B(x)).
template <class A, class B>
    requires linear_operator<detail::operand_t<A>> && linear_operator<detail::operand_t<B>>
auto compose(A&& a, B&& b) {
    return composed_operator<A, B>(std::forward<A>(a), std::forward<B>(b));
}
/// A + B.
template <class A, class B>
    requires linear_operator<detail::operand_t<A>> && linear_operator<detail::operand_t<B>>
auto add(A&& a, B&& b) {
    return sum_operator<A, B>(std::forward<A>(a), std::forward<B>(b));
}

/// Settings of power iteration.
struct power_iteration_options {
    std::size_t max_iterations = 500;  ///< cap on ΦᵀΦ applications
    double tolerance = 1e-10;          ///< stop when the Rayleigh quotient changes less (relative)
    std::uint64_t seed = 0x5eed;       ///< Philox key of the random start
};

/// ‖Φ‖² = λ_max(ΦᵀΦ) by power iteration from a random start (Golub & Van Loan 2013,
/// §8.2.1). The Rayleigh quotient converges from below; callers that need an upper bound
/// (step sizes) add their own margin. Operators that know their norm (norm_squared())
/// answer exactly.
template <linear_operator Op>
double operator_norm_squared(const Op& op, const power_iteration_options& o = {}) {
    if constexpr (requires { { op.norm_squared() } -> std::convertible_to<double>; }) {
        return op.norm_squared();
    } else {
        const std::size_t n = op.in_size();
        if (n == 0) return 0.0;
        std::vector<double> x(n), y(op.out_size()), z(n);
        fill_normal(backend::serial{}, x.data(), n, o.seed);
        double lambda = 0.0;
        for (std::size_t it = 0; it < o.max_iterations; ++it) {
            const double nx = norm(backend::serial{}, as_view(x));
            if (!(nx > 0)) return 0.0;  // x fell into the null space: Φ = 0
            assign(backend::serial{}, as_view(x), as_view(x) / nx);
            op.apply(as_view(x), as_view(y));
            op.adjoint(as_view(y), as_view(z));
            const double next = dot(backend::serial{}, as_view(x), as_view(z));
            std::swap(x, z);
            if (std::abs(next - lambda) <= o.tolerance * std::abs(next)) return next;
            lambda = next;
        }
        return lambda;
    }
}

}  // namespace sphaera::sampling
