/**
 * SIGTERM / SIGINT while rl-agents train: training is synchronous and a signal handler runs only when the event
 * loop is free, so the backtests go back to it between agents' trainings (strategies' backtestStrategyYielding).
 * `keel run` on a study whose agents train for ~30 s of CPU gets the signal 1.5 s in (training under way): it must
 * remove its temporary run folder and exit 143 / 130 with one `error:` line within seconds, not after training.
 * Both paths: the plain backtest step, and the ML job (an rl-agent beside an ml-forecast strategy).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'keel-signals-rl-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// 36 refits × 6 agents × 600 episodes of Q-learning: ~30 s of training here, each agent's ~0.15 s.
const agent =
  '  - { kind: rl-agent, name: q, algorithm: q-learning, features: [{ kind: momentum, windows: [63] }], stepBars: 5,\n' +
  '      trainWindow: 756, refitEvery: 63, episodes: 600, seeds: 6, agent: { bins: 2 } }\n';
const frame =
  'seed: 3\ndata: { source: synthetic, market: { start: 2010-01-01, years: 12, stocks: 0 } }\n' +
  'backtest: { start: 2013-01-02, rebalance: monthly, periodsPerYear: 252, costs: { kind: proportional, bps: 10 } }\n';
const forecaster =
  '  - { kind: ml-forecast, name: ml, features: [{ kind: momentum, windows: [40], skip: 1 }], target: { kind: rank, horizon: 21 },\n' +
  '      model: { kind: ridge, alpha: 4 }, refitEvery: 126, trainWindow: 504, portfolio: { method: mean-variance, maxWeight: 0.6 } }\n';
writeFileSync(join(work, 'plain.yaml'), `name: rl-plain\n${frame}strategies:\n${agent}`);
writeFileSync(join(work, 'ml.yaml'), `name: rl-ml\n${frame}strategies:\n${forecaster}${agent}`);

const tempsIn = (out: string) =>
  existsSync(out) ? readdirSync(out).filter((n) => /^\.tmp-.+~\d+\.[0-9a-f]{6}\.[0-9a-f]{8}$/.test(n)) : [];

interface Ended {
  readonly code: number | null;
  readonly stderr: string;
  readonly sawTemp: boolean;
  /** Wall time from the signal to the exit, ms. */
  readonly afterSignal: number;
}

/** Runs `study` into `out`; sends `signal` 1.5 s after its temporary folder appears (the agents are training). */
function interrupt(study: string, out: string, signal: NodeJS.Signals): Promise<Ended> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(repo, 'bin', 'keel.mjs'), 'run', join(work, study), '--out', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, KEEL_DEBUG: '' },
    });
    let stderr = '';
    let sawTemp = false;
    let sentAt = NaN;
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const poll = setInterval(() => {
      if (tempsIn(out).length === 0) return;
      sawTemp = true;
      clearInterval(poll);
      setTimeout(() => {
        sentAt = performance.now();
        child.kill(signal);
      }, 1500);
    }, 20);
    child.on('exit', (code) => {
      clearInterval(poll);
      done({ code, stderr, sawTemp, afterSignal: performance.now() - sentAt });
    });
  });
}

describe('a signal while rl-agents train', () => {
  it('SIGTERM (plain backtest) and SIGINT (ML job) remove the run folder and exit 143 / 130 within seconds', async () => {
    const [term, int] = await Promise.all([
      interrupt('plain.yaml', join(work, 'term'), 'SIGTERM'),
      interrupt('ml.yaml', join(work, 'int'), 'SIGINT'),
    ]);
    for (const [r, name, code] of [
      [term, 'SIGTERM', 143],
      [int, 'SIGINT', 130],
    ] as const) {
      expect(r.sawTemp, r.stderr).toBe(true);
      expect(r.code, r.stderr).toBe(code);
      // progress lines may come first on a pipe; the last line is the one error line
      expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
        `error: interrupted by ${name}; unfinished output was removed`,
      );
      expect(r.stderr.match(/^error:/gm)).toHaveLength(1);
      // before: the handler ran only after the whole walk-forward's training (~30 s); one agent's training is ~0.15 s
      expect(r.afterSignal, `${name} exited ${Math.round(r.afterSignal)} ms after the signal`).toBeLessThan(5000);
    }
    expect(readdirSync(join(work, 'term'))).toEqual([]);
    expect(readdirSync(join(work, 'int'))).toEqual([]);
  }, 120_000);
});
