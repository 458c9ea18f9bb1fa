import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { jitFlagsFor, ONE_CORE_INTERRUPT_BUDGET } from './jit.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the JIT threshold of the keel binary', () => {
  it('raises the interrupt budget on one core only', () => {
    expect(jitFlagsFor(1, [], undefined)).toBe(`--interrupt-budget=${ONE_CORE_INTERRUPT_BUDGET}`);
    expect(jitFlagsFor(2, [], undefined)).toBeUndefined();
    expect(jitFlagsFor(64, [], '')).toBeUndefined();
  });

  it('leaves a budget the user set (node flag or NODE_OPTIONS) alone', () => {
    expect(jitFlagsFor(1, ['--interrupt-budget=1000'], undefined)).toBeUndefined();
    expect(jitFlagsFor(1, [], '--max-old-space-size=4096 --interrupt-budget=1000')).toBeUndefined();
    expect(jitFlagsFor(1, ['--max-old-space-size=4096'], '--enable-source-maps')).toBeDefined();
  });

  const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  it.skipIf(!pinned)('keel pinned to one core runs (the flag is accepted by this V8)', () => {
    const out = execFileSync('taskset', ['-c', '0', process.execPath, join(repo, 'bin', 'keel.mjs'), '--version'], {
      encoding: 'utf8',
    });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
