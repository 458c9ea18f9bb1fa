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
