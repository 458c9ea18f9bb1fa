/**
 * Every top-level `keel` command, in help order. One file per command in this folder, each exporting a factory
 * that returns a commander `Command`. Commands are loaded lazily: `keel run …` imports only run.ts, and
 * `keel --help` lists each command from its `term` and `summary` here without importing it (loading every command
 * costs ~0.9 s, listing them ~0.1 s). A test checks both strings against the loaded command.
 *
 * To add a command: one line
 * `{ name: 'x', term: 'x [options] <file>', summary: '…', load: async () => (await import('./x.ts')).xCommand() },`
 * (an entry without term/summary still works: `keel --help` then loads it).
 */
import type { Command } from 'commander';

export interface CommandEntry {
  /** The command's name as typed (must equal the name its factory gives it). */
  readonly name: string;
  /** How `keel --help` lists it: name, `[options]` when it has any, arguments (commander's `subcommandTerm`). */
  readonly term?: string;
  /** Its one-line description as `keel --help` shows it. */
  readonly summary?: string;
  readonly load: () => Promise<Command>;
}

export const commandEntries: readonly CommandEntry[] = [
  {
    name: 'run',
    term: 'run [options] <study>',
    summary: 'run a study file and write its results to <out>/<id>/',
    load: async () => (await import('./run.ts')).runCommand(),
  },
  {
    name: 'data',
    term: 'data',
    summary: 'market data: validate files, synthesize a market, fetch prices',
    load: async () => (await import('./data.ts')).dataCommand(),
  },
  {
    name: 'schema',
    term: 'schema',
    summary: "print the study file's JSON Schema (draft 2020-12) on stdout",
    load: async () => (await import('./schema.ts')).schemaCommand(),
  },
  {
    name: 'allocate',
    term: 'allocate [options] <prices>',
    summary: 'optimise portfolio weights from a price file and print weights, expected return, volatility and Sharpe',
    load: async () => (await import('./allocate.ts')).allocateCommand(),
  },
  {
    name: 'frontier',
    term: 'frontier [options] <prices>',
    summary: 'print the efficient frontier (expected return, volatility, Sharpe) from a price file',
    load: async () => (await import('./frontier.ts')).frontierCommand(),
  },
  {
    name: 'audit',
    term: 'audit [options] <study>',
    summary:
      'look-ahead audit: perturb all data after cutoff dates and check every decision and fill before them is unchanged',
    load: async () => (await import('./audit.ts')).auditCommand(),
  },
  {
    name: 'monitor',
    term: 'monitor [options] <study>',
    summary: 'health report of the study ML models in force at a date; exit 3 when a drift detector is in alert',
    load: async () => (await import('./monitor.ts')).monitorCommand(),
  },
  {
    name: 'tune',
    term: 'tune [options] <study>',
    summary: "search the study's tune: space on its validation period (before backtest.start) → <out>/<id>/",
    load: async () => (await import('./tune.ts')).tuneCommand(),
  },
  {
    name: 'sweep',
    term: 'sweep [options] <study>',
    summary: 'run the study once per point of a parameter grid and tabulate every strategy → <out>/<id>/sweep.csv',
    load: async () => (await import('./sweep.ts')).sweepCommand(),
  },
  {
    name: 'worker',
    term: 'worker [options]',
    summary: 'process sweep trials from a Redis queue (BullMQ) until stopped; run one per core on any host',
    load: async () => (await import('./worker.ts')).workerCommand(),
  },
  {
    name: 'serve',
    term: 'serve [options]',
    summary:
      'web dashboard over a runs folder: runs, interactive charts, tear sheets, compare (127.0.0.1 only by default)',
    load: async () => (await import('./serve.ts')).serveCommand(),
  },
  {
    name: 'trade',
    term: 'trade',
    summary: 'plans, approvals and rejections, orders and the audit log of a trading ledger',
    load: async () => (await import('./trade.ts')).tradeCommand(),
  },
  {
    name: 'paper',
    term: 'paper [options] <study>',
    summary: "paper-trade the study's strategy through history into a ledger (resumable after a crash)",
    load: async () => (await import('./paper.ts')).paperCommand(),
  },
  {
    name: 'explain',
    term: 'explain [options] <run>',
    summary: "explain a run's ML forecasts (SHAP) and weight changes, from RUN/explanations.json",
    load: async () => (await import('./explain.ts')).explainCommand(),
  },
];
