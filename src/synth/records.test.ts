import { describe, expect, it } from 'vitest';
import { fundamentalsAsOf, headlinesAsOf, latestMacroValue, macroAsOf } from '../data/index.ts';
import { REVISION_LAG_DAYS, synthesizeMarket } from './index.ts';

const m = synthesizeMarket({ seed: 8, years: 5 });
const dateIndex = new Map(m.panel.dates.map((d, i) => [d, i]));

/** Last calendar day of the reference period that starts on `refDate` (months or quarters). */
function periodEnd(refDate: string, months: number): string {
  const [y, mo] = refDate.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, mo - 1 + months, 0)).toISOString().slice(0, 10);
}

describe('macro releases', () => {
  it('publishes the four series, each on a business day of the calendar', () => {
    expect(new Set(m.macro.map((o) => o.series))).toEqual(
      new Set(['policy_rate', 'inflation', 'gdp_growth', 'unemployment']),
    );
    for (const o of m.macro) expect(dateIndex.has(o.releaseDate)).toBe(true);
  });

  it('releases every statistic after its reference period ends (policy rate: on its decision day, the month end)', () => {
    for (const o of m.macro) {
      const end = periodEnd(o.refDate, o.series === 'gdp_growth' ? 3 : 1);
      if (o.series === 'policy_rate') expect(o.releaseDate <= end && o.releaseDate > o.refDate).toBe(true);
      else expect(o.releaseDate > end).toBe(true);
    }
  });

  it('revises inflation, GDP and unemployment once, 22 business days after the first release; never the policy rate', () => {
    const byKey = new Map<string, typeof m.macro>();
    for (const o of m.macro)
      byKey.set(`${o.series} ${o.refDate}`, [...(byKey.get(`${o.series} ${o.refDate}`) ?? []), o]);
    let revised = 0;
    for (const [key, list] of byKey) {
      if (key.startsWith('policy_rate')) {
        expect(list.map((o) => o.vintage)).toEqual([1]);
        continue;
      }
      expect(list[0]!.vintage).toBe(1);
      if (list.length === 2) {
        revised++;
        expect(list[1]!.vintage).toBe(2);
        expect(dateIndex.get(list[1]!.releaseDate)! - dateIndex.get(list[0]!.releaseDate)!).toBe(REVISION_LAG_DAYS);
      }
    }
    expect(revised).toBeGreaterThan(100);
    // First releases differ from the revised truth (measurement noise), but not by much.
    const diffs = [...byKey.values()].filter((l) => l.length === 2).map((l) => Math.abs(l[1]!.value - l[0]!.value));
    expect(diffs.some((d) => d > 0)).toBe(true);
    expect(Math.max(...diffs)).toBeLessThan(3);
  });

  it('a value is invisible before its release date and its revision invisible before the revision date', () => {
    for (const o of m.macro) {
      const t = dateIndex.get(o.releaseDate)!;
      const dayBefore = m.panel.dates[t - 1];
      if (dayBefore === undefined) continue;
      const before = macroAsOf(m.macro, dayBefore).find((v) => v.series === o.series && v.refDate === o.refDate);
      if (o.vintage === 1) expect(before).toBeUndefined();
      else expect(before?.vintage).toBe(o.vintage - 1);
      const on = macroAsOf(m.macro, o.releaseDate).find((v) => v.series === o.series && v.refDate === o.refDate);
      expect(on).toEqual(o);
    }
  });

  it('values stay in plausible ranges (percent units)', () => {
    const check = (series: string, lo: number, hi: number) => {
      for (const o of m.macro)
        if (o.series === series) expect(o.value >= lo && o.value <= hi, `${series} ${o.value}`).toBe(true);
    };
    check('policy_rate', 0, 15);
    check('inflation', -3, 12);
    check('unemployment', 2, 15);
    check('gdp_growth', -15, 10);
    expect(latestMacroValue(m.macro, 'policy_rate', m.panel.dates.at(-1)!)?.value).toBeGreaterThanOrEqual(0);
  });
});

describe('fundamentals', () => {
  it('reports each equity asset every quarter, with a lag of 20–45 business days after the quarter', () => {
    const assets = new Set(m.fundamentals.map((f) => f.asset));
    expect(assets.has('EQ_BROAD')).toBe(true);
    expect(assets.has('STK001')).toBe(true);
    expect(assets.has('BOND_LONG') || assets.has('GOLD')).toBe(false);
    for (const f of m.fundamentals) {
      expect(f.periodEnd.slice(5)).toMatch(/^(03-31|06-30|09-30|12-31)$/);
      const report = dateIndex.get(f.reportDate)!;
      const lastInQuarter = m.panel.lastIndexOnOrBefore(f.periodEnd);
      expect(report - lastInQuarter).toBeGreaterThanOrEqual(20);
      expect(report - lastInQuarter).toBeLessThanOrEqual(45);
    }
    expect(m.fundamentals.filter((f) => f.asset === 'STK001').length).toBeGreaterThanOrEqual(18); // 5 years ≈ 20 quarters
  });

  it('is invisible before its report date', () => {
    for (const f of m.fundamentals.slice(0, 200)) {
      const t = dateIndex.get(f.reportDate)!;
      const before = fundamentalsAsOf(m.fundamentals, m.panel.dates[t - 1]!, f.asset);
      expect(before.some((g) => g.periodEnd === f.periodEnd)).toBe(false);
      expect(fundamentalsAsOf(m.fundamentals, f.reportDate, f.asset).some((g) => g.periodEnd === f.periodEnd)).toBe(
        true,
      );
    }
  });

  it('has plausible valuations: P/E in (3, 150), P/B in (0.2, 40), earnings growth in (−0.9, 3)', () => {
    for (const f of m.fundamentals) {
      expect(f.pe).toBeGreaterThan(3);
      expect(f.pe).toBeLessThan(150);
      expect(f.pb).toBeGreaterThan(0.2);
      expect(f.pb).toBeLessThan(40);
      expect(f.earningsGrowth).toBeGreaterThan(-0.9);
      expect(f.earningsGrowth).toBeLessThan(3);
    }
  });
});

describe('headlines', () => {
  it('come about half the asset-days by default, dated on business days, sorted by date', () => {
    const share = m.headlines.length / (m.panel.nDates * m.panel.nAssets);
    expect(share).toBeGreaterThan(0.47);
    expect(share).toBeLessThan(0.53);
    for (let k = 1; k < m.headlines.length; k++) expect(m.headlines[k - 1]!.date <= m.headlines[k]!.date).toBe(true);
    expect(headlinesAsOf(m.headlines, m.panel.dates[0]!).every((h) => h.date === m.panel.dates[0])).toBe(true);
  });
});
