#pragma once
// Closed-form references of the sampling tests, computed independently of the library
// (direct DFTs in long double, erfc).
//
// Gaussian prior N(0, τ²I), likelihood y = h ⊛ x + N(0, σ²I) with a periodic blur: the unitary
// DFT diagonalises everything. With H_k = Σ h e^{−2πi k·j/N} (the blur's eigenvalues) and
// Ŷ_k the unnormalised DFT of y:
//   posterior precision a_k = |H_k|²/σ² + 1/τ²,  mean m̂_k = conj(H_k) Ŷ_k / (σ² a_k),
//   pixel variance v = (1/n) Σ_k 1/a_k (the posterior is stationary),
//   evidence y ~ N(0, σ²I + τ²ΦΦᵀ): ln Z = −½ Σ_k [ |Ŷ_k|²/(n c_k) + ln(2π c_k) ],
//   c_k = σ² + τ²|H_k|².
// MYULA's Moreau–Yosida target replaces τ² by τ² + λ; its step-δ chain on a Gaussian with
// precision a has stationary variance 1/(a(1 − δa/2)).
//
// Laplace prior (α/2)e^{−α|x|} per pixel with y = x + N(0, σ²) (Φ = I): completing the square
// on each half-line,
//   Z_i = (α/2)[A + B],  A = e^{−αy + α²σ²/2} Φ_N((y − ασ²)/σ),  B = e^{αy + α²σ²/2} Φ_N(−(y + ασ²)/σ),
// the posterior is the mixture (A, B) of N(y − ασ², σ²) truncated to x > 0 and N(y + ασ², σ²)
// truncated to x < 0, so E[x|y] = (A m₊ + B m₋)/(A + B) with the truncated-normal means
//   m₊ = μ₊ + σ φ(μ₊/σ)/Φ_N(μ₊/σ),  m₋ = μ₋ − σ φ(μ₋/σ)/Φ_N(−μ₋/σ),  μ± = y ∓ ασ².
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "sphaera/sampling/concepts.hpp"

namespace sphaera::sampling::reference {

using cld = std::complex<long double>;

/// Unnormalised 2-D DFT of a real (ny, nx) image, direct separable sums in long double.
inline std::vector<cld> dft2(const std::vector<double>& x, image_shape s) {
    const long double two_pi = 2 * std::numbers::pi_v<long double>;
    std::vector<cld> rows(s.size()), out(s.size());
    for (std::size_t i = 0; i < s.ny; ++i)
        for (std::size_t l = 0; l < s.nx; ++l) {
            cld acc = 0;
            for (std::size_t j = 0; j < s.nx; ++j)
                acc += (long double)x[i * s.nx + j] * std::polar(1.0L, -two_pi * (long double)(l * j % s.nx) / s.nx);
            rows[i * s.nx + l] = acc;
        }
    for (std::size_t k = 0; k < s.ny; ++k)
        for (std::size_t l = 0; l < s.nx; ++l) {
            cld acc = 0;
            for (std::size_t i = 0; i < s.ny; ++i)
                acc += rows[i * s.nx + l] * std::polar(1.0L, -two_pi * (long double)(k * i % s.ny) / s.ny);
            out[k * s.nx + l] = acc;
        }
    return out;
}

/// Inverse of dft2 (real part), including the 1/n.
inline std::vector<double> idft2_real(const std::vector<cld>& X, image_shape s) {
    std::vector<cld> c(X.size());
    for (std::size_t k = 0; k < X.size(); ++k) c[k] = std::conj(X[k]);
    // conj(DFT(conj X)) = n·IDFT(X); reuse dft2 on real and imaginary parts.
    std::vector<double> re(X.size()), im(X.size());
    for (std::size_t k = 0; k < X.size(); ++k) { re[k] = (double)c[k].real(); im[k] = (double)c[k].imag(); }
    const auto a = dft2(re, s), b = dft2(im, s);
    std::vector<double> out(X.size());
    for (std::size_t k = 0; k < X.size(); ++k) {
        const cld v = a[k] + cld(0, 1) * b[k];
        out[k] = (double)(std::conj(v).real() / (long double)s.size());
    }
    return out;
}

/// The Gaussian–blur posterior and evidence (see the file notes); tau2 = τ² (MYULA: τ² + λ).
struct gaussian_posterior {
    std::vector<double> mean;
    double pixel_variance = 0;
    double log_evidence = 0;
    std::vector<long double> precision;  // a_k, full spectrum
};

inline gaussian_posterior gaussian_blur_posterior(const std::vector<double>& kernel, image_shape s,
                                                  const std::vector<double>& y, double sigma, double tau2) {
    const auto H = dft2(kernel, s), Y = dft2(y, s);
    const long double s2 = (long double)sigma * sigma, n = s.size();
    gaussian_posterior p;
    p.precision.resize(s.size());
    std::vector<cld> M(s.size());
    long double var = 0, lz = 0;
    for (std::size_t k = 0; k < s.size(); ++k) {
        const long double h2 = std::norm(H[k]);
        const long double a = h2 / s2 + 1 / (long double)tau2;
        p.precision[k] = a;
        M[k] = std::conj(H[k]) * Y[k] / (s2 * a);
        var += 1 / a;
        const long double c = s2 + tau2 * h2;
        lz += -0.5L * (std::norm(Y[k]) / (n * c) + std::log(2 * std::numbers::pi_v<long double> * c));
    }
    p.mean = idft2_real(M, s);
    p.pixel_variance = (double)(var / n);
    p.log_evidence = (double)lz;
    return p;
}

/// Stationary pixel variance of a step-δ ULA chain on the Gaussian with precisions a_k.
inline double ula_pixel_variance(const std::vector<long double>& a, double delta) {
    long double v = 0;
    for (long double ak : a) v += 1 / (ak * (1 - delta * ak / 2));
    return (double)(v / a.size());
}

/// Stationary pixel variance of SK-ROCK (s stages, damping η, step δ) on the Gaussian with
/// precisions a_k: per mode the scheme is x' = R x + S √(2δ) ξ, so the variance is
/// 2δS²/(1 − R²); R and S come from running the stage recursion on x = 1 and on ξ = 1.
inline double skrock_pixel_variance(const std::vector<long double>& a, double delta, std::size_t s, double eta) {
    const long double w0 = 1 + (long double)eta / (s * s);
    std::vector<long double> T{1, w0}, U{1, 2 * w0};
    for (std::size_t j = 2; j <= s; ++j) {
        T.push_back(2 * w0 * T[j - 1] - T[j - 2]);
        U.push_back(2 * w0 * U[j - 1] - U[j - 2]);
    }
    const long double w1 = T[s] / (s * U[s - 1]);
    long double v = 0;
    for (long double ak : a) {
        const long double p = delta * ak;
        auto run = [&](long double x, long double q) {
            long double km2 = x, km1 = x - (w1 / w0) * p * (x + s * w1 / 2 * q) + s * w1 / w0 * q;
            for (std::size_t j = 2; j <= s; ++j) {
                const long double nu = 2 * w0 * T[j - 1] / T[j], mu = 2 * w1 * T[j - 1] / T[j];
                const long double k = -mu * p * km1 + nu * km1 + (1 - nu) * km2;
                km2 = km1;
                km1 = k;
            }
            return km1;
        };
        const long double R = run(1, 0), S = run(0, 1);
        v += 2 * delta * S * S / (1 - R * R);
    }
    return (double)(v / a.size());
}

/// Per-pixel Laplace–Gaussian evidence ln Z and posterior means (file notes).
struct laplace_posterior {
    std::vector<double> mean;
    double log_evidence = 0;
};

inline laplace_posterior laplace_denoising(const std::vector<double>& y, double sigma, double alpha) {
    laplace_posterior p;
    long double lz = 0;
    const long double s = sigma, a = alpha;
    auto Phi = [](long double z) { return 0.5L * std::erfc(-z / std::sqrt(2.0L)); };
    auto phi = [](long double z) { return std::exp(-z * z / 2) / std::sqrt(2 * std::numbers::pi_v<long double>); };
    for (double yd : y) {
        const long double yi = yd, mp = yi - a * s * s, mm = yi + a * s * s;
        const long double A = std::exp(-a * yi + a * a * s * s / 2) * Phi(mp / s);
        const long double B = std::exp(a * yi + a * a * s * s / 2) * Phi(-mm / s);
        lz += std::log(a / 2 * (A + B));
        const long double m_plus = mp + s * phi(mp / s) / Phi(mp / s);
        const long double m_minus = mm - s * phi(mm / s) / Phi(-mm / s);
        p.mean.push_back((double)((A * m_plus + B * m_minus) / (A + B)));
    }
    p.log_evidence = (double)lz;
    return p;
}

}  // namespace sphaera::sampling::reference
