import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useMigrationEnv } from '../support/migration-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { useDashboard } from './dashboard-session.js';
import { resendContactsExport } from '../../emulators/resend/dashboard-exports.js';

const env = useMigrationEnv({
  account: { seed: 91, contacts: 400, lists: 3, templates: 4, suppressions: 20 },
  rateLimit: 100,
  settings: { WEBHOOK_ALLOW_PRIVATE: 'true' },
});
const { capture, openPage, signIn, violations, waitToSee } = useDashboard(() => env.api.url);

/** A webhook receiver on a free port that answers 200 and counts what it got. */
async function startReceiver() {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(body);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Waits for the pager to say `expected`; on a timeout, says what it showed. */
async function expectRange(page: Page, expected: string | RegExp, which: 'first' | 'last' = 'first') {
  const read = () => page.getByTestId('page-range')[which]().textContent({ timeout: 5_000 }).catch(() => null);
  const matches = (text: string | null) => text !== null && (typeof expected === 'string' ? text === expected : expected.test(text));
  await expect.poll(async () => matches(await read()), { timeout: 15_000 }).toBe(true).catch(async () => {
    throw new Error(`the pager shows ${JSON.stringify(await read())}, expected ${String(expected)}; page: ${(await page.locator('main').innerText()).slice(0, 400)}`);
  });
}

/** Browse: contacts (search, audience filter, pages), audiences, templates with a preview, suppressions, custom fields. */
async function browseWhatArrived(page: Page, orgId: string, leftOutAudience: string) {
  const q = <T extends Record<string, unknown>>(sql: string, params: unknown[] = [orgId]) => env.db.query<T>(sql, params);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Browse' }).click();
  const [{ n: contacts }] = (await q<{ n: number }>('select count(*)::int as n from contacts where organization_id = $1')) as [{ n: number }];
  expect(contacts).toBeGreaterThan(50);
  await expectRange(page, `1–50 of ${contacts.toLocaleString('en-US')} contacts`);
  await capture(page, 'browse-contacts');
  await page.getByRole('button', { name: 'Next 50' }).click();
  await expectRange(page, `51–${Math.min(100, contacts)} of ${contacts.toLocaleString('en-US')} contacts`);
  await page.getByRole('button', { name: 'Previous 50' }).click();
  await expectRange(page, /^1–50 of/);

  // By the start of an address: exactly the contacts whose address starts so.
  const [sample] = await q<{ email: string }>('select email from contacts where organization_id = $1 order by email limit 1');
  const prefix = sample!.email.slice(0, 4);
  const [{ n: matching }] = (await q<{ n: number }>('select count(*)::int as n from contacts where organization_id = $1 and starts_with(email, $2)', [orgId, prefix])) as [{ n: number }];
  await page.getByLabel('Email starts with').fill(prefix);
  await page.getByLabel('Email starts with').press('Enter');
  await expectRange(page, new RegExp(` of ${matching} contacts$`));
  await expect.poll(() => page.locator('tr[data-contact]').count()).toBe(Math.min(matching, 50));
  for (const email of await page.locator('tr[data-contact]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-contact')!))) expect(email.startsWith(prefix)).toBe(true);
  await page.getByLabel('Email starts with').fill('');
  await page.getByLabel('Email starts with').press('Enter');

  // By audience: its members, as the database has them.
  const [audience] = await q<{ id: string; name: string; members: number }>(
    `select a.id, a.name, (select count(*)::int from audience_members m where m.audience_id = a.id) as members
       from audiences a where a.organization_id = $1 order by a.name limit 1`,
  );
  await page.getByLabel('Audience', { exact: true }).selectOption({ label: audience!.name });
  await expectRange(page, new RegExp(` of ${audience!.members.toLocaleString('en-US')} contacts$`));

  await page.getByRole('navigation', { name: 'What to browse' }).getByRole('link', { name: 'Audiences' }).click();
  await expect.poll(() => page.locator('tr[data-audience]').count()).toBe(2);
  expect(await page.locator(`tr[data-audience="${leftOutAudience}"]`).count()).toBe(0);
  await capture(page, 'browse-audiences');

  // Templates: the three approved, each with its review; one opens in its preview.
  await page.getByRole('navigation', { name: 'What to browse' }).getByRole('link', { name: 'Templates' }).click();
  await expect.poll(() => page.locator('tr[data-template]').count()).toBe(3);
  await capture(page, 'browse-templates');
  // One with findings and the most a preview fills: a declared fallback, else the tag's own.
  const withFindings = await q<{ id: string; name: string; findings: number; html: string; variables: { key: string; fallback: unknown }[] }>(
    'select id, name, jsonb_array_length(review_reasons) as findings, html, variables from templates where organization_id = $1 and needs_review',
  );
  const fillsOf = (t: (typeof withFindings)[number]) => {
    const declared = new Map(t.variables.filter((v) => v.fallback !== null).map((v) => [v.key, String(v.fallback)]));
    return [...t.html.matchAll(/\{\{\{([A-Za-z_]+)(?:\|([^}]*))?\}\}\}/g)].flatMap(([tag, key, inline]) => {
      const value = declared.get(key!) ?? inline;
      return value === undefined ? [] : [{ tag, value }];
    });
  };
  const reviewed = withFindings.sort((x, y) => fillsOf(y).length - fillsOf(x).length)[0];
  expect(reviewed!.findings).toBeGreaterThan(0);
  const fills = fillsOf(reviewed!);
  await page.getByRole('link', { name: reviewed!.name, exact: true }).click();
  await page.getByRole('heading', { name: new RegExp(`Review findings \\(${reviewed!.findings}\\)`) }).waitFor();
  const frame = page.locator('iframe.preview');
  expect(await frame.getAttribute('sandbox')).toBe('');
  // The frame shows the migrated HTML with its variables filled.
  const srcdoc = (await frame.getAttribute('srcdoc'))!;
  expect(fills.length).toBeGreaterThan(0);
  for (const { tag, value } of fills) {
    expect(srcdoc).toContain(value);
    expect(srcdoc).not.toContain(tag);
  }
  expect(await page.locator('.source-view mark').count()).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Show in the source' }).first().click();
  await capture(page, 'template');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Browse' }).click();
  await page.getByRole('navigation', { name: 'What to browse' }).getByRole('link', { name: 'Suppressions and groups' }).click();
  const [{ n: suppressions }] = (await q<{ n: number }>('select count(*)::int as n from suppressions where organization_id = $1')) as [{ n: number }];
  await expectRange(page, new RegExp(` of ${suppressions} suppressions$`), 'last');
  await capture(page, 'browse-suppressions');
  await page.getByRole('navigation', { name: 'What to browse' }).getByRole('link', { name: 'Custom fields' }).click();
  const [{ n: fields }] = (await q<{ n: number }>('select count(*)::int as n from custom_fields where organization_id = $1')) as [{ n: number }];
  await expect.poll(() => page.locator('tr[data-field]').count()).toBe(fields);
  await capture(page, 'browse-custom-fields');
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
    await waitToSee(page, page.getByRole('heading', { name: 'Review what the scan found' }));
    const jobId = /#\/jobs\/(.+)$/.exec(page.url())![1]!;

    const audiences = page.getByRole('group', { name: /Audiences and lists/ }).getByRole('checkbox');
    const templates = page.getByRole('group', { name: /Templates/ }).getByRole('checkbox');
    const leftOutAudience = (await audiences.first().locator('xpath=following-sibling::label').textContent())!.split(' · ')[0]!;
    await audiences.first().uncheck();
    // One without review findings: those with them stay, for the template view below.
    await templates.and(page.getByRole('checkbox', { name: /^Password reset/ })).uncheck();
    await capture(page, 'review');

    // The account's contacts export, uploaded: it stands in for the per-contact property reads.
    await page.getByLabel('CSV export').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(resendContactsExport(env.resend.account)) });
    await page.getByRole('button', { name: 'Upload' }).click();
    await waitToSee(page, page.locator('tr[data-upload="resend_contacts"]'), 30_000);
    expect(await page.locator('tr[data-upload="resend_contacts"] td').nth(2).textContent()).toBe(env.resend.account.contacts.length.toLocaleString('en-US'));
    await capture(page, 'review-upload');
    const propertyReads = env.resend.stats.byRoute['GET /contacts/{id}'] ?? 0;

    env.resend.setRateLimit(15); // slow enough to watch the bars move
    try {
      await page.getByRole('button', { name: 'Approve and import' }).click();
      await page.locator('.bar-row').first().waitFor({ timeout: 30_000 });
      await expect.poll(() => page.getByTestId('percent').textContent(), { timeout: 30_000 }).not.toBe('0%');
      await capture(page, 'live-progress');
      await waitToSee(page, page.locator('.status.completed').first(), 120_000);
    } finally {
      env.resend.setRateLimit(100);
    }
    await expect.poll(() => page.getByTestId('percent').textContent()).toBe('100%');
    expect(env.resend.stats.byRoute['GET /contacts/{id}'] ?? 0).toBe(propertyReads);
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

    await browseWhatArrived(page, org.id, leftOutAudience);
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
    await waitToSee(page, page.getByRole('heading', { name: 'Review what the scan found' }));
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
    await waitToSee(page, page.locator('.status.completed').first(), 120_000);
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

  it('settings: a key shown once, then revoked; an endpoint and its delivery log; a read-only key changes nothing', { timeout: 180_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const receiver = await startReceiver();
    const { page, problems } = await openPage();
    page.on('dialog', (dialog) => void dialog.accept());
    try {
      await signIn(page, key);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();

      await page.getByLabel('Name', { exact: true }).fill('Reporting');
      await page.getByRole('button', { name: 'Create key' }).click();
      const secret = (await page.getByTestId('one-time-secret').textContent())!;
      expect(secret).toMatch(/^mk_/);
      await capture(page, 'settings-new-key');
      await page.getByRole('button', { name: 'I have stored it' }).click();
      // Shown once: gone from the page, and only its prefix is listed.
      expect(await page.content()).not.toContain(secret);
      const [stored] = await env.db.query<{ id: string; scope: string }>(`select id, scope from api_keys where organization_id = $1 and name = 'Reporting'`, [org.id]);
      expect(stored!.scope).toBe('read_only');
      await expect.poll(() => page.locator(`tr[data-key="${stored!.id}"] code`).textContent()).toBe(`${secret.slice(0, 9)}…`);

      // An endpoint: a bad URL is explained inline; a good one shows its signing secret once.
      await page.getByLabel('URL').fill('not a url');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/url/i);
      await page.getByLabel('URL').fill(receiver.url);
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const signing = (await page.getByTestId('one-time-secret').textContent())!;
      expect(signing.length).toBeGreaterThan(20);
      await page.getByRole('button', { name: 'I have stored it' }).click();

      // A scan completes: the endpoint gets the event and the log lists the delivery.
      const client = restClient(env.api.url, key);
      const started = await client.post('/v1/migrate', { source: 'resend', credential: env.credential });
      expect(started.status).toBe(201);
      await expect.poll(() => receiver.received.length, { timeout: 60_000 }).toBeGreaterThan(0);
      expect(JSON.parse(receiver.received[0]!)).toMatchObject({ type: 'migration.scan_completed' });
      await page.getByRole('button', { name: 'Show deliveries' }).click();
      await expect.poll(() => page.locator('tr[data-delivery="delivered"]').count(), { timeout: 30_000 }).toBe(1);
      await capture(page, 'settings');

      // The read-only key: sees everything, is offered nothing that changes anything.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API key').fill(secret);
      await page.getByLabel('API key').press('Enter');
      // Signed in where it signed out (Settings), with nothing to change there.
      await page.getByRole('heading', { name: 'API keys' }).waitFor();
      expect(await page.getByRole('button', { name: /Create key|Add endpoint|Revoke|Delete/ }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Connect a source' }).count()).toBe(0);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
      await page.getByRole('link', { name: started.body.id as string }).click();
      await page.getByText('Waiting for someone with a full-access key to review and approve.').waitFor({ timeout: 60_000 });
      expect(await page.getByRole('button', { name: /Approve|Cancel|Retry/ }).count()).toBe(0);

      // Revoked by a full-access key: the API refuses it from then on.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn(page, key);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('button', { name: 'Revoke Reporting' }).click();
      await expect.poll(() => page.locator(`tr[data-key="${stored!.id}"]`).textContent()).toMatch(/Revoked/);
      const refused = await fetch(`${env.api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ query: '{ viewer { scope } }' }),
      });
      expect(((await refused.json()) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code).toBe('unauthorized');
      expect(problems).toEqual([]);
      expect(violations).toEqual([]);
    } finally {
      await receiver.close();
      await page.close();
    }
  });
});
