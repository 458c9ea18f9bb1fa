/**
 * The portfolio settings of examples/ml-allocation.yaml come from keel tune on data before its backtest: every
 * strategy's `portfolio:` is a point of the search space of tune-main-active.yaml (stocks; the mean-variance
 * settings before it came from tune-main-portfolio.yaml) or tune-main-portfolio-core.yaml and tune-main-active-core.yaml
 * (core), whose forecaster is the job's ridge of that universe and whose validation
 * period ends before the job's backtest starts. (The measured outcome is in docs/forecast-quality.md.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudyText } from '../config/index.ts';
import { repoRoot } from '../../test/support/shared.ts';

type Spec = { kind: 'float' | 'int'; low: number; high: number } | { kind: 'categorical'; choices: unknown[] };
interface Strat {
  name: string;
  universe: string[];
  features: unknown;
  target: unknown;
  model: unknown;
  portfolio: Record<string, unknown>;
}
const read = (f: string) =>
  parseStudyText(readFileSync(join(repoRoot, 'examples', f), 'utf8'), f) as unknown as {
    backtest: { start: string; rebalance: string };
    strategies: Strat[];
    tune?: { validation: { end: string }; space: Record<string, Spec> };
  };

/** Keys of a tune file's space that a later stage searched again (tune-main-active-te.yaml: the tracking error). */
const REFINED_LATER: Readonly<Record<string, readonly string[]>> = { 'tune-main-active.yaml': ['trackingError'] };

describe('examples/ml-allocation.yaml portfolio settings', () => {
  const job = read('ml-allocation.yaml');
  for (const [file, ridge] of [
    ['tune-main-active.yaml', 'stocks-linear'],
    ['tune-main-active-te.yaml', 'stocks-linear'],
    ['tune-main-portfolio-core.yaml', 'core-linear'],
    ['tune-main-active-core.yaml', 'core-linear'],
  ] as const)
    it(`${file}: the job's ${ridge.split('-')[0]} strategies sit at a point of its space, validated before the backtest`, () => {
      const tune = read(file);
      expect(tune.tune!.validation.end < job.backtest.start).toBe(true);
      const t = tune.strategies.find((s) => s.name === ridge)!;
      const j = job.strategies.find((s) => s.name === ridge)!;
      for (const k of ['universe', 'features', 'target', 'model'] as const) expect(t[k], k).toEqual(j[k]);
      const sameUniverse = job.strategies.filter((s) => s.universe.join() === j.universe.join());
      expect(sameUniverse.length).toBe(3);
      for (const s of sameUniverse) {
        for (const [path, spec] of Object.entries(tune.tune!.space)) {
          const key = path.split('.').at(-1)!;
          const v = s.portfolio[key];
          // The tilt strength is read by method: tilt only (the schema default stands otherwise).
          if (key === 'tiltStrength' && s.portfolio['method'] !== 'tilt' && v === undefined) continue;
          // Likewise the tracking error, by method: active only.
          if (key === 'trackingError' && s.portfolio['method'] !== 'active') continue;
          // A key a later stage searched again on a finer grid is checked against that stage's file.
          if (REFINED_LATER[file]?.includes(key)) continue;
          if (spec.kind === 'categorical') expect(spec.choices, `${s.name} ${key}`).toContain(v);
          else {
            expect(v as number, `${s.name} ${key}`).toBeGreaterThanOrEqual(spec.low);
            expect(v as number, `${s.name} ${key}`).toBeLessThanOrEqual(spec.high);
          }
        }
        // Everything not searched is the tune study's own setting.
        for (const [k, v] of Object.entries(t.portfolio))
          if (!Object.keys(tune.tune!.space).some((p) => p.endsWith(`.${k}`))) expect(s.portfolio[k], k).toEqual(v);
      }
    });
});

// The horizon and cadence grids (issue #14; outcome in docs/forecast-quality.md, "Horizon and decision frequency"):
// each scores the job's own ridge, and the job's setting is one of its grid points, so the paired differences there
// are against what the job runs.
describe('examples/ml-allocation.yaml horizon and cadence', () => {
  const job = read('ml-allocation.yaml');
  for (const [file, ridge] of [
    ['tune-main-cadence.yaml', 'stocks-linear'],
    ['tune-main-cadence-core.yaml', 'core-linear'],
  ] as const)
    it(`${file}: the job's ${ridge} (monthly, its horizon and cost penalty) is a grid point, validated before the backtest`, () => {
      const tune = read(file);
      expect(tune.tune!.validation.end < job.backtest.start).toBe(true);
      const t = tune.strategies.find((s) => s.name === ridge)!;
      const j = job.strategies.find((s) => s.name === ridge)!;
      for (const k of ['universe', 'features', 'target', 'model'] as const) expect(t[k], k).toEqual(j[k]);
      // The grids ran on the job's mean-variance; the stocks have since moved to method active (tune-main-active.yaml),
      // the rest of their portfolio unchanged.
      const { method: _m, trackingError: _te, ...rest } = j.portfolio;
      const { method: _tm, trackingError: _tte, ...tuned } = t.portfolio;
      expect(tuned).toEqual(rest);
      expect(t.portfolio['method']).toBe('mean-variance');
      const space = tune.tune!.space;
      const choices = (path: string) => (space[path] as { choices: unknown[] }).choices;
      expect(choices('backtest.rebalance')).toContain(job.backtest.rebalance);
      expect(choices(`strategies.${ridge}.target.horizon`)).toContain((j.target as { horizon: number }).horizon);
      expect(choices(`strategies.${ridge}.portfolio.transactionCost`)).toContain(j.portfolio['transactionCost']);
    });
});
