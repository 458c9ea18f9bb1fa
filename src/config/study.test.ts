import fc from 'fast-check';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { KeelError } from '../core/index.ts';
import { closest, levenshtein } from './did-you-mean.ts';
import { kindSchema, type KindTable } from './kind-table.ts';
import { createStudySchema, defaultKindTables, studyJsonSchema } from './study-schema.ts';
import { isStudyError, parseStudyText, StudyError, validateStudy } from './validate.ts';

/** Problems of a study that must not validate (fails the test if it does). */
function problems(value: unknown, schema = createStudySchema()): readonly string[] {
  try {
    validateStudy(value, 's.yaml', schema);
  } catch (e) {
    if (isStudyError(e)) return e.problems;
    throw e;
  }
  throw new Error('expected the study to be rejected');
}

const fakeTables = {
  ...defaultKindTables,
  costModelKinds: {
    bps: { schema: z.strictObject({ bps: z.number().min(0) }), create: () => ({}) },
    none: { schema: z.strictObject({}), create: () => ({}) },
  } satisfies KindTable,
  strategyKinds: {
    'equal-weight': { schema: z.strictObject({}), create: () => ({}) },
    'min-variance': { schema: z.strictObject({ longOnly: z.boolean().default(true) }), create: () => ({}) },
    'max-sharpe': { schema: z.strictObject({ riskFreeRate: z.number().min(0).default(0) }), create: () => ({}) },
  } satisfies KindTable,
};
const withKinds = createStudySchema(fakeTables);
const base = { name: 'x', data: { source: 'synthetic' } };

describe('did you mean', () => {
  it('levenshtein counts insertions, deletions and substitutions', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
    expect(levenshtein('nmae', 'name')).toBe(2);
  });
  it('suggests only plausible typos', () => {
    expect(closest('nmae', ['name', 'data', 'seed'])).toBe('name');
    expect(closest('backtst', ['backtest', 'baselines'])).toBe('backtest');
    expect(closest('zzzzzz', ['name', 'data'])).toBeUndefined();
  });
});

describe('study schema', () => {
  it('fills every default and keeps the resolved study re-validatable (idempotent)', () => {
    const s = validateStudy(base);
    expect(s.seed).toBe(42);
    expect(s.data).toMatchObject({ source: 'synthetic', missing: { policy: 'error' } });
    expect(s.report).toEqual({ html: true });
    expect(s.strategies).toEqual([]);
    expect(validateStudy(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it('does not mutate its input', () => {
    const input = { name: 'x', data: { source: 'synthetic', market: { years: 2 } } };
    const snapshot = structuredClone(input);
    validateStudy(input);
    expect(input).toEqual(snapshot);
  });

  it('names the path, the expectation and the value, one line per problem', () => {
    expect(problems({ ...base, backtest: { costs: { kind: 'bps', bps: 'ten' } } }, withKinds)).toEqual([
      's.yaml: backtest.costs.bps: expected a number ≥ 0, got "ten"',
    ]);
    expect(problems({ name: 'x', seed: 1.5, data: { source: 'csv', path: '' } })).toEqual([
      's.yaml: seed: expected an integer ≥ 0 and ≤ 4294967295, got 1.5',
      's.yaml: data.path: expected at least 1 character, got ""',
    ]);
  });

  it('rejects unknown keys at every level with a suggestion', () => {
    expect(problems({ ...base, sede: 1 })).toEqual(['s.yaml: (top level): unknown key "sede"; did you mean "seed"?']);
    expect(problems({ ...base, report: { htlm: false } })).toEqual([
      's.yaml: report: unknown key "htlm"; did you mean "html"?',
    ]);
    expect(problems({ ...base, backtest: { costs: { kind: 'bps', bps: 1, bsp: 2 } } }, withKinds)).toEqual([
      's.yaml: backtest.costs: unknown key "bsp"; did you mean "bps"?',
    ]);
    expect(problems({ ...base, qqqqqq: 1 })[0]).toMatch(
      /unknown key "qqqqqq"; allowed keys: \$schema, name, description, seed, data/,
    );
  });

  it('composes kind tables: a kind takes its parameters flat, unknown kinds get a suggestion', () => {
    const s = validateStudy({ ...base, strategies: [{ kind: 'max-sharpe' }] }, 's', withKinds);
    expect(s.strategies).toEqual([{ kind: 'max-sharpe', riskFreeRate: 0 }]);
    expect(problems({ ...base, strategies: [{ kind: 'max-sharp' }] }, withKinds)).toEqual([
      's.yaml: strategies[0].kind: unknown strategy kind "max-sharp"; did you mean "max-sharpe"? (available: equal-weight, min-variance, max-sharpe)',
    ]);
    expect(problems({ ...base, strategies: [{ kind: 'min-variance', riskFreeRate: 0 }] }, withKinds)).toEqual([
      's.yaml: strategies[0]: unknown key "riskFreeRate"; allowed keys: longOnly, kind, name',
    ]);
    expect(problems({ ...base, strategies: [{}] }, withKinds)).toEqual([
      's.yaml: strategies[0].kind: required: expected a strategy kind, one of equal-weight, min-variance, max-sharpe',
    ]);
  });

  it('a refined object schema stays flat; a non-object schema (a transform) takes its parameters under params:', () => {
    const table: KindTable = {
      refined: {
        schema: z.strictObject({ n: z.int().min(1) }).refine((p) => p.n < 100, 'n must be < 100'),
        create: () => ({}),
      },
      piped: { schema: z.strictObject({ n: z.int() }).transform((p) => ({ size: p.n })), create: () => ({}) },
    };
    const schema = z.strictObject({ f: kindSchema(table, 'feature') });
    expect(schema.parse({ f: { kind: 'refined', n: 5 } })).toEqual({ f: { kind: 'refined', n: 5 } });
    expect(schema.safeParse({ f: { kind: 'refined', n: 500 } }).success).toBe(false);
    expect(schema.parse({ f: { kind: 'piped', params: { n: 5 } } })).toEqual({
      f: { kind: 'piped', params: { size: 5 } },
    });
  });

  it('a stage whose table is still empty fails at the edge, naming it', () => {
    const noStrategies = createStudySchema({ ...fakeTables, strategyKinds: {} });
    expect(problems({ ...base, strategies: [{ kind: 'equal-weight' }] }, noStrategies)).toEqual([
      's.yaml: strategies[0]: no strategy kinds are available in this build yet',
    ]);
  });

  it('features, model, risk and allocation are not top-level sections: unknown, pointing at strategies', () => {
    expect(problems({ ...base, model: { kind: 'ridge' }, allocation: { kind: 'min-variance' } })).toEqual([
      's.yaml: (top level): unknown key "model"; did you mean "strategies"? a model goes inside an ml-forecast strategy: strategies: [{ kind: ml-forecast, model: { kind: ridge }, … }]',
      's.yaml: (top level): unknown key "allocation"; did you mean "strategies"? an allocator goes inside a strategy: strategies: [{ kind: allocator, allocator: { kind: min-variance }, … }]',
    ]);
    for (const key of ['features', 'risk'])
      expect(problems({ ...base, [key]: [] })[0]).toMatch(/did you mean "strategies"\?/);
    // Nested keys of the same name are ordinary unknown keys (no strategies hint).
    expect(problems({ ...base, report: { model: 1 } })[0]).not.toMatch(/strategies/);
    const props = Object.keys((studyJsonSchema() as { properties: Record<string, unknown> }).properties);
    for (const key of ['features', 'model', 'risk', 'allocation']) expect(props).not.toContain(key);
  });

  it('zero cost must be written out: backtest.costs is required', () => {
    expect(problems({ ...base, backtest: {} }, withKinds)[0]).toMatch(/^s\.yaml: backtest\.costs: required/);
    expect(validateStudy({ ...base, backtest: { costs: { kind: 'none' } } }, 's', withKinds).backtest?.fill).toBe(
      'next-close',
    );
  });

  it('plain unions list what each branch accepts and still suggest', () => {
    expect(problems({ ...base, backtest: { costs: { kind: 'none' }, rebalance: 'monthy' } }, withKinds)).toEqual([
      expect.stringMatching(
        /^s\.yaml: backtest\.rebalance: expected one of "daily", .*"monthly".* or a mapping, got "monthy"; did you mean "monthly"\?$/,
      ),
    ]);
  });

  it('checks ranges and duplicate strategy names across fields', () => {
    expect(problems({ ...base, data: { source: 'synthetic', start: '2020-01-01', end: '2019-01-01' } })).toEqual([
      's.yaml: data.end: must be after data.start (2020-01-01), got 2019-01-01',
    ]);
    expect(problems({ ...base, strategies: [{ kind: 'equal-weight' }, { kind: 'equal-weight' }] }, withKinds)).toEqual([
      's.yaml: strategies[1].name: duplicate strategy name "equal-weight"; give each strategy a distinct name',
    ]);
  });

  it('exports a JSON Schema for editors that reflects the composition', () => {
    const js = studyJsonSchema() as {
      properties: Record<string, unknown>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(js.required).toEqual(['name', 'data']);
    expect(js.additionalProperties).toBe(false);
    expect(Object.keys(js.properties)).toContain('backtest');
    const withJs = z.toJSONSchema(kindSchema(fakeTables.costModelKinds, 'cost model')) as { oneOf?: unknown[] };
    expect(withJs.oneOf).toHaveLength(2);
  });
});

describe('study text', () => {
  it('parses YAML 1.2 (dates stay strings) and JSON', () => {
    const y = parseStudyText('name: x\ndata: { source: synthetic, start: 2015-01-01 }\n');
    expect(y.data.start).toBe('2015-01-01');
    const j = parseStudyText('{"name": "x", "data": {"source": "synthetic"}}', 's.json');
    expect(j.name).toBe('x');
  });
  it('reports syntax errors with line:column, empty files and non-mappings in one line each', () => {
    expect(() => parseStudyText('name: x\nname: y\n', 's.yaml')).toThrow(
      /^s\.yaml:2:1: invalid YAML: Map keys must be unique/,
    );
    expect(() => parseStudyText('  \n', 's.yaml')).toThrow(/s\.yaml: the file is empty/);
    expect(() => parseStudyText('42', 's.yaml')).toThrow(/expected a mapping \(key: value\) at the top level, got 42/);
    // found by the fuzzer below: an alias to an anchor that was never set used to escape as a ReferenceError
    expect(() => parseStudyText('*!', 's.yaml')).toThrow(/^s\.yaml: invalid YAML: Unresolved alias/);
  });
  it('StudyError is a config KeelError (exit 2) whose message is one line', () => {
    const e = new StudyError(['a: x', 'b: y']);
    expect(e).toBeInstanceOf(KeelError);
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('a: x (and 1 more problem(s))');
  });
});

describe('fuzzing the validator', () => {
  const ok = (f: () => unknown): void => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof KeelError)) throw e;
      for (const p of isStudyError(e) ? e.problems : [e.message]) expect(p).not.toMatch(/\n/);
    }
  };

  it('random values never cause anything but a study or a one-line KeelError', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, withMap: true, withSet: true }), (v) =>
        ok(() => validateStudy(v, 's', withKinds)),
      ),
      { numRuns: 300, seed: 1 },
    );
  });

  it('random near-valid studies (random keys and values in every section) likewise', () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
    );
    const section = fc.dictionary(
      fc.constantFrom('kind', 'source', 'bps', 'policy', 'limit', 'years', 'html', 'x', 'path', 'start'),
      value,
    );
    const study = fc.record(
      {
        name: value,
        seed: value,
        data: fc.oneof(
          section,
          fc.record({ source: fc.constantFrom('synthetic', 'csv', 'parquet', 'x'), missing: section }),
        ),
        backtest: fc.record({ costs: section, rebalance: value }, { requiredKeys: [] }),
        allocation: section,
        strategies: fc.array(section, { maxLength: 3 }),
        report: section,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(study, (v) => ok(() => validateStudy(v, 's', withKinds))),
      { numRuns: 300, seed: 2 },
    );
  });

  it('random text never throws anything but a one-line KeelError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (t) => ok(() => parseStudyText(t, 's.yaml'))),
      { numRuns: 300, seed: 3 },
    );
  });
});

describe('strategies beside ml-forecast', () => {
  it('are accepted: the study runs them beside the forecaster (study/mixed-study.test.ts)', () => {
    const study = {
      name: 'mixed',
      data: { source: 'synthetic' },
      backtest: { start: '2016-01-04', costs: { kind: 'none' } },
      strategies: [
        {
          kind: 'ml-forecast',
          name: 'ml',
          features: [{ kind: 'momentum', windows: [21] }],
          model: { kind: 'ridge' },
          portfolio: { method: 'mean-variance' },
        },
        { kind: 'inverse-volatility', name: 'iv', window: 63 },
      ],
    };
    expect(() => validateStudy(study, 'mixed.yaml')).not.toThrow();
    // A refusal that is still true: the monitor watches forecasts, so naming the other strategy is refused.
    expect(() => validateStudy({ ...study, monitor: { strategies: ['iv'] } }, 'mixed.yaml')).toThrow(
      /names "iv", which is not an ml-forecast strategy of this study \(ml\)/,
    );
  });
});
