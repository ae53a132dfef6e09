#pragma once
/// \file temp_dir.hpp
/// \brief A scratch directory for one test case, removed with its contents at scope exit.

#include <filesystem>
#include <random>
#include <string>
#include <system_error>

namespace sphaera::test {

/// A fresh directory under the system temp dir. The random name keeps test cases that ctest
/// runs in parallel (and several build trees testing at once) out of each other's way.
struct temp_dir {
    std::filesystem::path path;
    explicit temp_dir(const std::string& prefix = "sphaera_test_") {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() /
               (prefix + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;  // never throw from a destructor; a leftover folder is harmless
        std::filesystem::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return path / name; }
};

}  // namespace sphaera::test
