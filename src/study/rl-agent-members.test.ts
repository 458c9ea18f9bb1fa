/**
 * `seeds: K` through runStudy: the K agents of an rl-agent ensemble are reported beside it (summary.json,
 * metrics.json, report.json, report.html, the terminal table, `--seeds` rows), acting alone on the same trained
 * policies; the ensemble's target is the mean of its agents' allocations at each decision; the K agents count as K
 * trials (in the plain backtest step too) and the members add none.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { qLearningAgent, smallAgentStudy } from '../../test/support/rl-studies.ts';
import { aggregateSeeds } from './multi-seed.ts';
import { runStudy } from './run-study.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-rl-members-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const clock = () => new Date(Date.UTC(2026, 11, 6, 11, 0, 0));
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

interface Member {
  name: string;
  annualReturn: number;
  volatility: number;
  sharpe: number;
  maxDrawdown: number;
  turnover: number;
  l1FromEqualWeight: number;
}
interface BacktestRow {
  name: string;
  metrics: Record<string, number>;
  l1FromEqualWeight: number;
  members?: Member[];
}
const backtestRows = (dir: string) =>
  Object.fromEntries(
    (JSON.parse(read(dir, 'summary.json')).backtest as BacktestRow[]).map((b) => [b.name, b] as const),
  );

const backtestRowsOf = (r: { summary: Record<string, unknown> }) =>
  Object.fromEntries((r.summary['backtest'] as BacktestRow[]).map((b) => [b.name, b] as const));

const study = { ...smallAgentStudy('members'), strategies: [{ ...qLearningAgent, seeds: 3 }] };

describe('rl-agent seeds: K — each agent and the ensemble, reported', () => {
  it('reports the K agents beside the ensemble in summary.json, metrics.json, report.json, report.html and the terminal table', async () => {
    const r = await runStudy(study, { outDir: join(work, 'a'), clock, strict: true });
    const q = backtestRows(r.path)['q']!;
    expect(q.members!.map((m) => m.name)).toEqual(['q#1', 'q#2', 'q#3']);
    for (const m of q.members!)
      for (const k of ['annualReturn', 'volatility', 'sharpe', 'maxDrawdown', 'turnover', 'l1FromEqualWeight'])
        expect(Number.isFinite(m[k as keyof Member]), `${m.name}.${k}`).toBe(true);
    // the agents are different draws of the training lottery: not three copies of one
    expect(new Set(q.members!.map((m) => m.sharpe)).size).toBeGreaterThan(1);
    expect(backtestRows(r.path)['1/N']!.members).toBeUndefined();
    expect(JSON.parse(read(r.path, 'metrics.json')).strategies.q.members).toEqual(q.members);

    const report = JSON.parse(read(r.path, 'report.json'));
    // DSR family: the 3 agents of q and 1/N; the members add no trial (old plain step: 2, seeds ignored)
    expect(report.nTrials).toBe(4);
    const table = report.sections[0].agentMembers;
    expect(table).toHaveLength(1);
    expect(table[0].strategy).toBe('q');
    expect(table[0].ensemble.sharpe).toBeCloseTo(q.metrics['sharpe']!, 8);
    // report.json and summary.json round differently (10 significant digits vs 9 decimals)
    table[0].members.forEach((m: Member, k: number) => {
      expect(m.name).toBe(q.members![k]!.name);
      expect(m.sharpe).toBeCloseTo(q.members![k]!.sharpe, 8);
      expect(m.l1FromEqualWeight).toBeCloseTo(q.members![k]!.l1FromEqualWeight, 8);
    });
    const html = read(r.path, 'report.html');
    expect(html).toContain('data-table="agent-members"');
    for (const m of ['q#1', 'q#2', 'q#3']) expect(html).toContain(`<th scope="row">${m}</th>`);

    const lines = (r.summary['agents'] as { table: string[] }).table;
    expect(lines[0]).toMatch(/^agents\s+return\/yr/);
    expect(lines.slice(1, 5).map((l) => l.trim().split(/\s+/)[0])).toEqual(['q', 'q#1', 'q#2', 'q#3']);
    expect(lines[2]).toContain(q.members![0]!.sharpe.toFixed(2));
  });

  it("the ensemble's target is the mean of its agents' allocations at every decision (1e-12)", async () => {
    const r = await runStudy(study, { outDir: join(work, 'b'), clock });
    // full precision: per decision, the engine's target (agent q), then each agent's allocation (q#k)
    const byDate = new Map<string, Map<string, Map<string, number>>>();
    for (const line of read(r.path, 'q/agent-weights.csv').trim().split('\n').slice(1)) {
      const [date, agent, asset, w] = line.split(',');
      const agents = byDate.get(date!) ?? new Map<string, Map<string, number>>();
      byDate.set(date!, agents);
      const row = agents.get(agent!) ?? new Map<string, number>();
      agents.set(agent!, row);
      row.set(asset!, Number(w));
    }
    // every decision the agents made is there (report.json has every decision's target, rounded)
    const decisions = JSON.parse(read(r.path, 'report.json')).sections[0].weights as { dates: string[] };
    let checked = 0;
    for (const [date, agents] of byDate) {
      expect(decisions.dates).toContain(date);
      expect([...agents.keys()]).toEqual(['q', 'q#1', 'q#2', 'q#3']);
      const [target, ...members] = [...agents.values()];
      for (const [asset, w] of target!) {
        const mean = members.reduce((s, m) => s + m.get(asset)!, 0) / members.length;
        expect(Math.abs(w - mean)).toBeLessThan(1e-12);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('member results are deterministic, and agent #1 alone is the same strategy with seeds: 1', async () => {
    const [a, b, one] = await Promise.all([
      runStudy(study, { outDir: join(work, 'c1'), clock }),
      runStudy(study, { outDir: join(work, 'c2'), clock }),
      runStudy({ ...study, strategies: [{ ...qLearningAgent, seeds: 1 }] }, { outDir: join(work, 'c3'), clock }),
    ]);
    expect(read(a.path, 'summary.json')).toBe(read(b.path, 'summary.json'));
    expect(read(a.path, 'q/agent-weights.csv')).toBe(read(b.path, 'q/agent-weights.csv'));
    const first = backtestRows(a.path)['q']!.members![0]!;
    const alone = backtestRows(one.path)['q']!;
    // the first agent's seed is fork 0 of each refit in both, and a member acts on its own book
    expect(first.sharpe).toBe(alone.metrics['sharpe']);
    expect(first.annualReturn).toBe(alone.metrics['annualizedReturn']);
    expect(first.l1FromEqualWeight).toBe(alone.l1FromEqualWeight);
    // seeds: 1 has no members to report
    expect(alone.members).toBeUndefined();
  });

  it('--seeds rows list each agent under its ensemble', async () => {
    const runs = await Promise.all([4, 5].map((seed) => runStudy(study, { outDir: join(work, 'd'), clock, seed })));
    const rows = aggregateSeeds(runs);
    expect(rows.map((x) => [x.strategy, x.memberOf ?? null])).toEqual([
      ['q', null],
      ['q#1', 'q'],
      ['q#2', 'q'],
      ['q#3', 'q'],
      ['1/N', null],
    ]);
    const member = rows[1]!;
    expect(member.sharpe.n).toBe(2);
    expect(member.l1FromEqualWeight!.n).toBe(2);
  });

  it('beside an ml-forecast strategy (the ML job): the same members on the main thread and on worker threads', async () => {
    const ml = {
      kind: 'ml-forecast',
      name: 'ml',
      features: [{ kind: 'momentum', windows: [40], skip: 1 }],
      target: { kind: 'rank', horizon: 21 },
      model: { kind: 'ridge', alpha: 4 },
      refitEvery: 126,
      trainWindow: 504,
      portfolio: { method: 'mean-variance', maxWeight: 0.6 },
    };
    const mixed = { ...study, strategies: [ml, ...study.strategies] };
    const [main, workers, plain] = await Promise.all([
      runStudy(mixed, { outDir: join(work, 'e1'), clock, workers: 1 }),
      runStudy(mixed, { outDir: join(work, 'e2'), clock, workers: 2 }),
      runStudy(study, { outDir: join(work, 'e3'), clock }),
    ]);
    expect(read(workers.path, 'summary.json')).toBe(read(main.path, 'summary.json'));
    expect(read(workers.path, 'q/agent-weights.csv')).toBe(read(main.path, 'q/agent-weights.csv'));
    const q = (main.summary['ml'] as { strategies: { strategy: string; members?: Member[] }[] }).strategies.find(
      (x) => x.strategy === 'q',
    )!;
    // the agent keeps its own seed beside the forecaster: the same members as in the plain study
    expect(q.members).toEqual(backtestRowsOf(plain)['q']!.members);
    expect(JSON.parse(read(main.path, 'report.json')).sections[0].agentMembers[0].members).toHaveLength(3);
    expect((main.summary['agents'] as { table: string[] }).table.join('\n')).toContain('q#3');
    // forecaster, the 3 agents of q; baselines are not trials in the ML job
    expect(JSON.parse(read(main.path, 'report.json')).nTrials).toBe(4);
  });
});
