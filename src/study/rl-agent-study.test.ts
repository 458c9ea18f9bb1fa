/**
 * The rl-agent kind through the path users take: a study file → runStudy → run folder (training curves, the L1
 * distance from 1/N in summary.json and the report, findings), and validation refusing unregistered algorithms.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStudyText, validateStudy } from '../config/index.ts';
import { pageCharts } from '../report/index.ts';
import { qLearningAgent, smallAgentStudy } from '../../test/support/rl-studies.ts';
import { repoRoot } from '../../test/support/shared.ts';
import { runStudy, runStudyFile } from './run-study.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-rl-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clock = () => new Date(Date.UTC(2026, 10, 20, 12, 0, 0));
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

const study = { ...smallAgentStudy('rl'), strategies: [qLearningAgent] };

describe('rl-agent in a study', () => {
  it('writes the training curves, and the mean L1 distance from 1/N to summary.json and report.html', async () => {
    const r = await runStudy(study, { outDir: join(work, 'a'), clock, strict: true });
    const curves = JSON.parse(read(r.path, 'q/rl-training.json')) as {
      refits: { fitDate: string; decisionDate: string; agents: { seed: number; episodeReturns: number[] }[] }[];
    };
    expect(curves.refits.length).toBeGreaterThanOrEqual(4);
    for (const f of curves.refits) {
      expect(f.fitDate <= f.decisionDate).toBe(true);
      expect(f.agents.map((a) => a.episodeReturns.length)).toEqual([8, 8]);
    }
    const summary = JSON.parse(read(r.path, 'summary.json')) as {
      backtest: { name: string; l1FromEqualWeight: number }[];
    };
    const l1 = Object.fromEntries(summary.backtest.map((b) => [b.name, b.l1FromEqualWeight]));
    expect(l1['1/N']).toBeLessThan(0.05); // drift between monthly rebalances only
    expect(l1['q']).toBeGreaterThan(l1['1/N']!);
    expect(l1['q']).toBeLessThanOrEqual(1.5); // ≤ 2 − 2/n
    const html = read(r.path, 'report.html');
    expect(html).toContain('L1 from 1/N');
    const agentChart = pageCharts(html).find((c) => c.kind === 'agent-training');
    const lines = agentChart!.option['series'] as { data: (number | null)[] }[];
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]!.data.some((v) => v !== null && Number.isFinite(v))).toBe(true);
    const section = JSON.parse(read(r.path, 'report.json')).sections[0];
    expect(section.agentTraining.length).toBe(curves.refits.length);
    const first = curves.refits[0]!;
    expect(section.agentTraining[0].episodeReturns[3]).toBeCloseTo(
      (first.agents[0]!.episodeReturns[3]! + first.agents[1]!.episodeReturns[3]!) / 2,
      12,
    );
    expect(JSON.parse(read(r.path, 'metrics.json')).strategies.q.l1FromEqualWeight).toBe(l1['q']);
  });

  it('a study of several agents charts the weights of each one, and summary.json gives each its DSR vs 1/N', async () => {
    const q = study.strategies[0]!;
    const two = {
      ...study,
      strategies: [
        q,
        {
          ...q,
          name: 'ppo',
          algorithm: 'ppo',
          normalize: 'zscore',
          cash: false,
          episodes: 2,
          seeds: 1,
          agent: { nSteps: 16, batchSize: 8, nEpochs: 1, hidden: [8] },
        },
      ],
    };
    const r = await runStudy(two, { outDir: join(work, 'c'), clock });
    const section = JSON.parse(read(r.path, 'report.json')).sections[0];
    expect(section.weights.strategy).toBe('q');
    expect(section.moreWeights.map((w: { strategy: string }) => w.strategy)).toEqual(['ppo']);
    const html = read(r.path, 'report.html');
    expect(html).toContain('Weights at each rebalance — q');
    expect(html).toContain('Weights at each rebalance — ppo');
    const summary = JSON.parse(read(r.path, 'summary.json')) as {
      backtest: { name: string; deflatedSharpeVsEqualWeight?: number | null }[];
    };
    for (const name of ['q', 'ppo']) {
      const dsr = summary.backtest.find((b) => b.name === name)!.deflatedSharpeVsEqualWeight!;
      expect(dsr).toBeGreaterThanOrEqual(0);
      expect(dsr).toBeLessThanOrEqual(1);
    }
  });

  it('is the same run, byte for byte, for the same seed', async () => {
    const a = await runStudy(study, { outDir: join(work, 'b1'), clock });
    const b = await runStudy(study, { outDir: join(work, 'b2'), clock });
    for (const f of ['q/weights.csv', 'q/ledger.csv', 'q/rl-training.json', 'summary.json'])
      expect(read(b.path, f), f).toBe(read(a.path, f));
  });

  it('accepts algorithm dqn, a2c and ppo; refuses an agent key the algorithm does not have with one line', () => {
    for (const algorithm of ['dqn', 'a2c', 'ppo'])
      expect(() =>
        validateStudy({ ...study, strategies: [{ ...study.strategies[0]!, algorithm, agent: {} }] }, 'rl.yaml'),
      ).not.toThrow();
    const bad = { ...study, strategies: [{ ...study.strategies[0]!, algorithm: 'ppo', agent: { nEpochs: 0 } }] };
    let err: unknown;
    try {
      validateStudy(bad, 'rl.yaml');
    } catch (e) {
      err = e;
    }
    const msg = (err as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toMatch(/strategies\[0\]\.agent\.nEpochs/);
  });

  // Three kinds of agents trained walk-forward beside a ridge forecaster: 13 s of CPU, minutes on a loaded machine.
  it('examples/rl-allocation.yaml runs the agents beside the best supervised model in one report', async () => {
    const file = join(repoRoot, 'examples', 'rl-allocation.yaml');
    expect(() => parseStudyText(readFileSync(file, 'utf8'), 'rl-allocation.yaml')).not.toThrow();
    const r = await runStudyFile(file, { outDir: join(work, 'example'), clock, strict: true });
    const agents = ['q-learning', 'dqn', 'ppo'];
    const rows = (r.summary['ml'] as { strategies: { strategy: string; l1FromEqualWeight: number }[] }).strategies;
    expect(rows.map((x) => x.strategy)).toEqual([...agents, 'core-linear', '1/N', '1/N @ 10% vol', '60/40']);
    for (const x of rows) expect(Number.isFinite(x.l1FromEqualWeight), x.strategy).toBe(true);
    const report = JSON.parse(read(r.path, 'report.json'));
    expect(report.nTrials).toBe(5 + 5 + 5 + 1); // each agent's seeds: K count K trials, and core-linear one
    const section = report.sections[0];
    expect(section.weights.strategy).toBe('core-linear');
    expect(section.moreWeights.map((w: { strategy: string }) => w.strategy)).toEqual(agents);
    expect(new Set(section.agentTraining.map((c: { strategy: string }) => c.strategy))).toEqual(new Set(agents));
    for (const a of agents) expect(r.artefacts).toContain(`${a}/rl-training.json`);
    expect(Object.keys(r.summary['forecastQuality'] as object)).toEqual(['core-linear', 'ceilingIc']);
  }, 600_000);
});
