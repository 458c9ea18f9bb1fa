/**
 * The synthetic market as CSV tables (text only; writing files is the CLI's job). Numbers are printed with fixed
 * digits (`toFixed`/`toPrecision`, deterministic in every JavaScript engine), so the same seed gives the same bytes.
 *
 * Tables (file name → content):
 * - `close.csv`, `open.csv`, `high.csv`, `low.csv`, `volume.csv`: wide, `date,<asset>,<asset>,…`; prices 4 decimals,
 *   volume in whole shares (prices below 1 keep six significant digits).
 * - `assets.csv`: `id,assetClass,sector,currency`.
 * - `macro.csv`: `series,refDate,releaseDate,vintage,value`.
 * - `headlines.csv`: `date,asset,text`.
 * - `fundamentals.csv`: `asset,periodEnd,reportDate,pe,pb,earningsGrowth`.
 * - `truth_regimes.csv`: `date,regime,regimeName,marketDrift`.
 * - `truth_signals.csv`: long, `date,asset,momentum,meanReversion,macro,sentiment,alpha,logReturn`.
 * - `truth_headline_tone.csv`: `date,asset,tone` aligned with headlines.csv.
 * - `truth_break.json`: the planted break resolved on the calendar (only when the market has one).
 * - `params.json`: the resolved parameters.
 */
import type { SyntheticMarket } from './market.ts';

export const PANEL_FIELDS = ['close', 'open', 'high', 'low', 'volume'] as const;

/**
 * Every table of `market`, in a fixed order. Set `truth: false` to leave out the `truth_*` tables; `onProgress` hears
 * (tables done, tables in all, name) after each table (the signature of `FitContext.onProgress` and the CLI's bars).
 */
export function marketToCsv(
  market: SyntheticMarket,
  options: { truth?: boolean; onProgress?: (done: number, total: number, note?: string) => void } = {},
): Map<string, string> {
  const withBreak = options.truth !== false && market.truth.break !== undefined;
  const total = (options.truth === false ? 10 : 13) + (withBreak ? 1 : 0);
  const inner = new Map<string, string>();
  const out = {
    set(name: string, text: string): void {
      inner.set(name, text);
      options.onProgress?.(inner.size, total, name);
    },
  };
  const { panel } = market;
  const n = panel.nAssets;
  for (const field of PANEL_FIELDS) {
    const values = panel.field(field);
    const digits = field === 'volume' ? 0 : 4;
    const lines = new Array<string>(panel.nDates + 1);
    lines[0] = `date,${panel.assets.join(',')}`;
    for (let t = 0; t < panel.nDates; t++) {
      let line = panel.dates[t]!;
      for (let a = 0; a < n; a++) {
        const v = values[t * n + a]!;
        // Four decimals, or six significant digits below 1 so that no positive price is ever written as 0.
        line += `,${digits === 0 || v >= 1 ? v.toFixed(digits) : v.toPrecision(6)}`;
      }
      lines[t + 1] = line;
    }
    out.set(`${field}.csv`, lines.join('\n') + '\n');
  }
  out.set(
    'assets.csv',
    table(
      ['id', 'assetClass', 'sector', 'currency'],
      panel.meta.map((m) => [m.id, m.assetClass ?? '', m.sector ?? '', m.currency ?? '']),
    ),
  );
  out.set(
    'macro.csv',
    table(
      ['series', 'refDate', 'releaseDate', 'vintage', 'value'],
      market.macro.map((o) => [o.series, o.refDate, o.releaseDate, String(o.vintage), o.value.toFixed(2)]),
    ),
  );
  out.set(
    'headlines.csv',
    table(
      ['date', 'asset', 'text'],
      market.headlines.map((h) => [h.date, h.asset, h.text]),
    ),
  );
  out.set(
    'fundamentals.csv',
    table(
      ['asset', 'periodEnd', 'reportDate', 'pe', 'pb', 'earningsGrowth'],
      market.fundamentals.map((f) => [
        f.asset,
        f.periodEnd,
        f.reportDate,
        f.pe.toFixed(4),
        f.pb.toFixed(4),
        f.earningsGrowth.toFixed(4),
      ]),
    ),
  );
  if (options.truth !== false) {
    const tr = market.truth;
    out.set(
      'truth_regimes.csv',
      table(
        ['date', 'regime', 'regimeName', 'marketDrift'],
        panel.dates.map((d, t) => [
          d,
          String(tr.regimes[t]),
          tr.regimeNames[tr.regimes[t]!]!,
          tr.marketDrift[t]!.toFixed(6),
        ]),
      ),
    );
    const s = tr.signals;
    const lines = new Array<string>(panel.nDates * n + 1);
    lines[0] = 'date,asset,momentum,meanReversion,macro,sentiment,alpha,logReturn';
    let j = 1;
    for (let t = 0; t < panel.nDates; t++) {
      const d = panel.dates[t]!;
      for (let a = 0; a < n; a++) {
        const i = t * n + a;
        lines[j++] =
          `${d},${panel.assets[a]},${s.momentum[i]!.toFixed(6)},${s.meanReversion[i]!.toFixed(6)},${s.macro[i]!.toFixed(6)},` +
          `${s.sentiment[i]!.toFixed(6)},${tr.alpha[i]!.toPrecision(8)},${tr.logReturns[i]!.toPrecision(10)}`;
      }
    }
    out.set('truth_signals.csv', lines.join('\n') + '\n');
    out.set(
      'truth_headline_tone.csv',
      table(
        ['date', 'asset', 'tone'],
        market.headlines.map((h, k) => [h.date, h.asset, String(tr.headlineTone[k])]),
      ),
    );
  }
  if (withBreak) out.set('truth_break.json', `${JSON.stringify(market.truth.break, null, 2)}\n`);
  out.set('params.json', `${JSON.stringify(market.params, null, 2)}\n`);
  return inner;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = new Array<string>(rows.length + 1);
  lines[0] = header.join(',');
  for (let i = 0; i < rows.length; i++) lines[i + 1] = rows[i]!.map(cell).join(',');
  return lines.join('\n') + '\n';
}

/** RFC 4180 quoting when a cell holds a comma, quote or line break. */
function cell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
