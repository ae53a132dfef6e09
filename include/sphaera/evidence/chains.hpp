#pragma once
/// \file chains.hpp
/// \brief Posterior chains for the learned harmonic mean estimator (McEwen et al. 2021,
/// "Machine learning assisted Bayesian model selection", §3.3): C chains of N samples in
/// d dimensions with their unnormalised log posterior ln L(θ) + ln π(θ), validated on entry
/// and split into training and inference sets by whole chains (samples of one chain are
/// correlated, so the estimator's between-chain variance needs independent chains).

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <utility>
#include <vector>

#include "sphaera/core/error.hpp"
#include "sphaera/io/npy.hpp"

namespace sphaera::evidence {

/// Row-major matrix: one sample per row, so a chain's storage maps onto it directly.
using row_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// C chains × N samples × d dimensions, with the log posterior of every sample.
class chains {
public:
    chains() = default;

    /// Takes \p samples (nchains, nsamples, ndim) and \p lnprob (nchains, nsamples), both
    /// C order. Throws shape_mismatch when the sizes disagree, invalid_argument for a zero
    /// dimension and non_finite naming the chain, sample and coordinate of the first NaN/inf.
    /// ln posterior = −inf is refused too: such a sample cannot come from the posterior.
    chains(std::vector<double> samples, std::vector<double> lnprob, std::size_t nchains,
           std::size_t nsamples, std::size_t ndim)
        : m_samples(std::move(samples)), m_lnprob(std::move(lnprob)), m_nchains(nchains),
          m_nsamples(nsamples), m_ndim(ndim) {
        if (nchains == 0 || nsamples == 0 || ndim == 0)
            sphaera::detail::raise<invalid_argument>(
                "chains: shape (nchains, nsamples, ndim) = (", nchains, ", ", nsamples, ", ",
                ndim, ") has a zero extent; each must be at least 1");
        if (m_samples.size() != nchains * nsamples * ndim)
            sphaera::detail::raise<shape_mismatch>(
                "chains: samples hold ", m_samples.size(), " values but shape (", nchains, ", ",
                nsamples, ", ", ndim, ") needs ", nchains * nsamples * ndim);
        if (m_lnprob.size() != nchains * nsamples)
            sphaera::detail::raise<shape_mismatch>("chains: lnprob holds ", m_lnprob.size(),
                                                   " values but shape (", nchains, ", ",
                                                   nsamples, ") needs ", nchains * nsamples);
        for (std::size_t i = 0; i < m_samples.size(); ++i)
            if (!std::isfinite(m_samples[i]))
                sphaera::detail::raise<non_finite>(
                    "chains: sample value ", m_samples[i], " at chain ", i / (nsamples * ndim),
                    ", sample ", (i / ndim) % nsamples, ", coordinate ", i % ndim,
                    " is not finite");
        for (std::size_t i = 0; i < m_lnprob.size(); ++i)
            if (!std::isfinite(m_lnprob[i]))
                sphaera::detail::raise<non_finite>("chains: ln posterior ", m_lnprob[i],
                                                   " at chain ", i / nsamples, ", sample ",
                                                   i % nsamples, " is not finite");
    }

    [[nodiscard]] std::size_t nchains() const { return m_nchains; }
    [[nodiscard]] std::size_t nsamples() const { return m_nsamples; }  ///< per chain
    [[nodiscard]] std::size_t ndim() const { return m_ndim; }
    [[nodiscard]] std::size_t size() const { return m_nchains * m_nsamples; }  ///< all samples

    /// Sample \p i of chain \p c: ndim contiguous values.
    [[nodiscard]] const double* sample(std::size_t c, std::size_t i) const {
        return m_samples.data() + (c * m_nsamples + i) * m_ndim;
    }
    /// ln L + ln π of sample \p i of chain \p c.
    [[nodiscard]] double lnprob(std::size_t c, std::size_t i) const {
        return m_lnprob[c * m_nsamples + i];
    }

    /// Every sample as a (size(), ndim) row-major map (no copy).
    [[nodiscard]] Eigen::Map<const row_matrix> matrix() const {
        return {m_samples.data(), static_cast<Eigen::Index>(size()),
                static_cast<Eigen::Index>(m_ndim)};
    }
    /// The samples of chain \p c as an (nsamples, ndim) row-major map.
    [[nodiscard]] Eigen::Map<const row_matrix> chain(std::size_t c) const {
        return {sample(c, 0), static_cast<Eigen::Index>(m_nsamples),
                static_cast<Eigen::Index>(m_ndim)};
    }
    /// Every log posterior, (size()) in chain-major order.
    [[nodiscard]] Eigen::Map<const Eigen::VectorXd> lnprob() const {
        return {m_lnprob.data(), static_cast<Eigen::Index>(size())};
    }

    [[nodiscard]] const std::vector<double>& samples_data() const { return m_samples; }
    [[nodiscard]] const std::vector<double>& lnprob_data() const { return m_lnprob; }

    /// Chains [first, first + count) as a new object.
    [[nodiscard]] chains subset(std::size_t first, std::size_t count) const {
        if (count == 0 || first + count > m_nchains)
            sphaera::detail::raise<invalid_argument>("chains::subset: chains [", first, ", ",
                                                     first + count, ") are not within [0, ",
                                                     m_nchains, ") or the range is empty");
        const std::size_t per = m_nsamples * m_ndim;
        std::vector<double> s(m_samples.begin() + static_cast<std::ptrdiff_t>(first * per),
                              m_samples.begin() + static_cast<std::ptrdiff_t>((first + count) * per));
        std::vector<double> l(
            m_lnprob.begin() + static_cast<std::ptrdiff_t>(first * m_nsamples),
            m_lnprob.begin() + static_cast<std::ptrdiff_t>((first + count) * m_nsamples));
        return chains(std::move(s), std::move(l), count, m_nsamples, m_ndim);
    }

    /// Adds \p shift to every ln posterior (e.g. to test invariance under ln Z → ln Z − shift).
    void shift_lnprob(double shift) {
        for (double& v : m_lnprob) v += shift;
    }

private:
    std::vector<double> m_samples;  // (nchains, nsamples, ndim)
    std::vector<double> m_lnprob;   // (nchains, nsamples)
    std::size_t m_nchains = 0, m_nsamples = 0, m_ndim = 0;
};

/// The training and inference sets of a split.
struct chain_split {
    chains training;   ///< fits the target
    chains inference;  ///< feeds the estimator
};

/// Splits by whole chains: the first round(train_fraction · C) chains train, the rest
/// infer (McEwen et al. 2021 §4: the target must not be fitted on the samples it weighs).
/// Needs at least one training chain and two inference chains (the estimator's variance
/// comes from the spread between chains); throws invalid_argument otherwise.
[[nodiscard]] inline chain_split split_chains(const chains& all, double train_fraction = 0.5) {
    if (!(train_fraction > 0 && train_fraction < 1))
        sphaera::detail::raise<invalid_argument>("split_chains: train_fraction = ",
                                                 train_fraction,
                                                 " is out of range; valid range is (0, 1)");
    const std::size_t c = all.nchains();
    auto ntrain = static_cast<std::size_t>(std::llround(train_fraction * static_cast<double>(c)));
    ntrain = std::max<std::size_t>(ntrain, 1);
    if (c < 3 || ntrain + 2 > c)
        sphaera::detail::raise<invalid_argument>(
            "split_chains: ", c, " chains with train_fraction = ", train_fraction, " give ",
            ntrain, " training and ", c >= ntrain ? c - ntrain : 0,
            " inference chains; need at least 1 training and 2 inference chains");
    return {all.subset(0, ntrain), all.subset(ntrain, c - ntrain)};
}

/// Reads chains from two `.npy` files: \p samples_file float64 (nchains, nsamples, ndim)
/// and \p lnprob_file float64 (nchains, nsamples). io_error for unreadable files or a
/// wrong dtype, shape_mismatch for inconsistent shapes, non_finite for NaN/inf.
[[nodiscard]] inline chains read_chains_npy(const std::filesystem::path& samples_file,
                                            const std::filesystem::path& lnprob_file) {
    auto s = io::read_npy<double>(samples_file);
    auto l = io::read_npy<double>(lnprob_file);
    if (s.shape.size() != 3)
        sphaera::detail::raise<shape_mismatch>("samples file '", samples_file.string(),
                                               "' has ", s.shape.size(),
                                               " dimensions; expected 3: (nchains, nsamples, ndim)");
    if (l.shape.size() != 2)
        sphaera::detail::raise<shape_mismatch>("lnprob file '", lnprob_file.string(), "' has ",
                                               l.shape.size(),
                                               " dimensions; expected 2: (nchains, nsamples)");
    if (l.shape[0] != s.shape[0] || l.shape[1] != s.shape[1])
        sphaera::detail::raise<shape_mismatch>(
            "lnprob shape (", l.shape[0], ", ", l.shape[1], ") does not match samples shape (",
            s.shape[0], ", ", s.shape[1], ", ", s.shape[2], "): expected (", s.shape[0], ", ",
            s.shape[1], ")");
    return chains(std::move(s.values), std::move(l.values), s.shape[0], s.shape[1], s.shape[2]);
}

}  // namespace sphaera::evidence
