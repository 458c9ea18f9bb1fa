/**
 * Price and volume features (each a `Feature` built from plain params). Every column is (nDates × nAssets) and causal.
 * Units: returns and ratios are fractions; RSI is 0..100 rescaled to −1..1; MACD is divided by price (dimensionless).
 */
import { dataError } from '../core/index.ts';
import type { Panel } from '../data/index.ts';
import { defineFeature, perAsset, perAssetMulti, type Feature } from './feature.ts';
import { atr, bollingerPctB, ema, macd, pctChange, rollingStd, rollingZ, rsi, shift, sma } from './indicators.ts';

const maxOf = (xs: readonly number[]): number => xs.reduce((m, x) => Math.max(m, x), 0);

function requireField(panel: Panel, field: string, feature: string): void {
  if (!panel.has(field)) {
    throw dataError(
      `feature "${feature}" needs panel field "${field}", which is missing (fields: ${panel.fieldNames.join(', ')}). Remove the feature or load OHLCV data.`,
    );
  }
}

/** Lagged one-period returns: ret_lag{k}[t] = close[t−k]/close[t−k−1] − 1 (k = 0 is today's return). */
export function laggedReturns(lags: readonly number[]): Feature {
  return defineFeature(
    'returns',
    maxOf(lags) + 1,
    ({ panel }) => {
      const r1 = perAsset(panel, 'close', (c) => pctChange(c, 1));
      const n = panel.nAssets;
      return {
        names: lags.map((k) => `ret_lag${k}`),
        values: lags.map((k) => perAssetFromFlat(r1, panel.nDates, n, (s) => shift(s, k))),
      };
    },
    'returns',
  );
}

/** Momentum: close[t]/close[t−w] − 1 for each window w (trading days). */
export function momentum(windows: readonly number[], skip = 0): Feature {
  return defineFeature(
    'momentum',
    maxOf(windows) + skip,
    ({ panel }) => ({
      names: windows.map((w) => `mom_${w}${skip ? `_skip${skip}` : ''}`),
      values: windows.map((w) => perAsset(panel, 'close', (c) => shift(pctChange(c, w), skip))),
    }),
    'momentum',
  );
}

/** close/SMA(w) − 1, close/EMA(w) − 1, and the fast/slow SMA crossover spread SMA(f)/SMA(s) − 1. */
export function movingAverages(windows: readonly number[], crossover: readonly [number, number] | undefined): Feature {
  const w = crossover ? [...windows, ...crossover] : windows;
  return defineFeature(
    'moving-averages',
    maxOf(w),
    ({ panel }) => {
      const names: string[] = [];
      const values: Float64Array[] = [];
      for (const win of windows) {
        names.push(`sma_ratio_${win}`, `ema_ratio_${win}`);
        values.push(perAsset(panel, 'close', (c) => ratioMinusOne(c, sma(c, win))));
        values.push(perAsset(panel, 'close', (c) => ratioMinusOne(c, ema(c, win))));
      }
      if (crossover) {
        const [f, s] = crossover;
        names.push(`sma_cross_${f}_${s}`);
        values.push(perAsset(panel, 'close', (c) => ratioMinusOne(sma(c, f), sma(c, s))));
      }
      return { names, values };
    },
    'moving-averages',
  );
}

/** Rolling standard deviation of daily returns over each window, annualised with √252. */
export function volatility(windows: readonly number[]): Feature {
  return defineFeature(
    'volatility',
    maxOf(windows) + 1,
    ({ panel }) => ({
      names: windows.map((w) => `vol_${w}`),
      values: windows.map((w) =>
        perAsset(panel, 'close', (c) => {
          const s = rollingStd(pctChange(c, 1), w, 1);
          for (let t = 0; t < s.length; t++) s[t] = s[t]! * Math.sqrt(252);
          return s;
        }),
      ),
    }),
    'volatility',
  );
}

/** RSI(n) rescaled from 0..100 to −1..1. */
export function rsiFeature(period: number): Feature {
  return defineFeature(
    'rsi',
    period + 1,
    ({ panel }) => ({
      names: [`rsi_${period}`],
      values: [perAsset(panel, 'close', (c) => rsi(c, period).map((v) => v / 50 - 1))],
    }),
    'rsi',
  );
}

/** MACD line and histogram divided by price. */
export function macdFeature(short: number, long: number, signal: number): Feature {
  return defineFeature(
    'macd',
    long + signal,
    ({ panel }) => ({
      names: [`macd_${short}_${long}`, `macd_hist_${short}_${long}_${signal}`],
      values: [
        perAsset(panel, 'close', (c) => divide(macd(c, short, long, signal).macd, c)),
        perAsset(panel, 'close', (c) => divide(macd(c, short, long, signal).histogram, c)),
      ],
    }),
    'macd',
  );
}

/** Bollinger %b (0 at the lower band, 1 at the upper). */
export function bollingerFeature(period: number, k: number): Feature {
  return defineFeature(
    'bollinger',
    period,
    ({ panel }) => ({
      names: [`bb_pctb_${period}`],
      values: [perAsset(panel, 'close', (c) => bollingerPctB(c, period, k))],
    }),
    'bollinger',
  );
}

/** ATR(n)/close (needs high, low, close). */
export function atrFeature(period: number): Feature {
  return defineFeature(
    'atr',
    period + 1,
    ({ panel }) => {
      for (const f of ['high', 'low', 'close']) requireField(panel, f, 'atr');
      return {
        names: [`atr_${period}`],
        values: [perAssetMulti(panel, ['high', 'low', 'close'], ([h, l, c]) => divide(atr(h!, l!, c!, period), c!))],
      };
    },
    'atr',
  );
}

/** z-score of log(volume) against its trailing window (needs volume). */
export function volumeZFeature(window: number): Feature {
  return defineFeature(
    'volume-z',
    window,
    ({ panel }) => {
      requireField(panel, 'volume', 'volume-z');
      return {
        names: [`volume_z_${window}`],
        values: [
          perAsset(panel, 'volume', (v) =>
            rollingZ(
              v.map((x) => (x > 0 ? Math.log(x) : NaN)),
              window,
            ),
          ),
        ],
      };
    },
    'volume-z',
  );
}

/** Cross-sectional rank (0..1 across assets with a value at t, ties averaged) of momentum or volatility. */
export function crossSectionalRank(of: 'momentum' | 'volatility' | 'reversal', window: number): Feature {
  const inner = of === 'volatility' ? volatility([window]) : momentum([window]);
  return defineFeature(
    'rank',
    inner.warmup,
    (input) => {
      const base = inner.compute(input).values[0]!;
      const { nDates, nAssets } = input.panel;
      const out = new Float64Array(nDates * nAssets).fill(NaN);
      const sign = of === 'reversal' ? -1 : 1;
      for (let t = 0; t < nDates; t++) {
        const row: number[] = [];
        for (let a = 0; a < nAssets; a++) row.push(sign * base[t * nAssets + a]!);
        const ranks = rankFractions(row);
        for (let a = 0; a < nAssets; a++) out[t * nAssets + a] = ranks[a]!;
      }
      return { names: [`rank_${of}_${window}`], values: [out] };
    },
    'rank',
  );
}

/** Ranks of the finite values scaled to [0, 1] (average rank for ties); NaN stays NaN; a lone value gets 0.5. */
export function rankFractions(x: readonly number[]): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  const idx = x.map((_, i) => i).filter((i) => Number.isFinite(x[i]!));
  idx.sort((i, j) => x[i]! - x[j]! || i - j);
  const m = idx.length;
  for (let k = 0; k < m;) {
    let e = k;
    while (e + 1 < m && x[idx[e + 1]!] === x[idx[k]!]) e++;
    const r = m === 1 ? 0.5 : (k + e) / 2 / (m - 1);
    for (let q = k; q <= e; q++) out[idx[q]!] = r;
    k = e + 1;
  }
  return out;
}

function ratioMinusOne(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let t = 0; t < a.length; t++) out[t] = a[t]! / b[t]! - 1;
  return out;
}

function divide(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let t = 0; t < a.length; t++) out[t] = a[t]! / b[t]!;
  return out;
}

function perAssetFromFlat(
  flat: Float64Array,
  nDates: number,
  n: number,
  kernel: (s: Float64Array) => Float64Array,
): Float64Array {
  const out = new Float64Array(nDates * n);
  const s = new Float64Array(nDates);
  for (let a = 0; a < n; a++) {
    for (let t = 0; t < nDates; t++) s[t] = flat[t * n + a]!;
    const r = kernel(s);
    for (let t = 0; t < nDates; t++) out[t * n + a] = r[t]!;
  }
  return out;
}
