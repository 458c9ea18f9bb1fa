/**
 * `keel trade …`: plan, approve, reject, submit, status, reconcile, history, halt, resume and audit --verify over a
 * ledger file (`--ledger FILE`) and its paper broker (`--broker FILE`, default `<ledger>.broker`). Every
 * command that talks to the broker reconciles open orders by client order id before it acts (audit only reads).
 *
 *   keel trade plan examples/paper-60-40.yaml --as-of 2016-03-01 --ledger book.sqlite
 *   keel trade approve P-2016-03-01-1 --ledger book.sqlite
 *   keel trade submit P-2016-03-01-1 --ledger book.sqlite
 */
import { Command, InvalidArgumentError } from 'commander';
import { dataError } from '../../core/index.ts';
import { orderOverrides, withOrderOptions, type OrderOpts } from './order-options.ts';

const isoDate = (v: string): string => {
  // Date.parse first: toISOString throws on an impossible date such as 2014-13-45.
  const ok =
    /^\d{4}-\d{2}-\d{2}$/.test(v) &&
    !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
    new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
  if (!ok) throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got "${v}"`);
  return v;
};

const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

type LedgerOpts = { ledger: string; broker?: string; json?: boolean };

const withLedger = (cmd: Command): Command =>
  cmd
    .requiredOption('--ledger <file>', 'the trading ledger (SQLite)')
    .option('--broker <file>', 'the paper broker file (default: <ledger>.broker)');

/** Date for reconcile events of commands without a date: the latest date the ledger booked. */
const ledgerDate = (events: readonly { date: string }[]): string =>
  events.reduce((m, e) => (e.date > m ? e.date : m), '0000-00-00');

async function withSession<T>(
  opts: LedgerOpts,
  fn: (s: import('../../trading/index.ts').Session) => Promise<T>,
): Promise<T> {
  const { openSession } = await import('../../trading/index.ts');
  const s = openSession(opts.ledger, opts.broker);
  try {
    return await fn(s);
  } finally {
    s.end(false);
  }
}

function planCommand(): Command {
  return withLedger(
    withOrderOptions(new Command('plan'))
      .description("run the study's trading strategy at the close of --as-of (data ≤ that date) and store the plan")
      .argument('<study>', 'study file')
      .requiredOption('--as-of <date>', 'decision date (a trading date of the study data)', isoDate)
      .option('--id <id>', 'plan id (default P-<as-of>-<n>)')
      .option(
        '--orders <file>',
        'plan these orders (JSON array of { asset, side, quantity, limitPrice? }) instead of the strategy',
      )
      .option('--json', 'print the plan as JSON'),
  ).action(async (studyPath: string, opts: LedgerOpts & OrderOpts & { asOf: string; id?: string; orders?: string }) => {
    const t = await import('../../trading/index.ts');
    const ts = t.withOrderSettings(await t.loadTradingStudy(studyPath), orderOverrides(opts));
    const asOf = ts.indexOf(opts.asOf, '--as-of');
    const session = t.openStudySession(ts, opts.ledger, opts.broker);
    let failed = true;
    try {
      const { ledger, broker } = session;
      await t.reconcile(ledger, broker, opts.asOf);
      const n = ledger.plans().filter((p) => p.body.asOf === opts.asOf).length + 1;
      const id = opts.id ?? `P-${opts.asOf}-${n}`;
      if (!/^[A-Za-z0-9._:-]{1,64}$/.test(id)) throw dataError(`--id "${id}" must be 1-64 letters, digits or . _ : -`);
      if (ledger.plan(id)) throw dataError(`plan ${id} already exists in ${opts.ledger}; choose another --id`);
      const plan = opts.orders
        ? t.manualPlan(ts, ledger, id, asOf, opts.orders)
        : t.makePlan(ts, ledger, { id, asOf, priceAt: asOf });
      if (!plan) {
        out(`no trade at ${opts.asOf}: the rebalancing rule (${ts.rule.kind}) keeps the current holdings`);
        failed = false;
        return;
      }
      t.recordPlan(ledger, plan);
      const a = t.autoApprove(ledger, id, opts.asOf, ts.trading.approval);
      if (opts.json)
        out(
          JSON.stringify(
            { ...plan.body, hash: plan.hash, approved: a.approved, approvedBy: a.approved ? a.by : null },
            null,
            2,
          ),
        );
      else {
        out(
          `plan ${id}: ${plan.body.orders.length} orders, strategy ${plan.body.strategy}, decided at ${plan.body.asOf}, NAV ${plan.body.nav.toFixed(2)}`,
        );
        for (const o of plan.body.orders) out(`  ${o.side} ${o.quantity} ${o.asset} @ ${o.price} (${o.reason})`);
        for (const f of plan.body.findings as { severity: string; kind: string; message: string }[])
          out(`  finding ${f.severity} ${f.kind}: ${f.message}`);
        out(
          a.approved ? `approved (${a.by})` : `waiting for approval: keel trade approve ${id} --ledger ${opts.ledger}`,
        );
      }
      failed = false;
    } finally {
      session.end(failed);
    }
  });
}

function approveCommand(): Command {
  return withLedger(
    new Command('approve')
      .description('approve a planned plan (refused if its content changed since planning)')
      .argument('<plan>', 'plan id'),
  ).action(async (id: string, opts: LedgerOpts) => {
    const t = await import('../../trading/index.ts');
    await withSession(opts, async ({ ledger, broker }) => {
      const date = ledgerDate(ledger.events());
      await t.reconcile(ledger, broker, date);
      t.approvePlan(ledger, id, date, 'cli');
      out(`plan ${id} approved`);
    });
  });
}

function rejectCommand(): Command {
  return withLedger(
    new Command('reject')
      .description('decline a planned plan: recorded in the audit log; it can never be approved or submitted')
      .argument('<plan>', 'plan id')
      .option('--reason <text>', 'why (kept in the audit log, up to 500 characters)'),
  ).action(async (id: string, opts: LedgerOpts & { reason?: string }) => {
    const t = await import('../../trading/index.ts');
    await withSession(opts, async ({ ledger, broker }) => {
      const date = ledgerDate(ledger.events());
      await t.reconcile(ledger, broker, date);
      const r = t.rejectPlan(ledger, id, date, 'cli', opts.reason);
      out(`plan ${id} rejected${r.reason !== null ? `: ${r.reason}` : ''}`);
    });
  });
}

function submitCommand(): Command {
  return withLedger(
    new Command('submit')
      .description('send an approved plan to the broker (guardrails first; each order once, by client order id)')
      .argument('<plan>', 'plan id')
      .option('--at <date>', "the broker's date (default: the date the plan was priced at)", isoDate)
      .option('-v, --verbose', 'print a line per order booked on stderr'),
  ).action(async (id: string, opts: LedgerOpts & { at?: string; verbose?: boolean }) => {
    const t = await import('../../trading/index.ts');
    await withSession(opts, async ({ ledger, broker }) => {
      const plan = ledger.plan(id);
      if (!plan) throw dataError(`no plan ${id} in ${opts.ledger}; see keel trade status --ledger ${opts.ledger}`);
      const ts = await t.loadTradingStudy(plan.body.study);
      const date = opts.at ?? plan.body.priceDate;
      const row = ts.indexOf(date, '--at');
      // The orders trade during `date`: the broker's clock goes to the close before it, then closes the day. (A plan
      // that is not approved is refused by submitPlan, before the clock moves.)
      if (plan.status === 'approved') await broker.openDay(date);
      const r = await t.submitPlan(ledger, broker, id, date, ts.guardrails, t.marketAt(ts, row), (coid) => {
        if (opts.verbose) process.stderr.write(`booked ${coid}\n`);
      });
      const denied = r.denials.some((d) => d.scope === 'plan');
      if (!denied) {
        await broker.closeDay(date);
        await t.reconcile(ledger, broker, date, { booking: true });
      }
      const fills = ledger.fills().filter((f) => ledger.order(f.clientOrderId)?.planId === id).length;
      out(`plan ${id}: ${r.sent} sent, ${r.resent} re-sent after a crash, ${fills} fills`);
      for (const d of r.denials) out(`  denied ${d.message}`);
      for (const x of r.rejected) out(`  rejected ${x}`);
      if (r.denials.some((d) => d.scope === 'plan'))
        throw dataError(`plan ${id} was denied by a guardrail: ${r.denials.find((d) => d.scope === 'plan')!.message}`);
      if (r.rejected.length > 0) process.exitCode = 1;
    });
  });
}

function statusCommand(): Command {
  return withLedger(
    new Command('status').description('cash, positions, plans and open orders').option('--json', 'print JSON'),
  ).action(async (opts: LedgerOpts) => {
    const t = await import('../../trading/index.ts');
    await withSession(opts, async ({ ledger, broker }) => {
      const rec = await t.reconcile(ledger, broker, ledgerDate(ledger.events()));
      const status = {
        halted: ledger.halted,
        cash: ledger.cash(),
        positions: Object.fromEntries(ledger.positions()),
        lastMark: ledger.marks().at(-1) ?? null,
        plans: ledger
          .plans()
          .map((p) => ({ id: p.id, status: p.status, asOf: p.body.asOf, orders: p.body.orders.length })),
        openOrders: ledger
          .orders({ open: true })
          .map((o) => ({ id: o.clientOrderId, state: o.state, side: o.side, quantity: o.quantity, asset: o.asset })),
        reconciled: { positionsMatch: rec.positionsMatch, cashMatch: rec.cashMatch },
      };
      if (opts.json) return out(JSON.stringify(status, null, 2));
      out(`trading ${status.halted ? 'HALTED' : 'active'}; cash ${status.cash}`);
      for (const [a, q] of Object.entries(status.positions)) out(`  ${a} ${q}`);
      if (status.lastMark) out(`last mark ${status.lastMark.date}: NAV ${status.lastMark.nav}`);
      for (const p of status.plans) out(`plan ${p.id} (${p.asOf}): ${p.status}, ${p.orders} orders`);
      for (const o of status.openOrders) out(`open ${o.id}: ${o.state} ${o.side} ${o.quantity} ${o.asset}`);
      out(
        `broker: positions ${rec.positionsMatch ? 'match' : 'DIFFER'}, cash ${rec.cashMatch ? 'matches' : 'DIFFERS'}`,
      );
    });
  });
}

function reconcileCommand(): Command {
  return withLedger(
    new Command('reconcile')
      .description("match open orders, fills, positions and cash with the broker's")
      .option('--json', 'print JSON'),
  ).action(async (opts: LedgerOpts) => {
    const t = await import('../../trading/index.ts');
    await withSession(opts, async ({ ledger, broker }) => {
      const r = await t.reconcile(ledger, broker, ledgerDate(ledger.events()), { record: true });
      if (opts.json) out(JSON.stringify(r, null, 2));
      else {
        out(
          `reconciled ${r.checked} open orders: ${r.accepted} accepts and ${r.fillsBooked} fills booked, ${r.canceled} cancels, ${r.missing.length} intents not at the broker`,
        );
        out(`positions ${r.positionsMatch ? 'match' : 'DIFFER'}; cash ledger ${r.ledgerCash}, broker ${r.brokerCash}`);
        for (const d of r.differences) out(`  ${d}`);
      }
      if (r.differences.length > 0) process.exitCode = 1;
    });
  });
}

function historyCommand(): Command {
  return withLedger(
    new Command('history')
      .description('the audit log: every event in order')
      .option('--type <type>', 'only events of this type')
      .option('--json', 'print JSON'),
  ).action(async (opts: LedgerOpts & { type?: string }) => {
    const t = await import('../../trading/index.ts');
    if (opts.type !== undefined && !(t.eventTypes as readonly string[]).includes(opts.type))
      throw new InvalidArgumentError(`--type expects one of ${t.eventTypes.join(', ')}, got "${opts.type}"`);
    await withSession(opts, async ({ ledger, broker }) => {
      await t.reconcile(ledger, broker, ledgerDate(ledger.events()));
      const events = ledger.events(opts.type ? { type: opts.type as never } : {});
      if (opts.json) return out(JSON.stringify(events, null, 2));
      for (const e of events) out(`${e.seq} ${e.date} ${e.type} ${JSON.stringify(e.body).slice(0, 160)}`);
    });
  });
}

function haltCommand(): Command {
  return withLedger(
    new Command('halt')
      .description('kill switch: block new orders and cancel open ones')
      .option('--reason <text>', 'why', 'manual halt'),
  ).action(async (opts: LedgerOpts & { reason: string }) => {
    const t = await import('../../trading/index.ts');
    await withSession(opts, async ({ ledger, broker }) => {
      const n = await t.halt(ledger, broker, ledgerDate(ledger.events()), opts.reason);
      out(`trading halted; ${n} open orders canceled`);
    });
  });
}

function resumeCommand(): Command {
  return withLedger(
    new Command('resume').description('lift the kill switch').option('--reason <text>', 'why', 'manual resume'),
  ).action(async (opts: LedgerOpts & { reason: string }) => {
    const t = await import('../../trading/index.ts');
    await withSession(opts, async ({ ledger, broker }) => {
      const date = ledgerDate(ledger.events());
      await t.reconcile(ledger, broker, date);
      t.resume(ledger, date, opts.reason);
      out('trading resumed');
    });
  });
}

function auditCommand(): Command {
  return new Command('audit')
    .description('verify the hash chain of the audit log and that the derived tables equal a replay (reads only)')
    .requiredOption('--ledger <file>', 'the trading ledger (SQLite)')
    .option('--verify', 'verify the chain (the default and only mode)')
    .action(async (opts: { ledger: string }) => {
      const { TradeLedger } = await import('../../trading/index.ts');
      const ledger = TradeLedger.open(opts.ledger);
      try {
        const r = ledger.verify();
        if (r.ok) out(`audit log verified: ${r.events} events, chain intact, derived tables equal a replay`);
        else throw dataError(`audit log of ${opts.ledger} does NOT verify: ${r.problems.join('; ')}`);
      } finally {
        ledger.close();
      }
    });
}

export function tradeCommand(): Command {
  return new Command('trade')
    .description('plans, approvals and rejections, orders and the audit log of a trading ledger')
    .addCommand(planCommand())
    .addCommand(approveCommand())
    .addCommand(rejectCommand())
    .addCommand(submitCommand())
    .addCommand(statusCommand())
    .addCommand(reconcileCommand())
    .addCommand(historyCommand())
    .addCommand(haltCommand())
    .addCommand(resumeCommand())
    .addCommand(auditCommand());
}
