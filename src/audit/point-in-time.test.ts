import { describe, expect, it } from 'vitest';
import { Panel } from '../data/index.ts';
import { assertPointInTime, checkPointInTime, perturbFuture } from './index.ts';

function makePanel(): Panel {
  const dates = ['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07', '2020-01-08'];
  const close = new Float64Array([10, 20, 11, 21, 12, NaN, 13, 23, 14, 24, 15, 25]);
  return new Panel({ dates, assets: ['A', 'B'], fields: { close } });
}

/** Trailing 2-row mean: point-in-time. */
function trailingMean(p: Panel): Panel {
  const c = p.field('close');
  const out = new Float64Array(c.length).fill(NaN);
  for (let t = 1; t < p.nDates; t++)
    for (let a = 0; a < 2; a++) out[t * 2 + a] = (c[t * 2 + a]! + c[(t - 1) * 2 + a]!) / 2;
  return new Panel({ dates: p.dates, assets: p.assets, fields: { m: out } });
}

/** Centred mean: peeks one row ahead. */
function centredMean(p: Panel): Panel {
  const c = p.field('close');
  const out = new Float64Array(c.length).fill(NaN);
  for (let t = 0; t + 1 < p.nDates; t++)
    for (let a = 0; a < 2; a++) out[t * 2 + a] = (c[t * 2 + a]! + c[(t + 1) * 2 + a]!) / 2;
  return new Panel({ dates: p.dates, assets: p.assets, fields: { m: out } });
}

describe('perturbFuture', () => {
  it('keeps rows ≤ asOf bitwise, changes every later value, and never mutates the input', () => {
    const p = makePanel();
    const before = p.field('close').slice();
    const g = perturbFuture(p, '2020-01-03', 'garbage', 7);
    expect(Array.from(g.field('close').subarray(0, 6))).toEqual(Array.from(before.subarray(0, 6)));
    for (let i = 6; i < 12; i++) expect(g.field('close')[i]).not.toBe(before[i]);
    expect(Number.isFinite(g.field('close')[7])).toBe(true); // a NaN in the future becomes a number
    expect(Array.from(p.field('close'))).toEqual(Array.from(before));
    const d = perturbFuture(p, '2020-01-04', 'delete');
    expect(d.dates).toEqual(['2020-01-01', '2020-01-02', '2020-01-03']);
  });

  it('same seed → same bytes; different seed → different garbage', () => {
    const p = makePanel();
    const a = perturbFuture(p, '2020-01-02', 'garbage', 3).field('close');
    const b = perturbFuture(p, '2020-01-02', 'garbage', 3).field('close');
    const c = perturbFuture(p, '2020-01-02', 'garbage', 4).field('close');
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });
});

describe('checkPointInTime', () => {
  it('passes a trailing computation at every cutoff in both modes', () => {
    const p = makePanel();
    const r = checkPointInTime({ panel: p, asOf: p.dates.slice(0, -1), compute: trailingMean });
    expect(r.ok).toBe(true);
    expect(r.checks).toBe(10);
    expect(r.runs).toBe(15);
  });

  it('catches a computation that peeks one row ahead, and names the path', () => {
    const p = makePanel();
    const r = checkPointInTime({ panel: p, asOf: '2020-01-03', compute: centredMean, modes: ['garbage'] });
    expect(r.ok).toBe(false);
    expect(r.violations[0]!.path).toBe('$.fields.m[4]');
    expect(() => assertPointInTime({ panel: p, asOf: '2020-01-03', compute: centredMean })).toThrow(
      /look-ahead detected/,
    );
  });

  it('compares whole non-panel results (a decision at asOf)', () => {
    const p = makePanel();
    const ok = checkPointInTime({
      panel: p,
      asOf: '2020-01-06',
      compute: (q, asOf) => q.upTo(asOf).row('close', q.lastIndexOnOrBefore(asOf)),
    });
    expect(ok.ok).toBe(true);
    const bad = checkPointInTime({ panel: p, asOf: '2020-01-06', compute: (q) => q.row('close', q.nDates - 1) });
    expect(bad.ok).toBe(false);
  });
});
