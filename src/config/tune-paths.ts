/**
 * Study paths for `tune.space`: `strategies.NAME.model.alpha` (a strategy by its name, or its kind when unnamed) or
 * `strategies[0].portfolio.maxWeight` (by position); dots separate keys. A path must name a value the study already
 * has (write the parameter with any value first), so a typo is refused at validation with the closest key.
 */
import { closest } from './did-you-mean.ts';

/** As study-schema.ts strategyLabel (repeated: that module imports this one). */
const strategyLabel = (s: unknown): string => {
  const o = s as { name?: unknown; kind?: unknown };
  return typeof o.name === 'string' ? o.name : String(o.kind);
};

type Token = { kind: 'key'; key: string } | { kind: 'index'; index: number };

function tokens(path: string): Token[] {
  const out: Token[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [];
    if (m[1] !== '') out.push({ kind: 'key', key: m[1]! });
    for (const ix of m[2]!.matchAll(/\[(\d+)\]/g)) out.push({ kind: 'index', index: Number(ix[1]) });
  }
  return out;
}

/** Where `path` leads in `root`: the parent container and key, or the problem (with a did-you-mean) when it does not. */
function locate(
  root: unknown,
  path: string,
): { parent: Record<string, unknown> | unknown[]; key: string | number } | { problem: string } {
  const ts = tokens(path);
  if (ts.length < 2) return { problem: `"${path}" is not a study path; write e.g. strategies.NAME.model.alpha` };
  let node: unknown = root;
  let at = '';
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    const last = i === ts.length - 1;
    if (Array.isArray(node)) {
      let idx: number;
      if (t.kind === 'index') idx = t.index;
      else {
        // A strategy by name; names may hold dots, so try the longest run of keys first.
        const labels = node.map((s) => strategyLabel(s));
        idx = -1;
        for (let j = ts.length - 1; j >= i && idx < 0; j--) {
          const run = ts.slice(i, j + 1);
          if (run.some((r) => r.kind !== 'key')) continue;
          const name = run.map((r) => (r as { key: string }).key).join('.');
          const k = labels.indexOf(name);
          if (k >= 0) {
            idx = k;
            i = j;
          }
        }
        if (idx < 0) {
          const hint = closest(t.key, labels);
          return {
            problem: `${path}: no entry named "${t.key}" in ${at}${hint ? `; did you mean "${hint}"?` : ''} (names: ${labels.join(', ')})`,
          };
        }
      }
      if (idx >= node.length)
        return { problem: `${path}: ${at}[${idx}] does not exist (${at} has ${node.length} entries)` };
      if (i === ts.length - 1) return { parent: node, key: idx };
      node = node[idx];
      at = `${at}[${idx}]`;
      continue;
    }
    if (node === null || typeof node !== 'object' || t.kind !== 'key')
      return {
        problem: `${path}: ${at || 'the study'} has no ${t.kind === 'key' ? `key "${t.key}"` : `entry [${t.index}]`}`,
      };
    const obj = node as Record<string, unknown>;
    if (!(t.key in obj) || obj[t.key] === undefined) {
      const hint = closest(t.key, Object.keys(obj));
      return {
        problem: `${path}: ${at || 'the study'} has no "${t.key}"${hint ? `; did you mean "${hint}"?` : ''} (a tuned parameter must be written in the study with some value first)`,
      };
    }
    if (last) return { parent: obj, key: t.key };
    node = obj[t.key];
    at = at ? `${at}.${t.key}` : t.key;
  }
  return { problem: `${path}: not a study path` };
}

/** The problem with `path` in `study`, or undefined when it names an existing value. */
export function studyPathProblem(study: unknown, path: string): string | undefined {
  const r = locate(study, path);
  if ('problem' in r) return r.problem;
  const v = (r.parent as Record<string | number, unknown>)[r.key];
  if (v !== null && typeof v === 'object')
    return `${path}: names a whole section, not a value; name one of its keys (${Object.keys(v).join(', ')})`;
  return undefined;
}

/** A deep copy of `study` with the value at each path replaced. Throws on a path `studyPathProblem` refuses. */
export function withStudyPaths<T>(study: T, values: Readonly<Record<string, unknown>>): T {
  const copy = structuredClone(study);
  for (const [path, value] of Object.entries(values)) {
    const r = locate(copy, path);
    if ('problem' in r) throw new Error(r.problem);
    (r.parent as Record<string | number, unknown>)[r.key] = value;
  }
  return copy;
}
