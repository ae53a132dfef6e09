// sphaera_wavelets: directional scale-discretised wavelet transforms of .npy files.
//
//   sphaera_wavelets {analysis|synthesis|roundtrip} --L <L> [--N <N>] [--lambda <λ>] [--J-min <j>]
//                    [--spin <s>] [--spin0 <s0>] [--sampling {mw|mwss|gl|dh|cc}] [--resolution {multi|full}]
//                    [--compat s2wav] [--reality] [--threads <n>] [--repeat <n>]
//                    <in.npy> <out.npy>
//
// Map side: complex128 (float64 with --reality) of shape (ntheta, nphi). Coefficient side:
// one flat 1-D array (complex128, or float64 with --reality) laid out as
// wavelets/layout.hpp says:
//   [ scaling (npix_s) | scale J_min: (2N_j−1, ntheta_j, nphi_j) | … | scale J_max ],
// i.e. s2wav's f_scal followed by each f_wav[j] raveled in C order (multiresolution, the
// default, is s2wav's only mode). --compat s2wav uses s2wav's numeric conventions (its
// trapezium quadrature of the kernel integral and its J_max formula). --spin0 s0 uses
// spin-lowered wavelets (s2wav's spin0; synthesis stays the exact inverse, the dual
// frame, where s2wav's synthesis returns f_lm times eta_l^2). analysis goes map →
// coefficients, synthesis coefficients → map. --repeat n times n further executions of the
// transform alone (after planning and the first run) and prints `median_s=<seconds>`.
// roundtrip goes map → map through analysis then synthesis (timed together, for speed and
// peak-memory measurements of one analysis + synthesis) and prints `max_error=<max|g − f|>`.
// Any bad argument or file: one line on stderr, exit 2.
#include "cli_support.hpp"
#include <sphaera/io/npy.hpp>
#include <sphaera/wavelets/wavelets.hpp>

#include <algorithm>
#include <complex>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

using namespace sphaera;
using cd = std::complex<double>;

namespace {

using cli::check_shape;
using cli::parse_int;
using cli::usage_error;

struct options {
    std::string direction, in, out;
    wavelets::parameters p;
    sht::sampling sampling = sht::sampling::mw;
    wavelets::resolution res = wavelets::resolution::multi;
    int threads = 0, repeat = 0;
    bool reality = false;
};

double parse_double(std::string_view flag, std::string_view text) {
    const std::string s(text);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size())
        sphaera::detail::raise<usage_error>(flag, " expects a number, got '", text, "'");
    return v;
}

sht::sampling parse_sampling(std::string_view s) {
    if (s == "mw") return sht::sampling::mw;
    if (s == "mwss") return sht::sampling::mwss;
    if (s == "gl") return sht::sampling::gauss_legendre;
    if (s == "dh") return sht::sampling::driscoll_healy;
    if (s == "cc") return sht::sampling::clenshaw_curtis;
    sphaera::detail::raise<usage_error>("--sampling must be one of mw, mwss, gl, dh, cc; got '", s, "'");
}

options parse(int argc, char** argv) {
    options o;
    o.p.L = 0;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) sphaera::detail::raise<usage_error>(a, " needs a value");
            return argv[++i];
        };
        if (a == "--L") o.p.L = static_cast<int>(parse_int(a, value()));
        else if (a == "--N") o.p.N = static_cast<int>(parse_int(a, value()));
        else if (a == "--lambda") o.p.lambda = parse_double(a, value());
        else if (a == "--J-min") o.p.J_min = static_cast<int>(parse_int(a, value()));
        else if (a == "--spin") o.p.spin = static_cast<int>(parse_int(a, value()));
        else if (a == "--spin0") o.p.spin0 = static_cast<int>(parse_int(a, value()));
        else if (a == "--sampling") o.sampling = parse_sampling(value());
        else if (a == "--threads") o.threads = static_cast<int>(parse_int(a, value()));
        else if (a == "--repeat") o.repeat = static_cast<int>(parse_int(a, value()));
        else if (a == "--reality") o.reality = true;
        else if (a == "--resolution") {
            const auto r = value();
            if (r != "multi" && r != "full") sphaera::detail::raise<usage_error>("--resolution must be multi or full, got '", r, "'");
            o.res = r == "multi" ? wavelets::resolution::multi : wavelets::resolution::full;
        } else if (a == "--compat") {
            const auto c = value();
            if (c != "s2wav" && c != "none") sphaera::detail::raise<usage_error>("--compat must be s2wav or none, got '", c, "'");
            o.p.quadrature = c == "s2wav" ? wavelets::kernel_quadrature::s2wav_trapezium : wavelets::kernel_quadrature::exact;
        } else if (a.size() > 1 && a[0] == '-') sphaera::detail::raise<usage_error>("unknown option ", a);
        else positional.emplace_back(a);
    }
    if (positional.size() != 3)
        sphaera::detail::raise<usage_error>(
            "usage: sphaera_wavelets {analysis|synthesis|roundtrip} --L <L> [--N <N>] [--lambda <l>] [--J-min <j>] "
            "[--spin <s>] [--spin0 <s0>] [--sampling {mw|mwss|gl|dh|cc}] [--resolution {multi|full}] [--compat s2wav] "
            "[--reality] [--threads <n>] [--repeat <n>] <in.npy> <out.npy>");
    o.direction = positional[0];
    o.in = positional[1];
    o.out = positional[2];
    if (o.direction != "analysis" && o.direction != "synthesis" && o.direction != "roundtrip")
        sphaera::detail::raise<usage_error>("the transform must be analysis, synthesis or roundtrip, got '", o.direction, "'");
    if (o.threads < 0) sphaera::detail::raise<usage_error>("--threads = ", o.threads, " is out of range; valid range is [0, inf)");
    if (o.repeat < 0) sphaera::detail::raise<usage_error>("--repeat = ", o.repeat, " is out of range; valid range is [0, inf)");
    if (o.reality && o.p.spin != 0)
        sphaera::detail::raise<usage_error>("--reality needs --spin 0 (a real field has spin 0), got spin ", o.p.spin);
    return o;
}


/// The transform with plan type Plan on element type X (cd, or double with --reality).
template <class Plan, class X>
int transform(const options& o) {
    const Plan w(o.p, o.res, o.sampling, backend::openmp{o.threads});
    const auto g = wavelets::sampling_geometry(o.sampling, o.p.L);
    const std::vector<std::size_t> map_shape{g.nrings(), g[0].nphi}, coef_shape{w.coefficients_size()};
    const bool forward = o.direction == "analysis", roundtrip = o.direction == "roundtrip";
    auto in = io::read_npy<X>(o.in);
    check_shape(o.in, in.shape, forward || roundtrip ? map_shape : coef_shape);
    std::vector<X> out(forward ? w.coefficients_size() : w.map_size());
    std::vector<X> coef(roundtrip ? w.coefficients_size() : 0);
    const view<const X> x(in.values.data(), in.values.size());
    const view<X> y(out.data(), out.size());
    auto ws = w.make_workspace();  // the timed transforms allocate nothing
    cli::run_and_time(o.repeat, [&] {
        if (roundtrip) {
            w.analysis(x, view<X>(coef.data(), coef.size()), ws);
            w.synthesis(view<const X>(coef.data(), coef.size()), y, ws);
        } else if (forward) {
            w.analysis(x, y, ws);
        } else {
            w.synthesis(x, y, ws);
        }
    });
    if (roundtrip) {
        double e = 0;
        for (std::size_t i = 0; i < out.size(); ++i) e = std::max(e, static_cast<double>(std::abs(out[i] - in.values[i])));
        std::cout << "max_error=" << e << '\n';
    }
    io::write_npy(o.out, out, forward ? coef_shape : map_shape);
    return 0;
}

int run(int argc, char** argv) {
    const options o = parse(argc, argv);
    if (o.reality) return transform<wavelets::real_plan<double, backend::openmp>, double>(o);
    return transform<wavelets::plan<double, backend::openmp>, cd>(o);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const sphaera::error& e) {
        std::cerr << "sphaera_wavelets: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "sphaera_wavelets: " << e.what() << '\n';
        return 1;
    }
}
