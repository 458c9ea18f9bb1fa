/**
 * Every top-level `keel` command, in help order. One file per command in this folder, each exporting a factory
 * that returns a commander `Command` (sync or async). To add a command: one import and one line in the list.
 */
import type { Command } from 'commander';
import { dataCommand } from './data.ts';
import { runCommand } from './run.ts';
import { schemaCommand } from './schema.ts';
import { allocateCommand } from './allocate.ts';
import { frontierCommand } from './frontier.ts';
import { auditCommand } from './audit.ts';

export type CommandFactory = () => Command | Promise<Command>;

export const commandFactories: readonly CommandFactory[] = [runCommand, dataCommand, schemaCommand, allocateCommand, frontierCommand, auditCommand];
