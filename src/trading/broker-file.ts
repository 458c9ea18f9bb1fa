/**
 * PaperBrokerFile: execution's `PaperBroker` (the one paper-fill engine) kept in its own SQLite file, apart from the
 * ledger, as a real broker keeps its own books — so a SIGKILL of the trading process cannot roll the broker back
 * with it. This is a thin persistence adapter, not a second broker: every fill rule is PaperBroker's. The file
 * holds the bars (copied when it is created, so commands without a study can open it), the broker's options, and
 * its state; each call that changes the state (submit, cancel, a bar closing) is written in one transaction before
 * it returns, so what a caller saw the broker do is durable.
 *
 * Clock: PaperBroker trades bar t+1 when its clock is at the close of t. `openDay(D)` brings the clock to the close
 * before D (orders sent now trade during D); `closeDay(D)` trades D (fills at D's close, D's day orders expire).
 */
import { dataError } from '../core/index.ts';
import type { CostSpec } from '../backtest/index.ts';
import { Panel } from '../data/index.ts';
import {
  PaperBroker,
  type Account,
  type Broker,
  type BrokerOrder,
  type Fill,
  type OrderRequest,
  type PaperBrokerOptions,
  type PaperBrokerState,
  type Position,
  type SubmitResult,
} from '../execution/index.ts';
import { openDb, type Db } from './sqlite.ts';

export interface BrokerFileSetup {
  readonly capital: number;
  readonly assets: readonly string[];
  readonly assetClass: readonly string[];
  readonly dates: readonly string[];
  /** Bars, row-major dates × assets: `close` required (the study's valuation price); open/high/low/volume optional. */
  readonly fields: Readonly<Record<string, Float64Array>>;
  readonly costs: CostSpec;
  /** Bars a last close may be old before an order is rejected as stale (default 5). */
  readonly maxStaleBars?: number;
  /** Buys may take cash this fraction of equity below zero (the backtest's costs can leave cash slightly negative). */
  readonly creditFraction?: number;
  /** Intraday slots for sliced child orders (seeded path per bar); absent: children fill as plain orders. */
  readonly intraday?: { readonly slots: number; readonly seed: number };
}

type Settings = Omit<PaperBrokerOptions, 'bars' | 'cash' | 'start'>;
type SavedOrder = PaperBrokerState['orders'][number];

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE bars (field TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE orders (client_order_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE fills (n INTEGER PRIMARY KEY, trade_id TEXT UNIQUE NOT NULL, body TEXT NOT NULL);
`;

const isBrokerFile = (db: Db): boolean =>
  (db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'bars'`).get() as { n: number }).n > 0;

export class PaperBrokerFile implements Broker {
  readonly name = 'paper';
  /** Saved JSON per order, to write only what changed. */
  private readonly saved = new Map<string, string>();
  private fillsSaved: number;

  private constructor(
    readonly path: string,
    private readonly db: Db,
    private readonly pb: PaperBroker,
    private readonly dates: readonly string[],
  ) {
    for (const r of db.prepare('SELECT client_order_id, body FROM orders').all() as {
      client_order_id: string;
      body: string;
    }[])
      this.saved.set(r.client_order_id, r.body);
    this.fillsSaved = (db.prepare('SELECT COUNT(*) AS n FROM fills').get() as { n: number }).n;
  }

  /** Create a broker file (refused if it exists) funded with `capital`, its clock at the first bar's close. */
  static create(path: string, setup: BrokerFileSetup): PaperBrokerFile {
    const settings: Settings = {
      costs: setup.costs,
      fill: 'next-close',
      maxStaleBars: setup.maxStaleBars ?? 5,
      creditFraction: setup.creditFraction ?? 0.05,
      ...(setup.intraday ? { intraday: setup.intraday } : {}),
    };
    const bars = new Panel({
      dates: setup.dates,
      assets: setup.assets,
      fields: setup.fields,
      meta: setup.assets.map((id, a) => ({ id, assetClass: setup.assetClass[a] ?? '' })),
    });
    // Build first: bad settings (a cost model the bars cannot feed) are refused before a file exists.
    const pb = new PaperBroker({ ...settings, bars, cash: setup.capital, start: setup.dates[0]! });
    const db = openDb(path, 'broker', { create: true });
    if (isBrokerFile(db)) {
      db.close();
      throw dataError(`broker file ${path} already exists; open it instead of creating it`);
    }
    // Schema, bars and the first state in one transaction: a kill leaves no file half made.
    return db.transaction(() => {
      db.exec(SCHEMA);
      const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      meta.run('settings', JSON.stringify(settings));
      meta.run('dates', JSON.stringify(setup.dates));
      meta.run('assets', JSON.stringify(setup.assets));
      meta.run('assetClass', JSON.stringify(setup.assetClass));
      const ins = db.prepare('INSERT INTO bars (field, data) VALUES (?, ?)');
      for (const [f, v] of Object.entries(setup.fields)) ins.run(f, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
      const b = new PaperBrokerFile(path, db, pb, setup.dates);
      b.saveAll();
      return b;
    })();
  }

  static open(path: string): PaperBrokerFile {
    const db = openDb(path, 'broker', { create: false });
    try {
      if (!isBrokerFile(db))
        throw dataError(
          `broker file ${path} is not a Keel paper-broker file; give the file keel created beside the ledger`,
        );
      const read = (table: 'meta' | 'state', k: string): unknown => {
        const r = db.prepare(`SELECT value FROM ${table} WHERE key = ?`).get(k) as { value: string } | undefined;
        if (!r) throw dataError(`broker file ${path} has no ${table} ${k}; it is damaged — start a new ledger`);
        return JSON.parse(r.value);
      };
      const meta = (k: string): unknown => read('meta', k);
      const st = (k: string): unknown => read('state', k);
      const assets = meta('assets') as string[];
      const assetClass = meta('assetClass') as string[];
      const fields: Record<string, Float64Array> = {};
      for (const r of db.prepare('SELECT field, data FROM bars').all() as { field: string; data: Buffer }[]) {
        // Copy into an aligned buffer (a Buffer's offset into its pool need not be a multiple of 8).
        const bytes = new Uint8Array(r.data.byteLength);
        bytes.set(r.data);
        fields[r.field] = new Float64Array(bytes.buffer);
      }
      const dates = meta('dates') as string[];
      const bars = new Panel({
        dates,
        assets,
        fields,
        meta: assets.map((id, a) => ({ id, assetClass: assetClass[a] ?? '' })),
      });
      const orders = (db.prepare('SELECT body FROM orders ORDER BY seq').all() as { body: string }[]).map(
        (r) => JSON.parse(r.body) as SavedOrder,
      );
      const fills = (db.prepare('SELECT body FROM fills ORDER BY n').all() as { body: string }[]).map(
        (r) => JSON.parse(r.body) as Fill,
      );
      const state: PaperBrokerState = {
        date: st('date') as string,
        cash: st('cash') as number,
        quantities: st('quantities') as number[],
        seq: st('seq') as number,
        orders,
        fills,
      };
      // The constructor checks its starting cash ≥ 0; the restored cash (possibly a little below 0) replaces it.
      const pb = PaperBroker.restore({ ...(meta('settings') as Settings), bars, cash: 0 }, state);
      return new PaperBrokerFile(path, db, pb, dates);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  close(): void {
    this.db.close();
  }

  /** The close the broker's clock stands at (the last bar it traded). */
  now(): string {
    return this.pb.now();
  }

  /**
   * Bring the clock to the close before `date`, so orders sent now trade during `date`. Bars in between are
   * traded (resting orders may fill, day orders expire), each saved. A clock already at `date`'s close (a command
   * restarted after it closed that day) stays there; a clock past it is refused.
   */
  async openDay(date: string): Promise<void> {
    const row = this.row(date);
    if (this.pb.row() > row)
      throw dataError(
        `the paper broker has already traded up to ${this.pb.now()}, after ${date}; trade on ${this.pb.now()} or later`,
      );
    while (this.pb.row() < row - 1) await this.advance();
  }

  /** Trade `date` (fills at its close); a no-op when the clock is already at or past it. Returns the new fills. */
  async closeDay(date: string): Promise<readonly Fill[]> {
    const row = this.row(date);
    await this.openDay(date);
    return this.pb.row() === row - 1 ? this.advance() : [];
  }

  private row(date: string): number {
    const row = this.dates.indexOf(date);
    if (row < 1)
      throw dataError(
        row === 0
          ? `${date} is the first date of the data; the paper broker trades from the next date on`
          : `${date} is not a date of the broker's bars; use a trading date of the study data`,
      );
    return row;
  }

  private async advance(): Promise<readonly Fill[]> {
    const fills = await this.pb.advance();
    this.saveAll();
    return fills;
  }

  async submit(req: OrderRequest): Promise<SubmitResult> {
    const r = await this.pb.submit(req);
    if (r.ok && !r.existing) this.saveOrder(req.clientOrderId, true);
    return r;
  }

  async cancel(clientOrderId: string): Promise<BrokerOrder | null> {
    const r = await this.pb.cancel(clientOrderId);
    if (r) this.saveOrder(clientOrderId, false);
    return r;
  }

  order(clientOrderId: string): Promise<BrokerOrder | null> {
    return this.pb.order(clientOrderId);
  }
  orders(filter?: { open?: boolean }): Promise<readonly BrokerOrder[]> {
    return this.pb.orders(filter);
  }
  fills(since?: string): Promise<readonly Fill[]> {
    return this.pb.fills(since);
  }
  positions(): Promise<readonly Position[]> {
    return this.pb.positions();
  }
  account(): Promise<Account> {
    return this.pb.account();
  }

  private writeState(s: { date: string; cash: number; quantities: readonly number[]; seq: number }): void {
    const put = this.db.prepare(
      'INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    put.run('date', JSON.stringify(s.date));
    put.run('cash', JSON.stringify(s.cash));
    put.run('quantities', JSON.stringify(s.quantities));
    put.run('seq', JSON.stringify(s.seq));
  }

  private putOrder(o: SavedOrder): void {
    const body = JSON.stringify(o);
    if (this.saved.get(o.clientOrderId) === body) return;
    this.db
      .prepare(
        'INSERT INTO orders (client_order_id, seq, body) VALUES (?, ?, ?) ON CONFLICT(client_order_id) DO UPDATE SET body = excluded.body',
      )
      .run(o.clientOrderId, o.seq, body);
    this.saved.set(o.clientOrderId, body);
  }

  /** One order changed (submit, cancel): write it and the counters in one transaction. */
  private saveOrder(clientOrderId: string, isNew: boolean): void {
    const o = this.pb.orderState(clientOrderId);
    if (!o) return;
    this.db.transaction(() => {
      this.putOrder(o);
      // A new order took the next broker sequence number (its own).
      if (isNew)
        this.db
          .prepare(
            `INSERT INTO state (key, value) VALUES ('seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
          )
          .run(JSON.stringify(o.seq));
    })();
  }

  /** The whole state (after a bar closed): changed orders and new fills only, in one transaction. */
  private saveAll(): void {
    const s = this.pb.snapshot();
    this.db.transaction(() => {
      this.writeState(s);
      for (const o of s.orders) this.putOrder(o);
      const ins = this.db.prepare('INSERT INTO fills (n, trade_id, body) VALUES (?, ?, ?)');
      for (let i = this.fillsSaved; i < s.fills.length; i++)
        ins.run(i + 1, s.fills[i]!.tradeId, JSON.stringify(s.fills[i]));
    })();
    this.fillsSaved = s.fills.length;
  }
}
