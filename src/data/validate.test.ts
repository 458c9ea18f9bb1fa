import { describe, expect, it } from 'vitest';
import { businessDays } from './calendar.ts';
import { formatQualityReport, validateTable } from './validate.ts';

const N = NaN;
/** A clean random-walk-ish table of 300 business days × 2 assets. */
function clean(): { dates: string[]; values: Float64Array; assets: string[] } {
  const dates = businessDays('2020-01-01', '2021-12-31').slice(0, 300);
  const values = new Float64Array(dates.length * 2);
  for (let t = 0; t < dates.length; t++) {
    values[t * 2] = 100 * (1 + 0.01 * Math.sin(t));
    values[t * 2 + 1] = 50 * (1 + 0.002 * t);
  }
  return { dates, values, assets: ['A', 'B'] };
}

describe('validateTable', () => {
  it('a clean table is usable with no findings', () => {
    const r = validateTable({ ...clean(), source: 'x.csv' });
    expect(r).toMatchObject({ usable: true, errors: 0, warnings: 0, nDates: 300, nAssets: 2, firstDate: '2020-01-01' });
  });
  it('names every problem with asset, date, line and a fix', () => {
    const t = clean();
    const lines = Int32Array.from(t.dates, (_, i) => i + 2);
    t.values[10 * 2] = N; // hole in A after listing
    t.values[20 * 2] = -1; // negative price
    t.values[21 * 2 + 1] = Infinity;
    t.values[51 * 2] = t.values[50 * 2]! / 2; // 1:2 split
    for (let k = 100; k < 112; k++) t.values[k * 2 + 1] = 42; // stale run of 12
    const dates = [...t.dates];
    dates[200] = dates[199]!; // duplicate date
    dates[250] = '2019-06-03'; // unsorted
    const r = validateTable({ source: 'p.csv', dates, assets: t.assets, values: t.values, lines });
    const byRule = Object.fromEntries(r.findings.map((f) => [`${f.rule}:${f.asset ?? ''}`, f]));
    expect(r.usable).toBe(false);
    expect(byRule['missing-cell:A']).toMatchObject({ severity: 'error', date: dates[10], line: 12, count: 1 });
    expect(byRule['missing-cell:A']!.message).toBe(
      `asset "A" has 1 missing cell after listing: ${dates[10]} (line 12). Fill the cells, or choose a missing-data policy: { policy: 'forward-fill', limit: 5 }, 'drop-dates' or 'drop-assets' (CLI: --missing forward-fill:5).`,
    );
    expect(byRule['non-positive-price:A']).toMatchObject({ severity: 'error', line: 22 });
    expect(byRule['non-finite:B']).toMatchObject({ severity: 'error', line: 23 });
    expect(byRule['split-like-jump:A']!.message).toContain('1:2 on');
    expect(byRule['stale-run:B']).toMatchObject({ severity: 'warning', line: 102 });
    expect(byRule['duplicate-date:']).toMatchObject({ severity: 'error', line: 202 });
    expect(byRule['duplicate-date:']!.message).toBe(
      `1 duplicate date; first: ${dates[200]} on line 202 repeats line 201. Keep one row per date.`,
    );
    expect(byRule['unsorted-dates:']).toMatchObject({ severity: 'warning', line: 252 });
    expect(formatQualityReport(r)[0]).toMatch(/^p\.csv: 299 dates × 2 assets, 2019-06-03 \.\. .*NOT usable$/);
  });
  it('missing cells are warnings under a fixing policy; leading gaps are never findings', () => {
    const t = clean();
    t.values[0] = N; // not listed yet
    t.values[5 * 2] = N;
    const strict = validateTable(t);
    expect(strict.findings.map((f) => f.rule)).toEqual(['missing-cell']);
    const lenient = validateTable(t, { missingPolicy: { policy: 'forward-fill', limit: 3 } });
    expect(lenient.usable).toBe(true);
    expect(lenient.findings[0]!.severity).toBe('warning');
  });
  it('flags short histories, empty columns and calendar gaps', () => {
    const dates = businessDays('2020-01-01', '2020-03-31');
    const values = new Float64Array(dates.length * 2).fill(N);
    for (let i = 0; i < dates.length; i++) values[i * 2] = 10 + i;
    const cut = dates.filter((_, i) => i < 20 || i > 30);
    const v2 = values.filter((_, i) => Math.floor(i / 2) < 20 || Math.floor(i / 2) > 30);
    const r = validateTable({ dates: cut, assets: ['A', 'B'], values: v2 });
    expect(r.findings.map((f) => `${f.severity}:${f.rule}:${f.asset ?? ''}`).sort()).toEqual([
      'error:no-data:B',
      'warning:calendar-gap:',
      'warning:short-history:A',
    ]);
  });
  it('returns tables skip the price-only rules', () => {
    const r = validateTable(
      { dates: ['2020-01-31', '2020-02-29'], assets: ['R'], values: Float64Array.from([-0.5, -0.5]), notPrices: true },
      { minHistory: 1 },
    );
    expect(r.findings).toEqual([]);
  });
  it('extreme-value: 1e308 and 5e-324 in a series near 100 are errors naming asset, date and line', () => {
    for (const bad of [1e308, 5e-324]) {
      const t = clean();
      const lines = Int32Array.from(t.dates, (_, i) => i + 2);
      t.values[150 * 2] = bad;
      const r = validateTable({ ...t, source: 'p.csv', lines });
      expect(r.usable).toBe(false);
      // the spike is the finding; the moves into and out of it are not reported again
      expect(r.findings.map((f) => `${f.severity}:${f.rule}:${f.asset}`)).toEqual(['error:extreme-value:A']);
      expect(r.findings[0]).toMatchObject({ date: t.dates[150], line: 152, count: 1 });
      expect(r.findings[0]!.message).toMatch(
        new RegExp(
          `^asset "A" has 1 price more than 1000× above or below the median of its 21 nearest values: ${String(bad).replace('+', '\\+')} on ${t.dates[150]} \\(line 152\\) vs median 10[01]\\.\\d+\\. Such a value makes returns and covariances overflow; fix it or leave the cell empty to mark it missing\\.$`,
        ),
      );
    }
  });
  it('outlier: an isolated bad tick far from the rolling median is a warning; a lasting level shift is not', () => {
    const t = clean();
    t.values[100 * 2 + 1] = t.values[100 * 2 + 1]! * 1.3; // B: +30 % for one day, a series moving 0.2 %/day
    for (let k = 200; k < 300; k++) t.values[k * 2] = t.values[k * 2]! * 1.3; // A: a lasting +30 % re-rating
    const r = validateTable(t, { minHistory: 1 });
    expect(r.findings.map((f) => `${f.severity}:${f.rule}:${f.asset}:${f.date}`)).toEqual([
      `warning:outlier:B:${t.dates[100]}`,
    ]);
    expect(r.findings[0]!.message).toContain('(|ln p − median| > 10 scaled MADs and > 10 %)');
    // a tighter threshold is an option
    expect(validateTable(t, { outlierMads: 1000 }).findings).toEqual([]);
  });
  it('large-move: a lasting one-day −99 % move is a warning with asset and date; maxMove is configurable', () => {
    const t = clean();
    for (let k = 120; k < 300; k++) t.values[k * 2 + 1] = t.values[k * 2 + 1]! * 0.01;
    const r = validateTable(t);
    expect(r.usable).toBe(true);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ severity: 'warning', rule: 'large-move', asset: 'B', date: t.dates[120] });
    expect(r.findings[0]!.message).toBe(
      `asset "B" has 1 one-period move beyond ±50 %: −99.0 % on ${t.dates[120]}. Check the price (a bad tick or an unadjusted corporate action?); if the move is real, raise maxMove (CLI: --max-move; study: data.quality.maxMove).`,
    );
    expect(validateTable(t, { maxMove: 0.995 }).findings).toEqual([]);
    // returns tables: the value is the move
    const rt = validateTable(
      { dates: t.dates.slice(0, 3), assets: ['R'], values: Float64Array.from([0.01, -0.99, 0.02]), notPrices: true },
      { minHistory: 1 },
    );
    expect(rt.findings.map((f) => `${f.rule}:${f.date}`)).toEqual([`large-move:${t.dates[1]}`]);
  });
  it('large-move applies to daily data unless maxMove is given (monthly 60 % moves pass by default)', () => {
    const dates = ['2020-01-31', '2020-02-29', '2020-03-31', '2020-04-30'];
    const values = Float64Array.from([100, 160, 100, 100]);
    expect(validateTable({ dates, assets: ['M'], values }, { minHistory: 1 }).findings).toEqual([]);
    expect(
      validateTable({ dates, assets: ['M'], values }, { minHistory: 1, maxMove: 0.5 }).findings.map((f) => f.rule),
    ).toEqual(['large-move']);
  });
});
