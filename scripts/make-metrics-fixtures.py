#!/usr/bin/python3
"""Independent reference figures for src/metrics, computed with numpy/pandas (Debian python3 packages).

Input: ../shared/data/skfolio/sp500_dataset.csv.gz (AAPL prices) and sp500_index.csv.gz (S&P 500 index),
the last 1000 daily simple returns of each (pandas pct_change). Output: src/metrics/fixtures/sp500-metrics.json
holding the inputs (so the tests need neither ../shared nor python) and the expected figures.

Run from the repository root:  /usr/bin/python3 scripts/make-metrics-fixtures.py
"""
import json
import math
import os
from statistics import NormalDist

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("KEEL_SHARED", os.path.join(ROOT, "..", "shared"))
N = 1000
PPY = 252
ALPHA = 0.05
GAMMA = 1.0
N_TRIALS = 20
WINDOW = 63
EULER = 0.5772156649015329
nd = NormalDist()

stocks = pd.read_csv(os.path.join(SHARED, "data", "skfolio", "sp500_dataset.csv.gz"), index_col=0, parse_dates=True)
index = pd.read_csv(os.path.join(SHARED, "data", "skfolio", "sp500_index.csv.gz"), index_col=0, parse_dates=True)
r = stocks["AAPL"].pct_change().dropna().iloc[-N:]
b = index["SP500"].pct_change().dropna().reindex(r.index)
assert b.notna().all()

x = r.to_numpy()
y = b.to_numpy()
mean, sd = x.mean(), x.std(ddof=1)
wealth = np.concatenate([[1.0], np.cumprod(1 + x)])
peak = np.maximum.accumulate(wealth)
dd = wealth / peak - 1
# Longest time under water, computed independently of Keel's loop with pandas: label each underwater spell
# (wealth below its running peak), measure it from the peak before it to the first date back at or above that
# peak (the spell's length + 1), or to the end when it never recovers (the spell's length).
w = pd.Series(wealth)
under = w < w.cummax()
spell = (~under).cumsum()[under]
lengths = spell.groupby(spell).size()
recovered = lengths.index.map(lambda k: bool((~under)[spell.index[spell == k][-1] + 1 :].any()))
longest = int(max([n + 1 if rec else n for n, rec in zip(lengths.to_numpy(), recovered)], default=0))

total = wealth[-1] - 1
ann_ret = (1 + total) ** (PPY / len(x)) - 1
mdd = -dd.min()
downside = np.sqrt(np.mean(np.minimum(x, 0) ** 2))
q = np.quantile(x, ALPHA)  # numpy default: linear interpolation
z = nd.inv_cdf(ALPHA)
skew = float(r.skew())
kurt = float(r.kurt())  # excess, bias-adjusted
sr = mean / sd


def psr(sr_hat, sr_star, n, g3, g4):
    v = (1 - g3 * sr_hat + (g4 - 1) / 4 * sr_hat ** 2) / (n - 1)
    return nd.cdf((sr_hat - sr_star) / math.sqrt(v)), v


psr0, v_sr = psr(sr, 0.0, len(x), skew, kurt + 3)
sr0 = math.sqrt(v_sr) * ((1 - EULER) * nd.inv_cdf(1 - 1 / N_TRIALS) + EULER * nd.inv_cdf(1 - 1 / (N_TRIALS * math.e)))
dsr, _ = psr(sr, sr0, len(x), skew, kurt + 3)
cov = np.cov(x, y, ddof=1)
beta = cov[0, 1] / cov[1, 1]
diff = x - y

expected = {
    "totalReturn": total,
    "annualizedReturn": ann_ret,
    "annualizedVolatility": sd * math.sqrt(PPY),
    "sharpe": sr * math.sqrt(PPY),
    "sharpePerPeriod": sr,
    "sortino": mean / downside * math.sqrt(PPY),
    "calmar": ann_ret / mdd,
    "maxDrawdown": mdd,
    "maxDrawdownDuration": longest,
    "hitRate": float(np.mean(x > 0)),
    "skewness": skew,
    "excessKurtosis": kurt,
    "historicalVaR": -q,
    "historicalCVaR": -x[x <= q].mean(),
    "parametricVaR": -(mean + sd * z),
    "parametricCVaR": -(mean - sd * nd.pdf(z) / ALPHA),
    "certaintyEquivalent": mean - GAMMA / 2 * x.var(ddof=1),
    "probabilisticSharpe": psr0,
    "deflatedSharpe": dsr,
    "deflatedSharpeThreshold": sr0,
    "beta": beta,
    "alpha": (mean - beta * y.mean()) * PPY,
    "trackingError": diff.std(ddof=1) * math.sqrt(PPY),
    "informationRatio": diff.mean() / diff.std(ddof=1) * math.sqrt(PPY),
}
rolling_vol = (r.rolling(WINDOW).std() * math.sqrt(PPY)).to_numpy()
rolling_sharpe = (r.rolling(WINDOW).mean() / r.rolling(WINDOW).std() * math.sqrt(PPY)).to_numpy()
picks = [WINDOW - 2, WINDOW - 1, 200, 500, N - 1]

out = {
    "source": "AAPL (sp500_dataset.csv.gz) and SP500 (sp500_index.csv.gz), skfolio data, last %d daily simple returns" % N,
    "script": "scripts/make-metrics-fixtures.py",
    "numpy": np.__version__,
    "pandas": pd.__version__,
    "params": {"periodsPerYear": PPY, "alpha": ALPHA, "gamma": GAMMA, "nTrials": N_TRIALS, "window": WINDOW},
    "dates": [d.strftime("%Y-%m-%d") for d in r.index],
    "returns": x.tolist(),
    "benchmark": y.tolist(),
    "expected": {k: float(v) for k, v in expected.items()},
    "rolling": {
        "index": picks,
        "volatility": [None if math.isnan(rolling_vol[i]) else float(rolling_vol[i]) for i in picks],
        "sharpe": [None if math.isnan(rolling_sharpe[i]) else float(rolling_sharpe[i]) for i in picks],
    },
}
path = os.path.join(ROOT, "src", "metrics", "fixtures", "sp500-metrics.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", path)
