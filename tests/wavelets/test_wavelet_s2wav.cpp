/// \file test_wavelet_s2wav.cpp
/// \brief Compatibility mode (kernel_quadrature::s2wav_trapezium) against stored s2wav 1.0.4
/// outputs: analysis of a closed-form field and synthesis of a coefficient array that is
/// no field's analysis (another field's, reweighted per scale), for λ = 2, 3, J_min = 0, 2, N = 1, 3, 4, spin 0 and 2, spin0 0 and 2 (spin-lowered
/// wavelets), real (real_plan) and complex fields, MW and MWSS, full and multiresolution,
/// L = 16–32. The arrays and their format are made by data/generate_s2wav_reference.py
/// (its docstring defines the field, the coefficients and the stored samples); the
/// configuration is read from each file's name, so script and test cannot drift apart.

#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <cstdio>
#include <filesystem>
#include <string>
#include <type_traits>
#include <vector>

#include "sphaera/io/npy.hpp"
#include "sphaera/sht/plan.hpp"
#include "sphaera/sht/real_plan.hpp"
#include "sphaera/wavelets/plan.hpp"
#include "sphaera/wavelets/real_plan.hpp"
#include "wavelet_test_util.hpp"

using namespace sphaera;
using wavelets::resolution;
using C = std::complex<double>;

namespace {

struct config {
    wavelets::parameters p;
    bool reality = false;
    sht::sampling smp = sht::sampling::mw;
    resolution res = resolution::multi;
};

/// Parses L{L}_N{N}_lam{λ}_jmin{J}_spin{s}_spin0{s0}_{real|complex}_{mw|mwss}_{multi|full}.npy.
bool parse(const std::string& name, config& c) {
    int L = 0, N = 0, lam = 0, jmin = 0, spin = 0, spin0 = 0;
    char field[16] = {}, smp[16] = {}, res[16] = {};
    if (std::sscanf(name.c_str(), "L%d_N%d_lam%d_jmin%d_spin%d_spin0%d_%15[a-z]_%15[a-z]_%15[a-z].npy", &L, &N, &lam,
                    &jmin, &spin, &spin0, field, smp, res) != 9)
        return false;
    c.p.L = L;
    c.p.N = N;
    c.p.lambda = lam;
    c.p.J_min = jmin;
    c.p.spin = spin;
    c.p.spin0 = spin0;
    c.p.quadrature = wavelets::kernel_quadrature::s2wav_trapezium;
    c.reality = std::string(field) == "real";
    c.smp = std::string(smp) == "mwss" ? sht::sampling::mwss : sht::sampling::mw;
    c.res = std::string(res) == "full" ? resolution::full : resolution::multi;
    return true;
}

/// The script's field F, or F2 for `second` (Hermitian for real fields): (L²).
std::vector<C> field_alm(const config& c, bool second) {
    const int L = c.p.L, lmin = std::max(std::abs(c.p.spin), std::abs(c.p.spin0));
    std::vector<C> f(sht::alm_count(L), 0.0);
    for (int l = lmin; l < L; ++l) {
        for (int m = -l; m <= l; ++m)
            f[sht::alm_index(l, m)] =
                second ? C(std::sin(0.4 * l - 0.2 * m + 0.3), std::cos(0.9 * l + 0.6 * m)) / (1 + 0.1 * l)
                       : C(std::cos(0.7 * l + 0.3 * m + 0.1), std::sin(1.3 * l - 0.5 * m + 0.2)) / (1 + 0.05 * l);
        if (c.reality) {
            f[sht::alm_index(l, 0)] = f[sht::alm_index(l, 0)].real();
            for (int m = 1; m <= l; ++m) f[sht::alm_index(l, -m)] = (m % 2 ? -1.0 : 1.0) * std::conj(f[sht::alm_index(l, m)]);
        }
    }
    return f;
}

/// The script's coefficient array C from the analysis a of F2: scaling block × 0.5, the
/// b-th wavelet scale × (1 + 0.25 b).
template <class Plan, class V>
void reweigh_blocks(const Plan& w, V& a) {
    for (std::size_t i = 0; i < w.scaling_size(); ++i) a[i] *= 0.5;
    for (int j = w.tiling().j_min(); j <= w.tiling().j_max(); ++j) {
        const auto& sc = w.scale(j);
        for (std::size_t i = sc.offset; i < sc.offset + sc.size(); ++i) a[i] *= 1 + 0.25 * (j - w.tiling().j_min());
    }
}

/// The script's sampling of an array of n values into at most `most`: every step-th value,
/// step = max(1, ⌈n/most⌉), which leaves ⌈n/step⌉ ≤ most samples.
std::size_t sample_step(std::size_t n, std::size_t most) { return std::max<std::size_t>(1, (n + most - 1) / most); }
std::size_t sample_count(std::size_t n, std::size_t most) { return (n + sample_step(n, most) - 1) / sample_step(n, most); }

/// Compares our full output v with its stored samples ref[first, …) and the stored Σ|v|²:
/// the samples relative to their maximum, the sum relative to itself.
struct comparison {
    double samples = 0, norm = 0;
};
comparison compare(const std::vector<C>& v, const std::vector<C>& ref, std::size_t first, std::size_t most,
                   double ref_norm2) {
    const std::size_t step = sample_step(v.size(), most);
    double e = 0, mx = 0, n2 = 0;
    for (std::size_t k = 0; k < sample_count(v.size(), most); ++k) {
        e = std::max(e, std::abs(v[k * step] - ref[first + k]));
        mx = std::max(mx, std::abs(ref[first + k]));
    }
    for (const auto& x : v) n2 += std::norm(x);
    return {e / mx, std::abs(n2 - ref_norm2) / ref_norm2};
}

/// Our analysis of F and synthesis of C, flattened as the script flattens s2wav's.
template <class Plan>
void transforms(const config& c, const Plan& w, std::vector<C>& ana, std::vector<C>& syn) {
    const auto f = field_alm(c, false), f2 = field_alm(c, true);
    std::vector<C> flm(w.alm_size());
    if constexpr (std::is_same_v<Plan, wavelets::real_plan<double>>) {
        std::vector<double> out(w.coefficients_size()), coef(w.coefficients_size());
        w.analysis_harmonic({f.data(), f.size()}, {out.data(), out.size()});
        ana.assign(out.begin(), out.end());
        w.analysis_harmonic({f2.data(), f2.size()}, {coef.data(), coef.size()});
        reweigh_blocks(w, coef);
        w.synthesis_harmonic({coef.data(), coef.size()}, {flm.data(), flm.size()});
    } else {
        std::vector<C> coef(w.coefficients_size());
        ana.resize(w.coefficients_size());
        w.analysis_harmonic({f.data(), f.size()}, {ana.data(), ana.size()});
        w.analysis_harmonic({f2.data(), f2.size()}, {coef.data(), coef.size()});
        reweigh_blocks(w, coef);
        w.synthesis_harmonic({coef.data(), coef.size()}, {flm.data(), flm.size()});
    }
    // s2wav synthesises with the analysis wavelets Φη, Ψη; ours with the dual frame Φ/η,
    // Ψ/η (exact inverse), so s2wav's result is ours times η_ℓ² (1 for spin0 = 0).
    for (int l = 0; l < c.p.L; ++l)
        for (int m = -l; m <= l; ++m) flm[sht::alm_index(l, m)] *= std::pow(w.tiling().spin_normalisation(l), 2);
    sht::plan<double> s(c.p.L, c.p.spin, wavelets::sampling_geometry(c.smp, c.p.L));
    syn.resize(s.map_size());
    s.synthesis({flm.data(), flm.size()}, {syn.data(), syn.size()});
}

}  // namespace

TEST_CASE("compatibility mode matches stored s2wav 1.0.4 outputs", "[wavelets][compat][s2wav]") {
    const std::filesystem::path dir = SPHAERA_WAVELET_DATA_DIR;
    int files = 0;
    bool seen_spin0 = false, seen_real = false, seen_full = false, seen_lam3 = false, seen_mwss = false;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        config c;
        const std::string name = e.path().filename().string();
        if (e.path().extension() != ".npy" || !parse(name, c)) continue;
        ++files;
        seen_spin0 |= c.p.spin0 != 0;
        seen_real |= c.reality;
        seen_full |= c.res == resolution::full;
        seen_lam3 |= c.p.lambda == 3.0;
        seen_mwss |= c.smp == sht::sampling::mwss;
        const auto ref = io::read_npy<C>(e.path()).values;
        std::vector<C> ana, syn;
        if (c.reality) transforms(c, wavelets::real_plan<double>(c.p, c.res, c.smp), ana, syn);
        else transforms(c, wavelets::plan<double>(c.p, c.res, c.smp), ana, syn);
        INFO(name << ": " << ana.size() << " coefficients, " << syn.size() << " samples");
        const std::size_t nw = sample_count(ana.size(), 128);
        REQUIRE(ref.size() == 2 + nw + sample_count(syn.size(), 64));
        const auto a = compare(ana, ref, 2, 128, ref[0].real());
        const auto s = compare(syn, ref, 2 + nw, 64, ref[1].real());
        INFO("analysis: samples " << a.samples << ", norm " << a.norm << "; synthesis: samples " << s.samples
                                  << ", norm " << s.norm);
        CHECK(a.samples <= 1e-12);
        CHECK(a.norm <= 1e-12);
        CHECK(s.samples <= 1e-12);
        CHECK(s.norm <= 1e-12);
    }
    // The generator's configurations (a missing file is a failure, not a silent skip).
    CHECK(files >= 19);
    CHECK(seen_spin0);
    CHECK(seen_real);
    CHECK(seen_full);
    CHECK(seen_lam3);
    CHECK(seen_mwss);
}
