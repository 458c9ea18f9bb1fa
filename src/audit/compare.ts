/**
 * Deep, exact comparison used by the look-ahead audit. Numbers compare with `Object.is` semantics except that
 * NaN equals NaN and +0 equals −0 (unless a tolerance is given); typed arrays, arrays, Maps and plain objects
 * recurse. Returns the first difference as a path, or null when equal.
 */
export interface Difference {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

const fmt = (v: unknown): unknown =>
  typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v == null ? v : typeof v;

function numbersEqual(a: number, b: number, tol: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return tol > 0 && Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
}

export function firstDifference(a: unknown, b: unknown, tolerance = 0, path = '$'): Difference | null {
  if (typeof a === 'number' && typeof b === 'number')
    return numbersEqual(a, b, tolerance) ? null : { path, before: a, after: b };
  if (a === b) return null;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object')
    return { path, before: fmt(a), after: fmt(b) };
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    if (!(ArrayBuffer.isView(b) || Array.isArray(b))) return { path, before: 'array', after: fmt(b) };
    const xa = a as unknown as ArrayLike<unknown>;
    const xb = b as unknown as ArrayLike<unknown>;
    if (xa.length !== xb.length) return { path: `${path}.length`, before: xa.length, after: xb.length };
    for (let i = 0; i < xa.length; i++) {
      const d = firstDifference(xa[i], xb[i], tolerance, `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a instanceof Map && b instanceof Map) {
    return firstDifference(Object.fromEntries(a), Object.fromEntries(b), tolerance, path);
  }
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  const dk = firstDifference(ka, kb, 0, `${path}{keys}`);
  if (dk) return dk;
  for (const k of ka) {
    const d = firstDifference(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      tolerance,
      `${path}.${k}`,
    );
    if (d) return d;
  }
  return null;
}
