/**
 * Every file in ../shared/data loads (skipped with a visible message when ../shared is absent). Expected shapes
 * and values come from the files' READMEs and their first/last lines, read independently of the parser.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../test/support/shared.ts';
import { KeelError } from '../core/index.ts';
import { listingDates } from '../data/index.ts';
import { loadFrench, listFrenchSections } from './french.ts';
import { loadLabeledTable } from './labeled-table.ts';
import { loadPricesSync, loadPricesSyncWithReport } from './load-prices.ts';
import { validateFile } from './validate-file.ts';

/** The first data line's cells, split naïvely (these files have no quoting). */
function firstRow(path: string): string[] {
  const raw = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  return text.split(/\r?\n/)[1]!.split(',');
}

describeShared('pypfopt stock_prices.csv (leading gaps)', ['data', 'pypfopt', 'stock_prices.csv'], () => {
  const path = sharedPath('data', 'pypfopt', 'stock_prices.csv');
  it('loads 7126 × 20 under the strict policy: leading gaps are "not listed yet", not missing', () => {
    const { panel, report } = loadPricesSyncWithReport(path);
    expect([panel.nDates, panel.nAssets]).toEqual([7126, 20]);
    expect(panel.dates[0]).toBe('1989-12-29');
    expect(panel.dates[7125]).toBe('2018-04-11');
    expect(report.missing.missingCells).toBe(0);
    const cells = firstRow(path);
    panel.assets.forEach((_, a) => {
      const text = cells[a + 1]!;
      expect(Object.is(panel.field('close')[a], text === '' ? NaN : Number(text))).toBe(true);
    });
    // late starters named in the README
    const listed = listingDates(panel);
    expect(listed).toMatchObject({
      GOOG: '2004-08-19',
      FB: '2012-05-18',
      BABA: '2014-09-19',
      AMZN: '1997-05-15',
      MA: '2006-05-25',
    });
  });
  it('validates as usable', async () => {
    expect((await validateFile(path)).usable).toBe(true);
  });
});

for (const [file, rows, cols, first, last] of [
  ['sp500_dataset.csv.gz', 8313, 20, '1990-01-02', '2022-12-28'],
  ['sp500_index.csv.gz', 8313, 1, '1990-01-02', '2022-12-28'],
  ['factors_dataset.csv.gz', 2264, 5, '2014-01-02', '2022-12-28'],
] as const) {
  describeShared(`skfolio ${file}`, ['data', 'skfolio', file], () => {
    it(`loads ${rows} × ${cols} from gzip`, () => {
      const path = sharedPath('data', 'skfolio', file);
      const p = loadPricesSync(path);
      expect([p.nDates, p.nAssets, p.dates[0], p.dates[p.nDates - 1]]).toEqual([rows, cols, first, last]);
      const cells = firstRow(path);
      expect([...p.row('close', 0)]).toEqual(cells.slice(1).map(Number));
    });
  });
}

describeShared('FTSE 100 (NaN cells)', ['data', 'ftse100', 'ftse100_dataset.csv.gz'], () => {
  const path = sharedPath('data', 'ftse100', 'ftse100_dataset.csv.gz');
  it('the strict policy refuses with a message naming asset, date and line', () => {
    let err: unknown;
    try {
      loadPricesSync(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KeelError);
    expect((err as KeelError).message).toBe(
      `${path}:5459: missing data: asset "BATS.L" has no close on 2021-05-28 (29 missing cells in 18 assets after their first value; the missing-data policy is 'error'). Choose a policy: { policy: 'forward-fill', limit: 5 }, { policy: 'drop-dates' } or { policy: 'drop-assets' }.`,
    );
  });
  it('forward-fill reports every fix: 29 cells in 18 assets (the README count)', () => {
    const { panel, report } = loadPricesSyncWithReport(path, { missing: { policy: 'forward-fill', limit: 5 } });
    expect([panel.nDates, panel.nAssets]).toEqual([5960, 64]);
    expect(report.missing.filledCells).toBe(29);
    expect(report.missing.perAsset).toHaveLength(18);
    expect(report.missing.perAsset.find((f) => f.asset === 'BP.L')).toMatchObject({ missing: 7, filled: 7 });
    const bats = panel.assetIndex('BATS.L');
    const t = panel.dateIndex('2021-05-28');
    expect(panel.value('close', t, bats)).toBe(panel.value('close', t - 1, bats));
    expect(report.lines[1]).toMatch(/^missing data: forward-filled 29 cells in 18 assets \(limit 5\): AAL\.L 1, /);
  });
  it('drop-dates and drop-assets also load and count', () => {
    const dd = loadPricesSyncWithReport(path, { missing: { policy: 'drop-dates' } });
    expect(dd.panel.nDates).toBe(5960 - dd.report.missing.droppedDates.length);
    const da = loadPricesSyncWithReport(path, { missing: { policy: 'drop-assets' } });
    expect(da.panel.nAssets).toBe(64 - 18);
  });
});

describeShared(
  'Kenneth French 10 industry portfolios',
  ['data', 'kenneth_french', '10_Industry_Portfolios.CSV'],
  () => {
    const path = sharedPath('data', 'kenneth_french', '10_Industry_Portfolios.CSV');
    it('lists the eight sections with their header lines', () => {
      const s = listFrenchSections(readFileSync(path, 'utf8'));
      expect(s.map((x) => [x.title, x.headerLine, x.frequency])).toEqual([
        ['Average Value Weighted Returns -- Monthly', 12, 'monthly'],
        ['Average Equal Weighted Returns -- Monthly', 1183, 'monthly'],
        ['Average Value Weighted Returns -- Annual', 2354, 'annual'],
        ['Average Equal Weighted Returns -- Annual', 2454, 'annual'],
        ['Number of Firms in Portfolios', 2554, 'monthly'],
        ['Average Firm Size', 3725, 'monthly'],
        ['Sum of BE / Sum of ME', 4896, 'annual'],
        ['Value-Weighted Average of BE/ME', 4998, 'annual'],
      ]);
    });
    it('value-weighted monthly: percent → fractions, YYYYMM → month end, trimmed names', () => {
      const { panel } = loadFrench(path, { section: 'value weighted returns -- monthly' });
      expect(panel.assets).toEqual([
        'NoDur',
        'Durbl',
        'Manuf',
        'Enrgy',
        'HiTec',
        'Telcm',
        'Shops',
        'Hlth',
        'Utils',
        'Other',
      ]);
      expect([panel.nDates, panel.dates[0], panel.dates[panel.nDates - 1]]).toEqual([1167, '1926-07-31', '2023-09-30']);
      expect([...panel.row('return', 0)]).toEqual(
        [1.45, 15.55, 4.69, -1.18, 2.9, 0.83, 0.11, 1.77, 7.04, 2.13].map((v) => v / 100),
      );
      expect(loadFrench(path, { dates: 'month-start' }).panel.dates[0]).toBe('1926-07-01');
    });
    it('validates a section through validateFile', async () => {
      const r = await validateFile(path, { frenchSection: 'equal weighted returns -- monthly' });
      expect(r).toMatchObject({ usable: true, nDates: 1167, nAssets: 10, firstDate: '1926-07-31' });
    });
    it('raw sections keep their units', () => {
      const { panel } = loadFrench(path, { section: 'Sum of BE / Sum of ME' });
      expect(panel.fieldNames).toEqual(['value']);
      expect(panel.dates[0]).toBe('1926-12-31');
      expect(panel.value('value', 0, 0)).toBe(0.76);
    });
  },
);

describeShared('Kenneth French 5 factors', ['data', 'kenneth_french', 'F-F_Research_Data_5_Factors_2x3.csv'], () => {
  const path = sharedPath('data', 'kenneth_french', 'F-F_Research_Data_5_Factors_2x3.csv');
  it('monthly and annual sections', () => {
    const m = loadFrench(path, { section: 'monthly' }).panel;
    expect(m.assets).toEqual(['Mkt-RF', 'SMB', 'HML', 'RMW', 'CMA', 'RF']);
    expect([m.nDates, m.dates[0], m.dates[m.nDates - 1]]).toEqual([723, '1963-07-31', '2023-09-30']);
    expect([...m.row('return', 0)]).toEqual([-0.39, -0.41, -0.97, 0.68, -1.18, 0.27].map((v) => v / 100));
    const a = loadFrench(path, { section: 'annual' }).panel;
    expect([a.nDates, a.dates[0], a.value('return', 0, 0)]).toEqual([59, '1964-12-31', 12.54 / 100]);
  });
});

describeShared('riskfolio and pypfopt side files', ['data', 'riskfolio', 'stock_prices.csv'], () => {
  it('load', () => {
    expect(loadPricesSync(sharedPath('data', 'riskfolio', 'stock_prices.csv')).nAssets).toBe(11);
    expect(loadPricesSync(sharedPath('data', 'riskfolio', 'stock_prices_3.csv')).nDates).toBe(501);
    expect(loadPricesSync(sharedPath('data', 'pypfopt', 'spy_prices.csv')).nDates).toBe(6765);
  });
});

describeShared('labelled tables without dates (weights, covariance)', ['data', 'pypfopt', 'cov_matrix.csv'], () => {
  it('the 95 × 95 covariance matrix is square and symmetric', () => {
    const t = loadLabeledTable(sharedPath('data', 'pypfopt', 'cov_matrix.csv'));
    expect([t.rowLabels.length, t.columns.length]).toEqual([95, 95]);
    expect(t.rowLabels).toEqual(t.columns);
    let asym = 0;
    for (let i = 0; i < 95; i++) {
      for (let j = 0; j < i; j++) asym = Math.max(asym, Math.abs(t.values[i * 95 + j]! - t.values[j * 95 + i]!));
    }
    expect(asym).toBeLessThan(1e-12);
  });
  it('every expected-weights file loads and each column sums to 1', () => {
    const files = [
      ['pypfopt', 'weights_hrp.csv'],
      ...['Classic_MinRisk', 'Classic_RP', 'Classic_Sharpe', 'Classic_WC', 'HC_HERC', 'HC_HRP', 'HC_NCO'].map((f) => [
        'riskfolio',
        `${f}.csv`,
      ]),
    ];
    for (const [dir, name] of files) {
      const t = loadLabeledTable(sharedPath('data', dir!, name!));
      for (let c = 0; c < t.columns.length; c++) {
        let s = 0;
        for (let r = 0; r < t.rowLabels.length; r++) s += t.values[r * t.columns.length + c]!;
        expect(Math.abs(s - 1), `${name} ${t.columns[c]}`).toBeLessThan(1e-6);
      }
    }
  });
});
