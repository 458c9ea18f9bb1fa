/**
 * `validateFile(path)`: the quality report of a data file (what `keel data validate` prints). A file that cannot
 * even be parsed yields a report with one `parse` error finding (the loader's one-line message) rather than a
 * throw, so the command always has a report to print.
 */
import { isKeelError } from '../core/index.ts';
import { validateTable, type QualityReport, type ValidateOptions } from '../data/index.ts';
import { readTable, type LoadPricesOptions } from './load-prices.ts';

export type ValidateFileOptions = ValidateOptions & Pick<LoadPricesOptions, 'layout' | 'delimiter' | 'dateFormat' | 'naValues' | 'field'>;

export async function validateFile(path: string, options: ValidateFileOptions = {}): Promise<QualityReport> {
  try {
    const table = await readTable(path, options);
    const field = options.field ?? (table.fields['close'] ? 'close' : Object.keys(table.fields)[0]!);
    return validateTable(
      { source: path, dates: table.dates, assets: table.assets, values: table.fields[field]!, lines: table.lines },
      options,
    );
  } catch (e) {
    if (!isKeelError(e)) throw e;
    const m = /^(.*?):(\d+): (.*)$/.exec(e.message);
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
          ...(m ? { line: Number(m[2]) } : {}),
          count: 1,
          message: e.message,
        },
      ],
    };
  }
}
