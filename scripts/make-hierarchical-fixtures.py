#!/usr/bin/python3
"""Independent reference figures for src/allocation/cluster (HRP, HERC, gap statistic, NCO), numpy + scipy.

Written from the papers, not from Keel's TypeScript:
- HRP: Lopez de Prado (2016), "Building Diversified Portfolios that Outperform Out-of-Sample": distance
  sqrt((1 - rho)/2), scipy linkage, quasi-diagonal order = scipy leaves_list, optionally after
  scipy.cluster.hierarchy.optimal_leaf_ordering (Bar-Joseph et al. 2001, SciPy's implementation), then recursive
  bisection of the ordered list into halves with alpha = 1 - V1/(V1 + V2), V = variance of the inverse-variance
  portfolio of each half.
- HERC: Raffinot (2018), "The Hierarchical Equal Risk Contribution Portfolio": ward linkage, k clusters = the
  dendrogram cut at its top k-1 merges (scipy cut_tree), at each of those k-1 splits the two sides share their
  weight as alpha = 1 - R_left/(R_left + R_right), R_side = sum over the side's clusters of the risk (variance or
  volatility) of that cluster's naive-risk-parity portfolio; inside each cluster naive risk parity (inverse variance,
  or inverse volatility for the volatility measure).
- Gap statistic: Tibshirani, Walther & Hastie (2001), reference (b): uniform in the box aligned with the principal
  axes of the data. The assets are points with Euclidean distance = the correlation distance (classical MDS of it,
  exact because sqrt((1 - rho)/2) is Euclidean); W_k = sum_r D_r/(2 n_r), D_r = sum of squared distances in
  cluster r; Gap(k) = mean_b log W*_kb - log W_k; s_k = sd_b sqrt(1 + 1/B); k = smallest with
  Gap(k) >= Gap(k+1) - s_{k+1}. The uniform draws are written to the fixture so both sides use the same ones.
- NCO: Lopez de Prado (2019) / Machine Learning for Asset Managers, ch. 7 (with clusterKMeansBase of ch. 4):
  k-means on the rows of the correlation-distance matrix, k in 2..floor(n/2) chosen by max mean/std of the
  silhouette samples over restarts; then long-only minimum variance (or maximum Sharpe) inside each cluster, and
  across clusters on the reduced covariance W' S W. Keel is long-only, so the book's closed form Sigma^-1 1 is
  replaced by the long-only optimum; here it is found exactly by enumerating active sets and checking the KKT
  conditions (independent of Keel's active-set QP). The k-means initial centroids (row indices) are drawn here
  and written to the fixture, so the randomised part is the same on both sides.

Inputs: ../shared/data/riskfolio/stock_prices_3.csv (10 assets, last 200 daily returns, Riskfolio-Lib's HC test
setup) and ../shared/data/pypfopt/stock_prices.csv (20 assets, every date on which all 20 have prices).
A third, synthetic set (24 stocks in 4 sectors, numpy-seeded) exercises the k > 1 branches of the gap statistic
and k-means, which the two real sets do not reach (their gap statistic picks k = 1).
Output: src/allocation/cluster/fixtures/hierarchical.json with the inputs (daily covariance) and the figures.

Run from the repository root:  /usr/bin/python3 scripts/make-hierarchical-fixtures.py
"""
import csv
import itertools
import json
import os

import numpy as np
from scipy.cluster.hierarchy import cut_tree, leaves_list, linkage, optimal_leaf_ordering
from scipy.spatial.distance import squareform

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("KEEL_SHARED", os.path.join(ROOT, "..", "shared"))
OUT = os.path.join(ROOT, "src", "allocation", "cluster", "fixtures", "hierarchical.json")
LINKAGES = ["single", "average", "complete", "ward"]


def read_prices(path, assets):
    with open(path) as f:
        rows = list(csv.reader(f))
    head = rows[0]
    idx = [head.index(a) for a in assets]
    out = []
    for r in rows[1:]:
        vals = [r[i] for i in idx]
        if all(v != "" for v in vals):
            out.append([float(v) for v in vals])
    return np.array(out)


def returns_cov(prices, last=None):
    r = prices[1:] / prices[:-1] - 1
    if last is not None:
        r = r[-last:]
    return np.cov(r, rowvar=False, ddof=1), r.mean(axis=0)


def corr_of(cov):
    v = np.diag(cov)
    return cov / np.sqrt(np.outer(v, v))  # diagonal exactly 1: v / sqrt(v * v) == 1 in IEEE arithmetic


def corr_distance(cov):
    return np.sqrt(np.clip((1 - corr_of(cov)) / 2, 0, 1))


def tree(dist, method, olo=False):
    np.fill_diagonal(dist, 0)
    y = squareform(dist, checks=False)
    Z = linkage(y, method=method)
    if olo:
        Z = optimal_leaf_ordering(Z, y)
    return Z


def ivp_var(cov, items):
    v = 1 / np.diag(cov)[items]
    w = v / v.sum()
    return float(w @ cov[np.ix_(items, items)] @ w)


def hrp(cov, method, olo):
    order = [int(i) for i in leaves_list(tree(corr_distance(cov), method, olo))]
    w = np.ones(len(order))
    stack = [order]
    while stack:
        c = stack.pop()
        if len(c) < 2:
            continue
        h = len(c) // 2
        a, b = c[:h], c[h:]
        va, vb = ivp_var(cov, a), ivp_var(cov, b)
        alpha = 1 - va / (va + vb)
        w[a] *= alpha
        w[b] *= 1 - alpha
        stack += [a, b]
    return order, w


def cut_labels(Z, k):
    return [int(x) for x in cut_tree(Z, n_clusters=k).flatten()]


def naive_rp(cov, items, measure):
    d = np.diag(cov)[items]
    inv = 1 / d if measure == "variance" else 1 / np.sqrt(d)
    return inv / inv.sum()


def cluster_risk(cov, items, measure):
    w = naive_rp(cov, items, measure)
    v = float(w @ cov[np.ix_(items, items)] @ w)
    return v if measure == "variance" else np.sqrt(v)


def leaves_under(Z, n, node):
    if node < n:
        return [node]
    a, b = int(Z[node - n, 0]), int(Z[node - n, 1])
    return leaves_under(Z, n, a) + leaves_under(Z, n, b)


def herc(cov, k, method, measure):
    n = cov.shape[0]
    Z = tree(corr_distance(cov), method)
    labels = cut_labels(Z, k)
    clusters = [[i for i in range(n) if labels[i] == c] for c in range(k)]
    w = np.ones(n)
    for node in range(2 * n - 2, 2 * n - 1 - k, -1):  # the top k-1 merges
        a, b = int(Z[node - n, 0]), int(Z[node - n, 1])
        left, right = set(leaves_under(Z, n, a)), set(leaves_under(Z, n, b))
        rl = sum(cluster_risk(cov, c, measure) for c in clusters if set(c) <= left)
        rr = sum(cluster_risk(cov, c, measure) for c in clusters if set(c) <= right)
        alpha = 1 - rl / (rl + rr)
        w[list(left)] *= alpha
        w[list(right)] *= 1 - alpha
    for c in clusters:
        w[c] *= naive_rp(cov, c, measure)
    return labels, w


def dispersion(d, labels, k):
    lab = np.array(labels)
    total = 0.0
    for c in range(k):
        idx = np.where(lab == c)[0]
        total += (d[np.ix_(idx, idx)] ** 2).sum() / (2 * len(idx))
    return total


def mds_points(d):
    n = d.shape[0]
    J = np.eye(n) - np.ones((n, n)) / n
    B = -0.5 * J @ (d**2) @ J
    lam, V = np.linalg.eigh(B)
    order = np.argsort(-lam, kind="stable")
    lam, V = lam[order], V[:, order]
    keep = lam > 1e-10 * lam[0]
    return V[:, keep] * np.sqrt(lam[keep])


def gap(cov, method, max_k, uniforms):
    d = corr_distance(cov)
    n = d.shape[0]
    K = min(max_k, n - 1)
    Z = tree(d.copy(), method)
    logw = [np.log(dispersion(d, cut_labels(Z, k), k)) for k in range(1, K + 1)]
    X = mds_points(d)
    lo, hi = X.min(axis=0), X.max(axis=0)
    ref = []
    for U in uniforms:
        P = lo + U[:, : X.shape[1]] * (hi - lo)
        dr = np.sqrt(((P[:, None, :] - P[None, :, :]) ** 2).sum(axis=2))
        Zr = tree(dr.copy(), method)
        ref.append([np.log(dispersion(dr, cut_labels(Zr, k), k)) for k in range(1, K + 1)])
    ref = np.array(ref)
    B = len(uniforms)
    g = ref.mean(axis=0) - np.array(logw)
    s = ref.std(axis=0) * np.sqrt(1 + 1 / B)
    k = K
    for j in range(K - 1):
        if g[j] >= g[j + 1] - s[j + 1]:
            k = j + 1
            break
    return {"gap": g.tolist(), "s": s.tolist(), "k": k}


# ---- NCO ----------------------------------------------------------------------------------------------------


def lloyd(x, init_idx, max_iter=300):
    c = x[init_idx].copy()
    labels = None
    for _ in range(max_iter):
        d2 = ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        new = d2.argmin(axis=1)
        if labels is not None and (new == labels).all():
            break
        labels = new
        for j in range(len(init_idx)):
            m = labels == j
            if m.any():
                c[j] = x[m].mean(axis=0)
    return labels


def silhouette(x, labels):
    n = x.shape[0]
    D = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
    s = np.zeros(n)
    for i in range(n):
        own = labels == labels[i]
        if own.sum() <= 1:
            continue
        a = D[i, own].sum() / (own.sum() - 1)
        b = min(D[i, labels == c].mean() for c in set(labels.tolist()) if c != labels[i])
        s[i] = (b - a) / max(a, b)
    return s


def kmeans_base(corr, inits):
    """The book's clusterKMeansBase: for each restart and k, keep the best mean/std of the silhouette samples."""
    x = np.sqrt(np.clip((1 - corr) / 2, 0, 1))  # clipped as the distance everywhere else (|rho| <= 1 + ulp)
    best, best_stat = None, np.nan
    for restart in inits:
        for init_idx in restart:
            labels = lloyd(x, init_idx)
            if len(set(labels.tolist())) < 2:
                continue  # an emptied cluster left one: no silhouette
            s = silhouette(x, labels)
            stat = s.mean() / s.std()
            if best is None or np.isnan(best_stat) or stat > best_stat:
                best, best_stat = labels, stat
    return canonical(best.tolist()), float(best_stat)


def canonical(labels):
    seen = {}
    return [seen.setdefault(l, len(seen)) for l in labels]


def long_only_min(cov, e=None):
    """Exact long-only min variance (e None) or max Sharpe (e = mu - rf) by enumerating supports + KKT."""
    n = cov.shape[0]
    target = np.ones(n) if e is None else e
    for size in range(1, n + 1):
        for S in itertools.combinations(range(n), size):
            S = list(S)
            y = np.linalg.solve(cov[np.ix_(S, S)], target[S])
            denom = target[S] @ y
            if denom <= 0:
                continue
            y = y / denom  # min y'Cy s.t. target'y = 1 on support S
            if (y < -1e-14).any():
                continue
            full = np.zeros(n)
            full[S] = y
            g = cov @ full  # KKT: g_j >= (y'Cy) target_j off the support
            lam = full @ g
            if all(g[j] >= lam * target[j] - 1e-15 for j in range(n) if j not in S):
                full = np.clip(full, 0, None)
                return full / full.sum()
    raise RuntimeError("no KKT point")


def nco(cov, mu, labels, objective, rf=0.0):
    n = cov.shape[0]
    k = max(labels) + 1
    W = np.zeros((n, k))
    for c in range(k):
        idx = [i for i in range(n) if labels[i] == c]
        e = None if objective == "min-variance" else mu[idx] - rf
        W[idx, c] = long_only_min(cov[np.ix_(idx, idx)], e)
    red = W.T @ cov @ W
    e = None if objective == "min-variance" else W.T @ mu - rf
    return W @ long_only_min(red, e)


def dataset(name, cov, mu, assets, rng):
    n = cov.shape[0]
    out = {"assets": assets, "cov": cov.tolist(), "mu": mu.tolist(), "hrp": [], "herc": [], "gap": [], "nco": []}
    for method in LINKAGES:
        for olo in (False, True):
            order, w = hrp(cov, method, olo)
            out["hrp"].append({"linkage": method, "optimalOrdering": olo, "order": order, "weights": w.tolist()})
    for method in ("ward", "single"):
        for k in range(1, min(6, n) + 1):
            for measure in ("variance", "volatility"):
                labels, w = herc(cov, k, method, measure)
                out["herc"].append(
                    {"linkage": method, "k": k, "riskMeasure": measure, "labels": labels, "weights": w.tolist()}
                )
    B = 20
    uniforms = rng.random((B, n, n))
    for method in ("ward", "average"):
        g = gap(cov, method, 10, uniforms)
        out["gap"].append({"linkage": method, "maxClusters": 10, **g})
    out["gapUniforms"] = uniforms.reshape(B, n * n).tolist()
    max_k = n // 2
    inits = [[sorted(rng.choice(n, size=k, replace=False).tolist()) for k in range(2, max_k + 1)] for _ in range(3)]
    labels, stat = kmeans_base(corr_of(cov), inits)
    out["kmeans"] = {"inits": inits, "labels": labels, "silhouetteScore": stat}
    for objective in ("min-variance", "max-sharpe"):
        out["nco"].append({"objective": objective, "labels": labels, "weights": nco(cov, mu, labels, objective).tolist()})
    return out


def main():
    rng = np.random.default_rng(20260605)
    rf_assets = ["JCI", "TGT", "CMCSA", "CPB", "MO", "NBL", "APA", "MMC", "JPM", "ZION"]
    p = read_prices(os.path.join(SHARED, "data", "riskfolio", "stock_prices_3.csv"), rf_assets)
    cov10, mu10 = returns_cov(p, last=200)
    pp_assets = "GOOG,AAPL,FB,BABA,AMZN,GE,AMD,WMT,BAC,GM,T,UAA,SHLD,XOM,RRC,BBY,MA,PFE,JPM,SBUX".split(",")
    q = read_prices(os.path.join(SHARED, "data", "pypfopt", "stock_prices.csv"), pp_assets)
    cov20, mu20 = returns_cov(q)
    # synthetic: 4 sectors of 6 stocks (market + sector factor + noise), so the gap statistic and k-means find k > 1
    T, sectors, per = 500, 4, 6
    srng = np.random.default_rng(24)
    market = srng.normal(0, 0.01, T)
    cols = []
    for g in range(sectors):
        f = srng.normal(0, 0.01, T)
        for j in range(per):
            cols.append(0.002 + 0.5 * market + (0.8 + 0.1 * j) * f + srng.normal(0, 0.006 + 0.001 * j, T))
    r24 = np.array(cols).T
    cov24, mu24 = np.cov(r24, rowvar=False, ddof=1), r24.mean(axis=0)
    syn_assets = [f"S{g}_{j}" for g in range(sectors) for j in range(per)]
    fixture = {
        "script": "scripts/make-hierarchical-fixtures.py",
        "numpy": np.__version__,
        "scipy": __import__("scipy").__version__,
        "datasets": {
            "riskfolio10": dataset("riskfolio10", cov10, mu10, rf_assets, rng),
            "pypfopt20": dataset("pypfopt20", cov20, mu20, pp_assets, rng),
            "synthetic24": dataset("synthetic24", cov24, mu24, syn_assets, rng),
        },
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
