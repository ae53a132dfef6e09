// wavelet_tour: directional scale-discretised wavelets on the sphere (the tour's wavelet
// chapter on its own).
//
//   wavelet_tour [output_dir]        (default: ./wavelet_output)

#include "wavelet_chapter.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>

int main(int argc, char** argv) {
    try {
        const std::filesystem::path out = argc > 1 ? argv[1] : "wavelet_output";
        std::filesystem::create_directories(out);
        chapter_wavelets(out);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "wavelet_tour: %s\n", e.what());
        return 1;
    }
}
