import { afterAll, beforeAll } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, screenshot, seriousViolations } from '../support/browser.js';

/**
 * One Chromium for a test file, and what its tests do with it: pages that record console errors,
 * signing in, and screenshots that also collect the screen's serious accessibility violations.
 */
export function useDashboard(baseUrl: () => string) {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => browser?.close());

  /** Each captured screen's serious or critical accessibility violations (none expected). */
  const violations: string[] = [];
  return {
    violations,
    async capture(page: Page, name: string) {
      await screenshot(page, name);
      for (const v of await seriousViolations(page)) violations.push(`${name}: ${v}`);
    },
    /** A page whose console errors and uncaught exceptions land in `problems` (none expected). */
    async openPage(): Promise<{ page: Page; problems: string[] }> {
      // bypassCSP: axe-core is injected as an inline script (the dashboard's own policy refuses it).
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, bypassCSP: true });
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      return { page, problems };
    },
    /** Waits for `what` on `page`; on a timeout, says what the page showed instead. */
    async waitToSee(page: Page, what: Locator, timeout = 60_000) {
      await what.waitFor({ timeout }).catch(async (err: Error) => {
        throw new Error(`${err.message}\npage: ${(await page.locator('body').innerText()).slice(0, 800)}`);
      });
    },
    async signIn(page: Page, key: string) {
      await page.goto(baseUrl());
      await page.getByLabel('API key').fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Jobs' }).waitFor().catch(async (err: Error) => {
        throw new Error(`${err.message}\npage: ${(await page.locator('body').innerText()).slice(0, 500)}`);
      });
    },
  };
}
