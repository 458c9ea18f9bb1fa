import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import {
  failedSweepTrial,
  failedTuneTrial,
  parseGridAxis,
  sweepStudy,
  tuneStudy,
  type SweepTrialResult,
} from '../study/index.ts';
import { parseRedisUrl, checkRedis, queueExecutor, startWorker, TRIAL_QUEUE } from './index.ts';
import { queueTestStudy } from './test-study.ts';
import { redisAvailable, startTestRedis, type TestRedis } from './test-redis.ts';

const study = queueTestStudy('queue-sweep');
const grid = [parseGridAxis('strategies.min-var.window=63,126'), parseGridAxis('backtest.costs.bps=5,20')];
const clock = (): Date => new Date(Date.UTC(2026, 0, 1));

describe('queue URLs', () => {
  it('parses redis URLs and refuses others with the fix', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6390/2')).toEqual({ host: '127.0.0.1', port: 6390, db: 2 });
    expect(parseRedisUrl('redis://:s3cret@h')).toEqual({ host: 'h', port: 6379, db: 0, password: 's3cret' });
    expect(() => parseRedisUrl('http://x')).toThrow(/only redis:\/\/ URLs/);
    expect(() => parseRedisUrl('nope')).toThrow(/not a URL; use redis:\/\/HOST:PORT/);
  });

  it('an unreachable Redis is one line naming the URL and how to start one', async () => {
    await expect(checkRedis('redis://127.0.0.1:1', 500)).rejects.toThrow(
      /cannot reach Redis at redis:\/\/127\.0\.0\.1:1; start one/,
    );
  });
});

if (!redisAvailable())
  console.warn('[keel] SKIPPED "queue on Redis": redis-server is not installed (apt-get install redis-server).');

describe.skipIf(!redisAvailable())('sweeps on BullMQ/Redis', () => {
  let redis: TestRedis;
  const dirs: string[] = [];
  const tmp = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'keel-q-'));
    dirs.push(d);
    return d;
  };
  beforeAll(async () => {
    redis = await startTestRedis();
  }, 20_000);
  afterAll(async () => {
    await redis?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('two workers give the same bytes as a local run; enqueuing the same sweep again adds nothing', async () => {
    const local = await sweepStudy(study, grid, { outDir: tmp(), clock });
    const w1 = await startWorker(redis.url);
    const w2 = await startWorker(redis.url);
    try {
      const added: number[] = [];
      const remote = await sweepStudy(study, grid, {
        outDir: tmp(),
        clock,
        executor: queueExecutor(redis.url, 'sweep-trial', failedSweepTrial, { onQueued: (n) => added.push(n) }),
      });
      expect(readFileSync(join(remote.path, 'sweep.csv'), 'utf8')).toBe(
        readFileSync(join(local.path, 'sweep.csv'), 'utf8'),
      );
      expect(readFileSync(join(remote.path, 'sweep.json'), 'utf8')).toBe(
        readFileSync(join(local.path, 'sweep.json'), 'utf8'),
      );
      expect(remote.results.every((r) => r.error === undefined)).toBe(true);
      expect(remote.results.map((r) => r.number)).toEqual([1, 2, 3, 4]);
      // Same sweep again: the trials already have results in Redis, so nothing is queued and the bytes match.
      const again = await sweepStudy(study, grid, {
        outDir: tmp(),
        clock,
        executor: queueExecutor(redis.url, 'sweep-trial', failedSweepTrial, { onQueued: (n) => added.push(n) }),
      });
      expect(added).toEqual([4, 0]);
      expect(readFileSync(join(again.path, 'sweep.csv'), 'utf8')).toBe(
        readFileSync(join(local.path, 'sweep.csv'), 'utf8'),
      );
    } finally {
      await w1.close();
      await w2.close();
    }
  }, 180_000);

  it('a worker killed mid-trial: the trial is retried by another worker and recorded once', async () => {
    const killGrid = [parseGridAxis('strategies.min-var.window=60,61,62')];
    const local = await sweepStudy(study, killGrid, { outDir: tmp(), clock });
    // A worker in its own process group (the host that dies), with a short lock so the test is quick.
    const victim = spawn(
      process.execPath,
      ['bin/keel.mjs', 'worker', '--queue', redis.url, '--lock-duration', '2000', '--stalled-interval', '1000'],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let victimOut = '';
    victim.stdout!.on('data', (b: Buffer) => (victimOut += b.toString()));
    victim.stderr!.on('data', (b: Buffer) => (victimOut += b.toString()));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`worker did not start: ${victimOut}`)), 60_000);
      victim.stdout!.on('data', () => {
        if (victimOut.includes('waiting for trials')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    const results: SweepTrialResult[] = [];
    let rescuer: { close(): Promise<void> } | undefined;
    const sweep = sweepStudy(study, killGrid, {
      outDir: tmp(),
      clock,
      executor: queueExecutor(redis.url, 'sweep-trial', failedSweepTrial),
      onResult: (r) => results.push(r),
    });
    // Kill the victim's whole process group as soon as it has started a trial, then bring up a healthy worker.
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`victim never started a trial: ${victimOut}`)), 60_000);
      const poll = setInterval(() => {
        if (victimOut.includes('started')) {
          clearInterval(poll);
          clearTimeout(t);
          process.kill(-victim.pid!, 'SIGKILL');
          resolve();
        }
      }, 20);
    });
    rescuer = await startWorker(redis.url, { lockDuration: 2000, stalledInterval: 1000 });
    try {
      const remote = await sweep;
      expect(readFileSync(join(remote.path, 'sweep.csv'), 'utf8')).toBe(
        readFileSync(join(local.path, 'sweep.csv'), 'utf8'),
      );
      expect(results.map((r) => r.number).sort()).toEqual([1, 2, 3]);
      const queue = new Queue(TRIAL_QUEUE, { connection: { ...parseRedisUrl(redis.url), maxRetriesPerRequest: null } });
      try {
        const jobs = await Promise.all([1, 2, 3].map((k) => queue.getJob(`${remote.sweepId}-${k}`)));
        // The trial the victim held went back to the queue once (stalled), then completed.
        expect(jobs.map((j) => j!.stalledCounter).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
        for (const j of jobs) expect(await j!.getState()).toBe('completed');
      } finally {
        await queue.close();
      }
    } finally {
      await rescuer?.close();
    }
  }, 240_000);

  it('keel tune in batches: TPE on the queue gives the bytes of the same batch size run locally', async () => {
    const tuned = {
      ...study,
      backtest: { ...study.backtest, start: '2017-01-02' },
      tune: {
        trials: 6,
        sampler: 'tpe',
        validation: { start: '2016-01-04', end: '2016-12-30' },
        folds: 1,
        space: { 'strategies.min-var.window': { kind: 'int', low: 42, high: 168, step: 21 } },
        objective: { metric: 'sharpe', direction: 'maximize', strategy: 'min-var' },
      },
    };
    const local = await tuneStudy(tuned, { outDir: tmp(), clock, batch: 3 });
    const w1 = await startWorker(redis.url);
    const w2 = await startWorker(redis.url);
    try {
      const remote = await tuneStudy(tuned, {
        outDir: tmp(),
        clock,
        batch: 3,
        executor: queueExecutor(redis.url, 'tune-trial', failedTuneTrial),
      });
      expect(remote.trials.map((t) => t.error ?? 'ok')).toEqual(local.trials.map(() => 'ok'));
      for (const f of ['trials.csv', 'tune.json', 'best.study.yaml'])
        expect(readFileSync(join(remote.path, f), 'utf8'), f).toBe(readFileSync(join(local.path, f), 'utf8'));
      expect(remote.trials.map((t) => t.error ?? 'ok')).toEqual(local.trials.map(() => 'ok'));
    } finally {
      await w1.close();
      await w2.close();
    }
  }, 240_000);
});
