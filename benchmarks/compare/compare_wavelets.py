#!/usr/bin/env python3
"""Compares sphaera's directional wavelet transforms with s2wav (CPU JAX) in one run: same
band-limit L, same N, lambda, J_min, MW sampling (or --sampling mwss), multiresolution
(s2wav's only JAX mode), complex spin-0 fields by default (--spin s for spin fields,
--reality for real fields through sphaera's real_plan and s2wav's reality=True), same thread
count. For every (L, N) it prints the median time of one analysis + synthesis on each side,
their ratio, the peak resident memory of each side's process, and the largest difference of
sphaera's compatibility mode (`--compat s2wav`) to s2wav, for the coefficients (analysis) and
for the maps (synthesis of s2wav's own coefficients), relative to the largest |value|.

    python3 benchmarks/compare/compare_wavelets.py [--cli build/examples/sphaera_wavelets]

sphaera runs through its command-line tool examples/sphaera_wavelets.cpp; without --cli the
script compiles it with g++ (-O2 -fopenmp, FFTW3) into a temporary folder. The first run
creates a virtual environment (default ~/.cache/sphaera/venv-compare-wavelets) with s2wav and
CPU JAX, then re-runs itself inside it. s2wav 1.0.x imports torch at import time although its
JAX transforms never use it; when torch is absent the script puts an import-only stand-in on
the s2wav child's PYTHONPATH (any call into it raises), so no 1 GB torch install is needed.

Each side runs in its own child process, s2wav first then sphaera for every size, with
OMP_NUM_THREADS / XLA single-threaded Eigen (for --threads 1). Times exclude planning, JIT
compilation and file I/O (s2wav: its filters are precomputed and the jitted transforms
warmed up once; sphaera: --repeat, which times the transform alone). Peak RSS: getrusage of
the s2wav child; /usr/bin/time -v (or getrusage of children) for sphaera's roundtrip run.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import venv

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DEFAULT_VENV = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "sphaera",
                            "venv-compare-wavelets")

TORCH_STUB = '''"""Import-time stand-in for torch: s2wav imports it unconditionally, its JAX transforms
never call it. Attribute lookups succeed; any call raises."""
class _Absent:
    def __init__(self, name): self._name = name
    def __getattr__(self, a): return _Absent(self._name + "." + a)
    def __call__(self, *a, **k): raise RuntimeError(self._name + ": torch is not installed (stub)")
    def __getitem__(self, k): return self
    def __or__(self, o): return self
    __ror__ = __or__
def __getattr__(a): return _Absent("torch." + a)
'''

# The s2wav side: a band-limited random complex field, s2wav analysis + synthesis timed
# together, coefficients flattened as sphaera lays them out ([f_scal | f_wav[J_min] | ...],
# each C-order) and saved with the field and s2wav's synthesis for the difference columns.
S2WAV_CHILD = r"""
import json, resource, sys, time
import numpy as np
import jax
jax.config.update("jax_enable_x64", True)
import s2fft, s2wav
L, N, lam, J_min, repeat, outdir = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
spin, smp, reality = int(sys.argv[7]), sys.argv[8], sys.argv[9] == "1"
rng = np.random.default_rng(0)
shape = (L + 1, 2 * L) if smp == "mwss" else (L, 2 * L - 1)
f = rng.standard_normal(shape) + (0 if reality else 1j * rng.standard_normal(shape))
flm = s2fft.forward_jax(f, L, spin, sampling=smp, reality=reality)
f = np.asarray(s2fft.inverse_jax(flm, L, spin, sampling=smp, reality=reality))  # band-limited
if reality:
    f = f.real
filters = s2wav.filters.filters_directional_vectorised(L, N, J_min, lam, spin)
def roundtrip():
    w, s = s2wav.analysis(f, L, N, J_min, lam, spin, smp, None, reality, filters)
    g = s2wav.synthesis(w, s, L, N, J_min, lam, spin, smp, None, reality, filters)
    return w, s, np.asarray(g)
t0 = time.perf_counter(); w, s, g = roundtrip(); first = time.perf_counter() - t0  # compile
times = []
for _ in range(repeat):
    t0 = time.perf_counter(); roundtrip(); times.append(time.perf_counter() - t0)
coef = np.concatenate([np.asarray(s).ravel()] + [np.asarray(x).ravel() for x in w])
if reality:
    coef, g = coef.real, g.real
np.save(outdir + "/f.npy", f); np.save(outdir + "/coef_s2wav.npy", coef); np.save(outdir + "/g_s2wav.npy", g)
print(json.dumps({"median_s": sorted(times)[len(times) // 2], "first_s": first,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "recon": float(np.abs(g - f).max())}))
"""


def in_venv(path):
    return os.path.realpath(sys.prefix) == os.path.realpath(path)


def ensure_venv(args):
    if in_venv(args.venv):
        return
    py = os.path.join(args.venv, "bin", "python")
    if not os.path.exists(py):
        print(f"creating virtual environment {args.venv}", flush=True)
        os.makedirs(os.path.dirname(args.venv), exist_ok=True)
        venv.EnvBuilder(with_pip=True).create(args.venv)
    if subprocess.run([py, "-c", "import s2fft, jax, numpy"], capture_output=True).returncode != 0:
        pip = [py, "-m", "pip", "install", "--disable-pip-version-check"]
        subprocess.run(pip + ["s2wav", "jax[cpu]", "numpy"], check=True)
    os.execv(py, [py] + sys.argv)


def s2wav_env(args, env):
    """PYTHONPATH with the torch stand-in when torch is not importable."""
    if subprocess.run([sys.executable, "-c", "import torch"], capture_output=True).returncode == 0:
        return env
    stub = os.path.join(args.venv, "torch-stub")
    os.makedirs(os.path.join(stub, "torch"), exist_ok=True)
    with open(os.path.join(stub, "torch", "__init__.py"), "w") as fh:
        fh.write(TORCH_STUB)
    return dict(env, PYTHONPATH=stub + os.pathsep + env.get("PYTHONPATH", ""))


def build_cli(outdir):
    exe = os.path.join(outdir, "sphaera_wavelets")
    cmd = ["g++", "-std=c++20", "-O2", "-fopenmp", "-DNDEBUG", f"-I{REPO}/include",
           os.path.join(REPO, "examples", "sphaera_wavelets.cpp"), "-o", exe,
           "-lfftw3", "-lfftw3f", "-lfftw3_threads", "-lfftw3f_threads"]
    print("building " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    return exe


def run_s2wav(args, L, N, env, outdir):
    try:
        r = subprocess.run([sys.executable, "-c", S2WAV_CHILD, str(L), str(N), str(args.lam), str(args.J_min),
                            str(args.repeat), outdir, str(args.spin), args.sampling, "1" if args.reality else "0"],
                           capture_output=True, text=True, env=env,
                           timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {args.timeout} s"}
    if r.returncode != 0:
        err = [l for l in r.stderr.strip().splitlines() if l.strip()]
        return {"error": (err or ["failed"])[-1][:160]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def sphaera_cmd(args, direction, L, N, src, dst, repeat):
    return [args.cli, direction, "--L", str(L), "--N", str(N), "--lambda", str(args.lam), "--J-min", str(args.J_min),
            "--spin", str(args.spin), "--sampling", args.sampling, "--compat", "s2wav", "--threads", str(args.threads),
            "--repeat", str(repeat)] + (["--reality"] if args.reality else []) + [src, dst]


def run_sphaera(args, L, N, env, outdir):
    """Timed roundtrip (with peak RSS), then analysis and synthesis once for the differences."""
    f = os.path.join(outdir, "f.npy")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    r = subprocess.run(sphaera_cmd(args, "roundtrip", L, N, f, os.path.join(outdir, "g_rt.npy"), args.repeat),
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        return {"error": r.stderr.strip()[-160:]}
    # RUSAGE_CHILDREN's ru_maxrss is the largest child so far: exact for sphaera when it is
    # larger than every earlier child; else fall back to /usr/bin/time below.
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = dict(kv.split("=", 1) for kv in r.stdout.split() if "=" in kv)
    res = {"median_s": float(out["median_s"]), "recon": float(out["max_error"])}
    if rss > before:
        res["peak_rss_mb"] = rss / 1024
    elif shutil.which("time") or os.path.exists("/usr/bin/time"):
        t = subprocess.run(["/usr/bin/time", "-v"] + sphaera_cmd(args, "roundtrip", L, N, f, os.path.join(outdir, "g_rt.npy"), 0),
                           capture_output=True, text=True, env=env)
        line = [l for l in t.stderr.splitlines() if "Maximum resident set size" in l]
        res["peak_rss_mb"] = int(line[0].split(":")[1]) / 1024 if line else float("nan")
    else:
        res["peak_rss_mb"] = float("nan")
    for direction, src, dst in (("analysis", f, "coef_sphaera.npy"), ("synthesis", "coef_s2wav.npy", "g_sphaera.npy")):
        src = src if os.path.isabs(src) else os.path.join(outdir, src)
        r = subprocess.run(sphaera_cmd(args, direction, L, N, src, os.path.join(outdir, dst), 0),
                           capture_output=True, text=True, env=env)
        if r.returncode != 0:
            return {"error": r.stderr.strip()[-160:]}
    return res


def max_rel_diff(a_path, b_path):
    import numpy as np
    a, b = np.load(a_path), np.load(b_path)
    if a.size != b.size:
        return float("nan")
    return float(np.abs(a.ravel() - b.ravel()).max() / np.abs(b).max())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", help="the sphaera_wavelets executable (default: build it with g++)")
    ap.add_argument("--venv", default=DEFAULT_VENV)
    ap.add_argument("--L", type=int, nargs="+", default=[128, 256, 512])
    ap.add_argument("--N", type=int, nargs="+", default=[1, 3, 4])
    ap.add_argument("--lam", type=float, default=2.0)
    ap.add_argument("--J-min", dest="J_min", type=int, default=0)
    ap.add_argument("--spin", type=int, default=0, help="spin of the field (spin0 = 0: s2wav 1.0.4's vectorised "
                    "filters fail for spin0 != 0; tests/wavelets/test_wavelet_s2wav.cpp covers spin0)")
    ap.add_argument("--sampling", choices=["mw", "mwss"], default="mw")
    ap.add_argument("--reality", action="store_true", help="real fields (sphaera's real_plan, s2wav's reality=True)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=1800, help="seconds allowed to one s2wav child")
    args = ap.parse_args()
    ensure_venv(args)
    work = tempfile.mkdtemp(prefix="sphaera-compare-wavelets-")
    args.cli = os.path.abspath(args.cli) if args.cli else build_cli(work)
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OMP_WAIT_POLICY="passive",
               XLA_FLAGS=f"--xla_cpu_multi_thread_eigen={'true' if args.threads > 1 else 'false'}")
    senv = s2wav_env(args, env)
    print(f"{'L':>5} {'N':>2} {'sphaera s':>10} {'s2wav s':>10} {'ratio':>7} {'sphaera MB':>11} {'s2wav MB':>9}"
          f" {'diff coef':>10} {'diff map':>10} {'rt sphaera':>10} {'rt s2wav':>10}", flush=True)
    for L in args.L:
        for N in args.N:
            d = os.path.join(work, f"L{L}_N{N}")
            os.makedirs(d, exist_ok=True)
            b = run_s2wav(args, L, N, senv, d)
            if "error" in b:
                print(f"{L:>5} {N:>2}  s2wav: {b['error']}", flush=True)
                continue
            a = run_sphaera(args, L, N, env, d)
            if "error" in a:
                print(f"{L:>5} {N:>2}  sphaera: {a['error']}", flush=True)
                continue
            dc = max_rel_diff(os.path.join(d, "coef_sphaera.npy"), os.path.join(d, "coef_s2wav.npy"))
            dm = max_rel_diff(os.path.join(d, "g_sphaera.npy"), os.path.join(d, "g_s2wav.npy"))
            print(f"{L:>5} {N:>2} {a['median_s']:>10.4f} {b['median_s']:>10.4f} {b['median_s'] / a['median_s']:>7.1f}"
                  f" {a['peak_rss_mb']:>11.0f} {b['peak_rss_mb']:>9.0f} {dc:>10.1e} {dm:>10.1e}"
                  f" {a['recon']:>10.1e} {b['recon']:>10.1e}", flush=True)
    print("ratio = s2wav time / sphaera time (larger: sphaera faster); times: median of one analysis + synthesis;")
    print("diff = max|sphaera --compat s2wav − s2wav| / max|s2wav| (coef: analysis; map: synthesis of s2wav's coefficients)")
    print("rt = max|synthesis(analysis(f)) − f| of each side alone (f: band-limited, max|f| ~ 4)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
