/**
 * SimBroker: a deterministic simulated broker that keeps its own state in its own SQLite file, apart from the
 * ledger, as a real broker would (so a SIGKILL of the trading process cannot roll the broker back with it).
 * It is the STAND-IN for execution's PaperBroker until that lands: market orders fill in full at the close of
 * the broker's current date, limit orders when that close is marketable, fees from the study's cost model
 * (models that need market statistics, such as sqrt-impact, are refused). Each submit is one transaction and is
 * idempotent by client order id. Prices are copied into the broker file when it is created.
 */
import { configError, dataError } from '../core/index.ts';
import { createCostModel, type CostModel, type CostSpec } from '../backtest/index.ts';
import type {
  Account,
  Broker,
  BrokerOrder,
  Fill,
  OrderRequest,
  OrderState,
  Position,
  SubmitResult,
} from '../execution/index.ts';
import { openDb, type Db } from './sqlite.ts';

export interface SimBrokerSetup {
  readonly capital: number;
  readonly assets: readonly string[];
  readonly assetClass: readonly string[];
  readonly dates: readonly string[];
  /** Close per date × asset, row-major; NaN = no price that day. */
  readonly close: Float64Array;
  readonly costs: CostSpec;
  /** Calendar days a last close may be old before an order is rejected as stale (default 7). */
  readonly maxPriceAgeDays?: number;
  /** Cash may go this fraction of equity below zero (the backtest's costs can leave cash slightly negative). */
  readonly creditFraction?: number;
}

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE prices (date TEXT NOT NULL, asset TEXT NOT NULL, close REAL NOT NULL, PRIMARY KEY (date, asset));
CREATE TABLE orders (seq INTEGER PRIMARY KEY, client_order_id TEXT UNIQUE NOT NULL, body TEXT NOT NULL,
  state TEXT NOT NULL, filled REAL NOT NULL, average_price REAL, date TEXT NOT NULL);
CREATE TABLE fills (seq INTEGER PRIMARY KEY, trade_id TEXT UNIQUE NOT NULL, body TEXT NOT NULL);
CREATE TABLE positions (asset TEXT PRIMARY KEY, quantity REAL NOT NULL);
CREATE TABLE cash (id INTEGER PRIMARY KEY CHECK (id = 1), amount REAL NOT NULL);
`;

const OPEN: readonly OrderState[] = ['accepted', 'partially-filled'];
const DAY = 86_400_000;

export class SimBroker implements Broker {
  readonly name = 'sim';
  private date: string | null = null;
  private readonly assets: string[];
  private readonly cost: CostModel;
  private readonly assetClass: string[];
  private readonly maxAge: number;
  private readonly credit: number;

  private constructor(
    readonly path: string,
    private readonly db: Db,
  ) {
    const meta = (k: string): unknown =>
      JSON.parse((db.prepare('SELECT value FROM meta WHERE key = ?').get(k) as { value: string }).value);
    this.assets = meta('assets') as string[];
    this.assetClass = meta('assetClass') as string[];
    this.cost = createCostModel(meta('costs') as CostSpec);
    this.maxAge = meta('maxPriceAgeDays') as number;
    this.credit = meta('creditFraction') as number;
  }

  /** Create a broker file (refused if it exists) funded with `capital` and holding the price history. */
  static create(path: string, setup: SimBrokerSetup): SimBroker {
    const model = createCostModel(setup.costs);
    if (model.needs?.adv !== undefined || model.needs?.volatility !== undefined)
      throw configError(
        `the simulated broker cannot charge cost model ${model.kind}: it needs market statistics (ADV, volatility); use proportional, half-spread, slippage or fixed costs for trading`,
      );
    const db = openDb(path, 'broker', { create: true });
    const exists = (db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'meta'`).get() as { n: number }).n;
    if (exists) {
      db.close();
      throw dataError(`broker file ${path} already exists; open it instead of creating it`);
    }
    db.transaction(() => {
      db.exec(SCHEMA);
      const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      meta.run('assets', JSON.stringify(setup.assets));
      meta.run('assetClass', JSON.stringify(setup.assetClass));
      meta.run('costs', JSON.stringify(setup.costs));
      meta.run('maxPriceAgeDays', JSON.stringify(setup.maxPriceAgeDays ?? 7));
      meta.run('creditFraction', JSON.stringify(setup.creditFraction ?? 0.05));
      const ins = db.prepare('INSERT INTO prices (date, asset, close) VALUES (?, ?, ?)');
      const n = setup.assets.length;
      setup.dates.forEach((d, t) => {
        for (let a = 0; a < n; a++) {
          const p = setup.close[t * n + a]!;
          if (Number.isFinite(p)) ins.run(d, setup.assets[a], p);
        }
      });
      db.prepare('INSERT INTO cash (id, amount) VALUES (1, ?)').run(setup.capital);
    })();
    return new SimBroker(path, db);
  }

  static open(path: string): SimBroker {
    const db = openDb(path, 'broker', { create: false });
    const ok = (db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'meta'`).get() as { n: number }).n;
    if (!ok) {
      db.close();
      throw dataError(
        `broker file ${path} is not a Keel simulated-broker file; give the file keel created beside the ledger`,
      );
    }
    return new SimBroker(path, db);
  }

  close(): void {
    this.db.close();
  }

  /** Move the broker's clock to `date`: resting limit orders are tried at its close; day orders of earlier dates expire. */
  setDate(date: string): void {
    this.date = date;
    this.db.transaction(() => {
      const open = this.db
        .prepare(`SELECT * FROM orders WHERE state IN ('accepted','partially-filled') ORDER BY seq`)
        .all() as OrderDbRow[];
      for (const r of open) {
        const req = JSON.parse(r.body) as OrderRequest;
        if (req.timeInForce === 'day' && r.date < date) {
          this.db.prepare(`UPDATE orders SET state = 'expired' WHERE seq = ?`).run(r.seq);
          continue;
        }
        const px = this.price(req.asset);
        if (px && marketable(req, px.close)) this.fill(r.seq, req, px.close);
      }
    })();
  }

  /** Last close of `asset` on or before the broker's date, or null. */
  private price(asset: string): { close: number; date: string } | null {
    if (this.date === null) throw dataError('the simulated broker has no date; call setDate first');
    return (
      (this.db
        .prepare('SELECT close, date FROM prices WHERE asset = ? AND date <= ? ORDER BY date DESC LIMIT 1')
        .get(asset, this.date) as { close: number; date: string } | undefined) ?? null
    );
  }

  async submit(req: OrderRequest): Promise<SubmitResult> {
    return this.db.transaction((): SubmitResult => {
      const known = this.db.prepare('SELECT * FROM orders WHERE client_order_id = ?').get(req.clientOrderId) as
        OrderDbRow | undefined;
      if (known) return { ok: true, order: toOrder(known), existing: true };
      const reject = (code: Exclude<SubmitResult, { ok: true }>['code'], message: string): SubmitResult => {
        this.insert(req, 'rejected');
        return { ok: false, code, message };
      };
      if (!this.assets.includes(req.asset)) return reject('unknown-asset', `unknown asset ${req.asset}`);
      if (!(req.quantity > 0) || !Number.isFinite(req.quantity))
        return reject('invalid-quantity', `quantity must be > 0, got ${req.quantity}`);
      if (req.limitPrice !== undefined && !(req.limitPrice > 0))
        return reject('invalid-price', `limit price must be > 0, got ${req.limitPrice}`);
      const px = this.price(req.asset);
      if (!px) return reject('missing-price', `no price for ${req.asset} on or before ${this.date}`);
      const age = (Date.parse(this.date!) - Date.parse(px.date)) / DAY;
      if (age > this.maxAge)
        return reject('stale-price', `last price of ${req.asset} is from ${px.date}, ${age} days before ${this.date}`);
      if (req.side === 'buy') {
        const need = req.quantity * px.close;
        const { cash, equity } = this.accountNow();
        if (need > cash + this.credit * equity + 1e-9)
          return reject('insufficient-cash', `buy of ${need} exceeds cash ${cash} plus credit ${this.credit * equity}`);
      }
      const seq = this.insert(req, 'accepted');
      if (marketable(req, px.close)) this.fill(seq, req, px.close);
      const row = this.db.prepare('SELECT * FROM orders WHERE seq = ?').get(seq) as OrderDbRow;
      return { ok: true, order: toOrder(row), existing: false };
    })();
  }

  private insert(req: OrderRequest, state: OrderState): number {
    const r = this.db
      .prepare(
        'INSERT INTO orders (client_order_id, body, state, filled, average_price, date) VALUES (?, ?, ?, 0, NULL, ?)',
      )
      .run(req.clientOrderId, JSON.stringify(req), state, this.date ?? '');
    return Number(r.lastInsertRowid);
  }

  private fill(seq: number, req: OrderRequest, price: number): void {
    const signed = req.side === 'buy' ? req.quantity : -req.quantity;
    const a = this.assets.indexOf(req.asset);
    const fee = this.cost.cost(a, signed, price, { assetClass: this.assetClass });
    const n = (this.db.prepare('SELECT COUNT(*) AS n FROM fills').get() as { n: number }).n;
    const fill: Fill = {
      tradeId: `T${String(n + 1).padStart(6, '0')}`,
      clientOrderId: req.clientOrderId,
      asset: req.asset,
      side: req.side,
      quantity: req.quantity,
      price,
      fee,
      date: this.date!,
    };
    this.db.prepare('INSERT INTO fills (trade_id, body) VALUES (?, ?)').run(fill.tradeId, JSON.stringify(fill));
    this.db
      .prepare(`UPDATE orders SET state = 'filled', filled = ?, average_price = ? WHERE seq = ?`)
      .run(req.quantity, price, seq);
    const p = this.db.prepare('SELECT quantity FROM positions WHERE asset = ?').get(req.asset) as
      { quantity: number } | undefined;
    this.db
      .prepare(
        'INSERT INTO positions (asset, quantity) VALUES (?, ?) ON CONFLICT(asset) DO UPDATE SET quantity = excluded.quantity',
      )
      .run(req.asset, (p?.quantity ?? 0) + signed);
    const c = (this.db.prepare('SELECT amount FROM cash WHERE id = 1').get() as { amount: number }).amount;
    this.db.prepare('UPDATE cash SET amount = ? WHERE id = 1').run(c - (signed * price + fee));
  }

  async cancel(clientOrderId: string): Promise<BrokerOrder | null> {
    const r = this.db.prepare('SELECT * FROM orders WHERE client_order_id = ?').get(clientOrderId) as
      OrderDbRow | undefined;
    if (!r) return null;
    if (OPEN.includes(r.state)) this.db.prepare(`UPDATE orders SET state = 'canceled' WHERE seq = ?`).run(r.seq);
    return toOrder(this.db.prepare('SELECT * FROM orders WHERE seq = ?').get(r.seq) as OrderDbRow);
  }

  async order(clientOrderId: string): Promise<BrokerOrder | null> {
    const r = this.db.prepare('SELECT * FROM orders WHERE client_order_id = ?').get(clientOrderId) as
      OrderDbRow | undefined;
    return r ? toOrder(r) : null;
  }

  async orders(filter: { open?: boolean } = {}): Promise<readonly BrokerOrder[]> {
    const rows = this.db.prepare('SELECT * FROM orders ORDER BY seq').all() as OrderDbRow[];
    return rows.filter((r) => !filter.open || OPEN.includes(r.state)).map(toOrder);
  }

  async fills(since?: string): Promise<readonly Fill[]> {
    const from =
      since === undefined
        ? 0
        : ((this.db.prepare('SELECT seq FROM fills WHERE trade_id = ?').get(since) as { seq: number } | undefined)
            ?.seq ?? 0);
    return (this.db.prepare('SELECT body FROM fills WHERE seq > ? ORDER BY seq').all(from) as { body: string }[]).map(
      (r) => JSON.parse(r.body) as Fill,
    );
  }

  async positions(): Promise<readonly Position[]> {
    return this.db.prepare('SELECT asset, quantity FROM positions ORDER BY asset').all() as Position[];
  }

  private accountNow(): Account {
    const cash = (this.db.prepare('SELECT amount FROM cash WHERE id = 1').get() as { amount: number }).amount;
    let equity = cash;
    for (const p of this.db.prepare('SELECT asset, quantity FROM positions').all() as Position[]) {
      const px = this.date === null ? null : this.price(p.asset);
      if (px) equity += p.quantity * px.close;
    }
    return { cash, equity };
  }

  async account(): Promise<Account> {
    return this.accountNow();
  }
}

interface OrderDbRow {
  seq: number;
  client_order_id: string;
  body: string;
  state: OrderState;
  filled: number;
  average_price: number | null;
  date: string;
}

function marketable(req: OrderRequest, close: number): boolean {
  if (req.type !== 'limit' || req.limitPrice === undefined) return true;
  return req.side === 'buy' ? close <= req.limitPrice : close >= req.limitPrice;
}

function toOrder(r: OrderDbRow): BrokerOrder {
  const req = JSON.parse(r.body) as OrderRequest;
  return {
    ...req,
    brokerOrderId: `B${r.seq}`,
    state: r.state,
    filledQuantity: r.filled,
    averagePrice: r.average_price,
  };
}
