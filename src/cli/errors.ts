/**
 * How the CLI reports failures: every KeelError as `error: <message>` (a StudyError as one such line per problem),
 * no stack trace; anything unexpected as one short line, with the stack only when KEEL_DEBUG=1.
 * Returns the exit code: 0 ok, 1 failure, 2 usage.
 */
import { ExitCode, isKeelError } from '../core/index.ts';

export type Write = (text: string) => void;

/**
 * A KeelError carrying several one-line problems (config's StudyError), recognised by shape so that loading the CLI
 * does not load config/ (and with it every stage's kind table).
 */
function problemsOf(e: unknown): readonly string[] | undefined {
  if (!isKeelError(e)) return undefined;
  const p = (e as { problems?: unknown }).problems;
  return Array.isArray(p) && p.every((x) => typeof x === 'string') ? (p as string[]) : undefined;
}

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();

export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env['KEEL_DEBUG'];
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

export function reportError(e: unknown, write: Write, env: NodeJS.ProcessEnv = process.env): number {
  const debug = debugEnabled(env);
  const problems = problemsOf(e);
  if (problems && isKeelError(e)) {
    for (const p of problems) write(`error: ${oneLine(p)}\n`);
    if (debug && e.stack) write(`${e.stack}\n`);
    return e.exitCode;
  }
  if (isKeelError(e)) {
    write(`error: ${oneLine(e.message)}\n`);
    if (debug && e.stack) write(`${e.stack}\n`);
    return e.exitCode;
  }
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  write(
    `error: unexpected failure: ${oneLine(message)}${debug ? '' : ' (run with KEEL_DEBUG=1 for the stack trace)'}\n`,
  );
  if (debug && e instanceof Error && e.stack) write(`${e.stack}\n`);
  return ExitCode.failure;
}
