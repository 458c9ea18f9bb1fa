/**
 * `keel data synth --seed N --out DIR [--assets N] [--years N] [--start DATE] [--format csv|parquet] [--no-truth]
 * [--force] [--json]`: writes the seeded synthetic market (src/synth) as one folder of tables: close/open/high/low/volume
 * (wide: date + one column per asset), assets, macro releases, headlines, fundamentals, the ground truth and the
 * resolved parameters (see src/synth/serialize.ts for every column). Same seed → identical files.
 *
 * The folder appears atomically: everything is written into a hidden sibling folder which is renamed to DIR only
 * when complete, so a failure (or Ctrl-C) leaves no partial output. `--force` replaces a folder holding only files
 * this command writes (`synthFileNames`); anything else in it is refused, never deleted.
 * Exit 0 ok, 1 failure (cannot write), 2 bad flags or an occupied folder.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ioError, isKeelError, usageError } from '../../core/index.ts';
import { CORE_ASSETS, marketToCsv, PANEL_FIELDS, parseSynthParams, synthesizeMarket } from '../../synth/index.ts';
import { createTempDir, sweepStaleTempDirs, tempDirName, type TempDir } from '../../io/index.ts';
import { createProgress } from '../progress.ts';

interface Flags {
  seed: string;
  out: string;
  assets?: string;
  years?: string;
  start?: string;
  format: 'csv' | 'parquet';
  truth: boolean;
  force?: boolean;
  json?: boolean;
}

const wholeNumber = (flag: string, v: string, min: number, max: number, example: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw usageError(`${flag} must be a whole number in [${min}, ${max}], got "${v}". Example: ${flag} ${example}.`);
  return n;
};

export function dataSynthCommand(): Command {
  return new Command('synth')
    .description('write the seeded synthetic market (prices, macro, headlines, fundamentals, ground truth) to a folder')
    .requiredOption('--out <dir>', 'output folder (created; must not exist or be empty unless --force)')
    .option('--seed <n>', 'random seed, an integer in [0, 4294967295]; same seed → identical files', '42')
    .option(
      '--assets <n>',
      `total assets: the ${CORE_ASSETS.length} core assets (${CORE_ASSETS.join(', ')}) plus n−${CORE_ASSETS.length} stocks STK001…`,
      '28',
    )
    .option('--years <n>', 'length of the business-day calendar in years', '10')
    .option('--start <date>', 'first calendar day, YYYY-MM-DD', '2014-01-01')
    .addOption(new Option('--format <format>', 'table format').choices(['csv', 'parquet']).default('csv'))
    .option('--no-truth', 'leave out the ground-truth tables (regimes, planted signals, headline tones)')
    .option('--force', 'replace DIR if it already exists')
    .option('--json', 'print a JSON summary (files, rows, seconds) instead of text')
    .action(async (flags: Flags) => {
      const seed = wholeNumber('--seed', flags.seed, 0, 0xffffffff, '42');
      const assets = wholeNumber('--assets', flags.assets ?? '28', CORE_ASSETS.length, CORE_ASSETS.length + 1000, '28');
      const years = Number(flags.years ?? '10');
      if (!Number.isFinite(years) || years <= 0)
        throw usageError(`--years must be a positive number, got "${flags.years}". Example: --years 10.`);
      const params = parseSynthParams({
        seed,
        years,
        stocks: assets - CORE_ASSETS.length,
        start: flags.start ?? '2014-01-01',
      });

      const out = resolve(flags.out);
      prepareTarget(out, flags.force === true);
      const started = performance.now();
      const bar = createProgress('data synth');
      bar.update(0, 1, 'simulating');
      const market = synthesizeMarket(params);
      const tables = marketToCsv(market, {
        truth: flags.truth,
        onProgress: (done, total, name) => bar.update(done, total, name),
      });
      bar.done();
      const parent = dirname(out);
      sweepStaleTempDirs(parent); // leftovers of killed runs: Keel's own temp folders of dead processes only
      const written: { file: string; rows: number }[] = [];
      let tmp: TempDir | undefined;
      try {
        tmp = createTempDir(parent, basename(out));
        for (const [name, text] of tables) {
          writeFileSync(join(tmp.path, name), text);
          if (name.endsWith('.csv')) written.push({ file: name, rows: countRows(text) });
          else written.push({ file: name, rows: 0 });
        }
        if (flags.format === 'parquet') await csvFolderToParquet(tmp.path, written);
        replaceFolder(tmp.path, out);
        tmp.release();
      } catch (e) {
        if (tmp) {
          try {
            rmSync(tmp.path, { recursive: true, force: true });
          } catch {
            // the write's own error is the one to report; the leftover is swept by the next run
          }
          tmp.release();
        }
        if (isKeelError(e)) throw e;
        const code = (e as NodeJS.ErrnoException).code;
        throw ioError(
          `${out}: cannot write the synthetic market (${code ?? (e as Error).message}). Check that the parent folder exists, is writable and has free space.`,
          e,
        );
      }
      const seconds = (performance.now() - started) / 1000;
      const summary = {
        out,
        seed,
        format: flags.format,
        dates: market.panel.nDates,
        assets: market.panel.nAssets,
        first: market.panel.dates[0],
        last: market.panel.dates.at(-1),
        files: written,
        seconds: Math.round(seconds * 1000) / 1000,
      };
      if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else {
        process.stdout.write(
          `synthetic market, seed ${seed}: ${summary.dates} business days (${summary.first} … ${summary.last}) × ${summary.assets} assets → ${out}\n`,
        );
        for (const f of written) process.stdout.write(`  ${f.file}${f.rows ? `  ${f.rows} rows` : ''}\n`);
      }
    });
}

/** Every file `keel data synth` can write (CSV or Parquet tables, the parameters): all `--force` may replace. */
export function synthFileNames(): ReadonlySet<string> {
  const tables = [
    ...PANEL_FIELDS,
    'assets',
    'macro',
    'headlines',
    'fundamentals',
    'truth_regimes',
    'truth_signals',
    'truth_headline_tone',
  ];
  return new Set([...tables.flatMap((t) => [`${t}.csv`, `${t}.parquet`]), 'params.json']);
}

/**
 * Refuses a target that is a file, an existing non-empty folder without `force`, and with `force` a folder holding
 * anything this command did not write: `--force` replaces Keel's own tables, never a user's files.
 */
function prepareTarget(out: string, force: boolean): void {
  if (!existsSync(out)) {
    if (!existsSync(dirname(out)))
      throw usageError(`--out ${out}: the parent folder ${dirname(out)} does not exist. Create it first.`);
    return;
  }
  if (!statSync(out).isDirectory())
    throw usageError(`--out ${out} is a file, not a folder. Name a folder, e.g. --out market/.`);
  const present = readdirSync(out);
  if (present.length === 0) return;
  if (!force)
    throw usageError(
      `--out ${out} already exists and is not empty. Choose a new folder or pass --force to replace it.`,
    );
  refuseForeignFiles(out);
}

/** The `--force` rule: throws a usage error naming the entries of `out` that keel data synth does not write. */
function refuseForeignFiles(out: string): void {
  const ours = synthFileNames();
  const foreign = readdirSync(out)
    .filter((f) => !ours.has(f) || !statSync(join(out, f)).isFile())
    .sort();
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? ` and ${foreign.length - 5} more` : '');
    throw usageError(
      `--out ${out} holds ${foreign.length} file${foreign.length === 1 ? '' : 's'} keel data synth did not write (${shown}); --force replaces only its own tables and never deletes other files. Move them away or choose another folder.`,
    );
  }
}

/** Puts the finished folder `tmp` at `out`; an existing `out` (only our files, see prepareTarget) is removed after. */
function replaceFolder(tmp: string, out: string): void {
  if (!existsSync(out)) {
    renameSync(tmp, out);
    return;
  }
  refuseForeignFiles(out); // again: files may have appeared while the market was being written
  const aside = join(dirname(out), tempDirName(`${basename(out)}.old`));
  renameSync(out, aside);
  try {
    renameSync(tmp, out);
  } catch (e) {
    renameSync(aside, out); // put the old market back
    throw e;
  }
  try {
    rmSync(aside, { recursive: true, force: true });
  } catch {
    // only our own old tables, named with our pid: the next run into this folder's parent sweeps them
  }
}

function countRows(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return Math.max(0, n - 1);
}

/** Converts every CSV in `dir` to Parquet through DuckDB (column types inferred; dates become DATE), removing the CSVs. */
async function csvFolderToParquet(dir: string, written: { file: string; rows: number }[]): Promise<void> {
  type Con = { run(sql: string): Promise<unknown>; disconnectSync?: () => void };
  let duck: { DuckDBInstance: { create(path?: string): Promise<{ connect(): Promise<Con> }> } };
  try {
    duck = (await import('@duckdb/node-api')) as unknown as typeof duck;
  } catch (e) {
    throw ioError(
      `--format parquet needs the @duckdb/node-api package, which could not be loaded (${(e as Error).message}). Run npm install, or use --format csv.`,
      e,
    );
  }
  const con = await (await duck.DuckDBInstance.create(':memory:')).connect();
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  try {
    for (const f of written) {
      if (!f.file.endsWith('.csv')) continue;
      const csv = join(dir, f.file);
      const parquet = csv.replace(/\.csv$/, '.parquet');
      await con.run(
        `COPY (SELECT * FROM read_csv(${q(csv)}, header = true, sample_size = -1)) TO ${q(parquet)} (FORMAT parquet)`,
      );
      rmSync(csv);
      f.file = basename(parquet);
    }
  } finally {
    con.disconnectSync?.();
  }
}
