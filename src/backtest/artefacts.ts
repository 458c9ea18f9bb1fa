/**
 * What a run writes for one backtest (the runner's writer puts these texts in runs/<id>/, prefixed per strategy):
 *   ledger.csv   date,asset,side,quantity,price,notional,cost          one row per filled order
 *   nav.csv      date,nav,return,cash,traded,costs,accruals           one row per simulated date
 *   weights.csv  date,<asset…>                                         post-trade weights at each close
 *   metrics.json { strategy, settings, metrics, findings, decisions }  NaN written as null
 * Numbers are written with full round-trip precision (String(x)).
 */
import { groupFindings } from '../core/index.ts';
import { ledgerRows } from './ledger.ts';
import type { BacktestResult } from './engine.ts';

const num = (v: number): string => (Number.isFinite(v) ? String(v) : '');
const cell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function ledgerCsv(r: BacktestResult): string {
  const lines = ['date,asset,side,quantity,price,notional,cost'];
  for (const x of ledgerRows(r.ledger))
    lines.push([x.date, cell(x.asset), x.side, num(x.quantity), num(x.price), num(x.notional), num(x.cost)].join(','));
  return lines.join('\n') + '\n';
}

export function navCsv(r: BacktestResult): string {
  const lines = ['date,nav,return,cash,traded,costs,accruals'];
  for (let i = 0; i < r.dates.length; i++) {
    lines.push(
      [
        r.dates[i]!,
        num(r.nav[i]!),
        num(r.returns[i]!),
        num(r.cash[i]!),
        num(r.traded[i]!),
        num(r.costs[i]!),
        num(r.accruals[i]!),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

export function weightsCsv(r: BacktestResult): string {
  const n = r.assets.length;
  const lines = [['date', ...r.assets.map(cell)].join(',')];
  for (let i = 0; i < r.dates.length; i++) {
    const row = [r.dates[i]!];
    for (let a = 0; a < n; a++) row.push(num(r.weights[i * n + a]!));
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

const nanToNull = (_k: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? null : v);

/** The metrics.json value: metrics, settings, findings (grouped) and a compact decision log. */
export function metricsObject(r: BacktestResult): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(
      {
        strategy: r.strategy,
        from: r.dates[Math.min(r.firstFillIndex + 1, r.dates.length - 1)],
        to: r.dates.at(-1),
        settings: r.settings,
        metrics: r.metrics,
        finalNav: r.nav.at(-1),
        orders: r.ledger.length,
        decisions: r.decisions.length,
        findings: groupFindings(r.findings),
      },
      nanToNull,
    ),
  ) as Record<string, unknown>;
}

/** All four files for one backtest, keyed by file name (prefix e.g. `60-40/` for several strategies in one run). */
export function backtestArtefacts(r: BacktestResult, prefix = ''): Record<string, string> {
  return {
    [`${prefix}ledger.csv`]: ledgerCsv(r),
    [`${prefix}nav.csv`]: navCsv(r),
    [`${prefix}weights.csv`]: weightsCsv(r),
    [`${prefix}metrics.json`]: JSON.stringify(metricsObject(r), null, 2) + '\n',
  };
}
