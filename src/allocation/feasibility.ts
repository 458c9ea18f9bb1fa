/**
 * Constraints that no portfolio of a given universe can meet, found before any solve: the bounds cannot reach the
 * budget, a market-neutral portfolio has no room to short, maxHoldings assets cannot hold the budget, a group or an
 * assetBounds entry names an asset outside the universe. Each problem is one line with the arithmetic and the fix,
 * so a study (at validation) and `keel allocate` (before estimating) refuse them instead of running all-cash.
 * `checkConstraints`/`compileBounds` still guard every solve; this is the early, explainable copy of their rules.
 */
import { CONSTRAINT_TOL, round, type Constraints } from './constraints.ts';

const fmt = (x: number): string => String(round(x));

/**
 * One-line problems of `c` over a universe given by asset ids (every rule) or by its size alone (rules that do not
 * need names). Empty when nothing can be known to fail.
 */
export function constraintProblems(universe: readonly string[] | number, c: Constraints = {}): string[] {
  const n = typeof universe === 'number' ? universe : universe.length;
  const assets = typeof universe === 'number' ? undefined : universe;
  const out: string[] = [];
  const [dlo, dhi] = c.weightBounds ?? [0, 1];
  const lo0 = dlo ?? -1;
  const hi0 = dhi ?? 1;
  const wb = `weightBounds [${dlo}, ${dhi}]`;
  if (lo0 > hi0) out.push(`${wb}: the lower bound exceeds the upper bound; write [lo, hi] with lo ≤ hi`);
  const overrides = Object.entries(c.assetBounds ?? {});
  if (assets) {
    for (const [id] of overrides)
      if (!assets.includes(id))
        out.push(`assetBounds names "${id}", not in the universe (${assets.join(', ')}); remove it or fix the id`);
    for (const g of c.groups ?? [])
      for (const id of g.assets)
        if (!assets.includes(id))
          out.push(
            `group "${g.name}" names "${id}", not in the universe (${assets.join(', ')}); remove it or fix the id`,
          );
  }
  if (out.length > 0 || n === 0) return out;
  // Per-asset bounds: the defaults, with overrides applied where the names are known.
  const lb = new Array<number>(n).fill(lo0);
  const ub = new Array<number>(n).fill(hi0);
  if (assets)
    for (const [id, [lo, hi]] of overrides) {
      const i = assets.indexOf(id);
      lb[i] = lo ?? -1;
      ub[i] = hi ?? 1;
      if (lb[i]! > ub[i]!) out.push(`assetBounds of ${id} [${lo}, ${hi}]: the lower bound exceeds the upper bound`);
    }
  const overridden = assets !== undefined && overrides.length > 0;
  const sumHi = ub.reduce((s, x) => s + x, 0);
  const sumLo = lb.reduce((s, x) => s + x, 0);
  if (c.marketNeutral) {
    if (lb.every((x) => x >= 0) || ub.every((x) => x <= 0))
      out.push(
        `marketNeutral weights must sum to 0, but ${overridden ? 'the bounds' : wb} allow${overridden ? '' : 's'} no ${lb.every((x) => x >= 0) ? 'short' : 'long'} positions, so the only portfolio is all zeros; use weightBounds [-1, 1] or drop marketNeutral`,
      );
    else if (sumLo > CONSTRAINT_TOL || sumHi < -CONSTRAINT_TOL)
      out.push(
        `marketNeutral weights must sum to 0, but the bounds sum to [${fmt(sumLo)}, ${fmt(sumHi)}]; widen the bounds`,
      );
    return out;
  }
  if (sumHi < 1 - CONSTRAINT_TOL)
    out.push(
      overridden
        ? `the maximum weights sum to ${fmt(sumHi)} < 1 (${n} assets, ${wb} and assetBounds), so the weights cannot sum to 1; raise the upper bounds`
        : `${n} assets × max weight ${hi0} = ${fmt(sumHi)} < 1, so the weights cannot sum to 1; raise the upper bound to ≥ ${fmt(Math.ceil((1 / n) * 1e4) / 1e4)} or use more assets`,
    );
  if (sumLo > 1 + CONSTRAINT_TOL)
    out.push(
      overridden
        ? `the minimum weights sum to ${fmt(sumLo)} > 1 (${n} assets, ${wb} and assetBounds), so the weights cannot sum to 1; lower the lower bounds`
        : `${n} assets × min weight ${lo0} = ${fmt(sumLo)} > 1, so the weights cannot sum to 1; lower the lower bound to ≤ ${fmt(Math.floor((1 / n) * 1e4) / 1e4)}`,
    );
  if (c.maxHoldings !== undefined && c.maxHoldings < n && out.length === 0) {
    const best = [...ub]
      .sort((a, b) => b - a)
      .slice(0, c.maxHoldings)
      .reduce((s, x) => s + x, 0);
    if (best < 1 - CONSTRAINT_TOL)
      out.push(
        `maxHoldings ${c.maxHoldings} × max weight ${overridden ? '(largest upper bounds)' : hi0} = ${fmt(best)} < 1, so the weights cannot sum to 1; raise maxHoldings or the upper bound`,
      );
  }
  return out;
}
