/**
 * Properties of the uploads endpoint: whatever file, query string and lengths a client sends,
 * the answer is 201/202 (accepted, complete or not), 413, 422 or 431 (a query string over the
 * header limit) with our error body: never a
 * 500, and a refused upload leaves nothing behind (the digest is compared).
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { FuzzProperty } from './fuzz-harness.js';
import { hostileString } from './fuzz-arbitraries.js';
import { bearer } from './fuzz-rest.js';

const COLUMNS = ['email', 'Email', 'EMAIL', 'first_name', 'First Name', 'last_name', 'unsubscribed', 'origin', 'reason', 'created_at', 'created', 'plan', 'segments', 'address', 'tags', 'id'];

interface UploadInput {
  body: Uint8Array;
  query: Record<string, string>;
  uploadLength: 'none' | 'exact' | 'short' | 'long' | 'garbage';
  what: string;
}

const cell = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.emailAddress() },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'maybe', '', '"', '""', '"a,b"', 'a\nb', '2026-03-01', '1711929600') },
);

const uploadInput: fc.Arbitrary<UploadInput> = fc
  .record({
    header: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...COLUMNS) }, { weight: 1, arbitrary: hostileString }), { minLength: 0, maxLength: 8 }),
    rows: fc.array(fc.array(cell, { maxLength: 9 }), { maxLength: 20 }),
    encoding: fc.constantFrom('csv', 'csv', 'gzip', 'gzip-magic-garbage', 'binary'),
    garbage: fc.uint8Array({ maxLength: 200 }),
    format: fc.constantFrom<string | undefined>(undefined, undefined, 'resend_contacts', 'resend_suppressions', 'generic_contacts', 'mailgun_suppressions', 'bogus'),
    type: fc.constantFrom<string | undefined>(undefined, undefined, 'bounce', 'block', 'x'),
    mapping: fc.constantFrom<string | undefined>(undefined, undefined, '{"email":"email"}', '{"email":"nope"}', '{"email":""}', 'not json', '[]', '{"email":"email","colour":"x"}', `{"email":"${'e'.repeat(300)}"}`),
    filename: fc.option(hostileString, { nil: undefined }),
    uploadLength: fc.constantFrom<UploadInput['uploadLength']>('none', 'none', 'exact', 'short', 'long', 'garbage'),
    // Mostly files a format could take (an email column, rows no wider than the header), so the
    // readers and the staging see hostile values, not only the header check.
    plausible: fc.boolean(),
  })
  .map(({ header: given, rows: raw, encoding, garbage, format, type, mapping, filename, uploadLength, plausible }) => {
    const header = plausible ? ['email', given.includes('origin') ? 'origin' : 'unsubscribed', ...given.filter((h) => !/^e-?mail$|^unsubscribed$|^origin$/i.test(h))] : given;
    const rows = plausible ? raw.map((r) => r.slice(0, header.length)) : raw;
    const quote = (v: string) => (/[",\r\n]/.test(v) && !v.startsWith('"') ? `"${v.replaceAll('"', '""')}"` : v);
    const text = [header, ...rows].map((r) => r.map(quote).join(',')).join('\n');
    const body =
      plausible && encoding !== 'gzip' ? new Uint8Array(Buffer.from(text))
      : encoding === 'gzip' ? new Uint8Array(gzipSync(text))
      : encoding === 'gzip-magic-garbage' ? new Uint8Array([0x1f, 0x8b, ...garbage])
      : encoding === 'binary' ? garbage
      : new Uint8Array(Buffer.from(text));
    const query: Record<string, string> = {};
    if (format && !plausible) query.format = format;
    if (type && !plausible) query.type = type;
    if (mapping && !plausible) query.mapping = mapping;
    if (filename !== undefined) query.filename = filename;
    return { body, query, uploadLength, what: `${encoding} ${header.length} columns × ${rows.length} rows` };
  });

const uploads: FuzzProperty<UploadInput> = {
  name: 'rest.upload-body',
  describe: 'POST /v1/migrate/:id/uploads on a fresh ready_for_review job with generated files (CSV, gzip, garbage), query strings and Upload-Length: 201, 202, 413 or 422, never a 500; a refused upload keeps nothing',
  arbitrary: () => uploadInput,
  examples: (): UploadInput[] => [
    { body: new Uint8Array(Buffer.from('email,unsubscribed\na@example.com,"never closed\n')), query: {}, uploadLength: 'none', what: 'unclosed quote' },
    { body: new Uint8Array(Buffer.from('email,first_name\na@example.com,A\u0000nn\n')), query: { filename: '\u0000' }, uploadLength: 'exact', what: 'NUL' },
    { body: new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), query: {}, uploadLength: 'none', what: 'truncated gzip' },
  ],
  async run(ctx, input) {
    const id = await ctx.env.newJob('ready_for_review');
    await ctx.baseline();
    const length = { none: undefined, exact: String(input.body.length), short: String(Math.max(1, input.body.length - 1)), long: String(input.body.length + 10), garbage: '12abc' }[input.uploadLength];
    const search = new URLSearchParams(input.query).toString();
    await ctx.http(
      {
        method: 'POST',
        path: `/v1/migrate/${id}/uploads${search ? `?${search}` : ''}`,
        headers: { authorization: bearer(ctx.env.orgA.full.key), 'content-type': 'text/csv', 'upload-length': length },
        body: input.body,
      },
      { label: 'POST /v1/migrate/:id/uploads', api: 'rest', status: [201, 202, 413, 422, 431], codes: ['ok', 'validation_error', 'payload_too_large', 'headers_too_large'] },
    );
  },
};

export const UPLOAD_PROPERTIES: FuzzProperty[] = [uploads];
