#pragma once
/// \file moreau_yosida.hpp
/// \brief The Moreau–Yosida envelope g^λ(x) = min_u g(u) + ‖u − x‖²/(2λ) of a proximal
/// function (Moreau 1965; Durmus, Moulines & Pereyra 2018, Eq. 3.1–3.2): convex, C¹, with
/// ∇g^λ(x) = (x − prox_{λg}(x))/λ, 1/λ-Lipschitz, and g^λ ↑ g as λ ↓ 0. It turns a
/// non-smooth prior into a differentiable_function for the Langevin samplers.

#include <cstddef>
#include <vector>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/algorithms.hpp"
#include "sphaera/sampling/concepts.hpp"

namespace sphaera::sampling {

/// g^λ for a proximal function g (kept by reference when an lvalue: it must outlive this).
template <class G>
class moreau_yosida {
public:
    /// Throws invalid_argument for λ ≤ 0.
    moreau_yosida(G&& g, double lambda) : m_g(std::forward<G>(g)), m_lambda(lambda) {
        detail::require_positive("moreau_yosida: lambda", lambda);
    }
    [[nodiscard]] std::size_t size() const { return m_g.size(); }
    [[nodiscard]] double lambda() const { return m_lambda; }
    /// Lipschitz constant of ∇g^λ: 1/λ.
    [[nodiscard]] double lipschitz() const { return 1 / m_lambda; }
    /// g(p) + ‖x − p‖²/(2λ), p = prox_{λg}(x) (needs g.value).
    [[nodiscard]] double value(cview x) const
        requires proximal_function_with_value<std::remove_cvref_t<G>>
    {
        std::vector<double> p(size());
        m_g.prox(x, as_view(p), m_lambda);
        const double d = norm(backend::serial{}, x - as_view(p));
        return m_g.value(as_view(p)) + d * d / (2 * m_lambda);
    }
    /// (x − prox_{λg}(x))/λ.
    void gradient(cview x, mview grad) const {
        detail::require_size("moreau_yosida::gradient", grad.size(), size());
        m_g.prox(x, grad, m_lambda);
        assign(backend::serial{}, grad, (x - grad) * (1 / m_lambda));
    }

private:
    G m_g;
    double m_lambda;
};

/// g^λ (g by reference when an lvalue).
template <class G>
    requires proximal_function<std::remove_cvref_t<G>>
auto make_moreau_yosida(G&& g, double lambda) {
    return moreau_yosida<G>(std::forward<G>(g), lambda);
}

}  // namespace sphaera::sampling
