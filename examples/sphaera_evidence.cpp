/// \file sphaera_evidence.cpp
/// \brief Command-line learned harmonic mean evidence for chains from any sampler:
///
///     sphaera_evidence --samples <samples.npy> --lnprob <lnprob.npy>
///                      [--target {mixture|kde|sphere|realnvp|spline}] [--temperature T]
///                      [--train-fraction f] [--seed s]
///                      [--layers n] [--hidden w] [--bins K] [--epochs e]   (flows only)
///                      [--network-precision {double|single}]   (flows only: conditioner
///                      arithmetic when evaluating ln φ; training is always double;
///                      default: the target's own, single for spline, double for realnvp)
///
/// samples: float64 (nchains, nsamples, ndim); lnprob: float64 (nchains, nsamples), the
/// unnormalised log posterior ln L + ln π. Prints one JSON object (ln Z, its errors, the
/// target, the temperature, diagnostics, warnings, and the wall time of fitting the target
/// and of evaluating the estimator). Bad input: one line on stderr, exit 2.

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "sphaera/evidence/chains.hpp"
#include "sphaera/evidence/estimator.hpp"
#include "sphaera/evidence/hypersphere.hpp"
#include "sphaera/evidence/kde.hpp"
#include "sphaera/evidence/mixture.hpp"
#include "sphaera/evidence/realnvp.hpp"
#include "sphaera/evidence/spline_flow.hpp"

namespace {

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// JSON number: finite values with 17 digits, others as null (JSON has no inf/NaN).
std::string num(double v) {
    if (!std::isfinite(v)) return "null";
    std::ostringstream os;
    os.precision(17);
    os << v;
    return os.str();
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

double parse_double(const std::string& flag, const std::string& v) {
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0') throw usage_error(flag + " expects a number, got '" + v + "'");
    return x;
}

/// A positive integer option (layers, widths, bins, epochs).
int parse_count(const std::string& flag, const std::string& v) {
    const double x = parse_double(flag, v);
    if (!(x >= 1 && x <= 1e6) || x != std::floor(x))
        throw usage_error(flag + " expects a positive integer, got '" + v + "'");
    return static_cast<int>(x);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    using namespace sphaera::evidence;
    try {
        std::string samples, lnprob, target = "mixture";
        double temperature = 0, train_fraction = 0.5;
        std::uint64_t seed = 0;
        bool have_temperature = false, have_flow_option = false;
        std::optional<network_precision> precision;  // unset: the target's default
        int layers = 0, hidden = 0, bins = 0, epochs = -1;  // 0 / −1: the target's default
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            if (a == "--help" || a == "-h") {
                std::cout << "usage: sphaera_evidence --samples <samples.npy> --lnprob <lnprob.npy> "
                             "[--target {mixture|kde|sphere|realnvp|spline}] [--temperature T] "
                             "[--train-fraction f] [--seed s] [--layers n] [--hidden w] "
                             "[--bins K] [--epochs e] [--network-precision {double|single}]\n";
                return 0;
            }
            if (i + 1 >= argc) throw usage_error("option " + a + " needs a value");
            const std::string v = argv[++i];
            if (a == "--samples") samples = v;
            else if (a == "--lnprob") lnprob = v;
            else if (a == "--target") target = v;
            else if (a == "--temperature") {
                temperature = parse_double(a, v);
                have_temperature = true;
            } else if (a == "--train-fraction") train_fraction = parse_double(a, v);
            else if (a == "--seed") {
                const double s = parse_double(a, v);
                if (s < 0 || s != std::floor(s)) throw usage_error("--seed expects a non-negative integer, got '" + v + "'");
                seed = static_cast<std::uint64_t>(s);
            } else if (a == "--network-precision") {
                if (v != "double" && v != "single")
                    throw usage_error("--network-precision '" + v + "' is not one of double, single");
                precision = v == "single" ? network_precision::single : network_precision::double_;
                have_flow_option = true;
            } else if (a == "--layers" || a == "--hidden" || a == "--bins" || a == "--epochs") {
                (a == "--layers" ? layers : a == "--hidden" ? hidden : a == "--bins" ? bins : epochs) =
                    parse_count(a, v);
                have_flow_option = true;
            } else throw usage_error("unknown option '" + a + "' (see --help)");
        }
        if (samples.empty() || lnprob.empty())
            throw usage_error("both --samples <file.npy> and --lnprob <file.npy> are required");
        if (target != "mixture" && target != "kde" && target != "sphere" && target != "realnvp" &&
            target != "spline")
            throw usage_error("--target '" + target + "' is not one of mixture, kde, sphere, realnvp, spline");
        const bool flow = target == "realnvp" || target == "spline";
        if (have_temperature && !flow)
            throw usage_error("--temperature applies to flow targets (realnvp, spline) only");
        if (have_flow_option && !flow)
            throw usage_error("--layers, --hidden, --bins, --epochs and --network-precision apply to flow targets (realnvp, spline) only");
        if (bins > 0 && target != "spline") throw usage_error("--bins applies to --target spline only");
        if (have_temperature && !(temperature > 0 && temperature <= 1))
            throw usage_error("--temperature " + num(temperature) + " is out of range; valid range is (0, 1]");

        const chains all = read_chains_npy(samples, lnprob);
        const chain_split split = split_chains(all, train_fraction);
        evidence_result r;
        double used_t = std::numeric_limits<double>::quiet_NaN(), fit_s = 0, eval_s = 0;
        int epochs_run = -1;  // flows: epochs trained before early stopping
        // Fits the target, then evaluates the estimator, timing each.
        auto run = [&](auto make) {
            const auto t0 = std::chrono::steady_clock::now();
            const auto phi = make();
            fit_s = seconds_since(t0);
            const auto t1 = std::chrono::steady_clock::now();
            r = estimate_evidence(phi, split.inference);
            eval_s = seconds_since(t1);
            if constexpr (requires { phi.temperature(); }) used_t = phi.temperature();
            if constexpr (requires { phi.epochs_run(); }) epochs_run = phi.epochs_run();
        };
        if (target == "mixture") {
            run([&] { return modified_gaussian_mixture(split.training, {.seed = seed}); });
        } else if (target == "kde") {
            run([&] { return kernel_density(split.training); });
        } else if (target == "sphere") {
            run([&] { return hypersphere(split.training); });
        } else if (target == "realnvp") {
            realnvp_options o{.temperature = temperature, .seed = seed};
            if (precision) o.precision = *precision;
            if (layers) o.layers = layers;
            if (hidden) o.hidden = {hidden, hidden};
            if (epochs > 0) o.epochs = epochs;
            run([&] { return realnvp(split.training, o); });
        } else {
            spline_flow_options o{.temperature = temperature, .seed = seed};
            if (precision) o.precision = *precision;
            if (layers) o.layers = layers;
            if (hidden) o.hidden = {hidden, hidden};
            if (bins) o.bins = bins;
            if (epochs > 0) o.epochs = epochs;
            run([&] { return spline_flow(split.training, o); });
        }
        std::ostringstream w;
        for (std::size_t i = 0; i < r.warnings.size(); ++i) w << (i ? ", " : "") << json_string(r.warnings[i]);
        std::cout << "{\"ln_z\": " << num(r.ln_z) << ", \"ln_z_error\": {\"plus\": "
                  << num(r.ln_z_error_plus) << ", \"minus\": " << num(r.ln_z_error_minus)
                  << ", \"symmetric\": " << num(r.ln_z_error) << "}, \"ln_z_uncorrected\": "
                  << num(r.ln_z_uncorrected) << ", \"target\": " << json_string(target)
                  << ", \"temperature\": " << num(used_t) << ", \"epochs_run\": "
                  << (epochs_run >= 0 ? std::to_string(epochs_run) : "null")
                  << ", \"training_chains\": "
                  << split.training.nchains() << ", \"inference_chains\": " << split.inference.nchains()
                  << ", \"diagnostics\": {\"ln_rho\": " << num(r.ln_rho) << ", \"ln_rho_var\": "
                  << num(r.ln_rho_var) << ", \"ln_rho_var_var\": " << num(r.ln_rho_var_var)
                  << ", \"relative_variance\": " << num(r.relative_variance)
                  << ", \"kurtosis\": " << num(r.kurtosis) << ", \"variance_ratio\": "
                  << num(r.variance_ratio) << ", \"n_eff\": " << num(r.n_eff)
                  << ", \"effective_chains\": " << num(r.effective_chains)
                  << ", \"weight_fraction\": " << num(r.weight_fraction)
                  << ", \"support_fraction\": " << num(r.support_fraction)
                  << "}, \"timing\": {\"fit_s\": " << num(fit_s) << ", \"evaluate_s\": "
                  << num(eval_s) << "}, \"warnings\": [" << w.str() << "]}\n";
        return 0;
    } catch (const std::exception& e) {
        // One line, whatever the message held.
        std::string m = e.what();
        for (char& c : m)
            if (c == '\n') c = ' ';
        std::cerr << "sphaera_evidence: error: " << m << "\n";
        return 2;
    }
}
