// sphaera_sht: spherical harmonic transforms of .npy files from the command line.
//
//   sphaera_sht {synthesis|analysis|adjoint_synthesis|adjoint_analysis}
//               --sampling {mw|mwss|gl|dh|cc|healpix} --L <L> [--nside <n>] [--spin <s>]
//               [--reality] [--precision {double|single}] [--threads <n>] [--repeat <n>]
//               <in.npy> <out.npy>
//
// Harmonic side: 1-D complex128 of length L² (index ℓ² + ℓ + m). Map side: complex128
// (float64 with --reality) of shape (ntheta, nphi) for mw/mwss/gl/dh/cc, 1-D of length
// 12·nside² (RING order) for healpix. synthesis and adjoint_analysis go harmonic → map,
// analysis and adjoint_synthesis map → harmonic. --reality runs the real-field plans (half
// the work). --repeat n times n further executions of the transform alone (after planning
// and the first run) and prints `median_s=<seconds>` (wall) and `median_cpu_s=<seconds>`
// (process CPU time) on stdout, so external comparisons time the transform and not process
// start-up or file I/O. Any bad argument or file: one
// line on stderr, exit 2.
#include "cli_support.hpp"
#include <sphaera/io/npy.hpp>
#include <sphaera/sht/sht.hpp>

#include <algorithm>
#include <chrono>
#include <complex>
#include <cstddef>
#include <cstdlib>
#include <ctime>
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
    std::string direction, sampling, in, out;
    int L = 0, spin = 0, threads = 0, repeat = 0;
    long long nside = 0;
    bool reality = false, single = false;
};

options parse(int argc, char** argv) {
    options o;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) sphaera::detail::raise<usage_error>(a, " needs a value");
            return argv[++i];
        };
        if (a == "--sampling") o.sampling = value();
        else if (a == "--L") o.L = static_cast<int>(parse_int(a, value()));
        else if (a == "--nside") o.nside = parse_int(a, value());
        else if (a == "--spin") o.spin = static_cast<int>(parse_int(a, value()));
        else if (a == "--threads") o.threads = static_cast<int>(parse_int(a, value()));
        else if (a == "--repeat") o.repeat = static_cast<int>(parse_int(a, value()));
        else if (a == "--reality") o.reality = true;
        else if (a == "--precision") {
            const auto p = value();
            if (p != "double" && p != "single")
                sphaera::detail::raise<usage_error>("--precision must be double or single, got '", p, "'");
            o.single = p == "single";
        } else if (a.size() > 1 && a[0] == '-') sphaera::detail::raise<usage_error>("unknown option ", a);
        else positional.emplace_back(a);
    }
    if (positional.size() != 3)
        sphaera::detail::raise<usage_error>(
            "usage: sphaera_sht {synthesis|analysis|adjoint_synthesis|adjoint_analysis} "
            "--sampling {mw|mwss|gl|dh|cc|healpix} --L <L> [--nside <n>] [--spin <s>] [--reality] "
            "[--precision {double|single}] [--threads <n>] [--repeat <n>] <in.npy> <out.npy>");
    o.direction = positional[0];
    o.in = positional[1];
    o.out = positional[2];
    if (o.direction != "synthesis" && o.direction != "analysis" &&
        o.direction != "adjoint_synthesis" && o.direction != "adjoint_analysis")
        sphaera::detail::raise<usage_error>("the transform must be synthesis, analysis, adjoint_synthesis or "
                                            "adjoint_analysis, got '", o.direction, "'");
    if (o.L < 1) sphaera::detail::raise<usage_error>("--L = ", o.L, " is out of range; valid range is [1, ", sht::max_band_limit, "]");
    if (o.threads < 0) sphaera::detail::raise<usage_error>("--threads = ", o.threads, " is out of range; valid range is [0, inf)");
    if (o.repeat < 0) sphaera::detail::raise<usage_error>("--repeat = ", o.repeat, " is out of range; valid range is [0, inf)");
    if (o.reality && o.spin != 0)
        sphaera::detail::raise<usage_error>("--reality needs --spin 0 (a real field has spin 0), got spin ", o.spin);
    if (o.sampling == "healpix" && o.nside < 1)
        sphaera::detail::raise<usage_error>("--sampling healpix needs --nside >= 1, got ", o.nside);
    if (o.sampling != "healpix" && o.nside != 0)
        sphaera::detail::raise<usage_error>("--nside is only valid with --sampling healpix");
    return o;
}

sht::ring_geometry make_geometry(const options& o) {
    if (o.sampling == "mw") return sht::mw_geometry(o.L);
    if (o.sampling == "mwss") return sht::mwss_geometry(o.L);
    if (o.sampling == "gl") return sht::gauss_legendre_geometry(o.L);
    if (o.sampling == "dh") return sht::driscoll_healy_geometry(o.L);
    if (o.sampling == "cc") return sht::clenshaw_curtis_geometry(o.L);
    if (o.sampling == "healpix") return sht::healpix_geometry(o.nside);
    sphaera::detail::raise<usage_error>("--sampling must be one of mw, mwss, gl, dh, cc, healpix; got '", o.sampling, "'");
}

/// True for the directions that map harmonic coefficients to a map.
bool to_map(const options& o) { return o.direction == "synthesis" || o.direction == "adjoint_analysis"; }

/// CPU time of the whole process (all threads), seconds.
double process_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

/// Runs the transform once into y, then `repeat` more times, printing the median wall time
/// (`median_s=`) and the median process CPU time (`median_cpu_s=`, summed over threads: on
/// a shared machine the stable measure, since waiting for a core does not count). Every call
/// reuses one workspace (plan::make_workspace): the steady state of a caller that keeps one,
/// without the page faults of a fresh (orders × rings) phase buffer per call (134 MB for a
/// complex field at L = 2048).
/// `apply(in, out)` is the plan call for the direction.
template <class X, class Y, class Apply>
void execute(const options& o, const std::vector<X>& x, std::vector<Y>& y, Apply apply) {
    const view<const X> in(x.data(), x.size());
    const view<Y> out(y.data(), y.size());
    apply(in, out);
    if (o.repeat <= 0) return;
    std::vector<double> wall, cpu;
    for (int r = 0; r < o.repeat; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        const double c0 = process_cpu_seconds();
        apply(in, out);
        cpu.push_back(process_cpu_seconds() - c0);
        wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    const auto median = [](std::vector<double>& v) {
        const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
        std::nth_element(v.begin(), mid, v.end());
        return *mid;
    };
    std::cout << "median_s=" << median(wall) << '\n' << "median_cpu_s=" << median(cpu) << '\n';
}

/// Harmonic → map (synthesis or adjoint_analysis) with plan p.
template <class Plan, class X, class Y>
void run_to_map(const options& o, const Plan& p, const std::vector<X>& x, std::vector<Y>& y) {
    const bool adjoint = o.direction == "adjoint_analysis";
    auto w = p.make_workspace();
    execute(o, x, y, [&](auto in, auto out) {
        if (adjoint) p.adjoint_analysis(in, out, w);
        else p.synthesis(in, out, w);
    });
}

/// Map → harmonic (analysis or adjoint_synthesis) with plan p.
template <class Plan, class X, class Y>
void run_to_harmonic(const options& o, const Plan& p, const std::vector<X>& x, std::vector<Y>& y) {
    const bool adjoint = o.direction == "adjoint_synthesis";
    auto w = p.make_workspace();
    execute(o, x, y, [&](auto in, auto out) {
        if (adjoint) p.adjoint_synthesis(in, out, w);
        else p.analysis(in, out, w);
    });
}

/// Complex fields: the spin-s plan; maps and coefficients are complex.
template <class T>
std::vector<cd> transform(const options& o, const sht::ring_geometry& g, const std::vector<cd>& in) {
    using C = std::complex<T>;
    const sht::plan<T, backend::openmp> p(o.L, o.spin, g, backend::openmp{o.threads});
    const std::vector<C> x(in.begin(), in.end());
    std::vector<C> y(to_map(o) ? p.map_size() : p.alm_size());
    if (to_map(o)) run_to_map(o, p, x, y);
    else run_to_harmonic(o, p, x, y);
    return {y.begin(), y.end()};
}

/// Real fields (--reality): the real plan; maps are real, coefficients Hermitian.
template <class T>
std::vector<cd> transform_real(const options& o, const sht::ring_geometry& g, const std::vector<cd>& in) {
    using C = std::complex<T>;
    const sht::real_plan<T, backend::openmp> p(o.L, g, backend::openmp{o.threads});
    if (to_map(o)) {
        const std::vector<C> x(in.begin(), in.end());
        std::vector<T> y(p.map_size());
        run_to_map(o, p, x, y);
        return {y.begin(), y.end()};
    }
    std::vector<T> x(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) x[i] = static_cast<T>(in[i].real());
    std::vector<C> y(p.alm_size());
    run_to_harmonic(o, p, x, y);
    return {y.begin(), y.end()};
}

int run(int argc, char** argv) {
    const options o = parse(argc, argv);
    const auto g = make_geometry(o);
    const bool healpix = o.sampling == "healpix";
    const std::vector<std::size_t> map_shape =
        healpix ? std::vector<std::size_t>{g.npix()} : std::vector<std::size_t>{g.nrings(), g[0].nphi};
    const std::vector<std::size_t> alm_shape{static_cast<std::size_t>(o.L) * static_cast<std::size_t>(o.L)};
    std::vector<cd> in;
    if (to_map(o)) {
        auto a = io::read_npy<cd>(o.in);
        check_shape(o.in, a.shape, alm_shape);
        in = std::move(a.values);
    } else if (o.reality) {
        auto f = io::read_npy<double>(o.in);
        check_shape(o.in, f.shape, map_shape);
        in.assign(f.values.begin(), f.values.end());
    } else {
        auto f = io::read_npy<cd>(o.in);
        check_shape(o.in, f.shape, map_shape);
        in = std::move(f.values);
    }
    const auto out = o.reality ? (o.single ? transform_real<float>(o, g, in) : transform_real<double>(o, g, in))
                               : (o.single ? transform<float>(o, g, in) : transform<double>(o, g, in));
    if (!to_map(o)) {
        io::write_npy(o.out, out, alm_shape);
    } else if (o.reality) {
        std::vector<double> re(out.size());
        for (std::size_t i = 0; i < out.size(); ++i) re[i] = out[i].real();
        io::write_npy(o.out, re, map_shape);
    } else {
        io::write_npy(o.out, out, map_shape);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const sphaera::error& e) {
        std::cerr << "sphaera_sht: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "sphaera_sht: " << e.what() << '\n';
        return 1;
    }
}
