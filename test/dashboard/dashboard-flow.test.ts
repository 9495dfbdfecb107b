import { readdir, readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { buildDashboard, launchChromium, screenshot, seriousViolations } from '../support/browser.js';

const env = useMigrationEnv({ account: { seed: 91, contacts: 400, lists: 3, templates: 4, suppressions: 20 }, rateLimit: 100 });
let browser: Browser;

beforeAll(async () => {
  await buildDashboard();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => browser?.close());

/** Each screen's screenshot, and its serious or critical accessibility violations (none expected). */
const violations: string[] = [];
async function capture(page: Page, name: string) {
  await screenshot(page, name);
  for (const v of await seriousViolations(page)) violations.push(`${name}: ${v}`);
}

/** A page that fails the test on any console error or uncaught exception. */
async function openPage(): Promise<{ page: Page; problems: string[] }> {
  // bypassCSP: axe-core is injected as an inline script (the dashboard's own policy refuses it).
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, bypassCSP: true });
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, problems };
}

async function signIn(page: Page, key: string) {
  await page.goto(env.api.url);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Jobs' }).waitFor().catch(async (err: Error) => {
    throw new Error(`${err.message}\npage: ${(await page.locator('body').innerText()).slice(0, 500)}`);
  });
}

describe('the dashboard in a real browser', () => {
  it('is a production bundle under 250 kB gzip', async () => {
    const dir = new URL('../../dist/dashboard/assets/', import.meta.url);
    const files = await readdir(dir);
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    let total = 0;
    for (const file of files) total += gzipSync(await readFile(new URL(file, dir))).length;
    expect(total).toBeLessThan(250_000);
  });

  it('signs in, connects Resend, reviews with one audience and one template left out, approves and watches the import arrive', { timeout: 240_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const { page, problems } = await openPage();
    await page.goto(env.api.url);
    await capture(page, 'sign-in');
    await signIn(page, key);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connect a source' }).click();
    const resend = page.getByRole('form', { name: 'Resend' });
    await resend.waitFor();
    await capture(page, 'connect');
    // A rejected key is explained inline, from the provider's answer.
    await resend.getByLabel('Resend API key').fill('re_not_a_real_key');
    await resend.getByRole('button', { name: /Scan/ }).click();
    await expect.poll(() => resend.getByRole('alert').textContent(), { timeout: 15_000 }).toMatch(/./);

    await resend.getByLabel('Resend API key').fill(env.credential);
    await resend.getByRole('button', { name: /Scan/ }).click();
    await page.getByRole('heading', { name: 'Review what the scan found' }).waitFor({ timeout: 60_000 });
    const jobId = /#\/jobs\/(.+)$/.exec(page.url())![1]!;

    const audiences = page.getByRole('group', { name: /Audiences and lists/ }).getByRole('checkbox');
    const templates = page.getByRole('group', { name: /Templates/ }).getByRole('checkbox');
    const leftOutAudience = (await audiences.first().locator('xpath=following-sibling::label').textContent())!.split(' · ')[0]!;
    await audiences.first().uncheck();
    await templates.first().uncheck();
    await capture(page, 'review');

    env.resend.setRateLimit(15); // slow enough to watch the bars move
    try {
      await page.getByRole('button', { name: 'Approve and import' }).click();
      await page.locator('.bar-row').first().waitFor({ timeout: 30_000 });
      await expect.poll(() => page.getByTestId('percent').textContent(), { timeout: 30_000 }).not.toBe('0%');
      await capture(page, 'live-progress');
      await page.locator('.status.completed').first().waitFor({ timeout: 120_000 });
    } finally {
      env.resend.setRateLimit(100);
    }
    await expect.poll(() => page.getByTestId('percent').textContent()).toBe('100%');
    await page.getByRole('heading', { name: 'Result' }).waitFor();
    await capture(page, 'result');

    // What the screen says is what the database holds.
    const [job] = await env.db.query<{ import_result: { imported: Record<string, number> }; import_options: { audiences: string[]; templates: string[] } }>(
      'select import_result, import_options from migration_jobs where id = $1',
      [jobId],
    );
    expect(job!.import_options.audiences).toHaveLength(2);
    expect(job!.import_options.templates).toHaveLength(3);
    const audienceNames = (await env.db.query<{ name: string }>('select name from audiences where organization_id = $1', [org.id])).map((a) => a.name);
    expect(audienceNames).toHaveLength(2);
    expect(audienceNames).not.toContain(leftOutAudience);
    for (const counter of ['contacts', 'audiences', 'templates']) {
      expect(await page.locator(`[data-imported="${counter}"]`).textContent()).toBe(job!.import_result.imported[counter]!.toLocaleString('en-US'));
    }

    // The problem report: every row problem the job stored, on screen and as CSV.
    const [{ n: problemCount }] = (await env.db.query<{ n: number }>('select count(*)::int as n from import_problems where job_id = $1', [jobId])) as [{ n: number }];
    expect(problemCount).toBeGreaterThan(0);
    await page.getByRole('heading', { name: 'Problem report' }).waitFor();
    await expect.poll(() => page.getByTestId('problem-count').textContent()).toBe(`${problemCount} problems`);
    const [download] = await Promise.all([
      page.waitForEvent('download').catch(async (err: Error) => {
        throw new Error(`${err.message}; console: ${problems.join(' | ')}; page: ${(await page.locator('body').innerText()).slice(-600)}`);
      }),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(problemCount + 1);

    // The job list shows it, completed.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
    await expect.poll(() => page.locator(`tr[data-job="${jobId}"] .status`).textContent()).toBe('Completed');
    await capture(page, 'jobs');
    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('cancels a running import and retries it to completion, with nothing duplicated', { timeout: 240_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const { page, problems } = await openPage();
    await signIn(page, key);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connect a source' }).click();
    const resend = page.getByRole('form', { name: 'Resend' });
    await resend.getByLabel('Resend API key').fill(env.credential);
    await resend.getByRole('button', { name: /Scan/ }).click();
    await page.getByRole('heading', { name: 'Review what the scan found' }).waitFor({ timeout: 60_000 });
    const jobId = /#\/jobs\/(.+)$/.exec(page.url())![1]!;

    env.resend.setRateLimit(5);
    try {
      await page.getByRole('button', { name: 'Approve and import' }).click();
      await expect.poll(() => page.getByTestId('percent').textContent(), { timeout: 60_000 }).not.toBe('0%');
      await page.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => page.getByRole('alert').first().textContent(), { timeout: 30_000 }).toBe('Cancelled.');
      await capture(page, 'cancelled');
    } finally {
      env.resend.setRateLimit(100);
    }
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator('.status.completed').first().waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByTestId('percent').textContent()).toBe('100%');

    const [job] = await env.db.query<{ status: string; run: number; import_result: { imported: Record<string, number> } }>(
      'select status, run, import_result from migration_jobs where id = $1',
      [jobId],
    );
    // The scan was run 1, the approved import run 2, the retry run 3.
    expect(job).toMatchObject({ status: 'completed', run: 3 });
    const [{ rows, distinct }] = (await env.db.query<{ rows: number; distinct: number }>(
      'select count(*)::int as rows, count(distinct email)::int as distinct from contacts where organization_id = $1',
      [org.id],
    )) as [{ rows: number; distinct: number }];
    expect(rows).toBe(distinct);
    expect(rows).toBe(job!.import_result.imported.contacts);
    expect(await page.locator('[data-imported="contacts"]').textContent()).toBe(rows.toLocaleString('en-US'));
    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  });
});
