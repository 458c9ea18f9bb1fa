/**
 * `keel data validate` on files that break the maths (issue: "0 errors, 0 warnings" or a message about delimiters
 * for them before): extreme values, a one-day −99 % move and --max-move, non-UTF-8 encodings, and a gzip that
 * expands past the decompression cap. Through the CLI's `main(argv)` in-process, like data-validate.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { businessDays } from '../../data/index.ts';
import { runInProcess } from '../in-process.ts';

const work = mkdtempSync(join(tmpdir(), 'keel-validate-rules-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const w = (name: string): string => join(work, name);

const keel = runInProcess;

const dates = businessDays('2020-01-01', '2021-12-31').slice(0, 300);
/** A series near 100 (A) and one near 50 (B); `a(i, p)` may replace A's price on row i (line i + 2). */
function csv(name: string, a: (i: number, p: number) => number): string {
  const rows = dates.map((d, i) => {
    const p = 100 * (1 + 0.01 * Math.sin(i));
    return `${d},${a(i, p)},${50 * (1 + 0.002 * i)}`;
  });
  writeFileSync(w(name), `date,A,B\n${rows.join('\n')}\n`);
  return w(name);
}

describe('keel data validate: values that break the maths', () => {
  it('1e308 and 5e-324 in a series near 100: exit 1 with an extreme-value error naming asset, date and line', async () => {
    for (const bad of [1e308, 5e-324]) {
      const f = csv(`extreme-${bad}.csv`, (i, p) => (i === 150 ? bad : p));
      const r = await keel(['data', 'validate', f]);
      expect(r.code).toBe(1);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/; 1 error, 0 warnings — NOT usable$/);
      expect(lines[1]).toMatch(
        new RegExp(
          `^  error   extreme-value      ${f.replace(/[.+]/g, '\\$&')}:152: asset "A" has 1 price more than 1000× above or below the median of its 21 nearest values: ${String(bad).replace('+', '\\+')} on ${dates[150]} \\(line 152\\) vs median `,
        ),
      );
    }
  });
  it('a one-day −99 % move is a large-move warning (exit 0); --max-move raises the threshold; bad values exit 2', async () => {
    const f = csv('crash.csv', (i, p) => (i >= 200 ? p / 100 : p));
    const r = await keel(['data', 'validate', f]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe(
      `  warning large-move         ${f}:202: asset "A" has 1 one-period move beyond ±50 %: −99.0 % on ${dates[200]} (line 202). Check the price (a bad tick or an unadjusted corporate action?); if the move is real, raise maxMove (CLI: --max-move; study: data.quality.maxMove).`,
    );
    const raised = await keel(['data', 'validate', f, '--max-move', '0.999']);
    expect(raised.stdout).toMatch(/0 errors, 0 warnings — usable\n$/);
    const bad = await keel(['data', 'validate', f, '--max-move', '-1']);
    expect(bad).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --max-move must be a fraction > 0, got "-1". Example: --max-move 0.5 (50 %).\n',
    });
  });
  it('Latin-1 and BOM-less UTF-16 files: a parse error that says "convert to UTF-8" with the file name', async () => {
    writeFileSync(w('latin1.csv'), Buffer.from('date,Zürich\n2020-01-02,1\n', 'latin1'));
    const l = await keel(['data', 'validate', w('latin1.csv')]);
    expect(l.code).toBe(1);
    expect(l.stdout.split('\n')[1]).toBe(
      `  error   parse              ${w('latin1.csv')}:1: the file is not valid UTF-8 (byte 0xFC in "date,Zürich" read as Latin-1); it is probably Latin-1 or Windows-1252. Convert it to UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8 latin1.csv > latin1-utf8.csv (Excel: save as "CSV UTF-8").`,
    );
    writeFileSync(w('utf16.csv'), Buffer.from('date,A\r\n2020-01-02,1\r\n', 'utf16le'));
    const u = await keel(['data', 'validate', w('utf16.csv')]);
    expect(u.code).toBe(1);
    expect(u.stdout).toContain(
      ': the file is UTF-16 LE encoded (no byte-order mark: a NUL byte in every other byte); Keel reads UTF-8. Convert it to UTF-8, e.g. iconv -f UTF-16LE -t UTF-8 utf16.csv > utf16-utf8.csv',
    );
    expect(u.stdout).not.toMatch(/delimiter/);
  });
  it('a gzip that expands past the cap: one error line naming the file, the cap and how to raise it', async () => {
    const rows = '2020-01-02,1\n'.repeat(Math.ceil((2 * 1024 * 1024) / 13));
    const gz = gzipSync(Buffer.from(`date,A\n${rows}`));
    writeFileSync(w('bomb.csv.gz'), gz);
    const before = process.env['KEEL_MAX_DECOMPRESSED_MB'];
    process.env['KEEL_MAX_DECOMPRESSED_MB'] = '1';
    try {
      const r = await keel(['data', 'validate', w('bomb.csv.gz')]);
      expect(r).toEqual({
        code: 1,
        stdout: '',
        stderr: `error: ${w('bomb.csv.gz')}: gzip data expands to more than 1 MiB (the decompression cap; ${Number((gz.length / 1024 / 1024).toPrecision(4))} MiB compressed). If the file is genuine, raise the cap: KEEL_MAX_DECOMPRESSED_MB=1024.\n`,
      });
    } finally {
      if (before === undefined) delete process.env['KEEL_MAX_DECOMPRESSED_MB'];
      else process.env['KEEL_MAX_DECOMPRESSED_MB'] = before;
    }
  });
});
