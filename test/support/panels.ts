/** Small deterministic panels for engine and execution tests (test support, shared by the stages' tests). */
import { Panel } from '../../src/data/index.ts';
import type { AssetMeta, IsoDate } from '../../src/data/index.ts';
import type { Strategy } from '../../src/backtest/index.ts';

/** Consecutive calendar days from `start` (UTC), as ISO dates. */
export function days(start: IsoDate, count: number, stepDays = 1): IsoDate[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(t0 + i * stepDays * 86_400_000).toISOString().slice(0, 10));
}

/** Panel from per-asset close series (columns), optional open series and meta. */
export function panelOf(
  dates: IsoDate[],
  closes: number[][],
  opts: { open?: number[][]; volume?: number[][]; assets?: string[]; meta?: AssetMeta[] } = {},
): Panel {
  const n = closes.length;
  const T = dates.length;
  const assets = opts.assets ?? closes.map((_, a) => String.fromCharCode(65 + a));
  const pack = (cols: number[][]): Float64Array => {
    const out = new Float64Array(T * n);
    for (let t = 0; t < T; t++) for (let a = 0; a < n; a++) out[t * n + a] = cols[a]![t]!;
    return out;
  };
  const fields: Record<string, Float64Array> = { close: pack(closes) };
  if (opts.open) fields['open'] = pack(opts.open);
  if (opts.volume) fields['volume'] = pack(opts.volume);
  return new Panel({ dates, assets, fields, ...(opts.meta ? { meta: opts.meta } : {}) });
}

/** A strategy that always wants the same weights. */
export function constant(weights: number[], name = 'constant'): Strategy {
  return { name, decide: () => ({ weights: Float64Array.from(weights) }) };
}

/** Deterministic pseudo-random walk prices (no Math.random): n assets × T dates. */
export function walk(T: number, n: number, seed = 1): number[][] {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  return Array.from({ length: n }, (_, a) => {
    let p = 100 + 10 * a;
    return Array.from({ length: T }, () => (p *= 1 + 0.02 * (u() - 0.5) + 0.0003));
  });
}
