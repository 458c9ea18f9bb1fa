/**
 * Sweep throughput on the BullMQ/Redis queue by number of worker processes (1, 2, 4), against the same sweep run
 * locally in one process. Each worker is a `keel worker` process (what a user starts per core or per host); the
 * trials are 8 runs of a 40-stock, 16-year minimum-variance study (~0.4 s each here). There is no Python peer for this one: the figure is trials per
 * minute and the speed-up over one worker. This machine gives about one core of throughput, so more workers
 * cannot beat ~1×; the benchmark shows the queue's overhead, not a speed-up. Needs redis-server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failedSweepTrial, parseGridAxis, sweepStudy } from '../src/study/index.ts';
import { queueExecutor } from '../src/queue/index.ts';
import { redisAvailable, startTestRedis } from '../src/queue/test-redis.ts';

const study = {
  name: 'queue-bench',
  seed: 5,
  data: { source: 'synthetic', market: { start: '2008-01-01', years: 16, stocks: 40 } },
  backtest: {
    periodsPerYear: 252,
    start: '2013-01-02',
    rebalance: 'monthly',
    costs: { kind: 'proportional', bps: 10 },
  },
  strategies: [{ kind: 'allocator', name: 'mv', allocator: { kind: 'min-variance' }, window: 252 }],
  baselines: [{ kind: 'equal-weight' }],
};
const grid = [parseGridAxis('strategies.mv.window=63,126,189,252'), parseGridAxis('backtest.costs.bps=5,20')];

async function workers(url: string, n: number): Promise<ChildProcess[]> {
  const procs = Array.from({ length: n }, () =>
    spawn(process.execPath, ['bin/keel.mjs', 'worker', '--queue', url], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    }),
  );
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          let out = '';
          p.stdout!.on('data', (b: Buffer) => {
            out += b.toString();
            if (out.includes('waiting for trials')) resolve();
          });
        }),
    ),
  );
  return procs;
}

export default async function bench(): Promise<void> {
  if (!redisAvailable()) {
    console.log('queue: SKIPPED (redis-server not installed: apt-get install redis-server)');
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'keel-qbench-'));
  const redis = await startTestRedis();
  try {
    const t0 = performance.now();
    await sweepStudy(study, grid, { outDir: out });
    const local = (performance.now() - t0) / 1000;
    console.log(`local (1 process):  8 trials in ${local.toFixed(1)} s  (${((8 / local) * 60).toFixed(1)} trials/min)`);
    let one = NaN;
    for (const n of [1, 2, 4]) {
      const procs = await workers(redis.url, n);
      try {
        // A fresh seed per round so no trial result is reused from Redis.
        const t = performance.now();
        await sweepStudy({ ...study, seed: study.seed + n }, grid, {
          outDir: out,
          executor: queueExecutor(redis.url, 'sweep-trial', failedSweepTrial),
        });
        const s = (performance.now() - t) / 1000;
        if (n === 1) one = s;
        console.log(
          `queue, ${n} worker${n > 1 ? 's' : ' '}:    8 trials in ${s.toFixed(1)} s  (${((8 / s) * 60).toFixed(1)} trials/min, ×${(one / s).toFixed(2)} vs 1 worker, ×${(local / s).toFixed(2)} vs local)`,
        );
      } finally {
        for (const p of procs) process.kill(-p.pid!, 'SIGKILL');
      }
    }
  } finally {
    await redis.stop();
    rmSync(out, { recursive: true, force: true });
  }
}
