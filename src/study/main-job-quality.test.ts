/**
 * Guards the forecast quality of the main job (examples/ml-allocation.yaml, what `npm start` runs) through the path a
 * user takes: the example file itself, reduced to its two ridge strategies (the cheap ones) and no baselines, run
 * on its first three seeds (42–44) with `runStudySeeds`. Measured on these seeds (docs/forecast-quality.md): IC /
 * ceiling 0.86 (core, 4 assets, expanding training window: one seed's IC has s.d. ≈ 0.07) and 0.86 (stocks, s.d.
 * ≈ 0.03). The bounds, 0.6 each (issue #14's goal), leave room for that noise (the runs are seeded, so the test is
 * deterministic) and fail when the example slides back toward settings that miss the planted signal: the core ridge
 * on its previous 756-bar window reaches 0.54 on these seeds, the example's old hand-picked ridges (on their own
 * 2014–2023 market) 0.09 (core) and 0.11 (stocks). With the planted signals off the same reduced job must
 * find nothing: its mean IC stays within 3 standard errors of 0, the s.e. from the per-seed s.d. of that null measured
 * over 40 seeds (core 0.082, stocks 0.025; `keel run … --seeds 40`, docs/forecast-quality.md) — three seeds' own
 * ± is too noisy to judge by (seeds 42–44 all have a stock IC near −0.03 by chance). A look-ahead leak shows here as
 * a large positive IC.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStudyText } from '../config/index.ts';
import { runStudySeeds, type SeedsRow } from './multi-seed.ts';
import { runStudy } from './run-study.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-main-job-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clock = () => new Date(Date.UTC(2026, 11, 6, 12, 0, 0));
const examplePath = join(import.meta.dirname, '..', '..', 'examples', 'ml-allocation.yaml');

interface ExampleStudy {
  readonly seed: number;
  readonly data: { readonly market: Record<string, unknown> };
  readonly strategies: readonly { readonly name: string; readonly model: { readonly kind: string } }[];
}

/** The main job with only its ridge strategies, no baselines; `off` switches every planted signal off. */
function reducedMainJob(off: boolean): Record<string, unknown> {
  const study = parseStudyText(readFileSync(examplePath, 'utf8'), 'ml-allocation.yaml') as unknown as ExampleStudy;
  const market = off
    ? {
        ...study.data.market,
        predictability: { momentum: 0, meanReversion: 0, macro: 0, sentiment: 0, regimeDrift: 0 },
      }
    : study.data.market;
  return {
    ...study,
    name: off ? 'main-job-ridge-off' : 'main-job-ridge',
    data: { ...study.data, market },
    strategies: study.strategies.filter((s) => s.model.kind === 'ridge'),
    baselines: [],
  };
}

async function seeds(off: boolean): Promise<readonly SeedsRow[]> {
  const study = reducedMainJob(off);
  const out = join(work, off ? 'off' : 'on');
  const r = await runStudySeeds((seed) => runStudy(study, { outDir: out, clock, seed }), {
    seeds: 3,
    firstSeed: (study as { seed: number }).seed,
    outDir: out,
    clock,
  });
  return r.rows;
}

const row = (rows: readonly SeedsRow[], name: string): SeedsRow => {
  const r = rows.find((x) => x.strategy === name);
  if (!r) throw new Error(`no row for ${name}`);
  return r;
};

describe('the main job finds the planted signal (examples/ml-allocation.yaml, ridge strategies, seeds 42–44)', () => {
  it('IC / ceiling > 0.6 (core and stocks), mean over 3 seeds; IC t > 2 across seeds', async () => {
    const rows = await seeds(false);
    expect(rows.map((r) => r.strategy).sort()).toEqual(['core-linear', 'stocks-linear']);
    for (const name of ['core-linear', 'stocks-linear']) {
      const r = row(rows, name);
      const ic = r.ic!;
      const ceiling = r.ceilingIc!;
      expect(ic.n, name).toBe(3);
      expect(ic.mean / ceiling.mean, `${name}: IC ${ic.mean} of ceiling ${ceiling.mean}`).toBeGreaterThan(BOUND[name]!);
      expect(ic.mean / ic.se, `${name}: IC ${ic.mean} ± ${ic.se}`).toBeGreaterThan(2);
    }
  }, 300_000);

  it('with every planted signal off, the mean IC is within 3 standard errors of 0', async () => {
    const rows = await seeds(true);
    for (const name of ['core-linear', 'stocks-linear']) {
      const r = row(rows, name);
      const se = NULL_SD[name]! / Math.sqrt(r.ic!.n);
      expect(r.ic!.n).toBe(3);
      expect(Math.abs(r.ic!.mean), `${name}: IC ${r.ic!.mean} against s.e. ${se}`).toBeLessThan(3 * se);
    }
  }, 300_000);
});

/** Lower bounds of IC / ceiling (mean IC over mean ceiling of seeds 42–44): see the header. */
const BOUND: Readonly<Record<string, number>> = { 'core-linear': 0.6, 'stocks-linear': 0.6 };
/** One seed's IC s.d. with the signals off (ridge strategies of the main job, seeds 42–81). */
const NULL_SD: Readonly<Record<string, number>> = { 'core-linear': 0.082, 'stocks-linear': 0.025 };
