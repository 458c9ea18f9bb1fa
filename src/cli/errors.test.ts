import { describe, expect, it } from 'vitest';
import { configError, dataError } from '../core/index.ts';
import { StudyError } from '../config/index.ts';
import { reportError } from './errors.ts';

function capture(e: unknown, env: Record<string, string> = {}) {
  let text = '';
  const code = reportError(e, (s) => (text += s), env);
  return { code, text };
}

describe('reportError', () => {
  it('prints a KeelError as one line without a stack, with its exit code', () => {
    expect(capture(dataError('prices.csv:3: negative price'))).toEqual({
      code: 1,
      text: 'error: prices.csv:3: negative price\n',
    });
    expect(capture(configError('bad study'))).toEqual({ code: 2, text: 'error: bad study\n' });
  });
  it('prints every problem of a StudyError on its own line', () => {
    expect(capture(new StudyError(['s.yaml: a: x', 's.yaml: b: y']))).toEqual({
      code: 2,
      text: 'error: s.yaml: a: x\nerror: s.yaml: b: y\n',
    });
  });
  it('prints unexpected errors in one short line; the stack only with KEEL_DEBUG=1', () => {
    const plain = capture(new TypeError('x is undefined\nmore'));
    expect(plain.code).toBe(1);
    expect(plain.text).toBe(
      'error: unexpected failure: TypeError: x is undefined more (run with KEEL_DEBUG=1 for the stack trace)\n',
    );
    const debug = capture(new TypeError('boom'), { KEEL_DEBUG: '1' });
    expect(debug.text).toMatch(/^error: unexpected failure: TypeError: boom\nTypeError: boom\n\s+at /);
  });
});
