/**
 * better-sqlite3 (12.x, synchronous) behind the few calls the trading stage uses, typed here so no @types package
 * is needed. A file that is not a SQLite database (or a damaged one) becomes one data-error line, never a stack.
 */
import { createRequire } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import { dataError, ioError, isKeelError } from '../core/index.ts';

export interface Statement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface Db {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(sql: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): void;
  readonly inTransaction: boolean;
}

type DbCtor = new (path: string, options?: { readonly?: boolean; fileMustExist?: boolean }) => Db;
let ctor: DbCtor | null = null;

function load(): DbCtor {
  if (ctor) return ctor;
  try {
    ctor = createRequire(import.meta.url)('better-sqlite3') as DbCtor;
  } catch (e) {
    throw ioError(
      `cannot load better-sqlite3 (${(e as Error).message.split('\n')[0]}); run npm install (it builds from source with g++ when no prebuilt binary is reachable)`,
    );
  }
  return ctor;
}

/**
 * Open (or create) a database in WAL mode with full fsync. `what` names the file in errors ("ledger", "broker").
 * An existing file is checked before use: a corrupted one is refused with one line and nothing is written to it.
 */
export function openDb(path: string, what: string, options: { create: boolean }): Db {
  const Database = load();
  const exists = path !== ':memory:' && existsSync(path);
  if (!exists && !options.create && path !== ':memory:')
    throw dataError(`${what} ${path} does not exist; create it with keel trade plan or keel paper`);
  if (exists && statSync(path).isDirectory()) throw dataError(`${what} ${path} is a folder; give a file path`);
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: exists });
    if (exists) {
      // A quick check reads every page: a corrupted file fails here, before any write.
      const rows = db.pragma('quick_check') as { quick_check: string }[];
      const bad = rows.find((r) => r.quick_check !== 'ok');
      if (bad) throw new Error(bad.quick_check);
    }
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives a killed process (the OS holds the WAL); only a power
    // loss can drop the last transactions, and never leaves a torn file.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
  } catch (e) {
    if (isKeelError(e)) throw e;
    const msg = (e as Error).message.split('\n')[0];
    throw dataError(
      `${what} ${path} is not a readable SQLite database (${msg}); restore it from a backup or start a new ${what} file`,
    );
  }
  return db;
}
