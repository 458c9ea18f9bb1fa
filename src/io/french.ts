/**
 * Kenneth R. French data-library CSV files: several stacked sections, each a title line, a header line starting
 * with a comma (`,NoDur,Durbl,…`) and rows keyed `YYYYMM` (monthly), `YYYY` (annual) or `YYYYMMDD` (daily).
 *
 * Conventions (documented choices):
 * - Values are in percent: divided by 100 → fractions, unless `units: 'raw'` (the default for the firm-count,
 *   firm-size and BE/ME sections, which are not percentages).
 * - `-99.99` and `-999` mean missing → NaN.
 * - A monthly key `YYYYMM` becomes the month's LAST calendar day by default (the return is known at month end:
 *   point-in-time safe), or its first day with `dates: 'month-start'`. Annual keys → `YYYY-12-31` / `YYYY-01-01`.
 * - Asset names are the header cells trimmed (`"Hlth "` → `Hlth`).
 * The result is a Panel with one field, `return` (or `value` for raw sections).
 */
import { dataError } from '../core/index.ts';
import { Panel, daysFromCivil, daysToIso } from '../data/index.ts';
import { readInputBytes } from './read-bytes.ts';

export interface FrenchSection {
  /** Title line above the header (trimmed), or `(monthly)`/`(annual)`/`(daily)` when the file has none. */
  readonly title: string;
  readonly frequency: 'monthly' | 'annual' | 'daily';
  /** 1-based line of the header. */
  readonly headerLine: number;
  readonly columns: readonly string[];
  readonly rows: number;
}

export interface FrenchOptions {
  /** Section to read: a case-insensitive substring of its title, or 'monthly'/'annual'/'daily'. Default: the first. */
  readonly section?: string;
  /** Where a monthly/annual key lands: 'month-end' (default) or 'month-start'. */
  readonly dates?: 'month-end' | 'month-start';
  /** 'percent' (÷100) or 'raw'. Default: percent, except firm counts, firm sizes and BE/ME. */
  readonly units?: 'percent' | 'raw';
  /** Name used in messages. */
  readonly source?: string;
}

const KEY = /^\d{4}(\d{2}(\d{2})?)?$/;
const MISSING = new Set([-99.99, -999]);

interface RawSection extends FrenchSection {
  readonly firstRow: number; // 0-based index into lines
}

function scanSections(lines: readonly string[]): RawSection[] {
  const out: RawSection[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith(',')) continue;
    const next = (lines[i + 1] ?? '').split(',')[0]!.trim();
    if (!KEY.test(next)) continue;
    let j = i - 1;
    while (j >= 0 && lines[j]!.trim() === '') j--;
    let rows = 0;
    while (i + 1 + rows < lines.length && KEY.test(lines[i + 1 + rows]!.split(',')[0]!.trim())) rows++;
    const frequency = next.length === 6 ? 'monthly' : next.length === 4 ? 'annual' : 'daily';
    const prev = j >= 0 ? lines[j]!.trim() : '';
    const title =
      prev !== '' && !prev.endsWith('.') && !prev.startsWith(',') && !KEY.test(prev.split(',')[0]!.trim())
        ? prev
        : `(${frequency})`;
    out.push({
      title,
      frequency,
      headerLine: i + 1,
      columns: line
        .split(',')
        .slice(1)
        .map((c) => c.trim()),
      rows,
      firstRow: i + 1,
    });
  }
  return out;
}

/** The sections of a French file (for `--section` help and error messages). */
export function listFrenchSections(text: string): FrenchSection[] {
  return scanSections(text.split(/\r?\n/)).map(({ firstRow: _f, ...s }) => s);
}

/** Parses one section of a French CSV text into a Panel. */
export function parseFrenchCsv(text: string, options: FrenchOptions = {}): { panel: Panel; section: FrenchSection } {
  const source = options.source ?? '<french>';
  const lines = text.split(/\r?\n/);
  const sections = scanSections(lines);
  if (sections.length === 0) {
    throw dataError(
      `${source}: no Kenneth French section found (a header line starting with "," followed by YYYYMM or YYYY rows). Is this a French data-library CSV?`,
    );
  }
  let chosen: RawSection | undefined = sections[0];
  if (options.section !== undefined) {
    const want = options.section.trim().toLowerCase();
    chosen =
      sections.find((s) => s.title.toLowerCase() === want) ??
      sections.find((s) => s.title.toLowerCase().includes(want)) ??
      sections.find((s) => s.frequency === want);
    if (!chosen) {
      throw dataError(
        `${source}: no section matches "${options.section}". Sections: ${sections.map((s) => `"${s.title}" (line ${s.headerLine})`).join(', ')}.`,
      );
    }
  }
  const sec = chosen!;
  const raw = options.units ? options.units === 'raw' : /number of firms|firm size|\bBE\b.*\bME\b/i.test(sec.title);
  const n = sec.columns.length;
  if (n === 0) throw dataError(`${source}:${sec.headerLine}: the section header has no columns (zero assets).`);
  const start = options.dates === 'month-start';
  const dates: string[] = [];
  const values = new Float64Array(sec.rows * n);
  for (let r = 0; r < sec.rows; r++) {
    const lineNo = sec.firstRow + r + 1;
    const cells = lines[sec.firstRow + r]!.split(',');
    if (cells.length !== n + 1) {
      throw dataError(
        `${source}:${lineNo}: the row has ${cells.length} fields, the section header (line ${sec.headerLine}) has ${n + 1}. Fix the row.`,
      );
    }
    const key = cells[0]!.trim();
    const y = Number(key.slice(0, 4));
    const m = key.length >= 6 ? Number(key.slice(4, 6)) : start ? 1 : 12;
    if (m < 1 || m > 12)
      throw dataError(`${source}:${lineNo}: key "${key}" has month ${m}. Expected YYYYMM with MM in 01..12.`);
    let date: string;
    if (key.length === 8) date = `${key.slice(0, 4)}-${key.slice(4, 6)}-${key.slice(6, 8)}`;
    else if (start) date = daysToIso(daysFromCivil(y, m, 1));
    else date = daysToIso(daysFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - 1);
    const prev = dates[dates.length - 1];
    if (prev !== undefined && date <= prev) {
      throw dataError(
        `${source}:${lineNo}: key "${key}" ${date === prev ? 'repeats' : 'comes before'} the previous row's date (${prev}). Rows of a section must be in ascending order, one per period.`,
      );
    }
    dates.push(date);
    for (let a = 0; a < n; a++) {
      const text = cells[a + 1]!.trim();
      const v = Number(text);
      if (text === '' || !Number.isFinite(v)) {
        throw dataError(
          `${source}:${lineNo}: column "${sec.columns[a]}" has non-numeric value "${text}". Fix the cell (missing is -99.99).`,
        );
      }
      values[r * n + a] = MISSING.has(v) ? NaN : raw ? v : v / 100;
    }
  }
  const panel = new Panel({ dates, assets: sec.columns, fields: { [raw ? 'value' : 'return']: values } });
  const { firstRow: _f, ...section } = sec;
  return { panel, section };
}

/** Reads one section of a Kenneth French CSV file (see the module comment for the conventions). */
export function loadFrench(path: string, options: FrenchOptions = {}): { panel: Panel; section: FrenchSection } {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(readInputBytes(path)); // as Buffer#toString
  return parseFrenchCsv(text, { ...options, source: options.source ?? path });
}
