/**
 * Every top-level `keel` command, in help order. One file per command in this folder, each exporting a factory
 * that returns a commander `Command`. Commands are loaded lazily: `keel run …` imports only run.ts, so startup
 * does not pay for every stage; `keel --help` and unknown commands load them all.
 *
 * To add a command: one line `{ name: 'x', load: async () => (await import('./x.ts')).xCommand() },`.
 */
import type { Command } from 'commander';

export interface CommandEntry {
  /** The command's name as typed (must equal the name its factory gives it). */
  readonly name: string;
  readonly load: () => Promise<Command>;
}

export const commandEntries: readonly CommandEntry[] = [
  { name: 'run', load: async () => (await import('./run.ts')).runCommand() },
  { name: 'data', load: async () => (await import('./data.ts')).dataCommand() },
  { name: 'schema', load: async () => (await import('./schema.ts')).schemaCommand() },
  { name: 'allocate', load: async () => (await import('./allocate.ts')).allocateCommand() },
  { name: 'frontier', load: async () => (await import('./frontier.ts')).frontierCommand() },
  { name: 'audit', load: async () => (await import('./audit.ts')).auditCommand() },
  { name: 'tune', load: async () => (await import('./tune.ts')).tuneCommand() },
  { name: 'sweep', load: async () => (await import('./sweep.ts')).sweepCommand() },
  { name: 'worker', load: async () => (await import('./worker.ts')).workerCommand() },
  { name: 'serve', load: async () => (await import('./serve.ts')).serveCommand() },
  { name: 'trade', load: async () => (await import('./trade.ts')).tradeCommand() },
  { name: 'paper', load: async () => (await import('./paper.ts')).paperCommand() },
  { name: 'explain', load: async () => (await import('./explain.ts')).explainCommand() },
];
