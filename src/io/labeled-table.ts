/**
 * Labelled numeric tables without dates — a covariance matrix, a table of expected weights — as
 * `{ rowLabels, columns, values }` (row-major Float64Array). The first column holds the row labels.
 */
import { dataError } from '../core/index.ts';
import { clip, naSet, parseCellText, parseStringCsv, type Delimiter } from './csv-parse.ts';
import { readInputBytes } from './read-bytes.ts';

export interface LabeledTable {
  readonly source: string;
  readonly rowLabels: readonly string[];
  readonly columns: readonly string[];
  /** `values[r * columns.length + c]`; missing cells are NaN. */
  readonly values: Float64Array;
}

/** Parses CSV bytes whose first column is a row label and every other cell a number. */
export function parseLabeledTable(
  bytes: Uint8Array,
  options: { readonly source?: string; readonly delimiter?: Delimiter } = {},
): LabeledTable {
  const source = options.source ?? '<table>';
  const { header, rows } = parseStringCsv(bytes, options);
  const columns = header.slice(1);
  if (columns.length === 0)
    throw dataError(`${source}:1: the header has no value columns. Expected "label,COL1,COL2,…".`);
  if (rows.length === 0) throw dataError(`${source}: the file has a header but no data rows (header only).`);
  const na = naSet();
  const values = new Float64Array(rows.length * columns.length);
  const seen = new Map<string, number>();
  rows.forEach(({ cells, line }, r) => {
    if (cells.length !== header.length) {
      throw dataError(
        `${source}:${line}: the row has ${cells.length} fields, the header has ${header.length}. Fix the row.`,
      );
    }
    const label = cells[0]!;
    const prev = seen.get(label);
    if (prev !== undefined)
      throw dataError(`${source}:${line}: row label "${clip(label)}" repeats line ${prev}. Labels must be unique.`);
    seen.set(label, line);
    for (let c = 0; c < columns.length; c++)
      values[r * columns.length + c] = parseCellText(cells[c + 1]!, na, `${source}:${line}`, columns[c]!);
  });
  return { source, rowLabels: rows.map((r) => r.cells[0]!), columns, values };
}

/** Reads a labelled numeric table (CSV or CSV.gz). */
export function loadLabeledTable(path: string, options: { readonly delimiter?: Delimiter } = {}): LabeledTable {
  return parseLabeledTable(readInputBytes(path), { ...options, source: path });
}
