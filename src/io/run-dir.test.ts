import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { canonicalJson, configHash, RunDir, runId, sha256Hex, withRunDir } from './run-dir.ts';
import { parseTempDirName, tempDirName } from './temp-dir.ts';
import { readStudyFile } from './study-file.ts';

const fixed = () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'keel-rundir-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('run ids and hashes', () => {
  it('runId is <yyyymmdd-hhmmss>-<name>-<hash> in UTC', () => {
    expect(runId(fixed(), 'market-summary', 'abcd1234')).toBe('20260102-030405-market-summary-abcd1234');
  });
  it('sha256Hex matches the known digest of "abc"', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('configHash ignores key order and changes with any value', () => {
    expect(configHash({ a: 1, b: { c: 2, d: 3 } })).toBe(configHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(configHash({ a: 1 })).not.toBe(configHash({ a: 2 }));
    expect(configHash({ a: 1 })).toMatch(/^[0-9a-f]{8}$/);
    expect(canonicalJson({ b: 1, a: [{ z: 1, y: 2 }] })).toBe('{"a":[{"y":2,"z":1}],"b":1}');
  });
});

describe('RunDir', () => {
  it('writes into .tmp-<id> and renames into place on commit, with log.txt', async () => {
    const out = join(tmp(), 'runs');
    const { id, path, files } = await withRunDir(
      { outDir: out, studyName: 's', hash: '00ff00ff', clock: fixed },
      (dir) => {
        expect(existsSync(dir.tmpPath)).toBe(true);
        expect(existsSync(dir.path)).toBe(false);
        dir.writeJson('metrics.json', { b: 2, a: 1 });
        dir.writeText('sub/notes.txt', 'hello');
        dir.log('filled 3 cells');
        return 7;
      },
    );
    expect(id).toBe('20260102-030405-s-00ff00ff');
    expect(readdirSync(out)).toEqual([id]);
    expect(readFileSync(join(path, 'metrics.json'), 'utf8')).toBe('{\n  "a": 1,\n  "b": 2\n}\n');
    expect(readFileSync(join(path, 'sub', 'notes.txt'), 'utf8')).toBe('hello\n');
    expect(readFileSync(join(path, 'log.txt'), 'utf8')).toBe('filled 3 cells\n');
    expect(files).toEqual(['metrics.json', join('sub', 'notes.txt'), 'log.txt']);
  });

  it('leaves nothing behind when the body throws', async () => {
    const out = join(tmp(), 'runs');
    await expect(
      withRunDir({ outDir: out, studyName: 's', hash: 'h', clock: fixed }, (dir) => {
        dir.writeText('half.txt', 'partial');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(readdirSync(out)).toEqual([]);
  });

  it('never overwrites an earlier run with the same id', () => {
    const out = tmp();
    const a = RunDir.open({ outDir: out, studyName: 's', hash: 'h', clock: fixed });
    a.commit();
    const b = RunDir.open({ outDir: out, studyName: 's', hash: 'h', clock: fixed });
    expect(b.id).toBe(`${a.id}-2`);
    b.abort();
    expect(readdirSync(out)).toEqual([a.id]);
  });

  it('refuses artefact names that escape the run folder', () => {
    const dir = RunDir.open({ outDir: tmp(), studyName: 's', hash: 'h', clock: fixed });
    expect(() => dir.writeText('../evil.txt', 'x')).toThrow(/relative path inside the run folder/);
    expect(() => dir.writeText('/etc/x', 'x')).toThrow(/relative path inside the run folder/);
    dir.abort();
  });
});

describe('RunDir temporary folders: unique, swept when their process died, never anything else', () => {
  it('names each temporary folder with its pid, host and crypto random bits: two opens of one id never share one', () => {
    const out = tmp();
    const a = RunDir.open({ outDir: out, studyName: 's', hash: 'h', clock: fixed });
    const b = RunDir.open({ outDir: out, studyName: 's', hash: 'h', clock: fixed });
    expect(a.tmpPath).not.toBe(b.tmpPath);
    for (const d of [a, b]) {
      const t = parseTempDirName(d.tmpPath.slice(out.length + 1));
      expect(t).toMatchObject({ label: '20260102-030405-s-h', pid: process.pid });
    }
    a.abort();
    b.abort();
    expect(readdirSync(out)).toEqual([]);
  });

  it('a run that another process committed under the same id first moves to the next free id at commit', () => {
    const out = tmp();
    const dir = RunDir.open({ outDir: out, studyName: 's', hash: 'h', clock: fixed });
    dir.writeText('mine.txt', 'B');
    // The other process: same second, same study, committed between our open and our commit.
    mkdirSync(join(out, dir.id));
    writeFileSync(join(out, dir.id, 'theirs.txt'), 'A\n');
    const path = dir.commit();
    expect(dir.id).toBe('20260102-030405-s-h-2');
    expect(readFileSync(join(path, 'mine.txt'), 'utf8')).toBe('B\n');
    expect(readFileSync(join(out, '20260102-030405-s-h', 'theirs.txt'), 'utf8')).toBe('A\n');
    expect(readdirSync(out).sort()).toEqual(['20260102-030405-s-h', '20260102-030405-s-h-2']);
  });

  it('opening a run removes temp folders of dead processes on this host, and keeps live ones and foreign folders', () => {
    const out = tmp();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // has exited
    const live = process.ppid;
    const named = (pid: number) => tempDirName('20250101-000000-x-aa').replace(`~${process.pid}.`, `~${pid}.`);
    const stale = named(dead);
    const running = named(live);
    const otherHost = stale.replace(
      /\.([0-9a-f]{6})\./,
      (_m, h: string) => `.${h === 'aaaaaa' ? 'bbbbbb' : 'aaaaaa'}.`,
    );
    const foreign = ['.tmp-notes', `.tmp-x~${dead}`, 'user-data', `${stale}.bak`];
    for (const d of [stale, running, otherHost, ...foreign]) {
      mkdirSync(join(out, d));
      writeFileSync(join(out, d, 'f.txt'), 'x');
    }
    const aFile = named(dead + 1);
    writeFileSync(join(out, aFile), 'a file, not a folder'); // same shape but a file: not ours
    RunDir.open({ outDir: out, studyName: 's', hash: 'h', clock: fixed }).abort();
    expect(readdirSync(out).sort()).toEqual([running, otherHost, ...foreign, aFile].sort());
  });
});

describe('readStudyFile', () => {
  it('reads text and bytes', () => {
    const p = join(tmp(), 's.yaml');
    writeFileSync(p, 'name: x\n');
    const f = readStudyFile(p);
    expect(f.text).toBe('name: x\n');
    expect(f.bytes.length).toBe(8);
  });
  it('names a missing file and a directory in one usage line', () => {
    const d = tmp();
    expect(() => readStudyFile(join(d, 'nope.yaml'))).toThrow(/nope\.yaml: study file not found/);
    mkdirSync(join(d, 'sub'));
    expect(() => readStudyFile(join(d, 'sub'))).toThrow(/sub: is a directory; expected a study file/);
    try {
      readStudyFile(join(d, 'sub'));
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2);
    }
  });
});
