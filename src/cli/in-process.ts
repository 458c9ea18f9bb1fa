/**
 * Test support: runs the CLI's `main(argv)` in this process and captures what it writes (spawning `node` per case
 * costs ~0.5–1 s of start-up; src/cli/bad-input.test.ts and census.test.ts cover the real binary).
 */
import { vi } from 'vitest';
import { main } from './main.ts';

export async function runInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  });
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
