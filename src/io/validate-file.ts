/**
 * `validateFile(path)`: the quality report of a data file (what `keel data validate` prints). A file that cannot
 * even be parsed yields a report with one `parse` error finding (the loader's one-line message) rather than a
 * throw, so the command always has a report to print.
 */
import { isKeelError } from '../core/index.ts';
import { validateTable, type QualityReport, type ValidateOptions } from '../data/index.ts';
import { loadFrench } from './french.ts';
import { readTable, type LoadPricesOptions } from './load-prices.ts';

export type ValidateFileOptions = ValidateOptions &
  Pick<LoadPricesOptions, 'layout' | 'delimiter' | 'dateFormat' | 'naValues' | 'field'> & {
    /** The file holds returns or factors, not prices: skip the price-only rules. */
    readonly notPrices?: boolean;
    /** Read the file as a Kenneth French CSV and validate this section (returns: price-only rules skipped). */
    readonly frenchSection?: string;
  };

export async function validateFile(path: string, options: ValidateFileOptions = {}): Promise<QualityReport> {
  try {
    if (options.frenchSection !== undefined) {
      const { panel } = loadFrench(path, { section: options.frenchSection });
      const field = panel.fieldNames[0]!;
      return validateTable(
        { source: path, dates: panel.dates, assets: panel.assets, values: panel.field(field), notPrices: true },
        options,
      );
    }
    const table = await readTable(path, options);
    const field = options.field ?? (table.fields['close'] ? 'close' : Object.keys(table.fields)[0]!);
    return validateTable(
      {
        source: path,
        dates: table.dates,
        assets: table.assets,
        values: table.fields[field]!,
        lines: table.lines,
        ...(options.notPrices ? { notPrices: true } : {}),
      },
      options,
    );
  } catch (e) {
    // a file that cannot be opened is not a quality finding: the caller reports the io error itself
    if (!isKeelError(e) || e.kind !== 'data') throw e;
    const prefix = e.message.startsWith(`${path}:`) ? e.message.slice(path.length + 1) : undefined;
    const m = prefix === undefined ? null : /^(\d+)?:? ?(.*)$/s.exec(prefix);
    return {
      source: path,
      usable: false,
      nDates: 0,
      nAssets: 0,
      errors: 1,
      warnings: 0,
      findings: [
        {
          severity: 'error',
          rule: 'parse',
          file: path,
          ...(m?.[1] !== undefined ? { line: Number(m[1]) } : {}),
          count: 1,
          message: m ? m[2]!.trim() : e.message,
        },
      ],
    };
  }
}
