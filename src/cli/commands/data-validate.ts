/**
 * `keel data validate FILE [--json]`: prints a data-quality report (see src/data/validate.ts for the rules) and
 * exits 0 when the file is usable, 1 when it is not (any error finding), 2 on bad flags.
 */
import { Command, Option } from 'commander';
import { usageError } from '../../core/index.ts';
import { formatQualityReport, parseMissingPolicy } from '../../data/index.ts';
import {
  DATE_FORMATS,
  DELIMITERS,
  validateFile,
  type DateFormat,
  type Delimiter,
  type ValidateFileOptions,
} from '../../io/index.ts';

interface Flags {
  json?: boolean;
  missing: string;
  layout: 'auto' | 'wide' | 'long';
  delimiter?: string;
  dateFormat?: string;
  minHistory: string;
  staleRun: string;
  maxMove?: string;
  returns?: boolean;
  french?: string;
}

const positiveInt = (flag: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw usageError(`${flag} must be a whole number ≥ 1, got "${v}". Example: ${flag} 252.`);
  return n;
};

export function dataValidateCommand(): Command {
  return new Command('validate')
    .description('check a market-data file (CSV, CSV.gz, Parquet) and print a quality report; exit 0 usable, 1 not')
    .argument('<file>', 'price file: wide (date + one column per asset) or long (date, asset, field, value)')
    .option('--json', 'print the report as JSON')
    .option(
      '--missing <policy>',
      'missing-data policy the data will be loaded with: error | forward-fill:N | drop-dates | drop-assets',
      'error',
    )
    .addOption(new Option('--layout <layout>', 'file layout').choices(['auto', 'wide', 'long']).default('auto'))
    .option('--delimiter <char>', "field delimiter (',' ';' '|' or 'tab'); detected when absent")
    .option('--date-format <format>', `date format (${DATE_FORMATS.join(', ')}); detected when absent`)
    .option('--min-history <n>', 'fewer values than this is a short-history warning', '252')
    .option('--stale-run <n>', 'this many identical consecutive prices is a stale-run warning', '10')
    .option(
      '--max-move <fraction>',
      'a one-period move beyond ±this is a large-move warning (default 0.5 on daily data)',
    )
    .option('--returns', 'the file holds returns, not prices (skip the price-only rules)')
    .option(
      '--french <section>',
      "read a Kenneth French CSV and check this section (title substring, or 'monthly'/'annual')",
    )
    .action(async (file: string, flags: Flags) => {
      const missingPolicy = parseMissingPolicy(flags.missing);
      if (!missingPolicy) {
        throw usageError(
          `--missing must be error, forward-fill:N, drop-dates or drop-assets, got "${flags.missing}". Example: --missing forward-fill:5.`,
        );
      }
      let delimiter: Delimiter | undefined;
      if (flags.delimiter !== undefined) {
        const d = flags.delimiter === 'tab' || flags.delimiter === '\\t' ? '\t' : flags.delimiter;
        if (!(DELIMITERS as readonly string[]).includes(d))
          throw usageError(`--delimiter must be ',', ';', '|' or tab, got "${flags.delimiter}".`);
        delimiter = d as Delimiter;
      }
      if (flags.dateFormat !== undefined && !(DATE_FORMATS as readonly string[]).includes(flags.dateFormat)) {
        throw usageError(`--date-format must be one of ${DATE_FORMATS.join(', ')}, got "${flags.dateFormat}".`);
      }
      let maxMove: number | undefined;
      if (flags.maxMove !== undefined) {
        maxMove = Number(flags.maxMove);
        if (!(maxMove > 0) || !Number.isFinite(maxMove))
          throw usageError(
            `--max-move must be a fraction > 0, got "${flags.maxMove}". Example: --max-move 0.5 (50 %).`,
          );
      }
      const options: ValidateFileOptions = {
        missingPolicy,
        layout: flags.layout,
        minHistory: positiveInt('--min-history', flags.minHistory),
        staleRun: positiveInt('--stale-run', flags.staleRun),
        ...(maxMove !== undefined ? { maxMove } : {}),
        ...(flags.returns ? { notPrices: true } : {}),
        ...(flags.french !== undefined ? { frenchSection: flags.french } : {}),
        ...(delimiter ? { delimiter } : {}),
        ...(flags.dateFormat ? { dateFormat: flags.dateFormat as DateFormat } : {}),
      };
      const report = await validateFile(file, options);
      const text = flags.json ? JSON.stringify(report, null, 2) : formatQualityReport(report).join('\n');
      process.stdout.write(`${text}\n`);
      if (!report.usable) process.exitCode = 1;
    });
}

export default dataValidateCommand;
