/**
 * `keel paper` with slicing (the study's `trading.execution`): children fill in their intraday slots at the paper
 * broker, and the run reports its execution cost against the unsliced replay — NAV unsliced − NAV sliced — next to
 * the implementation shortfall of execution's quality report. Slicing off costs 0.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process.ts';
import { tempDir } from '../../../test/support/trading-studies.ts';
import { TradeLedger, executionReport, loadTradingStudy, type ExecutionReport } from '../../trading/index.ts';

const FROM = '2015-01-02';
const TO = '2015-04-30';

function study(dir: string, execution: string): string {
  const path = join(dir, 'iv.yaml');
  writeFileSync(
    path,
    `name: paper-iv-sliced
seed: 7
data:
  source: synthetic
  market: { start: 2014-01-01, years: 2, stocks: 4 }
backtest:
  start: ${FROM}
  end: ${TO}
  periodsPerYear: 252
  rebalance: weekly
  fill: next-close
  initialCapital: 1000000
  costs: { kind: composite, models: [{ kind: proportional, bps: 5 }, { kind: sqrt-impact, coefficient: 1 }] }
strategies:
  - kind: inverse-volatility
    name: iv
    window: 40
baselines: []
trading:
  approval: { auto: true, maxTurnover: 2, maxOrders: 1000 }
  limits: { maxOrdersPerDay: 1000 }
${execution}`,
  );
  return path;
}

interface PaperJson {
  marks: { date: string; nav: number }[];
  notes: unknown[];
  reconciled: boolean;
  execution?: ExecutionReport;
}

async function paper(dir: string, studyPath: string): Promise<PaperJson> {
  const r = await runInProcess([
    'paper',
    studyPath,
    '--from',
    FROM,
    '--to',
    TO,
    '--ledger',
    join(dir, 'p.sqlite'),
    '--json',
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as PaperJson;
}

describe('keel paper with slicing', () => {
  it(
    'TWAP: a non-zero execution cost = NAV unsliced − sliced, equal to the shortfall report (exactly on the first trade day, carried to the end within 1 % of Σ|excess|)',
    { timeout: 300_000 },
    async () => {
      const dir = tempDir('paper-twap');
      const p = await paper(dir, study(dir, '  execution: { algorithm: twap, slots: 13 }\n'));
      expect(p.notes).toEqual([]);
      expect(p.reconciled).toBe(true);
      const x = p.execution!;
      // The file beside the ledger holds the same report.
      expect(JSON.parse(readFileSync(join(dir, 'p.sqlite.execution.json'), 'utf8'))).toEqual(x);
      expect(x.algorithm).toBe('twap');
      expect(x.total.children).toBe(x.total.parents * 13);
      expect(x.nav.sliced).toBe(p.marks.at(-1)!.nav);
      const cost = x.nav.executionCost;
      expect(cost).not.toBe(0);
      expect(Math.sign(cost)).toBe(Math.sign(x.total.compounded));
      // Per order: the shortfall against the close, less the fee a whole fill at the close pays.
      for (const o of x.parents) expect(o.excess).toBeCloseTo(o.shortfall - o.closeFee, 9);
      expect(x.total.excess).toBeCloseTo(
        x.parents.reduce((s, o) => s + o.excess, 0),
        6,
      );
      // On the first fill day both runs held the same before trading: the NAV gap is that day's excess exactly.
      const first = x.parents[0]!.date;
      const dayExcess = x.parents.filter((o) => o.date === first).reduce((s, o) => s + o.excess, 0);
      const sliced = p.marks.find((m) => m.date === first)!.nav;
      const unsliced = x.unslicedMarks.find((m) => m.date === first)!.nav;
      expect(Math.abs(unsliced - sliced - dayExcess)).toBeLessThan(1e-9 * unsliced);
      // At the end: each day's excess carried by the portfolio's growth since (Σ excess_d × NAV_T/NAV_d).
      expect(Math.abs(cost - x.total.compounded)).toBeLessThan(0.01 * x.total.absExcess);
      console.log(
        `paper TWAP ${FROM} … ${TO}: execution cost ${cost.toFixed(2)} (NAV ${x.nav.unsliced.toFixed(2)} − ${x.nav.sliced.toFixed(2)}), shortfall ${x.total.shortfall.toFixed(2)} = ${x.total.shortfallBps.toFixed(2)} bp, excess over close fills ${x.total.excess.toFixed(2)}, carried ${x.total.compounded.toFixed(2)}`,
      );
    },
  );

  it(
    "slicing off: no report file, the report of an unsliced ledger is 0, and the NAV is the backtest's (sqrt-impact costs)",
    { timeout: 300_000 },
    async () => {
      const dir = tempDir('paper-off');
      const path = study(dir, '');
      const p = await paper(dir, path);
      // The backtest of the same study (keel run): equal on every day, with the ADV/σ-dependent sqrt-impact cost.
      expect((await runInProcess(['run', path, '--out', join(dir, 'runs')])).code).toBe(0);
      const nav = new Map(
        readFileSync(join(dir, 'runs', readdirSync(join(dir, 'runs'))[0]!, 'iv', 'nav.csv'), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => [l.split(',')[0]!, Number(l.split(',')[1])] as const),
      );
      expect(p.marks.map((m) => m.date)).toEqual([...nav.keys()]);
      const maxRel = Math.max(...p.marks.map((m) => Math.abs(m.nav - nav.get(m.date)!) / nav.get(m.date)!));
      expect(maxRel).toBeLessThan(1e-9);
      expect(p.execution).toBeUndefined();
      expect(existsSync(join(dir, 'p.sqlite.execution.json'))).toBe(false);
      const ts = await loadTradingStudy(path);
      const ledger = TradeLedger.open(join(dir, 'p.sqlite'));
      try {
        const x = await executionReport(ts, ledger, FROM, TO);
        expect(x.parents).toEqual([]);
        expect(x.nav.executionCost).toBe(0);
        expect(x.nav.sliced).toBe(p.marks.at(-1)!.nav);
      } finally {
        ledger.close();
      }
    },
  );
});
