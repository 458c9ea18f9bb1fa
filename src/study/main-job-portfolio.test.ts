/**
 * The portfolio settings of examples/ml-allocation.yaml come from keel tune on data before its backtest: every
 * strategy's `portfolio:` is a point of the search space of tune-main-portfolio.yaml (stocks) or
 * tune-main-portfolio-core.yaml (core), whose forecaster is the job's ridge of that universe and whose validation
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

describe('examples/ml-allocation.yaml portfolio settings', () => {
  const job = read('ml-allocation.yaml');
  for (const [file, ridge] of [
    ['tune-main-portfolio.yaml', 'stocks-linear'],
    ['tune-main-portfolio-core.yaml', 'core-linear'],
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
      for (const k of ['universe', 'features', 'target', 'model', 'portfolio'] as const) expect(t[k], k).toEqual(j[k]);
      const space = tune.tune!.space;
      const choices = (path: string) => (space[path] as { choices: unknown[] }).choices;
      expect(choices('backtest.rebalance')).toContain(job.backtest.rebalance);
      expect(choices(`strategies.${ridge}.target.horizon`)).toContain((j.target as { horizon: number }).horizon);
      expect(choices(`strategies.${ridge}.portfolio.transactionCost`)).toContain(j.portfolio['transactionCost']);
    });
});
