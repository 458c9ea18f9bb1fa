import { describe, expect, it } from 'vitest';
import {
  atLeast,
  countFindings,
  enforceStrict,
  formatFindingGroup,
  groupFindings,
  StrictFindingsError,
  type Finding,
} from './findings.ts';

const f = (over: Partial<Finding>): Finding => ({ severity: 'warning', kind: 'k', message: 'm', ...over });

describe('findings', () => {
  it('atLeast orders info < warning < error', () => {
    expect(atLeast(f({ severity: 'info' }), 'warning')).toBe(false);
    expect(atLeast(f({ severity: 'warning' }), 'warning')).toBe(true);
    expect(atLeast(f({ severity: 'error' }), 'warning')).toBe(true);
    expect(atLeast(f({ severity: 'warning' }), 'error')).toBe(false);
  });

  it('groups by severity, kind and strategy with counts and the date range, most severe first', () => {
    const gs = groupFindings([
      f({ severity: 'info', kind: 'data-fix', message: 'filled' }),
      f({ kind: 'cash-forced', strategy: 'a', date: '2020-02-28', message: 'first' }),
      f({ kind: 'cash-forced', strategy: 'a', date: '2020-01-31', message: 'second' }),
      f({ kind: 'cash-forced', strategy: 'b', date: '2020-03-31' }),
      f({ severity: 'error', kind: 'failed' }),
    ]);
    expect(gs.map((g) => [g.severity, g.kind, g.strategy ?? '', g.count])).toEqual([
      ['error', 'failed', '', 1],
      ['warning', 'cash-forced', 'a', 2],
      ['warning', 'cash-forced', 'b', 1],
      ['info', 'data-fix', '', 1],
    ]);
    expect(gs[1]).toMatchObject({ first: '2020-01-31', last: '2020-02-28', message: 'first' });
    expect(formatFindingGroup(gs[1]!)).toBe('warning cash-forced [a] ×2, 2020-01-31 … 2020-02-28: first');
  });

  it('counts by severity, kind and strategy', () => {
    const c = countFindings([f({ strategy: 's' }), f({ strategy: 's' }), f({ severity: 'info', kind: 'x' })]);
    expect(c).toEqual({
      total: 3,
      bySeverity: { info: 1, warning: 2, error: 0 },
      byKind: { k: 2, x: 1 },
      byStrategy: { s: { k: 2 }, '(study)': { x: 1 } },
    });
  });

  it('enforceStrict passes info findings and fails on a warning, one problem line per group', () => {
    expect(() => enforceStrict([f({ severity: 'info' })])).not.toThrow();
    const e = (() => {
      try {
        enforceStrict([f({ fix: 'do x' }), f({}), f({ severity: 'info' })], 'study s');
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(StrictFindingsError);
    const s = e as StrictFindingsError;
    expect(s.exitCode).toBe(1);
    expect(s.findings).toHaveLength(2);
    expect(s.problems).toEqual([
      'strict: warning k ×2: m Fix: do x',
      'study s failed under --strict: 2 finding(s) of severity warning or worse (nothing was written); fix them or run without --strict',
    ]);
  });
});
