"""Peer of bench/rl-env.bench.ts: the same portfolio environment in NumPy (and Numba when installed).

Same design as Keel's PortfolioEnv for the benchmarked case: decide at the close of t from a window of feature rows
(feature-major, then asset; NaN -> 0) plus the drifted weights and cash / NAV; fill at the close of t+1 to the target
weights (softmax over n + 1 scores, cash last, or a declared allocation by index) with proportional costs charged in
the step; mark to that close; reward ln(NAV_after / NAV_before); one episode from `from` to the last row, reset on
truncation, or when NAV <= 0.5 (ruin, terminated). Each env exposes gym-style reset() / step(action) called from a Python loop (how a gym env is driven).

Input: a JSON job from the bench (closes, feature columns, actions). Output: JSON with a check block (sum of rewards,
final NAV, last observation over the check steps) and seconds per round for each peer.
"""
import json
import sys
import time

import numpy as np

job = json.load(open(sys.argv[1]))
n = job["nAssets"]
T = job["nDates"]
px = np.array(job["close"], dtype=np.float64).reshape(T, n)
cols = [np.array(c, dtype=np.float64).reshape(T, n) for c in job["features"]]
feat = np.stack(cols, axis=1)  # T x F x n (feature-major, then asset, as Keel's observation)
feat = np.where(np.isfinite(feat), feat, 0.0)
window = job["window"]
start = job["from"]
rate = job["bps"] / 1e4
kind = job["kind"]
RUIN = 0.5  # NAV <= half the initial capital ends the episode (terminated), as Keel's default `ruin`
steps = job["steps"]
rounds = job["rounds"]
if kind == "discrete":
    allocs = np.array(job["allocations"], dtype=np.float64)
    actions = np.array(job["actions"], dtype=np.int64)
else:
    actions = np.array(job["actions"], dtype=np.float64).reshape(-1, n + 1)
n_actions = len(actions)


class NumpyEnv:
    def reset(self):
        self.t = start
        self.qty = np.zeros(n)
        self.cash = 1.0
        self.last = np.where(np.isfinite(px[start]), px[start], np.nan)
        self.nav = 1.0
        return self.observe()

    def observe(self):
        f = feat[self.t - window + 1 : self.t + 1].ravel()
        w = self.qty * self.last / self.nav
        return np.concatenate((f, w, [self.cash / self.nav]))

    def target(self, a):
        if kind == "discrete":
            return allocs[a]
        e = np.exp(a - a.max())
        return (e / e.sum())[:n]

    def step(self, a):
        w = self.target(a)
        before = self.nav
        r = self.t + 1
        row = px[r]
        self.last = np.where(np.isfinite(row), row, self.last)
        p = self.last
        nav = self.cash + self.qty @ p
        d = w * nav / p - self.qty
        notional = d * p
        trade = np.abs(notional) > 1e-12 * abs(nav)
        notional = np.where(trade, notional, 0.0)
        self.qty = np.where(trade, self.qty + d, self.qty)
        self.cash -= notional.sum() + rate * np.abs(notional).sum()
        self.t = r
        self.nav = self.cash + self.qty @ p
        reward = np.log(self.nav / before)
        terminated = not self.nav > RUIN
        truncated = not terminated and self.t + 1 > T - 1
        return self.observe(), reward, terminated, truncated


def drive(env, k):
    obs = env.reset()
    total = 0.0
    for i in range(k):
        obs, r, term, trunc = env.step(actions[i % n_actions])
        total += r
        if term or trunc:
            obs = env.reset()
    return total, env.nav, obs


def timed(env):
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        drive(env, steps)
        out.append(time.perf_counter() - t0)
    return out


result = {}
ck = drive(NumpyEnv(), job["checkSteps"])
result["numpy"] = {"check": {"rewardSum": ck[0], "nav": ck[1], "obs": ck[2].tolist()}, "seconds": timed(NumpyEnv())}

try:
    import numba  # noqa: F401
    from numba import njit
except Exception as e:  # numba missing or built for another NumPy
    result["numbaError"] = f"{type(e).__name__}: {e}".splitlines()[0]
else:

    if kind == "discrete":

        @njit
        def nb_target(i):
            return allocs[actions[i]]

    else:

        @njit
        def nb_target(i):
            a = actions[i]
            e = np.exp(a - a.max())
            return (e / e.sum())[:n]

    @njit
    def nb_step(a_idx, t, qty, cash, last):
        w = nb_target(a_idx)
        nav0 = cash
        for j in range(n):
            nav0 += qty[j] * last[j]
        r = t + 1
        for j in range(n):
            v = px[r, j]
            if np.isfinite(v):
                last[j] = v
        nav = cash
        for j in range(n):
            nav += qty[j] * last[j]
        tol = 1e-12 * abs(nav)
        for j in range(n):
            d = w[j] * nav / last[j] - qty[j]
            notional = d * last[j]
            if abs(notional) > tol:
                qty[j] += d
                cash -= notional + rate * abs(notional)
        after = cash
        for j in range(n):
            after += qty[j] * last[j]
        obs = np.empty(window * feat.shape[1] * n + n + 1)
        k = 0
        for s in range(r - window + 1, r + 1):
            for c in range(feat.shape[1]):
                for j in range(n):
                    obs[k] = feat[s, c, j]
                    k += 1
        for j in range(n):
            obs[k] = qty[j] * last[j] / after
            k += 1
        obs[k] = cash / after
        return obs, np.log(after / nav0), cash, after

    class NumbaEnv:
        """The same env, its step compiled by Numba; driven from Python like a gym env."""

        def reset(self):
            self.t = start
            self.qty = np.zeros(n)
            self.cash = 1.0
            self.last = px[start].copy()
            self.nav = 1.0
            return None

        def step(self, i):
            obs, rew, self.cash, self.nav = nb_step(i, self.t, self.qty, self.cash, self.last)
            self.t += 1
            terminated = not self.nav > RUIN
            return obs, rew, terminated, not terminated and self.t + 1 > T - 1

    def drive_nb(env, k):
        env.reset()
        total = 0.0
        obs = None
        for i in range(k):
            obs, r, term, trunc = env.step(i % n_actions)
            total += r
            if term or trunc:
                env.reset()
        return total, env.nav, obs

    drive_nb(NumbaEnv(), 10)  # compile
    ck = drive_nb(NumbaEnv(), job["checkSteps"])
    secs = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        drive_nb(NumbaEnv(), steps)
        secs.append(time.perf_counter() - t0)
    result["numba"] = {"check": {"rewardSum": ck[0], "nav": ck[1], "obs": ck[2].tolist()}, "seconds": secs}

print(json.dumps(result))
