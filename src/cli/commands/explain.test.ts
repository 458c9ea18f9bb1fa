/**
 * `keel explain` on a real run folder: a small ML study run through `keel run`, then every view of the explain
 * command, its JSON, and the one-line usage errors.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { efficientRisk } from '../../allocation/index.ts';
import { Matrix } from '../../core/index.ts';
import { echartsSource, pageCharts } from '../../report/index.ts';
import { runInProcess } from '../in-process.ts';

const study = `
name: explain-smoke
seed: 5
data:
  source: synthetic
  market: { start: 2014-01-01, years: 3, stocks: 0 }
backtest:
  start: 2015-03-02
  periodsPerYear: 252
  rebalance: monthly
  costs: { kind: proportional, bps: 10 }
strategies:
  - kind: ml-forecast
    name: lin
    universe: [EQ_BROAD, EQ_TECH, BOND_LONG, GOLD]
    features: [{ kind: momentum, windows: [21, 63] }, { kind: volatility, windows: [21] }, { kind: rsi }]
    trainWindow: 300
    minTrainDates: 30
    refitEvery: 126
    model: { kind: ridge, alpha: 1 }
    portfolio: { method: mean-variance, maxWeight: 0.4, targetVolatility: 0.12, transactionCost: 0.02 }
  - kind: ml-forecast
    name: gbm
    universe: [EQ_BROAD, EQ_TECH, BOND_LONG, GOLD]
    features: [{ kind: momentum, windows: [21, 63] }, { kind: volatility, windows: [21] }, { kind: rsi }]
    trainWindow: 300
    minTrainDates: 30
    refitEvery: 126
    model: { kind: gradient-boosting, nRounds: 15, maxDepth: 3 }
    portfolio: { method: mean-variance, maxWeight: 0.4, targetVolatility: 0.12 }
  - kind: ml-forecast
    name: tight
    universe: [EQ_BROAD, EQ_TECH, BOND_LONG, GOLD]
    features: [{ kind: momentum, windows: [21, 63] }, { kind: volatility, windows: [21] }, { kind: rsi }]
    trainWindow: 300
    minTrainDates: 30
    refitEvery: 126
    model: { kind: ridge, alpha: 1 }
    portfolio: { method: mean-variance, maxWeight: 0.7, targetVolatility: 0.08, transactionCost: 0.02 }
${['black-litterman', 'active', 'tilt', 'top-k', 'forecast-proportional', 'threshold', 'volatility-band']
  .map(
    (m) => `  - kind: ml-forecast
    name: ${m}
    universe: [EQ_BROAD, EQ_TECH, BOND_LONG, GOLD]
    features: [{ kind: momentum, windows: [21, 63] }, { kind: volatility, windows: [21] }]
    trainWindow: 300
    minTrainDates: 30
    refitEvery: 126
    model: { kind: ridge, alpha: 1 }
    portfolio: { method: ${m}, maxWeight: 0.45, targetVolatility: 0.1, topK: 2, threshold: 0.0005, tiltStrength: 1 }`,
  )
  .join('\n')}
baselines: []
`;

const dir = mkdtempSync(join(tmpdir(), 'keel-explain-'));
let run = '';
beforeAll(async () => {
  const file = join(dir, 'study.yaml');
  writeFileSync(file, study);
  const r = await runInProcess(['run', file, '--out', join(dir, 'runs')]);
  expect(r.code, r.stderr).toBe(0);
  run = join(dir, 'runs', readdirSync(join(dir, 'runs'))[0]!);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keel explain RUN', () => {
  it('the run stores a SHAP record per decision whose parts add up to the model output', () => {
    const art = JSON.parse(readFileSync(join(run, 'explanations.json'), 'utf8'));
    for (const name of ['lin', 'gbm']) {
      const s = art.strategies[name];
      expect(s.decisions.length).toBeGreaterThan(5);
      const d = s.decisions.at(-1);
      expect(d.explain.method).toBe(name === 'lin' ? 'linear' : 'tree-path-dependent');
      for (let i = 0; i < d.explain.rows.length; i++) {
        const a = s.universe.indexOf(d.explain.rows[i]);
        let sum = d.explain.base[i] + d.explain.rest[i];
        for (const [, v] of d.explain.top[i]) sum += v;
        // no calibration in this study: the stored forecast is the model output
        expect(Math.abs(sum - d.forecast[a])).toBeLessThan(1e-10);
      }
    }
  });

  it('prints each asset as base + top contributions, and one asset as a waterfall at a date', async () => {
    const all = await runInProcess(['explain', run, '--strategy', 'gbm']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/global importance \(mean \|SHAP\|/);
    expect(all.stdout).toMatch(/EQ_TECH .* = base /);
    const one = await runInProcess([
      'explain',
      run,
      '--strategy',
      'gbm',
      '--date',
      '2016-06-30',
      '--asset',
      'GOLD',
      '--json',
    ]);
    expect(one.code).toBe(0);
    const j = JSON.parse(one.stdout);
    expect(j.date <= '2016-06-30').toBe(true);
    expect(j.assets).toHaveLength(1);
    const a = j.assets[0];
    const total = a.base + a.rest + a.top.reduce((s: number, t: { value: number }) => s + t.value, 0);
    expect(Math.abs(total - a.model)).toBeLessThan(1e-12);
  });

  it('--why-weights: parts sum to Δw to 1e-9 and the recomputed targets equal the run’s', async () => {
    const r = await runInProcess(['explain', run, '--strategy', 'lin', '--why-weights', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.maxResidual).toBeLessThan(1e-9);
    expect(j.recomputeDifference).toBeLessThan(1e-9);
    for (const a of j.assets)
      expect(Math.abs(a.drift + a.forecasts + a.risk + a.constraints - a.deltaW)).toBeLessThan(1e-9);
  });

  // lin: the volatility target is slack (a linear programme); tight: it binds (the QP at the final δ)
  for (const [name, maxWeight, target] of [
    ['lin', 0.4, 0.12],
    ['tight', 0.7, 0.08],
  ] as const)
    it(`--why-weights lists the binding constraints with shadow prices equal to finite differences (${name})`, async () => {
      const art = JSON.parse(readFileSync(join(run, 'explanations.json'), 'utf8'));
      const s = art.strategies[name];
      const n = s.universe.length;
      let checked = 0;
      let kinks = 0;
      // the last decisions with prices: with the target slack the LP often holds the previous weights (the trading
      // cost's kink), where the multipliers are not unique and the output says so instead of printing numbers
      for (const d of s.decisions.slice(-12).reverse()) {
        if (checked >= 3) break;
        const r = await runInProcess(['explain', run, '--strategy', name, '--date', d.date, '--why-weights', '--json']);
        expect(r.code, r.stderr).toBe(0);
        const j = JSON.parse(r.stdout);
        if (j.shadowPrices === null) {
          expect(j.shadowPricesUnavailable).toMatch(/trading cost's kink/);
          kinks++;
          continue;
        }
        const prices = j.shadowPrices as { constraint: string; assets: string[]; limit: number; value: number }[];
        expect(prices.length).toBeGreaterThan(1);
        if (name === 'tight') expect(j.shadowPriceSource).toMatch(/active-set QP/);
        // every asset bindingConstraints finds at its maximum has a maximum-weight price ≥ 0
        for (const b of j.binding as string[]) {
          const m = /^(\S+) at its maximum/.exec(b);
          if (m)
            expect(
              prices.find((p) => p.constraint === 'maximum weight' && p.assets[0] === m[1])!.value,
            ).toBeGreaterThanOrEqual(0);
        }
        // independent check: re-solve the decision's problem from its stored inputs with each limit moved by ±h
        const cov = new Matrix(n, n);
        let q = 0;
        for (let i = 0; i < n; i++)
          for (let k = i; k < n; k++) cov.data[i * n + k] = cov.data[k * n + i] = d.covUpper[q++];
        const dist = {
          assets: s.universe,
          mu: Float64Array.from(d.mu),
          cov,
          previousWeights: Float64Array.from(d.held),
        };
        const cost = 0.02;
        const objective = (w: Float64Array): number =>
          w.reduce((acc, x, i) => acc + d.mu[i] * x - cost * Math.abs(x - d.held[i]), 0);
        const h = 1e-5;
        for (const p of prices) {
          if (!['volatility target', 'maximum weight', 'minimum weight'].includes(p.constraint)) continue;
          const f = (e: number): number => {
            const assetBounds =
              p.constraint === 'maximum weight'
                ? { [p.assets[0]!]: [0, p.limit + e] as [number, number] }
                : p.constraint === 'minimum weight'
                  ? { [p.assets[0]!]: [p.limit + e, maxWeight] as [number, number] }
                  : {};
            const t = p.constraint === 'volatility target' ? p.limit + e : target;
            return objective(
              efficientRisk(dist, t, { weightBounds: [0, maxWeight], transactionCost: 0.02, assetBounds }),
            );
          };
          const fd = (f(h) - f(-h)) / (2 * h);
          expect(Math.abs(p.value - fd), `${d.date} ${p.constraint} ${p.assets.join()}`).toBeLessThan(
            1e-5 * (1 + Math.abs(fd)),
          );
          checked++;
        }
      }
      expect(checked, `${kinks} decisions at a kink`).toBeGreaterThanOrEqual(3);
      const text = await runInProcess(['explain', run, '--strategy', name, '--why-weights']);
      expect(text.stdout).toMatch(/shadow prices at .*KKT (multipliers|conditions)/);
      expect(text.stdout).toMatch(/(maximum|minimum) weight\s+0\.\d+\s+-?\d/);
    });

  for (const method of [
    'black-litterman',
    'active',
    'tilt',
    'top-k',
    'forecast-proportional',
    'threshold',
    'volatility-band',
  ])
    it(`--why-weights for ${method}: parts sum to Δw to 1e-9 at every decision, recomputed targets equal the run’s`, async () => {
      const art = JSON.parse(readFileSync(join(run, 'explanations.json'), 'utf8'));
      const dates = (art.strategies[method].decisions as { date: string }[]).slice(1).map((x) => x.date);
      expect(dates.length).toBeGreaterThan(5);
      for (const date of [dates[0]!, dates[Math.floor(dates.length / 2)]!, dates.at(-1)!]) {
        const r = await runInProcess(['explain', run, '--strategy', method, '--date', date, '--why-weights', '--json']);
        expect(r.code, r.stderr).toBe(0);
        const j = JSON.parse(r.stdout);
        expect(j.method).toBe(method);
        expect(j.maxResidual).toBeLessThan(1e-9);
        expect(j.recomputeDifference).toBeLessThan(1e-9);
        for (const a of j.assets)
          expect(Math.abs(a.drift + a.forecasts + a.risk + a.constraints - a.deltaW)).toBeLessThan(1e-9);
        if (method === 'volatility-band') {
          // hold signals keep the held weights, so drift is an input; the model's forecasts are not
          expect(j.zeroByConstruction).toEqual([]);
        } else {
          // none of these reads the held weights (no trading-cost penalty): drift is 0 by construction, and says so
          expect(j.zeroByConstruction).toEqual(['drift']);
          for (const a of j.assets) expect(a.drift).toBe(0);
        }
        if (method === 'black-litterman') expect(j.shadowPrices.length).toBeGreaterThan(0);
        else if (method === 'active') expect(j.shadowPricesUnavailable).toMatch(/not reported yet/);
        else expect(j.shadowPricesUnavailable).toMatch(/is a rule, not an optimiser/);
      }
      const text = await runInProcess(['explain', run, '--strategy', method, '--why-weights']);
      if (method === 'volatility-band')
        expect(text.stdout).toMatch(/forecasts = the price-band signals .* play no part/);
      else expect(text.stdout).toContain('drift: 0 by construction (the method does not read that input).');
    });

  it('the report shows mean |SHAP| per feature and a waterfall whose steps add up to the forecast', () => {
    const rep = JSON.parse(readFileSync(join(run, 'report.json'), 'utf8'));
    const sec = rep.sections[0];
    expect(sec.shapImportance.map((m: { model: string }) => m.model)).toEqual([
      'lin',
      'gbm',
      'tight',
      'black-litterman',
      'active',
      'tilt',
      'top-k',
      'forecast-proportional',
      'threshold',
      'volatility-band',
    ]);
    for (const m of sec.shapImportance) expect(m.values.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9);
    const w = sec.shapWaterfall;
    const total = w.base + w.steps.reduce((a: number, t: { value: number }) => a + t.value, 0);
    expect(Math.abs(total - w.output)).toBeLessThan(1e-9);
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expect(html).toContain('data-chart="shap-importance"');
    expect(html).toContain('data-table="shap-waterfall"');
  });

  it('the report shows a SHAP summary (beeswarm), why the weights changed with shadow prices, and distillation', () => {
    const rep = JSON.parse(readFileSync(join(run, 'report.json'), 'utf8'));
    const sec = rep.sections[0];
    const best = sec.shapSummary.model;
    // every stored contribution of the best strategy's records is a dot (none dropped below 300 per feature)
    const art = JSON.parse(readFileSync(join(run, 'explanations.json'), 'utf8'));
    const recs = art.strategies[best].decisions.flatMap((d: { explain?: { top: [number, number][][] } }) =>
      d.explain ? [d.explain] : [],
    );
    const stored = new Map<number, number>();
    for (const e of recs) for (const row of e.top) for (const [j] of row) stored.set(j, (stored.get(j) ?? 0) + 1);
    for (const f of sec.shapSummary.features) {
      const j = art.strategies[best].featureNames.indexOf(f.name);
      expect(f.shap.length).toBe(Math.min(300, stored.get(j)!));
      expect(f.valueRank.every((r: number) => r >= 0 && r <= 1)).toBe(true);
    }
    const w = sec.whyWeights;
    expect(w.model).toBe(best);
    for (const r of w.rows)
      expect(Math.abs(r.drift + r.forecasts + r.risk + r.constraints - r.deltaW)).toBeLessThan(1e-9);
    // one distillation window per refit of every regression strategy, fidelity in [0, 1]
    const refits = Object.values(art.strategies).reduce(
      (n: number, s) => n + (s as { decisions: { distill?: unknown }[] }).decisions.filter((d) => d.distill).length,
      0,
    );
    expect(sec.distillation.windows.length).toBe(refits);
    for (const x of sec.distillation.windows) expect(x.fidelity).toBeLessThanOrEqual(1);
    expect(sec.distillation.latest.length).toBe(10);
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    const beeswarm = pageCharts(html).find((c) => c.kind === 'shap-summary');
    expect((beeswarm!.option['series'] as { data: unknown[] }[]).some((x) => x.data.length > 0)).toBe(true);
    for (const t of ['why-weights', 'distillation', 'distillation-rules']) expect(html).toContain(`data-table="${t}"`);
    expect(/<link|src=|href="http|url\(http/i.test(html.replace(echartsSource('common'), ''))).toBe(false);
  });

  it('--distill prints the refit model as a depth-3 tree with its fidelity', async () => {
    const r = await runInProcess(['explain', run, '--strategy', 'gbm', '--distill', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.fidelity).toBeGreaterThan(0);
    expect(j.fidelity).toBeLessThanOrEqual(1);
    expect(j.rules.length).toBeGreaterThanOrEqual(2);
    expect(j.rules.length).toBeLessThanOrEqual(8);
    expect(j.rules[0]).toMatch(/^if .* then -?[\d.e-]+ \(n = \d+\)$/);
  });

  it('usage errors are one line with the fix (exit 2)', async () => {
    for (const [args, msg] of [
      [
        ['explain', run],
        /--strategy is required: this run has 10 ML strategies \(lin, gbm, tight, black-litterman, active/,
      ],
      [['explain', run, '--strategy', 'nope'], /choose one of lin, gbm/],
      [['explain', run, '--strategy', 'lin', '--asset', 'XYZ'], /not in lin's universe/],
      [['explain', run, '--strategy', 'lin', '--date', '2001-01-01'], /before lin's first decision/],
      [['explain', join(dir, 'missing')], /does not exist/],
      [['explain', dir], /has no explanations.json/],
    ] as const) {
      const r = await runInProcess([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
  });
});
