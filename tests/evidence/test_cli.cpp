/// \file test_cli.cpp
/// \brief The command-line program sphaera_evidence (examples/sphaera_evidence.cpp, issue 4
/// §6) run as a user runs it: .npy chains in, one JSON object out, exit code 0; bad or
/// inconsistent files, NaN, too few chains and bad options give one line on stderr and
/// exit code 2. CMake passes the built program's path as SPHAERA_EVIDENCE_CLI.

#include <catch2/catch.hpp>

#include "support/cli.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "evidence/models.hpp"
#include "sphaera/io/npy.hpp"

#ifndef SPHAERA_EVIDENCE_CLI
#error "SPHAERA_EVIDENCE_CLI must name the sphaera_evidence executable"
#endif

namespace fs = std::filesystem;
using sphaera::test::evidence::gaussian_model;

namespace {

using outcome = sphaera::test::cli_outcome;

/// Runs the program under test with \p args (already quoted where needed).
outcome run(const fs::path& dir, const std::string& args) {
    return sphaera::test::run_cli(SPHAERA_EVIDENCE_CLI, dir, args);
}

/// The number after "key": in a flat JSON text (NaN when absent or null).
double json_number(const std::string& json, const std::string& key) {
    const auto at = json.find("\"" + key + "\": ");
    if (at == std::string::npos) return std::numeric_limits<double>::quiet_NaN();
    const char* p = json.c_str() + at + key.size() + 4;
    char* end = nullptr;
    const double v = std::strtod(p, &end);
    return end == p ? std::numeric_limits<double>::quiet_NaN() : v;
}

/// A scratch folder with Gaussian chains (d = 2, exact posterior draws) and broken files.
struct fixture {
    fs::path dir = sphaera::test::unique_scratch("evidence_cli_test");
    double ln_z = 0;
    fixture() {
        const gaussian_model g(2, 77);
        ln_z = g.ln_z;
        const auto c = g.sample(12, 500, 5);
        sphaera::io::write_npy(dir / "s.npy", c.samples_data(), {12, 500, 2});
        sphaera::io::write_npy(dir / "l.npy", c.lnprob_data(), {12, 500});
        sphaera::io::write_npy(dir / "l_shape.npy", c.lnprob_data(), {500, 12});
        sphaera::io::write_npy(dir / "l_f32.npy", std::vector<float>(12 * 500, -1.0f), {12, 500});
        auto nan = c.samples_data();
        nan[1234] = std::numeric_limits<double>::quiet_NaN();
        sphaera::io::write_npy(dir / "s_nan.npy", nan, {12, 500, 2});
        // Two chains: one cannot train on one chain and infer on the other alone.
        const std::vector<double> s2(c.samples_data().begin(), c.samples_data().begin() + 2000);
        const std::vector<double> l2(c.lnprob_data().begin(), c.lnprob_data().begin() + 1000);
        sphaera::io::write_npy(dir / "s2.npy", s2, {2, 500, 2});
        sphaera::io::write_npy(dir / "l2.npy", l2, {2, 500});
        std::ofstream(dir / "junk.npy") << "not an npy file";
    }
    ~fixture() { fs::remove_all(dir); }
    [[nodiscard]] std::string files(const std::string& s = "s.npy", const std::string& l = "l.npy") const {
        return "--samples '" + (dir / s).string() + "' --lnprob '" + (dir / l).string() + "'";
    }
};

}  // namespace

TEST_CASE("sphaera_evidence prints the evidence as JSON", "[evidence][cli]") {
    const fixture f;
    for (const std::string target : {"mixture", "spline"}) {
        const auto r = run(f.dir, f.files() + " --target " + target + " --seed 3" +
                                      (target == "spline" ? " --epochs 5" : ""));
        INFO("target " << target << "\nstdout: " << r.out << "\nstderr: " << r.err);
        REQUIRE(r.code == 0);
        CHECK(r.err.empty());
        CHECK(r.out.front() == '{');
        CHECK(r.out.find("\"target\": \"" + target + "\"") != std::string::npos);
        const double ln_z = json_number(r.out, "ln_z"), sigma = json_number(r.out, "symmetric");
        CHECK(std::abs(ln_z - f.ln_z) < std::max(0.05, 3 * sigma));
        CHECK(json_number(r.out, "inference_chains") == 6);
        CHECK(json_number(r.out, "fit_s") >= 0);
        CHECK(json_number(r.out, "support_fraction") == 1);
        // Flows report the temperature they chose; other targets have none (null).
        CHECK(std::isnan(json_number(r.out, "temperature")) == (target != "spline"));
    }
    // Single-precision conditioner networks: the same fit (training is double), so ln Z
    // agrees with the double evaluation to the float rounding of ln φ (≤ 1e-4).
    const std::string spline = f.files() + " --target spline --seed 3 --epochs 5";
    const auto rd = run(f.dir, spline + " --network-precision double");
    const auto rs = run(f.dir, spline + " --network-precision single");
    INFO("double: " << rd.out << rd.err << "\nsingle: " << rs.out << rs.err);
    REQUIRE(rd.code == 0);
    REQUIRE(rs.code == 0);
    CHECK(std::abs(json_number(rs.out, "ln_z") - json_number(rd.out, "ln_z")) <= 1e-4);
    const auto h = run(f.dir, "--help");
    CHECK(h.code == 0);
    CHECK(h.out.find("usage: sphaera_evidence") != std::string::npos);
    CHECK(h.out.find("--network-precision") != std::string::npos);
}

TEST_CASE("sphaera_evidence refuses bad input with one line and exit code 2", "[evidence][cli][errors]") {
    const fixture f;
    const std::vector<std::pair<std::string, std::string>> cases{
        {f.files("missing.npy"), "missing.npy"},
        {f.files("junk.npy"), "junk.npy"},
        {f.files("s.npy", "l_shape.npy"), "does not match"},
        {f.files("s.npy", "l_f32.npy"), "l_f32.npy"},
        {f.files("s_nan.npy"), "not finite"},
        {f.files("s2.npy", "l2.npy"), "inference chains"},
        {f.files() + " --target forest", "--target 'forest'"},
        {f.files() + " --target realnvp --temperature 1.5", "out of range"},
        {f.files() + " --temperature 0.8", "flow targets"},
        {f.files() + " --target realnvp --bins 8", "--bins"},
        {f.files() + " --train-fraction 1", "train_fraction"},
        {f.files() + " --epochs 2.5 --target spline", "positive integer"},
        {f.files() + " --unknown 1", "unknown option"},
        {f.files() + " --target spline --network-precision half", "'half' is not one of double, single"},
        {f.files() + " --network-precision single", "flow targets"},
        {"--samples '" + (f.dir / "s.npy").string() + "'", "required"},
        {f.files() + " --seed", "needs a value"},
    };
    for (const auto& [args, needle] : cases) {
        const auto r = run(f.dir, args);
        INFO("args: " << args << "\nstdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.rfind("sphaera_evidence: error: ", 0) == 0);
        CHECK(r.err.find(needle) != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // one line
    }
}
