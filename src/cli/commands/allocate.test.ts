/**
 * `keel allocate` and `keel frontier` in-process (the command factories with commander's parseAsync; stdout
 * captured) on PyPortfolioOpt's data: the CLI path reproduces the library's reference figures.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { isKeelError } from '../../core/index.ts';
import { describeShared, sharedPath } from '../../../test/support/shared.ts';
import { allocateCommand } from './allocate.ts';
import { frontierCommand } from './frontier.ts';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function run(
  factory: () => import('commander').Command,
  args: string[],
): Promise<{ out: string; error?: string; kind?: string }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const cmd = factory()
    .exitOverride()
    .configureOutput({ writeErr: () => {}, outputError: () => {} });
  try {
    await cmd.parseAsync(args, { from: 'user' });
    return { out };
  } catch (e) {
    if (isKeelError(e)) return { out, error: e.message, kind: e.kind };
    return { out, error: e instanceof Error ? e.message : String(e), kind: 'commander' };
  }
}

describeShared('keel allocate / frontier', ['data', 'pypfopt', 'stock_prices.csv'], () => {
  const file = sharedPath('data', 'pypfopt', 'stock_prices.csv');
  it('max-Sharpe JSON matches PyPortfolioOpt, with the greedy share allocation', async () => {
    const r = await run(allocateCommand, [file, '--method', 'max-sharpe', '--json', '--value', '10000']);
    const j = JSON.parse(r.out) as {
      status: string;
      diagnostics: { sharpe: number };
      discrete: { shares: Record<string, number> };
    };
    expect(j.status).toBe('ok');
    expect(j.diagnostics.sharpe).toBeCloseTo(1.2847714127003216, 9);
    expect(j.discrete.shares).toEqual({ MA: 20, FB: 12, PFE: 54, BABA: 4, AAPL: 4, BBY: 2, SBUX: 1, GOOG: 1 });
  });
  it('min-variance with bounds none,none prints PyPortfolioOpt volatility 15.56 %', async () => {
    const r = await run(allocateCommand, [file, '--method', 'min-variance', '--bounds', 'none,none']);
    expect(r.out).toMatch(/annual volatility 15.56 %/);
  });
  it('frontier JSON starts at the min-variance point', async () => {
    const r = await run(frontierCommand, [file, '--points', '4', '--json']);
    const f = JSON.parse(r.out) as { points: { volatility: number }[]; maxSharpe: { sharpe: number } };
    expect(f.points).toHaveLength(4);
    expect(f.points[0]!.volatility).toBeCloseTo(0.15915084514118694, 9);
    expect(f.maxSharpe.sharpe).toBeCloseTo(1.2847714127003216, 9);
  });
  it('usage errors are one line naming the flag', async () => {
    const bad = await run(allocateCommand, [file, '--bounds', '0']);
    expect(bad.kind).toBe('usage');
    expect(bad.error).toMatch(/--bounds must be LO,HI/);
    const missing = await run(allocateCommand, [file, '--method', 'efficient-risk']);
    expect(missing.error).toMatch(/needs --target-volatility/);
  });
});
