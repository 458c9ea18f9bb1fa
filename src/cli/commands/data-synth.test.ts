/**
 * `keel data synth` through the real CLI: writes every table, the same seed twice gives identical bytes, Parquet output
 * loads back (spawned CLI); bad flags are one-line usage errors that leave nothing behind (in process).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isKeelError } from '../../core/index.ts';
import { dataSynthCommand, synthFileNames } from './data-synth.ts';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'keel-synth-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function keel(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(repo, 'bin', 'keel.mjs'), ...args],
      { cwd: work, env: { ...process.env, KEEL_DEBUG: '' } },
      (err, stdout, stderr) => {
        done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

function folderHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex');
}

const small = ['--years', '1', '--assets', '24'];

describe('keel data synth', () => {
  it('writes the market as CSV; the same seed gives byte-identical folders, another seed differs', async () => {
    const [a, b, c] = await Promise.all([
      keel(['data', 'synth', '--seed', '3', '--out', 'a', ...small]),
      keel(['data', 'synth', '--seed', '3', '--out', 'b', ...small]),
      keel(['data', 'synth', '--seed', '4', '--out', 'c', ...small, '--json']),
    ]);
    expect(a).toMatchObject({ code: 0, stderr: '' });
    expect(a.stdout).toMatch(/^synthetic market, seed 3: 26\d business days \(2014-01-01 … 2014-12-31\) × 24 assets/);
    expect(readdirSync(join(work, 'a')).sort()).toEqual(
      [
        'assets.csv',
        'close.csv',
        'fundamentals.csv',
        'headlines.csv',
        'high.csv',
        'low.csv',
        'macro.csv',
        'open.csv',
        'params.json',
        'truth_headline_tone.csv',
        'truth_regimes.csv',
        'truth_signals.csv',
        'volume.csv',
      ].sort(),
    );
    expect(folderHash(join(work, 'a'))).toBe(folderHash(join(work, 'b')));
    expect(folderHash(join(work, 'c'))).not.toBe(folderHash(join(work, 'a')));
    const summary = JSON.parse(c.stdout) as { assets: number; files: { file: string; rows: number }[] };
    expect(summary.assets).toBe(24);
    expect(summary.files.find((f) => f.file === 'close.csv')?.rows).toBeGreaterThan(255);
    const header = readFileSync(join(work, 'a', 'close.csv'), 'utf8').split('\n')[0];
    expect(header).toBe(
      `date,EQ_BROAD,EQ_TECH,BOND_LONG,GOLD,${Array.from({ length: 20 }, (_, i) => `STK${String(i + 1).padStart(3, '0')}`).join(',')}`,
    );
  });

  it('writes Parquet that `keel data validate` reads back as usable', async () => {
    const w = await keel([
      'data',
      'synth',
      '--seed',
      '3',
      '--out',
      'pq',
      ...small,
      '--format',
      'parquet',
      '--no-truth',
    ]);
    expect(w).toMatchObject({ code: 0, stderr: '' });
    const files = readdirSync(join(work, 'pq'));
    expect(files).toContain('close.parquet');
    expect(files.some((f) => f.startsWith('truth_'))).toBe(false);
    const v = await keel(['data', 'validate', join('pq', 'close.parquet')]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/24 assets.*usable/);
  });

  it('bad flags and occupied folders: a one-line usage error (exit 2), no partial output', async () => {
    mkdirSync(join(work, 'full'));
    writeFileSync(join(work, 'full', 'x.txt'), 'keep me');
    const fail = async (args: string[]): Promise<string> => {
      try {
        await dataSynthCommand().exitOverride().parseAsync(args, { from: 'user' });
      } catch (e) {
        expect(isKeelError(e) && e.exitCode === 2, String(e)).toBe(true);
        expect((e as Error).message).not.toContain('\n');
        return (e as Error).message;
      }
      throw new Error(`expected ${args.join(' ')} to fail`);
    };
    const at = (dir: string) => join(work, dir);
    expect(await fail(['--seed', '-3', '--out', at('x1')])).toMatch(/--seed must be a whole number/);
    expect(await fail(['--assets', '2', '--out', at('x2')])).toMatch(
      /--assets must be a whole number in \[4, 1004\], got "2"/,
    );
    expect(await fail(['--years', '100', '--out', at('x3')])).toMatch(/years must be within \[0\.25, 60\], got 100/);
    expect(await fail(['--out', at('full'), ...small])).toMatch(/already exists and is not empty.*--force/);
    expect(await fail(['--out', join(work, 'missing', 'deeper'), ...small])).toMatch(
      /parent folder .*missing does not exist/,
    );
    expect(readFileSync(join(work, 'full', 'x.txt'), 'utf8')).toBe('keep me');
    for (const x of ['x1', 'x2', 'x3']) expect(existsSync(join(work, x))).toBe(false);
    expect(readdirSync(work).some((f) => f.includes('partial'))).toBe(false);
  });

  it('--force replaces a folder of its own tables, and refuses (exit 2, naming them) one holding anything else, deleting nothing', async () => {
    const run = (args: string[]) => dataSynthCommand().exitOverride().parseAsync(args, { from: 'user' });
    const out = join(work, 'forced');
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await run(['--out', out, '--seed', '1', ...small]);
      const first = folderHash(out);
      // Every file written is one --force may replace (the list cannot drift from what the command writes).
      for (const f of readdirSync(out)) expect(synthFileNames().has(f), f).toBe(true);
      await run(['--out', out, '--seed', '2', '--force', ...small]);
      expect(folderHash(out)).not.toBe(first);
      writeFileSync(join(out, 'my-notes.txt'), 'keep me');
      mkdirSync(join(out, 'analysis'));
      const refused = await run(['--out', out, '--seed', '3', '--force', ...small]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isKeelError(refused) && refused.exitCode).toBe(2);
      expect((refused as Error).message).toMatch(
        /^--out .*forced holds 2 files keel data synth did not write \(analysis, my-notes\.txt\); --force replaces only its own tables and never deletes other files\./,
      );
      expect(readFileSync(join(out, 'my-notes.txt'), 'utf8')).toBe('keep me');
      expect(existsSync(join(out, 'analysis'))).toBe(true);
      expect(readdirSync(work).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    } finally {
      quiet.mockRestore();
    }
  });
});
