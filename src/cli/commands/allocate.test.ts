/** `keel allocate` and `keel frontier` through the real CLI on PyPortfolioOpt's data (spawned in parallel). */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test/support/shared.ts';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'keel-allocate-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
writeFileSync(join(work, 'two.csv'), 'date,A,B\n2020-01-02,10,20\n2020-01-03,10.5,19\n2020-01-06,10.2,19.5\n2020-01-07,10.8,20.1\n');

function keel(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(repo, 'bin', 'keel.mjs'), ...args], { cwd: work, env: { ...process.env, KEEL_DEBUG: '' } }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describeShared('keel allocate / frontier', ['data', 'pypfopt', 'stock_prices.csv'], () => {
  it('max-Sharpe JSON matches PyPortfolioOpt; min-variance text; frontier JSON; usage errors exit 2', async () => {
    const file = sharedPath('data', 'pypfopt', 'stock_prices.csv');
    const [ms, mv, fr, bad, missingTarget] = await Promise.all([
      keel(['allocate', file, '--method', 'max-sharpe', '--json', '--value', '10000']),
      keel(['allocate', file, '--method', 'min-variance', '--bounds', 'none,none']),
      keel(['frontier', file, '--points', '5', '--json']),
      keel(['allocate', file, '--bounds', '0']),
      keel(['allocate', 'two.csv', '--method', 'efficient-risk']),
    ]);
    expect(ms.code, ms.stderr).toBe(0);
    const j = JSON.parse(ms.stdout) as { status: string; diagnostics: { sharpe: number }; discrete: { shares: Record<string, number> } };
    expect(j.status).toBe('ok');
    expect(j.diagnostics.sharpe).toBeCloseTo(1.2847714127003216, 9);
    expect(j.discrete.shares).toEqual({ MA: 20, FB: 12, PFE: 54, BABA: 4, AAPL: 4, BBY: 2, SBUX: 1, GOOG: 1 });
    expect(mv.code).toBe(0);
    expect(mv.stdout).toMatch(/annual volatility 15.56 %/);
    const f = JSON.parse(fr.stdout) as { points: { volatility: number }[] };
    expect(f.points).toHaveLength(5);
    expect(f.points[0]!.volatility).toBeCloseTo(0.15915084514118694, 9);
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.stderr).toMatch(/--bounds must be LO,HI/);
    expect(missingTarget).toMatchObject({ code: 2 });
    expect(missingTarget.stderr).toMatch(/needs --target-volatility/);
  }, 120_000);
});
