/**
 * The paper portfolio for the dashboard: a read of the trading ledger (positions, cash, NAV marks, plans, open
 * orders) and the two writes the dashboard makes, approving or rejecting a plan — through the trading desk's own
 * `approvePlan` / `rejectPlan`, so the checks and the audit events are the CLI's. The ledger is opened per request
 * and closed after, so `keel trade` and `keel paper` can use it between requests (SQLite WAL).
 */
import { existsSync } from 'node:fs';
import { usageError } from '../core/index.ts';
import { approvePlan, rejectPlan, TradeLedger } from '../trading/index.ts';

export interface LedgerSnapshot {
  readonly file: string;
  readonly halted: boolean;
  readonly cash: number;
  readonly positions: Readonly<Record<string, number>>;
  readonly marks: readonly { date: string; nav: number; cash: number }[];
  readonly plans: readonly {
    id: string;
    status: string;
    date: string;
    strategy: string;
    orders: number;
    approvedBy: string | null;
    /** Who rejected it and why (from its `rejection` event), when it was rejected. */
    rejectedBy: string | null;
    reason: string | null;
  }[];
  readonly openOrders: readonly {
    clientOrderId: string;
    asset: string;
    side: string;
    quantity: number;
    state: string;
  }[];
}

function withLedger<T>(file: string, f: (l: TradeLedger) => T): T {
  if (!existsSync(file))
    throw usageError(`--ledger ${file} does not exist; create one with keel trade plan or keel paper`);
  const ledger = TradeLedger.open(file);
  try {
    return f(ledger);
  } finally {
    ledger.close();
  }
}

export function readLedger(file: string): LedgerSnapshot {
  return withLedger(file, (l) => {
    const rejections = new Map(l.events({ type: 'rejection' }).map((e) => [e.body['planId'] as string, e.body]));
    return {
      file,
      halted: l.halted,
      cash: l.cash(),
      positions: Object.fromEntries(l.positions()),
      marks: l.marks(),
      plans: l.plans().map((p) => ({
        id: p.id,
        status: p.status,
        date: p.body.asOf,
        strategy: p.body.strategy,
        orders: p.body.orders.length,
        approvedBy: p.approvedBy,
        rejectedBy: (rejections.get(p.id)?.['by'] as string | undefined) ?? null,
        reason: (rejections.get(p.id)?.['reason'] as string | undefined) ?? null,
      })),
      openOrders: l.orders({ open: true }).map((o) => ({
        clientOrderId: o.clientOrderId,
        asset: o.asset,
        side: o.side,
        quantity: o.quantity,
        state: o.state,
      })),
    };
  });
}

const latestDate = (l: TradeLedger): string => l.events().reduce((m, e) => (e.date > m ? e.date : m), '0000-00-00');

/**
 * Approves plan `id` as `dashboard`, dated at the ledger's latest event (as `keel trade approve` does). Approval sends
 * nothing to a broker, so no reconciliation is needed first; `keel trade submit` reconciles before it sends.
 */
export function approveFromDashboard(file: string, id: string): { approved: boolean; by: string } {
  return withLedger(file, (l) => {
    const r = approvePlan(l, id, latestDate(l), 'dashboard');
    return { approved: r.approved, by: r.by };
  });
}

/** Rejects plan `id` as `dashboard` (dated like an approval); only a plan waiting for approval can be rejected. */
export function rejectFromDashboard(
  file: string,
  id: string,
  reason: string | undefined,
): { rejected: boolean; by: string; reason: string | null } {
  return withLedger(file, (l) => {
    const r = rejectPlan(l, id, latestDate(l), 'dashboard', reason);
    return { rejected: r.rejected, by: r.by, reason: r.reason };
  });
}
