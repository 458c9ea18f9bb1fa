#!/usr/bin/python3
"""Reference values for src/tuning/parzen.test.ts from optuna 3.1's Parzen estimator (Debian python3-optuna), so
Keel's l(x) and g(x) are checked against the estimator TPESampler really uses: log densities of a few observation
sets (float, log float, int with step, log int, categorical) at fixed points, with optuna's default parameters
(prior weight 1, magic clip, no endpoints, default_weights ramp; 30 observations exercise the ramp).
optuna 3.1's continuous kernels omit 1/sigma (optuna issue #5109), which Keel reproduces with bandwidthWeighted.

Usage: /usr/bin/python3 scripts/make-tpe-fixtures.py   (writes src/tuning/fixtures/optuna-parzen.json)
"""
import json, os, random

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights

params = _ParzenEstimatorParameters(True, 1.0, True, False, default_weights, False)
rng = random.Random(5)
cases = []


def add(name, spec, dist, obs, points):
    pe = _ParzenEstimator({"p": np.asarray(obs, dtype=float)}, {"p": dist}, params)
    lp = pe.log_pdf({"p": np.asarray(points, dtype=float if not isinstance(dist, CategoricalDistribution) else int)})
    cases.append({"name": name, "spec": spec, "observations": obs, "points": points, "logPdf": lp.tolist()})


add("float", {"kind": "float", "low": -5, "high": 10}, FloatDistribution(-5, 10),
    [1.0, -2.0, 3.5, 9.0, 0.2, 0.25, -4.9, 7.0], [-5, -4.5, 0, 0.22, 3, 9.99, 10])
add("float, 30 observations (weight ramp)", {"kind": "float", "low": 0, "high": 1}, FloatDistribution(0, 1),
    [round(rng.random(), 6) for _ in range(30)], [0, 0.1, 0.33, 0.5, 0.77, 1])
add("float log", {"kind": "float", "low": 1e-5, "high": 1, "log": True}, FloatDistribution(1e-5, 1, log=True),
    [1e-4, 3e-4, 0.01, 0.5], [1e-5, 1e-4, 2e-3, 0.9])
add("int step 2", {"kind": "int", "low": 2, "high": 20, "step": 2}, IntDistribution(2, 20, step=2),
    [4, 4, 10, 18], [2, 4, 6, 12, 20])
add("int log", {"kind": "int", "low": 1, "high": 1000, "log": True}, IntDistribution(1, 1000, log=True),
    [3, 10, 10, 400], [1, 3, 50, 1000])
add("categorical", {"kind": "categorical", "choices": ["a", "b", "c"]}, CategoricalDistribution(["a", "b", "c"]),
    [0, 2, 2, 2, 1], [0, 1, 2])
add("no observations (prior only)", {"kind": "float", "low": 0, "high": 4}, FloatDistribution(0, 4), [], [0, 2, 4])

path = os.path.join(os.path.dirname(__file__), "..", "src", "tuning", "fixtures", "optuna-parzen.json")
with open(path, "w") as f:
    json.dump({"optuna": optuna.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
