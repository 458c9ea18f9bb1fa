/**
 * Keel's error values. Every failure a user can cause is a `KeelError` whose message is one line naming the
 * problem, the rule and the fix; the CLI prints `error: <message>` with no stack trace and exits with `exitCode`.
 */

/** Exit codes of the CLI: 0 ok, 1 failure (bad data, failed run), 2 usage (bad flags, bad study file). */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type KeelErrorKind =
  | 'usage' // bad flags or arguments
  | 'config' // a study file that does not validate
  | 'data' // input data that cannot be used as it is
  | 'numeric' // a numeric routine that cannot proceed (singular matrix, non-finite input)
  | 'infeasible' // constraints with no solution
  | 'lookahead' // a point-in-time violation
  | 'io' // a file that cannot be read or written
  | 'strict'; // findings that --strict turns into a failure

export class KeelError extends Error {
  readonly kind: KeelErrorKind;
  readonly exitCode: ExitCode;
  constructor(kind: KeelErrorKind, message: string, options?: { cause?: unknown }) {
    super(message.replace(/\s*\n\s*/g, ' '), options);
    this.name = 'KeelError';
    this.kind = kind;
    this.exitCode = kind === 'usage' || kind === 'config' ? ExitCode.usage : ExitCode.failure;
  }
}

export const usageError = (message: string): KeelError => new KeelError('usage', message);
export const configError = (message: string): KeelError => new KeelError('config', message);
export const dataError = (message: string): KeelError => new KeelError('data', message);
export const numericError = (message: string): KeelError => new KeelError('numeric', message);
export const ioError = (message: string, cause?: unknown): KeelError =>
  new KeelError('io', message, cause === undefined ? undefined : { cause });

export function isKeelError(e: unknown): e is KeelError {
  return e instanceof KeelError;
}
