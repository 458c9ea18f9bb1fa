/**
 * `Panel`: the market-data value every stage reads. Dates × assets × fields, each field one row-major
 * Float64Array of length nDates·nAssets (index `t * nAssets + a`), NaN = missing (an asset not listed yet, or a
 * hole the missing-data policy must decide about). Immutable by convention: every operation returns a new Panel and
 * never writes into the arrays it was given.
 */
import { dataError } from '../core/index.ts';

/** A calendar date as `YYYY-MM-DD`. Lexicographic order is chronological order. */
export type IsoDate = string;

export interface AssetMeta {
  readonly id: string;
  readonly assetClass?: string; // e.g. 'equity', 'bond', 'commodity', 'cash'
  readonly sector?: string;
  readonly currency?: string;
}

export interface PanelInit {
  readonly dates: readonly IsoDate[];
  readonly assets: readonly string[];
  readonly fields: Readonly<Record<string, Float64Array>>;
  readonly meta?: readonly AssetMeta[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Token for the internal constructor path used by zero-copy views. */
const TRUSTED: unique symbol = Symbol('trusted-panel-view');

export class Panel {
  readonly dates: readonly IsoDate[];
  readonly assets: readonly string[];
  readonly meta: readonly AssetMeta[];
  private readonly data: ReadonlyMap<string, Float64Array>;

  constructor(init: PanelInit, trusted?: typeof TRUSTED) {
    if (trusted === TRUSTED) {
      // A view cut from an already validated panel: skip re-validation and copying (see `sliceRows`).
      this.dates = init.dates;
      this.assets = init.assets;
      this.data = new Map(Object.entries(init.fields));
      this.meta = init.meta ?? [];
      return;
    }
    const { dates, assets, fields } = init;
    for (let t = 0; t < dates.length; t++) {
      const d = dates[t]!;
      if (!ISO_DATE.test(d))
        throw dataError(`Panel date #${t + 1} is "${d}", not YYYY-MM-DD. Parse dates before building a Panel.`);
      if (t > 0 && d <= dates[t - 1]!) {
        throw dataError(
          `Panel dates must be strictly increasing: ${dates[t - 1]} is followed by ${d}. Sort and de-duplicate first.`,
        );
      }
    }
    const seen = new Set<string>();
    for (const a of assets) {
      if (seen.has(a)) throw dataError(`Panel asset "${a}" appears twice. Asset ids must be unique.`);
      seen.add(a);
    }
    const size = dates.length * assets.length;
    const map = new Map<string, Float64Array>();
    for (const [name, values] of Object.entries(fields)) {
      if (values.length !== size) {
        throw dataError(
          `Panel field "${name}" has ${values.length} values, expected ${dates.length} dates × ${assets.length} assets = ${size}.`,
        );
      }
      map.set(name, values);
    }
    this.dates = Object.freeze([...dates]);
    this.assets = Object.freeze([...assets]);
    this.data = map;
    const metaById = new Map((init.meta ?? []).map((m) => [m.id, m]));
    this.meta = Object.freeze(assets.map((id) => metaById.get(id) ?? { id }));
  }

  get nDates(): number {
    return this.dates.length;
  }

  get nAssets(): number {
    return this.assets.length;
  }

  get fieldNames(): string[] {
    return [...this.data.keys()];
  }

  has(field: string): boolean {
    return this.data.has(field);
  }

  /** The whole field (nDates × nAssets, row-major). Do not write into it. */
  field(name: string): Float64Array {
    const f = this.data.get(name);
    if (!f) throw dataError(`Panel has no field "${name}" (it has: ${this.fieldNames.join(', ') || 'none'}).`);
    return f;
  }

  value(field: string, t: number, a: number): number {
    return this.field(field)[t * this.nAssets + a]!;
  }

  /** One asset's series of a field across all dates (a copy). */
  series(field: string, asset: number | string): Float64Array {
    const a = typeof asset === 'number' ? asset : this.assetIndex(asset);
    const f = this.field(field);
    const out = new Float64Array(this.nDates);
    for (let t = 0; t < this.nDates; t++) out[t] = f[t * this.nAssets + a]!;
    return out;
  }

  /** One date's cross-section of a field (a copy). */
  row(field: string, t: number): Float64Array {
    const n = this.nAssets;
    return this.field(field).slice(t * n, (t + 1) * n);
  }

  assetIndex(id: string): number {
    const i = this.assets.indexOf(id);
    if (i < 0)
      throw dataError(
        `unknown asset "${id}" (the panel has ${this.assets.slice(0, 10).join(', ')}${this.nAssets > 10 ? ', …' : ''}).`,
      );
    return i;
  }

  dateIndex(date: IsoDate): number {
    const i = this.lastIndexOnOrBefore(date);
    if (i < 0 || this.dates[i] !== date) throw dataError(`date ${date} is not in the panel's calendar.`);
    return i;
  }

  /** Index of the last date ≤ `date`, or -1 when every date is after it (binary search). */
  lastIndexOnOrBefore(date: IsoDate): number {
    let lo = 0;
    let hi = this.nDates - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.dates[mid]! <= date) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  /**
   * Rows [start, end) by index, all assets and fields. The result is a zero-copy view: its fields are `subarray`s
   * of this panel's arrays (O(fields) work, so a strategy that asks for `upTo(t)` every day stays linear in the
   * history length). Panels are never written into, so sharing is safe; copy with `.slice()` before mutating.
   */
  sliceRows(start: number, end: number): Panel {
    const n = this.nAssets;
    const s = Math.max(0, Math.min(start, this.nDates));
    const e = Math.max(s, Math.min(end, this.nDates));
    const fields: Record<string, Float64Array> = {};
    for (const [name, f] of this.data) fields[name] = f.subarray(s * n, e * n);
    const dates = Object.freeze(this.dates.slice(s, e));
    return new Panel({ dates, assets: this.assets, fields, meta: this.meta }, TRUSTED);
  }

  /** Everything dated on or before `asOf`: the only view a decision at `asOf` may see. */
  upTo(asOf: IsoDate): Panel {
    return this.sliceRows(0, this.lastIndexOnOrBefore(asOf) + 1);
  }

  selectAssets(ids: readonly string[]): Panel {
    const idx = ids.map((id) => this.assetIndex(id));
    const n = this.nAssets;
    const fields: Record<string, Float64Array> = {};
    for (const [name, f] of this.data) {
      const out = new Float64Array(this.nDates * idx.length);
      for (let t = 0; t < this.nDates; t++)
        for (let j = 0; j < idx.length; j++) out[t * idx.length + j] = f[t * n + idx[j]!]!;
      fields[name] = out;
    }
    return new Panel({ dates: this.dates, assets: ids, fields, meta: idx.map((i) => this.meta[i]!) });
  }

  /** A new panel with `field` added or replaced (the array is taken as is, not copied). */
  withField(name: string, values: Float64Array): Panel {
    const fields: Record<string, Float64Array> = Object.fromEntries(this.data);
    fields[name] = values;
    return new Panel({ dates: this.dates, assets: this.assets, fields, meta: this.meta });
  }

  withMeta(meta: readonly AssetMeta[]): Panel {
    return new Panel({ dates: this.dates, assets: this.assets, fields: Object.fromEntries(this.data), meta });
  }
}
