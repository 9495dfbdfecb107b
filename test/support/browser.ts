import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Without them Chromium reaches for Google's hosts, which this network refuses. */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * A headless Chromium: `CHROMIUM_PATH`, else Debian's (`.ci/run` installs the chromium package),
 * else the one @sparticuz/chromium ships inside its npm package, so `npm test` on a fresh
 * machine runs the browser tests with nothing but `npm ci`.
 */
export async function launchChromium(): Promise<Browser> {
  const system = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (system) return chromium.launch({ executablePath: system, args: FLAGS, headless: true });
  const bundled = (await import('@sparticuz/chromium')).default;
  // Not --single-process (made for a serverless sandbox): there, closing a test's page can take the
  // whole browser down, and the file's next test finds it closed.
  const args = bundled.args.filter((arg) => arg !== '--single-process');
  return chromium.launch({ executablePath: await bundled.executablePath(), args: [...args, ...FLAGS], headless: true });
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Screenshots go to dist/screenshots; with UPDATE_SCREENSHOTS=1 to docs/screenshots (the README's). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = path.join(root, process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'dist/screenshots');
  await mkdir(dir, { recursive: true });
  // The whole page, up to 1,800 px: a long table's first rows say what it is.
  const { width, height } = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(height, 1800) } });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * The page's serious and critical accessibility violations, by axe-core. The page must be opened
 * with `bypassCSP` (axe is injected as an inline script, which the dashboard's policy refuses).
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: path.join(root, 'node_modules/axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}
