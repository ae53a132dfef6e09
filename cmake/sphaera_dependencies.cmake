# Finds sphaera's host dependencies and gathers them in the INTERFACE target
# sphaera::dependencies. Used by the build tree and, installed, by sphaeraConfig.cmake.
# Debian ships FFTW3 with pkg-config files only and without entries for the threads
# libraries, so the libraries are located directly beside the pkg-config result.
include_guard(GLOBAL)

find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SPHAERA_FFTW3 REQUIRED fftw3)
pkg_check_modules(SPHAERA_FFTW3F REQUIRED fftw3f)
find_package(PNG REQUIRED)

foreach(lib fftw3 fftw3f fftw3_threads fftw3f_threads)
  find_library(SPHAERA_LIB_${lib} NAMES ${lib} HINTS ${SPHAERA_FFTW3_LIBRARY_DIRS} REQUIRED)
endforeach()

if(NOT TARGET sphaera::dependencies)
  add_library(sphaera::dependencies INTERFACE IMPORTED)
  target_include_directories(sphaera::dependencies INTERFACE ${SPHAERA_FFTW3_INCLUDE_DIRS})
  target_link_libraries(sphaera::dependencies INTERFACE
    Eigen3::Eigen OpenMP::OpenMP_CXX PNG::PNG
    ${SPHAERA_LIB_fftw3_threads} ${SPHAERA_LIB_fftw3f_threads}
    ${SPHAERA_LIB_fftw3} ${SPHAERA_LIB_fftw3f})
endif()
