import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKeelError } from '../core/index.ts';
import { parseNumericCsv, parseStringCsv } from './csv-parse.ts';
import { parseCsvTable, tableToPanel } from './csv-table.ts';

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('parseNumericCsv', () => {
  it('reads a wide table into a row-major Float64Array with dates and line numbers', () => {
    const t = parseNumericCsv(enc('date,A,B\n2020-01-02,1.5,2\n\n2020-01-03,,-3e-2\n'), { source: 's' });
    expect(t.columns).toEqual(['A', 'B']);
    expect(t.dates).toEqual(['2020-01-02', '2020-01-03']);
    expect([...t.lines]).toEqual([2, 4]);
    expect([...t.values]).toEqual([1.5, 2, NaN, -0.03]);
    expect(t.delimiter).toBe(',');
  });
  it('handles BOM, CRLF, quotes, spaces, tabs and semicolons', () => {
    const t = parseNumericCsv(enc('\ufeff"Date";"A B";C\r\n"2020-01-02"; " 1.25" ;  7 \r\n2020-01-03;"";8\r\n'));
    expect(t.dateHeader).toBe('Date');
    expect(t.columns).toEqual(['A B', 'C']);
    expect(t.delimiter).toBe(';');
    expect([...t.values]).toEqual([1.25, 7, NaN, 8]);
    const tab = parseNumericCsv(enc('date\tA\n20200102\t3\n'));
    expect(tab.dates).toEqual(['2020-01-02']);
    expect(tab.values[0]).toBe(3);
  });
  it('reads NA tokens as NaN and infinities as ±Infinity; extra NA values apply', () => {
    const t = parseNumericCsv(
      enc('d,A,B,C,D,E\n2020-01-02,NA,nan,#N/A,-inf,Infinity\n2020-01-03,null,.,1,2,-99.99\n'),
      { naValues: ['.', '-99.99'] },
    );
    expect([...t.values]).toEqual([NaN, NaN, NaN, -Infinity, Infinity, NaN, NaN, 1, 2, NaN]);
  });
  it('accepts the listed date formats and a named day-first format', () => {
    expect(parseNumericCsv(enc('d,A\n2020/1/2,1\n')).dates).toEqual(['2020-01-02']);
    expect(parseNumericCsv(enc('d,A\n2020-01-02T00:00:00Z,1\n')).dates).toEqual(['2020-01-02']);
    expect(parseNumericCsv(enc('d,A\n25/12/2020,1\n')).dates).toEqual(['2020-12-25']);
    expect(parseNumericCsv(enc('d,A\n03/01/2020,1\n'), { dateFormat: 'DD/MM/YYYY' }).dates).toEqual(['2020-01-03']);
    expect(parseNumericCsv(enc('d,A\n03/01/2020,1\n'), { dateFormat: 'MM/DD/YYYY' }).dates).toEqual(['2020-03-01']);
    expect(parseNumericCsv(enc('d,A\n24.12.2020,1\n')).dates).toEqual(['2020-12-24']);
  });
  it('parses numbers exactly as Number() does (fast path and fallback)', () => {
    const samples = [
      '0',
      '-0',
      '1',
      '0.1',
      '0.117203',
      '123456789012345',
      '1234567890123456789',
      '3.141592653589793238',
      '1e-7',
      '2.5E+10',
      '.5',
      '5.',
      '+7',
      '1e22',
      '1e23',
      '9007199254740993',
      '0.000000000000000000000001',
      '4.35',
      '1.7976931348623157e308',
      '5e-324',
    ];
    const t = parseNumericCsv(enc(`d,${samples.map((_, i) => `c${i}`).join(',')}\n2020-01-02,${samples.join(',')}\n`));
    samples.forEach((s, i) => expect(Object.is(t.values[i], Number(s)), s).toBe(true));
  });
  it('matches Number() on random decimal text (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 17 }), (x, digits) => {
        const texts = [
          String(x),
          x.toFixed(Math.min(digits, 20)),
          x.toExponential(Math.min(digits, 20)),
          x.toPrecision(Math.max(1, digits)),
        ];
        const t = parseNumericCsv(enc(`d,${texts.map((_, i) => `c${i}`).join(',')}\n2020-01-02,${texts.join(',')}\n`));
        texts.forEach((s, i) => expect(Object.is(t.values[i], Number(s)), s).toBe(true));
      }),
      { numRuns: 500 },
    );
  });
  it('round-trips any finite table written with String(x) (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }), {
            minLength: 3,
            maxLength: 3,
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (rows) => {
          const text =
            'date,A,B,C\n' +
            rows
              .map(
                (r, i) =>
                  `2020-01-${String(i + 1).padStart(2, '0')},${r.map((v) => (v === undefined ? '' : String(v))).join(',')}`,
              )
              .join('\n');
          const t = parseNumericCsv(enc(text));
          rows
            .flat()
            .forEach((v, k) => expect(Object.is(t.values[k], v === undefined ? NaN : Number(String(v)))).toBe(true)); // String(-0) is "0"
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('CSV fuzzing: any input parses or throws a KeelError, never anything else', () => {
  const alphabet = [
    'a',
    'A',
    '1',
    '0',
    '.',
    '-',
    '+',
    'e',
    ',',
    ';',
    '\t',
    '|',
    '"',
    ' ',
    '\n',
    '\r',
    '2020-01-02',
    'NaN',
    'inf',
    '\ufeff',
    '/',
    'é',
    '\u0000',
  ];
  const csvLike = fc.array(fc.constantFrom(...alphabet), { maxLength: 80 }).map((a) => a.join(''));
  const check = (text: string | Uint8Array, f: (b: Uint8Array) => unknown): void => {
    const bytes = typeof text === 'string' ? enc(text) : text;
    try {
      f(bytes);
    } catch (e) {
      if (!isKeelError(e)) throw e;
      expect(e.message).not.toContain('\n');
    }
  };
  it('numeric parser on CSV-like text', () => {
    fc.assert(
      fc.property(csvLike, (s) => check('date,A,B\n' + s, (b) => parseNumericCsv(b))),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(csvLike, (s) => check(s, (b) => parseNumericCsv(b))),
      { numRuns: 1000 },
    );
  });
  it('table loader (wide, long, to Panel) on CSV-like text', () => {
    fc.assert(
      fc.property(csvLike, (s) => check('date,asset,field,value\n' + s, (b) => tableToPanel(parseCsvTable(b)))),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(csvLike, (s) => check('date,A\n2020-01-02,1\n' + s, (b) => tableToPanel(parseCsvTable(b)))),
      { numRuns: 1000 },
    );
  });
  it('all parsers on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        check(b, (x) => parseNumericCsv(x));
        check(b, (x) => parseStringCsv(x));
        check(b, (x) => tableToPanel(parseCsvTable(x)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('line endings', () => {
  it('old Mac CR-only files parse with correct line numbers', () => {
    const t = parseNumericCsv(enc('date,A\r2020-01-02,1\r\r2020-01-03,2\r'));
    expect(t.dates).toEqual(['2020-01-02', '2020-01-03']);
    expect([...t.values]).toEqual([1, 2]);
    expect([...t.lines]).toEqual([2, 4]);
  });
  it('no trailing newline', () => {
    expect([...parseNumericCsv(enc('date,A\n2020-01-02,1')).values]).toEqual([1]);
  });
});
