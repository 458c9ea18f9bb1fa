/** `keel run`'s terminal summary ends with the path of report.html (what `npm start` prints last). */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process.ts';

const out = mkdtempSync(join(tmpdir(), 'keel-run-cmd-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('keel run summary', () => {
  it('ends with the path of report.html, which exists', async () => {
    const r = await runInProcess(['run', 'examples/backtest-baselines.yaml', '--out', out]);
    expect(r.code).toBe(0);
    const last = r.stdout.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/^report: .+report\.html$/);
    expect(existsSync(last.slice('report: '.length))).toBe(true);
  });
});
