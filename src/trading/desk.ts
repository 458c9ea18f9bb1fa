/**
 * The trading desk: the operations behind `keel trade …` and `keel paper`, over a ledger and a broker.
 *
 * Crash discipline (STYLE-NEW-STAGES §8): an order's client order id is chosen when the plan is recorded; the
 * `submit` event (the intent) is committed BEFORE the broker is called; the broker's answer and fills are booked in
 * the next transaction. `reconcile` — run by every command before it acts — books whatever the broker did that the
 * ledger missed (accepts, fills since the last trade id booked, cancels), and an intent the broker never received
 * is sent again under the same client order id, so a kill at any point neither loses a fill nor duplicates an order.
 */
import { dataError, usageError } from '../core/index.ts';
import type { Broker, Fill, OrderRequest } from '../execution/index.ts';
import type { TradingSection } from '../config/index.ts';
import { checkOrders, type Denial, type GuardContext, type Guardrails } from './guardrails.ts';
import { planHash, type EventType, type PlanRow, type TradeLedger } from './ledger.ts';

type Ev = { type: EventType; date: string; body: Record<string, unknown> };

export interface ReconcileReport {
  readonly checked: number;
  readonly accepted: number;
  readonly fillsBooked: number;
  readonly canceled: number;
  /** Intents the broker never received (sent again by the next submit). */
  readonly missing: readonly string[];
  readonly positionsMatch: boolean;
  readonly cashMatch: boolean;
  readonly ledgerCash: number;
  readonly brokerCash: number;
  readonly differences: readonly string[];
}

const CLOSED_AT_BROKER = new Set(['canceled', 'expired', 'rejected']);

/** Align the ledger with the broker by client order id; records what it booked in one transaction. */
export async function reconcile(
  ledger: TradeLedger,
  broker: Broker,
  date: string,
  options: { record?: boolean; booking?: boolean } = {},
): Promise<ReconcileReport> {
  const events: Ev[] = [];
  // Booking the close of a trading day is the normal path, not a recovery: no reconciliation flag, no summary.
  const flag = options.booking ? {} : { reconciliation: true };
  const missing: string[] = [];
  let accepted = 0;
  let canceled = 0;
  const open = ledger.orders({ open: true }).filter((o) => o.state !== 'initialized');
  const brokerState = new Map<string, string>();
  for (const o of open) {
    const bo = await broker.order(o.clientOrderId);
    if (!bo) {
      missing.push(o.clientOrderId);
      continue;
    }
    brokerState.set(o.clientOrderId, bo.state);
    if (bo.state === 'rejected') {
      events.push({
        type: 'reject',
        date,
        body: { clientOrderId: o.clientOrderId, code: 'rejected', ...flag },
      });
      continue;
    }
    if (o.state === 'submitted') {
      events.push({
        type: 'accept',
        date,
        body: { clientOrderId: o.clientOrderId, brokerOrderId: bo.brokerOrderId, ...flag },
      });
      accepted++;
    }
  }
  const fills = await newFills(ledger, broker);
  for (const f of fills)
    events.push({
      type: 'fill',
      date: f.date,
      body: { fill: f as unknown as Record<string, unknown>, ...flag },
    });
  for (const [coid, st] of brokerState)
    if (CLOSED_AT_BROKER.has(st) && st !== 'rejected') {
      events.push({ type: 'cancel', date, body: { clientOrderId: coid, state: st, ...flag } });
      canceled++;
    }
  // Compare holdings and cash with the broker's (after what is booked now).
  const pos = ledger.positions();
  for (const f of fills) pos.set(f.asset, (pos.get(f.asset) ?? 0) + (f.side === 'buy' ? f.quantity : -f.quantity));
  let cash = ledger.cash();
  for (const f of fills) cash -= (f.side === 'buy' ? f.quantity : -f.quantity) * f.price + f.fee;
  const differences: string[] = [];
  const bpos = new Map((await broker.positions()).map((p) => [p.asset, p.quantity]));
  for (const asset of new Set([...pos.keys(), ...bpos.keys()])) {
    const a = pos.get(asset) ?? 0;
    const b = bpos.get(asset) ?? 0;
    if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(b))) differences.push(`${asset}: ledger ${a}, broker ${b}`);
  }
  const acct = await broker.account();
  const cashMatch = Math.abs(cash - acct.cash) <= 1e-9 * Math.max(1, Math.abs(acct.cash));
  if (!cashMatch) differences.push(`cash: ledger ${cash}, broker ${acct.cash}`);
  const report: ReconcileReport = {
    checked: open.length,
    accepted,
    fillsBooked: fills.length,
    canceled,
    missing,
    positionsMatch: differences.length === (cashMatch ? 0 : 1),
    cashMatch,
    ledgerCash: cash,
    brokerCash: acct.cash,
    differences,
  };
  if ((events.length > 0 && !options.booking) || options.record) {
    const { differences: d, ...summary } = report;
    events.push({
      type: 'reconcile',
      date,
      body: { ...summary, differences: d } as unknown as Record<string, unknown>,
    });
  }
  ledger.record(events);
  return report;
}

/** Broker fills after the last trade id the ledger booked, for orders the ledger knows (each applied once). */
async function newFills(ledger: TradeLedger, broker: Broker): Promise<Fill[]> {
  const since = ledger.lastTradeId();
  const fills = await broker.fills(since);
  return fills.filter((f) => !ledger.hasFill(f.tradeId) && ledger.order(f.clientOrderId) !== null);
}

export interface ApproveResult {
  readonly approved: boolean;
  readonly by: string;
  readonly why?: string;
}

/** Human approval: refused when the stored plan no longer hashes to what was planned. */
export function approvePlan(ledger: TradeLedger, id: string, date: string, by = 'cli'): ApproveResult {
  const plan = requirePlan(ledger, id);
  if (plan.status !== 'planned')
    throw dataError(`plan ${id} is ${plan.status}, not waiting for approval; only a planned plan can be approved`);
  checkHash(ledger, plan);
  ledger.record([{ type: 'approval', date, body: { planId: id, hash: plan.hash, by } }]);
  return { approved: true, by };
}

/** Longest rejection reason kept in the audit log (characters). */
export const MAX_REASON = 500;

export interface RejectResult {
  readonly rejected: true;
  readonly by: string;
  readonly reason: string | null;
}

/**
 * Human rejection of a plan waiting for approval: a `rejection` event (hash-chained like every event) marks the plan
 * rejected and its unsent orders denied, so it can never be approved or submitted. Only a `planned` plan can be
 * rejected: an approved one may already be at the broker (halt cancels open orders), a decided one stays decided.
 * No hash check: declining a plan, even one edited since planning, sends nothing.
 */
export function rejectPlan(ledger: TradeLedger, id: string, date: string, by = 'cli', reason?: string): RejectResult {
  const plan = requirePlan(ledger, id);
  if (plan.status !== 'planned')
    throw dataError(
      `plan ${id} is ${plan.status}, not waiting for approval; only a planned plan can be rejected${plan.status === 'approved' ? ' (to stop an approved plan, keel trade halt)' : ''}`,
    );
  const why = reason?.trim() ? reason.trim() : null;
  if (why !== null && why.length > MAX_REASON)
    throw usageError(
      `the reason for rejecting plan ${id} is ${why.length} characters; keep it to ${MAX_REASON} or fewer`,
    );
  ledger.record([
    { type: 'rejection', date, body: { planId: id, hash: plan.hash, by, ...(why !== null ? { reason: why } : {}) } },
  ]);
  return { rejected: true, by, reason: why };
}

/** Automatic approval within the study's `trading.approval` limits; otherwise the plan waits for a human. */
export function autoApprove(
  ledger: TradeLedger,
  id: string,
  date: string,
  approval: TradingSection['approval'],
): ApproveResult {
  const plan = requirePlan(ledger, id);
  if (plan.status !== 'planned')
    return { approved: false, by: 'auto', why: `plan ${id} is ${plan.status}, not waiting for approval` };
  if (!approval.auto)
    return { approved: false, by: 'auto', why: 'trading.approval.auto is false: run keel trade approve' };
  const turnover = plan.body.orders.reduce((s, o) => s + o.quantity * o.price, 0) / plan.body.nav;
  const n = plan.body.orders.length;
  if (turnover > approval.maxTurnover || n > approval.maxOrders)
    return {
      approved: false,
      by: 'auto',
      why: `outside the auto-approval limits (turnover=${turnover.toPrecision(6)}, max=${approval.maxTurnover}; orders=${n}, max=${approval.maxOrders}): run keel trade approve ${id}`,
    };
  checkHash(ledger, plan);
  const by = `auto: turnover=${turnover.toPrecision(6)} <= ${approval.maxTurnover}, orders=${n} <= ${approval.maxOrders}`;
  ledger.record([{ type: 'approval', date, body: { planId: id, hash: plan.hash, by } }]);
  return { approved: true, by };
}

function requirePlan(ledger: TradeLedger, id: string): PlanRow {
  const plan = ledger.plan(id);
  if (!plan) {
    const known = ledger.plans().map((p) => p.id);
    throw dataError(
      `no plan ${id} in ${ledger.path}${known.length ? `; plans: ${known.slice(-5).join(', ')}` : '; run keel trade plan first'}`,
    );
  }
  return plan;
}

function checkHash(ledger: TradeLedger, plan: PlanRow): void {
  const now = planHash(plan.body);
  const planned = ledger.events({ type: 'plan' }).find((e) => (e.body['plan'] as { id?: string }).id === plan.id);
  const original = planned?.body['hash'] as string | undefined;
  if (now !== plan.hash || original !== plan.hash)
    throw dataError(
      `plan ${plan.id} changed since it was planned (hash ${now.slice(0, 12)} ≠ planned ${(original ?? plan.hash).slice(0, 12)}); refusing to approve it — plan again`,
    );
}

export interface SubmitResult {
  readonly sent: number;
  readonly resent: number;
  readonly fills: number;
  readonly rejected: readonly string[];
  readonly denials: readonly Denial[];
}

export interface MarketNow {
  readonly lastClose: ReadonlyMap<string, number>;
  readonly lastPriceDate: ReadonlyMap<string, string>;
}

/**
 * Send an approved plan's orders (sells first). Guardrails run on the orders not yet sent; a plan-scope denial
 * denies the whole plan (breach events, nothing sent). A plan already submitted in full is refused.
 */
export async function submitPlan(
  ledger: TradeLedger,
  broker: Broker,
  id: string,
  date: string,
  guardrails: Guardrails,
  market: MarketNow,
  onOrder?: (clientOrderId: string) => void,
): Promise<SubmitResult> {
  const plan = requirePlan(ledger, id);
  if (plan.status === 'submitted')
    throw dataError(`plan ${id} was already submitted; a plan is sent once — run keel trade plan for new orders`);
  if (plan.status === 'denied')
    throw dataError(`plan ${id} was denied by a guardrail (see keel trade history); plan again`);
  if (plan.status === 'rejected')
    throw dataError(
      `plan ${id} was rejected (see keel trade history --type rejection); a rejected plan is never sent — plan again`,
    );
  if (plan.status !== 'approved') throw usageError(`plan ${id} is not approved; run keel trade approve ${id} first`);
  checkHash(ledger, plan);
  if (ledger.halted) {
    const d: Denial = {
      rule: 'kill-switch',
      code: 'trading-halted',
      scope: 'plan',
      message: 'trading-halted: the kill switch is on (keel trade halt); run keel trade resume',
    };
    ledger.record([{ type: 'breach', date, body: { ...d, planId: id, scope: 'order' } }]);
    return { sent: 0, resent: 0, fills: 0, rejected: [], denials: [d] };
  }
  const orders = ledger.orders({ planId: id });
  // Intraday slots of sliced child orders live in the plan body (the orders table has no column for them).
  const slots = new Map(plan.body.orders.filter((o) => o.slot).map((o) => [o.clientOrderId, o.slot!]));
  const fresh = orders.filter((o) => o.state === 'initialized');
  const rep = await reconcile(ledger, broker, date);
  const resend = orders.filter((o) => rep.missing.includes(o.clientOrderId));
  const denials: Denial[] = [];
  if (fresh.length > 0) {
    const pos = ledger.positions();
    let nav = ledger.cash();
    for (const [asset, q] of pos) nav += q * (market.lastClose.get(asset) ?? 0);
    const sent = ledger.sentOn(date);
    const ctx: GuardContext = {
      date,
      halted: ledger.halted,
      nav,
      positions: pos,
      lastClose: market.lastClose,
      lastPriceDate: market.lastPriceDate,
      turnoverToday: sent.turnover,
      ordersToday: sent.orders,
      peakNav: ledger.peakNav(),
    };
    // Plan-scope rules judge the plan as a whole, once, before its first order goes out; a plan resumed after a
    // crash (some orders already sent) continues that decision, so only order-scope rules apply to the rest.
    const started = orders.some((o) => o.state !== 'initialized');
    const found = checkOrders(
      guardrails,
      fresh.map((o) => ({ ...o, price: o.limitPrice ?? o.price })),
      ctx,
    );
    denials.push(...(started ? found.filter((d) => d.scope === 'order') : found));
    const breaches: Ev[] = denials.map((d) => ({
      type: 'breach' as const,
      date,
      body: { ...d, planId: id } as unknown as Record<string, unknown>,
    }));
    if (denials.some((d) => d.rule === 'drawdown-stop') && !ledger.halted)
      breaches.push({ type: 'halt', date, body: { reason: 'drawdown-stop' } });
    ledger.record(breaches);
    if (denials.some((d) => d.scope === 'plan')) return { sent: 0, resent: 0, fills: 0, rejected: [], denials };
  }
  const denied = new Set(denials.map((d) => d.clientOrderId));
  const toSend = [...resend, ...fresh.filter((o) => !denied.has(o.clientOrderId))];
  toSend.sort((a, b) => (a.side === b.side ? 0 : a.side === 'sell' ? -1 : 1));
  let fillCount = 0;
  const rejected: string[] = [];
  for (const o of toSend) {
    if (o.state === 'initialized')
      ledger.record([{ type: 'submit', date, body: { clientOrderId: o.clientOrderId, planId: id } }]);
    const req: OrderRequest = {
      clientOrderId: o.clientOrderId,
      asset: o.asset,
      side: o.side,
      quantity: o.quantity,
      type: o.type,
      timeInForce: o.timeInForce,
      ...(o.limitPrice !== null ? { limitPrice: o.limitPrice } : {}),
      ...(o.parentId !== null ? { parentId: o.parentId } : {}),
      ...(slots.has(o.clientOrderId) ? { slot: slots.get(o.clientOrderId)! } : {}),
    };
    const res = await broker.submit(req);
    if (!res.ok) {
      rejected.push(`${o.clientOrderId}: ${res.code}: ${res.message}`);
      ledger.record([
        { type: 'reject', date, body: { clientOrderId: o.clientOrderId, code: res.code, message: res.message } },
      ]);
      continue;
    }
    const fills = await newFills(ledger, broker);
    fillCount += fills.length;
    ledger.record([
      { type: 'accept', date, body: { clientOrderId: o.clientOrderId, brokerOrderId: res.order.brokerOrderId } },
      ...fills.map((f) => ({
        type: 'fill' as const,
        date: f.date,
        body: { fill: f as unknown as Record<string, unknown> },
      })),
    ]);
    onOrder?.(o.clientOrderId);
  }
  ledger.record([{ type: 'submit', date, body: { planId: id, complete: true } }]);
  return {
    sent: toSend.length - resend.length,
    resent: resend.length,
    fills: fillCount,
    rejected,
    denials,
  };
}

/** Kill switch: record the halt, then cancel every open order at the broker (each cancel booked). */
export async function halt(ledger: TradeLedger, broker: Broker, date: string, reason: string): Promise<number> {
  await reconcile(ledger, broker, date);
  if (!ledger.halted) ledger.record([{ type: 'halt', date, body: { reason } }]);
  let n = 0;
  for (const o of ledger.orders({ open: true })) {
    if (o.state === 'initialized') continue;
    const bo = await broker.cancel(o.clientOrderId);
    if (bo && (bo.state === 'canceled' || bo.state === 'expired')) {
      ledger.record([
        { type: 'cancel', date, body: { clientOrderId: o.clientOrderId, state: bo.state, reason: 'halt' } },
      ]);
      n++;
    }
  }
  return n;
}

export function resume(ledger: TradeLedger, date: string, reason: string): void {
  if (!ledger.halted) throw dataError('trading is not halted; nothing to resume');
  ledger.record([{ type: 'resume', date, body: { reason } }]);
}
