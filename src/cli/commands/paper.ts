/**
 * `keel paper STUDY --from DATE --to DATE --ledger FILE`: paper-trade the study's strategy day by day through
 * history (plan → approve within limits → submit to the paper broker → book → mark). With the study's
 * `trading.execution.algorithm` set, orders are sliced and the run reports its execution cost against an unsliced
 * replay (terminal summary and `<ledger>.execution.json`). Rerun the same command after a crash to resume; see
 * docs/trading.md.
 */
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { ioError } from '../../core/index.ts';
import { orderOverrides, withOrderOptions, type OrderOpts } from './order-options.ts';

const isoDate = (v: string): string => {
  // Date.parse first: toISOString throws on an impossible date such as 2014-13-45.
  const ok =
    /^\d{4}-\d{2}-\d{2}$/.test(v) &&
    !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
    new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
  if (!ok) throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got "${v}"`);
  return v;
};

export function paperCommand(): Command {
  return withOrderOptions(new Command('paper'))
    .description("paper-trade the study's strategy through history into a ledger (resumable after a crash)")
    .argument('<study>', 'study file')
    .requiredOption('--from <date>', 'first trading date', isoDate)
    .requiredOption('--to <date>', 'last trading date', isoDate)
    .requiredOption('--ledger <file>', 'the trading ledger (SQLite)')
    .option('--broker <file>', 'the paper broker file (default: <ledger>.broker)')
    .option('--json', 'print every marked day as JSON')
    .option('-v, --verbose', 'print a line per marked day on stderr')
    .action(
      async (
        studyPath: string,
        opts: OrderOpts & {
          from: string;
          to: string;
          ledger: string;
          broker?: string;
          json?: boolean;
          verbose?: boolean;
        },
      ) => {
        const t = await import('../../trading/index.ts');
        const ts = t.withOrderSettings(await t.loadTradingStudy(studyPath), orderOverrides(opts));
        t.checkPaperSettings(ts);
        ts.indexOf(opts.from, '--from');
        ts.indexOf(opts.to, '--to');
        const session = t.openStudySession(ts, opts.ledger, opts.broker);
        let failed = true;
        try {
          const r = await t.runPaper(ts, session.ledger, session.broker, opts.from, opts.to, (d) => {
            if (opts.verbose) process.stderr.write(`day ${d.date} NAV ${d.nav}${d.plan ? ` plan ${d.plan}` : ''}\n`);
          });
          const marks = session.ledger.marks();
          const rec = await t.reconcile(session.ledger, session.broker, opts.to);
          const execution =
            ts.trading.execution.algorithm === 'none'
              ? null
              : await t.executionReport(ts, session.ledger, opts.from, opts.to);
          const reportPath = `${opts.ledger}.execution.json`;
          if (execution)
            try {
              writeFileSync(reportPath, `${JSON.stringify(execution, null, 2)}\n`);
            } catch (e) {
              throw ioError(`cannot write the execution report ${reportPath}: ${(e as Error).message}`);
            }
          if (opts.json)
            process.stdout.write(
              `${JSON.stringify({ strategy: ts.strategyName, resumedAfter: r.resumedAfter, marks, notes: r.days.filter((d) => d.note), reconciled: rec.differences.length === 0, ...(execution ? { execution } : {}) }, null, 2)}\n`,
            );
          else {
            const last = marks.at(-1);
            process.stdout.write(
              `paper ${ts.strategyName} ${opts.from} … ${opts.to}: ${marks.length} days marked${r.resumedAfter ? ` (resumed after ${r.resumedAfter})` : ''}, ${session.ledger.plans().length} plans, ${session.ledger.fills().length} fills; NAV ${last?.nav ?? 'n/a'}; broker ${rec.differences.length === 0 ? 'reconciled' : 'DIFFERS: ' + rec.differences.join('; ')}\n`,
            );
            for (const d of r.days) if (d.note) process.stdout.write(`  ${d.date}: ${d.note}\n`);
            if (execution) {
              const x = execution.total;
              const nav = execution.nav;
              process.stdout.write(
                `execution ${execution.algorithm} (${execution.slots} slots): ${x.parents} orders as ${x.children} children; implementation shortfall vs the close ${x.shortfall.toFixed(2)} (${x.shortfallBps.toFixed(2)} bp of ${x.notional.toFixed(0)}), of which ${x.closeFees.toFixed(2)} fees an unsliced fill pays too: excess ${x.excess.toFixed(2)}\n` +
                  `execution cost ${nav.executionCost.toFixed(2)} = NAV unsliced ${nav.unsliced.toFixed(2)} − sliced ${nav.sliced.toFixed(2)} on ${nav.date} (each day's excess carried to the end: ${x.compounded.toFixed(2)}); per order in ${reportPath}\n`,
              );
            }
          }
          if (rec.differences.length > 0) process.exitCode = 1;
          failed = false;
        } finally {
          // A first run that fails before anything was booked leaves no files behind.
          session.end(failed && session.ledger.events().length <= 1);
        }
      },
    );
}
