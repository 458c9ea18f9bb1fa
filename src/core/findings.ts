/**
 * Findings: the one way a stage says "what ran is not exactly what was asked for". A finding is a value created
 * where the substitution or degradation happens (an allocator's fallback, a decision with less history than asked,
 * cash forced by a cap, a data fix, an assumed calendar …) and carried upwards with the result it qualifies. The
 * study runner collects them into findings.json, summary.json, the report's Findings panel and the terminal;
 * `--strict` fails a run on any finding of severity warning or worse.
 *
 * Severity: `info` = the study asked for it and it happened as documented (a forward-fill the policy allows);
 * `warning` = the result differs from what the study names (a fallback, cash instead of a portfolio, a skipped
 * asset); `error` = a part of the study produced no usable result at all.
 */
import { KeelError } from './errors.ts';

export const findingSeverities = ['info', 'warning', 'error'] as const;
export type FindingSeverity = (typeof findingSeverities)[number];

export interface Finding {
  readonly severity: FindingSeverity;
  /** Stable machine name, kebab-case: 'allocator-fallback', 'short-history', 'cash-forced', 'data-fix' … */
  readonly kind: string;
  /** Strategy the finding qualifies (absent for data- or study-wide findings). */
  readonly strategy?: string;
  /** Decision or data date (ISO), when it is about one. */
  readonly date?: string;
  readonly asset?: string;
  /** One line: what happened instead of what was asked. */
  readonly message: string;
  /** One line: what to change in the study (or data) so it does not happen. */
  readonly fix?: string;
}

/** A finding before the caller knows the strategy or date (a strategy's decision; the engine stamps both). */
export type FindingDraft = Omit<Finding, 'strategy' | 'date'> & { readonly date?: string };

const rank: Record<FindingSeverity, number> = { info: 0, warning: 1, error: 2 };

/** True when `f` is at least as severe as `threshold`. */
export function atLeast(f: { readonly severity: FindingSeverity }, threshold: FindingSeverity): boolean {
  return rank[f.severity] >= rank[threshold];
}

/** Several identical findings on consecutive decisions, shown once: the terminal and the report use these. */
export interface FindingGroup {
  readonly severity: FindingSeverity;
  readonly kind: string;
  readonly strategy?: string;
  /** How many findings the group stands for. */
  readonly count: number;
  /** First and last dates among them (ISO), when dated. */
  readonly first?: string;
  readonly last?: string;
  /** The first finding's message and fix. */
  readonly message: string;
  readonly fix?: string;
}

/**
 * Groups findings by (severity, kind, strategy), in order of first appearance, most severe first. Messages of
 * later members differ only in their dates or values; the first one stands for the group.
 */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, { g: FindingGroup; order: number }>();
  findings.forEach((f, order) => {
    const key = `${f.severity}\u0000${f.kind}\u0000${f.strategy ?? ''}`;
    const had = groups.get(key);
    if (!had) {
      groups.set(key, {
        order,
        g: {
          severity: f.severity,
          kind: f.kind,
          ...(f.strategy === undefined ? {} : { strategy: f.strategy }),
          count: 1,
          ...(f.date === undefined ? {} : { first: f.date, last: f.date }),
          message: f.message,
          ...(f.fix === undefined ? {} : { fix: f.fix }),
        },
      });
      return;
    }
    const g = had.g;
    const first = f.date !== undefined && (g.first === undefined || f.date < g.first) ? f.date : g.first;
    const last = f.date !== undefined && (g.last === undefined || f.date > g.last) ? f.date : g.last;
    had.g = {
      ...g,
      count: g.count + 1,
      ...(first === undefined ? {} : { first }),
      ...(last === undefined ? {} : { last }),
    };
  });
  return [...groups.values()]
    .sort((a, b) => rank[b.g.severity] - rank[a.g.severity] || a.order - b.order)
    .map((x) => x.g);
}

/** Counts for summary.json: total, by severity, by kind, and by strategy then kind. */
export interface FindingCounts {
  readonly total: number;
  readonly bySeverity: Readonly<Record<FindingSeverity, number>>;
  readonly byKind: Readonly<Record<string, number>>;
  readonly byStrategy: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export function countFindings(findings: readonly Finding[]): FindingCounts {
  const bySeverity: Record<FindingSeverity, number> = { info: 0, warning: 0, error: 0 };
  const byKind: Record<string, number> = {};
  const byStrategy: Record<string, Record<string, number>> = {};
  for (const f of findings) {
    bySeverity[f.severity]++;
    byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
    const s = (byStrategy[f.strategy ?? '(study)'] ??= {});
    s[f.kind] = (s[f.kind] ?? 0) + 1;
  }
  return { total: findings.length, bySeverity, byKind, byStrategy };
}

/** One line for a terminal: `warning allocator-fallback [max-sharpe] ×72, 2016-01-29 … 2020-12-31: … Fix: …`. */
export function formatFindingGroup(g: FindingGroup): string {
  const who = g.strategy === undefined ? '' : ` [${g.strategy}]`;
  const times = g.count > 1 ? ` ×${g.count}` : '';
  const when = g.first === undefined ? '' : g.first === g.last ? `, ${g.first}` : `, ${g.first} … ${g.last}`;
  const fix = g.fix === undefined ? '' : ` Fix: ${g.fix}`;
  return `${g.severity} ${g.kind}${who}${times}${when}: ${g.message}${fix}`.replace(/\s*\n\s*/g, ' ');
}

/** One line for a single finding (strict-mode errors). */
export function formatFinding(f: Finding): string {
  return formatFindingGroup({ ...f, count: 1, ...(f.date === undefined ? {} : { first: f.date, last: f.date }) });
}

/**
 * `--strict`: the findings of severity warning or worse turned into a failure (exit 1), one line per group in
 * `problems` (the CLI prints each as an `error:` line).
 */
export class StrictFindingsError extends KeelError {
  readonly problems: readonly string[];
  readonly findings: readonly Finding[];
  constructor(findings: readonly Finding[], what = 'the run') {
    const bad = findings.filter((f) => atLeast(f, 'warning'));
    const groups = groupFindings(bad);
    super(
      'strict',
      `${what} has ${bad.length} finding(s) of severity warning or worse under --strict; fix them or run without --strict`,
    );
    this.name = 'StrictFindingsError';
    this.findings = bad;
    this.problems = [
      ...groups.map((g) => `strict: ${formatFindingGroup(g)}`),
      `${what} failed under --strict: ${bad.length} finding(s) of severity warning or worse (nothing was written); fix them or run without --strict`,
    ];
  }
}

/** Throws StrictFindingsError when any finding is a warning or worse. */
export function enforceStrict(findings: readonly Finding[], what?: string): void {
  if (findings.some((f) => atLeast(f, 'warning'))) throw new StrictFindingsError(findings, what);
}
