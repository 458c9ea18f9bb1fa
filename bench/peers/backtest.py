#!/usr/bin/python3
"""Peer of bench/backtest.bench.ts: the same daily-rebalancing backtest as Keel's engine, in numpy and numba.

Both record what Keel's result holds: NAV per date, post-trade weights per date and the columnar ledger
(date, asset, side, quantity, price, cost). Semantics (identical to Keel's runTargets with rebalance: daily, fill: next-close, proportional costs, no cash
rate): decide target weights at the close of t, fill at the close of t+1 sized at that close's NAV, pay
bps/1e4·|notional| per order, record NAV at each close.

usage: backtest.py DIR REPEATS   (DIR holds meta.json, prices.f64, targets.f64; writes nav_numpy.f64, nav_numba.f64)
Prints one JSON line: median seconds of each implementation and peak RSS.
"""
import json
import os
import resource
import sys
import time

import numpy as np

d, repeats = sys.argv[1], int(sys.argv[2])
meta = json.load(open(os.path.join(d, "meta.json")))
T, N, bps, capital = meta["T"], meta["N"], meta["bps"], meta["capital"]
prices = np.fromfile(os.path.join(d, "prices.f64"), dtype="<f8").reshape(T, N)
targets = np.fromfile(os.path.join(d, "targets.f64"), dtype="<f8").reshape(T, N)
rate = bps / 1e4


def run_numpy(prices, targets):
    """Vectorised over assets, looped over dates; records the same columnar ledger as Keel."""
    q = np.zeros(N)
    cash = capital
    nav = np.empty(T)
    cap = T * N
    l_date = np.empty(cap, np.int32)
    l_asset = np.empty(cap, np.int32)
    l_side = np.empty(cap, np.int8)
    l_qty = np.empty(cap)
    l_price = np.empty(cap)
    l_cost = np.empty(cap)
    rows = 0
    weights = np.empty((T, N))
    assets = np.arange(N, dtype=np.int32)
    pending = None
    for t in range(T):
        p = prices[t]
        if pending is not None:
            nav_f = cash + q @ p
            d = pending * nav_f / p - q
            notional = d * p
            trade = np.abs(notional) > 1e-12 * abs(nav_f)
            d = d[trade]
            notional = notional[trade]
            cost = rate * np.abs(notional)
            k = d.size
            l_date[rows : rows + k] = t
            l_asset[rows : rows + k] = assets[trade]
            l_side[rows : rows + k] = np.where(d > 0, 1, -1)
            l_qty[rows : rows + k] = np.abs(d)
            l_price[rows : rows + k] = p[trade]
            l_cost[rows : rows + k] = cost
            rows += k
            q[trade] += d
            cash -= notional.sum() + cost.sum()
        nav[t] = cash + q @ p
        weights[t] = q * p / nav[t]
        pending = targets[t]
    return nav, rows


out = {"numpy_s": None, "numba_s": None, "numpy_cpu_s": None, "numba_cpu_s": None, "numba": False}
def med(x):
    return sorted(x)[len(x) // 2]


times, cpu = [], []
for _ in range(repeats):
    t0, c0 = time.perf_counter(), time.process_time()
    nav_np, rows_np = run_numpy(prices, targets)
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
out["numpy_s"] = med(times)
out["numpy_cpu_s"] = med(cpu)
out["numpy_orders"] = int(rows_np)
nav_np.astype("<f8").tofile(os.path.join(d, "nav_numpy.f64"))

try:
    import numba

    @numba.njit(cache=False, fastmath=False)
    def run_numba(prices, targets, capital, rate):
        """Scalar loops in Keel's exact order of operations; records the same columnar ledger."""
        T, N = prices.shape
        q = np.zeros(N)
        cash = capital
        nav = np.empty(T)
        cap = T * N
        l_date = np.empty(cap, np.int32)
        l_asset = np.empty(cap, np.int32)
        l_side = np.empty(cap, np.int8)
        l_qty = np.empty(cap)
        l_price = np.empty(cap)
        l_cost = np.empty(cap)
        rows = 0
        weights = np.empty((T, N))
        for t in range(T):
            if t > 0:
                nav_f = cash
                for a in range(N):
                    if q[a] != 0.0:
                        nav_f += q[a] * prices[t, a]
                for a in range(N):
                    p = prices[t, a]
                    d = targets[t - 1, a] * nav_f / p - q[a]
                    if abs(d * p) <= 1e-12 * abs(nav_f):
                        continue
                    c = rate * abs(d * p)
                    q[a] += d
                    cash -= d * p + c
                    l_date[rows] = t
                    l_asset[rows] = a
                    l_side[rows] = 1 if d > 0 else -1
                    l_qty[rows] = abs(d)
                    l_price[rows] = p
                    l_cost[rows] = c
                    rows += 1
            v = cash
            for a in range(N):
                if q[a] != 0.0:
                    v += q[a] * prices[t, a]
            nav[t] = v
            inv = 1.0 / v
            for a in range(N):
                weights[t, a] = 0.0 if q[a] == 0.0 else q[a] * prices[t, a] * inv
        return nav, rows

    run_numba(prices[:3], targets[:3], capital, rate)  # compile outside the timing
    times, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        nav_nb, rows_nb = run_numba(prices, targets, capital, rate)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    out["numba_s"] = med(times)
    out["numba_cpu_s"] = med(cpu)
    out["numba"] = True
    out["numba_orders"] = int(rows_nb)
    nav_nb.astype("<f8").tofile(os.path.join(d, "nav_numba.f64"))
except ImportError:
    pass

out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
