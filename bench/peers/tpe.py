#!/usr/bin/python3
"""Peer for bench/tpe.bench.ts: optuna's TPESampler (and RandomSampler) on the same objectives, seeds and noise.

Usage: /usr/bin/python3 bench/peers/tpe.py DIR
  DIR/meta.json: {"seeds": [...], "trials": 100, "budgets": [50, 100], "centre": [...], "sigma": s,
                  "points": [[x...], ...]}   (points: parity check of the objectives)
  DIR/noise.bin: little-endian float64, seeds x trials unit normals (Keel's), trial i of seed k adds
                 sigma * noise[k, i] to the quadratic.
Prints JSON: per objective and sampler, best values per seed at each budget (observed, and noise-free for the
quadratic); sampler-only seconds per trial (time inside the sampler's methods, wrapped) and ask+suggest+tell seconds
per trial (everything but the objective), and the sampler's CPU seconds per trial; the objectives at `points` for the parity check.
"""
import json, math, os, sys, time

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
d = sys.argv[1]
m = json.load(open(os.path.join(d, "meta.json")))
seeds, n_trials, budgets = m["seeds"], m["trials"], m["budgets"]
centre, sigma = m["centre"], m["sigma"]
noise = np.fromfile(os.path.join(d, "noise.bin"), dtype="<f8").reshape(len(seeds), n_trials)


def quad(x):
    return sum((a - c) ** 2 for a, c in zip(x, centre))


def branin(x, y):
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * math.cos(x) + 10


def timed(sampler, box):
    """Wrap the sampler's hooks so box[0] accumulates the seconds spent inside the sampler."""
    for name in ("infer_relative_search_space", "sample_relative", "sample_independent", "before_trial", "after_trial"):
        f = getattr(sampler, name, None)
        if f is None:
            continue

        def w(*a, _f=f, **k):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return _f(*a, **k)
            finally:
                box[0] += time.perf_counter() - t0
                box[1] += time.process_time() - c0

        setattr(sampler, name, w)
    return sampler


def run(objective, kind, seed_idx, seed):
    box = [0.0, 0.0]
    sampler = optuna.samplers.TPESampler(seed=seed) if kind == "tpe" else optuna.samplers.RandomSampler(seed=seed)
    study = optuna.create_study(direction="minimize", sampler=timed(sampler, box))
    best, best_true, out = math.inf, math.inf, {}
    loop = 0.0
    for i in range(n_trials):
        t0 = time.perf_counter()
        trial = study.ask()
        if objective == "quadratic":
            x = [trial.suggest_float(f"x{j}", -5, 5) for j in range(len(centre))]
            t1 = time.perf_counter()
            true = quad(x)
            v = true + sigma * noise[seed_idx, i]
        else:
            x = trial.suggest_float("x", -5, 10)
            y = trial.suggest_float("y", 0, 15)
            t1 = time.perf_counter()
            v = true = branin(x, y)
        t2 = time.perf_counter()
        study.tell(trial, v)
        loop += (t1 - t0) + (time.perf_counter() - t2)
        if v < best:
            best, best_true = v, true
        if i + 1 in budgets:
            out[str(i + 1)] = {"best": best, "bestTrue": best_true}
    return out, box[0] / n_trials, loop / n_trials, box[1] / n_trials


res = {"parity": {"quadratic": [quad(p[:len(centre)]) for p in m["points"]],
                  "branin": [branin(p[0], p[1]) for p in m["points"]]}, "optuna": optuna.__version__}
for objective in ("quadratic", "branin"):
    for kind in ("tpe", "random"):
        per_seed, s_times, l_times, c_times = [], [], [], []
        for k, seed in enumerate(seeds):
            out, s, l, c = run(objective, kind, k, seed)
            per_seed.append(out)
            s_times.append(s)
            l_times.append(l)
            c_times.append(c)
        res[f"{objective}/{kind}"] = {"runs": per_seed, "samplerSecondsPerTrial": s_times,
                                      "askTellSecondsPerTrial": l_times, "samplerCpuSecondsPerTrial": c_times}
print(json.dumps(res))
