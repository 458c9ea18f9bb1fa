/**
 * Access to the team's shared reference data in `../shared` (beside the checkout). A fresh clone of Keel does not
 * have it, so every test that reads it goes through `describeShared`, which skips with a visible message instead.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedRoot = process.env['KEEL_SHARED'] ?? resolve(repoRoot, '..', 'shared');

/** Absolute path of a file under ../shared (e.g. `sharedPath('data', 'pypfopt', 'stock_prices.csv')`). */
export function sharedPath(...parts: string[]): string {
  return join(sharedRoot, ...parts);
}

export function hasShared(...parts: string[]): boolean {
  return existsSync(sharedPath(...parts));
}

const warned = new Set<string>();

/** `describe` that runs only when the named shared file exists, and says loudly when it skips. */
export function describeShared(name: string, parts: string[], body: () => void): void {
  if (hasShared(...parts)) {
    describe(name, body);
    return;
  }
  const key = parts.join('/');
  if (!warned.has(key)) {
    warned.add(key);
    console.warn(
      `[keel] SKIPPED "${name}": ../shared/${key} is not present (reference data lives beside the checkout).`,
    );
  }
  describe.skip(`${name} (skipped: ../shared/${key} absent)`, body);
}
