/**
 * `keel data validate|synth|fetch`: the data group. Each subcommand lives in its own file, written by the data and
 * synth engineers (`data-validate.ts`, `data-synth.ts`, `data-fetch.ts`), each exporting a factory that returns a
 * commander `Command`. They are loaded lazily (startup stays fast), and a file that does not exist yet is wired as
 * a stub that fails with "not available in this build yet" instead of breaking the whole CLI.
 */
import { Command } from 'commander';
import { KeelError } from '../../core/index.ts';

interface Sub {
  readonly name: string;
  readonly file: string;
  readonly summary: string;
}

const SUBCOMMANDS: readonly Sub[] = [
  { name: 'validate', file: './data-validate.ts', summary: 'check a market-data file and print a quality report' },
  { name: 'synth', file: './data-synth.ts', summary: 'write the seeded synthetic market as CSV/Parquet' },
  { name: 'fetch', file: './data-fetch.ts', summary: 'download prices (Yahoo, Stooq, FRED) into the local cache' },
];

/** The factory a subcommand module exports: its default export, else its first exported function. */
function factoryOf(mod: Record<string, unknown>): (() => Command) | undefined {
  if (typeof mod['default'] === 'function') return mod['default'] as () => Command;
  for (const v of Object.values(mod)) if (typeof v === 'function') return v as () => Command;
  return undefined;
}

function stub(sub: Sub): Command {
  return new Command(sub.name)
    .description(`${sub.summary} (not available in this build yet)`)
    .argument('[args...]')
    .allowUnknownOption(true)
    .action(() => {
      throw new KeelError(
        'data',
        `keel data ${sub.name} is not available in this build yet (src/cli/commands/${sub.file.slice(2)} is missing)`,
      );
    });
}

async function load(sub: Sub): Promise<Command> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(sub.file)) as Record<string, unknown>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(sub.file.slice(2))) return stub(sub);
    throw e;
  }
  const factory = factoryOf(mod);
  const cmd = factory?.();
  if (!(cmd instanceof Command)) return stub(sub);
  return cmd.name() === sub.name ? cmd : cmd.name(sub.name);
}

export async function dataCommand(): Promise<Command> {
  const group = new Command('data').description('market data: validate files, synthesize a market, fetch prices');
  for (const sub of SUBCOMMANDS) group.addCommand(await load(sub));
  return group;
}
