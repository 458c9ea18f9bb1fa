/**
 * Parquet read and write through DuckDB (`@duckdb/node-api`, loaded lazily: importing Keel does not load the
 * 68 MB native binding). Layouts mirror the CSV ones: wide (`date` + one DOUBLE column per asset, one field) or
 * long (`date, asset, field, value`). Writes go to a temporary file renamed into place, so a failed write leaves
 * nothing behind.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dataError, ioError } from '../core/index.ts';
import type { Panel } from '../data/index.ts';
import { parseCsvTable, type RawTable, type TableOptions } from './csv-table.ts';
import { assertReadableFile } from './read-bytes.ts';

type DuckConnection = {
  runAndReadAll(
    sql: string,
  ): Promise<{ getColumnsJS(): unknown[][]; columnNames(): string[]; getRowsJS(): unknown[][] }>;
  run(sql: string): Promise<unknown>;
  closeSync?: () => void;
  disconnectSync?: () => void;
};

async function connect(): Promise<DuckConnection> {
  let mod: {
    DuckDBInstance: { create(path?: string): Promise<{ connect(): Promise<DuckConnection>; closeSync?: () => void }> };
  };
  try {
    mod = (await import('@duckdb/node-api')) as unknown as typeof mod;
  } catch (e) {
    throw ioError(
      `Parquet support needs the @duckdb/node-api package, which could not be loaded (${(e as Error).message}). Run npm install.`,
      e,
    );
  }
  const db = await mod.DuckDBInstance.create(':memory:');
  return db.connect();
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const sqlIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** Reads a Parquet file into a raw table (same shapes as CSV: wide or long). */
export async function readParquetTable(path: string, options: TableOptions = {}): Promise<RawTable> {
  assertReadableFile(path);
  const source = options.source ?? path;
  const con = await connect();
  try {
    let cols: { name: string; type: string }[];
    try {
      const d = await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
      cols = d.getRowsJS().map((r) => ({ name: String(r[0]), type: String(r[1]) }));
    } catch (e) {
      throw dataError(
        `${source}: not a readable Parquet file (${String((e as Error).message).split('\n')[0]}). Check the file; write it with keel or DuckDB/pyarrow.`,
      );
    }
    if (cols.length < 2)
      throw dataError(
        `${source}: the Parquet file has ${cols.length} column(s); expected a date column and at least one asset column (zero assets).`,
      );
    // Re-emit the table as CSV text through DuckDB and reuse the CSV rules (dates, duplicates, layouts), so both
    // formats behave identically; dates are normalised to YYYY-MM-DD first.
    const [first, ...rest] = cols;
    const dateExpr = /DATE|TIMESTAMP/i.test(first!.type)
      ? `strftime(CAST(${sqlIdent(first!.name)} AS DATE), '%Y-%m-%d')`
      : `CAST(${sqlIdent(first!.name)} AS VARCHAR)`;
    const tmp = mkdtempSync(join(tmpdir(), 'keel-parquet-'));
    try {
      const csv = join(tmp, 'table.csv');
      const select = [`${dateExpr} AS ${sqlIdent(first!.name)}`, ...rest.map((c) => sqlIdent(c.name))].join(', ');
      await con.run(
        `COPY (SELECT ${select} FROM read_parquet(${sqlString(path)})) TO ${sqlString(csv)} (HEADER, DELIMITER ',')`,
      );
      const { readInputBytes } = await import('./read-bytes.ts');
      return parseCsvTable(readInputBytes(csv), { ...options, source, delimiter: ',' });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } finally {
    con.disconnectSync?.();
  }
}

export interface WriteParquetOptions {
  /** 'wide' (one field, one column per asset) or 'long' (date, asset, field, value). Default: wide for one field. */
  readonly layout?: 'wide' | 'long';
  /** Field to write in the wide layout (default 'close', or the only field). */
  readonly field?: string;
}

/** Writes a panel to Parquet (atomically: temp file then rename). Dates are written as DATE. */
export async function writeParquet(panel: Panel, path: string, options: WriteParquetOptions = {}): Promise<void> {
  const layout = options.layout ?? (panel.fieldNames.length === 1 ? 'wide' : 'long');
  const tmp = mkdtempSync(join(tmpdir(), 'keel-parquet-'));
  const partial = join(dirname(path), `.${Date.now().toString(36)}.keel-partial.parquet`);
  const con = await connect();
  try {
    const csv = join(tmp, 'table.csv');
    const n = panel.nAssets;
    const num = (v: number): string => (Number.isNaN(v) ? '' : String(v));
    const parts: string[] = [];
    if (layout === 'wide') {
      const field = options.field ?? (panel.has('close') ? 'close' : panel.fieldNames[0]!);
      const x = panel.field(field);
      parts.push(['date', ...panel.assets.map((a) => `"${a.replace(/"/g, '""')}"`)].join(','));
      for (let t = 0; t < panel.nDates; t++) {
        let line = panel.dates[t]!;
        for (let a = 0; a < n; a++) line += `,${num(x[t * n + a]!)}`;
        parts.push(line);
      }
    } else {
      parts.push('date,asset,field,value');
      for (const f of panel.fieldNames) {
        const x = panel.field(f);
        for (let t = 0; t < panel.nDates; t++) {
          for (let a = 0; a < n; a++) {
            const v = x[t * n + a]!;
            if (!Number.isNaN(v))
              parts.push(`${panel.dates[t]},"${panel.assets[a]!.replace(/"/g, '""')}",${f},${num(v)}`);
          }
        }
      }
    }
    writeFileSync(csv, parts.join('\n') + '\n');
    const types =
      layout === 'wide'
        ? `{${['date', ...panel.assets].map((c, i) => `${sqlString(c)}: ${i === 0 ? "'DATE'" : "'DOUBLE'"}`).join(', ')}}`
        : `{'date': 'DATE', 'asset': 'VARCHAR', 'field': 'VARCHAR', 'value': 'DOUBLE'}`;
    try {
      await con.run(
        `COPY (SELECT * FROM read_csv(${sqlString(csv)}, header = true, columns = ${types}, quote = '"', escape = '"')) TO ${sqlString(partial)} (FORMAT parquet)`,
      );
      renameSync(partial, path);
    } catch (e) {
      rmSync(partial, { force: true });
      throw ioError(
        `${path}: cannot write Parquet (${String((e as Error).message).split('\n')[0]}). Check that the folder exists and is writable.`,
        e,
      );
    }
  } finally {
    con.disconnectSync?.();
    rmSync(tmp, { recursive: true, force: true });
  }
}
