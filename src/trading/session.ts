/**
 * Opening a trading session for a CLI command: the ledger and the paper broker's file beside it (`--broker`,
 * default `<ledger>.broker`). A command that creates either file and then fails removes what it created, so bad
 * input writes nothing.
 */
import { existsSync, rmSync } from 'node:fs';
import { dataError } from '../core/index.ts';
import { TradeLedger } from './ledger.ts';
import { PaperBrokerFile } from './broker-file.ts';
import type { TradingStudy } from './study-source.ts';

export interface Session {
  readonly ledger: TradeLedger;
  readonly broker: PaperBrokerFile;
  /** Close both; on failure, delete the files this session created. */
  end(failed: boolean): void;
}

export const brokerPathFor = (ledgerPath: string, given?: string): string => given ?? `${ledgerPath}.broker`;

const removeDb = (path: string): void => {
  for (const p of [path, `${path}-wal`, `${path}-shm`]) rmSync(p, { force: true });
};

/** Open an existing ledger and broker (no study needed). */
export function openSession(ledgerPath: string, brokerPath?: string): Session {
  const ledger = TradeLedger.open(ledgerPath, { create: false });
  let broker: PaperBrokerFile;
  try {
    const bp = brokerPathFor(ledgerPath, brokerPath);
    if (!existsSync(bp))
      throw dataError(`broker file ${bp} does not exist; give --broker, or start with keel trade plan / keel paper`);
    broker = PaperBrokerFile.open(bp);
  } catch (e) {
    ledger.close();
    throw e;
  }
  return {
    ledger,
    broker,
    end() {
      ledger.close();
      broker.close();
    },
  };
}

/** Open the ledger and broker of a study, creating and funding both (with backtest.initialCapital) when absent. */
export function openStudySession(ts: TradingStudy, ledgerPath: string, brokerPath?: string): Session {
  const bp = brokerPathFor(ledgerPath, brokerPath);
  const newLedger = !existsSync(ledgerPath);
  const newBroker = !existsSync(bp);
  if (newLedger !== newBroker)
    throw dataError(
      newLedger
        ? `broker file ${bp} exists but ledger ${ledgerPath} does not; give the ledger that goes with it, or remove the broker file`
        : `ledger ${ledgerPath} exists but its broker file ${bp} does not; give --broker`,
    );
  const capital = ts.options.initialCapital ?? 1;
  let ledger: TradeLedger | null = null;
  let broker: PaperBrokerFile | null = null;
  const cleanup = (): void => {
    ledger?.close();
    broker?.close();
    if (newLedger) removeDb(ledgerPath);
    if (newBroker) removeDb(bp);
  };
  try {
    ledger = TradeLedger.open(ledgerPath, { create: true });
    if (newBroker) {
      broker = PaperBrokerFile.create(bp, {
        capital,
        assets: ts.panel.assets,
        assetClass: ts.panel.meta.map((m) => m.assetClass ?? ''),
        dates: ts.panel.dates,
        fields: brokerBars(ts),
        costs: ts.options.costs,
        ...(ts.trading.execution.algorithm !== 'none'
          ? { intraday: { slots: ts.trading.execution.slots, seed: ts.seed } }
          : {}),
      });
    } else broker = PaperBrokerFile.open(bp);
    if (ledger.isEmpty)
      ledger.record([
        {
          type: 'fund',
          date: ts.panel.dates[0]!,
          body: { amount: capital, settings: { study: ts.path, strategy: ts.strategyName, broker: 'paper' } },
        },
      ]);
  } catch (e) {
    cleanup();
    throw e;
  }
  const l = ledger;
  const b = broker;
  return {
    ledger: l,
    broker: b,
    end(failed) {
      if (failed) cleanup();
      else {
        l.close();
        b.close();
      }
    },
  };
}

/**
 * The bars the broker trades on: `close` is the study's valuation price (the backtest's priceField); open, high,
 * low and volume come along only when that price is the raw close (an adjusted close with raw highs and lows would
 * make an inconsistent bar).
 */
function brokerBars(ts: TradingStudy): Record<string, Float64Array> {
  const fields: Record<string, Float64Array> = { close: ts.close };
  if ((ts.options.priceField ?? 'close') === 'close')
    for (const f of ['open', 'high', 'low', 'volume']) if (ts.panel.has(f)) fields[f] = ts.panel.field(f);
  return fields;
}
