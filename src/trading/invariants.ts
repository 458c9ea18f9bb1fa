/**
 * What must hold between a ledger and its broker after any sequence of crashes and restarts: every broker fill
 * booked once (by trade id), no client order id sent twice, no order at the broker the ledger did not plan, equal
 * positions and cash, and a verified audit chain. Used by the crash harness; callable on any ledger.
 */
import type { Broker } from '../execution/index.ts';
import type { TradeLedger } from './ledger.ts';

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
