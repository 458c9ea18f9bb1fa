/**
 * `keel data fetch --provider yahoo|stooq|fred SYMBOL… [--out FILE.csv]`: downloads daily histories through the
 * local cache (`--cache DIR`, default `.keel/cache`) and, with `--out`, writes the aligned closes (FRED: values)
 * as a wide CSV, atomically. Exit 0 ok, 1 on a failed download or parse, 2 on bad flags.
 */
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
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

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
    .option('--json', 'print a JSON summary')
    .action(async (symbols: string[], flags: Flags) => {
      for (const [flag, v] of [
        ['--start', flags.start],
        ['--end', flags.end],
      ] as const) {
        if (v !== undefined && !ISO.test(v)) throw usageError(`${flag} must be a date YYYY-MM-DD, got "${v}".`);
      }
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
