import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { marketToCsv, synthesizeMarket, CORE_ASSETS } from './index.ts';
import { autocorrelation, correlation, moments } from './test-stats.ts';

const market = synthesizeMarket({ seed: 11 });
const { panel } = market;

/** Daily log returns of one asset from the panel's closes (t = 1..nDates-1). */
function closeReturns(p: typeof panel, asset: string): Float64Array {
  const c = p.series('close', asset);
  const r = new Float64Array(c.length - 1);
  for (let t = 1; t < c.length; t++) r[t - 1] = Math.log(c[t]! / c[t - 1]!);
  return r;
}

function sha256(tables: Map<string, string>): string {
  const h = createHash('sha256');
  for (const [name, text] of tables) h.update(name).update('\0').update(text).update('\0');
  return h.digest('hex');
}

describe('synthesizeMarket: shape', () => {
  it('has the four core assets first, then STK001… stocks, with asset metadata', () => {
    expect(panel.assets.slice(0, 4)).toEqual([...CORE_ASSETS]);
    expect(panel.nAssets).toBe(4 + 24);
    expect(panel.assets[4]).toBe('STK001');
    expect(panel.assets[27]).toBe('STK024');
    expect(panel.meta[0]).toEqual({ id: 'EQ_BROAD', assetClass: 'equity', sector: 'Broad market', currency: 'USD' });
    expect(panel.meta[2]?.assetClass).toBe('bond');
    expect(panel.meta[3]?.assetClass).toBe('commodity');
    expect(new Set(panel.meta.slice(4).map((m) => m.sector)).size).toBe(6);
  });

  it('runs on business days only: 10 years from 2014-01-01 is about 2 609 Monday–Friday dates', () => {
    expect(panel.dates[0]).toBe('2014-01-01');
    expect(panel.nDates).toBeGreaterThan(2600);
    expect(panel.nDates).toBeLessThan(2620);
    for (const d of panel.dates) {
      const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
      expect(wd === 0 || wd === 6).toBe(false);
    }
    expect(panel.dates.at(-1)! < '2024-01-01').toBe(true);
  });

  it('has consistent OHLC bars (low ≤ open, close ≤ high, all > 0) and whole, positive volumes', () => {
    const [o, h, l, c, v] = (['open', 'high', 'low', 'close', 'volume'] as const).map((f) => panel.field(f)) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    let bad = 0;
    for (let i = 0; i < c.length; i++) {
      if (!(l[i]! > 0 && l[i]! <= o[i]! && l[i]! <= c[i]! && h[i]! >= o[i]! && h[i]! >= c[i]!)) bad++;
      if (!(Number.isInteger(v[i]) && v[i]! > 0)) bad++;
    }
    expect(bad).toBe(0);
  });

  it('does not mutate its input parameters', () => {
    const input = { seed: 3, years: 1, stocks: 20, predictability: { momentum: 0.05 } };
    const before = JSON.stringify(input);
    synthesizeMarket(Object.freeze(input));
    expect(JSON.stringify(input)).toBe(before);
  });
});

describe('synthesizeMarket: realistic statistics (seed 11, 10 years)', () => {
  // Ranges: each asset's target vol (EQ_BROAD ≈ 16 %, EQ_TECH ≈ 21 %, bonds ≈ 11 %, gold ≈ 14 % once regime
  // multipliers are averaged in) ± what 10 years of regime luck moves it; stocks ≈ 30 %.
  const ranges: Record<string, [number, number]> = {
    EQ_BROAD: [0.1, 0.26],
    EQ_TECH: [0.14, 0.34],
    BOND_LONG: [0.06, 0.18],
    GOLD: [0.08, 0.22],
  };
  for (const [asset, [lo, hi]] of Object.entries(ranges)) {
    it(`${asset}: annualised volatility in [${lo}, ${hi}], fat tails (kurtosis > 4), volatility clustering`, () => {
      const r = closeReturns(panel, asset);
      const m = moments(r);
      const vol = m.sd * Math.sqrt(252);
      expect(vol).toBeGreaterThan(lo);
      expect(vol).toBeLessThan(hi);
      expect(m.kurtosis).toBeGreaterThan(4);
      // |r| is autocorrelated (GARCH + regimes) while r itself is not: ≥ 0.1 at lags 1 and 5 (real indices: 0.2–0.3).
      const abs = r.map(Math.abs);
      expect(autocorrelation(abs, 1)).toBeGreaterThan(0.1);
      expect(autocorrelation(abs, 5)).toBeGreaterThan(0.1);
    });
  }

  it('stocks have annualised volatility between 18 % and 50 % (median 25–40 %)', () => {
    const vols = panel.assets.slice(4).map((a) => moments(closeReturns(panel, a)).sd * Math.sqrt(252));
    for (const v of vols) {
      expect(v).toBeGreaterThan(0.18);
      expect(v).toBeLessThan(0.5);
    }
    const median = [...vols].sort((a, b) => a - b)[Math.floor(vols.length / 2)]!;
    expect(median).toBeGreaterThan(0.25);
    expect(median).toBeLessThan(0.4);
  });

  it('stocks in the same sector co-move more than stocks in different sectors', () => {
    const same: number[] = [];
    const diff: number[] = [];
    const rs = panel.assets.slice(4).map((a) => closeReturns(panel, a));
    for (let i = 0; i < rs.length; i++)
      for (let j = i + 1; j < rs.length; j++) (i % 6 === j % 6 ? same : diff).push(correlation(rs[i]!, rs[j]!));
    const avg = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    expect(avg(same)).toBeGreaterThan(avg(diff) + 0.03);
    expect(avg(diff)).toBeGreaterThan(0.15); // the common market factor
  });
});

describe('synthesizeMarket: regimes', () => {
  const long = synthesizeMarket({ seed: 2, years: 30, stocks: 24 });
  const reg = long.truth.regimes;
  const eq = closeReturns(long.panel, 'EQ_BROAD');
  const bond = closeReturns(long.panel, 'BOND_LONG');
  const byRegime = (k: number) => {
    const x: number[] = [];
    const y: number[] = [];
    for (let t = 1; t < reg.length; t++) if (reg[t] === k) (x.push(eq[t - 1]!), y.push(bond[t - 1]!));
    return { x, y };
  };

  it('visits all three regimes, roughly in their long-run shares (calm ≈ 68 %, bear ≈ 27 %, crisis ≈ 6 %)', () => {
    const counts = [0, 0, 0];
    for (const r of reg) counts[r]!++;
    const shares = counts.map((c) => c / reg.length);
    expect(shares[0]).toBeGreaterThan(0.45);
    expect(shares[1]).toBeGreaterThan(0.1);
    expect(shares[2]).toBeGreaterThan(0.02);
    expect(long.truth.regimeShares[0]).toBeCloseTo(0.677, 2);
  });

  it('the stock–bond correlation is negative in calm markets and crises and positive in bear markets', () => {
    // Planted: -0.35 calm, +0.45 bear, -0.5 crisis; sampling error with ≥ 300 days is < 0.06.
    expect(correlation(byRegime(0).x, byRegime(0).y)).toBeLessThan(-0.2);
    expect(correlation(byRegime(1).x, byRegime(1).y)).toBeGreaterThan(0.25);
    expect(correlation(byRegime(2).x, byRegime(2).y)).toBeLessThan(-0.2);
  });

  it('stocks co-move more in a crisis than in calm markets (average pairwise correlation up by > 0.04)', () => {
    const n = long.panel.nAssets;
    const r = long.truth.logReturns;
    const avgCorr = (k: number): number => {
      const days: number[] = [];
      for (let t = 1; t < reg.length; t++) if (reg[t] === k) days.push(t);
      const cols = Array.from({ length: n - 4 }, (_, j) => days.map((t) => r[t * n + 4 + j]!));
      let s = 0;
      let c = 0;
      for (let i = 0; i < cols.length; i++)
        for (let j = i + 1; j < cols.length; j++) {
          s += correlation(cols[i]!, cols[j]!);
          c++;
        }
      return s / c;
    };
    // Sector and market shocks scale with the regime multiplier, idiosyncratic shocks only with its square root.
    expect(avgCorr(2)).toBeGreaterThan(avgCorr(0) + 0.04);
  });

  it('volatility rises from calm to bear to crisis', () => {
    const vols = [0, 1, 2].map((k) => moments(byRegime(k).x).sd * Math.sqrt(252));
    expect(vols[0]!).toBeLessThan(vols[1]!);
    expect(vols[1]!).toBeLessThan(vols[2]!);
  });
});

describe('synthesizeMarket: determinism', () => {
  const small = { years: 2, stocks: 20 };
  it('the same seed gives byte-identical CSV output; another seed differs', () => {
    const a = sha256(marketToCsv(synthesizeMarket({ ...small, seed: 5 })));
    const b = sha256(marketToCsv(synthesizeMarket({ ...small, seed: 5 })));
    const c = sha256(marketToCsv(synthesizeMarket({ ...small, seed: 6 })));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('each part has its own random stream: changing the news rate leaves regimes, macro and prices unchanged', () => {
    const a = synthesizeMarket({ ...small, seed: 5 });
    const b = synthesizeMarket({ ...small, seed: 5, news: { probability: 0.2 }, predictability: { sentiment: 0 } });
    expect(Array.from(b.truth.regimes)).toEqual(Array.from(a.truth.regimes));
    expect(b.macro).toEqual(a.macro);
    expect(b.headlines.length).toBeLessThan(a.headlines.length);
  });

  it('writes every table with a header and one row per record', () => {
    const m = synthesizeMarket({ ...small, seed: 5 });
    const t = marketToCsv(m);
    expect([...t.keys()]).toEqual([
      'close.csv',
      'open.csv',
      'high.csv',
      'low.csv',
      'volume.csv',
      'assets.csv',
      'macro.csv',
      'headlines.csv',
      'fundamentals.csv',
      'truth_regimes.csv',
      'truth_signals.csv',
      'truth_headline_tone.csv',
      'params.json',
    ]);
    const lines = (name: string) => t.get(name)!.trimEnd().split('\n');
    expect(lines('close.csv')[0]).toBe(`date,${m.panel.assets.join(',')}`);
    expect(lines('close.csv')).toHaveLength(m.panel.nDates + 1);
    expect(lines('headlines.csv')).toHaveLength(m.headlines.length + 1);
    expect(lines('macro.csv')).toHaveLength(m.macro.length + 1);
    expect(lines('truth_signals.csv')).toHaveLength(m.panel.nDates * m.panel.nAssets + 1);
    expect(JSON.parse(t.get('params.json')!)).toEqual(m.params);
    expect(marketToCsv(m, { truth: false }).has('truth_signals.csv')).toBe(false);
  });
});

describe('synthesizeMarket: the past never depends on the future', () => {
  it('a 3-year market is exactly the first 3 years of a 6-year market with the same seed', () => {
    const short = synthesizeMarket({ seed: 9, years: 3, stocks: 20 });
    const long = synthesizeMarket({ seed: 9, years: 6, stocks: 20 });
    const T = short.panel.nDates;
    const n = short.panel.nAssets;
    const end = short.panel.dates[T - 1]!;
    expect(long.panel.dates.slice(0, T)).toEqual(short.panel.dates);
    for (const f of ['open', 'high', 'low', 'close', 'volume']) {
      expect(Array.from(long.panel.field(f).subarray(0, T * n))).toEqual(Array.from(short.panel.field(f)));
    }
    expect(Array.from(long.truth.regimes.subarray(0, T))).toEqual(Array.from(short.truth.regimes));
    expect(Array.from(long.truth.alpha.subarray(0, T * n))).toEqual(Array.from(short.truth.alpha));
    expect(long.macro.filter((o) => o.releaseDate <= end)).toEqual(short.macro);
    expect(long.headlines.filter((h) => h.date <= end)).toEqual(short.headlines);
    expect(long.fundamentals.filter((f) => f.reportDate <= end)).toEqual(short.fundamentals);
  });
});

describe('synthesizeMarket: edges of the parameter space', () => {
  const cases: Record<string, unknown>[] = [
    { years: 0.25, stocks: 0 },
    { years: 0.5, stocks: 1, sectors: ['Energy'] },
    { years: 1, start: '2020-02-29' },
    { years: 1, start: '1950-01-01', stocks: 0 },
    { years: 1, news: { probability: 0 } },
    { years: 1, garch: { alpha: 0, beta: 0 }, tailDf: 1000 },
    {
      years: 2,
      stocks: 0,
      predictability: { momentum: 0.3, meanReversion: 0.3, macro: 0.5, sentiment: 0.5, momentumLookback: 500 },
    },
  ];
  for (const p of cases) {
    it(`${JSON.stringify(p)}: finite positive prices, records inside the calendar`, () => {
      const m = synthesizeMarket(p);
      expect(m.panel.nDates).toBeGreaterThan(60);
      expect(m.panel.field('close').every((v) => v > 0 && Number.isFinite(v))).toBe(true);
      const last = m.panel.dates.at(-1)!;
      expect(m.macro.every((o) => o.releaseDate <= last)).toBe(true);
      expect(m.fundamentals.every((f) => f.reportDate <= last)).toBe(true);
      expect(m.headlines.every((h) => h.date <= last)).toBe(true);
    });
  }
  it('starts on the first business day on or after `start`; a 29 February start ends before 1 March a year later', () => {
    const m = synthesizeMarket({ years: 1, start: '2020-02-29', stocks: 0 }); // a Saturday
    expect(m.panel.dates[0]).toBe('2020-03-02');
    expect(m.panel.dates.at(-1)).toBe('2021-02-26'); // Friday; 2021-03-01 is excluded
  });
});

describe('marketToCsv progress', () => {
  it('reports each table as it is formatted', () => {
    const seen: string[] = [];
    marketToCsv(synthesizeMarket({ years: 0.5, stocks: 0 }), {
      truth: false,
      onProgress: (d, t, name) => seen.push(`${d}/${t} ${name}`),
    });
    expect(seen[0]).toBe('1/10 close.csv');
    expect(seen.at(-1)).toBe('10/10 params.json');
  });
});

describe('marketToCsv number format', () => {
  it('never writes a positive price as 0 (a market stuck in crisis for decades falls below 1e-6)', () => {
    const m = synthesizeMarket({
      years: 40,
      stocks: 0,
      regimes: { calm: { meanDurationDays: 2 }, crisis: { meanDurationDays: 10_000 } },
    });
    expect(Math.min(...m.panel.field('close'))).toBeLessThan(1e-4);
    const last = marketToCsv(m, { truth: false }).get('close.csv')!.trimEnd().split('\n').at(-1)!;
    for (const cell of last.split(',').slice(1)) expect(Number(cell)).toBeGreaterThan(0);
  });
});
