/**
 * When a run fails and removing its temporary folder fails too, the run's own error is the one reported (the
 * cleanup error used to replace it). The file system is made to fail under the out folder only (running as root,
 * permissions cannot produce EACCES).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { withRunDir } from './run-dir.ts';

const failUnder = { root: '' };
const eacces = (syscall: string, path: string) =>
  Object.assign(new Error(`EACCES: permission denied, ${syscall} '${path}'`), { code: 'EACCES', syscall, path });

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const inside = (p: unknown) =>
    failUnder.root !== '' && String(p).startsWith(failUnder.root) && /\.tmp-/.test(String(p));
  return {
    ...fs,
    writeFileSync: (p: Parameters<typeof fs.writeFileSync>[0], ...rest: unknown[]) => {
      if (inside(p)) throw eacces('open', String(p));
      return (fs.writeFileSync as (...a: unknown[]) => void)(p, ...rest);
    },
    rmSync: (p: Parameters<typeof fs.rmSync>[0], ...rest: unknown[]) => {
      if (inside(p)) throw eacces('rmdir', String(p));
      return (fs.rmSync as (...a: unknown[]) => void)(p, ...rest);
    },
  };
});

const work = mkdtempSync(join(tmpdir(), 'keel-rundir-fail-'));
afterAll(() => {
  failUnder.root = '';
  rmSync(work, { recursive: true, force: true });
});

describe('run folder failures', () => {
  it('a write failing with EACCES is reported as itself, not as the failure to remove the temporary folder', async () => {
    failUnder.root = join(work, 'runs');
    const run = withRunDir({ outDir: join(work, 'runs'), studyName: 's', hash: 'h' }, (dir) => {
      dir.writeText('metrics.json', '{}');
    });
    await expect(run).rejects.toThrow(/^cannot write metrics\.json in the run folder: EACCES$/);
  });

  it('a failing body is reported as itself when the cleanup fails', async () => {
    failUnder.root = join(work, 'runs2');
    const run = withRunDir({ outDir: join(work, 'runs2'), studyName: 's', hash: 'h' }, () => {
      throw new Error('the study failed');
    });
    await expect(run).rejects.toThrow(/^the study failed$/);
  });
});
