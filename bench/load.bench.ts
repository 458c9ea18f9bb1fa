/**
 * Load benchmark: Keel's CSV door (`loadPricesSync`: parse, dates, checks, Panel, missing-data policy) against
 * `pandas.read_csv(path, index_col=0, parse_dates=True)` on the same files in the same run:
 * - ../shared/data/pypfopt/stock_prices.csv (7126 × 20, leading gaps),
 * - a 2520 × 500 synthetic price CSV generated here with a seeded RNG into a temp folder.
 * Both sides are checked to read the same thing (shape, dates, count and sum of non-missing cells) before timing.
 * Medians of KEEL_BENCH_REPEATS (default 7) runs after one warm-up each.
 *
 *   npm run bench -- load
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../src/core/index.ts';
import { businessDays } from '../src/data/index.ts';
import { loadPricesSync } from '../src/io/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const PY = '/usr/bin/python3';
const sharedRoot = process.env['KEEL_SHARED'] ?? resolve(here, '..', '..', 'shared');
const REPEATS = Math.max(5, Number(process.env['KEEL_BENCH_REPEATS'] ?? 7));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** 2520 business days × 500 assets of geometric random-walk prices, 4 decimals, seeded. */
function writeSynthetic(path: string, nDates = 2520, nAssets = 500, seed = 20_261_120): void {
  const rng = createRng(seed);
  const dates = businessDays('2010-01-01', '2020-12-31').slice(0, nDates);
  const price = Float64Array.from({ length: nAssets }, () => 20 + 180 * rng.uniform());
  const vol = Float64Array.from({ length: nAssets }, () => 0.01 + 0.02 * rng.uniform());
  const lines = [['date', ...Array.from({ length: nAssets }, (_, a) => `S${String(a).padStart(3, '0')}`)].join(',')];
  for (const d of dates) {
    let line = d;
    for (let a = 0; a < nAssets; a++) {
      price[a] = price[a]! * Math.exp(vol[a]! * rng.normal() - 0.5 * vol[a]! ** 2);
      line += `,${price[a]!.toFixed(4)}`;
    }
    lines.push(line);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

interface Stats {
  rows: number;
  cols: number;
  nansum: number;
  count: number;
  first: string;
  last: string;
}

function keelOnce(path: string): { ms: number; stats: Stats } {
  const t0 = performance.now();
  const panel = loadPricesSync(path);
  const ms = performance.now() - t0;
  const x = panel.field('close');
  let nansum = 0;
  let count = 0;
  for (const v of x) {
    if (!Number.isNaN(v)) {
      nansum += v;
      count++;
    }
  }
  return {
    ms,
    stats: {
      rows: panel.nDates,
      cols: panel.nAssets,
      nansum,
      count,
      first: panel.dates[0]!,
      last: panel.dates[panel.nDates - 1]!,
    },
  };
}

/** The pandas peer as a long-lived process: one timed read per request, so runs interleave with Keel's. */
function startPeer(): { read(path: string): Promise<{ ms: number; stats: Stats }>; close(): void } {
  const child = spawn(PY, [join(here, 'peers', 'load.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const rl = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  rl.on('line', (line) => waiting.shift()?.(line));
  return {
    read: (path) =>
      new Promise((resolveRead) => {
        waiting.push((line) => {
          const p = JSON.parse(line) as {
            ms: number;
            rows: number;
            cols: number;
            nansum: number;
            count: number;
            first_date: string;
            last_date: string;
          };
          resolveRead({
            ms: p.ms,
            stats: {
              rows: p.rows,
              cols: p.cols,
              nansum: p.nansum,
              count: p.count,
              first: p.first_date,
              last: p.last_date,
            },
          });
        });
        child.stdin.write(`${path}\n`);
      }),
    close: () => child.stdin.end(),
  };
}

export default async function loadBench(): Promise<void> {
  const stock = join(sharedRoot, 'data', 'pypfopt', 'stock_prices.csv');
  if (!existsSync(stock)) {
    console.log(
      `SKIPPED load benchmark: ${stock} is not present (reference data lives in ../shared beside the checkout).`,
    );
    return;
  }
  if (!existsSync(PY) || spawnSync(PY, ['-c', 'import pandas'], { stdio: 'ignore' }).status !== 0) {
    console.log(`SKIPPED load benchmark: ${PY} with pandas is not available (apt-get install python3-pandas).`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'keel-load-bench-'));
  try {
    const synth = join(tmp, 'synthetic_2520x500.csv');
    writeSynthetic(synth);
    const files = [
      { name: 'stock_prices.csv 7126×20', path: stock },
      { name: 'synthetic 2520×500', path: synth },
    ];
    const peer = startPeer();
    try {
      console.log(
        `median of ${REPEATS} runs each after one warm-up, Keel and pandas runs alternating; Keel = loadPricesSync, pandas = read_csv(index_col=0, parse_dates=True)`,
      );
      console.log(
        `${'file'.padEnd(28)} ${'Keel ms'.padStart(9)} ${'pandas ms'.padStart(10)} ${'ratio'.padStart(7)}  check`,
      );
      for (const f of files) {
        keelOnce(f.path); // warm-up (JIT, page cache); the peer warms up on its first request
        const keelMs: number[] = [];
        const peerMs: number[] = [];
        let k: Stats | undefined;
        let p: Stats | undefined;
        for (let i = 0; i < REPEATS; i++) {
          const kr = keelOnce(f.path);
          keelMs.push(kr.ms);
          k = kr.stats;
          const pr = await peer.read(f.path);
          peerMs.push(pr.ms);
          p = pr.stats;
        }
        const same =
          k!.rows === p!.rows &&
          k!.cols === p!.cols &&
          k!.count === p!.count &&
          k!.first === p!.first &&
          k!.last === p!.last &&
          Math.abs(k!.nansum - p!.nansum) <= 1e-9 * Math.abs(p!.nansum);
        if (!same) {
          console.log(`MISMATCH on ${f.name}: keel ${JSON.stringify(k)} vs pandas ${JSON.stringify(p)}`);
          process.exitCode = 1;
        }
        const km = median(keelMs);
        const pm = median(peerMs);
        console.log(
          `${f.name.padEnd(28)} ${km.toFixed(1).padStart(9)} ${pm.toFixed(1).padStart(10)} ${(km / pm).toFixed(2).padStart(7)}  ${same ? `same shape, dates, ${k!.count} values and sum` : 'MISMATCH'}`,
        );
      }
    } finally {
      peer.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
