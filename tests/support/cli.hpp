#pragma once
/// \file cli.hpp
/// \brief Runs a command-line program as a user would (through the shell), capturing its
/// exit code, stdout and stderr; used by the tests of sphaera's CLI tools.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sphaera::test {

/// A fresh scratch folder unique to this process: ctest runs test cases in parallel, and
/// several build trees may test at once on one machine.
inline std::filesystem::path unique_scratch(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("sphaera_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

/// What a program run left behind.
struct cli_outcome {
    int code = -1;    ///< exit code (−1 if it did not exit normally)
    std::string out;  ///< everything written to stdout
    std::string err;  ///< everything written to stderr
};

/// The whole content of a text file ("" if it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

/// Runs `program args` (args already quoted where needed) with both streams captured in
/// files under \p dir.
inline cli_outcome run_cli(const std::string& program, const std::filesystem::path& dir,
                           const std::string& args) {
    const std::filesystem::path out = dir / "stdout.txt", err = dir / "stderr.txt";
    const std::string cmd = "'" + program + "' " + args + " >'" + out.string() + "' 2>'" +
                            err.string() + "'";
    const int status = std::system(cmd.c_str());
    cli_outcome r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

}  // namespace sphaera::test
