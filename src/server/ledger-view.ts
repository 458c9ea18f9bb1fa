/**
 * The paper portfolio for the dashboard: a read of the trading ledger (positions, cash, NAV marks, plans, open
 * orders) and the one write the dashboard makes, approving a plan — through the trading desk's own `approvePlan`,
 * so the hash check and the audit event are the CLI's. The ledger is opened per request and closed after, so
 * `keel trade` and `keel paper` can use it between requests (SQLite WAL).
 */
import { existsSync } from 'node:fs';
import { usageError } from '../core/index.ts';
import { approvePlan, TradeLedger } from '../trading/index.ts';

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
  return withLedger(file, (l) => ({
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
    })),
    openOrders: l.orders({ open: true }).map((o) => ({
      clientOrderId: o.clientOrderId,
      asset: o.asset,
      side: o.side,
      quantity: o.quantity,
      state: o.state,
    })),
  }));
}

/**
 * Approves plan `id` as `dashboard`, dated at the ledger's latest event (as `keel trade approve` does). Approval sends
 * nothing to a broker, so no reconciliation is needed first; `keel trade submit` reconciles before it sends.
 */
export function approveFromDashboard(file: string, id: string): { approved: boolean; by: string } {
  return withLedger(file, (l) => {
    const date = l.events().reduce((m, e) => (e.date > m ? e.date : m), '0000-00-00');
    const r = approvePlan(l, id, date, 'dashboard');
    return { approved: r.approved, by: r.by };
  });
}
