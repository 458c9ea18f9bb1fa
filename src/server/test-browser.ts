/**
 * Test support for the dashboard's browser tests: Debian's Chromium through playwright-core (headless, no sandbox,
 * no background networking — the machine's network is closed), and one page whose console errors and page errors
 * are collected.
 */
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../report/index.ts';

export async function openBrowserPage(
  options: { viewport?: { width: number; height: number } } = {},
): Promise<{ browser: Browser; page: Page; errors: string[] }> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-background-networking'],
    headless: true,
  });
  const page = await browser.newPage(options.viewport ? { viewport: options.viewport } : {});
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return { browser, page, errors };
}

/**
 * Waits until `document.body.dataset[key]` satisfies `want` (or 30 s pass) and returns its value. Playwright's
 * waitForFunction compiles its predicate with eval once the first check fails, which the dashboard's CSP refuses —
 * a race that failed CI — so this polls with evaluate, which the CSP does not govern.
 */
export async function waitForDataset(
  page: Page,
  key: string,
  want: (value: string | undefined) => boolean = (v) => v !== undefined,
): Promise<string | undefined> {
  const read = (): Promise<string | undefined> =>
    page.evaluate(`document.body.dataset[${JSON.stringify(key)}]`) as Promise<string | undefined>;
  let value = await read();
  for (let i = 0; i < 300 && !want(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}
