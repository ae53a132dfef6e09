#pragma once
/// \file legendre_engine.hpp
/// \brief The Legendre step of sht::plan and sht::real_plan over all orders: coefficients
/// f_ℓm ↔ ring columns F_m(θ_r) = Σ_ℓ (−1)^s f_ℓm λ_ℓm(θ_r), on the geometry's rings or, for
/// MW/MWSS analysis, on the Clenshaw–Curtis nodes of the periodic extension
/// (periodic_extension.hpp). One task per |m| handles m and −m together (see
/// legendre_kernels.hpp); tasks run in parallel over |m| with dynamic scheduling. Through
/// the resampler (MW), orders m and m+1 of opposite θ-parity share each FFT pass; batched
/// calls (synthesis_multi, adjoint_multi) let two maps share each recursion.
///
/// Column storage ("ph"): (ncols, nrings) complex, column m at (m − m_lo)·nrings with
/// m_lo = −(L−1) on the complex path and 0 on the real path (orders m ≥ 0 only; the
/// negative orders of a real field follow from f_ℓ,−m = (−1)^m conj(f_ℓm)).

#include <algorithm>
#include <complex>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "sphaera/sht/geometry.hpp"
#include "sphaera/sht/legendre_orders.hpp"
#include "sphaera/sht/periodic_extension.hpp"
#include "sphaera/sht/wigner_recursion.hpp"

namespace sphaera::sht::detail {

/// Orders handled by the Legendre step and ring steps: all (complex field) or m ≥ 0 (real).
enum class field_kind { complex, real };

template <class T>
class legendre_engine {
public:
    using value_type = std::complex<T>;

    legendre_engine() = default;
    /// Start data, ring chunks and (MW/MWSS grids built for a band-limit ≥ L) the θ
    /// resampler with its node chunks.
    legendre_engine(int L, int spin, const ring_geometry& g) : m_L(L), m_spin(spin), m_nr(g.nrings()) {
        m_start = make_start_data(L, -spin);
        std::vector<ring_trig> trig;
        trig.reserve(g.nrings());
        for (const auto& r : g.rings()) trig.push_back(make_ring_trig(r.theta));
        m_tasks = make_legendre_tasks(trig, spin);
        m_dead = dead_chunk_cache(L);
        const auto k = g.kind();
        if ((k == sampling::mw || k == sampling::mwss) && L <= g.exact_band_limit()) {
            const auto want = static_cast<std::size_t>(k == sampling::mw ? g.exact_band_limit() : g.exact_band_limit() + 1);
            if (g.nrings() == want) {
                m_resampler = theta_resampler(k, g.exact_band_limit(), L, g[0].nphi);
                m_node_tasks = make_legendre_tasks(m_resampler.nodes(), spin);
                m_node_dead = dead_chunk_cache(L);
                // MW rings are not symmetric about the equator: synthesise on the symmetric
                // nodes and resample (MWSS rings are symmetric and used directly).
                m_node_synthesis = k == sampling::mw;
            }
        }
    }

    [[nodiscard]] bool uses_resampler() const { return m_resampler.n_nodes() > 0; }
    [[nodiscard]] static int m_lo(field_kind f, int L) { return f == field_kind::real ? 0 : -(L - 1); }
    /// Number of ph columns.
    [[nodiscard]] std::size_t ncols(field_kind f) const {
        return static_cast<std::size_t>(f == field_kind::real ? m_L : 2 * m_L - 1);
    }

    /// Per-thread scratch of every call (one per thread; see workspace in plan.hpp).
    struct scratch {
        legendre_workspace ws;
        std::vector<double> pr, pi, nr, ni;           // (n) columns m and −m
        std::vector<std::complex<double>> col, work;  // resampler only
        std::vector<double> pr2, pi2, nr2, ni2;       // (n) the paired order m+1 (resampler) or map 1 of a batch
        std::vector<std::complex<double>> col2;       // (nring) resampler: the paired column
        scratch(int L, std::size_t n, std::size_t nring, std::size_t nwork)
            : ws(L), pr(n), pi(n), nr(n), ni(n), col(nring), work(nwork),
              pr2(n), pi2(n), nr2(n), ni2(n), col2(nring) {}
        /// Exchanges the node columns of the two orders of a pair.
        void swap_pair() {
            pr.swap(pr2);
            pi.swap(pi2);
            nr.swap(nr2);
            ni.swap(ni2);
        }
    };
    /// Scratch for one thread, sized for every operation of this engine.
    [[nodiscard]] scratch make_scratch() const {
        const std::size_t n = std::max(m_nr, m_resampler.n_nodes());
        return scratch(m_L, n, uses_resampler() ? m_nr : 0, uses_resampler() ? m_resampler.work_size() : 0);
    }

    /// alm: (L²) → ph: (ncols, nrings) on the geometry's rings. ss: nt scratches, or null
    /// (then allocated here).
    void synthesis(const value_type* alm, value_type* ph, field_kind f, int nt, scratch* ss = nullptr) const {
        if (m_node_synthesis) {
            // Orders m and m+1 (opposite θ-parity) share one resampler pass (synthesis_pair).
            for_order_pairs(nt, ss, [&](int m0, int m1, scratch& s) {
                const bool two = m1 >= 0;
                node_synthesis_pair(alm, m0, m1, f, s);
                const auto store = [&](int mm, const std::vector<std::complex<double>>& col) { store_column(ph, mm, f, col); };
                const auto one = [&](int mm, const double* re, const double* im, std::vector<std::complex<double>>& col) {
                    m_resampler.synthesis(mm, m_spin, re, im, s.work.data(), col.data());
                    store(mm, col);
                };
                const bool n0 = with_neg(m0, f), n1 = two && with_neg(m1, f);
                if (two) {
                    m_resampler.synthesis_pair(m0, m_spin, s.pr.data(), s.pi.data(), s.pr2.data(), s.pi2.data(),
                                               s.work.data(), s.col.data(), s.col2.data());
                    store(m0, s.col);
                    store(m1, s.col2);
                } else {
                    one(m0, s.pr.data(), s.pi.data(), s.col);
                }
                if (n0 && n1) {
                    m_resampler.synthesis_pair(-m0, m_spin, s.nr.data(), s.ni.data(), s.nr2.data(), s.ni2.data(),
                                               s.work.data(), s.col.data(), s.col2.data());
                    store(-m0, s.col);
                    store(-m1, s.col2);
                } else {
                    if (n0) one(-m0, s.nr.data(), s.ni.data(), s.col);
                    if (n1) one(-m1, s.nr2.data(), s.ni2.data(), s.col2);
                }
            });
            return;
        }
        for_orders(nt, ss, [&](int m, scratch& s) {
            gather(alm, m, f, s.ws);
            if constexpr (direct_columns) {
                run_synthesis(m_tasks, m, f, s, 1, &ph);
            } else {
                run_synthesis(m_tasks, m, f, s);
                put_columns(ph, m, f, m_nr, s);
            }
        });
    }
    /// ph → alm (the transpose of synthesis).
    void adjoint(const value_type* ph, value_type* alm, field_kind f, int nt, scratch* ss = nullptr) const {
        if (m_node_synthesis) {
            for_order_pairs(nt, ss, [&](int m0, int m1, scratch& s) {
                const auto load = [&](int mm, std::vector<std::complex<double>>& col) { load_column(ph, mm, f, col); };
                const auto one = [&](int mm, double* re, double* im, std::vector<std::complex<double>>& col) {
                    load(mm, col);
                    m_resampler.synthesis_adjoint(mm, m_spin, col.data(), s.work.data(), re, im);
                };
                const bool two = m1 >= 0, n0 = with_neg(m0, f), n1 = two && with_neg(m1, f);
                if (two) {
                    load(m0, s.col);
                    load(m1, s.col2);
                    m_resampler.synthesis_adjoint_pair(m0, m_spin, s.col.data(), s.col2.data(), s.work.data(),
                                                       s.pr.data(), s.pi.data(), s.pr2.data(), s.pi2.data());
                } else {
                    one(m0, s.pr.data(), s.pi.data(), s.col);
                }
                if (n0 && n1) {
                    load(-m0, s.col);
                    load(-m1, s.col2);
                    m_resampler.synthesis_adjoint_pair(-m0, m_spin, s.col.data(), s.col2.data(), s.work.data(),
                                                       s.nr.data(), s.ni.data(), s.nr2.data(), s.ni2.data());
                } else {
                    if (n0) one(-m0, s.nr.data(), s.ni.data(), s.col);
                    if (n1) one(-m1, s.nr2.data(), s.ni2.data(), s.col2);
                }
                node_adjoint_pair(alm, m0, m1, f, s);
            });
            return;
        }
        for_orders(nt, ss, [&](int m, scratch& s) {
            if constexpr (direct_columns) {
                run_adjoint(m_tasks, m, f, s, 1, &ph);
            } else {
                get_columns(ph, m, f, m_nr, s);
                run_adjoint(m_tasks, m, f, s);
            }
            scatter(s.ws, m, f, alm);
        });
    }
    /// synthesis of nmaps ≤ max_batch maps in one Legendre pass (the recursion of every
    /// chain serves all of them): alm[b] → ph[b]. Where the θ step goes through the
    /// resampler (MW), the maps run one after another.
    void synthesis_multi(const value_type* const* alm, value_type* const* ph, int nmaps, field_kind f, int nt,
                         scratch* ss = nullptr) const {
        if (m_node_synthesis || nmaps == 1) {
            for (int b = 0; b < nmaps; ++b) synthesis(alm[b], ph[b], f, nt, ss);
            return;
        }
        for_orders(nt, ss, [&](int m, scratch& s) {
            for (int b = 0; b < nmaps; ++b) gather(alm[b], m, f, s.ws, b, nmaps);
            if constexpr (direct_columns) {
                run_synthesis(m_tasks, m, f, s, nmaps, ph);
            } else {
                run_synthesis(m_tasks, m, f, s, nmaps);
                for (int b = 0; b < nmaps; ++b) put_columns(ph[b], m, f, m_nr, s, b);
            }
        });
    }
    /// adjoint of nmaps ≤ max_batch maps in one Legendre pass: ph[b] → alm[b]. On the
    /// complex path the maps run one after another: four columns per map pair leave one
    /// vector of lanes per register block, and its eight partial-sum read-modify-writes per
    /// ℓ made the shared pass 1.2× slower than two single ones (L = 1024, Zen 5).
    void adjoint_multi(const value_type* const* ph, value_type* const* alm, int nmaps, field_kind f, int nt,
                       scratch* ss = nullptr) const {
        if (m_node_synthesis || nmaps == 1 || f == field_kind::complex) {
            for (int b = 0; b < nmaps; ++b) adjoint(ph[b], alm[b], f, nt, ss);
            return;
        }
        for_orders(nt, ss, [&](int m, scratch& s) {
            if constexpr (direct_columns) {
                run_adjoint(m_tasks, m, f, s, nmaps, ph);
            } else {
                for (int b = 0; b < nmaps; ++b) get_columns(ph[b], m, f, m_nr, s, b);
                run_adjoint(m_tasks, m, f, s, nmaps);
            }
            for (int b = 0; b < nmaps; ++b) scatter(s.ws, m, f, alm[b], b, nmaps);
        });
    }
    /// MW/MWSS analysis after the φ step: per order, the weight convolution maps the ring
    /// column to the L symmetric nodes; the transposed Legendre step runs there. Orders m and
    /// m+1 (opposite θ-parity) share one resampler pass (theta_resampler::analysis_pair).
    void resampled_adjoint(const value_type* ph, value_type* alm, field_kind f, int nt, scratch* ss = nullptr) const {
        for_order_pairs(nt, ss, [&](int m0, int m1, scratch& s) {
            const auto load = [&](int mm, std::vector<std::complex<double>>& col) { load_column(ph, mm, f, col); };
            const bool two = m1 >= 0;
            load(m0, s.col);
            if (two) load(m1, s.col2);
            m_resampler.analysis_pair(m0, m_spin, s.col.data(), two ? s.col2.data() : nullptr, s.work.data(),
                                      s.pr.data(), s.pi.data(), s.pr2.data(), s.pi2.data());
            const bool n0 = with_neg(m0, f), n1 = two && with_neg(m1, f);
            if (n0) load(-m0, s.col);
            if (n1) load(-m1, s.col2);
            if (n0)
                m_resampler.analysis_pair(-m0, m_spin, s.col.data(), n1 ? s.col2.data() : nullptr, s.work.data(),
                                          s.nr.data(), s.ni.data(), s.nr2.data(), s.ni2.data());
            else if (n1)
                m_resampler.analysis(-m1, m_spin, s.col2.data(), s.work.data(), s.nr2.data(), s.ni2.data());
            node_adjoint_pair(alm, m0, m1, f, s);
        });
    }
    /// The adjoint of resampled_adjoint: alm → ph.
    void resampled_synthesis(const value_type* alm, value_type* ph, field_kind f, int nt, scratch* ss = nullptr) const {
        for_order_pairs(nt, ss, [&](int m0, int m1, scratch& s) {
            const bool two = m1 >= 0;
            node_synthesis_pair(alm, m0, m1, f, s);
            const auto store = [&](int mm, const std::vector<std::complex<double>>& col) { store_column(ph, mm, f, col); };
            m_resampler.analysis_adjoint_pair(m0, m_spin, s.pr.data(), s.pi.data(), two ? s.pr2.data() : nullptr,
                                              two ? s.pi2.data() : nullptr, s.work.data(), s.col.data(),
                                              two ? s.col2.data() : nullptr);
            store(m0, s.col);
            if (two) store(m1, s.col2);
            const bool n0 = with_neg(m0, f), n1 = two && with_neg(m1, f);
            if (n0) {
                m_resampler.analysis_adjoint_pair(-m0, m_spin, s.nr.data(), s.ni.data(), n1 ? s.nr2.data() : nullptr,
                                                  n1 ? s.ni2.data() : nullptr, s.work.data(), s.col.data(),
                                                  n1 ? s.col2.data() : nullptr);
                store(-m0, s.col);
                if (n1) store(-m1, s.col2);
            } else if (n1) {
                m_resampler.analysis_adjoint(-m1, m_spin, s.nr2.data(), s.ni2.data(), s.work.data(), s.col2.data());
                store(-m1, s.col2);
            }
        });
    }

private:
    [[nodiscard]] std::size_t col_offset(int m, field_kind f, std::size_t n) const {
        return static_cast<std::size_t>(m - m_lo(f, m_L)) * n;
    }
    [[nodiscard]] double sign_s() const { return (m_spin % 2 == 0) ? 1.0 : -1.0; }
    [[nodiscard]] const start_data& start(int m) const { return m_start[static_cast<std::size_t>(m + m_L - 1)]; }
    [[nodiscard]] bool with_neg(int m, field_kind f) const { return m > 0 && f == field_kind::complex; }

    /// Node columns of orders m0 (first buffer set) and, when m1 ≥ 0, m1 (the *2 set) from
    /// alm: the Legendre step on the resampler's nodes for a pair of orders.
    void node_synthesis_pair(const value_type* alm, int m0, int m1, field_kind f, scratch& s) const {
        if (m1 >= 0) {  // order m1's node columns end in the *2 buffers
            gather(alm, m1, f, s.ws);
            run_synthesis(m_node_tasks, m1, f, s);
            s.swap_pair();
        }
        gather(alm, m0, f, s.ws);
        run_synthesis(m_node_tasks, m0, f, s);
    }
    /// The transpose of node_synthesis_pair: node columns (both buffer sets) → alm.
    void node_adjoint_pair(value_type* alm, int m0, int m1, field_kind f, scratch& s) const {
        run_adjoint(m_node_tasks, m0, f, s);
        scatter(s.ws, m0, f, alm);
        if (m1 < 0) return;
        s.swap_pair();
        run_adjoint(m_node_tasks, m1, f, s);
        scatter(s.ws, m1, f, alm);
        s.swap_pair();
    }
    /// Ring column of order m in ph ← col / → col.
    void store_column(value_type* ph, int m, field_kind f, const std::vector<std::complex<double>>& col) const {
        value_type* dst = ph + col_offset(m, f, m_nr);
        for (std::size_t r = 0; r < m_nr; ++r) dst[r] = value_type(col[r]);
    }
    void load_column(const value_type* ph, int m, field_kind f, std::vector<std::complex<double>>& col) const {
        const value_type* src = ph + col_offset(m, f, m_nr);
        for (std::size_t r = 0; r < m_nr; ++r) col[r] = std::complex<double>(src[r]);
    }

    /// Runs body(m, scratch) for m = 0..L−1 in parallel (dynamic: cheap high orders last),
    /// thread t on ss[t] (allocated here when ss is null).
    template <class Body>
    void for_orders(int nt, scratch* ss, Body&& body) const {
        const int L = m_L;
#pragma omp parallel num_threads(nt) if (nt > 1)
        {
            std::optional<scratch> own;
            scratch* s = nullptr;
            if (ss) {
#ifdef _OPENMP
                s = ss + omp_get_thread_num();
#else
                s = ss;
#endif
            } else {
                own.emplace(make_scratch());
                s = &*own;
            }
#pragma omp for schedule(dynamic, 1)
            for (int m = 0; m < L; ++m) body(m, *s);
        }
    }
    /// Runs body(m, m + 1 or −1, scratch) for m = 0, 2, 4, … < L in parallel, like for_orders.
    template <class Body>
    void for_order_pairs(int nt, scratch* ss, Body&& body) const {
        const int L = m_L, npairs = (m_L + 1) / 2;
#pragma omp parallel num_threads(nt) if (nt > 1)
        {
            std::optional<scratch> own;
            scratch* s = nullptr;
            if (ss) {
#ifdef _OPENMP
                s = ss + omp_get_thread_num();
#else
                s = ss;
#endif
            } else {
                own.emplace(make_scratch());
                s = &*own;
            }
#pragma omp for schedule(dynamic, 1)
            for (int p = 0; p < npairs; ++p) body(2 * p, 2 * p + 1 < L ? 2 * p + 1 : -1, *s);
        }
    }
    /// A column of the ℓ² + ℓ + m layout touches one cache line per ℓ at a growing stride,
    /// which the hardware prefetchers miss: gather and scatter fetch the entries
    /// `prefetch_ahead` degrees early. The gather of a GL L = 2048 spin-2 order took 27 ms in
    /// all with 8 degrees ahead, 19 with 32, 16 with 64 (alone, one thread); in the whole
    /// synthesis 32 and 64 both saved ≈ 3 % against 8 (the adjoint's scatter is indifferent).
    static constexpr int prefetch_ahead = 32;
    /// Row ℓ of the ℓ² + ℓ + m layout, centred on m = 0.
    static const value_type* row(const value_type* alm, int l) {
        return alm + static_cast<std::size_t>(l) * static_cast<std::size_t>(l + 1);
    }
    static value_type* row(value_type* alm, int l) {
        return alm + static_cast<std::size_t>(l) * static_cast<std::size_t>(l + 1);
    }
    /// Prepares ws.rec for order m and fills ws.alm ← (−1)^s f_ℓ,m (and f_ℓ,−m) as
    /// (L, Q, 2); on the real path Im f_ℓ0 is ignored.
    /// With nmaps > 1 (a batch), map b fills columns b·Q.. of (L, nmaps·Q, 2); map 0
    /// prepares ws.rec. Loops on local pointers: with the vector members in the loop, GCC
    /// reloaded them (and the flags) from memory at every degree, since the stores through
    /// double* may alias them (12 ms for the warm gather of all orders at L = 2048).
    void gather(const value_type* alm, int m, field_kind f, legendre_workspace& ws, int b = 0, int nmaps = 1) const {
        const auto& sd = start(m);
        if (b == 0) prepare_coefficients(ws, m, -m_spin, sd, m_L);
        const double sg = sign_s();  // the kernels' scaling comes in synthesis_m (to_kernel_form)
        const bool neg = with_neg(m, f), real0 = m == 0 && f == field_kind::real;
        const int Q = neg ? 2 : 1, l0 = sd.l0, L = m_L;
        const std::size_t stride = static_cast<std::size_t>(2 * Q * nmaps);
        double* __restrict d = ws.alm.data() + 2 * Q * b;
        const auto um = static_cast<std::ptrdiff_t>(m);
        for (int l = l0; l < L; ++l) {
            const value_type* r = row(alm, l);
            if (l + prefetch_ahead < L) {
                const value_type* rp = row(alm, l + prefetch_ahead);
                __builtin_prefetch(rp + um, 0);
                if (neg) __builtin_prefetch(rp - um, 0);
            }
            double* dl = d + stride * static_cast<std::size_t>(l);
            const value_type v = r[um];
            dl[0] = sg * static_cast<double>(v.real());
            dl[1] = real0 ? 0.0 : sg * static_cast<double>(v.imag());
            if (neg) {
                const value_type w = r[-um];
                dl[2] = sg * static_cast<double>(w.real());
                dl[3] = sg * static_cast<double>(w.imag());
            }
        }
    }
    /// alm ← (−1)^s ws.alm for orders ±m (ℓ ≥ |m|; 0 below ℓ₀); on the real path the
    /// negative orders by Hermitian symmetry and f_ℓ0 real. Local pointers as in gather.
    void scatter(const legendre_workspace& ws, int m, field_kind f, value_type* alm, int b = 0, int nmaps = 1) const {
        const double sg = sign_s(), sm = (m % 2 == 0) ? 1.0 : -1.0;
        const bool neg = with_neg(m, f), real = f == field_kind::real;
        const int Q = neg ? 2 : 1, l0 = start(m).l0, L = m_L;
        const std::size_t stride = static_cast<std::size_t>(2 * Q * nmaps);
        const double* __restrict d = ws.alm.data() + 2 * Q * b;
        const auto um = static_cast<std::ptrdiff_t>(m);
        const bool both = neg || (real && m > 0);  // whether −m is written too
        for (int l = m; l < L; ++l) {
            value_type* r = row(alm, l);
            if (l + prefetch_ahead < L) {
                value_type* rp = row(alm, l + prefetch_ahead);
                __builtin_prefetch(rp + um, 1);
                if (both) __builtin_prefetch(rp - um, 1);
            }
            const double* dl = d + stride * static_cast<std::size_t>(l);
            const bool zero = l < l0;
            value_type p = zero ? value_type(0) : value_type(T(sg * dl[0]), T(sg * dl[1]));
            if (real) {
                if (m == 0) p = value_type(p.real(), T(0));
                r[um] = p;
                if (m > 0) r[-um] = T(sm) * std::conj(p);
                continue;
            }
            r[um] = p;
            if (neg) r[-um] = zero ? value_type(0) : value_type(T(sg * dl[2]), T(sg * dl[3]));
        }
    }
    /// The first-dead-chunk cache of a task set (m_tasks or m_node_tasks).
    [[nodiscard]] const dead_chunk_cache& dead_chunks(const legendre_tasks& tk) const {
        return &tk == &m_node_tasks ? m_node_dead : m_dead;
    }
    /// Double columns are read and written in ph itself (column_ref with stride 2); float
    /// ones go through the scratch columns and put_columns / get_columns.
    static constexpr bool direct_columns = std::is_same_v<T, double>;
    /// Order m's column of ph as a column_ref, read-write or read-only (direct_columns only).
    [[nodiscard]] column_ref ph_column(value_type* ph, int m, field_kind f) const {
        auto* p = reinterpret_cast<double*>(ph + col_offset(m, f, m_nr));
        return {p, p + 1, 2};
    }
    [[nodiscard]] const_column_ref ph_column(const value_type* ph, int m, field_kind f) const {
        const auto* p = reinterpret_cast<const double*>(ph + col_offset(m, f, m_nr));
        return {p, p + 1, 2};
    }
    /// Runs after gather(…, m, …), which prepared s.ws for order m. Writes the columns of
    /// map b into the scratch columns, or with ph into ph[b] directly (direct_columns).
    void run_synthesis(const legendre_tasks& tk, int m, field_kind f, scratch& s, int nmaps = 1,
                       value_type* const* ph = nullptr) const {
        column_ref pos[max_batch] = {{s.pr.data(), s.pi.data()}, {s.pr2.data(), s.pi2.data()}};
        column_ref neg[max_batch] = {{s.nr.data(), s.ni.data()}, {s.nr2.data(), s.ni2.data()}};
        if (ph)
            for (int b = 0; b < nmaps; ++b) {
                pos[b] = ph_column(ph[b], m, f);
                if (with_neg(m, f)) neg[b] = ph_column(ph[b], -m, f);
            }
        synthesis_m(tk, start(m), s.ws, m_L, m, -m_spin, with_neg(m, f), nmaps, pos, neg, &dead_chunks(tk));
    }
    /// The transpose of run_synthesis (columns from the scratch or, with ph, from ph[b]).
    void run_adjoint(const legendre_tasks& tk, int m, field_kind f, scratch& s, int nmaps = 1,
                     const value_type* const* ph = nullptr) const {
        const auto& sd = start(m);
        prepare_coefficients(s.ws, m, -m_spin, sd, m_L);
        const_column_ref pos[max_batch] = {{s.pr.data(), s.pi.data()}, {s.pr2.data(), s.pi2.data()}};
        const_column_ref neg[max_batch] = {{s.nr.data(), s.ni.data()}, {s.nr2.data(), s.ni2.data()}};
        if (ph)
            for (int b = 0; b < nmaps; ++b) {
                pos[b] = ph_column(ph[b], m, f);
                if (with_neg(m, f)) neg[b] = ph_column(ph[b], -m, f);
            }
        adjoint_m(tk, sd, s.ws, m_L, m, -m_spin, with_neg(m, f), nmaps, pos, neg, &dead_chunks(tk));
    }
    /// Node/ring columns of map b of a batch: the first set (pr…) or the second (pr2…).
    static const std::vector<double>& set(const std::vector<double>& first, const std::vector<double>& second, int b) {
        return b == 0 ? first : second;
    }
    void put_columns(value_type* ph, int m, field_kind f, std::size_t n, const scratch& s, int b = 0) const {
        const double *pr = set(s.pr, s.pr2, b).data(), *pi = set(s.pi, s.pi2, b).data();
        value_type* a = ph + col_offset(m, f, n);
        for (std::size_t r = 0; r < n; ++r) a[r] = value_type(T(pr[r]), T(pi[r]));
        if (!with_neg(m, f)) return;
        const double *nr = set(s.nr, s.nr2, b).data(), *ni = set(s.ni, s.ni2, b).data();
        value_type* c = ph + col_offset(-m, f, n);
        for (std::size_t r = 0; r < n; ++r) c[r] = value_type(T(nr[r]), T(ni[r]));
    }
    void get_columns(const value_type* ph, int m, field_kind f, std::size_t n, scratch& s, int b = 0) const {
        double* pr = (b == 0 ? s.pr : s.pr2).data();
        double* pi = (b == 0 ? s.pi : s.pi2).data();
        const value_type* a = ph + col_offset(m, f, n);
        for (std::size_t r = 0; r < n; ++r) {
            pr[r] = static_cast<double>(a[r].real());
            pi[r] = static_cast<double>(a[r].imag());
        }
        if (!with_neg(m, f)) return;
        double* nr = (b == 0 ? s.nr : s.nr2).data();
        double* ni = (b == 0 ? s.ni : s.ni2).data();
        const value_type* c = ph + col_offset(-m, f, n);
        for (std::size_t r = 0; r < n; ++r) {
            nr[r] = static_cast<double>(c[r].real());
            ni[r] = static_cast<double>(c[r].imag());
        }
    }

    int m_L = 0, m_spin = 0;
    std::size_t m_nr = 0;
    std::vector<start_data> m_start;  // (2L−1), index m + L − 1
    legendre_tasks m_tasks;           // the geometry's rings
    theta_resampler m_resampler;      // MW/MWSS only
    legendre_tasks m_node_tasks;      // the resampler's nodes
    dead_chunk_cache m_dead;          // first dead chunks of m_tasks per order, learnt by the first call
    dead_chunk_cache m_node_dead;     // the same for m_node_tasks
    bool m_node_synthesis = false;    // MW: synthesis through the nodes too
};

}  // namespace sphaera::sht::detail
