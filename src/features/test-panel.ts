/**
 * Test fixture: a seeded OHLCV random-walk panel (business days from 2015-01-02). For tests in this folder only.
 */
import { createRng } from '../core/index.ts';
import { Panel } from '../data/index.ts';

export function businessDays(start: string, n: number): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  while (out.length < n) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

export function randomWalkPanel(seed: number, nDates: number, nAssets: number): Panel {
  const rng = createRng(seed);
  const dates = businessDays('2015-01-02', nDates);
  const assets = Array.from({ length: nAssets }, (_, i) => `A${i}`);
  const size = nDates * nAssets;
  const open = new Float64Array(size);
  const high = new Float64Array(size);
  const low = new Float64Array(size);
  const close = new Float64Array(size);
  const volume = new Float64Array(size);
  for (let a = 0; a < nAssets; a++) {
    let c = 100 * (1 + a);
    for (let t = 0; t < nDates; t++) {
      const o = c * (1 + 0.002 * rng.normal());
      c = o * (1 + 0.012 * rng.normal());
      const i = t * nAssets + a;
      open[i] = o;
      close[i] = c;
      high[i] = Math.max(o, c) * (1 + 0.005 * rng.uniform());
      low[i] = Math.min(o, c) * (1 - 0.005 * rng.uniform());
      volume[i] = 1e6 * Math.exp(0.3 * rng.normal());
    }
  }
  return new Panel({
    dates,
    assets,
    fields: { open, high, low, close, volume },
    meta: assets.map((id, i) => ({ id, assetClass: 'equity', sector: i % 2 ? 'tech' : 'energy' })),
  });
}
