#!/usr/bin/env python3
"""Times sphaera's directional wavelet transforms against s2wav (CPU JAX) in one run: same
band-limit L, same N, lambda = 2, J_min = 0, MW sampling, multiresolution (s2wav's only mode),
complex fields (s2wav's default reality=False), and prints medians of analysis+synthesis,
peak resident memory of each side and the sphaera/s2wav time ratio.

    python3 benchmarks/compare/compare_wavelets.py --bench build/bench/benchmarks/bench_wavelets

The first run creates a virtual environment (default ~/.cache/sphaera/venv-compare-wavelets)
with s2wav and CPU JAX, then re-runs itself inside it. Each side runs in its own child
process (peak RSS from getrusage), alternating, with the same OMP/XLA thread count.

sphaera is timed by its Google Benchmark executable (BM_wavelet_roundtrip, complex,
multiresolution). Not yet here: the largest difference of the outputs to sphaera's
compatibility mode (parameters::quadrature = kernel_quadrature::s2wav_trapezium), which
needs a sphaera command-line tool that writes the coefficients as .npy.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import venv

DEFAULT_VENV = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "sphaera",
                            "venv-compare-wavelets")

S2WAV_CHILD = r"""
import json, resource, sys, time
import numpy as np
import jax
jax.config.update("jax_enable_x64", True)
import s2wav, s2fft
L, N, repeat = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(0)
f = rng.standard_normal((L, 2 * L - 1)) + 1j * rng.standard_normal((L, 2 * L - 1))
filters = s2wav.filters.filters_directional_vectorised(L, N)
def roundtrip():
    w, s = s2wav.analysis(f, L, N, filters=filters)
    g = s2wav.synthesis(w, s, L, N, filters=filters)
    return np.asarray(g)
roundtrip()  # compile / precompute
times = []
for _ in range(repeat):
    t0 = time.perf_counter(); roundtrip(); times.append(time.perf_counter() - t0)
print(json.dumps({"median_s": sorted(times)[len(times) // 2],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
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
    if subprocess.run([py, "-c", "import s2wav, jax"], capture_output=True).returncode != 0:
        pip = [py, "-m", "pip", "install", "--disable-pip-version-check"]
        subprocess.run(pip + ["--upgrade", "pip", "numpy"], check=True)
        subprocess.run(pip + ["s2wav", "jax[cpu]"], check=True)
    os.execv(py, [py] + sys.argv)


def run_s2wav(L, N, repeat, env):
    r = subprocess.run([sys.executable, "-c", S2WAV_CHILD, str(L), str(N), str(repeat)], capture_output=True,
                       text=True, env=env)
    if r.returncode != 0:
        return {"error": (r.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def run_sphaera(bench, L, N, threads, repeat, env):
    flt = f"BM_wavelet_roundtrip/{L}/{N}/0/1/{threads}/"
    cmd = [bench, f"--benchmark_filter={flt}", f"--benchmark_repetitions={repeat}", "--benchmark_format=json",
           "--benchmark_report_aggregates_only=true"]
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        return {"error": r.stderr.strip()[-200:]}
    data = json.loads(r.stdout)
    med = [b for b in data["benchmarks"] if b.get("aggregate_name") == "median"]
    rss = [l for l in r.stderr.splitlines() if "Maximum resident set size" in l]
    return {"median_s": med[0]["real_time"] / 1e3 if med else float("nan"),
            "peak_rss_mb": int(rss[0].split(":")[1]) / 1024 if rss else float("nan")}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, help="path of the bench_wavelets executable")
    ap.add_argument("--venv", default=DEFAULT_VENV)
    ap.add_argument("--L", type=int, nargs="+", default=[128, 256, 512])
    ap.add_argument("--N", type=int, nargs="+", default=[1, 3, 4])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    args.bench = os.path.abspath(args.bench)
    ensure_venv(args)
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OMP_WAIT_POLICY="passive",
               XLA_FLAGS=f"--xla_cpu_multi_thread_eigen={'true' if args.threads > 1 else 'false'} "
                         f"intra_op_parallelism_threads={args.threads}")
    print(f"{'L':>5} {'N':>2} {'sphaera s':>10} {'s2wav s':>10} {'ratio':>7} {'sphaera MB':>11} {'s2wav MB':>9}")
    for L in args.L:
        for N in args.N:
            a = run_sphaera(args.bench, L, N, args.threads, args.repeat, env)  # alternate sides
            b = run_s2wav(L, N, args.repeat, env)
            if "error" in a or "error" in b:
                print(f"{L:>5} {N:>2}  sphaera: {a.get('error', 'ok')}  s2wav: {b.get('error', 'ok')}")
                continue
            print(f"{L:>5} {N:>2} {a['median_s']:>10.4f} {b['median_s']:>10.4f} {b['median_s'] / a['median_s']:>7.1f}"
                  f" {a['peak_rss_mb']:>11.0f} {b['peak_rss_mb']:>9.0f}", flush=True)
    print("ratio = s2wav time / sphaera time (larger: sphaera faster)")


if __name__ == "__main__":
    main()
