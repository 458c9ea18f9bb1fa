#!/usr/bin/python3
"""Independent reference for src/tuning/pbo.ts, written from Bailey, Borwein, Lopez de Prado & Zhu (2017),
"The Probability of Backtest Overfitting", section 2 (CSCV), in plain Python (no NumPy), so that it shares no code or
summation shortcut with Keel: Sharpe ratios are computed from the concatenated rows of each half, two-pass.

Writes src/tuning/fixtures/pbo-reference.json: a fixed random T x N return matrix (seeded random.Random, rounded to
1e-6 so JSON round-trips exactly) and, for S = 8 and S = 16, PBO, the per-combination (n*, OOS rank) sequence in full
for S = 8 and as a SHA-256 digest for S = 16, and the degradation line.

Usage: /usr/bin/python3 scripts/make-pbo-fixture.py
"""
import hashlib, itertools, json, math, os, random

T, N = 96, 9
rng = random.Random(2017)
# Noise configurations plus two with a small edge, so the answer is neither 0 nor 1/2 by construction.
edge = [0.0] * N
edge[2], edge[6] = 0.002, 0.001
M = [[round(rng.gauss(edge[j], 0.01), 6) for j in range(N)] for _ in range(T)]


def sharpe(rows, j):
    x = [r[j] for r in rows]
    n = len(x)
    m = sum(x) / n
    v = sum((a - m) ** 2 for a in x) / (n - 1)
    if v <= 0:
        return math.inf if m > 0 else -math.inf if m < 0 else 0.0
    return m / math.sqrt(v)


def cscv(M, S):
    T = len(M)
    groups = [M[(g * T) // S:((g + 1) * T) // S] for g in range(S)]
    out = []
    for comb in itertools.combinations(range(S), S // 2):  # lexicographic, as the paper's C_S
        J = [row for g in comb for row in groups[g]]
        Jbar = [row for g in range(S) if g not in comb for row in groups[g]]
        R = [sharpe(J, j) for j in range(N)]
        Rbar = [sharpe(Jbar, j) for j in range(N)]
        n_star = max(range(N), key=lambda j: (R[j], -j))  # first best on ties
        below = sum(1 for j in range(N) if Rbar[j] < Rbar[n_star])
        ties = sum(1 for j in range(N) if j != n_star and Rbar[j] == Rbar[n_star])
        rank = below + 1 + ties / 2
        w = rank / (N + 1)
        out.append((n_star, rank, math.log(w / (1 - w)), R[n_star], Rbar[n_star]))
    pbo = sum(1 for o in out if o[2] <= 0) / len(out)
    xs = [o[3] for o in out]; ys = [o[4] for o in out]
    mx = sum(xs) / len(xs); my = sum(ys) / len(ys)
    slope = sum((a - mx) * (b - my) for a, b in zip(xs, ys)) / sum((a - mx) ** 2 for a in xs)
    seq = ";".join(f"{o[0]}:{int(o[1] * 2)}" for o in out)
    return {
        "S": S,
        "combinations": len(out),
        "pbo": pbo,
        "overfitCount": sum(1 for o in out if o[2] <= 0),
        "sequenceSha256": hashlib.sha256(seq.encode()).hexdigest(),
        "bestInSample": [o[0] for o in out] if S <= 8 else None,
        "oosRankTimes2": [int(o[1] * 2) for o in out] if S <= 8 else None,
        "logitSum": sum(o[2] for o in out),
        "slope": slope,
        "intercept": my - slope * mx,
        "probOosLoss": sum(1 for y in ys if y < 0) / len(ys),
    }


res = {"T": T, "N": N, "returns": M, "cases": [cscv(M, 8), cscv(M, 16)]}
path = os.path.join(os.path.dirname(__file__), "..", "src", "tuning", "fixtures", "pbo-reference.json")
with open(path, "w") as f:
    json.dump(res, f, separators=(",", ":"))
    f.write("\n")
print(json.dumps({c["S"]: c["pbo"] for c in res["cases"]}))
