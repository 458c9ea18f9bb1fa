/**
 * The trading ledger: an append-only, hash-chained event table in SQLite, and tables derived from it (plans,
 * orders, fills, positions, cash, marks, trading state) updated by the SAME function in the SAME transaction, so a
 * crash leaves either the whole state change or none of it.
 *
 *   hash_k = sha256(hash_{k−1} + canonicalJson({ seq, type, date, body }))      hash_0 = 64 zeros
 *
 * `rebuildFromEvents()` replays the events into the derived tables and must reproduce them exactly; `verify()`
 * checks the chain, the head recorded beside it (a deleted last row) and that replay equals what is stored (an
 * edited derived row), inside a rolled-back savepoint so it writes nothing. Fills are applied once per trade id.
 */
import { dataError } from '../core/index.ts';
import { canonicalJson, sha256Hex } from '../io/index.ts';
import type { Fill, OrderSide, OrderState, OrderType, TimeInForce } from '../execution/index.ts';
import { openDb, type Db } from './sqlite.ts';

export const eventTypes = [
  'fund',
  'plan',
  'approval',
  'rejection',
  'submit',
  'accept',
  'reject',
  'fill',
  'cancel',
  'breach',
  'halt',
  'resume',
  'reconcile',
  'mark',
] as const;
export type EventType = (typeof eventTypes)[number];

/** An order as planned: the request the broker will get (quantity > 0, the side gives the sign). */
export interface PlannedOrder {
  readonly clientOrderId: string;
  readonly asset: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly limitPrice?: number;
  /** Price the order was sized at (last close or the fill bar's close). */
  readonly price: number;
  readonly parentId?: string;
  /** Child of a sliced parent: trade from intraday slot `index` of `count`. */
  readonly slot?: { readonly index: number; readonly count: number };
  readonly reason: string;
}

export interface PlanBody {
  readonly id: string;
  readonly study: string;
  readonly strategy: string;
  /** Decision date: the strategy saw only data dated ≤ asOf. */
  readonly asOf: string;
  /** Date of the prices the orders were sized at (asOf, or the fill bar in keel paper). */
  readonly priceDate: string;
  readonly assets: readonly string[];
  readonly prices: readonly number[];
  /** The strategy's target weights and the weights traded to (after the rebalancing rule). */
  readonly targets: readonly number[];
  readonly traded: readonly number[];
  readonly nav: number;
  readonly reason: string;
  readonly orders: readonly PlannedOrder[];
  readonly findings: readonly unknown[];
  /** Last price date per asset (stale-data guardrail). */
  readonly lastPriceDates: readonly string[];
}

export interface LedgerEvent {
  readonly seq: number;
  readonly type: EventType;
  readonly date: string;
  readonly body: Record<string, unknown>;
  readonly prev: string;
  readonly hash: string;
}

export interface OrderRow {
  readonly clientOrderId: string;
  readonly planId: string;
  readonly parentId: string | null;
  readonly asset: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly limitPrice: number | null;
  readonly price: number;
  readonly state: OrderState;
  readonly filledQuantity: number;
  readonly averagePrice: number | null;
  readonly brokerOrderId: string | null;
  readonly submitDate: string | null;
}

export interface PlanRow {
  readonly id: string;
  /** `denied`: a guardrail refused it; `rejected`: a human declined it (keel trade reject). */
  readonly status: 'planned' | 'approved' | 'submitted' | 'denied' | 'rejected';
  readonly hash: string;
  readonly body: PlanBody;
  readonly approvedBy: string | null;
}

const ZERO = '0'.repeat(64);
const DERIVED = ['plans', 'orders', 'fills', 'positions', 'cash', 'marks', 'state'] as const;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, date TEXT NOT NULL,
  body TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS plans (id TEXT PRIMARY KEY, status TEXT NOT NULL, hash TEXT NOT NULL, body TEXT NOT NULL,
  approved_by TEXT);
CREATE TABLE IF NOT EXISTS orders (client_order_id TEXT PRIMARY KEY, plan_id TEXT NOT NULL, parent_id TEXT,
  asset TEXT NOT NULL, side TEXT NOT NULL, quantity REAL NOT NULL, type TEXT NOT NULL, time_in_force TEXT NOT NULL,
  limit_price REAL, price REAL NOT NULL, state TEXT NOT NULL, filled_quantity REAL NOT NULL, average_price REAL,
  broker_order_id TEXT, submit_date TEXT);
CREATE TABLE IF NOT EXISTS fills (trade_id TEXT PRIMARY KEY, client_order_id TEXT NOT NULL, asset TEXT NOT NULL,
  side TEXT NOT NULL, quantity REAL NOT NULL, price REAL NOT NULL, fee REAL NOT NULL, date TEXT NOT NULL,
  seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS positions (asset TEXT PRIMARY KEY, quantity REAL NOT NULL);
CREATE TABLE IF NOT EXISTS cash (id INTEGER PRIMARY KEY CHECK (id = 1), amount REAL NOT NULL);
CREATE TABLE IF NOT EXISTS marks (date TEXT PRIMARY KEY, nav REAL NOT NULL, cash REAL NOT NULL);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** sha256 of a plan's content (everything but nothing else: the id is part of the body). */
export function planHash(body: PlanBody): string {
  return sha256Hex(canonicalJson(body));
}

function eventHash(prev: string, seq: number, type: string, date: string, body: unknown): string {
  return sha256Hex(prev + canonicalJson({ seq, type, date, body }));
}

export class TradeLedger {
  private constructor(
    readonly path: string,
    private readonly db: Db,
  ) {}

  /** Open a ledger file (created with `create: true`); a non-SQLite or damaged file is refused before any write. */
  static open(path: string, options: { create: boolean } = { create: false }): TradeLedger {
    const db = openDb(path, 'ledger', options);
    try {
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
      if (tables.length > 0 && !tables.some((t) => t.name === 'events'))
        throw dataError(`ledger ${path} is a SQLite file but not a Keel ledger (no events table); give a ledger file`);
      if (tables.length === 0) db.exec(SCHEMA);
    } catch (e) {
      db.close();
      throw e;
    }
    return new TradeLedger(path, db);
  }

  close(): void {
    this.db.close();
  }

  get isEmpty(): boolean {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n === 0;
  }

  /** Append events as ONE transaction: each is hash-chained and applied to the derived tables. */
  record(events: readonly { type: EventType; date: string; body: Record<string, unknown> }[]): void {
    if (events.length === 0) return;
    this.db.transaction(() => {
      for (const e of events) this.appendOne(e.type, e.date, e.body);
    })();
  }

  private appendOne(type: EventType, date: string, body: Record<string, unknown>): void {
    const head = this.db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    const seq = (head?.seq ?? 0) + 1;
    const prev = head?.hash ?? ZERO;
    // Round-trip through JSON so what is hashed and applied is exactly what a replay will read back.
    const stored = JSON.parse(canonicalJson(body)) as Record<string, unknown>;
    const hash = eventHash(prev, seq, type, date, stored);
    this.db
      .prepare('INSERT INTO events (seq, type, date, body, prev, hash) VALUES (?, ?, ?, ?, ?, ?)')
      .run(seq, type, date, canonicalJson(stored), prev, hash);
    applyEvent(this.db, seq, type, date, stored);
    this.setState('head', `${seq}:${hash}`);
  }

  private setState(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  state(key: string): string | null {
    const r = this.db.prepare('SELECT value FROM state WHERE key = ?').get(key) as { value: string } | undefined;
    return r?.value ?? null;
  }

  get halted(): boolean {
    return this.state('halted') === '1';
  }

  events(filter: { type?: EventType } = {}): LedgerEvent[] {
    const rows = (
      filter.type
        ? this.db.prepare('SELECT * FROM events WHERE type = ? ORDER BY seq').all(filter.type)
        : this.db.prepare('SELECT * FROM events ORDER BY seq').all()
    ) as { seq: number; type: EventType; date: string; body: string; prev: string; hash: string }[];
    return rows.map((r) => ({ ...r, body: JSON.parse(r.body) as Record<string, unknown> }));
  }

  plan(id: string): PlanRow | null {
    const r = this.db.prepare('SELECT * FROM plans WHERE id = ?').get(id) as
      { id: string; status: PlanRow['status']; hash: string; body: string; approved_by: string | null } | undefined;
    if (!r) return null;
    let body: PlanBody;
    try {
      body = JSON.parse(r.body) as PlanBody;
    } catch {
      throw dataError(
        `plan ${id} in ${this.path} is not valid JSON: the ledger was edited; run keel trade audit --verify`,
      );
    }
    return { id: r.id, status: r.status, hash: r.hash, body, approvedBy: r.approved_by };
  }

  plans(): PlanRow[] {
    const ids = this.db.prepare('SELECT id FROM plans ORDER BY rowid').all() as { id: string }[];
    return ids.map((r) => this.plan(r.id)!);
  }

  orders(filter: { planId?: string; open?: boolean } = {}): OrderRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.planId !== undefined) {
      where.push('plan_id = ?');
      args.push(filter.planId);
    }
    if (filter.open) where.push(`state IN ('initialized','submitted','accepted','partially-filled','pending-cancel')`);
    const sql = `SELECT * FROM orders ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY rowid`;
    return (this.db.prepare(sql).all(...args) as Record<string, unknown>[]).map(orderRow);
  }

  order(clientOrderId: string): OrderRow | null {
    const r = this.db.prepare('SELECT * FROM orders WHERE client_order_id = ?').get(clientOrderId) as
      Record<string, unknown> | undefined;
    return r ? orderRow(r) : null;
  }

  /** Trade id of the last fill booked (the cursor for the broker's `fills(since)`), or undefined. */
  lastTradeId(): string | undefined {
    return (
      this.db.prepare('SELECT trade_id FROM fills ORDER BY seq DESC LIMIT 1').get() as { trade_id: string } | undefined
    )?.trade_id;
  }

  /** Σ|quantity × price| and count of orders sent (submit events) on `date`. */
  sentOn(date: string): { turnover: number; orders: number } {
    const r = this.db
      .prepare('SELECT COALESCE(SUM(quantity * price), 0) AS t, COUNT(*) AS n FROM orders WHERE submit_date = ?')
      .get(date) as { t: number; n: number };
    return { turnover: r.t, orders: r.n };
  }

  peakNav(): number {
    const r = this.db.prepare('SELECT MAX(nav) AS m FROM marks').get() as { m: number | null };
    return r.m ?? NaN;
  }

  hasFill(tradeId: string): boolean {
    return this.db.prepare('SELECT 1 FROM fills WHERE trade_id = ?').get(tradeId) !== undefined;
  }

  fills(): Fill[] {
    return (this.db.prepare('SELECT * FROM fills ORDER BY seq').all() as Record<string, unknown>[]).map((r) => ({
      tradeId: r['trade_id'] as string,
      clientOrderId: r['client_order_id'] as string,
      asset: r['asset'] as string,
      side: r['side'] as OrderSide,
      quantity: r['quantity'] as number,
      price: r['price'] as number,
      fee: r['fee'] as number,
      date: r['date'] as string,
    }));
  }

  positions(): Map<string, number> {
    const rows = this.db.prepare('SELECT asset, quantity FROM positions ORDER BY asset').all() as {
      asset: string;
      quantity: number;
    }[];
    return new Map(rows.map((r) => [r.asset, r.quantity]));
  }

  cash(): number {
    return (
      (this.db.prepare('SELECT amount FROM cash WHERE id = 1').get() as { amount: number } | undefined)?.amount ?? 0
    );
  }

  marks(): { date: string; nav: number; cash: number }[] {
    return this.db.prepare('SELECT date, nav, cash FROM marks ORDER BY date').all() as {
      date: string;
      nav: number;
      cash: number;
    }[];
  }

  /** Every derived table's rows, in a stable order (what a replay must reproduce). */
  derivedSnapshot(): Record<string, unknown[]> {
    const out: Record<string, unknown[]> = {};
    for (const t of DERIVED) out[t] = this.db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all();
    return out;
  }

  /** Replace the derived tables by a replay of the event table (one transaction). */
  rebuildFromEvents(): void {
    this.db.transaction(() => replay(this.db))();
  }

  /**
   * Check the event chain, its head, and that the derived tables equal a replay of the events. Writes nothing.
   * Returns the problems found (empty = verified).
   */
  verify(): { ok: boolean; events: number; problems: string[] } {
    const problems: string[] = [];
    const rows = this.db.prepare('SELECT * FROM events ORDER BY seq').all() as {
      seq: number;
      type: string;
      date: string;
      body: string;
      prev: string;
      hash: string;
    }[];
    let prev = ZERO;
    rows.forEach((r, i) => {
      if (problems.length >= 5) return;
      if (r.seq !== i + 1)
        problems.push(`event ${i + 1} is missing (next stored event is ${r.seq}): a row was deleted`);
      else if (r.prev !== prev) problems.push(`event ${r.seq}: prev hash does not match event ${r.seq - 1}'s hash`);
      else {
        let body: unknown;
        try {
          body = JSON.parse(r.body);
        } catch {
          body = r.body;
        }
        if (canonicalJson(body) !== r.body || eventHash(prev, r.seq, r.type, r.date, body) !== r.hash)
          problems.push(`event ${r.seq} (${r.type} ${r.date}): hash mismatch, the row was edited`);
      }
      prev = r.hash;
    });
    const head = this.state('head');
    const last = rows.at(-1);
    const expected = last ? `${last.seq}:${last.hash}` : null;
    if (head !== expected)
      problems.push(
        `the chain ends at ${expected ?? 'nothing'} but the ledger recorded head ${head ?? 'nothing'}: events were deleted or added`,
      );
    if (problems.length === 0) {
      const stored = canonicalJson(this.derivedSnapshot());
      let rebuilt = '';
      this.db.exec('SAVEPOINT verify');
      try {
        replay(this.db);
        rebuilt = canonicalJson(this.derivedSnapshot());
      } catch (e) {
        rebuilt = `replay failed: ${(e as Error).message}`;
      } finally {
        this.db.exec('ROLLBACK TO verify');
        this.db.exec('RELEASE verify');
      }
      if (rebuilt !== stored) {
        const a = JSON.parse(stored) as Record<string, unknown[]>;
        const b = rebuilt.startsWith('replay') ? null : (JSON.parse(rebuilt) as Record<string, unknown[]>);
        const which = b ? DERIVED.filter((t) => canonicalJson(a[t]) !== canonicalJson(b[t])) : [rebuilt];
        problems.push(
          `derived tables differ from a replay of the events (${which.join(', ')}): a derived row was edited`,
        );
      }
    }
    return { ok: problems.length === 0, events: rows.length, problems };
  }
}

function orderRow(r: Record<string, unknown>): OrderRow {
  return {
    clientOrderId: r['client_order_id'] as string,
    planId: r['plan_id'] as string,
    parentId: (r['parent_id'] as string | null) ?? null,
    asset: r['asset'] as string,
    side: r['side'] as OrderSide,
    quantity: r['quantity'] as number,
    type: r['type'] as OrderType,
    timeInForce: r['time_in_force'] as TimeInForce,
    limitPrice: (r['limit_price'] as number | null) ?? null,
    price: r['price'] as number,
    state: r['state'] as OrderState,
    filledQuantity: r['filled_quantity'] as number,
    averagePrice: (r['average_price'] as number | null) ?? null,
    brokerOrderId: (r['broker_order_id'] as string | null) ?? null,
    submitDate: (r['submit_date'] as string | null) ?? null,
  };
}

function replay(db: Db): void {
  for (const t of DERIVED) db.exec(`DELETE FROM ${t}`);
  const rows = db.prepare('SELECT seq, type, date, body, hash FROM events ORDER BY seq').all() as {
    seq: number;
    type: EventType;
    date: string;
    body: string;
    hash: string;
  }[];
  let head: string | null = null;
  for (const r of rows) {
    applyEvent(db, r.seq, r.type, r.date, JSON.parse(r.body) as Record<string, unknown>);
    head = `${r.seq}:${r.hash}`;
  }
  if (head) db.prepare('INSERT INTO state (key, value) VALUES (?, ?)').run('head', head);
}

const setState = (db: Db, key: string, value: string): void => {
  db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    key,
    value,
  );
};

/** The one reducer: what each event does to the derived tables (live append and replay both call it). */
function applyEvent(db: Db, seq: number, type: EventType, date: string, b: Record<string, unknown>): void {
  const coid = b['clientOrderId'] as string | undefined;
  const setOrderState = (state: OrderState): void => {
    db.prepare('UPDATE orders SET state = ? WHERE client_order_id = ?').run(state, coid);
  };
  switch (type) {
    case 'fund': {
      const amount = b['amount'] as number;
      const cur = db.prepare('SELECT amount FROM cash WHERE id = 1').get() as { amount: number } | undefined;
      db.prepare(
        'INSERT INTO cash (id, amount) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET amount = excluded.amount',
      ).run((cur?.amount ?? 0) + amount);
      for (const [k, v] of Object.entries((b['settings'] as Record<string, unknown> | undefined) ?? {}))
        setState(db, `setting:${k}`, JSON.stringify(v));
      return;
    }
    case 'plan': {
      const plan = b['plan'] as unknown as PlanBody;
      db.prepare('INSERT INTO plans (id, status, hash, body, approved_by) VALUES (?, ?, ?, ?, NULL)').run(
        plan.id,
        'planned',
        b['hash'],
        canonicalJson(plan),
      );
      const ins = db.prepare(
        `INSERT INTO orders (client_order_id, plan_id, parent_id, asset, side, quantity, type, time_in_force,
          limit_price, price, state, filled_quantity, average_price, broker_order_id, submit_date)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'initialized', 0, NULL, NULL, NULL)`,
      );
      for (const o of plan.orders)
        ins.run(
          o.clientOrderId,
          plan.id,
          o.parentId ?? null,
          o.asset,
          o.side,
          o.quantity,
          o.type,
          o.timeInForce,
          o.limitPrice ?? null,
          o.price,
        );
      return;
    }
    case 'approval':
      db.prepare(`UPDATE plans SET status = 'approved', approved_by = ? WHERE id = ?`).run(b['by'], b['planId']);
      return;
    case 'rejection':
      // A human declined the plan (not the broker's order-level 'reject'): its orders are never sent.
      db.prepare(`UPDATE plans SET status = 'rejected' WHERE id = ?`).run(b['planId']);
      db.prepare(`UPDATE orders SET state = 'denied' WHERE plan_id = ? AND state = 'initialized'`).run(b['planId']);
      return;
    case 'submit':
      // Per order (the intent, recorded before the broker is called), or `{ planId, complete: true }` at the end.
      if (coid !== undefined)
        db.prepare(`UPDATE orders SET state = 'submitted', submit_date = ? WHERE client_order_id = ?`).run(date, coid);
      if (b['complete'] === true) db.prepare(`UPDATE plans SET status = 'submitted' WHERE id = ?`).run(b['planId']);
      return;
    case 'accept':
      db.prepare(`UPDATE orders SET state = 'accepted', broker_order_id = ? WHERE client_order_id = ?`).run(
        b['brokerOrderId'],
        coid,
      );
      return;
    case 'reject':
      setOrderState('rejected');
      return;
    case 'cancel':
      setOrderState((b['state'] as OrderState | undefined) ?? 'canceled');
      return;
    case 'fill': {
      const f = b['fill'] as unknown as Fill;
      db.prepare(
        'INSERT INTO fills (trade_id, client_order_id, asset, side, quantity, price, fee, date, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(f.tradeId, f.clientOrderId, f.asset, f.side, f.quantity, f.price, f.fee, f.date, seq);
      const o = db
        .prepare('SELECT quantity, filled_quantity, average_price FROM orders WHERE client_order_id = ?')
        .get(f.clientOrderId) as
        { quantity: number; filled_quantity: number; average_price: number | null } | undefined;
      if (o) {
        const filled = o.filled_quantity + f.quantity;
        const avg = ((o.average_price ?? 0) * o.filled_quantity + f.price * f.quantity) / filled;
        const state: OrderState = filled >= o.quantity * (1 - 1e-12) ? 'filled' : 'partially-filled';
        db.prepare('UPDATE orders SET filled_quantity = ?, average_price = ?, state = ? WHERE client_order_id = ?').run(
          filled,
          avg,
          state,
          f.clientOrderId,
        );
      }
      const signed = f.side === 'buy' ? f.quantity : -f.quantity;
      const p = db.prepare('SELECT quantity FROM positions WHERE asset = ?').get(f.asset) as
        { quantity: number } | undefined;
      db.prepare(
        'INSERT INTO positions (asset, quantity) VALUES (?, ?) ON CONFLICT(asset) DO UPDATE SET quantity = excluded.quantity',
      ).run(f.asset, (p?.quantity ?? 0) + signed);
      const cur = db.prepare('SELECT amount FROM cash WHERE id = 1').get() as { amount: number } | undefined;
      db.prepare(
        'INSERT INTO cash (id, amount) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET amount = excluded.amount',
      ).run((cur?.amount ?? 0) - (signed * f.price + f.fee));
      return;
    }
    case 'breach': {
      if (coid !== undefined) setOrderState('denied');
      const plan = b['planId'] as string | undefined;
      if (plan !== undefined && b['scope'] === 'plan') {
        db.prepare(`UPDATE plans SET status = 'denied' WHERE id = ?`).run(plan);
        db.prepare(`UPDATE orders SET state = 'denied' WHERE plan_id = ? AND state = 'initialized'`).run(plan);
      }
      return;
    }
    case 'halt':
      setState(db, 'halted', '1');
      return;
    case 'resume':
      setState(db, 'halted', '0');
      return;
    case 'reconcile':
      setState(db, 'last-reconcile', date);
      return;
    case 'mark':
      db.prepare(
        'INSERT INTO marks (date, nav, cash) VALUES (?, ?, ?) ON CONFLICT(date) DO UPDATE SET nav = excluded.nav, cash = excluded.cash',
      ).run(date, b['nav'], b['cash']);
      setState(db, 'last-mark', date);
      return;
  }
}
