/**
 * The bad-input corpus: malformed data files generated into a temporary folder, each asserting the exact one-line
 * message, the error kind (and so the CLI exit code: data/io → 1), and that nothing was written or returned.
 * `FILE` in an expected message stands for the generated file's path.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelError } from '../core/index.ts';
import { Panel } from '../data/index.ts';
import { writeWideCsv } from './csv-write.ts';
import { loadPrices, loadPricesSync, type LoadPricesOptions } from './load-prices.ts';
import { parseFrenchCsv } from './french.ts';
import { parseYahooChart, parseFredCsv } from './providers.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, readInputBytes } from './read-bytes.ts';

interface Case {
  readonly name: string;
  /** File content; a function receives the folder and returns the path it prepared (for non-file cases). */
  readonly content: string | Buffer | ((dir: string) => string);
  readonly file?: string;
  readonly options?: LoadPricesOptions;
  readonly kind: 'data' | 'io';
  readonly message: string;
}

const cases: Case[] = [
  {
    name: 'empty file',
    content: '',
    kind: 'data',
    message: 'FILE: the file is empty. Expected a header line such as "date,ASSET1,ASSET2" then one row per date.',
  },
  {
    name: 'blank lines only',
    content: '\n  \r\n\t\n',
    kind: 'data',
    message: 'FILE: the file is empty. Expected a header line such as "date,ASSET1,ASSET2" then one row per date.',
  },
  {
    name: 'BOM only',
    content: '\ufeff',
    kind: 'data',
    message: 'FILE: the file is empty. Expected a header line such as "date,ASSET1,ASSET2" then one row per date.',
  },
  {
    name: 'header only',
    content: 'date,A,B\n',
    kind: 'data',
    message: 'FILE: the file has a header but no data rows (header only). Add one row per date below the header.',
  },
  {
    name: 'zero assets',
    content: 'date\n2020-01-02\n',
    kind: 'data',
    message:
      'FILE:1: the header "date" has only a date column and no asset columns (zero assets). Add one column per asset: "date,ASSET1,ASSET2".',
  },
  {
    name: 'wrong delimiter given',
    content: 'date;A;B\n2020-01-02;1;2\n',
    options: { delimiter: ',' },
    kind: 'data',
    message:
      "FILE:1: the header has one column when split on ',' but contains ';' (wrong delimiter). Pass delimiter ';'.",
  },
  {
    name: 'header and rows use different delimiters',
    content: 'date,A,B\n2020-01-02;1;2\n',
    kind: 'data',
    message:
      "FILE:2: the row has 1 field, the header has 3. The row looks delimited by another character than the header's ',' (wrong delimiter); use one delimiter throughout.",
  },
  {
    name: 'unterminated quote',
    content: 'date,A\n2020-01-02,"1.5\n2020-01-03,2\n',
    kind: 'data',
    message: `FILE:2: a quoted field opened here is never closed (broken quoting). Close the quote or remove the stray '"'.`,
  },
  {
    name: 'text after a closing quote',
    content: 'date,A\n2020-01-02,"1.5"x\n',
    kind: 'data',
    message: `FILE:2: text follows a closing quote (broken quoting). Quote the whole field and double any '"' inside it ("").`,
  },
  {
    name: 'stray quote inside a number',
    content: 'date,A\n2020-01-02,1"5\n',
    kind: 'data',
    message:
      'FILE:2: column "A" has non-numeric value "1"5". A stray quote: quote the whole field or remove the quote (broken quoting).',
  },
  {
    name: 'mixed date formats',
    content: 'date,A\n2020-01-02,1\n03/01/2020,2\n',
    kind: 'data',
    message:
      'FILE:3: date "03/01/2020" does not match the file\'s date format YYYY-MM-DD (mixed date formats). Write every date as YYYY-MM-DD.',
  },
  {
    name: 'ambiguous day/month order',
    content: 'date,A\n03/01/2020,1\n',
    kind: 'data',
    message:
      "FILE:2: date \"03/01/2020\" is ambiguous (day/month order unknown). Pass dateFormat: 'DD/MM/YYYY' or 'MM/DD/YYYY' (CLI: --date-format), or write dates as YYYY-MM-DD.",
  },
  {
    name: 'not a date',
    content: 'date,A\nyesterday,1\n',
    kind: 'data',
    message:
      'FILE:2: "yesterday" in the date column is not a date Keel reads (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY). Write dates as YYYY-MM-DD.',
  },
  {
    name: 'impossible calendar date',
    content: 'date,A\n2021-02-29,1\n',
    kind: 'data',
    message: 'FILE:2: date "2021-02-29" is not a real calendar date (YYYY-MM-DD). Fix the cell or remove the row.',
  },
  {
    name: 'empty date cell',
    content: 'date,A\n2020-01-02,1\n,2\n',
    kind: 'data',
    message: 'FILE:3: the date cell is empty. Every row needs a date in the first column.',
  },
  {
    name: 'duplicate dates',
    content: 'date,A\n2020-01-02,1\n2020-01-03,2\n2020-01-02,3\n',
    kind: 'data',
    message: 'FILE:4: duplicate date 2020-01-02 (also on line 2). Keep one row per date.',
  },
  {
    name: 'non-numeric cell',
    content: 'date,A,B\n2020-01-02,1,2\n2020-01-03,3,n.a\n',
    kind: 'data',
    message:
      'FILE:3: column "B" has non-numeric value "n.a". Leave the cell empty to mark it missing, or fix the value.',
  },
  {
    name: 'decimal comma',
    content: 'date;A\n2020-01-02;1,5\n',
    kind: 'data',
    message: 'FILE:2: column "A" has non-numeric value "1,5". It looks like a decimal comma: write 1.5, not 1,5.',
  },
  {
    name: 'thousands separators',
    content: 'date,A\n2020-01-02,"1,234.5"\n',
    kind: 'data',
    message:
      'FILE:2: column "A" has non-numeric value "1,234.5". It has thousands separators: write 1234.5, not 1,234.5.',
  },
  {
    name: 'percent sign',
    content: 'date,A\n2020-01-02,5%\n',
    kind: 'data',
    message:
      'FILE:2: column "A" has non-numeric value "5%". Percent signs are not read: write the fraction (5% → 0.05).',
  },
  {
    name: 'currency symbol',
    content: 'date,A\n2020-01-02,$12.50\n',
    kind: 'data',
    message: 'FILE:2: column "A" has non-numeric value "$12.50". Currency symbols are not read: write the bare number.',
  },
  {
    name: 'too many fields',
    content: 'date,A\n2020-01-02,1,2\n',
    kind: 'data',
    message:
      "FILE:2: the row has 3 fields, the header has 2. Remove the extra cells, quote values that contain ',', or add the missing column names.",
  },
  {
    name: 'too few fields',
    content: 'date,A,B,C\n2020-01-02,1,2,3\n2020-01-03,1\n',
    kind: 'data',
    message:
      'FILE:3: the row has 2 fields, the header has 4. Add the missing cells (empty = missing) or fix the delimiters.',
  },
  {
    name: 'duplicate column',
    content: 'date,A,B,A\n2020-01-02,1,2,3\n',
    kind: 'data',
    message: 'FILE:1: column "A" appears twice (columns 2 and 4). Rename or remove one of them.',
  },
  {
    name: 'unnamed column',
    content: 'date,A,\n2020-01-02,1,2\n',
    kind: 'data',
    message: 'FILE:1: column 3 of the header has no name. Name every asset column (or delete the trailing delimiter).',
  },
  {
    name: 'NaN cell under the strict policy',
    content: 'date,A,B\n2020-01-02,1,2\n2020-01-03,NaN,2\n',
    kind: 'data',
    message:
      "FILE:3: missing data: asset \"A\" has no close on 2020-01-03 (1 missing cell in 1 asset after their first value; the missing-data policy is 'error'). Choose a policy: { policy: 'forward-fill', limit: 5 }, { policy: 'drop-dates' } or { policy: 'drop-assets' }.",
  },
  {
    name: 'gap longer than the forward-fill limit',
    content: 'date,A\n2020-01-02,1\n2020-01-03,\n2020-01-06,\n2020-01-07,2\n',
    options: { missing: { policy: 'forward-fill', limit: 1 } },
    kind: 'data',
    message:
      "FILE:3: missing data: asset \"A\" has no close for 2 consecutive dates from 2020-01-03 to 2020-01-06, more than the forward-fill limit of 1. Raise the limit, or use { policy: 'drop-dates' } or { policy: 'drop-assets' }.",
  },
  {
    name: 'infinite price',
    content: 'date,A\n2020-01-02,1\n2020-01-03,inf\n',
    kind: 'data',
    message:
      'FILE:3: asset "A" has value Infinity (inf, or too large for a double) in close on 2020-01-03. Prices must be finite and > 0: fix the value or leave the cell empty to mark it missing.',
  },
  {
    name: 'huge value that overflows a double',
    content: 'date,A\n2020-01-02,1e400\n',
    kind: 'data',
    message:
      'FILE:2: asset "A" has value Infinity (inf, or too large for a double) in close on 2020-01-02. Prices must be finite and > 0: fix the value or leave the cell empty to mark it missing.',
  },
  {
    name: 'negative price',
    content: 'date,A,B\n2020-01-02,1,2\n2020-01-03,3,-4.5\n',
    kind: 'data',
    message:
      'FILE:3: asset "B" has price -4.5 ≤ 0 in close on 2020-01-03. Prices must be finite and > 0: fix the value or leave the cell empty to mark it missing.',
  },
  {
    name: 'zero price',
    content: 'date,A\n2020-01-02,0\n',
    kind: 'data',
    message:
      'FILE:2: asset "A" has price 0 ≤ 0 in close on 2020-01-02. Prices must be finite and > 0: fix the value or leave the cell empty to mark it missing.',
  },
  {
    name: 'UTF-16 encoded file',
    content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('date,A\r\n2020-01-02,1\r\n', 'utf16le')]),
    kind: 'data',
    message:
      'FILE: the file is UTF-16 LE encoded (byte-order mark FF FE); Keel reads UTF-8. Convert it to UTF-8, e.g. iconv -f UTF-16LE -t UTF-8 prices.csv > prices-utf8.csv (Excel: save as "CSV UTF-8").',
  },
  {
    name: 'UTF-16 LE without a byte-order mark',
    content: Buffer.from('date,A\r\n2020-01-02,1\r\n', 'utf16le'),
    kind: 'data',
    message:
      'FILE: the file is UTF-16 LE encoded (no byte-order mark: a NUL byte in every other byte); Keel reads UTF-8. Convert it to UTF-8, e.g. iconv -f UTF-16LE -t UTF-8 prices.csv > prices-utf8.csv (Excel: save as "CSV UTF-8").',
  },
  {
    name: 'UTF-16 BE without a byte-order mark, gzipped',
    file: 'prices.csv.gz',
    content: gzipSync(Buffer.from('date,A\r\n2020-01-02,1\r\n', 'utf16le').swap16()),
    kind: 'data',
    message:
      'FILE: the file is UTF-16 BE encoded (no byte-order mark: a NUL byte in every other byte); Keel reads UTF-8. Convert it to UTF-8, e.g. gunzip -c prices.csv.gz | iconv -f UTF-16BE -t UTF-8 > prices-utf8.csv (Excel: save as "CSV UTF-8").',
  },
  {
    name: 'Latin-1 header',
    content: Buffer.from('date,Société Générale\n2020-01-02,1\n', 'latin1'),
    kind: 'data',
    message:
      'FILE:1: the file is not valid UTF-8 (byte 0xE9 in "date,Société Générale" read as Latin-1); it is probably Latin-1 or Windows-1252. Convert it to UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8 prices.csv > prices-utf8.csv (Excel: save as "CSV UTF-8").',
  },
  {
    name: 'Windows-1252 asset name in a long file',
    content: Buffer.from('date,asset,value\n2020-01-02,A,1\n2020-01-02,Nestlé,2\n', 'latin1'),
    kind: 'data',
    message:
      'FILE:3: the file is not valid UTF-8 (byte 0xE9 in "2020-01-02,Nestlé,2" read as Latin-1); it is probably Latin-1 or Windows-1252. Convert it to UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8 prices.csv > prices-utf8.csv (Excel: save as "CSV UTF-8").',
  },
  {
    name: 'binary junk',
    content: Buffer.from([0x00, 0x01, 0x02, 0x03, 0x0a, 0x04, 0x05]),
    kind: 'data',
    message:
      'FILE:1: the header "\u0000\u0001\u0002\u0003" has only a date column and no asset columns (zero assets). Add one column per asset: "date,ASSET1,ASSET2".',
  },
  {
    name: 'a .gz name over plain bytes',
    file: 'prices.csv.gz',
    content: 'date,A\n2020-01-02,1\n',
    kind: 'io',
    message: 'FILE: the name ends in .gz but the bytes are not gzip. Rename it without .gz or compress it with gzip.',
  },
  {
    name: 'truncated gzip',
    file: 'prices.csv.gz',
    content: gzipSync(Buffer.from('date,A\n2020-01-02,1\n'.repeat(50))).subarray(0, 30),
    kind: 'io',
    message: 'FILE: gzip data is corrupt or truncated (unexpected end of file). Download or compress the file again.',
  },
  {
    name: 'gzip of a broken CSV keeps the line number',
    file: 'prices.csv.gz',
    content: gzipSync(Buffer.from('date,A\n2020-01-02,1\n2020-01-03,x\n')),
    kind: 'data',
    message: 'FILE:3: column "A" has non-numeric value "x". Leave the cell empty to mark it missing, or fix the value.',
  },
  {
    name: 'long format: duplicate entry',
    content: 'date,asset,field,value\n2020-01-02,A,close,1\n2020-01-02,B,close,2\n2020-01-02,A,close,3\n',
    kind: 'data',
    message:
      'FILE:4: duplicate entry for 2020-01-02, asset "A", field close (also on line 2). Keep one row per date, asset and field.',
  },
  {
    name: 'long format: empty asset',
    content: 'date,ticker,value\n2020-01-02,,1\n',
    kind: 'data',
    message: 'FILE:2: the asset cell is empty. Name the asset on every row.',
  },
  {
    name: 'long layout forced on a wide file',
    content: 'date,A,B\n2020-01-02,1,2\n',
    options: { layout: 'long' },
    kind: 'data',
    message:
      'FILE:1: a long-format file needs an asset column (asset, ticker or symbol) after the date. Header: "date,A,B".',
  },
  {
    name: 'asset not in the file',
    content: 'date,A,B\n2020-01-02,1,2\n',
    options: { assets: ['A', 'C'] },
    kind: 'data',
    message: 'FILE: asset "C" not in the file (it has A, B). Fix the asset list.',
  },
  {
    name: 'date window outside the file',
    content: 'date,A\n2020-01-02,1\n',
    options: { start: '2021-01-01' },
    kind: 'data',
    message: 'FILE: no dates between 2021-01-01 and the end (the file covers 2020-01-02 .. 2020-01-02). Fix start/end.',
  },
  {
    name: 'missing file',
    content: (dir) => join(dir, 'no-such-file.csv'),
    kind: 'io',
    message: `FILE: file not found (cwd is ${process.cwd()}). Check the path and its spelling.`,
  },
  {
    name: 'a directory where a file is expected',
    content: (dir) => {
      mkdirSync(join(dir, 'prices.csv'));
      return join(dir, 'prices.csv');
    },
    kind: 'io',
    message: 'FILE: is a directory, expected a data file. Name a file inside it.',
  },
  {
    name: 'a path through a file',
    content: (dir) => {
      writeFileSync(join(dir, 'plain'), 'x');
      return join(dir, 'plain', 'prices.csv');
    },
    kind: 'io',
    message: `FILE: file not found (cwd is ${process.cwd()}). Check the path and its spelling.`,
  },
];

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'keel-bad-input-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function prepare(c: Case, i: number): { dir: string; path: string } {
  const dir = join(root, `case-${i}`);
  mkdirSync(dir);
  if (typeof c.content === 'function') return { dir, path: c.content(dir) };
  const path = join(dir, c.file ?? 'prices.csv');
  writeFileSync(path, c.content);
  return { dir, path };
}

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe(`bad-input corpus (${cases.length} files)`, () => {
  it('has at least 25 cases', () => expect(cases.length).toBeGreaterThanOrEqual(25));
  cases.forEach((c, i) => {
    it(`${c.name}: refused with one clear line`, async () => {
      const { dir, path } = prepare(c, i);
      const before = readdirSync(dir).sort();
      const e = caught(() => loadPricesSync(path, c.options));
      expect(e, 'must throw').toBeInstanceOf(KeelError);
      const err = e as KeelError;
      expect(err.message).toBe(c.message.replace('FILE', path));
      expect(err.message).not.toContain('\n');
      expect(err.kind).toBe(c.kind);
      expect(err.exitCode).toBe(1);
      // the async door (which also routes Parquet) gives the same answer
      await expect(loadPrices(path, c.options)).rejects.toThrow(err.message);
      expect(readdirSync(dir).sort()).toEqual(before); // no partial output
    });
  });
});

describe('bad input outside the CSV loaders', () => {
  it('a write into a missing folder fails cleanly and leaves nothing behind', () => {
    const p = new Panel({ dates: ['2020-01-02'], assets: ['A'], fields: { close: Float64Array.from([1]) } });
    const target = join(root, 'missing-folder', 'out.csv');
    const e = caught(() => writeWideCsv(p, target)) as KeelError;
    expect(e.message).toBe(`${target}: cannot write (ENOENT). Create the folder first.`);
    expect(e.kind).toBe('io');
  });
  it('a French file without sections', () => {
    expect(() => parseFrenchCsv('hello\nworld\n', { source: 'f.csv' })).toThrow(
      'f.csv: no Kenneth French section found (a header line starting with "," followed by YYYYMM or YYYY rows). Is this a French data-library CSV?',
    );
  });
  it('a Yahoo error document and a non-JSON body', () => {
    expect(() =>
      parseYahooChart(
        '{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}',
        { source: 'y' },
      ),
    ).toThrow(
      'y: Yahoo returned error "Not Found": "No data found, symbol may be delisted". Check the symbol (misspelt or delisted?).',
    );
    expect(() => parseYahooChart('<html>', { source: 'y' })).toThrow(
      /^y: not valid JSON \(.*\)\. Expected a Yahoo Finance chart-API response\.$/,
    );
  });
  it('a FRED file with extra columns', () => {
    expect(() => parseFredCsv('DATE,A,B\n2020-01-01,1,2\n', { source: 'fred' })).toThrow(
      'fred: a FRED series CSV has 2 columns (date, series), this one has 3.',
    );
  });
});

describe('decompression cap (a small gzip that expands to a huge file)', () => {
  // 3 MiB of CSV rows compress to a few KiB: the same shape as a 1 MB gzip expanding to 1 GiB, at a test's scale
  const rows = Buffer.from('2020-01-02,1\n'.repeat(Math.ceil((3 * 1024 * 1024) / 13)));
  const bomb = gzipSync(Buffer.concat([Buffer.from('date,A\n'), rows]));
  const compressed = `${Number((bomb.length / 1024 / 1024).toPrecision(4))} MiB`;
  it('stops at the cap with one line naming the file, the cap and how to raise it', () => {
    const path = join(root, 'bomb.csv.gz');
    writeFileSync(path, bomb);
    const before = process.env['KEEL_MAX_DECOMPRESSED_MB'];
    process.env['KEEL_MAX_DECOMPRESSED_MB'] = '1';
    try {
      const e = caught(() => loadPricesSync(path)) as KeelError;
      expect(e).toBeInstanceOf(KeelError);
      expect(e.kind).toBe('io');
      expect(e.message).toBe(
        `${path}: gzip data expands to more than 1 MiB (the decompression cap; ${compressed} compressed). If the file is genuine, raise the cap: KEEL_MAX_DECOMPRESSED_MB=1024.`,
      );
      process.env['KEEL_MAX_DECOMPRESSED_MB'] = 'lots';
      expect(() => loadPricesSync(path)).toThrow(
        'KEEL_MAX_DECOMPRESSED_MB must be a size in MiB > 0, got "lots". Example: KEEL_MAX_DECOMPRESSED_MB=2048.',
      );
      process.env['KEEL_MAX_DECOMPRESSED_MB'] = '4';
      // under a raised cap the file is read and parsed (its rows repeat one date, which the parser then refuses)
      expect(() => loadPricesSync(path)).toThrow(/:3: duplicate date 2020-01-02 \(also on line 2\)/);
    } finally {
      if (before === undefined) delete process.env['KEEL_MAX_DECOMPRESSED_MB'];
      else process.env['KEEL_MAX_DECOMPRESSED_MB'] = before;
    }
  });
  it('the default cap is 512 MiB and an explicit cap is an option', () => {
    expect(DEFAULT_MAX_DECOMPRESSED_BYTES).toBe(512 * 1024 * 1024);
    const path = join(root, 'bomb2.csv.gz');
    writeFileSync(path, bomb);
    expect(() => readInputBytes(path, { maxDecompressedBytes: 1024 * 1024 })).toThrow(
      /gzip data expands to more than 1 MiB \(the decompression cap;/,
    );
    expect(readInputBytes(path, { maxDecompressedBytes: 4 * 1024 * 1024 }).length).toBe(7 + rows.length);
  });
});
