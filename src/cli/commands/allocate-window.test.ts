/**
 * A backtest decision of a scenario allocator is what `keel allocate` gives on a CSV of that decision's window:
 * the study (CSV data source → kind: allocator, min-cvar / min-cdar) and the CLI read the same prices through
 * different doors (study data step vs the command's loader, trailing window vs the whole file), so agreement shows
 * the backtest optimises exactly the window's return scenarios.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { synthesizeMarket } from '../../synth/index.ts';
import { loadStudySteps, runStudy, type StudyStep } from '../../study/index.ts';
import type { BacktestResult } from '../../backtest/index.ts';
import { allocateCommand } from './allocate.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-alloc-window-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const WINDOW = 63;
const IDS = ['EQ_BROAD', 'EQ_TECH', 'BOND_LONG', 'GOLD'];

async function allocateJson(args: string[]): Promise<{ status: string; weights: Record<string, number> }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  await allocateCommand().exitOverride().parseAsync(args, { from: 'user' });
  vi.restoreAllMocks();
  return JSON.parse(out) as { status: string; weights: Record<string, number> };
}

describe('backtest decision = keel allocate on the same window', () => {
  it('min-cvar and min-cdar decisions match the CLI on a CSV of each decision window (to 1e-9)', async () => {
    const panel = synthesizeMarket({ seed: 4, years: 1.5, stocks: 0 }).panel.selectAssets(IDS);
    const close = panel.field('close');
    const row = (t: number): string => [panel.dates[t], ...IDS.map((_, a) => String(close[t * 4 + a]))].join(',');
    const csv = (from: number, to: number): string =>
      ['date,' + IDS.join(','), ...Array.from({ length: to - from + 1 }, (_, k) => row(from + k))].join('\n') + '\n';
    writeFileSync(join(work, 'prices.csv'), csv(0, panel.nDates - 1));

    let runs: readonly { name: string; result: BacktestResult }[] = [];
    const capture: StudyStep = {
      name: 'capture',
      sections: [],
      applies: () => true,
      run: (ctx) => {
        runs = (ctx.state.extra['backtests'] as typeof runs | undefined) ?? [];
      },
    };
    const r = await runStudy(
      {
        name: 'window',
        seed: 1,
        data: { source: 'csv', path: 'prices.csv' },
        backtest: {
          costs: { kind: 'none' },
          start: panel.dates[WINDOW + 5],
          rebalance: 'monthly',
          periodsPerYear: 252,
        },
        strategies: ['min-cvar', 'min-cdar'].map((k) => ({
          name: k,
          kind: 'allocator',
          window: WINDOW,
          allocator: { kind: k },
        })),
        baselines: [{ kind: 'equal-weight', name: '1/N' }],
      },
      { outDir: join(work, 'runs'), baseDir: work, steps: [...(await loadStudySteps()), capture] },
    );
    expect(r.findings.filter((f) => f.strategy !== '1/N')).toEqual([]);
    for (const kind of ['min-cvar', 'min-cdar']) {
      const res = runs.find((x) => x.name === kind)!.result;
      const picked = [res.decisions[0]!, res.decisions[Math.floor(res.decisions.length / 2)]!, res.decisions.at(-1)!];
      for (const d of picked) {
        const t = panel.dateIndex(res.dates[d.dateIndex]!);
        const file = join(work, `${kind}-${t}.csv`);
        writeFileSync(file, csv(t - WINDOW, t)); // WINDOW + 1 prices → the WINDOW returns the strategy used
        const cli = await allocateJson([file, '--method', kind, '--json']);
        expect(cli.status).toBe('ok');
        // same scenarios, same LP → equal to HiGHS' tolerance on a unique optimum (1e-9 leaves room for the CSV
        // round trip of the prices, which is exact for these shortest-round-trip decimals)
        IDS.forEach((id, a) =>
          expect(Math.abs(cli.weights[id]! - d.target[a]!), `${kind} ${id} ${t}`).toBeLessThan(1e-9),
        );
      }
    }
  }, 120_000);
});
