#pragma once
/// \file cli_support.hpp
/// \brief What the command-line tools in examples/ share: the usage error (one line on
/// stderr, exit code 2), number parsing, .npy shape checks and the `--repeat` timing that
/// prints `median_s=<seconds>` for the comparison scripts in benchmarks/compare/.

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <sphaera/core/error.hpp>

namespace cli {

/// A bad argument or file: reported as one line, exit code 2.
struct usage_error : sphaera::error {
    using sphaera::error::error;
};

/// The integer in \p text, or a usage_error naming \p flag.
inline long long parse_int(std::string_view flag, std::string_view text) {
    long long v = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || p != text.data() + text.size())
        sphaera::detail::raise<usage_error>(flag, " expects an integer, got '", text, "'");
    return v;
}

/// Throws usage_error unless the array read from \p file has shape \p want.
inline void check_shape(const std::string& file, const std::vector<std::size_t>& got,
                        const std::vector<std::size_t>& want) {
    if (got == want) return;
    auto str = [](const std::vector<std::size_t>& s) {
        std::string r = "(";
        for (std::size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
        return r + (s.size() == 1 ? ",)" : ")");
    };
    sphaera::detail::raise<usage_error>("'", file, "' has shape ", str(got), " but ", str(want),
                                        " is expected");
}

/// Runs apply() once (the result the tool writes), then \p repeat more times, printing the
/// median of those on stdout as `median_s=<seconds>` (nothing when repeat is 0).
template <class Apply>
void run_and_time(int repeat, Apply&& apply) {
    apply();
    if (repeat <= 0) return;
    std::vector<double> seconds;
    for (int r = 0; r < repeat; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        apply();
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    const auto mid = seconds.begin() + static_cast<std::ptrdiff_t>(seconds.size() / 2);
    std::nth_element(seconds.begin(), mid, seconds.end());
    std::cout << "median_s=" << *mid << '\n';
}

}  // namespace cli
