#!/usr/bin/python3
"""XGBoost's own TreeSHAP (pred_contribs=True, exact path-dependent) as the peer of src/explain.

Two uses, both single-threaded (nthread=1):

  /usr/bin/python3 bench/peers/explain.py fixture src/explain/fixtures
      Fits a small seeded XGBoost regressor (20 trees, depth 4, 6 features) and writes the test fixture:
      xgb-model.json (XGBoost's own save_model JSON) and xgb-contribs.json (the rows explained, NaN as null,
      XGBoost's margin and pred_contribs, the xgboost version). The Keel test loads both; no python at test time.

  /usr/bin/python3 bench/peers/explain.py bench DIR N_TREES DEPTH N_TRAIN N_EXPLAIN P REPEATS
      Fits an XGBoost regressor on seeded data, saves DIR/model.json and DIR/X.bin (float64 rows explained),
      times pred_contribs REPEATS times and prints {"times_s", "median_s", "contribs_checksum"} for
      bench/explain.bench.ts, which loads the same model.json into Keel's flat form (identical trees).
"""
import os
import sys

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import xgboost as xgb  # noqa: E402


def friedman(rng, n, p):
    # float32 inputs: XGBoost compares in float32, so these rows mean the same to both implementations
    X = rng.uniform(size=(n, p)).astype(np.float32)
    y = 10 * np.sin(np.pi * X[:, 0] * X[:, 1]) + 20 * (X[:, 2] - 0.5) ** 2 + 10 * X[:, 3] + 5 * X[:, 4]
    return X, (y + rng.normal(size=n)).astype(np.float32)


def fit(X, y, n_trees, depth, seed):
    params = {"objective": "reg:squarederror", "max_depth": depth, "eta": 0.3, "subsample": 0.8,
              "tree_method": "hist", "nthread": 1, "seed": seed, "base_score": 0.5}
    return xgb.train(params, xgb.DMatrix(X, label=y, nthread=1), num_boost_round=n_trees)


def fixture(out_dir):
    rng = np.random.default_rng(12)
    X, y = friedman(rng, 500, 6)
    booster = fit(X, y, 20, 4, 0)
    os.makedirs(out_dir, exist_ok=True)
    booster.save_model(os.path.join(out_dir, "xgb-model.json"))
    Xe = X[:24].copy()
    Xe[3, 2] = np.nan  # missing values follow XGBoost's default direction
    Xe[7, 0] = np.nan
    d = xgb.DMatrix(Xe, nthread=1)
    contribs = booster.predict(d, pred_contribs=True)
    margin = booster.predict(d, output_margin=True)
    rows = [[None if np.isnan(v) else float(v) for v in r] for r in Xe]
    with open(os.path.join(out_dir, "xgb-contribs.json"), "w") as f:
        json.dump({
            "generatedBy": "/usr/bin/python3 bench/peers/explain.py fixture src/explain/fixtures",
            "xgboost": xgb.__version__,
            "X": rows,
            "margin": [float(v) for v in margin],
            "contribs": [[float(v) for v in r] for r in contribs],
        }, f, indent=None)
        f.write("\n")


def bench(out_dir, n_trees, depth, n_train, n_explain, p, repeats):
    rng = np.random.default_rng(7)
    X, y = friedman(rng, n_train, p)
    booster = fit(X, y, n_trees, depth, 0)
    booster.save_model(os.path.join(out_dir, "model.json"))
    Xe = X[:n_explain]
    Xe.astype(np.float64).tofile(os.path.join(out_dir, "X.bin"))
    d = xgb.DMatrix(Xe, nthread=1)
    booster.predict(d, pred_contribs=True)  # warm-up
    times = []
    contribs = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        contribs = booster.predict(d, pred_contribs=True)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"times_s": times, "median_s": statistics.median(times),
                      "contribs_checksum": float(np.abs(contribs[:, :-1]).sum()), "xgboost": xgb.__version__}))


if __name__ == "__main__":
    if sys.argv[1] == "fixture":
        fixture(sys.argv[2])
    elif sys.argv[1] == "bench":
        a = sys.argv[2:]
        bench(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), int(a[5]), int(a[6]))
    else:
        raise SystemExit("usage: explain.py fixture OUT_DIR | bench DIR N_TREES DEPTH N_TRAIN N_EXPLAIN P REPEATS")
