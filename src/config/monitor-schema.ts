/**
 * The study's `monitor:` section: which detectors watch the ML strategies' walk-forward, and the triggers they drive
 * (`retrain: { on: [schedule, drift] }`, `derisk: { when, to }`). Resolved, it is the monitor stage's MonitorSpec
 * (plus `strategies`, the ML strategies it applies to). Documented in docs/monitoring.md.
 */
import * as z from 'zod';
import { DETECTOR_NAMES, MONITOR_DEFAULT_SETTINGS, type MonitorSpec } from '../monitor/index.ts';

const D = MONITOR_DEFAULT_SETTINGS;
const names = DETECTOR_NAMES.join(', ');
const detector = z.enum(DETECTOR_NAMES as [string, ...string[]], {
  error: (i) => `must be a detector name (${names}), got ${JSON.stringify(i.input)}`,
}) as z.ZodType<MonitorSpec['detectors'][number]>;

const posInt = (what: string, d: number, min = 1) =>
  z
    .int({ error: `${what} must be a whole number of bars ≥ ${min}; use e.g. ${d}` })
    .min(min, { error: `${what} must be ≥ ${min} bars; use e.g. ${d}` })
    .default(d);
const prob = (what: string, d: number) =>
  z
    .number()
    .gt(0, { error: `${what} must be within (0, 1); use e.g. ${d}` })
    .lt(1, { error: `${what} must be within (0, 1); use e.g. ${d}` })
    .default(d);
const positive = (what: string, d: number) =>
  z
    .number()
    .gt(0, { error: `${what} must be > 0; use e.g. ${d}` })
    .default(d);

const settingsSchema = z
  .strictObject({
    referenceWindow: posInt('settings.referenceWindow', D.referenceWindow, 20).describe(
      'bars of the training window that form the reference (features, daily IC)',
    ),
    featureWindow: posInt('settings.featureWindow', D.featureWindow, 5).describe(
      'recent bars of features tested against the reference',
    ),
    ks: z.strictObject({ threshold: prob('settings.ks.threshold', D.ks.threshold) }).prefault({}),
    psi: z
      .strictObject({
        threshold: positive('settings.psi.threshold', D.psi.threshold),
        bins: posInt('settings.psi.bins', D.psi.bins, 2),
      })
      .prefault({}),
    rollingIc: z
      .strictObject({
        window: posInt('settings.rollingIc.window', D.rollingIc.window, 5),
        threshold: positive('settings.rollingIc.threshold', D.rollingIc.threshold),
      })
      .prefault({}),
    cusum: z
      .strictObject({
        k: z.number().min(0, { error: 'settings.cusum.k must be ≥ 0; use e.g. 0.5' }).default(D.cusum.k),
        h: positive('settings.cusum.h', D.cusum.h),
      })
      .prefault({}),
    bocpd: z
      .strictObject({
        hazardLambda: z
          .number()
          .gt(1, { error: 'settings.bocpd.hazardLambda must be > 1 bar (expected run length); use e.g. 250' })
          .default(D.bocpd.hazardLambda),
        window: posInt('settings.bocpd.window', D.bocpd.window),
        threshold: prob('settings.bocpd.threshold', D.bocpd.threshold),
      })
      .prefault({}),
    volRatio: z
      .strictObject({
        window: posInt('settings.volRatio.window', D.volRatio.window, 5),
        threshold: z
          .number()
          .gt(1, { error: 'settings.volRatio.threshold must be > 1 (two-sided: ratio ≥ it or ≤ 1/it); use e.g. 1.5' })
          .default(D.volRatio.threshold),
      })
      .prefault({}),
  })
  .prefault({});

const deriskTarget = z.union([z.literal('equal-weight'), z.strictObject({ cash: z.number().gt(0).max(1) })], {
  error: (i) =>
    `derisk.to must be equal-weight (the 1/N baseline) or { cash: fraction in (0, 1] }, got ${JSON.stringify(i.input)}; use e.g. to: equal-weight or to: { cash: 0.5 }`,
});

export const monitorSchema = z
  .strictObject({
    strategies: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('ml-forecast strategies to watch, by name (default: every one)'),
    detectors: z
      .array(detector)
      .min(1, { error: `detectors must name at least one detector (${names})` })
      .default(['cusum', 'bocpd', 'rolling-ic', 'vol-ratio', 'ks', 'psi'])
      .describe(`detectors that run: ${names}`),
    settings: settingsSchema,
    retrain: z
      .strictObject({
        on: z
          .array(
            z.enum(['schedule', 'drift'], {
              error: 'retrain.on lists schedule and/or drift; use e.g. on: [schedule, drift]',
            }),
          )
          .min(1, { error: 'retrain.on must list schedule, drift or both; use e.g. on: [schedule, drift]' })
          .default(['schedule', 'drift']),
        drift: z.array(detector).default(['cusum', 'bocpd']).describe('detectors whose firing retrains'),
        every: posInt('retrain.every', 21).describe('bars between refits after a drift retrain'),
        minTrainDates: posInt('retrain.minTrainDates', 20, 5).describe('fewest training dates of a post-change fit'),
        stride: posInt('retrain.stride', 1).describe('training-date stride of a post-change fit'),
      })
      .prefault({}),
    derisk: z
      .strictObject({
        when: z
          .array(detector)
          .min(1, { error: 'derisk.when must name at least one detector; use e.g. when: [cusum]' }),
        to: deriskTarget,
        for: posInt('derisk.for', 63).describe('bars a de-risked portfolio is held at most'),
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    const on = new Set(m.detectors);
    const check = (list: readonly string[], path: string) => {
      list.forEach((d, i) => {
        if (!on.has(d as never))
          ctx.addIssue({
            code: 'custom',
            path: [...path.split('.'), i],
            message: `${path} names ${d}, which is not among monitor.detectors [${m.detectors.join(', ')}]; add it there or drop it here`,
          });
      });
    };
    if (m.retrain.on.includes('drift')) {
      if (m.retrain.drift.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['retrain', 'drift'],
          message:
            'retrain.on has drift but retrain.drift names no detector; name one (e.g. drift: [cusum]) or drop drift from on',
        });
      check(m.retrain.drift, 'retrain.drift');
    }
    if (m.derisk) check(m.derisk.when, 'derisk.when');
  })
  .describe('drift monitoring of the ML strategies, with retrain and de-risk triggers (docs/monitoring.md)');

export type MonitorSection = z.output<typeof monitorSchema>;
// The resolved section is the monitor stage's spec (compile-time check).
const _spec: (s: MonitorSection) => MonitorSpec = (s) => s;
void _spec;
