#pragma once
/// \file priors.hpp
/// \brief Convex priors with closed-form proximal maps: the Gaussian (ℓ2) prior, sparsity
/// in an orthonormal basis g(x) = α‖Ψᵀx‖₁ (soft thresholding of the analysis
/// coefficients; Combettes & Wajs 2005, Lemma 2.8 for the orthonormal change of basis)
/// and box / positivity indicators (projection). Every one has value, prox and, where the
/// density e^{−g} is proper, exact draws and ln ∫ e^{−g} for nested sampling.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <vector>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/algorithms.hpp"
#include "sphaera/core/random.hpp"
#include "sphaera/core/random_expr.hpp"
#include "sphaera/sampling/concepts.hpp"
#include "sphaera/sampling/operators.hpp"

namespace sphaera::sampling {

/// g(x) = ‖x‖²/(2τ²): the N(0, τ²I) prior. prox_{γg}(x) = x/(1 + γ/τ²); ∇g = x/τ².
class gaussian_prior {
public:
    /// Throws invalid_argument for τ ≤ 0.
    gaussian_prior(std::size_t n, double tau) : m_n(n), m_tau(tau) {
        detail::require_positive("gaussian_prior: tau", tau);
    }
    [[nodiscard]] std::size_t size() const { return m_n; }
    [[nodiscard]] double tau() const { return m_tau; }
    /// Lipschitz constant of ∇g: 1/τ².
    [[nodiscard]] double lipschitz() const { return 1 / (m_tau * m_tau); }
    [[nodiscard]] double value(cview x) const {
        detail::require_size("gaussian_prior::value", x.size(), m_n);
        const double s = norm(backend::serial{}, x);
        return s * s / (2 * m_tau * m_tau);
    }
    void gradient(cview x, mview g) const {
        detail::require_size("gaussian_prior::gradient", x.size(), m_n);
        assign(backend::serial{}, g, x * (1 / (m_tau * m_tau)));
    }
    void prox(cview x, mview out, double gamma) const {
        detail::require_size("gaussian_prior::prox", x.size(), m_n);
        assign(backend::serial{}, out, x * (1 / (1 + gamma / (m_tau * m_tau))));
    }
    /// g(x), and out = x − γ∇g(x) = x(1 − γ/τ²), in one pass (the Px-MALA proposal mean of
    /// nested sampling: value and gradient step otherwise read x three times). out may be x.
    double value_and_gradient_step(cview x, mview out, double gamma) const {
        detail::require_size("gaussian_prior::value_and_gradient_step: x", x.size(), m_n);
        detail::require_size("gaussian_prior::value_and_gradient_step: out", out.size(), m_n);
        const double c = 1 - gamma / (m_tau * m_tau);
        const double* xp = x.data();
        double* op = out.data();
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (std::size_t i = 0; i < m_n; ++i) {
            const double v = xp[i];
            s += v * v;
            op[i] = c * v;
        }
        return s / (2 * m_tau * m_tau);
    }
    /// ln ∫ e^{−g} = (n/2) ln(2πτ²).
    [[nodiscard]] double log_normaliser() const {
        return 0.5 * static_cast<double>(m_n) * std::log(2 * std::numbers::pi * m_tau * m_tau);
    }
    /// An exact draw from N(0, τ²I): Philox normals (seed, offset 0, stream).
    void sample(std::uint64_t seed, std::uint64_t stream, mview out) const {
        assign(backend::serial{}, out, m_tau * random_normal<double>(m_n, seed, 0, stream));
    }

private:
    std::size_t m_n;
    double m_tau;
};

/// g(x) = α‖Ψᵀx‖₁ for an orthonormal basis Ψ (ΨΨᵀ = ΨᵀΨ = I): the Laplace prior on the
/// coefficients. prox_{γg}(x) = Ψ soft(Ψᵀx, γα). With Ψ = I (l1_norm) it is the pixel
/// Laplace prior; with a wavelet_basis the usual sparsity prior of imaging. The density is
/// proper and e^{−g} integrates to (2/α)ⁿ (|det Ψ| = 1).
template <class Basis>
class analysis_l1 {
public:
    /// Throws invalid_argument for α ≤ 0 or a basis that is not square and orthonormal.
    analysis_l1(Basis basis, double alpha) : m_basis(std::move(basis)), m_alpha(alpha) {
        detail::require_positive("analysis_l1: alpha", alpha);
        if (m_basis.in_size() != m_basis.out_size() || sampling::frame_bound(m_basis) != 1.0)
            sphaera::detail::raise<invalid_argument>(
                "analysis_l1: the basis must be square and orthonormal (frame bound 1); got ",
                m_basis.in_size(), " -> ", m_basis.out_size(), " with frame bound ",
                sampling::frame_bound(m_basis));
    }
    [[nodiscard]] std::size_t size() const { return m_basis.in_size(); }
    [[nodiscard]] double alpha() const { return m_alpha; }
    [[nodiscard]] const Basis& basis() const { return m_basis; }
    [[nodiscard]] double value(cview x) const {
        detail::require_size("analysis_l1::value", x.size(), size());
        const mview c = coefficients();
        m_basis.adjoint(x, c);
        return m_alpha * sum(backend::serial{}, abs(c));
    }
    void prox(cview x, mview out, double gamma) const {
        detail::require_size("analysis_l1::prox: x", x.size(), size());
        detail::require_size("analysis_l1::prox: out", out.size(), size());
        const mview c = coefficients();
        m_basis.adjoint(x, c);
        assign(backend::serial{}, c, soft_threshold(c, gamma * m_alpha));
        m_basis.apply(c, out);
    }
    /// g(x), and out = prox_{γg}(x), from one analysis Ψᵀx (the value and the prox share
    /// the coefficients: one transform pair instead of value's analysis plus prox's pair).
    /// out must not alias x. Proximal nested sampling uses it for every accepted-region
    /// proposal.
    double value_and_prox(cview x, mview out, double gamma) const {
        detail::require_size("analysis_l1::value_and_prox: x", x.size(), size());
        detail::require_size("analysis_l1::value_and_prox: out", out.size(), size());
        const mview c = coefficients();
        m_basis.adjoint(x, c);
        const double t = gamma * m_alpha;
        double s = 0;
        for (double& v : c) {  // fused: Σ|c| and soft thresholding in one pass
            const double a = std::abs(v);
            s += a;
            v = a > t ? (v > 0 ? a - t : t - a) : 0.0;
        }
        m_basis.apply(c, out);
        return m_alpha * s;
    }
    /// ln ∫ e^{−g} = n ln(2/α).
    [[nodiscard]] double log_normaliser() const {
        return static_cast<double>(size()) * std::log(2 / m_alpha);
    }
    /// An exact draw: Laplace(0, 1/α) coefficients by inversion of Philox uniforms
    /// (seed, stream), synthesised by Ψ.
    void sample(std::uint64_t seed, std::uint64_t stream, mview out) const {
        detail::require_size("analysis_l1::sample", out.size(), size());
        std::vector<double> c(size());
        const double a = m_alpha;
        // u ∈ (0,1) strictly, so the logarithm is finite: x = −sign(u − ½) ln(1 − 2|u − ½|)/α.
        assign(backend::serial{}, as_view(c),
               random_uniform<double>(size(), seed, 0, stream) - 0.5);
        for (double& v : c) v = -(v > 0 ? 1.0 : -1.0) * std::log(1 - 2 * std::abs(v)) / a;
        m_basis.apply(as_view(c), out);
    }

private:
    /// Per-thread coefficient scratch (n): value and prox stay allocation-free after a
    /// thread's first call and are safe to call from concurrent chains.
    mview coefficients() const {
        thread_local std::vector<double> c;
        if (c.size() < size()) c.resize(size());
        return {c.data(), size()};
    }

    Basis m_basis;
    double m_alpha;
};

/// g(x) = α‖x‖₁, the pixel-wise Laplace prior.
using l1_norm = analysis_l1<identity_operator>;
/// α‖x‖₁ on n pixels.
inline l1_norm make_l1_norm(std::size_t n, double alpha) {
    return l1_norm(identity_operator(n), alpha);
}

/// The indicator of the box [lo, hi]ⁿ (0 inside, +∞ outside); its prox is the projection
/// (clamping), for every γ. lo = 0, hi = +∞ gives positivity. Improper when unbounded.
class box_indicator {
public:
    /// Throws invalid_argument unless lo ≤ hi (infinite bounds allowed, NaN not).
    box_indicator(std::size_t n, double lo, double hi) : m_n(n), m_lo(lo), m_hi(hi) {
        if (!(lo <= hi))
            sphaera::detail::raise<invalid_argument>("box_indicator: lo = ", lo, " and hi = ", hi,
                                                     "; need lo <= hi");
    }
    [[nodiscard]] std::size_t size() const { return m_n; }
    [[nodiscard]] double value(cview x) const {
        for (double v : x)
            if (!(v >= m_lo && v <= m_hi)) return std::numeric_limits<double>::infinity();
        return 0.0;
    }
    void prox(cview x, mview out, double /*gamma*/) const {
        detail::require_size("box_indicator::prox", x.size(), m_n);
        assign(backend::serial{}, out, minimum(maximum(x, m_lo), m_hi));
    }

private:
    std::size_t m_n;
    double m_lo, m_hi;
};

/// The positivity constraint x ≥ 0.
inline box_indicator positivity(std::size_t n) {
    return box_indicator(n, 0.0, std::numeric_limits<double>::infinity());
}

}  // namespace sphaera::sampling
