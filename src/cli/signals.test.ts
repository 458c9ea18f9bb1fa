/**
 * Interrupted runs through the real binary: `keel run` is spawned, and once its temporary run folder exists it gets
 * SIGINT, SIGTERM or SIGKILL. SIGINT/SIGTERM must remove the folder and exit 130/143 with one `error:` line;
 * SIGKILL cannot be caught, so its leftover must be removed by the next run into the same --out (and nothing else).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'keel-signals-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Long enough (a few seconds) that the signal lands while the run is in progress.
const slowStudy =
  'name: slow\nseed: 3\ndata: { source: synthetic, market: { years: 12, stocks: 60 } }\n' +
  'backtest: { start: 2015-01-02, costs: { kind: proportional, bps: 5 } }\nstrategies:\n' +
  '  - { kind: inverse-volatility, name: iv, window: 63 }\n  - { kind: equal-weight, name: ew }\n';
const quickStudy = 'name: quick\nseed: 1\ndata: { source: synthetic, market: { years: 1, stocks: 0 } }\n';
writeFileSync(join(work, 'slow.yaml'), slowStudy);
writeFileSync(join(work, 'quick.yaml'), quickStudy);

interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Keel's temporary run folders in `out` (`.tmp-<id>~<pid>.<host>.<random>`). */
const tempsIn = (out: string) =>
  existsSync(out) ? readdirSync(out).filter((n) => /^\.tmp-.+~\d+\.[0-9a-f]{6}\.[0-9a-f]{8}$/.test(n)) : [];

/** Runs the slow study into `out` and sends `signal` as soon as its temporary folder appears. */
function interrupt(out: string, signal: NodeJS.Signals): Promise<Ended & { sawTemp: boolean }> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [join(repo, 'bin', 'keel.mjs'), 'run', join(work, 'slow.yaml'), '--out', out],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, KEEL_DEBUG: '' },
      },
    );
    let stderr = '';
    let sawTemp = false;
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const poll = setInterval(() => {
      if (tempsIn(out).length > 0) {
        sawTemp = true;
        clearInterval(poll);
        child.kill(signal);
      }
    }, 20);
    child.on('exit', (code, sig) => {
      clearInterval(poll);
      done({ code, signal: sig, stderr, sawTemp });
    });
  });
}

function keelRun(study: string, out: string): Promise<Ended> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(repo, 'bin', 'keel.mjs'), 'run', study, '--out', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('exit', (code, signal) => done({ code, signal, stderr }));
  });
}

describe('interrupted runs leave nothing behind', () => {
  it('SIGINT and SIGTERM remove the temporary run folder and exit 130 / 143 with one error line', async () => {
    const [int, term] = await Promise.all([
      interrupt(join(work, 'int'), 'SIGINT'),
      interrupt(join(work, 'term'), 'SIGTERM'),
    ]);
    for (const [r, name, code] of [
      [int, 'SIGINT', 130],
      [term, 'SIGTERM', 143],
    ] as const) {
      expect(r.sawTemp, r.stderr).toBe(true);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toBe(`error: interrupted by ${name}; unfinished output was removed\n`);
    }
    expect(readdirSync(join(work, 'int'))).toEqual([]);
    expect(readdirSync(join(work, 'term'))).toEqual([]);
  }, 120_000);

  it('two concurrent runs of one study into one --out both succeed, each in its own folder', async () => {
    const out = join(work, 'both');
    const runs = await Promise.all([keelRun(join(work, 'quick.yaml'), out), keelRun(join(work, 'quick.yaml'), out)]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const folders = readdirSync(out);
    expect(folders).toHaveLength(2);
    for (const f of folders) expect(f).toMatch(/^\d{8}-\d{6}-quick-[0-9a-f]{8}(-2)?$/);
  }, 120_000);

  it("SIGKILL leaves the temporary folder; the next run into the same --out removes it, and nobody else's files", async () => {
    const out = join(work, 'kill');
    mkdirSync(join(out, '.tmp-mine'), { recursive: true }); // not Keel's: same prefix, no pid/host/random
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    const killed = await interrupt(out, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const left = tempsIn(out);
    expect(left).toHaveLength(1);
    const next = await keelRun(join(work, 'quick.yaml'), out);
    expect(next.code, next.stderr).toBe(0);
    const after = readdirSync(out).sort();
    expect(after).not.toContain(left[0]);
    expect(after.filter((n) => !/^\d{8}-\d{6}-quick-/.test(n))).toEqual(['.tmp-mine', 'notes.txt']);
  }, 120_000);
});
