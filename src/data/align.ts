/**
 * Aligning assets with different histories on one calendar. Ragged starts are normal (an asset not listed yet
 * is NaN before its first price); alignment never fills anything — it only places values on dates.
 */
import { dataError } from '../core/index.ts';
import { intersectCalendar, unionCalendar } from './calendar.ts';
import { Panel, type AssetMeta, type IsoDate } from './panel.ts';

/**
 * The panel on another calendar: values on dates the panel has are copied, every other date is NaN. Dates of the
 * panel that are not in `dates` are dropped. `dates` must be strictly increasing.
 */
export function reindex(panel: Panel, dates: readonly IsoDate[]): Panel {
  const n = panel.nAssets;
  const srcIndex = new Map(panel.dates.map((d, i) => [d, i] as const));
  const fields: Record<string, Float64Array> = {};
  for (const name of panel.fieldNames) {
    const src = panel.field(name);
    const out = new Float64Array(dates.length * n).fill(NaN);
    for (let t = 0; t < dates.length; t++) {
      const s = srcIndex.get(dates[t]!);
      if (s !== undefined) out.set(src.subarray(s * n, (s + 1) * n), t * n);
    }
    fields[name] = out;
  }
  return new Panel({ dates, assets: panel.assets, fields, meta: panel.meta });
}

export interface AlignOptions {
  /** 'union' (default): every date any panel has; 'intersection': only dates all panels have. */
  readonly calendar?: 'union' | 'intersection' | readonly IsoDate[];
}

/**
 * Puts several panels side by side on one calendar: assets are concatenated (ids must be unique across panels),
 * fields are the union (a field a panel lacks is NaN for its assets).
 */
export function alignPanels(panels: readonly Panel[], options: AlignOptions = {}): Panel {
  if (panels.length === 0) throw dataError('alignPanels needs at least one panel.');
  const cal = options.calendar ?? 'union';
  const dates =
    cal === 'union'
      ? unionCalendar(panels.map((p) => p.dates))
      : cal === 'intersection'
        ? intersectCalendar(panels.map((p) => p.dates))
        : [...cal];
  const owner = new Map<string, number>();
  panels.forEach((p, i) => {
    for (const a of p.assets) {
      const prev = owner.get(a);
      if (prev !== undefined) {
        throw dataError(
          `asset "${a}" is in panel ${prev + 1} and panel ${i + 1}; asset ids must be unique. Rename one of them.`,
        );
      }
      owner.set(a, i);
    }
  });
  const fieldNames = [...new Set(panels.flatMap((p) => p.fieldNames))];
  const assets = panels.flatMap((p) => [...p.assets]);
  const meta: AssetMeta[] = panels.flatMap((p) => [...p.meta]);
  const N = assets.length;
  const fields: Record<string, Float64Array> = {};
  for (const f of fieldNames) fields[f] = new Float64Array(dates.length * N).fill(NaN);
  let offset = 0;
  for (const p of panels) {
    const r = reindex(p, dates);
    const n = p.nAssets;
    for (const f of r.fieldNames) {
      const src = r.field(f);
      const dst = fields[f]!;
      for (let t = 0; t < dates.length; t++) dst.set(src.subarray(t * n, (t + 1) * n), t * N + offset);
    }
    offset += n;
  }
  return new Panel({ dates, assets, fields, meta });
}

/** Index of each asset's first non-missing value in `field` (its listing date), or -1 when it has none. */
export function firstValidIndex(panel: Panel, field = 'close'): Int32Array {
  const n = panel.nAssets;
  const f = panel.field(field);
  const out = new Int32Array(n).fill(-1);
  let remaining = n;
  for (let t = 0; t < panel.nDates && remaining > 0; t++) {
    for (let a = 0; a < n; a++) {
      if (out[a] === -1 && !Number.isNaN(f[t * n + a]!)) {
        out[a] = t;
        remaining--;
      }
    }
  }
  return out;
}

/** Index of each asset's last non-missing value in `field`, or -1 when it has none. */
export function lastValidIndex(panel: Panel, field = 'close'): Int32Array {
  const n = panel.nAssets;
  const f = panel.field(field);
  const out = new Int32Array(n).fill(-1);
  for (let a = 0; a < n; a++) {
    for (let t = panel.nDates - 1; t >= 0; t--) {
      if (!Number.isNaN(f[t * n + a]!)) {
        out[a] = t;
        break;
      }
    }
  }
  return out;
}

/** Listing dates (first valid price) per asset; undefined for an asset with no price at all. */
export function listingDates(panel: Panel, field = 'close'): Record<string, IsoDate | undefined> {
  const first = firstValidIndex(panel, field);
  const out: Record<string, IsoDate | undefined> = {};
  panel.assets.forEach((a, i) => {
    out[a] = first[i]! >= 0 ? panel.dates[first[i]!] : undefined;
  });
  return out;
}

/** Rows from the first date on which every asset has a value in `field` (the common history). */
export function commonHistory(panel: Panel, field = 'close'): Panel {
  const first = firstValidIndex(panel, field);
  let start = 0;
  for (const i of first) {
    if (i < 0) return panel.sliceRows(0, 0);
    start = Math.max(start, i);
  }
  return panel.sliceRows(start, panel.nDates);
}
