/** `keel serve`: the dashboard over a runs folder, on 127.0.0.1 by default, until stopped. */
import { existsSync, statSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';

function parsePort(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) > 65535)
    throw new InvalidArgumentError(`expected a port from 0 to 65535 (0 = any free port), got "${value}"`);
  return Number(value);
}

export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'web dashboard over a runs folder: runs, interactive charts, tear sheets, compare (127.0.0.1 only by default)',
    )
    .option('--runs <dir>', 'runs folder', 'runs')
    .option('--port <n>', 'port (0 = any free port)', parsePort, 8787)
    .option('--ledger <file>', 'a trading ledger (keel trade / keel paper) to show and approve plans from')
    .option('--host <addr>', 'address to bind; anything but loopback exposes your runs to the network', '127.0.0.1')
    .action(async (opts: { runs: string; port: number; host: string; ledger?: string }) => {
      const { usageError } = await import('../../core/index.ts');
      if (!existsSync(opts.runs) || !statSync(opts.runs).isDirectory())
        throw usageError(`--runs ${opts.runs} is not a folder; run a study first (keel run STUDY) or pass --runs DIR`);
      const { createDashboard, newToken } = await import('../../server/index.ts');
      const { serve } = await import('@hono/node-server');
      const token = process.env['KEEL_SERVE_TOKEN'] ?? newToken();
      if (opts.ledger !== undefined && !existsSync(opts.ledger))
        throw usageError(`--ledger ${opts.ledger} does not exist; create one with keel trade plan or keel paper`);
      const app = createDashboard({ runsDir: opts.runs, token, ...(opts.ledger ? { ledgerFile: opts.ledger } : {}) });
      await new Promise<void>((resolve, reject) => {
        const server = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, (info) => {
          const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
          process.stdout.write(`keel serve: ${opts.runs} on http://${host}:${info.port}/?token=${token}\n`);
          if (opts.host !== '127.0.0.1' && opts.host !== '::1' && opts.host !== 'localhost')
            process.stderr.write(
              `warning: bound to ${opts.host}: anyone who can reach it and has the token can read your runs\n`,
            );
          resolve();
        });
        server.once('error', (e: NodeJS.ErrnoException) =>
          reject(
            usageError(`cannot listen on ${opts.host}:${opts.port} (${e.code ?? e.message}); pick another --port`),
          ),
        );
      });
      await new Promise<never>(() => {});
    });
}
