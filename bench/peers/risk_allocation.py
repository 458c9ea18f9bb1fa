#!/usr/bin/python3
"""Peers for bench/risk.bench.ts and bench/allocation.bench.ts (single-threaded BLAS, like ../shared/bench/peers.py).

Usage: /usr/bin/python3 risk_allocation.py DIR TASK [N ...]
  DIR holds little-endian float64 files written by the TypeScript bench:
    returns.bin (T x N0 row-major daily returns), meta.json {"T":..,"N":..}
    cov_<n>.bin (n x n annualised covariance), mu_<n>.bin (n)  for the QP sizes
  TASK: lw | qp | hrp.  Prints one JSON object: median/min seconds and the result to check.
"""
import os, sys, json, time, statistics
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"
import numpy as np

d, task = sys.argv[1], sys.argv[2]
meta = json.load(open(os.path.join(d, "meta.json")))
reps = int(meta.get("repeats", 7))


def clock(fn, repeats=reps):
    ts, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter(); out = fn(); ts.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(ts), "min_s": min(ts)}, out


out = {}
if task == "lw":
    from sklearn.covariance import ledoit_wolf
    R = np.fromfile(os.path.join(d, "returns.bin"), dtype="<f8").reshape(meta["T"], meta["N"])
    R0 = np.nan_to_num(R)
    t, (S, delta) = clock(lambda: ledoit_wolf(R0))
    out = {"timing": t, "shrinkage": float(delta), "s00": float(S[0, 0] * 252)}
elif task == "qp":
    import cvxopt
    from cvxopt import matrix, solvers
    solvers.options.update(show_progress=False, abstol=1e-10, reltol=1e-10, feastol=1e-10)
    rf = 0.02
    for n in [int(x) for x in sys.argv[3:]]:
        S = np.fromfile(os.path.join(d, f"cov_{n}.bin"), dtype="<f8").reshape(n, n)
        mu = np.fromfile(os.path.join(d, f"mu_{n}.bin"), dtype="<f8")

        # exactly the workload of ../shared/bench/peers.py
        def min_variance():
            G = matrix(-np.eye(n)); h = matrix(np.zeros(n))
            sol = solvers.qp(matrix(2 * S), matrix(np.zeros(n)), G, h, matrix(np.ones((1, n))), matrix([1.0]))
            return np.array(sol["x"]).ravel()

        def max_sharpe():
            G = matrix(-np.eye(n)); h = matrix(np.zeros(n))
            sol = solvers.qp(matrix(2 * S), matrix(np.zeros(n)), G, h, matrix((mu - rf)[None, :]), matrix([1.0]))
            y = np.array(sol["x"]).ravel()
            return y / y.sum()

        r = reps if n <= 100 else max(3, reps // 2)
        t1, w1 = clock(min_variance, r)
        t2, w2 = clock(max_sharpe, r)
        out[str(n)] = {"min_variance": {"timing": t1, "weights": w1.tolist()}, "max_sharpe": {"timing": t2, "weights": w2.tolist()}}
elif task == "hrp":
    from scipy.cluster.hierarchy import linkage, to_tree
    from scipy.spatial.distance import squareform
    n = int(sys.argv[3])
    S = np.fromfile(os.path.join(d, f"cov_{n}.bin"), dtype="<f8").reshape(n, n)

    def hrp():
        # PyPortfolioOpt HRPOpt.optimize with numpy arrays instead of pandas frames (faster than the original)
        sd = np.sqrt(np.diag(S))
        corr = S / np.outer(sd, sd)
        dist = np.sqrt(np.clip((1.0 - corr) / 2.0, 0.0, 1.0))
        np.fill_diagonal(dist, 0.0)
        link = linkage(squareform(dist, checks=False), "single")
        order = to_tree(link, rd=False).pre_order()
        w = np.ones(n)
        clusters = [order]
        iv = 1.0 / np.diag(S)

        def cvar(items):
            ww = iv[items] / iv[items].sum()
            return ww @ S[np.ix_(items, items)] @ ww

        while clusters:
            clusters = [c[j:k] for c in clusters for j, k in ((0, len(c) // 2), (len(c) // 2, len(c))) if len(c) > 1]
            for i in range(0, len(clusters), 2):
                a, b = clusters[i], clusters[i + 1]
                va, vb = cvar(a), cvar(b)
                alpha = 1 - va / (va + vb)
                w[a] *= alpha; w[b] *= 1 - alpha
        return w

    t, w = clock(hrp)
    out = {"timing": t, "weights": w.tolist()}
json.dump(out, sys.stdout)
