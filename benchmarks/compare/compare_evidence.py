#!/usr/bin/env python3
"""sphaera's learned harmonic mean estimator against harmonic (McEwen et al. 2021;
Polanska et al. 2024; pip package `harmonic`, GPL: used only as an installed program,
none of its code is copied here) on the same chains, the same target class and the same
training split.

For each dimension d the script draws exact posterior chains of a Gaussian likelihood ×
Gaussian prior with non-diagonal covariances (closed-form ln Z), writes them as .npy
(samples (nchains, nsamples, d), lnprob (nchains, nsamples)) and feeds the same files to

  * sphaera:  the `sphaera_evidence` command-line program (fit and evaluation times are
              measured in-process and printed in its JSON), and
  * harmonic: a driver run in a virtual environment that loads the files, splits with
              hm.utils.split_data (first half of the chains trains, as sphaera's
              split_chains), fits RQSplineModel / ModifiedGaussianMixtureModel and runs
              hm.Evidence, timing fit and evaluation the same way.

Both sides run alternately, `--repeats` times, pinned to the same single core (taskset)
with one thread each (OMP_NUM_THREADS=1; XLA's CPU thread pool off), and the fastest run
of each is kept. One chain set is single-seed noise (both tools' errors are a fraction of
their σ), so `--seeds N` repeats everything on N independent chain sets of the same model
(the same sets for both tools; set s also seeds both tools' training) and the table gives,
per dimension, target and tool: mean fit/evaluation/total time, mean, RMS and largest
|ln Z − truth|, the mean σ each run reports, mean |err|/σ, and the ratio of mean total
times harmonic / sphaera.

    python3 benchmarks/compare/compare_evidence.py --sphaera build/bench/examples/sphaera_evidence \
        --seeds 6 [--json summary.json]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

HARMONIC_DRIVER = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np
import harmonic as hm
from harmonic import model as md, model_legacy as mdl
import jax.numpy as jnp

a = json.loads(sys.argv[1])
samples = np.ascontiguousarray(np.load(a["samples"]), dtype=np.float64)
lnprob = np.ascontiguousarray(np.load(a["lnprob"]), dtype=np.float64)
d = samples.shape[2]
chains = hm.Chains(d)
chains.add_chains_3d(samples, lnprob)
train, infer = hm.utils.split_data(chains, training_proportion=a["train_fraction"])
t0 = time.perf_counter()
if a["target"] == "spline":
    m = md.RQSplineModel(d, n_layers=a["layers"], n_bins=a["bins"],
                         hidden_size=[a["hidden"], a["hidden"]], spline_range=(-10.0, 10.0),
                         standardize=True, temperature=a["temperature"])
    import jax
    m.fit(jnp.array(train.samples), epochs=a["epochs"], batch_size=a["batch_size"], verbose=False,
          key=jax.random.PRNGKey(1000 + a["seed"]))
else:
    m = mdl.ModifiedGaussianMixtureModel(d, [np.array([1e-1, 5e-1])],
                                         hyper_parameters=[1, 1e-8, None, None, None])
    m.fit(train.samples, train.ln_posterior)
t1 = time.perf_counter()
ev = hm.Evidence(infer.nchains, m)
ev.add_chains(infer)
ln_z, ln_z_std = ev.compute_ln_evidence()
t2 = time.perf_counter()
# compute_ln_evidence returns ln Z and ln of its standard deviation.
print(json.dumps({"ln_z": float(ln_z), "ln_z_error": float(np.exp(ln_z_std - ln_z)),
                  "fit_s": t1 - t0, "evaluate_s": t2 - t1}))
"""


def gaussian_problem(d, nchains, nsamples, seed, draw=0):
    """Exact posterior draws and ln Z of N(m; θ, Σ_L) × N(θ; μ₀, Σ₀). The model comes from
    `seed`; `draw` picks an independent set of chains of that same model (draw 0 continues
    the model's generator, as the single-seed comparison always did)."""
    import numpy as np  # from the venv (harmonic depends on it): see main

    rng = np.random.default_rng(seed)

    def spd(scale):
        a = rng.standard_normal((d, d))
        return scale * (a @ a.T / d + 0.5 * np.eye(d))

    sl, s0 = spd(1.0), spd(25.0)
    m, mu0 = 2.0 * rng.standard_normal(d), rng.standard_normal(d)
    sl_inv, s0_inv = np.linalg.inv(sl), np.linalg.inv(s0)
    sp = np.linalg.inv(sl_inv + s0_inv)
    mu_p = sp @ (sl_inv @ m + s0_inv @ mu0)

    def log_normal(x, mean, cov):
        chol = np.linalg.cholesky(cov)
        u = np.linalg.solve(chol, (x - mean).T).T
        return (-0.5 * np.sum(u * u, axis=-1) - np.log(np.diag(chol)).sum()
                - 0.5 * d * np.log(2 * np.pi))

    if draw > 0:
        rng = np.random.default_rng([seed, draw])
    theta = mu_p + rng.standard_normal((nchains * nsamples, d)) @ np.linalg.cholesky(sp).T
    lnprob = log_normal(m, theta, sl) + log_normal(theta, mu0, s0)
    ln_z = float(log_normal(m, mu0, sl + s0))
    return theta.reshape(nchains, nsamples, d), lnprob.reshape(nchains, nsamples), ln_z


def ensure_venv(path):
    """A virtual environment with harmonic installed from PyPI (created once, then reused)."""
    python = path / "bin" / "python"
    if not python.exists():
        print(f"creating {path} and installing harmonic (pip) ...", file=sys.stderr)
        venv.create(path, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "harmonic"], check=True)
    return python


def pinned(cmd, core):
    return (["taskset", "-c", str(core)] + cmd) if shutil.which("taskset") else cmd


def run_json(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sphaera", required=True, help="path to the built sphaera_evidence")
    p.add_argument("--venv", default=str(Path.home() / ".cache" / "sphaera" / "harmonic-venv"))
    p.add_argument("--dims", type=int, nargs="+", default=[5, 21])
    p.add_argument("--targets", nargs="+", default=["spline", "mixture"], choices=["spline", "mixture"])
    p.add_argument("--nchains", type=int, default=40)
    p.add_argument("--nsamples", type=int, default=1250, help="per chain")
    p.add_argument("--repeats", type=int, default=2, help="runs per chain set (fastest kept)")
    p.add_argument("--seeds", type=int, default=1,
                   help="independent chain sets per d (same for both tools; training seeds follow)")
    p.add_argument("--json", help="also write the summary (per-set errors included) here")
    p.add_argument("--core", type=int, default=0, help="CPU both sides are pinned to")
    # harmonic's flow settings: the architecture of sphaera's default spline flow, harmonic's
    # own defaults otherwise (it has no early stopping: a fixed number of epochs).
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--bins", type=int, default=8)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--temperature", type=float, default=0.8)
    a = p.parse_args()

    python = ensure_venv(Path(a.venv))
    # Everything after this point needs numpy: run it with the venv's interpreter, which
    # harmonic's install provides with numpy, so the host needs nothing but python3.
    if Path(sys.prefix).resolve() != Path(a.venv).resolve():
        os.execv(str(python), [str(python), str(Path(__file__).resolve())] + sys.argv[1:])
    import numpy as np

    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
               JAX_PLATFORMS="cpu", JAX_ENABLE_X64="0")
    rows = []
    with tempfile.TemporaryDirectory(prefix="sphaera_compare_") as tmp:
        driver = Path(tmp) / "harmonic_driver.py"
        driver.write_text(HARMONIC_DRIVER)
        for d in a.dims:
            for target in a.targets:
                runs = {"sphaera": [], "harmonic": []}  # one entry per seed: best of repeats
                for seed in range(a.seeds):
                    samples, lnprob, truth = gaussian_problem(d, a.nchains, a.nsamples,
                                                              seed=100 + d, draw=seed)
                    fs, fl = Path(tmp) / f"samples_{d}.npy", Path(tmp) / f"lnprob_{d}.npy"
                    np.save(fs, samples)
                    np.save(fl, lnprob)
                    best = {}
                    for _ in range(a.repeats):  # alternate the two sides
                        s = run_json(pinned([a.sphaera, "--samples", str(fs), "--lnprob", str(fl),
                                             "--target", target, "--seed", str(seed)], a.core), env)
                        s["fit_s"], s["evaluate_s"] = s["timing"]["fit_s"], s["timing"]["evaluate_s"]
                        s["ln_z_error"] = s["ln_z_error"]["symmetric"]
                        h = run_json(pinned([str(python), str(driver), json.dumps(dict(
                            samples=str(fs), lnprob=str(fl), target=target, train_fraction=0.5,
                            layers=a.layers, bins=a.bins, hidden=a.hidden, epochs=a.epochs,
                            batch_size=a.batch_size, temperature=a.temperature, seed=seed))],
                            a.core), env)
                        for name, r in (("sphaera", s), ("harmonic", h)):
                            r["total_s"] = r["fit_s"] + r["evaluate_s"]
                            if name not in best or r["total_s"] < best[name]["total_s"]:
                                best[name] = r
                    for name in runs:
                        r = best[name]
                        r["err"] = r["ln_z"] - truth
                        runs[name].append(r)
                    print(f"done d = {d}, {target}, seed {seed}: sphaera err "
                          f"{runs['sphaera'][-1]['err']:+.2e} ({runs['sphaera'][-1]['total_s']:.2f} s), "
                          f"harmonic err {runs['harmonic'][-1]['err']:+.2e} "
                          f"({runs['harmonic'][-1]['total_s']:.2f} s)", file=sys.stderr)
                rows.append((d, target, runs))

    print(f"\n{a.nchains} chains x {a.nsamples} samples (half train, half infer), one core, "
          f"{a.seeds} independent chain set(s) per d (the same for both tools), best of "
          f"{a.repeats} run(s) per set; harmonic flow: {a.layers} layers, {a.bins} bins, hidden "
          f"[{a.hidden}, {a.hidden}], {a.epochs} epochs, batch {a.batch_size}, T = {a.temperature}\n")
    print("times: means over the sets; |err| = |ln Z - truth|: mean, RMS and max over the sets; "
          "sigma: mean of each run's own error bar; |err|/sigma: mean\n")
    head = (f"{'d':>3} {'target':8} {'tool':9} {'fit s':>8} {'eval s':>8} {'total s':>8} "
            f"{'mean|err|':>10} {'RMS err':>9} {'max|err|':>9} {'mean sigma':>10} "
            f"{'|err|/sig':>9} {'harmonic/sphaera':>17}")
    print(head)
    print("-" * len(head))
    summary = []
    for d, target, runs in rows:
        stats = {}
        for name, rs in runs.items():
            err = np.array([r["err"] for r in rs])
            sig = np.array([r["ln_z_error"] for r in rs])
            stats[name] = dict(
                fit_s=float(np.mean([r["fit_s"] for r in rs])),
                evaluate_s=float(np.mean([r["evaluate_s"] for r in rs])),
                total_s=float(np.mean([r["total_s"] for r in rs])),
                mean_abs_err=float(np.mean(np.abs(err))), rms_err=float(np.sqrt(np.mean(err ** 2))),
                max_abs_err=float(np.max(np.abs(err))), mean_sigma=float(np.mean(sig)),
                mean_err_over_sigma=float(np.mean(np.abs(err) / sig)),
                errors=err.tolist(), sigmas=sig.tolist())
        ratio = stats["harmonic"]["total_s"] / stats["sphaera"]["total_s"]
        for name in ("sphaera", "harmonic"):
            t = stats[name]
            print(f"{d:>3} {target:8} {name:9} {t['fit_s']:8.3f} {t['evaluate_s']:8.3f} "
                  f"{t['total_s']:8.3f} {t['mean_abs_err']:10.2e} {t['rms_err']:9.2e} "
                  f"{t['max_abs_err']:9.2e} {t['mean_sigma']:10.2e} {t['mean_err_over_sigma']:9.2f} "
                  f"{(f'{ratio:.1f}x' if name == 'sphaera' else ''):>17}")
        summary.append(dict(d=d, target=target, speed_ratio=ratio, **{k: v for k, v in stats.items()}))
    if a.json:
        Path(a.json).write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
