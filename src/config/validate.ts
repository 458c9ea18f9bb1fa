/**
 * Study validation at the edge: text (YAML 1.2 or JSON) → plain value → `Study` with defaults resolved, or a
 * `StudyError` listing every problem, one line each. No file access here (the study runner reads files through io/).
 */
import { parseDocument } from 'yaml';
import { KeelError } from '../core/index.ts';
import { allowedKeys, formatPath, issueMessage, problemsOf, type RawIssue } from './issues.ts';
import { movedIntoStrategies, studySchema, type Study, type StudySchema } from './study-schema.ts';

/**
 * A study file that does not validate. `problems` holds one line per problem (`path: message`), each already
 * prefixed with the source name; `message` is the first one plus a count, so it still reads as one line.
 * Exit code 2 (usage), like every config error.
 */
export class StudyError extends KeelError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    const first = problems[0] ?? 'invalid study';
    super('config', problems.length > 1 ? `${first} (and ${problems.length - 1} more problem(s))` : first);
    this.name = 'StudyError';
    this.problems = problems;
  }
}

export function isStudyError(e: unknown): e is StudyError {
  return e instanceof StudyError;
}

/** Validates an already-parsed value (from YAML, JSON or code). `source` prefixes each problem (e.g. a file name). */
export function validateStudy(value: unknown, source = 'study', schema: StudySchema = studySchema): Study {
  const allowedByPath = new Map<string, string[]>();
  const result = schema.safeParse(value, {
    reportInput: true,
    error: (iss) => {
      const raw = iss as unknown as RawIssue & { path?: readonly PropertyKey[] };
      if (raw.code === 'unrecognized_keys') allowedByPath.set(formatPath(raw.path ?? []), allowedKeys(raw.inst));
      return issueMessage(raw);
    },
  });
  if (result.success) return result.data;
  const problems = problemsOf(result.error, (path) => allowedByPath.get(formatPath(path)) ?? [], movedIntoStrategies);
  throw new StudyError(problems.map((p) => `${source}: ${p}`));
}

/**
 * Parses study text: JSON when `source` ends in .json, YAML 1.2 otherwise (YAML is a superset of JSON, so either
 * works; `2015-01-01` stays a string). Syntax errors name line and column.
 */
export function parseStudyText(text: string, source = 'study', schema: StudySchema = studySchema): Study {
  const stripped = text.replace(/^\uFEFF/, '');
  if (stripped.trim() === '') {
    throw new StudyError([
      `${source}: the file is empty; a study needs at least "name" and "data" (see docs/study-files.md)`,
    ]);
  }
  const doc = parseDocument(stripped, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new StudyError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `:${pos.line}:${pos.col}` : '';
        const first = e.message.split('\n')[0] ?? e.message;
        return `${source}${where}: invalid YAML: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // e.g. an alias to an anchor that is never set, or an alias bomb past maxAliasCount
    throw new StudyError([`${source}: invalid YAML: ${(e as Error).message.split('\n')[0]}`]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new StudyError([
      `${source}: expected a mapping (key: value) at the top level, got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`,
    ]);
  }
  return validateStudy(value, source, schema);
}
