/**
 * The hierarchical kinds through the path users take: a study file's `kind: allocator` strategy, validated by the
 * kind table (so the parameters are in `keel schema`), run by `runStudy --strict` with no finding.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { studyJsonSchema, validateStudy } from '../../config/index.ts';
import { createRng } from '../../core/index.ts';
import { runStudy } from '../../study/index.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-hier-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const study = (allocators: object[]) => ({
  name: 'hierarchical',
  seed: 5,
  data: { source: 'synthetic', market: { years: 2, stocks: 6 } },
  backtest: { costs: { kind: 'proportional', bps: 5 }, start: '2015-01-02', rebalance: 'quarterly' },
  strategies: allocators.map((a, i) => ({ name: `s${i}`, kind: 'allocator', window: 126, allocator: a })),
  baselines: [{ kind: 'equal-weight', name: '1/N' }],
});

describe('hierarchical allocators in a study', () => {
  it('hrp with optimalOrdering, herc (gap and k = 3, volatility) and nco (k-means and dendrogram) run strict', async () => {
    const s = study([
      { kind: 'hrp', optimalOrdering: true },
      { kind: 'herc' },
      { kind: 'herc', clusters: 3, riskMeasure: 'volatility' },
      { kind: 'nco' },
      { kind: 'nco', clustering: 'hierarchical', clusters: 2 },
    ]);
    const r = await runStudy(s, { outDir: join(work, 'a'), strict: true });
    const metrics = JSON.parse(readFileSync(join(r.path, 'metrics.json'), 'utf8')).strategies;
    for (let i = 0; i < 5; i++) {
      expect(r.artefacts).toContain(join(`s${i}`, 'weights.csv'));
      expect(metrics[`s${i}`], `s${i}`).toBeDefined();
    }
    const findings = JSON.parse(readFileSync(join(r.path, 'findings.json'), 'utf8')) as { severity: string }[];
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('nco max-sharpe with a cluster whose returns are all below the risk-free rate falls back, and says so', async () => {
    const s = study([{ kind: 'nco', clustering: 'hierarchical', clusters: 2, objective: 'max-sharpe' }]);
    const r = await runStudy(s, { outDir: join(work, 'b') });
    const findings = JSON.parse(readFileSync(join(r.path, 'findings.json'), 'utf8')) as {
      kind: string;
      message: string;
    }[];
    const fb = findings.filter((f) => f.kind === 'allocator-fallback');
    expect(fb.length).toBeGreaterThan(0);
    expect(fb[0]!.message).toMatch(/instead of nco \(nco: infeasible: .*max-Sharpe is undefined/);
  });

  it('a constant-price asset: no weight outside [0, 1], and a finding names the asset', async () => {
    const rng = createRng(9);
    const px = [100, 50, 20];
    const lines = ['date,A,B,C,CASH'];
    const day = new Date(Date.UTC(2016, 0, 4));
    for (let t = 0; t < 400; t++) {
      while ([0, 6].includes(day.getUTCDay())) day.setUTCDate(day.getUTCDate() + 1);
      for (let i = 0; i < 3; i++) px[i] = px[i]! * (1 + 0.0003 + 0.01 * rng.normal());
      lines.push(`${day.toISOString().slice(0, 10)},${px.map((p) => p.toFixed(4)).join(',')},100`);
      day.setUTCDate(day.getUTCDate() + 1);
    }
    const path = join(work, 'const.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    const s = {
      name: 'constant',
      seed: 1,
      data: { source: 'csv', path },
      backtest: { costs: { kind: 'none' }, start: '2016-07-01', rebalance: 'monthly' },
      strategies: ['hrp', 'herc', 'nco'].map((k) => ({
        name: k,
        kind: 'allocator',
        window: 63,
        allocator: { kind: k },
      })),
    };
    const r = await runStudy(s, { outDir: join(work, 'c') });
    const findings = JSON.parse(readFileSync(join(r.path, 'findings.json'), 'utf8')) as {
      strategy?: string;
      message: string;
    }[];
    for (const k of ['hrp', 'herc', 'nco']) {
      expect(
        findings.some((f) => f.strategy === k && f.message.includes('CASH')),
        k,
      ).toBe(true);
      const rows = readFileSync(join(r.path, k, 'weights.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1);
      for (const row of rows) for (const v of row.split(',').slice(1)) expect(Number(v)).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it('the new parameters are in the JSON Schema and bad values are refused at validation', () => {
    const text = JSON.stringify(studyJsonSchema());
    for (const key of ['optimalOrdering', 'riskMeasure', 'references', 'restarts', 'clustering'])
      expect(text).toContain(key);
    expect(text).toContain('"nco"');
    expect(() => validateStudy(study([{ kind: 'herc', clusters: 0 }]))).toThrow(/clusters/);
    expect(() => validateStudy(study([{ kind: 'nco', clustering: 'spectral' }]))).toThrow(/clustering/);
    expect(() => validateStudy(study([{ kind: 'hrp', optimalOrder: true }]))).toThrow(/optimalOrdering/);
  });
});
