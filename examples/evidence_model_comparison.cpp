/// \file evidence_model_comparison.cpp
/// \brief Bayesian model comparison with the learned harmonic mean (line against quadratic);
/// the work is in evidence_chapter.hpp, which the tour runs too.
///
///     evidence_model_comparison [output_dir]

#include <cstdio>
#include <exception>
#include <filesystem>

#include "evidence_chapter.hpp"

int main(int argc, char** argv) {
    try {
        const std::filesystem::path out = argc > 1 ? argv[1] : ".";
        std::filesystem::create_directories(out);
        evidence_chapter::run(out);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "evidence_model_comparison: %s\n", e.what());
        return 1;
    }
}
