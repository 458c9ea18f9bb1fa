/**
 * V8's optimising-compiler threshold for the `keel` binary when the process may use ONE core (taskset, a one-CPU
 * container or CI runner).
 *
 * Why: V8 compiles hot functions with TurboFan on background threads. With several cores that work is free; on one
 * core those threads take turns with the main thread. Pinned to one core, the bench study (bench/mljob/core-only.yaml)
 * spent ~1.8 s of CPU in those threads (mostly TurboFan: 490 compiles, some functions recompiled 3–5 times after
 * deoptimising on types not seen yet) next to 2.3 s on the main thread. Four times V8's default interrupt budget
 * optimises only functions that stay hot, after more type feedback: helper CPU fell to ~1.2 s, the main thread's rose
 * ~0.2 s, ~0.45 s less in all (a tenth of the run). With more cores the default stays (the main thread's time is the
 * wall time there). Results do not depend on it: the JIT tiers compute the same IEEE doubles.
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

/** V8's default `--interrupt-budget` (Node 20–22) times four. */
export const ONE_CORE_INTERRUPT_BUDGET = 4 * 67_584;

/** The V8 flag to set, or undefined: more than one core, or the user chose an interrupt budget themselves. */
export function jitFlagsFor(
  cores: number,
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string | undefined {
  if (cores > 1) return undefined;
  if ([...execArgv, nodeOptions ?? ''].some((a) => a.includes('--interrupt-budget'))) return undefined;
  return `--interrupt-budget=${ONE_CORE_INTERRUPT_BUDGET}`;
}

/** Called by bin/keel.mjs before it loads the CLI (the library never changes V8 flags). */
export function tuneJit(): void {
  const flag = jitFlagsFor(availableParallelism(), process.execArgv, process.env['NODE_OPTIONS']);
  if (flag) setFlagsFromString(flag);
}
