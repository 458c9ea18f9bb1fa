#!/usr/bin/python3
"""Peer timings for bench/models.bench.ts: scikit-learn RandomForestRegressor / SVR and XGBoost (hist) on the CSV
that the TypeScript benchmark wrote (columns: split, y, x0..x{p-1}; split is 'train' or 'test').

Usage: /usr/bin/python3 bench/peers/models.py DATA.csv WORKLOAD PARAMS_JSON REPEATS > result.json
WORKLOAD: rf | xgb | svr. Prints {"times_s": [...], "median_s", "r2_test"} (fit time only; predict separate).
Single-threaded everywhere (n_jobs=1, nthread=1, BLAS threads 1) to compare like with like.
"""
import os
import sys

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

path, workload, params, repeats = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
raw = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=float, converters={0: lambda s: 1.0 if s in (b"train", "train") else 0.0})
is_train = raw[:, 0] == 1.0
y, X = raw[:, 1], raw[:, 2:]
Xtr, ytr, Xte, yte = X[is_train], y[is_train], X[~is_train], y[~is_train]


def make():
    if workload == "rf":
        from sklearn.ensemble import RandomForestRegressor
        return RandomForestRegressor(n_jobs=1, **params)
    if workload == "xgb":
        import xgboost as xgb
        return xgb.XGBRegressor(tree_method="hist", n_jobs=1, nthread=1, **params)
    if workload == "svr":
        from sklearn.svm import SVR
        return SVR(**params)
    raise SystemExit(f"unknown workload {workload}")


times, cpu_times, pred_times, model = [], [], [], None
for r in range(repeats):
    model = make()
    t0, c0 = time.perf_counter(), time.process_time()
    model.fit(Xtr, ytr)
    times.append(time.perf_counter() - t0)
    cpu_times.append(time.process_time() - c0)
    t0 = time.perf_counter()
    pred = model.predict(Xte)
    pred_times.append(time.perf_counter() - t0)
e = yte - pred
r2 = 1 - float(e @ e) / float(((yte - yte.mean()) ** 2).sum())
json.dump({"workload": workload, "times_s": times, "median_s": statistics.median(times),
           "cpu_times_s": cpu_times, "cpu_median_s": statistics.median(cpu_times),
           "predict_median_s": statistics.median(pred_times), "r2_test": r2, "n_train": int(len(ytr)),
           "n_test": int(len(yte)), "p": int(X.shape[1]),
           **({"n_support": int(len(model.support_)), "n_iter": int(np.sum(model.n_iter_))} if workload == "svr" else {})},
          sys.stdout)
print()
