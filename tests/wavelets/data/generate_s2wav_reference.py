#!/usr/bin/env python3
"""Generates the s2wav reference arrays read by tests/wavelets/test_wavelet_s2wav.cpp.

Run inside a virtual environment with s2wav 1.0.4 (and s2fft, CPU JAX), e.g. the one
benchmarks/compare/compare_wavelets.py creates; s2wav imports torch at import time but never
calls it here, so an import-only stand-in on PYTHONPATH is enough:

    PYTHONPATH=<venv>/torch-stub <venv>/bin/python tests/wavelets/data/generate_s2wav_reference.py

For every configuration below (band-limit L, azimuthal band-limit N, lambda, J_min, field spin,
wavelet spin0, reality, sampling, full or multiresolution) it writes one file
    L{L}_N{N}_lam{lam}_jmin{J_min}_spin{spin}_spin0{spin0}_{real|complex}_{mw|mwss}_{multi|full}.npy
holding a 1-D complex128 array
    [ sum |w|^2, sum |g|^2, w[0], w[s_w], w[2 s_w], ...  (up to 128 values),
      g[0], g[s_g], ...  (up to 64 values) ]
with s_w = max(1, ceil(len(w)/128)), s_g = max(1, ceil(len(g)/64)), where
  * w is s2wav's analysis of the field F below, flattened as [f_scal | f_wav[J_min] | ... ]
    (each array raveled in C order) -- sphaera's flat coefficient layout;
  * g is s2wav's synthesis of the coefficient array C below (same flattening).
Only samples and the two sums are stored, to keep the data small (< 200 kB in all); the
test recomputes the same indices. F and C come from closed forms both sides evaluate:
  F: f_lm = (cos(0.7 l + 0.3 m + 0.1) + i sin(1.3 l - 0.5 m + 0.2)) / (1 + 0.05 l) for
     l >= max(|spin|, |spin0|), 0 below; for real fields the m >= 0 values with f_l0 real and
     f_l,-m = (-1)^m conj(f_lm);
  C: s2wav's analysis of F2, f2_lm = (sin(0.4 l - 0.2 m + 0.3) + i cos(0.9 l + 0.6 m)) / (1 + 0.1 l)
     (made real-field as F), with the scaling block multiplied by 0.5 and the b-th wavelet
     scale (b = j - J_min) by 1 + 0.25 b: not the analysis of any field, so synthesis is
     tested beyond inverting analysis, yet each scale stays a band-limited function on
     SO(3), on which every exact Wigner transform agrees (arbitrary arrays are not: their
     pole samples are treated differently by different MW/MWSS algorithms).
Paths: full resolution and spin0 != 0 use s2wav's numpy transforms (transforms.base, the
looped ones, whose filters_directional handles spin0; the vectorised filters of s2wav 1.0.4
fail for spin0 != 0), multiresolution with spin0 = 0 its default JAX transforms.
"""
import math
import os
import sys

import numpy as np

import jax

jax.config.update("jax_enable_x64", True)
import s2fft  # noqa: E402
import s2wav  # noqa: E402
from s2wav import filters  # noqa: E402
from s2wav.transforms import base  # noqa: E402

NW, NG = 128, 64

# (L, N, lam, J_min, spin, spin0, reality, sampling, multiresolution)
CONFIGS = [
    (16, 1, 2.0, 0, 0, 0, False, "mw", True),
    (16, 3, 2.0, 0, 0, 0, True, "mw", True),
    (32, 4, 2.0, 2, 0, 0, False, "mwss", True),
    (32, 3, 3.0, 0, 0, 0, True, "mwss", True),
    (27, 4, 3.0, 2, 0, 0, False, "mw", True),
    (16, 3, 2.0, 0, 2, 0, False, "mw", True),
    (16, 3, 2.0, 0, 2, 2, False, "mw", True),
    (32, 4, 2.0, 2, 2, 2, False, "mwss", True),
    (24, 1, 3.0, 0, 2, 2, False, "mw", True),
    (32, 4, 3.0, 2, 2, 0, False, "mw", True),
    (16, 4, 2.0, 2, 0, 0, True, "mw", True),
    (20, 1, 2.0, 0, 0, 0, True, "mwss", True),
    (16, 3, 2.0, 0, 0, 2, True, "mw", True),
    (16, 1, 2.0, 0, 0, 0, False, "mw", False),
    (16, 3, 2.0, 2, 0, 0, True, "mwss", False),
    (16, 4, 3.0, 0, 2, 2, False, "mw", False),
    (16, 3, 3.0, 2, 0, 0, True, "mw", False),
    (16, 4, 2.0, 0, 2, 0, False, "mwss", False),
    (20, 3, 2.0, 0, 2, 2, False, "mwss", False),
]


def name(c):
    L, N, lam, J_min, spin, spin0, reality, smp, multi = c
    return (f"L{L}_N{N}_lam{int(lam)}_jmin{J_min}_spin{spin}_spin0{spin0}_"
            f"{'real' if reality else 'complex'}_{smp}_{'multi' if multi else 'full'}.npy")


def field_alm(L, spin, spin0, reality, second=False):
    flm = np.zeros((L, 2 * L - 1), dtype=np.complex128)
    for el in range(max(abs(spin), abs(spin0)), L):
        for m in range(-el, el + 1):
            if second:
                flm[el, L - 1 + m] = (math.sin(0.4 * el - 0.2 * m + 0.3) + 1j * math.cos(0.9 * el + 0.6 * m)) / (1 + 0.1 * el)
            else:
                flm[el, L - 1 + m] = (math.cos(0.7 * el + 0.3 * m + 0.1) + 1j * math.sin(1.3 * el - 0.5 * m + 0.2)) / (1 + 0.05 * el)
        if reality:
            flm[el, L - 1] = flm[el, L - 1].real
            for m in range(1, el + 1):
                flm[el, L - 1 - m] = (-1) ** m * np.conj(flm[el, L - 1 + m])
    return flm


def flatten(f_wav, f_scal):
    return np.concatenate([np.asarray(f_scal).ravel()] + [np.asarray(x).ravel() for x in f_wav])


def samples_of(v, n):
    step = max(1, -(-len(v) // n))
    return v[::step][:n]


def run(c):
    L, N, lam, J_min, spin, spin0, reality, smp, multi = c
    numpy_path = (not multi) or spin0 != 0
    filt = None if numpy_path else filters.filters_directional_vectorised(L, N, J_min, lam, spin, spin0)

    def analysis(second):
        flm = field_alm(L, spin, spin0, reality, second)
        f = np.asarray(s2fft.inverse_jax(flm, L, spin, sampling=smp, reality=reality))
        if reality:
            f = f.real
        if numpy_path:
            return base.analysis_looped(f, L, N, J_min, lam, spin, spin0, smp, None, reality, multi)
        return s2wav.analysis(f, L, N, J_min, lam, spin, smp, None, reality, filt)

    f_wav, f_scal = analysis(False)
    w = flatten(f_wav, f_scal)
    c_wav, c_scal = analysis(True)
    c_scal = 0.5 * np.asarray(c_scal)
    c_wav = [(1 + 0.25 * b) * np.asarray(x) for b, x in enumerate(c_wav)]
    if reality:
        c_scal, c_wav = c_scal.real, [x.real for x in c_wav]
    if numpy_path:
        g = base.synthesis_looped(c_wav, c_scal, L, N, J_min, lam, spin, spin0, smp, None, reality, multi)
    else:
        g = s2wav.synthesis(c_wav, c_scal, L, N, J_min, lam, spin, smp, None, reality, filt)
    g = np.asarray(g).ravel()
    if reality:
        assert np.max(np.abs(np.imag(w))) <= 1e-12 * np.max(np.abs(w)), "real analysis not real"
    out = np.concatenate([[np.sum(np.abs(w) ** 2), np.sum(np.abs(g) ** 2)], samples_of(w, NW), samples_of(g, NG)])
    return out.astype(np.complex128), len(w), len(g)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    only = sys.argv[1:]
    for c in CONFIGS:
        n = name(c)
        if only and not any(o in n for o in only):
            continue
        out, nw, ng = run(c)
        np.save(os.path.join(here, n), out)
        print(f"{n}: {nw} coefficients, {ng} samples", flush=True)


if __name__ == "__main__":
    main()
