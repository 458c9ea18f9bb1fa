import { describe, expect, it } from 'vitest';
import { Panel } from './panel.ts';
import { logReturns, returns, returnsKernel, simpleReturns } from './returns.ts';
import { resample } from './resample.ts';

const prices = (): Panel =>
  new Panel({
    dates: ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'],
    assets: ['A', 'B'],
    fields: { close: Float64Array.from([NaN, 100, 10, 110, 11, NaN, 12.1, 99]) },
  });

describe('returns', () => {
  it('simple returns are p1/p0 - 1 and NaN where either price is missing (never filled)', () => {
    const p = prices();
    const before = p.field('close').slice();
    const r = simpleReturns(p);
    expect(r.dates).toEqual(['2024-01-03', '2024-01-04', '2024-01-05']);
    const x = r.field('return');
    expect(Number.isNaN(x[0]!)).toBe(true); // A not listed yet
    expect(x[1]).toBeCloseTo(0.1, 15);
    expect(x[2]).toBeCloseTo(0.1, 15);
    expect(Number.isNaN(x[3]!)).toBe(true); // B missing on 01-04
    expect(Number.isNaN(x[5]!)).toBe(true); // B missing on 01-04 → 01-05 undefined too
    expect(x[4]).toBeCloseTo(0.1, 15);
    expect(p.field('close')).toEqual(before);
  });
  it('log returns are ln(p1/p0); NaN for non-positive prices', () => {
    const r = logReturns(prices()).field('return');
    expect(r[2]).toBeCloseTo(Math.log(1.1), 15);
    const k = returnsKernel(Float64Array.from([1, -1, 2]), 3, 1, 'log');
    expect(Number.isNaN(k[0]!) && Number.isNaN(k[1]!)).toBe(true);
    expect(returns(prices(), { kind: 'log', outField: 'lr' }).has('lr')).toBe(true);
  });
});

describe('resample', () => {
  const dates = ['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02', '2024-02-05', '2024-02-29', '2024-03-01'];
  const p = new Panel({
    dates,
    assets: ['A', 'B'],
    fields: {
      close: Float64Array.from([1, 10, 2, NaN, 3, 30, 4, 40, 5, 50, 6, NaN, 7, 70]),
      volume: Float64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
    },
  });
  it('monthly: last valid price of each month, labelled with the last date present; volume summed', () => {
    const m = resample(p, 'monthly');
    expect(m.dates).toEqual(['2024-01-31', '2024-02-29', '2024-03-01']);
    expect([...m.field('close')]).toEqual([2, 10, 6, 50, 7, 70]);
    expect([...m.field('volume')]).toEqual([2, 2, 4, 4, 1, 1]);
  });
  it('weekly: ISO weeks Monday..Sunday', () => {
    const w = resample(p, 'weekly');
    expect(w.dates).toEqual(['2024-02-02', '2024-02-05', '2024-03-01']);
    expect([...w.field('close')]).toEqual([4, 40, 5, 50, 7, 70]);
  });
});

describe('point in time: returns, resampling and forward-fill read nothing after t', () => {
  it('perturbing every value after t changes no output dated ≤ t', async () => {
    const { applyMissingPolicy } = await import('./missing.ts');
    const dates = [
      '2024-01-29',
      '2024-01-30',
      '2024-01-31',
      '2024-02-01',
      '2024-02-02',
      '2024-02-05',
      '2024-02-06',
      '2024-02-29',
      '2024-03-01',
    ];
    const n = 3;
    const base = Float64Array.from({ length: dates.length * n }, (_, i) => (i % 7 === 3 ? NaN : 100 + i));
    const p = new Panel({ dates, assets: ['A', 'B', 'C'], fields: { close: base } });
    for (let t = 0; t < dates.length; t++) {
      const perturbed = base.slice();
      for (let i = (t + 1) * n; i < perturbed.length; i++) perturbed[i] = Number.isNaN(perturbed[i]!) ? 5 : NaN;
      const q = new Panel({ dates, assets: p.assets, fields: { close: perturbed } });
      const asOf = dates[t]!;
      const same = (x: Panel, y: Panel, field: string): void => {
        const kx = x.upTo(asOf);
        const ky = y.upTo(asOf);
        expect(ky.dates).toEqual(kx.dates);
        expect([...ky.field(field)]).toEqual([...kx.field(field)]);
      };
      same(simpleReturns(p), simpleReturns(q), 'return');
      same(logReturns(p), logReturns(q), 'return');
      same(
        applyMissingPolicy(p, { policy: 'forward-fill', limit: 9 }).panel,
        applyMissingPolicy(q, { policy: 'forward-fill', limit: 9 }).panel,
        'close',
      );
      // a resampled row is final once its period has closed: rows labelled before asOf's period never change
      const rp = resample(p.upTo(asOf), 'monthly');
      const rq = resample(q.upTo(asOf), 'monthly');
      expect([...rq.field('close')]).toEqual([...rp.field('close')]);
      const full = resample(p, 'monthly');
      const closed = rp.dates.slice(0, -1);
      expect(full.dates.slice(0, closed.length)).toEqual(closed);
      expect([...full.field('close').subarray(0, closed.length * n)]).toEqual([
        ...rp.field('close').subarray(0, closed.length * n),
      ]);
    }
  });
});
