import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useMigrationEnv } from '../support/migration-env.js';
import { addKey, createOrgWithKey } from '../support/factories.js';
import { restClient } from '../support/rest-client.js';
import { eventually } from '../support/test-worker.js';
import { resendContactsExport } from '../../emulators/resend/dashboard-exports.js';
import { scannedJob, sendUpload } from './upload-client.js';
import { errorCode, graphql } from '../support/test-api.js';
import { TestCreateUploadDocument, TestDeleteUploadDocument, TestUploadsDocument } from '../../src/graphql/generated/operations.js';

const env = useMigrationEnv({
  account: { seed: 7, contacts: 60, lists: 2, templates: 0, suppressions: 3, properties: 3 },
  settings: { UPLOAD_MAX_BYTES: '200000' },
});

const uploads = (id: string) => `/v1/migrate/${id}/uploads`;

describe('POST /v1/migrate/:id/uploads', () => {
  it('recognizes a Resend contacts export from its header, gzip or not, and lists it without its contents', async () => {
    const { key } = await createOrgWithKey(env.db);
    const id = await scannedJob(env.api.url, key, 'resend', env.credential);
    const csv = resendContactsExport(env.resend.account);

    const plain = await sendUpload(env.api.url, key, uploads(id), csv, { query: { filename: 'contacts.csv' } });
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ object: 'migration_upload', status: 'ready', format: 'resend_contacts', content: 'contacts', filename: 'contacts.csv' });
    expect(plain.body.rows).toBe(env.resend.account.contacts.length);
    const uses = Object.fromEntries(plain.body.columns.map((c: { name: string; use: string }) => [c.name, c.use]));
    expect(uses).toMatchObject({ email: 'email', first_name: 'first_name', unsubscribed: 'unsubscribed', segments: 'ignored', id: 'ignored' });
    for (const p of env.resend.account.contactProperties) expect(uses[p.key]).toBe('property');
    // The generated account holds a few invalid addresses: row problems with their line, not a refusal.
    expect(plain.body.problem_count).toBe(plain.body.problems.length);
    for (const p of plain.body.problems) expect(p.line).toBeGreaterThan(1);

    const gzipped = await sendUpload(env.api.url, key, uploads(id), gzipSync(csv), { headers: { 'content-type': 'application/gzip' } });
    expect(gzipped.status).toBe(201);
    expect(gzipped.body.rows).toBe(plain.body.rows);

    const listed = await restClient(env.api.url, key).get(uploads(id));
    expect(listed.body.data.map((u: { id: string }) => u.id)).toEqual([plain.body.id, gzipped.body.id]);
    // Never served back: no address of the file is in any answer about it.
    expect(JSON.stringify(listed.body)).not.toContain(env.resend.account.contacts[0]!.email);
    const job = await restClient(env.api.url, key).get(`/v1/migrate/${id}`);
    expect(job.body.scan_result.estimate.with_contacts_upload.requests).toBeLessThan(job.body.scan_result.estimate.total.requests);
  });

  it('refuses a malformed file with 422, its line and its reason, and keeps nothing of it', async () => {
    const { key } = await createOrgWithKey(env.db);
    const id = await scannedJob(env.api.url, key, 'resend', env.credential);
    const cases: [string, RegExp][] = [
      ['email,first_name,unsubscribed\na@example.com,Ann,false\nb@example.com,"Bob,false\n', /line 3: a quoted field is never closed/],
      ['email,first_name,unsubscribed\na@example.com,Ann,false,extra\n', /line 2: 4 fields under a header of 3/],
      ['name,phone\nAnn,123\n', /line 1: the header \(name, phone\) is not an export/],
      ['email,first_name,unsubscribed\n', /header row and no records/],
      [Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9]).toString('latin1'), /not valid gzip|not an export/],
    ];
    for (const [body, reason] of cases) {
      const res = await sendUpload(env.api.url, key, uploads(id), body);
      expect(res.status, body).toBe(422);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.message).toMatch(reason);
    }
    // Bytes PostgreSQL text cannot hold, and bytes that are not UTF-8, are not a 500.
    const odd = await sendUpload(env.api.url, key, uploads(id), Buffer.concat([Buffer.from('email,first_name,plan\nn@example.com,Nu\0ll,'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('\n')]));
    expect(odd.status).toBe(201);
    expect(await env.db.query(`select data->>'firstName' as name, data->'properties'->>'plan' as plan from upload_rows where upload_id = $1`, [odd.body.id])).toEqual([{ name: 'Null', plan: '\ufffd\ufffdA' }]);
    expect((await fetch(`${env.api.url}${uploads(id)}/${odd.body.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } })).status).toBe(204);
    const res = await sendUpload(env.api.url, key, uploads(id), 'email,unsubscribed\na@example.com,maybe\nb@example.com,true\n');
    expect(res.status).toBe(201);
    expect(res.body.problems).toEqual([{ line: 2, reason: 'unsubscribed is “maybe”, not true or false' }]);
    const listed = await restClient(env.api.url, key).get(uploads(id));
    expect(listed.body.data).toHaveLength(1);
    expect(await env.db.query('select count(*)::int as n from upload_rows where upload_id = $1', [res.body.id])).toEqual([{ n: 1 }]);
  });

  it('a cut upload resumes at its byte offset; a wrong offset is refused with where it stands', async () => {
    const { key } = await createOrgWithKey(env.db);
    const id = await scannedJob(env.api.url, key, 'resend', env.credential);
    const file = Buffer.from(resendContactsExport(env.resend.account));
    const half = Math.floor(file.length / 2);

    const first = await sendUpload(env.api.url, key, uploads(id), file.subarray(0, half), { headers: { 'upload-length': String(file.length) } });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'receiving', received_bytes: half, expected_bytes: file.length });
    expect(first.headers.get('upload-offset')).toBe(String(half));
    const at = `${uploads(id)}/${first.body.id}`;

    const wrong = await sendUpload(env.api.url, key, at, file.subarray(half + 10), { method: 'PATCH', headers: { 'upload-offset': String(half + 10) } });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.message).toContain(`stands at byte ${half}`);

    const rest = await sendUpload(env.api.url, key, at, file.subarray(half), { method: 'PATCH', headers: { 'upload-offset': String(half) } });
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ status: 'ready', format: 'resend_contacts', rows: env.resend.account.contacts.length, received_bytes: file.length });
    const again = await sendUpload(env.api.url, key, at, 'x', { method: 'PATCH', headers: { 'upload-offset': String(file.length) } });
    expect(again.status).toBe(409);
  });

  it('a body cut by the client keeps what arrived, and the rest completes it', async () => {
    const { key } = await createOrgWithKey(env.db);
    const id = await scannedJob(env.api.url, key, 'resend', env.credential);
    const file = Buffer.from(resendContactsExport(env.resend.account));
    const sent = 1500;
    const controller = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(file.subarray(0, sent));
        setTimeout(() => controller.abort(), 300);
      },
    });
    await sendUpload(env.api.url, key, uploads(id), body, { headers: { 'upload-length': String(file.length) }, signal: controller.signal }).catch(() => null);
    // The server notices the cut a moment later, and keeps what arrived.
    const listed = await eventually(() => restClient(env.api.url, key).get(uploads(id)), (r) => r.body.data[0]?.received_bytes > 0, 10_000);
    expect(listed.body.data).toHaveLength(1);
    const upload = listed.body.data[0];
    expect(upload.status).toBe('receiving');
    expect(upload.received_bytes).toBeLessThanOrEqual(sent);
    const rest = await sendUpload(env.api.url, key, `${uploads(id)}/${upload.id}`, file.subarray(upload.received_bytes), {
      method: 'PATCH',
      headers: { 'upload-offset': String(upload.received_bytes) },
    });
    expect(rest.status).toBe(200);
    expect(rest.body.rows).toBe(env.resend.account.contacts.length);
  });

  it('answers 413 past the size limit, 404 for another organization’s job, 403 for a read-only key, 409 once importing', async () => {
    const { org, key } = await createOrgWithKey(env.db);
    const id = await scannedJob(env.api.url, key, 'resend', env.credential);
    const big = `email,unsubscribed\n${'someone@example.com,false\n'.repeat(9000)}`;
    const tooBig = await sendUpload(env.api.url, key, uploads(id), big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('payload_too_large');

    const other = await createOrgWithKey(env.db);
    const foreign = await sendUpload(env.api.url, other.key, uploads(id), 'email,unsubscribed\na@example.com,false\n');
    expect(foreign.status).toBe(404);
    expect((await restClient(env.api.url, other.key).get(uploads(id))).status).toBe(404);

    const readOnly = await addKey(env.db, org.id, 'read_only');
    expect((await sendUpload(env.api.url, readOnly.key, uploads(id), 'email,unsubscribed\na@example.com,false\n')).status).toBe(403);
    expect((await sendUpload(env.api.url, null, uploads(id), 'email\n')).status).toBe(401);

    const client = restClient(env.api.url, key);
    expect((await client.post(`/v1/migrate/${id}/approve`, { options: { ignoreContacts: true } })).status).toBe(200);
    const late = await sendUpload(env.api.url, key, uploads(id), 'email,unsubscribed\na@example.com,false\n');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('invalid_status');
  });
});

describe('uploads through GraphQL', () => {
  it('createMigrationUpload gives an upload URL that takes the bytes; MigrationJob.uploads lists it; deleteMigrationUpload removes it', async () => {
    const { key } = await createOrgWithKey(env.db);
    const id = await scannedJob(env.api.url, key, 'resend', env.credential);
    const file = Buffer.from(resendContactsExport(env.resend.account));
    const created = await graphql(env.api.url, key, TestCreateUploadDocument, { input: { migrationId: id, filename: 'contacts.csv', byteLength: file.length } });
    const payload = created.data!.createMigrationUpload;
    if (payload.__typename !== 'CreateMigrationUploadPayload') throw new Error(JSON.stringify(payload));
    expect(payload.upload).toMatchObject({ status: 'receiving', receivedBytes: 0, expectedBytes: file.length });
    const url = new URL(payload.uploadUrl);
    expect(url.pathname).toBe(`/v1/migrate/${id}/uploads/${payload.upload.id}`);

    const sent = await sendUpload(env.api.url, key, url.pathname, file, { method: 'PATCH', headers: { 'upload-offset': '0' } });
    expect(sent.status).toBe(200);
    const listed = await graphql(env.api.url, key, TestUploadsDocument, { id });
    const [upload] = listed.data!.migration.uploads;
    expect(upload).toMatchObject({ id: payload.upload.id, status: 'ready', filename: 'contacts.csv', format: 'resend_contacts', content: 'contacts', rows: env.resend.account.contacts.length, receivedBytes: file.length });
    const estimate = listed.data!.migration.scanResult!.estimate;
    expect(estimate.withContactsUpload!.requests).toBeLessThan(estimate.total.requests);

    const refused = await graphql(env.api.url, key, TestCreateUploadDocument, { input: { migrationId: id, format: 'generic_contacts', mapping: { email: '' } } });
    expect(errorCode(refused)).toBe('validation_error');
    const typed = await graphql(env.api.url, key, TestCreateUploadDocument, {
      input: { migrationId: id, mapping: { email: 'E-mail', properties: [{ column: 'Seats', field: 'seats', type: 'number' }] } },
    });
    expect(typed.data!.createMigrationUpload.__typename).toBe('CreateMigrationUploadPayload');
    const ambiguous = await graphql(env.api.url, key, TestCreateUploadDocument, {
      input: { migrationId: id, mapping: { email: 'E-mail', properties: [{ column: 'Seats', key: 'seats', field: 'seats', type: 'number' }] } },
    });
    expect(errorCode(ambiguous)).toBe('validation_error');
    const foreign = await graphql(env.api.url, (await createOrgWithKey(env.db)).key, TestCreateUploadDocument, { input: { migrationId: id } });
    expect(errorCode(foreign)).toBe('not_found');

    const deleted = await graphql(env.api.url, key, TestDeleteUploadDocument, { input: { migrationId: id, uploadId: payload.upload.id } });
    const left = deleted.data!.deleteMigrationUpload;
    if (left.__typename !== 'DeleteMigrationUploadPayload') throw new Error(JSON.stringify(left));
    expect(left.migration.uploads.map((u) => u.id)).not.toContain(payload.upload.id);
    expect(await env.db.query('select count(*)::int as n from upload_rows where upload_id = $1', [payload.upload.id])).toEqual([{ n: 0 }]);
  });
});
