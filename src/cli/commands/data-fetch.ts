/**
 * `keel data fetch --provider yahoo|stooq|fred SYMBOL… [--out FILE.csv]`: downloads daily histories through the
 * local cache (`--cache DIR`, default `.keel/cache`) and, with `--out`, writes the aligned closes (FRED: values)
 * as a wide CSV, atomically. Exit 0 ok, 1 on a failed download or parse, 2 on bad flags.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { usageError } from '../../core/index.ts';
import { fetchPanel, PROVIDERS, writeWideCsv, type FetchOptions, type Provider } from '../../io/index.ts';

interface Flags {
  provider: Provider;
  start?: string;
  end?: string;
  out?: string;
  cache: string;
  offline?: boolean;
  maxAgeHours: string;
  baseUrl?: string;
  json?: boolean;
  unadjusted?: boolean;
  force?: boolean;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/** YYYY-MM-DD naming a day that exists (2020-13-45 is refused, not rolled over into 2021-02-14). */
function isCalendarDate(v: string): boolean {
  if (!ISO.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** `--base-url` names an HTTP(S) server: fetch() would also read data:, blob: and file-like URLs as "downloads". */
function checkBaseUrl(v: string): void {
  let protocol: string;
  try {
    protocol = new URL(v).protocol;
  } catch {
    throw usageError(
      `--base-url must be an http:// or https:// URL, got "${v}". Example: --base-url http://localhost:8080.`,
    );
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    throw usageError(
      `--base-url must be an http:// or https:// URL, got a ${protocol} URL ("${v}"). Example: --base-url http://localhost:8080.`,
    );
}

export function dataFetchCommand(): Command {
  return new Command('fetch')
    .description('download daily prices (Yahoo, Stooq) or series (FRED) through a local cache; --out writes a wide CSV')
    .argument('<symbols...>', 'symbols or series ids, e.g. SPY TLT (yahoo), spy.us (stooq), DGS10 (fred)')
    .addOption(new Option('--provider <name>', 'data provider').choices([...PROVIDERS]).default('yahoo'))
    .option('--start <date>', 'first date, YYYY-MM-DD')
    .option('--end <date>', 'last date, YYYY-MM-DD')
    .option('--out <file>', 'write the aligned closes (FRED: values) as a wide CSV')
    .option('--cache <dir>', 'cache folder', '.keel/cache')
    .option('--offline', 'use only cached responses')
    .option('--max-age-hours <h>', 'reuse cached responses younger than this', '12')
    .option('--base-url <url>', "override the provider's base URL (mirrors, tests)")
    .option('--unadjusted', 'Yahoo: keep the raw close instead of the adjusted close')
    .option('--force', 'with --out: replace an existing file')
    .option('--json', 'print a JSON summary')
    .action(async (symbols: string[], flags: Flags) => {
      // Never overwrite a file Keel did not write unless asked: checked before any download.
      if (flags.out !== undefined && existsSync(flags.out) && !flags.force)
        throw usageError(`--out ${flags.out} already exists; choose another file, or add --force to replace it.`);
      for (const [flag, v] of [
        ['--start', flags.start],
        ['--end', flags.end],
      ] as const) {
        if (v !== undefined && !isCalendarDate(v))
          throw usageError(`${flag} must be a real calendar date YYYY-MM-DD, got "${v}". Example: ${flag} 2020-01-31.`);
      }
      if (flags.start !== undefined && flags.end !== undefined && flags.start > flags.end)
        throw usageError(`--start ${flags.start} is after --end ${flags.end}; swap them.`);
      if (flags.baseUrl !== undefined) checkBaseUrl(flags.baseUrl);
      const maxAge = Number(flags.maxAgeHours);
      if (!Number.isFinite(maxAge) || maxAge < 0)
        throw usageError(`--max-age-hours must be a number ≥ 0, got "${flags.maxAgeHours}".`);
      const options: FetchOptions & { adjusted: boolean } = {
        cacheDir: resolve(flags.cache),
        maxAgeMs: maxAge * 3600 * 1000,
        adjusted: !flags.unadjusted,
        ...(flags.offline ? { offline: true } : {}),
        ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
        ...(flags.start ? { start: flags.start } : {}),
        ...(flags.end ? { end: flags.end } : {}),
      };
      const { panel, fromCache } = await fetchPanel(flags.provider, symbols, options);
      const field = panel.has('close') ? 'close' : 'value';
      if (flags.out) writeWideCsv(panel, flags.out, field);
      const summary = {
        provider: flags.provider,
        symbols,
        dates: panel.nDates,
        first: panel.dates[0] ?? null,
        last: panel.dates[panel.nDates - 1] ?? null,
        fromCache,
        downloaded: symbols.length - fromCache,
        out: flags.out ?? null,
      };
      if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        process.stdout.write(
          `fetched ${symbols.length} symbol${symbols.length === 1 ? '' : 's'} from ${flags.provider} (${fromCache} from cache): ${panel.nDates} dates, ${summary.first} .. ${summary.last}${flags.out ? `; wrote ${field} to ${flags.out}` : ''}\n`,
        );
      }
    });
}

export default dataFetchCommand;
