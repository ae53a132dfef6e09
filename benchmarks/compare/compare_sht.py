#!/usr/bin/env python3
"""Times sphaera's spherical harmonic transforms against ducc0, healpy (HEALPix rows) and
optionally s2fft in one run: same grid, same band-limit, same thread count, calls alternating, and prints a
table of medians, sphaera/ducc0 time ratios and the largest relative differences of the
outputs.

    python3 benchmarks/compare/compare_sht.py --sphaera build/bench/examples/sphaera_sht

The first run creates a virtual environment (default ~/.cache/sphaera/venv-compare-sht)
with ducc0 built from source for this CPU (`pip install --no-binary ducc0 ducc0`, several
minutes), healpy, s2fft and CPU JAX, then re-runs itself inside it.

Conventions (see README.md here): sphaera transforms complex spin-s fields with
coefficients in the 1-D layout l^2 + l + m. ducc0 transforms real maps with healpy-layout
coefficients. The two meet as follows:
  * spin 0: a real field; sphaera runs with --reality, ducc0 with one map.
  * spin s > 0: sphaera's complex field P = Q + iU and its s_a_lm; ducc0's (Q, U) maps and
    gradient/curl coefficients (E, B) with s_a_lm = -(E + iB) (healpy's convention), so
    E = -(a + J a)/2, B = i(a - J a)/2 with (J a)_lm = (-1)^m conj(a_{l,-m}).
sphaera is driven through its command-line tool. If the tool accepts `--repeat N` and prints
`median_s=<seconds>` it is timed by itself (transform only); otherwise the wall time of the
whole process is taken (process start, .npy input/output and planning included) and the
table says so.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv

HERE = os.path.dirname(os.path.abspath(__file__))
# "wall" (default) or "cpu": the clock both sides are timed with (see --clock).
CLOCK = "wall"
# Seconds of timed calls per side and operation that short transforms get (see --min-time).
MIN_TIME = 0.25
# Outside the work tree, so that the venv never shows up in git status.
DEFAULT_VENV = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "sphaera",
                            "venv-compare-sht")


# ----------------------------------------------------------------------------- set-up
def in_venv(path):
    return os.path.realpath(sys.prefix) == os.path.realpath(path)


def ensure_venv(args):
    """Creates the venv and installs the reference tools, then re-executes inside it."""
    if in_venv(args.venv):
        return
    py = os.path.join(args.venv, "bin", "python")
    if not os.path.exists(py):
        print(f"creating virtual environment {args.venv}", flush=True)
        os.makedirs(os.path.dirname(args.venv), exist_ok=True)
        venv.EnvBuilder(with_pip=True).create(args.venv)
    have = subprocess.run([py, "-c", "import ducc0, healpy, numpy"], capture_output=True).returncode == 0
    if not have:
        pip = [py, "-m", "pip", "install", "--disable-pip-version-check"]
        subprocess.run(pip + ["--upgrade", "pip", "wheel", "setuptools", "numpy"], check=True)
        subprocess.run(pip + ["healpy"], check=True)
        print("building ducc0 from source for this CPU (several minutes)", flush=True)
        subprocess.run(pip + ["--no-binary", "ducc0", "ducc0"], check=True)
    if args.s2fft:
        if subprocess.run([py, "-c", "import s2fft, jax"], capture_output=True).returncode != 0:
            subprocess.run([py, "-m", "pip", "install", "--disable-pip-version-check", "s2fft", "jax[cpu]"],
                           check=True)
    os.execv(py, [py, os.path.abspath(__file__)] + sys.argv[1:])


# ------------------------------------------------------------------ layouts and fields
def lm_arrays(L):
    import numpy as np
    ell = np.repeat(np.arange(L), 2 * np.arange(L) + 1)
    m = np.concatenate([np.arange(-l, l + 1) for l in range(L)])
    return ell, m


def full_index(ell, m):
    return ell * ell + ell + m


def healpy_index(L, ell, m):
    return m * (2 * L - 1 - m) // 2 + ell


def conj_flip(a, L):
    """(J a)_lm = (-1)^m conj(a_{l,-m}) in the 1-D layout."""
    import numpy as np
    ell, m = lm_arrays(L)
    return np.where(m % 2 == 0, 1.0, -1.0) * np.conj(a[full_index(ell, -m)])


def full_to_healpy(a, L):
    import numpy as np
    ell, m = lm_arrays(L)
    keep = m >= 0
    out = np.zeros(L * (L + 1) // 2, dtype=complex)
    out[healpy_index(L, ell[keep], m[keep])] = a[keep]
    return out


def healpy_to_full(h, L):
    """Coefficients of a real field: m < 0 from (-1)^m conj(a_l|m|)."""
    import numpy as np
    ell, m = lm_arrays(L)
    am = np.abs(m)
    v = h[healpy_index(L, ell, am)]
    return np.where(m >= 0, v, np.where(am % 2 == 0, 1.0, -1.0) * np.conj(v))


def spin_to_eb(a, L):
    ja = conj_flip(a, L)
    return -(a + ja) / 2, 1j * (a - ja) / 2


def eb_to_spin(e_h, b_h, L):
    return -(healpy_to_full(e_h, L) + 1j * healpy_to_full(b_h, L))


def random_alm(L, spin, rng):
    import numpy as np
    ell, m = lm_arrays(L)
    a = rng.standard_normal(L * L) + 1j * rng.standard_normal(L * L)
    a[ell < spin] = 0
    if spin == 0:  # a real field: Hermitian coefficients
        a = (a + conj_flip(a, L)) / 2
    return a


def max_rel(x, ref):
    import numpy as np
    d = np.max(np.abs(np.asarray(x) - np.asarray(ref)))
    s = np.max(np.abs(ref))
    return float(d / s) if s > 0 else float(d)


# ------------------------------------------------------------------------- runners
class Sphaera:
    def __init__(self, exe, workdir):
        self.exe = exe
        self.work = workdir
        self.self_timed = self._probe_repeat()
        self.has_adjoint = self._probe_adjoint()

    def _probe_repeat(self):
        import numpy as np
        a = np.zeros(4, dtype=complex)
        i, o = os.path.join(self.work, "probe_in.npy"), os.path.join(self.work, "probe_out.npy")
        np.save(i, a)
        r = subprocess.run([self.exe, "synthesis", "--sampling", "gl", "--L", "2", "--repeat", "2", i, o],
                           capture_output=True, text=True)
        return r.returncode == 0 and re.search(r"median_s=([0-9.eE+-]+)", r.stdout + r.stderr) is not None

    def _probe_adjoint(self):
        import numpy as np
        i, o = os.path.join(self.work, "probe_in.npy"), os.path.join(self.work, "probe_out.npy")
        np.save(i, np.zeros((2, 3), dtype=complex))
        r = subprocess.run([self.exe, "adjoint_synthesis", "--sampling", "gl", "--L", "2", i, o],
                           capture_output=True, text=True)
        return r.returncode == 0

    def run(self, direction, sampling, L, spin, threads, x, nside=None, repeat=1):
        """Returns (seconds, output array)."""
        import numpy as np
        i, o = os.path.join(self.work, "in.npy"), os.path.join(self.work, "out.npy")
        np.save(i, x)
        cmd = [self.exe, direction, "--sampling", sampling, "--L", str(L), "--spin", str(spin),
               "--threads", str(threads)]
        if nside is not None:
            cmd += ["--nside", str(nside)]
        if spin == 0:
            cmd += ["--reality"]
        if self.self_timed:
            cmd += ["--repeat", str(repeat)]
        t0 = time.perf_counter()
        r = subprocess.run(cmd + [i, o], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {r.stderr.strip()}")
        if self.self_timed:
            key = "median_cpu_s" if CLOCK == "cpu" else "median_s"
            found = re.search(key + r"=([0-9.eE+-]+)", r.stdout + r.stderr)
            if found is None:
                raise RuntimeError(f"{' '.join(cmd)} printed no {key}= (an older sphaera_sht? use --clock wall)")
            wall = float(found.group(1))
        return wall, np.load(o)


def ducc_geometry_args(sampling):
    return {"gl": "GL", "mw": "MW"}[sampling]


def ducc_synthesis(a, sampling, L, spin, threads, hp_geom=None):
    import ducc0
    import numpy as np
    if spin == 0:
        alm = full_to_healpy(a, L)[None, :]
    else:
        e, b = spin_to_eb(a, L)
        alm = np.stack([full_to_healpy(e, L), full_to_healpy(b, L)])
    ncomp = alm.shape[0]
    if hp_geom is not None:
        out = ducc_output((ncomp, int(hp_geom["nphi"].sum())), np.float64)
    else:
        out = ducc_output((ncomp, L, 2 * L - 1), np.float64)
    t0 = clock_now()
    if hp_geom is not None:
        m = ducc0.sht.experimental.synthesis(alm=alm, lmax=L - 1, spin=spin, nthreads=threads, map=out, **hp_geom)
    else:
        m = ducc0.sht.experimental.synthesis_2d(alm=alm, spin=spin, lmax=L - 1, geometry=ducc_geometry_args(sampling),
                                                ntheta=L, nphi=2 * L - 1, nthreads=threads, map=out)
    DUCC_SECONDS[0] = clock_now() - t0
    return m[0].copy() if spin == 0 else m[0] + 1j * m[1]  # copies: `out` is reused by the next call


def ducc_analysis(f, sampling, L, spin, threads, hp_geom=None, npix=None, adjoint=False):
    """Exact analysis on GL/MW; on HEALPix the one-step weighted adjoint (4 pi/npix) S^H.
    adjoint=True: the adjoint synthesis S^H (no weights) on every grid."""
    import ducc0
    import numpy as np
    maps = f[None, ...] if spin == 0 else np.stack([f.real, f.imag])
    out = ducc_output((maps.shape[0], L * (L + 1) // 2), np.complex128)
    t0 = clock_now()
    if adjoint and hp_geom is not None:
        alm = ducc0.sht.experimental.adjoint_synthesis(map=maps, lmax=L - 1, spin=spin, nthreads=threads, alm=out,
                                                       **hp_geom)
    elif adjoint:
        alm = ducc0.sht.experimental.adjoint_synthesis_2d(map=maps, spin=spin, lmax=L - 1, alm=out,
                                                          geometry=ducc_geometry_args(sampling), nthreads=threads)
    elif hp_geom is not None:
        alm = ducc0.sht.experimental.adjoint_synthesis(map=maps, lmax=L - 1, spin=spin, nthreads=threads, alm=out,
                                                       **hp_geom)
    else:
        alm = ducc0.sht.experimental.analysis_2d(map=maps, spin=spin, lmax=L - 1, alm=out,
                                                 geometry=ducc_geometry_args(sampling), nthreads=threads)
    DUCC_SECONDS[0] = clock_now() - t0
    if hp_geom is not None and not adjoint:
        alm = alm * (4 * np.pi / npix)  # the one-step HEALPix analysis weight: one scalar multiply, after the clock
    return healpy_to_full(alm[0], L) if spin == 0 else eb_to_spin(alm[0], alm[1], L)


# Output arrays handed to ducc0 (map= / alm=), one per shape, reused across calls: both
# sides are timed in steady state (sphaera's CLI reuses one workspace in --repeat).
DUCC_OUTPUTS = {}


def ducc_output(shape, dtype):
    import numpy as np
    key = (shape, np.dtype(dtype).str)
    if key not in DUCC_OUTPUTS:
        if len(DUCC_OUTPUTS) >= 4:
            DUCC_OUTPUTS.clear()  # a case uses two shapes: keep the memory bounded
        DUCC_OUTPUTS[key] = np.empty(shape, dtype)
    return DUCC_OUTPUTS[key]


def clock_now():
    return time.process_time() if CLOCK == "cpu" else time.perf_counter()


# Seconds of the last ducc0 call alone: the layout conversions around it (healpy <-> the
# l^2 + l + m layout, E/B <-> spin) are the script's, not ducc0's, and are not timed.
DUCC_SECONDS = [0.0]


def timed_ducc(fn, *a, **k):
    out = fn(*a, **k)
    return DUCC_SECONDS[0], out


def timed(fn, *a, **k):
    clock = time.process_time if CLOCK == "cpu" else time.perf_counter
    t0 = clock()
    out = fn(*a, **k)
    return clock() - t0, out


# --------------------------------------------------------------------------- driver
def compare_case(sph, rows, sampling, L, spin, threads, repeat, rng, nside=None, s2fft_on=False, healpy_on=False):
    import numpy as np
    hp_geom, npix = None, None
    if sampling == "healpix":
        import ducc0
        hp_geom = ducc0.healpix.Healpix_Base(nside, "RING").sht_info()
        npix = 12 * nside * nside
    a = random_alm(L, spin, rng)
    # Synthesis: alternate sphaera and ducc0 calls; the first call of each is a warm-up.
    t_s, t_d = [], []
    f_d = ducc_synthesis(a, sampling, L, spin, threads, hp_geom)
    # Short transforms get more timed calls (about MIN_TIME seconds per side and operation,
    # at most 100): with 5 calls of ~1 ms the medians still carried warm-up effects.
    # (s2fft and healpy, far slower, keep the given count.)
    base_repeat, repeat = repeat, max(repeat, min(100, int(MIN_TIME / max(DUCC_SECONDS[0], 1e-6)) + 1))
    _, f_s = sph.run("synthesis", sampling, L, spin, threads, a, nside, repeat)
    for _ in range(1 if sph.self_timed else repeat):
        t, f_s = sph.run("synthesis", sampling, L, spin, threads, a, nside, repeat)
        t_s.append(t)
        for _ in range(repeat if sph.self_timed else 1):
            t, f_d = timed_ducc(ducc_synthesis, a, sampling, L, spin, threads, hp_geom)
            t_d.append(t)
    f_s = np.asarray(f_s).reshape(f_d.shape)
    t_syn = statistics.median(t_s)
    rows.append((sampling, nside or "", L, spin, threads, "synthesis", "ducc0", t_syn,
                 statistics.median(t_d), max_rel(f_s, f_d), ""))
    # Analysis of the band-limited map: outputs against each other and against the input alm.
    x = f_d.real if spin == 0 else f_d
    t_s, t_d = [], []
    _, a_s = sph.run("analysis", sampling, L, spin, threads, x, nside, repeat)
    a_d = ducc_analysis(x, sampling, L, spin, threads, hp_geom, npix)
    for _ in range(1 if sph.self_timed else repeat):
        t, a_s = sph.run("analysis", sampling, L, spin, threads, x, nside, repeat)
        t_s.append(t)
        for _ in range(repeat if sph.self_timed else 1):
            t, a_d = timed_ducc(ducc_analysis, x, sampling, L, spin, threads, hp_geom, npix)
            t_d.append(t)
    # Round trip: each tool's analysis of its own synthesis against the input alm (ducc0's
    # map is x; sphaera's own map f_s gets one more, untimed, analysis). Feeding ducc0's map
    # to both would charge ducc0's synthesis error (~1e-11 at L = 2048) to sphaera's analysis.
    rt = ""
    if sampling != "healpix":
        x_s = f_s.real if spin == 0 else f_s
        _, a_rt = sph.run("analysis", sampling, L, spin, threads, x_s, nside, 1)
        rt = f"{max_rel(a_rt, a):.1e}/{max_rel(a_d, a):.1e}"
    t_ana = statistics.median(t_s)
    rows.append((sampling, nside or "", L, spin, threads, "analysis", "ducc0", t_ana,
                 statistics.median(t_d), max_rel(a_s, a_d), rt))
    if sph.has_adjoint:
        # Adjoint synthesis S^H of the same map (ducc0's (E, B) mapped as for analysis).
        t_s, t_d = [], []
        _, b_s = sph.run("adjoint_synthesis", sampling, L, spin, threads, x, nside, repeat)
        b_d = ducc_analysis(x, sampling, L, spin, threads, hp_geom, npix, adjoint=True)
        for _ in range(1 if sph.self_timed else repeat):
            t, b_s = sph.run("adjoint_synthesis", sampling, L, spin, threads, x, nside, repeat)
            t_s.append(t)
            for _ in range(repeat if sph.self_timed else 1):
                t, b_d = timed_ducc(ducc_analysis, x, sampling, L, spin, threads, hp_geom, npix, adjoint=True)
                t_d.append(t)
        rows.append((sampling, nside or "", L, spin, threads, "adjoint_synthesis", "ducc0", statistics.median(t_s),
                     statistics.median(t_d), max_rel(b_s, b_d), ""))
    if s2fft_on and sampling in ("mw", "gl") and threads == 1:
        rows.extend(s2fft_case(sampling, L, spin, a, f_d, base_repeat, t_syn, t_ana, f_s, a_s))
    if healpy_on and sampling == "healpix" and threads == 1:
        rows.extend(healpy_case(nside, L, spin, a, x, base_repeat, t_syn, t_ana, f_s, a_s))


def healpy_case(nside, L, spin, a, x, repeat, t_syn, t_ana, f_s, a_s):
    """healpy's alm2map / map2alm (iter=0: the same one-step weighted adjoint) and their
    spin forms, timed after one warm-up call; single-threaded rows only (healpy takes its
    OpenMP thread count from OMP_NUM_THREADS, set to 1 for its import in main())."""
    import healpy
    import numpy as np
    if spin == 0:
        alm = full_to_healpy(a, L)
        syn = lambda: healpy.alm2map(alm, nside, lmax=L - 1)
        ana = lambda: healpy.map2alm(x, lmax=L - 1, iter=0)
        as_full = lambda h: healpy_to_full(h, L)
        as_map = lambda m: m
    else:
        e, b = spin_to_eb(a, L)
        eb = np.stack([full_to_healpy(e, L), full_to_healpy(b, L)])
        qu = np.stack([x.real, x.imag])
        syn = lambda: healpy.alm2map_spin(eb, nside, spin, L - 1)
        ana = lambda: healpy.map2alm_spin(qu, spin, lmax=L - 1)
        as_full = lambda h: eb_to_spin(h[0], h[1], L)
        as_map = lambda m: m[0] + 1j * m[1]
    f_h, a_h = syn(), ana()
    t_inv = statistics.median([timed(syn)[0] for _ in range(repeat)])
    t_fwd = statistics.median([timed(ana)[0] for _ in range(repeat)])
    f_h, a_h = as_map(np.asarray(f_h)), as_full(np.asarray(a_h))
    return [("healpix", nside, L, spin, 1, "synthesis", "healpy", t_syn, t_inv,
             max_rel(np.asarray(f_s).reshape(f_h.shape), f_h), ""),
            ("healpix", nside, L, spin, 1, "analysis", "healpy", t_ana, t_fwd, max_rel(a_s, a_h), "")]


def s2fft_case(sampling, L, spin, a, f_ref, repeat, t_syn, t_ana, f_s, a_s):
    """s2fft on CPU JAX (its precompute-free recursion), timed after one compiling call;
    single-threaded rows only (JAX picks its own threads)."""
    import jax
    jax.config.update("jax_enable_x64", True)
    import numpy as np
    import s2fft
    flm = np.zeros((L, 2 * L - 1), dtype=complex)
    ell, m = lm_arrays(L)
    flm[ell, L - 1 + m] = a
    reality = spin == 0
    x = f_ref.real if reality else f_ref
    inv = lambda: np.asarray(s2fft.inverse(flm, L, spin=spin, sampling=sampling, method="jax", reality=reality))
    fwd = lambda: np.asarray(s2fft.forward(x, L, spin=spin, sampling=sampling, method="jax", reality=reality))
    f, g = inv(), fwd()
    t_inv = statistics.median([timed(inv)[0] for _ in range(repeat)])
    t_fwd = statistics.median([timed(fwd)[0] for _ in range(repeat)])
    g = g[ell, L - 1 + m]
    rt = f"{max_rel(a_s, a):.1e}/{max_rel(g, a):.1e}"
    return [(sampling, "", L, spin, 1, "synthesis", "s2fft", t_syn, t_inv, max_rel(f_s, f), ""),
            (sampling, "", L, spin, 1, "analysis", "s2fft", t_ana, t_fwd, max_rel(a_s, g), rt)]


def print_table(rows, self_timed, machine):
    print()
    print(f"machine: {machine}")
    print("sphaera timing: " + ("transform only (--repeat median)" if self_timed else
                                "WALL TIME OF THE CLI PROCESS (start, .npy I/O and planning included)"))
    print("clock: " + ("process CPU time, summed over threads, both sides" if CLOCK == "cpu" else "wall time"))
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    hdr = ("grid", "nside", "L", "spin", "thr", "op", "vs", "sphaera s", "other s", "sphaera/other",
           "max rel diff", "round trip sph/other")
    print(" | ".join(hdr))
    print(" | ".join("---" for _ in hdr))
    for g, ns, L, s, t, op, other, ts, td, d, rt in rows:
        ratio = ts / td if td > 0 else float("nan")
        print(f"{g} | {ns} | {L} | {s} | {t} | {op} | {other} | {ts:.4g} | {td:.4g} | {ratio:.2f} | {d:.1e} | {rt}")


def machine_name():
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        model = "unknown CPU"
    return f"{model}, {os.cpu_count()} logical CPUs"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sphaera", required=True, help="path of the sphaera_sht executable")
    p.add_argument("--venv", default=DEFAULT_VENV, help="virtual environment to create/use")
    p.add_argument("--L", type=int, nargs="*", default=[256, 512, 1024, 2048], help="band-limits for GL/MW (none: skip)")
    p.add_argument("--spins", type=int, nargs="+", default=[0, 2])
    p.add_argument("--samplings", nargs="+", default=["gl", "mw"], choices=["gl", "mw"])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--nside", type=int, nargs="*", default=[512, 1024], help="HEALPix nsides (none: skip)")
    p.add_argument("--healpix-lfactor", type=float, default=2.0, help="L = lfactor * nside on HEALPix")
    p.add_argument("--repeat", type=int, default=5, help="timed calls per side (median reported), at least")
    p.add_argument("--min-time", type=float, default=0.25,
                   help="seconds of timed calls per side and operation: short transforms repeat more (at most 100)")
    p.add_argument("--s2fft", action="store_true", help="also time s2fft synthesis (1 thread, L <= --s2fft-max-L)")
    p.add_argument("--s2fft-max-L", type=int, default=256)
    p.add_argument("--no-healpy", action="store_true", help="skip healpy's rows (HEALPix, 1 thread)")
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--no-setup", action="store_true", help="use the current interpreter as is")
    p.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                   help="wall time, or process CPU time summed over threads (stable on a shared, loaded machine; "
                        "with several threads it counts their sum, not the elapsed time)")
    args = p.parse_args()
    global CLOCK, MIN_TIME
    CLOCK = args.clock
    MIN_TIME = args.min_time
    args.venv = os.path.abspath(args.venv)
    # Checked before any timing: a bad value found at the end would lose the whole table.
    for name, vals in (("--nside", args.nside), ("--L", args.L)):
        bad = [v for v in vals if v < 1]
        if bad:
            sys.exit(f"compare_sht.py: {name} {bad[0]} is out of range; valid values are >= 1 (omit the values to skip)")
    if not os.access(args.sphaera, os.X_OK):
        sys.exit(f"compare_sht.py: --sphaera {args.sphaera} is not an executable file")
    args.sphaera = os.path.abspath(args.sphaera)
    if not args.no_setup:
        ensure_venv(args)
    # healpy's OpenMP runtime reads its thread count once, when healpy is imported: one
    # thread, as its rows are the single-threaded ones. The variable is restored right after,
    # because ducc0 reads it at every call and would cap nthreads=2 to one thread.
    if not args.no_healpy:
        saved = os.environ.get("OMP_NUM_THREADS")
        os.environ["OMP_NUM_THREADS"] = "1"
        try:
            import healpy  # noqa: F401
        except ImportError:
            print("healpy is not installed here: its rows are skipped", flush=True)
            args.no_healpy = True
        if saved is None:
            del os.environ["OMP_NUM_THREADS"]
        else:
            os.environ["OMP_NUM_THREADS"] = saved
    import numpy as np

    rng = np.random.default_rng(args.seed)
    work = tempfile.mkdtemp(prefix="compare_sht_", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    rows = []
    try:
        sph = Sphaera(args.sphaera, work)
        for L in args.L:
            for sampling in args.samplings:
                for spin in args.spins:
                    for thr in args.threads:
                        print(f"running {sampling} L={L} spin={spin} threads={thr}", flush=True)
                        compare_case(sph, rows, sampling, L, spin, thr, args.repeat, rng,
                                     s2fft_on=args.s2fft and L <= args.s2fft_max_L)
        for nside in args.nside:
            L = int(round(args.healpix_lfactor * nside))
            for spin in args.spins:
                for thr in args.threads:
                    print(f"running healpix nside={nside} L={L} spin={spin} threads={thr}", flush=True)
                    compare_case(sph, rows, "healpix", L, spin, thr, args.repeat, rng, nside=nside,
                                 healpy_on=not args.no_healpy)
        print_table(rows, sph.self_timed, machine_name())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
