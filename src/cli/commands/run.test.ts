/** `keel run`'s terminal summary ends with the path of report.html (what `npm start` prints last). */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process.ts';

const out = mkdtempSync(join(tmpdir(), 'keel-run-cmd-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('keel run summary', () => {
  it('ends with the path of report.html, which exists', async () => {
    const r = await runInProcess(['run', 'examples/backtest-baselines.yaml', '--out', out]);
    expect(r.code).toBe(0);
    const last = r.stdout.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/^report: .+report\.html$/);
    expect(existsSync(last.slice('report: '.length))).toBe(true);
  });
});

describe('keel run --seeds', () => {
  it('runs consecutive seeds from --seed, prints each and the means, and writes the seeds summary', async () => {
    const dir = join(out, 'seeds');
    const r = await runInProcess(['run', 'examples/equal-weight.yaml', '--seeds', '2', '--seed', '5', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/seed 5 \(1\/2\)/);
    expect(r.stderr).toMatch(/seed 6 \(2\/2\), /);
    expect(r.stdout).toMatch(/over 2 seeds \(5…6\): mean ± standard error/);
    const file = /seeds summary written to (\S+)/.exec(r.stdout)![1]!;
    const summary = JSON.parse(readFileSync(file, 'utf8')) as { seeds: number[] };
    expect(summary.seeds).toEqual([5, 6]);
  });
});

describe('keel run with an rl-agent of seeds: K', () => {
  it('prints the ensemble and each agent alone after the strategies, and the agents under it with --seeds', async () => {
    const study = join(out, 'agents.yaml');
    writeFileSync(
      study,
      'name: agents\nseed: 4\ndata: { source: synthetic, market: { start: 2014-01-01, years: 5, stocks: 0 } }\n' +
        'backtest: { start: 2016-06-01, rebalance: monthly, periodsPerYear: 252, costs: { kind: proportional, bps: 10 } }\n' +
        'baselines: [{ kind: equal-weight, name: 1/N }]\nstrategies:\n' +
        '  - { kind: rl-agent, name: q, algorithm: q-learning, trainWindow: 504, episodes: 8, seeds: 2, agent: { bins: 2 } }\n',
    );
    const one = await runInProcess(['run', study, '--out', join(out, 'agents')]);
    expect(one.code, one.stderr).toBe(0);
    const lines = one.stdout.split('\n');
    const head = lines.findIndex((l) =>
      /^agents\s+return\/yr\s+vol\/yr\s+Sharpe\s+max DD\s+turnover\s+L1-1\/N$/.test(l),
    );
    expect(head).toBeGreaterThan(0);
    expect(lines.slice(head + 1, head + 4).map((l) => l.split(/\s+/).filter(Boolean)[0])).toEqual(['q', 'q#1', 'q#2']);
    expect(lines[head + 2]).toMatch(/^ {2}q#1 /);
    const seeds = await runInProcess(['run', study, '--seeds', '2', '--out', join(out, 'agents-seeds')]);
    expect(seeds.code, seeds.stderr).toBe(0);
    expect(seeds.stdout).toMatch(/^ {2}q#2 +-?\d\.\d\d ± \d\.\d\d +n\/a /m);
  });
});
