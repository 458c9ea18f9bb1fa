/**
 * rl-agent's `policy: per-asset` (one network shared across the assets) and `trainWindow: expanding`, through the
 * path users take: a study → runStudy → run folder; validation refusing what cannot work with one line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateStudy } from '../config/index.ts';
import { coreTiltActions, qLearningAgent, smallAgentStudy } from '../../test/support/rl-studies.ts';
import { runStudy } from './run-study.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-rl-shared-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clock = () => new Date(Date.UTC(2026, 11, 6, 12, 0, 0));
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

const lean = {
  features: [
    { kind: 'momentum', windows: [40], skip: 1 },
    { kind: 'momentum', windows: [16] },
  ],
  normalize: 'zscore',
  stepBars: 21,
  trainWindow: 504,
  refitEvery: 252,
  minTrainSteps: 12,
  seeds: 2,
};
const shared = {
  ...smallAgentStudy('rl-shared'),
  strategies: [
    {
      ...lean,
      kind: 'rl-agent',
      name: 'ppo',
      algorithm: 'ppo',
      policy: 'per-asset',
      cash: false,
      episodes: 20,
      agent: { nSteps: 64, batchSize: 32, nEpochs: 4, hidden: [], learningRate: 0.01 },
    },
    {
      ...lean,
      kind: 'rl-agent',
      name: 'dqn',
      algorithm: 'dqn',
      policy: { kind: 'per-asset', ownWeight: true },
      actions: coreTiltActions,
      episodes: 10,
      agent: { hidden: [4], learningStarts: 50, gamma: 0.5 },
    },
  ],
};

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('rl-agent policy: per-asset in a study', () => {
  it('ppo (linear) and dqn with a shared per-asset network train walk-forward, move off 1/N, and give the same bytes for the same seed', async () => {
    const a = await runStudy(shared, { outDir: join(work, 'a'), clock });
    const b = await runStudy(shared, { outDir: join(work, 'b'), clock });
    expect(a.findings.filter((f) => f.kind === 'rl-training-stopped')).toEqual([]);
    for (const f of ['ppo/weights.csv', 'dqn/weights.csv', 'ppo/rl-training.json', 'dqn/ledger.csv', 'summary.json'])
      expect(read(b.path, f), f).toBe(read(a.path, f));
    // the plain backtest step counts each agent's seeds: 2 as 2 trials, as the ML job does (it counted 1: 3 in all)
    expect(JSON.parse(read(a.path, 'report.json')).nTrials).toBe(2 + 2 + 1);
    expect(JSON.parse(read(a.path, 'ppo/metrics.json')).metrics.nTrials).toBe(5);
    const summary = JSON.parse(read(a.path, 'summary.json')) as {
      backtest: { name: string; l1FromEqualWeight: number }[];
    };
    const l1 = Object.fromEntries(summary.backtest.map((x) => [x.name, x.l1FromEqualWeight]));
    expect(l1['ppo']).toBeGreaterThan(l1['1/N']! + 0.01);
    expect(l1['dqn']).toBeGreaterThan(l1['1/N']! + 0.01);
    const curves = JSON.parse(read(a.path, 'ppo/rl-training.json')) as {
      refits: { agents: { episodeReturns: number[] }[] }[];
    };
    expect(curves.refits.length).toBeGreaterThanOrEqual(2);
    // 20 episodes asked; PPO finishes its last rollout of 64 steps, which may end one more episode
    for (const f of curves.refits) for (const x of f.agents) expect(x.episodeReturns.length).toBeGreaterThanOrEqual(20);
  }, 300_000);

  it('refuses policy: per-asset for q-learning, and accepts hidden: [] (a linear network) for the deep agents', () => {
    const q = { ...smallAgentStudy('rl'), strategies: [{ ...qLearningAgent, policy: 'per-asset' }] };
    const msg = message(() => validateStudy(q, 'rl.yaml'));
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toMatch(/strategies\[0\]\.policy.*needs a network \(dqn, a2c or ppo\)/);
    expect(() => validateStudy(shared, 'rl.yaml')).not.toThrow();
  });
});

describe('rl-agent trainWindow: expanding', () => {
  const study = (trainWindow: number | 'expanding') => ({
    ...smallAgentStudy('rl-expanding'),
    strategies: [{ ...qLearningAgent, trainWindow, stepBars: 21, refitEvery: 126, minTrainSteps: 10 }],
  });

  it('trains every refit from the first row after the warm-up (its steps grow), where a fixed window slides', async () => {
    type Curves = { refits: { fitDate: string; trainFrom: string; trainSteps: number }[] };
    const grown = await runStudy(study('expanding'), { outDir: join(work, 'e'), clock, strict: true });
    const e = (JSON.parse(read(grown.path, 'q/rl-training.json')) as Curves).refits;
    expect(e.length).toBeGreaterThanOrEqual(4);
    expect(new Set(e.map((f) => f.trainFrom)).size).toBe(1); // the same first row for every refit
    for (let i = 1; i < e.length; i++) expect(e[i]!.trainSteps).toBe(e[i - 1]!.trainSteps + 6); // 126 bars = 6 steps more
    const slid = await runStudy(study(252), { outDir: join(work, 'f'), clock });
    const s = (JSON.parse(read(slid.path, 'q/rl-training.json')) as Curves).refits;
    expect(s[s.length - 1]!.trainFrom > s[0]!.trainFrom).toBe(true);
    expect(s[s.length - 1]!.trainSteps).toBe(12); // 252 bars / 21
  }, 300_000);
});
