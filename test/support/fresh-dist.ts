/**
 * vitest globalSetup: tests that spawn the real `keel` binary (bin/keel.mjs) run the compiled dist/, so rebuild it
 * first when any input is newer than the last build (after an edit to src/ without `npm run build`). A fresh
 * checkout after `npm install`/`npm ci` (prepare built it) costs one stat walk. A failed build is reported and the
 * tests run anyway: unit tests use the .ts sources, and spawned-CLI tests then fail on the stale build visibly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './shared.ts';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function distIsStale(root = repoRoot): boolean {
  const built = join(root, 'dist', 'index.js');
  if (!existsSync(built)) return true;
  const inputs = Math.max(
    newestMtime(join(root, 'src')),
    ...['package.json', 'tsconfig.json', 'scripts/build.mjs'].map((f) => statSync(join(root, f)).mtimeMs),
  );
  return inputs > statSync(built).mtimeMs;
}

export default function setup(): void {
  if (!distIsStale()) return;
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0)
    console.warn('[keel] dist/ could not be rebuilt: tests that spawn bin/keel.mjs run the old build');
}
