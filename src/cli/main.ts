/**
 * The `keel` command line: `main(argv)` builds the commander program from commands/index.ts, runs it and returns
 * the exit code (0 ok, 1 failure, 2 usage). Every error is reported as one `error: …` line on stderr (see
 * errors.ts); commander's own usage errors are rewritten to one line and exit 2.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help } from 'commander';
import { ExitCode, pendingCleanups, runCleanups } from '../core/index.ts';
import { commandEntries } from './commands/index.ts';
import { reportError, type Write } from './errors.ts';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** commander's message ("error: unknown option '--jsn'\n(Did you mean --json?)") as one line without the prefix. */
export function commanderMessage(e: CommanderError): string {
  return e.message
    .replace(/^error:\s*/i, '')
    .replace(/\s*\n\s*\(Did you mean (.+)\?\)\s*$/s, '; did you mean $1?')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/** Applies the CLI-wide settings to a command and all its subcommands (addCommand does not inherit them). */
function configure(cmd: Command, stderr: Write): void {
  cmd
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeErr: stderr, outputError: () => {} });
  for (const sub of cmd.commands) configure(sub, stderr);
}

/**
 * The program with the commands `argv` needs. The first word that is not an option names the command to load
 * (`keel help run` names run); only that one is imported (fast startup). Otherwise (`keel --help`, an unknown
 * command and its suggestions) every command is listed from its entry's term and summary without importing it;
 * an entry without them is loaded. `--version` alone loads nothing; no argv at all loads every command.
 */
export async function buildProgram(
  stderr: Write = (s) => process.stderr.write(s),
  argv: readonly string[] = [],
): Promise<Command> {
  const program = new Command('keel')
    .description('Keel: machine-learning asset allocation — data, forecasts, portfolios, backtests, reports')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .addHelpText('after', '\nExit codes: 0 ok, 1 failure, 2 usage. Set KEEL_DEBUG=1 for stack traces. Docs: docs/.');
  const words = argv.filter((a) => !a.startsWith('-'));
  const named = words[0] === 'help' ? words[1] : words[0];
  const only = commandEntries.find((c) => c.name === named);
  const versionOnly = argv.length > 0 && argv.every((a) => a === '-V' || a === '--version');
  const terms = new Map<Command, string>();
  const listOnly = argv.length > 0 && !only; // no argv: the whole tree, loaded (tests walk it)
  for (const entry of only ? [only] : versionOnly ? [] : commandEntries) {
    if (!listOnly || entry.term === undefined || entry.summary === undefined) {
      program.addCommand(await entry.load());
      continue;
    }
    // A listing only: never run, since a command named on the line is loaded for real above.
    const listed = new Command(entry.name).description(entry.summary);
    terms.set(listed, entry.term);
    program.addCommand(listed);
  }
  if (terms.size > 0) {
    const help = new Help();
    program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd) ?? help.subcommandTerm(cmd) });
  }
  configure(program, stderr);
  return program;
}

/** One line for a failed write to stdout (EPIPE: the reader went away, e.g. `| head`; ENOSPC: the disk is full). */
export function stdoutErrorMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? String(e);
  const why =
    code === 'EPIPE'
      ? 'the reading end of the pipe was closed early (e.g. by head); the rest of the output was dropped'
      : code === 'ENOSPC'
        ? 'no space left on the device stdout writes to; free space or redirect the output elsewhere'
        : 'check where the output is redirected';
  return `error: cannot write to stdout (${code}): ${why}`;
}

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Process-wide handlers for the `keel` executable (bin/keel.mjs), not for library users: a failed stdout write
 * (broken pipe, full disk) becomes one `error:` line and exit 1 instead of an unhandled 'error' event and a stack;
 * SIGINT/SIGTERM remove the temporary folders being written (core's cleanup registry) and exit 130/143; anything
 * else thrown outside `main` is reported as one line.
 */
export function installProcessHandlers(): void {
  const stderr = (s: string): void => {
    try {
      process.stderr.write(s);
    } catch {
      // stderr itself is gone: nothing left to tell
    }
  };
  process.stderr.on('error', () => {});
  let stdoutFailed = false;
  process.stdout.on('error', (e) => {
    if (stdoutFailed) return;
    stdoutFailed = true;
    stderr(`${stdoutErrorMessage(e)}\n`);
    runCleanups();
    process.exit(ExitCode.failure);
  });
  for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
    process.on(signal, () => {
      const removing = pendingCleanups() > 0;
      runCleanups();
      // On a terminal a progress bar may hold the current line: start a fresh one.
      stderr(
        `${process.stderr.isTTY ? '\n' : ''}error: interrupted by ${signal}${removing ? '; unfinished output was removed' : ''}\n`,
      );
      process.exit(code);
    });
  }
  const fatal = (e: unknown): void => {
    runCleanups();
    process.exitCode = reportError(e, stderr);
    process.exit();
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}

export async function main(argv: readonly string[]): Promise<number> {
  const stderr: Write = (s) => {
    process.stderr.write(s);
  };
  const before = process.exitCode;
  try {
    const program = await buildProgram(stderr, argv.length === 0 ? ['--help'] : argv);
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return ExitCode.usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    const code = process.exitCode;
    process.exitCode = before;
    return typeof code === 'number' && code !== 0 ? code : ExitCode.ok;
  } catch (e) {
    process.exitCode = before;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.ok;
      if (e.code === 'commander.help') return ExitCode.usage; // help shown because a subcommand was missing
      stderr(`error: ${commanderMessage(e)} (see keel --help)\n`);
      return ExitCode.usage;
    }
    return reportError(e, stderr);
  }
}
