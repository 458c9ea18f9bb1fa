/**
 * Opens report HTML in headless Chromium (Debian's /usr/bin/chromium through playwright-core) and reports what a
 * reader would see: console errors, page errors, and per chart whether the page's echarts drew an SVG with marks
 * and a visible size. Used by the report's browser tests; returns null when Chromium is not installed.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env['KEEL_CHROMIUM'] ?? '/usr/bin/chromium';

export interface RenderedChart {
  readonly kind: string;
  /** id of the report section the chart is in ('' outside one). */
  readonly section: string;
  readonly width: number;
  readonly height: number;
  /** path/rect/circle/text elements inside the SVG. */
  readonly marks: number;
  /** Distinct fill colours of the drawn marks. */
  readonly colours: number;
}

export interface BrowserCheck {
  readonly consoleErrors: readonly string[];
  readonly pageErrors: readonly string[];
  readonly charts: readonly RenderedChart[];
  readonly tables: number;
  /** data-table names of tables wider than the box that holds them (they would need a horizontal scroll). */
  readonly overflowingTables: readonly string[];
  readonly title: string;
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function checkInBrowser(html: string, viewportWidth = 1000): Promise<BrowserCheck | null> {
  if (!chromiumAvailable()) return null;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'], headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: viewportWidth, height: 800 } });
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Block every network request: a self-contained report needs none, and any attempt is an error.
    await page.route('**/*', (route) => {
      consoleErrors.push(`network request: ${route.request().url()}`);
      return route.abort();
    });
    await page.setContent(html, { waitUntil: 'load' });
    const charts = await page.$$eval('figure.chart', (figs) =>
      figs.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        const marks = svg ? [...svg.querySelectorAll('path, rect, circle, text')] : [];
        return {
          kind: f.getAttribute('data-chart') ?? '',
          section: f.closest('section')?.id ?? '',
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          marks: marks.length,
          colours: new Set(marks.map((m) => m.getAttribute('fill')).filter((c) => c && c !== 'none')).size,
        };
      }),
    );
    const tables = await page.$$eval('table', (t) => t.length);
    const overflowingTables = await page.$$eval('table', (ts) =>
      ts
        .filter((t) => t.parentElement !== null && t.scrollWidth > t.parentElement.clientWidth + 1)
        .map((t) => t.getAttribute('data-table') ?? t.className),
    );
    return { consoleErrors, pageErrors, charts, tables, overflowingTables, title: await page.title() };
  } finally {
    await browser.close();
  }
}
