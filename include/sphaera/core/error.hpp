#pragma once
/// \file error.hpp
/// \brief The sphaera error hierarchy (DESIGN.md §7). Messages name the bad value and the
/// valid range; checks happen at plan construction and API entry, never in hot loops.

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace sphaera {

/// Root of every exception sphaera throws.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An argument outside its valid range (message names the value and the range).
class invalid_argument : public error {
public:
    using error::error;
};

/// Arrays whose sizes or shapes do not agree.
class shape_mismatch : public error {
public:
    using error::error;
};

/// A backend was requested that this build or machine cannot provide.
class backend_unavailable : public error {
public:
    using error::error;
};

/// Reading or writing a file failed (message names the file and the problem).
class io_error : public error {
public:
    using error::error;
};

/// Non-finite values (NaN/Inf) met where they would silently spread.
class non_finite : public error {
public:
    using error::error;
};

namespace detail {

/// Concatenates streamable parts into one message.
template <class... Parts>
[[nodiscard]] std::string concat(Parts&&... parts) {
    std::ostringstream os;
    (os << ... << std::forward<Parts>(parts));
    return os.str();
}

/// Throws \p Error with the concatenated message.
template <class Error, class... Parts>
[[noreturn]] void raise(Parts&&... parts) {
    throw Error(concat(std::forward<Parts>(parts)...));
}

/// Checks lo <= value <= hi, throwing invalid_argument naming \p what otherwise.
template <class V, class Lo, class Hi>
void require_in_range(const char* what, const V& value, const Lo& lo, const Hi& hi) {
    if (!(value >= lo && value <= hi))
        raise<invalid_argument>(what, " = ", value, " is out of range; valid range is [", lo, ", ",
                                hi, "]");
}

/// Checks that two sizes agree, throwing shape_mismatch naming \p what otherwise.
template <class A, class B>
void require_same_size(const char* what, const A& got, const B& expected) {
    if (static_cast<unsigned long long>(got) != static_cast<unsigned long long>(expected))
        raise<shape_mismatch>(what, ": size ", got, " does not match the expected size ",
                              expected);
}

}  // namespace detail
}  // namespace sphaera
