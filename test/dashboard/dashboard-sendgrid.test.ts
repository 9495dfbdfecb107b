import { describe, expect, it } from 'vitest';
import { useSendGridEnv } from '../support/sendgrid-env.js';
import { createOrgWithKey } from '../support/factories.js';
import { sendgridTruth } from '../../emulators/sendgrid/generator.js';
import { useDashboard } from './dashboard-session.js';

const env = useSendGridEnv({ seed: 93, contacts: 600, lists: 2, customFields: 2, templates: 2, groups: 2, suppressions: 10 });
const { capture, openPage, violations, waitToSee } = useDashboard(() => env.api.url);

describe('the dashboard with SendGrid, by keyboard', () => {
  it('names what a key missing scopes leaves out, maps a custom field onto another name and type, and imports the rest', { timeout: 240_000 }, async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const { page, problems } = await openPage();
    const truth = sendgridTruth(env.sendgrid.account);
    try {
      // Signed in, the source chosen and the key given with the keyboard alone.
      await page.goto(env.api.url);
      await page.getByLabel('API key').focus();
      await page.keyboard.type(key);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Jobs' }).waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connect a source' }).focus();
      await page.keyboard.press('Enter');
      const form = page.getByRole('form', { name: 'SendGrid' });
      await form.getByLabel('SendGrid API key').focus();
      await page.keyboard.type(env.keyNamed('Marketing only'));
      await page.keyboard.press('Enter');
      await waitToSee(page, page.getByRole('heading', { name: 'Review what the scan found' }));
      const jobId = /#\/jobs\/(.+)$/.exec(page.url())![1]!;

      // Each resource the key cannot read is named, with the scope that would bring it.
      const warnings = await page.getByRole('alert').allTextContents();
      for (const resource of ['templates', 'suppressions']) {
        expect(warnings.some((w) => w.includes(`cannot read ${resource}`)), `${resource} in ${JSON.stringify(warnings)}`).toBe(true);
      }

      // lifetime_value (a Number at SendGrid) arrives as the text field ltv; birthday stays behind.
      const fields = page.getByRole('group', { name: /Custom fields/ });
      await fields.getByRole('checkbox', { name: /^birthday/ }).focus();
      await page.keyboard.press('Space');
      expect(await fields.getByRole('checkbox', { name: /^birthday/ }).isChecked()).toBe(false);
      await page.locator('#map-a2_N-name').focus();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('ltv');
      await page.locator('#map-a2_N-type').selectOption('string');
      await capture(page, 'review-sendgrid');
      await page.getByRole('button', { name: 'Approve and import' }).focus();
      await page.keyboard.press('Enter');
      await waitToSee(page, page.locator('.status.completed').first(), 180_000);
      await expect.poll(() => page.getByTestId('percent').textContent()).toBe('100%');
      await page.getByRole('heading', { name: 'Result' }).waitFor();
      await capture(page, 'result-sendgrid');

      const rows = await env.snapshot(org.id);
      expect(rows.contacts.map((c) => c.email)).toEqual(truth.contactEmails);
      expect(rows.templates).toEqual([]);
      const fieldNames = rows.fields.map((f) => f.name);
      expect(fieldNames).toContain('ltv');
      expect(fieldNames).not.toContain('lifetime_value');
      expect(fieldNames).not.toContain('birthday');
      expect(rows.fields.find((f) => f.name === 'ltv')).toMatchObject({ field_type: 'string' });
      const withValue = Object.entries(truth.customValues).filter(([, v]) => v.lifetime_value !== undefined);
      expect(withValue.length).toBeGreaterThan(0);
      for (const [email, values] of withValue) {
        const stored = rows.contacts.find((c) => c.email === email)!.custom_fields as Record<string, unknown>;
        expect(stored.ltv, email).toBe(String(values.lifetime_value));
      }
      expect(await page.locator('[data-imported="contacts"]').textContent()).toBe(truth.contactEmails.length.toLocaleString('en-US'));
      const [job] = await env.db.query<{ import_options: { customFields: string[] } }>('select import_options from migration_jobs where id = $1', [jobId]);
      expect(job!.import_options.customFields).not.toContain('a6_D');
      expect(problems).toEqual([]);
      expect(violations).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
