/**
 * `keel paper`: a daily loop through history that plans, approves within the study's limits, executes with
 * execution's paper broker (kept in its own file) and books into the ledger — the backtest's event order on a real
 * ledger:
 *
 *   day t (fill: next-close):  open day t at the broker → reconcile → if t−1 was a decision date: plan (decided at
 *   t−1, sized at the close of t) → approve → submit → close day t at the broker (market orders fill at the close
 *   of t; sliced children in their intraday slots) → book the fills → mark NAV at the close of t.
 *   (fill: same-close decides and fills at t.)
 *
 * Re-running the same command after a crash resumes after the last marked day: plan ids are derived from the
 * decision date and client order ids from the plan id, so nothing is planned or sent twice.
 */
import { configError, dataError } from '../core/index.ts';
import type { TradingStudy } from './study-source.ts';
import type { TradeLedger } from './ledger.ts';
import type { PaperBrokerFile } from './broker-file.ts';
import { autoApprove, reconcile, submitPlan, type MarketNow } from './desk.ts';
import { carriedCloses, holdings, makePlan, navAt, recordPlan } from './plan.ts';

export interface PaperDay {
  readonly date: string;
  readonly nav: number;
  readonly cash: number;
  readonly plan?: string;
  readonly note?: string;
}

export interface PaperResult {
  readonly days: readonly PaperDay[];
  readonly resumedAfter: string | null;
}

/** Settings the paper loop cannot honour are refused up front (one line each). */
export function checkPaperSettings(ts: TradingStudy): void {
  const o = ts.options;
  const fill = o.fill ?? 'next-close';
  if (fill === 'next-open')
    throw configError(
      'keel paper fills at closes; backtest.fill next-open is not supported — use next-close or same-close',
    );
  if ((o.cashRate ?? 0) !== 0 || (o.borrowSpread ?? 0) !== 0 || (o.shortBorrowCost ?? 0) !== 0)
    throw configError(
      'keel paper does not accrue cash interest or borrow fees; set backtest.cashRate, borrowSpread and shortBorrowCost to 0',
    );
  if (o.overlays !== undefined && (o.overlays as unknown[]).length > 0)
    throw configError('keel paper does not run risk overlays; remove backtest.overlays to paper-trade this study');
}

export function marketAt(ts: TradingStudy, t: number): MarketNow {
  const { px, dates } = carriedCloses(ts, t);
  const lastClose = new Map<string, number>();
  const lastPriceDate = new Map<string, string>();
  ts.panel.assets.forEach((a, i) => {
    if (Number.isFinite(px[i]!)) {
      lastClose.set(a, px[i]!);
      lastPriceDate.set(a, dates[i]!);
    }
  });
  return { lastClose, lastPriceDate };
}

export async function runPaper(
  ts: TradingStudy,
  ledger: TradeLedger,
  broker: PaperBrokerFile,
  from: string,
  to: string,
  onDay?: (day: PaperDay) => void,
): Promise<PaperResult> {
  checkPaperSettings(ts);
  const s = ts.indexOf(from, '--from');
  const e = ts.indexOf(to, '--to');
  if (e < s) throw dataError(`--to ${to} is before --from ${from}`);
  const sameClose = (ts.options.fill ?? 'next-close') === 'same-close';
  const lastMark = ledger.state('last-mark');
  const start = lastMark === null ? s : ts.panel.dates.indexOf(lastMark) + 1;
  if (lastMark !== null && (start <= s || start === 0))
    throw dataError(
      `ledger ${ledger.path} was marked up to ${lastMark}, before --from ${from}; use a new ledger for a new paper run`,
    );
  const days: PaperDay[] = [];
  for (let t = start; t <= e; t++) {
    const date = ts.panel.dates[t]!;
    // The broker cannot trade the data's first bar (its clock starts at that close).
    const canTrade = t > 0;
    if (canTrade) await broker.openDay(date);
    await reconcile(ledger, broker, date);
    const decisionRow = sameClose ? t : t - 1;
    let planId: string | undefined;
    let note: string | undefined;
    if (canTrade && decisionRow >= s && (decisionRow === s || ts.rule.isCheck(ts.panel.dates, decisionRow))) {
      const id = `paper-${ts.panel.dates[decisionRow]}`;
      let plan = ledger.plan(id);
      if (!plan) {
        const made = makePlan(ts, ledger, { id, asOf: decisionRow, priceAt: t });
        if (made) {
          recordPlan(ledger, made);
          plan = ledger.plan(id);
        }
      }
      if (plan) {
        planId = id;
        if (plan.status === 'planned') {
          const a = autoApprove(ledger, id, date, ts.trading.approval);
          if (!a.approved) note = `plan ${id} waits for approval: ${a.why}`;
        }
        if (ledger.plan(id)!.status === 'approved') {
          const r = await submitPlan(ledger, broker, id, date, ts.guardrails, marketAt(ts, t));
          if (r.denials.length > 0) note = r.denials.map((d) => d.message).join('; ');
          if (r.rejected.length > 0) note = [note, ...r.rejected].filter(Boolean).join('; ');
        }
      }
    }
    if (canTrade) {
      await broker.closeDay(date);
      await reconcile(ledger, broker, date, { booking: true });
    }
    const q = holdings(ts, ledger);
    const { px } = carriedCloses(ts, t);
    const cash = ledger.cash();
    const nav = navAt(q, px, cash);
    ledger.record([{ type: 'mark', date, body: { nav, cash } }]);
    const day: PaperDay = { date, nav, cash, ...(planId ? { plan: planId } : {}), ...(note ? { note } : {}) };
    days.push(day);
    onDay?.(day);
  }
  return { days, resumedAfter: lastMark };
}
