/**
 * Test support for the trading stage: small synthetic studies written to a temp folder, and the invariants every
 * ledger must satisfy against its broker (no lost or duplicated fill, no duplicated order, equal holdings and
 * cash, a verified audit chain). Used by the unit, CLI and crash tests.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Broker } from '../execution/index.ts';
import type { TradeLedger } from './ledger.ts';

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

export interface Invariants {
  readonly lostFills: number;
  readonly duplicatedFills: number;
  readonly duplicatedOrders: number;
  readonly unknownBrokerOrders: number;
  readonly positionsEqual: boolean;
  readonly cashEqual: boolean;
  readonly auditOk: boolean;
  readonly problems: readonly string[];
}

export async function checkInvariants(ledger: TradeLedger, broker: Broker): Promise<Invariants> {
  const lf = ledger.fills();
  const bf = await broker.fills();
  const ledgerIds = new Set(lf.map((f) => f.tradeId));
  const lostFills = bf.filter((f) => !ledgerIds.has(f.tradeId)).length;
  const duplicatedFills = lf.length - ledgerIds.size;
  const bo = await broker.orders();
  const coids = bo.map((o) => o.clientOrderId);
  const duplicatedOrders = coids.length - new Set(coids).size;
  // An order the broker holds must be one the ledger planned (and sent exactly once under that id).
  const unknownBrokerOrders = bo.filter((o) => ledger.order(o.clientOrderId) === null).length;
  const bpos = new Map((await broker.positions()).map((p) => [p.asset, p.quantity]));
  const lpos = ledger.positions();
  const assets = new Set([...bpos.keys(), ...lpos.keys()]);
  const positionsEqual = [...assets].every((a) => (bpos.get(a) ?? 0) === (lpos.get(a) ?? 0));
  const cashEqual = (await broker.account()).cash === ledger.cash();
  const audit = ledger.verify();
  return {
    lostFills,
    duplicatedFills,
    duplicatedOrders,
    unknownBrokerOrders,
    positionsEqual,
    cashEqual,
    auditOk: audit.ok,
    problems: audit.problems,
  };
}
