import { describe, expect, it } from 'vitest';
import * as keel from './index.ts';

describe('library API (src/index.ts)', () => {
  it('exposes every stage as a namespace, in pipeline order, and the main entry points', () => {
    for (const stage of [
      'core',
      'data',
      'synth',
      'io',
      'features',
      'models',
      'risk',
      'allocation',
      'metrics',
      'backtest',
      'strategies',
      'audit',
      'tuning',
      'report',
      'execution',
      'config',
      'study',
      'trading',
    ]) {
      expect(typeof (keel as Record<string, unknown>)[stage], stage).toBe('object');
    }
    for (const fn of [
      'runStudy',
      'runStudyFile',
      'synthesizeMarket',
      'loadPrices',
      'runBacktest',
      'parseStudyText',
      'validateStudy',
      'studyJsonSchema',
      'createRng',
    ]) {
      expect(typeof (keel as Record<string, unknown>)[fn], fn).toBe('function');
    }
  });
  it('validates a study in code exactly as from a file', () => {
    const s = keel.validateStudy({ name: 'demo', data: { source: 'synthetic' } });
    expect(s.seed).toBe(42);
    expect(() => keel.validateStudy({ name: 'demo', dta: {} })).toThrow(keel.StudyError);
  });
});
