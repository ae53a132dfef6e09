/// \file test_sht_cli.cpp
/// \brief The command-line program sphaera_sht (examples/sphaera_sht.cpp) run as a user runs
/// it: .npy in, .npy out, the same numbers as the plans; `--repeat` prints a median time;
/// bad arguments and files give one line on stderr and exit code 2. CMake passes the built
/// program's path as SPHAERA_SHT_CLI.

#include <catch2/catch.hpp>

#include "support/cli.hpp"

#include <algorithm>
#include <complex>
#include <filesystem>
#include <string>
#include <vector>

#include "support/backends.hpp"
#include <sphaera/io/npy.hpp>
#include <sphaera/sht/sht.hpp>

#ifndef SPHAERA_SHT_CLI
#error "SPHAERA_SHT_CLI must name the sphaera_sht executable"
#endif

namespace fs = std::filesystem;
using namespace sphaera;
using cd = std::complex<double>;

namespace {

using outcome = sphaera::test::cli_outcome;

/// Runs the program under test with \p args (already quoted where needed).
outcome run(const fs::path& dir, const std::string& args) {
    return sphaera::test::run_cli(SPHAERA_SHT_CLI, dir, args);
}

fs::path scratch(const std::string& name) { return test::unique_scratch("sht_cli_" + name); }

/// "options 'in' 'out'". Built by append: g++ 12 -O3 warns falsely (-Wrestrict) on
/// "literal" + std::string&&.
std::string with_files(const std::string& options, const fs::path& in, const fs::path& out) {
    std::string s = options;
    s.append(" '").append(in.string()).append("' '").append(out.string()).append("'");
    return s;
}

/// Random coefficients of a real field (Hermitian: a_ℓ,−m = (−1)^m conj(a_ℓm)).
std::vector<cd> hermitian_alm(int L, std::uint64_t seed) {
    auto a = test::normal<cd>(std::size_t(L) * L, seed);
    for (int l = 0; l < L; ++l) {
        a[sht::alm_index(l, 0)] = a[sht::alm_index(l, 0)].real();
        for (int m = 1; m <= l; ++m)
            a[sht::alm_index(l, -m)] = (m % 2 ? -1.0 : 1.0) * std::conj(a[sht::alm_index(l, m)]);
    }
    return a;
}

template <class T>
double max_abs_diff(const std::vector<T>& a, const std::vector<T>& b) {
    REQUIRE(a.size() == b.size());
    double d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, double(std::abs(a[i] - b[i])));
    return d;
}

}  // namespace

TEST_CASE("sphaera_sht synthesis and analysis give the plans' numbers", "[sht][cli]") {
    const auto dir = scratch("complex");
    const int L = 12, spin = 2;
    const auto a = test::normal<cd>(std::size_t(L) * L, 5);
    io::write_npy(dir / "alm.npy", a, {a.size()});
    const auto r = run(dir, with_files("synthesis --sampling mw --L 12 --spin 2", dir / "alm.npy", dir / "map.npy"));
    REQUIRE(r.code == 0);
    const auto map = io::read_npy<cd>(dir / "map.npy");
    CHECK(map.shape == std::vector<std::size_t>{std::size_t(L), std::size_t(2 * L - 1)});

    const sht::plan<double> p(L, spin, sht::mw_geometry(L));
    std::vector<cd> expected(p.map_size());
    p.synthesis(view<const cd>(a.data(), a.size()), view<cd>(expected.data(), expected.size()));
    CHECK(max_abs_diff(map.values, expected) <= 1e-13);

    // Analysis back: exact on MW (entries with ℓ < |s| are zero by convention).
    REQUIRE(run(dir, with_files("analysis --sampling mw --L 12 --spin 2", dir / "map.npy", dir / "back.npy")).code == 0);
    auto back = io::read_npy<cd>(dir / "back.npy").values;
    auto a_valid = a;
    for (int l = 0; l < spin; ++l)
        for (int m = -l; m <= l; ++m) a_valid[sht::alm_index(l, m)] = 0;
    CHECK(max_abs_diff(back, a_valid) <= 1e-12);

    // adjoint_synthesis is the plan's adjoint.
    REQUIRE(run(dir, with_files("adjoint_synthesis --sampling mw --L 12 --spin 2", dir / "map.npy", dir / "adj.npy")).code == 0);
    std::vector<cd> adj(p.alm_size());
    p.adjoint_synthesis(view<const cd>(map.values.data(), map.values.size()), view<cd>(adj.data(), adj.size()));
    CHECK(max_abs_diff(io::read_npy<cd>(dir / "adj.npy").values, adj) <= 1e-12);
    fs::remove_all(dir);
}

TEST_CASE("sphaera_sht --reality, healpix and --repeat", "[sht][cli]") {
    const auto dir = scratch("real");
    const int L = 10;
    const auto a = hermitian_alm(L, 9);
    io::write_npy(dir / "alm.npy", a, {a.size()});
    REQUIRE(run(dir, with_files("synthesis --sampling gl --L 10 --reality --repeat 3", dir / "alm.npy", dir / "map.npy")).code == 0);
    const auto map = io::read_npy<double>(dir / "map.npy");
    CHECK(map.shape == std::vector<std::size_t>{std::size_t(L), std::size_t(2 * L - 1)});
    const auto r = run(dir, with_files("analysis --sampling gl --L 10 --reality --repeat 3", dir / "map.npy", dir / "back.npy"));
    REQUIRE(r.code == 0);
    CHECK(r.out.find("median_s=") != std::string::npos);
    CHECK(r.out.find("median_cpu_s=") != std::string::npos);
    CHECK(max_abs_diff(io::read_npy<cd>(dir / "back.npy").values, a) <= 1e-12);

    REQUIRE(run(dir, with_files("synthesis --sampling healpix --nside 4 --L 10", dir / "alm.npy", dir / "hp.npy")).code == 0);
    CHECK(io::read_npy<cd>(dir / "hp.npy").shape == std::vector<std::size_t>{12 * 4 * 4});
    fs::remove_all(dir);
}

TEST_CASE("sphaera_sht rejects bad arguments and files with exit code 2", "[sht][cli][errors]") {
    const auto dir = scratch("errors");
    const auto a = test::normal<cd>(64, 3);
    io::write_npy(dir / "alm.npy", a, {a.size()});
    const std::string in = with_files("", dir / "alm.npy", dir / "out.npy");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"synthesis --sampling mw " + in, "--L"},
        {"synthesis --sampling xx --L 8 " + in, "--sampling"},
        {"synthesis --sampling mw --L 9 " + in, "shape"},
        {"synthesis --sampling mw --L 8 --spin 8 " + in, "8"},
        {"synthesis --sampling mw --L 8 --spin 2 --reality " + in, "--reality"},
        {"synthesis --sampling healpix --L 8 " + in, "--nside"},
        {"synthesis --sampling mw --L 8 --repeat -1 " + in, "--repeat"},
        {"rotate --sampling mw --L 8 " + in, "synthesis"},
        {with_files("synthesis --sampling mw --L 8", dir / "missing.npy", dir / "o.npy"),
         "missing.npy"},
    };
    for (const auto& [args, needle] : cases) {
        INFO(args);
        const auto r = run(dir, args);
        CHECK(r.code == 2);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(r.err.find(needle) != std::string::npos);
    }
    fs::remove_all(dir);
}
