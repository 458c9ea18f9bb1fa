/**
 * The allocator strategy's decide(): the window's returns reach the allocator as scenarios, cash for lack of history
 * is a finding, and the turnover rule (exempt from cash, binding in the optimiser, truncating toward the target when
 * nothing within the cap meets the other constraints) against the drifted weights it is handed.
 */
import { describe, expect, it } from 'vitest';
import { Matrix } from '../core/index.ts';
import { Panel } from '../data/index.ts';
import { allocatorKinds, minVariance } from '../allocation/index.ts';
import { expectedReturnKinds, riskModelKinds } from '../risk/index.ts';
import { allocatorStrategy, allocatorStrategySchema } from './allocator.ts';
import { trailingReturns } from './weights.ts';

const IDS = ['A', 'B', 'C', 'D'];

/** 4 assets × T days, seeded walk with distinct vols; D unlisted for the first `late` rows. */
function market(T = 160, late = 0, seed = 5): Panel {
  let s = seed >>> 0;
  const u = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5;
  const vols = [0.012, 0.02, 0.006, 0.01];
  const dates: string[] = [];
  const t0 = Date.parse('2020-01-01T00:00:00Z');
  for (let i = 0; i < T; i++) dates.push(new Date(t0 + i * 86_400_000).toISOString().slice(0, 10));
  const close = new Float64Array(T * 4);
  const px = [100, 100, 100, 100];
  for (let t = 0; t < T; t++) {
    const f = u();
    for (let a = 0; a < 4; a++) {
      px[a] = px[a]! * (1 + vols[a]! * (2 * f + 2.4 * u()) + 0.0004);
      close[t * 4 + a] = a === 3 && t < late ? NaN : px[a]!;
    }
  }
  return new Panel({ dates, assets: IDS, fields: { close } });
}

const ctxAt = (panel: Panel, t: number, previousWeights = new Float64Array(4)) => ({
  asOf: panel.dates[t]!,
  t,
  previousWeights,
  seed: 0,
});

describe('allocator strategy decide()', () => {
  const panel = market();
  const t = panel.nDates - 1;
  const view = panel.upTo(panel.dates[t]!);

  it('min-cvar gets the window as scenarios: its decision is the LP answer on that window, not min-variance', () => {
    const s = allocatorStrategy({ allocator: { kind: 'min-cvar' }, window: 60 });
    const d = s.decide(view, ctxAt(panel, t));
    expect(d.allocation?.status).toBe('ok');
    const { values, rows } = trailingReturns(view, 60);
    const table = { values, nDates: rows, nAssets: 4, assets: IDS };
    const dist = {
      assets: IDS,
      mu: expectedReturnKinds.mean.create({}).estimate(table),
      cov: riskModelKinds.sample.create({}).estimate(table).matrix,
      scenarios: new Matrix(rows, 4, values),
    };
    const direct = allocatorKinds['min-cvar'].create({}).allocate(dist);
    direct.weights.forEach((w, i) => expect(Math.abs(w - d.weights[i]!)).toBeLessThan(1e-12));
    const mv = minVariance(dist);
    expect(Math.max(...mv.map((w, i) => Math.abs(w - d.weights[i]!)))).toBeGreaterThan(1e-3);
  });

  it('cash while the window fills is a warm-up-cash warning; an asset without a full window is a short-history warning', () => {
    const s = allocatorStrategy({ allocator: { kind: 'min-variance' }, window: 60 });
    const early = s.decide(panel.upTo(panel.dates[30]!), ctxAt(panel, 30));
    expect(Array.from(early.weights)).toEqual([0, 0, 0, 0]);
    expect(early.findings?.map((f) => [f.severity, f.kind])).toEqual([['warning', 'warm-up-cash']]);
    expect(early.findings?.[0]?.message).toMatch(/only 30 of the 60 returns/);
    const lateD = market(160, 120);
    const d = s.decide(lateD.upTo(lateD.dates[150]!), ctxAt(lateD, 150));
    expect(d.weights[3]).toBe(0);
    expect(d.findings?.map((f) => [f.severity, f.kind])).toEqual([['warning', 'short-history']]);
    expect(d.findings?.[0]?.message).toMatch(/^D has fewer than 60 complete returns/);
  });

  describe('turnover rule against the drifted weights', () => {
    const cap = 0.1;
    const s = allocatorStrategy({
      allocator: { kind: 'min-variance' },
      window: 60,
      constraints: { maxTurnover: cap, weightBounds: [0, 0.6] },
    });
    const turnover = (w: Float64Array, prev: Float64Array) => w.reduce((a, x, i) => a + Math.abs(x - prev[i]!), 0);

    it('building the book from cash is exempt (info turnover-exempt): it does not fail to cash', () => {
      const d = s.decide(view, ctxAt(panel, t));
      expect(d.allocation?.status).toBe('ok');
      expect(d.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(d.findings?.map((f) => [f.severity, f.kind])).toEqual([['info', 'turnover-exempt']]);
    });

    it('from an invested book the cap binds inside the optimiser (info turnover-capped)', () => {
      const prev = Float64Array.from([0.25, 0.25, 0.25, 0.25]);
      const d = s.decide(view, ctxAt(panel, t, prev));
      expect(d.allocation?.status).toBe('ok');
      expect(turnover(d.weights, prev)).toBeLessThanOrEqual(cap + 1e-9);
      expect(turnover(d.weights, prev)).toBeGreaterThan(cap - 1e-6);
      expect(d.findings?.map((f) => [f.severity, f.kind])).toEqual([['info', 'turnover-capped']]);
    });

    it('when no book within the cap meets the other constraints, it moves toward the target as far as the cap allows (warning)', () => {
      // 0.9 in A breaks the 0.6 bound by 0.3: repairing it needs turnover ≥ 0.6 > cap, so the capped problem has no
      // solution (the old code failed every such decision into 100 % cash)
      const prev = Float64Array.from([0.9, 0.05, 0.05, 0]);
      const d = s.decide(view, ctxAt(panel, t, prev));
      expect(turnover(d.weights, prev)).toBeCloseTo(cap, 12);
      const target = s.decide(view, ctxAt(panel, t)).weights; // the uncapped answer (exempt from cash)
      const lambda = cap / turnover(target, prev);
      d.weights.forEach((w, i) => expect(w).toBeCloseTo(prev[i]! + lambda * (target[i]! - prev[i]!), 12));
      const f = d.findings ?? [];
      expect(f.map((x) => [x.severity, x.kind])).toEqual([['warning', 'turnover-capped']]);
      expect(f[0]!.message).toMatch(/moved \d+\.\d % of the way to its uncapped target/);
      expect(f[0]!.message).toMatch(/still breaks weight of A ≤ upper bound/);
      expect(d.allocation?.trail.at(-1)?.by).toBe('turnover cap');
    });

    it('a method that cannot carry the cap (hrp) moves toward its target as far as the cap allows (info)', () => {
      const h = allocatorStrategy({ allocator: { kind: 'hrp' }, window: 60, constraints: { maxTurnover: 0.01 } });
      const prev = Float64Array.from([0.4, 0.1, 0.4, 0.1]);
      const d = h.decide(view, ctxAt(panel, t, prev));
      expect(turnover(d.weights, prev)).toBeCloseTo(0.01, 12);
      expect(d.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(d.findings?.map((f) => [f.severity, f.kind])).toEqual([['info', 'turnover-capped']]);
    });
  });

  it('black-litterman takes views from the study, and is refused without them or with forecastViews', () => {
    const issues = (allocator: object) =>
      allocatorStrategySchema.safeParse({ allocator }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ kind: 'black-litterman' })).toEqual([
      expect.stringMatching(/^allocator\.views: black-litterman needs views: give views: \{ absolute:/),
    ]);
    expect(issues({ kind: 'black-litterman', prior: 'zero', forecastViews: true })).toEqual([
      expect.stringMatching(
        /^allocator\.forecastViews: black-litterman in a kind: allocator strategy has no forecasts/,
      ),
    ]);
    expect(issues({ kind: 'black-litterman', views: { absolute: { A: 0.1 } }, confidences: [0.5, 0.5] })).toEqual([
      expect.stringMatching(/^allocator\.confidences: confidences has 2 values but there are 1 views/),
    ]);
    const s = allocatorStrategy({
      allocator: { kind: 'black-litterman', views: { absolute: { C: 0.4 } }, weights: 'min-variance' },
      window: 60,
    });
    const d = s.decide(view, ctxAt(panel, t));
    expect(d.allocation?.status).toBe('ok');
    expect(d.allocation?.trail.map((x) => x.by)).toEqual(['black-litterman']);
  });
});
