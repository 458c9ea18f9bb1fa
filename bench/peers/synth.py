#!/usr/bin/python3
"""Peer for bench/synth.bench.ts: the synthetic market's daily kernel written in NumPy (vectorised across assets,
one Python-level step per day, as GARCH recursions require), plus OHLCV and headline strings.

Usage: /usr/bin/python3 synth.py DIR
  DIR/meta.json: {"T", "N", "nS", "df", "alpha", "beta", "k": [mom, rev, macro, sent], "L", "skip", "S", "lead",
                  "volMult": [3], "rho_bond": [3], "rho_gold": [3], "mktDrift": [3], "newsP", "repeats"}
  DIR/*.bin little-endian float64: regimes (T), loadings (N x 7: market, tech, bond, gold, sector, idioVol, drift),
  sector (N, -1 = none), dailyVol (N), price0 (N), volume0 (N), macro (T x N),
  draws (T x (nF + N): Keel's unit-scale Student-t draws, factors then assets), tones (T x N), keel_logreturns (T x N).
Parity: the kernel replays Keel's draws and must reproduce Keel's log returns (max |diff| reported).
Timing: the kernel with its own NumPy draws. Prints JSON: timing, parity_max_abs_diff, vols, headline count.
"""
import os, sys, json, time, statistics
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"
import numpy as np

d = sys.argv[1]
m = json.load(open(os.path.join(d, "meta.json")))
T, N, nS = m["T"], m["N"], m["nS"]
rd = lambda name: np.fromfile(os.path.join(d, name + ".bin"), dtype="<f8")
regimes = rd("regimes").astype(np.int64)
load = rd("loadings").reshape(N, 7)
sector = rd("sector").astype(np.int64)
dvol = rd("dailyVol")
price0 = rd("price0")
vol0 = rd("volume0")
macro = rd("macro").reshape(T, N)
FV = np.array([0.15, 0.12, 0.11, 0.15] + [0.10] * nS) / np.sqrt(252)
PHR = {s: [f" phrase{s}_{i}" for i in range(12 if abs(s) == 1 else 32)] for s in (-2, -1, 1, 2)}


def simulate(seed, given=None):
    """given = (draws T x (nF+N) unit-scale Student-t draws, tones T x N): replay Keel's random numbers (parity check)."""
    rng = np.random.default_rng(seed)
    df, a, b = m["df"], m["alpha"], m["beta"]
    om = 1 - a - b
    ts = np.sqrt((df - 2) / df)
    km, kr, kmac, ks = m["k"]
    L, skip, S, lead = m["L"], m["skip"], m["S"], m["lead"]
    vm = np.array(m["volMult"]); rb = np.array(m["rho_bond"]); rg = np.array(m["rho_gold"]); md = np.array(m["mktDrift"])
    nF = 4 + nS
    # headline tones up front
    if given is None:
        has = rng.random((T, N)) < m["newsP"]
        z = rng.standard_normal((T, N))
        tone = np.where(has, np.sign(z) * np.where(np.abs(z) > 1, 2, 1), 0).astype(np.int8)
    else:
        tone = given[1]
    hF = np.ones(nF); hI = np.ones(N)
    R = np.zeros((T, N)); C = np.zeros((T, N))
    sec_idx = np.where(sector >= 0, 4 + sector, 0); sec_on = sector >= 0
    idio = load[:, 5] / np.sqrt(252); drift = load[:, 6] / 252
    toneZ = tone / np.sqrt(1.951932)
    for t in range(1, T):
        r = regimes[t]; mm = vm[r]; sm = np.sqrt(mm)
        e = ts * (rng.standard_t(df, nF) if given is None else given[0][t, :nF])
        e[2] = rb[r] * e[0] + np.sqrt(1 - rb[r] ** 2) * e[2]
        e[3] = rg[r] * e[0] + np.sqrt(1 - rg[r] ** 2) * e[3]
        scale = FV * np.r_[mm, mm, sm, sm, np.full(nS, mm)]
        eps = np.sqrt(hF) * e
        f = scale * eps
        hF = om + a * eps * eps + b * hF
        end = t - 1 - skip
        zm = (C[end] - C[end - L]) / dvol / np.sqrt(L) if end - L >= 0 else 0.0
        zr = -(C[t - 1] - C[t - 1 - S]) / dvol / np.sqrt(S) if t - 1 - S >= 0 else 0.0
        zs = toneZ[t - lead] if t - lead >= 0 else 0.0
        alpha = dvol * (km * zm + kr * zr + kmac * macro[t] + ks * zs)
        ei = np.sqrt(hI) * ts * (rng.standard_t(df, N) if given is None else given[0][t, nF:])
        hI = om + a * ei * ei + b * hI
        ret = (drift + load[:, 0] * (md[r] / 252 + f[0]) + load[:, 1] * f[1] + load[:, 2] * f[2] + load[:, 3] * f[3]
               + np.where(sec_on, load[:, 4] * f[sec_idx], 0.0) + idio * sm * ei + alpha)
        R[t] = ret
        C[t] = C[t - 1] + ret - alpha
    close = price0 * np.exp(np.cumsum(R, axis=0))
    prev = np.vstack([price0, close[:-1]])
    sd = dvol * vm[regimes][:, None]
    opn = prev * np.exp(0.3 * R + 0.2 * sd * rng.standard_normal((T, N)))
    high = np.maximum(opn, close) * (1 + 0.5 * sd * (rng.random((T, N)) + rng.random((T, N))))
    low = np.minimum(opn, close) / (1 + 0.5 * sd * (rng.random((T, N)) + rng.random((T, N))))
    volume = np.round(vol0 * np.sqrt(vm[regimes])[:, None] * np.exp(0.25 * np.abs(R) / sd + 0.6 * (rng.random((T, N)) - 0.5) - 0.2))
    ti, ai = np.nonzero(tone)
    pick = rng.integers(0, 32, ti.size)
    heads = [f"A{a_}{PHR[s][p % len(PHR[s])]}" for a_, s, p in zip(ai.tolist(), tone[ti, ai].tolist(), pick.tolist())]
    return R, close, high, low, volume, heads


nF = 4 + nS
draws = rd("draws").reshape(T, nF + N)
tones = rd("tones").reshape(T, N)
R_check = simulate(0, (draws, tones))[0]
keel_R = rd("keel_logreturns").reshape(T, N)
parity = float(np.max(np.abs(R_check - keel_R)))

ts_, out = [], None
for i in range(int(m.get("repeats", 5))):
    t0 = time.perf_counter(); out = simulate(i); ts_.append(time.perf_counter() - t0)
R = out[0][1:]
print(json.dumps({"timing": {"median_s": statistics.median(ts_), "min_s": min(ts_)},
                  "parity_max_abs_diff": parity, "vol": (R.std(axis=0) * np.sqrt(252)).tolist(), "headlines": len(out[5])}))
