/**
 * Test support for the trading stage and the trading CLI tests: small synthetic studies written to a temp folder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `keel-${prefix}-`));
}

/** A 3-asset fixed mix rebalanced daily on 1 year of synthetic data, 5 bp costs; `extra` (default: auto-approval). */
export function writeStudy(dir: string, name = 'study.yaml', extra = ''): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `name: trading-test
seed: 3
data:
  source: synthetic
  market: { start: 2014-01-01, years: 1, stocks: 0 }
backtest:
  periodsPerYear: 252
  rebalance: daily
  fill: next-close
  initialCapital: 1000000
  costs: { kind: proportional, bps: 5 }
strategies:
  - kind: fixed-mix
    name: mix
    weights: { EQ_BROAD: 0.5, BOND_LONG: 0.3, GOLD: 0.2 }
${extra || 'trading:\n  approval: { auto: true }\n'}`,
  );
  return path;
}
