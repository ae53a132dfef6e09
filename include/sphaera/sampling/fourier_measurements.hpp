#pragma once
/// \file fourier_measurements.hpp
/// \brief Subsampled Fourier measurements of a real image (radio-interferometry-like):
/// y = S F x with F the unitary 2-D DFT and S a selection of frequencies.
///
/// A real image's spectrum is Hermitian, so each frequency f and −f carry the same
/// information. We therefore measure canonical frequencies only, and write each one in
/// the real orthonormal Fourier basis: (√2 Re X̂_f, √2 Im X̂_f) with X̂ = F x (X̂ = X/√n),
/// or Re X̂_f alone at the self-conjugate frequencies (f ≡ −f: DC and Nyquist corners).
/// Then the rows of Φ are orthonormal, ΦΦᵀ = I exactly (a tight frame, ν = 1), and the
/// visibility is recovered as X̂_f = (y₀ + i y₁)/√2.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/core/random.hpp"
#include "sphaera/sampling/concepts.hpp"
#include "sphaera/sampling/fft2.hpp"

namespace sphaera::sampling {

/// A frequency (ky, kx) with ky ∈ [0, ny), kx ∈ [0, nx) (DFT index convention).
struct frequency {
    std::size_t ky = 0;
    std::size_t kx = 0;
};

/// Subsampled unitary Fourier measurements, ℝⁿ → ℝᵐ (layout in the file notes). Move-only.
class fourier_measurement_operator {
public:
    /// Measures the listed frequencies of a (ny, nx) image. A frequency and its conjugate
    /// are the same measurement: duplicates (either way) are dropped, order is kept.
    /// Throws invalid_argument for an index out of range or an empty selection.
    fourier_measurement_operator(image_shape s, const std::vector<frequency>& freqs)
        : m_shape(s), m_fft(s) {
        const std::size_t nh = s.nx / 2 + 1;
        std::set<std::pair<std::size_t, std::size_t>> seen;
        for (const frequency& f : freqs) {
            if (f.ky >= s.ny || f.kx >= s.nx)
                sphaera::detail::raise<invalid_argument>(
                    "fourier_measurement_operator: frequency (", f.ky, ", ", f.kx,
                    ") is out of range; valid ranges are [0, ", s.ny, ") x [0, ", s.nx, ")");
            // Canonical representative: kx in the half spectrum, then ky ≤ ny/2 on the
            // self-conjugate columns kx = 0 and kx = nx/2, where (ky, kx) ≡ (−ky, kx)*.
            std::size_t ky = f.ky, kx = f.kx;
            if (kx >= nh) { kx = s.nx - kx; ky = (s.ny - ky) % s.ny; }
            const bool edge_column = kx == 0 || 2 * kx == s.nx;
            if (edge_column && 2 * ky > s.ny) ky = s.ny - ky;
            if (!seen.insert({ky, kx}).second) continue;
            entry e;
            e.index = ky * nh + kx;
            e.self_conjugate = edge_column && (ky == 0 || 2 * ky == s.ny);
            e.partner = edge_column && !e.self_conjugate ? ((s.ny - ky) % s.ny) * nh + kx : npos;
            m_entries.push_back(e);
            m_out += e.self_conjugate ? 1 : 2;
        }
        if (m_entries.empty())
            sphaera::detail::raise<invalid_argument>(
                "fourier_measurement_operator: no frequency selected; at least one is needed");
    }

    [[nodiscard]] image_shape shape() const { return m_shape; }
    [[nodiscard]] std::size_t in_size() const { return m_shape.size(); }
    [[nodiscard]] std::size_t out_size() const { return m_out; }
    /// Number of distinct measured frequencies.
    [[nodiscard]] std::size_t frequencies() const { return m_entries.size(); }
    [[nodiscard]] double frame_bound() const { return 1.0; }
    [[nodiscard]] double norm_squared() const { return 1.0; }

    void apply(cview x /*(ny, nx)*/, mview y /*(m)*/) const {
        detail::require_size("fourier_measurement_operator::apply: x", x.size(), in_size());
        detail::require_size("fourier_measurement_operator::apply: y", y.size(), m_out);
        std::complex<double>* spec = detail::spectrum_scratch(m_fft.spectrum_size());
        m_fft.forward(x.data(), spec);
        const double c = 1.0 / std::sqrt(static_cast<double>(in_size()));
        const double c2 = c * std::sqrt(2.0);
        std::size_t o = 0;
        for (const entry& e : m_entries) {
            if (e.self_conjugate) {
                y[o++] = c * spec[e.index].real();
            } else {
                y[o++] = c2 * spec[e.index].real();
                y[o++] = c2 * spec[e.index].imag();
            }
        }
    }

    void adjoint(cview y /*(m)*/, mview x /*(ny, nx)*/) const {
        detail::require_size("fourier_measurement_operator::adjoint: y", y.size(), m_out);
        detail::require_size("fourier_measurement_operator::adjoint: x", x.size(), in_size());
        const std::size_t ns = m_fft.spectrum_size();
        std::complex<double>* spec = detail::spectrum_scratch(ns);
        std::fill(spec, spec + ns, std::complex<double>(0));
        const double c = 1.0 / std::sqrt(static_cast<double>(in_size()));
        // c2r adds Y e^{iθ} and its conjugate for every half-spectrum entry off the edge
        // columns, hence the ½ that makes 2 Re(Y e^{iθ}) = (√2/√n) Re((a + ib) e^{iθ}).
        const double half = c * std::sqrt(2.0) / 2;
        std::size_t o = 0;
        for (const entry& e : m_entries) {
            if (e.self_conjugate) {
                spec[e.index] = c * y[o++];
            } else {
                const std::complex<double> v(half * y[o], half * y[o + 1]);
                o += 2;
                spec[e.index] = v;
                // On an edge column c2r reads both ky and −ky: store the Hermitian pair.
                if (e.partner != npos) spec[e.partner] = std::conj(v);
            }
        }
        m_fft.backward(spec, x.data());
    }

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    struct entry {
        std::size_t index = 0;    // position in the half spectrum (ny, nx/2 + 1)
        std::size_t partner = 0;  // conjugate position on an edge column, or npos
        bool self_conjugate = false;
    };
    image_shape m_shape;
    real_fft2 m_fft;
    std::vector<entry> m_entries;
    std::size_t m_out = 0;
};

/// A random variable-density selection of about \p fraction of the canonical frequencies
/// (density ∝ 1/(1 + |k|/k₀), denser at low |k| like a radio uv-coverage), always
/// including DC. Deterministic for a seed (Philox stream 0).
inline std::vector<frequency> random_frequencies(image_shape s, double fraction,
                                                 std::uint64_t seed) {
    if (!(fraction > 0 && fraction <= 1))
        sphaera::detail::raise<invalid_argument>("random_frequencies: fraction = ", fraction,
                                                 " is out of range; valid range is (0, 1]");
    std::vector<frequency> out{{0, 0}};
    const double k0 = 0.1 * static_cast<double>(std::max(s.ny, s.nx));
    auto weight = [&](std::size_t ky, std::size_t kx) {
        const double fy = static_cast<double>(std::min(ky, s.ny - ky));
        return 1.0 / (1.0 + std::hypot(fy, static_cast<double>(kx)) / k0);
    };
    // Normalise the weights so that the expected count is fraction of the half spectrum.
    double total = 0;
    for (std::size_t ky = 0; ky < s.ny; ++ky)
        for (std::size_t kx = 0; kx <= s.nx / 2; ++kx) total += weight(ky, kx);
    const double scale = fraction * static_cast<double>(s.ny * (s.nx / 2 + 1)) / total;
    std::uint64_t draw = 0;
    for (std::size_t ky = 0; ky < s.ny; ++ky)
        for (std::size_t kx = 0; kx <= s.nx / 2; ++kx)
            if (uniform<double>(seed, draw++) < std::min(1.0, scale * weight(ky, kx)) &&
                (ky | kx) != 0)
                out.push_back({ky, kx});
    return out;
}

}  // namespace sphaera::sampling
