/**
 * CLI startup: `keel --version` and `keel --help` must not import the engine (they ran in ~0.4 s and ~1.2 s when
 * every command and stage was loaded through tsx; the compiled entry with command listings runs in ~0.1–0.2 s).
 * The modules each invocation of the real binary (bin/keel.mjs → dist/) loads are recorded by a resolve hook.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Help } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { commandEntries } from './commands/index.ts';
import { buildProgram } from './main.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'keel-startup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The dist/ modules (relative paths) the real binary imports for `args`, and its stdout. */
async function loadedModules(args: string[]): Promise<{ modules: string[]; stdout: string }> {
  const log = join(work, `${args.join('_') || 'none'}.log`);
  const hooks = join(work, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.includes('/dist/')) appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}`,
  );
  const register = join(work, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  writeFileSync(log, '');
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--import',
    register,
    join(repo, 'bin', 'keel.mjs'),
    ...args,
  ]);
  const modules = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))].map((u) =>
    u.slice(u.indexOf('/dist/') + 6),
  );
  return { modules: modules.sort(), stdout };
}

describe('CLI startup', () => {
  it('every command entry lists the term and summary its loaded command shows in help', async () => {
    const help = new Help();
    for (const entry of commandEntries) {
      const cmd = await entry.load();
      expect(entry.term, `${entry.name}: add term: '${help.subcommandTerm(cmd)}' to its entry`).toBe(
        help.subcommandTerm(cmd),
      );
      expect(entry.summary, `${entry.name}: add summary to its entry in commands/index.ts`).toBe(
        help.subcommandDescription(cmd),
      );
    }
  });

  it('keel --help lists every command without importing any command module or stage beyond core', async () => {
    const { modules, stdout } = await loadedModules(['--help']);
    const outside = modules.filter((m) => !/^(cli\/(main|errors|jit|commands\/index)\.js|core\/.*)$/.test(m));
    expect(outside).toEqual([]);
    // The same text as the program with every command loaded (plus the exit-code note after it).
    expect(stdout.startsWith((await buildProgram(() => {})).helpInformation())).toBe(true);
    expect(stdout).toContain('Exit codes:');
  });

  it('keel --version imports nothing beyond the entry and core', async () => {
    const { modules, stdout } = await loadedModules(['--version']);
    expect(modules.filter((m) => !/^(cli\/(main|errors|jit|commands\/index)\.js|core\/.*)$/.test(m))).toEqual([]);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('keel run --help loads the run command, not the study runner', async () => {
    const { modules } = await loadedModules(['run', '--help']);
    expect(modules).toContain('cli/commands/run.js');
    expect(modules.filter((m) => m.startsWith('study/'))).toEqual([]);
  });
});
