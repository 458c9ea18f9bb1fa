import { describe, expect, it } from 'vitest';
import { KeelError } from '../../core/index.ts';
import { planMlJob, runMlJob, type MlJobInput } from '../../report/index.ts';
import type { StrategySpec } from '../../strategies/index.ts';
import { synthesizeMarket } from '../../synth/index.ts';
import { runMlTasksInWorkers, workerCount, workUnits } from './ml-tasks-parallel.ts';

const core = ['EQ_BROAD', 'EQ_TECH', 'BOND_LONG', 'GOLD'];
const features = [
  { kind: 'momentum', windows: [21, 63] },
  { kind: 'volatility', windows: [21] },
];
const ml = (name: string, model: unknown, universe: string[] = core, f: unknown = features): StrategySpec =>
  ({
    kind: 'ml-forecast',
    name,
    universe,
    features: f,
    model,
    trainWindow: 250,
    minTrainDates: 30,
    refitEvery: 126,
    stride: 5,
    portfolio: { maxWeight: 0.6, targetVolatility: 0.1 },
  }) as unknown as StrategySpec;

const market = synthesizeMarket({ seed: 5, start: '2014-01-01', years: 2, stocks: 4 });
const input: MlJobInput = {
  panel: market.panel,
  records: { macro: market.macro, headlines: market.headlines, fundamentals: market.fundamentals },
  name: 'parallel',
  seed: 9,
  backtest: { start: '2015-01-02', rebalance: 'monthly', costs: { kind: 'proportional', bps: 10 } },
  strategies: [
    ml('ridge', { kind: 'ridge', alpha: 10 }),
    ml('forest', { kind: 'random-forest', nTrees: 5, maxDepth: 3, minSamplesLeaf: 40 }),
    ml('ridge-fewer', { kind: 'ridge', alpha: 10 }, core, [{ kind: 'momentum', windows: [21] }]),
  ],
  baselines: [{ kind: 'equal-weight', name: '1/N' } as unknown as StrategySpec],
};

describe('ML job tasks on worker threads', () => {
  it('groups tasks that share a universe and a feature list into one unit (one feature cache)', () => {
    const plan = planMlJob(input);
    // The listed 1/N, then the volatility-matched 1/N the job adds for the strategies' 10 % target.
    expect(plan.tasks.map((t) => t.label)).toEqual(['ridge', 'forest', 'ridge-fewer', '1/N', '1/N @ 10% vol']);
    expect(workUnits(plan)).toEqual([[0, 1], [2], [3], [4]]);
    expect(workerCount(undefined, plan)).toBe(1);
    expect(workerCount(8, plan)).toBe(4);
  });

  it('gives the same bytes as the main thread, in task order', async () => {
    const plan = planMlJob(input);
    const done: string[] = [];
    const results = await runMlTasksInWorkers(input, plan, 2, (n, total, label) => done.push(`${n}/${total} ${label}`));
    expect(done).toHaveLength(5);
    expect(done.at(-1)).toMatch(/^5\/5 /);
    const parallel = runMlJob(input, results);
    const serial = runMlJob(input);
    expect(parallel.reportJson).toBe(serial.reportJson);
    expect(parallel.tradesCsv).toBe(serial.tradesCsv);
    expect(parallel.weightsCsv).toBe(serial.weightsCsv);
  }, 60_000);

  it('a task that fails on a worker rejects with the same one-line Keel error as on the main thread', async () => {
    const bad: MlJobInput = {
      ...input,
      baselines: [
        { kind: 'fixed-mix', name: 'levered', weights: { EQ_BROAD: 0.9, BOND_LONG: 0.6 } } as unknown as StrategySpec,
      ],
    };
    const plan = planMlJob(bad);
    const serial = (() => {
      try {
        runMlJob(bad);
      } catch (e) {
        return e as KeelError;
      }
      throw new Error('expected the serial job to fail');
    })();
    const err = await runMlTasksInWorkers(bad, plan, 2).then(
      () => {
        throw new Error('expected the parallel job to fail');
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KeelError);
    expect((err as KeelError).kind).toBe(serial.kind);
    expect((err as KeelError).message).toBe(serial.message);
    expect((err as KeelError).message).not.toContain('\n');
  }, 60_000);
});
