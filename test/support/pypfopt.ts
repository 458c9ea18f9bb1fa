/**
 * TEST-ONLY reader for ../shared/data/pypfopt/*.csv (wide: date, then one column per ticker; empty cell = missing).
 * Written by the risk/allocation engineer while `loadPrices` in src/io was not ready; the lead may replace it with
 * the io loader. Used only inside `describeShared` blocks.
 */
import { readFileSync } from 'node:fs';
import { sharedPath } from './shared.ts';

export interface WidePrices {
  readonly dates: string[];
  readonly assets: string[];
  /** row-major nDates × nAssets, NaN = missing */
  readonly values: Float64Array;
}

export function readWidePrices(...parts: string[]): WidePrices {
  const text = readFileSync(sharedPath(...parts), 'utf8').trim();
  const lines = text.split(/\r?\n/);
  const header = lines[0]!.split(',');
  const assets = header.slice(1);
  const dates: string[] = [];
  const values = new Float64Array((lines.length - 1) * assets.length);
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',');
    dates.push(cells[0]!);
    for (let j = 0; j < assets.length; j++) {
      const c = cells[j + 1];
      values[(i - 1) * assets.length + j] = c === undefined || c === '' ? NaN : Number(c);
    }
  }
  return { dates, assets, values };
}
