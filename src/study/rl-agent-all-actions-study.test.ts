/**
 * rl-agent's DQN with `agent: { allActions: true }` (a transition for every allocation at each training step, from
 * PortfolioEnv.peek) through the path users take: a study → runStudy → run folder.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateStudy } from '../config/index.ts';
import { coreTiltActions, smallAgentStudy } from '../../test/support/rl-studies.ts';
import { runStudy } from './run-study.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-rl-all-actions-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clock = () => new Date(Date.UTC(2026, 11, 6, 12, 0, 0));
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

const dqn = (name: string, allActions: boolean) => ({
  kind: 'rl-agent',
  name,
  algorithm: 'dqn',
  features: [
    { kind: 'momentum', windows: [40], skip: 1 },
    { kind: 'momentum', windows: [16] },
  ],
  normalize: 'zscore',
  policy: { kind: 'per-asset', ownWeight: true },
  reward: { kind: 'excess-log-return' },
  actions: coreTiltActions,
  stepBars: 21,
  trainWindow: 'expanding',
  refitEvery: 252,
  minTrainSteps: 12,
  episodes: 10,
  seeds: 2,
  agent: { hidden: [], learningStarts: 50, gamma: 0.5, learningRate: 0.001, allActions },
});
const study = {
  ...smallAgentStudy('rl-all-actions'),
  strategies: [dqn('cf', true), dqn('one', false)],
};

describe('rl-agent dqn allActions in a study', () => {
  it('trains walk-forward, moves off 1/N, differs from the one-action DQN and gives the same bytes for the same seed', async () => {
    const a = await runStudy(study, { outDir: join(work, 'a'), clock, strict: true });
    const b = await runStudy(study, { outDir: join(work, 'b'), clock, strict: true });
    for (const f of ['cf/weights.csv', 'cf/agent-weights.csv', 'cf/rl-training.json', 'cf/ledger.csv', 'summary.json'])
      expect(read(b.path, f), f).toBe(read(a.path, f));
    const summary = JSON.parse(read(a.path, 'summary.json')) as {
      backtest: { name: string; l1FromEqualWeight: number }[];
    };
    const l1 = Object.fromEntries(summary.backtest.map((x) => [x.name, x.l1FromEqualWeight]));
    expect(l1['cf']).toBeGreaterThan(l1['1/N']! + 0.01);
    // the same seeds, settings and data: only allActions differs, and the agents' targets do too
    expect(read(a.path, 'cf/agent-weights.csv').split('\n').slice(1)).not.toEqual(
      read(a.path, 'one/agent-weights.csv').split('\n').slice(1),
    );
    const curves = JSON.parse(read(a.path, 'cf/rl-training.json')) as { refits: unknown[] };
    expect(curves.refits.length).toBeGreaterThanOrEqual(2);
  }, 300_000);

  it('refuses allActions that is not a boolean, with one line naming its path', () => {
    const bad = { ...study, strategies: [{ ...dqn('cf', true), agent: { allActions: 'yes' } }] };
    let msg = '';
    try {
      validateStudy(bad, 'rl.yaml');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toMatch(/strategies\[0\]\.agent\.allActions/);
  });
});
