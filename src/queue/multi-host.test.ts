/**
 * Sweeps across hosts: Redis on one network namespace, `keel worker` processes on two others, the sweep submitted
 * from the root namespace — every connection crosses a veth pair and a bridge, as between machines. Checks the
 * same bytes as a local run with both hosts working, and a network partition (a worker host's link cut mid-trial,
 * then restored) that leaves each trial recorded once.
 */
import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { failedSweepTrial, parseGridAxis, sweepStudy, type SweepTrialResult } from '../study/index.ts';
import { checkRedis, parseRedisUrl, queueExecutor, TRIAL_QUEUE } from './index.ts';
import { queueTestStudy } from './test-study.ts';
import { REDIS_SERVER, redisAvailable } from './test-redis.ts';
import { createTestNetwork, netnsUnavailable, type NetHost, type TestNetwork } from './test-netns.ts';

const why = redisAvailable() ? netnsUnavailable() : 'redis-server is not installed (apt-get install redis-server)';
if (why) console.warn(`[keel] SKIPPED "sweeps across hosts (network namespaces)": ${why}.`);

const study = queueTestStudy('multi-host-sweep');
const clock = (): Date => new Date(Date.UTC(2026, 0, 1));
const KEEL = resolve('bin/keel.mjs');

interface WorkerProcess {
  readonly proc: ChildProcess;
  log(): string;
  /** Trial ids this worker finished, from its log lines. */
  finished(): string[];
}

async function startWorkerOn(host: NetHost, url: string, extra: string[] = []): Promise<WorkerProcess> {
  const proc = host.spawn(process.execPath, [KEEL, 'worker', '--queue', url, ...extra], { detached: true });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  await waitFor(
    () => out.includes('waiting for trials'),
    60_000,
    () => `worker on ${host.name} did not start: ${out}`,
  );
  return {
    proc,
    log: () => out,
    finished: () => [...out.matchAll(/ finished (\S+)/g)].map((m) => m[1]!),
  };
}

async function waitFor(ok: () => boolean, ms: number, what: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(what());
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stop(w: WorkerProcess | undefined): void {
  if (w?.proc.pid === undefined || w.proc.exitCode !== null) return;
  try {
    process.kill(-w.proc.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

describe.skipIf(why !== null)('sweeps across hosts (network namespaces)', () => {
  let net: TestNetwork;
  let redis: ChildProcess;
  let url: string;
  const dirs: string[] = [];
  const tmp = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'keel-mh-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    net = createTestNetwork(['redis', 'worker-a', 'worker-b']);
    const host = net.host('redis');
    redis = host.spawn(REDIS_SERVER, [
      ...['--port', '6379', '--bind', host.address, '--protected-mode', 'no'],
      ...['--save', '', '--appendonly', 'no', '--dir', tmp()],
    ]);
    url = `redis://${host.address}:6379`;
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await checkRedis(url, 500);
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }, 30_000);

  afterAll(() => {
    redis?.kill('SIGKILL');
    net?.destroy();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('two worker hosts, Redis on a third: both hosts run trials and the sweep has the bytes of a local run', async () => {
    const grid = [parseGridAxis('strategies.min-var.window=63,84,105,126,147,168')];
    const local = await sweepStudy(study, grid, { outDir: tmp(), clock });
    const a = await startWorkerOn(net.host('worker-a'), url);
    const b = await startWorkerOn(net.host('worker-b'), url);
    try {
      const remote = await sweepStudy(study, grid, {
        outDir: tmp(),
        clock,
        executor: queueExecutor(url, 'sweep-trial', failedSweepTrial),
      });
      for (const f of ['sweep.csv', 'sweep.json'])
        expect(readFileSync(join(remote.path, f), 'utf8'), f).toBe(readFileSync(join(local.path, f), 'utf8'));
      const ids = [1, 2, 3, 4, 5, 6].map((k) => `${remote.sweepId}-${k}`);
      // A worker logs "finished" after it hands the result back, so under load the sweep can return before the
      // last line has reached this process's pipe: wait for the lines (not for more trials), then compare.
      const all = (): string[] => [...a.finished(), ...b.finished()];
      await waitFor(
        () => all().length >= ids.length,
        15_000,
        () => `workers logged ${all().length} finished trials: ${all().join(', ')}`,
      );
      expect(all().sort()).toEqual(ids.sort());
      // Each host took trials while the other was busy: the work really crossed the network both ways.
      expect(a.finished().length).toBeGreaterThan(0);
      expect(b.finished().length).toBeGreaterThan(0);
    } finally {
      stop(a);
      stop(b);
    }
  }, 240_000);

  it('a worker host cut off mid-trial: its trial moves to the other host, and when the link comes back the late result is refused', async () => {
    const grid = [parseGridAxis('strategies.min-var.window=70,71,72')];
    const local = await sweepStudy(study, grid, { outDir: tmp(), clock });
    const fast = ['--lock-duration', '2000', '--stalled-interval', '1000'];
    const hostA = net.host('worker-a');
    const a = await startWorkerOn(hostA, url, fast);
    let b: WorkerProcess | undefined;
    const results: SweepTrialResult[] = [];
    try {
      const sweep = sweepStudy(study, grid, {
        outDir: tmp(),
        clock,
        executor: queueExecutor(url, 'sweep-trial', failedSweepTrial),
        onResult: (r) => results.push(r),
      });
      await waitFor(
        () => a.log().includes(' started '),
        60_000,
        () => `worker-a never started a trial: ${a.log()}`,
      );
      hostA.setLink(false); // partition: worker-a keeps computing but cannot reach Redis
      const held = /started (\S+)/.exec(a.log())![1]!;
      b = await startWorkerOn(net.host('worker-b'), url, fast);
      const remote = await sweep;
      expect(readFileSync(join(remote.path, 'sweep.csv'), 'utf8')).toBe(
        readFileSync(join(local.path, 'sweep.csv'), 'utf8'),
      );
      expect(results.map((r) => r.number).sort()).toEqual([1, 2, 3]);
      expect(b.finished()).toContain(held);

      // Heal the partition: worker-a's late completion must not replace or duplicate the recorded result.
      const queue = new Queue(TRIAL_QUEUE, { connection: { ...parseRedisUrl(url), maxRetriesPerRequest: null } });
      try {
        const job = await queue.getJob(held);
        const before = { value: JSON.stringify(job!.returnvalue), finishedOn: job!.finishedOn };
        expect(job!.stalledCounter).toBeGreaterThanOrEqual(1);
        hostA.setLink(true);
        await new Promise((r) => setTimeout(r, 4000));
        const after = await queue.getJob(held);
        expect(await after!.getState()).toBe('completed');
        expect({ value: JSON.stringify(after!.returnvalue), finishedOn: after!.finishedOn }).toEqual(before);
        expect(a.finished()).not.toContain(held);
      } finally {
        await queue.close();
      }
    } finally {
      stop(a);
      stop(b);
    }
  }, 240_000);
});
