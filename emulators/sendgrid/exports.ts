/**
 * Contact export jobs (POST /v3/marketing/contacts/exports) and the files they produce. A job
 * answers `pending` for its first `readyAfterPolls` polls, then `ready` with `urls` pointing at
 * the emulator's own /exports route, standing in for S3: no auth, gzip bodies, refused with
 * S3's 403 XML after `expires_at`. Files split every `maxFileSizeContacts` contacts, emulating
 * `max_file_size` (sendgrid.md §1).
 */
import { constants, gzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { errors } from './errors.js';
import { CONTACT_TEXT_FIELDS, type SendGridContactRecord, type SendGridCustomFieldRecord } from './model.js';
import type { AccountIndex } from './store.js';

export interface ExportRequest {
  list_ids?: unknown;
  segment_ids?: unknown;
  file_type?: unknown;
  max_file_size?: unknown;
}

interface ExportJob {
  id: string;
  fileType: 'csv' | 'json';
  /** The sorted list ids exported (empty: all contacts). */
  selection: string;
  /** Contacts as of job creation, split into files. */
  files: SendGridContactRecord[][];
  contactCount: number;
  polls: number;
  createdMs: number;
  expiresMs: number;
}

export interface ExportOptions {
  readyAfterPolls: number;
  maxFileSizeContacts: number;
  ttlMs: number;
}

/** Header of Airbyte's fixture (decompressed_response.csv); custom fields follow, by field name. */
const CSV_COLUMNS = ['EMAIL', 'FIRST_NAME', 'LAST_NAME', 'ADDRESS_LINE_1', 'ADDRESS_LINE_2', 'CITY', 'STATE_PROVINCE_REGION',
  'POSTAL_CODE', 'COUNTRY', 'ALTERNATE_EMAILS', 'PHONE_NUMBER', 'WHATSAPP', 'LINE', 'FACEBOOK', 'UNIQUE_NAME', 'CREATED_AT', 'UPDATED_AT', 'CONTACT_ID'];

const iso = (ms: number) => new Date(ms).toISOString();

export class ExportJobs {
  private readonly jobs = new Map<string, ExportJob>();
  private readonly built = new Map<string, Buffer>();

  constructor(private readonly index: AccountIndex, private readonly options: ExportOptions) {}

  create(body: ExportRequest, now: number): { id: string } {
    const listIds = body.list_ids ?? [];
    if (!Array.isArray(listIds) || !listIds.every((id) => typeof id === 'string')) throw errors.badParameter('list_ids', 'list_ids must be an array of list ids');
    for (const id of listIds) if (!this.index.lists.has(id)) throw errors.badParameter('list_ids', `list ${id} does not exist`);
    // Segments are not emulated: any segment id is unknown.
    if (Array.isArray(body.segment_ids) && body.segment_ids.length > 0) throw errors.badParameter('segment_ids', 'segment ids do not exist');
    const fileType = body.file_type ?? 'csv';
    if (fileType !== 'csv' && fileType !== 'json') throw errors.badParameter('file_type', 'file_type must be one of csv, json');
    const contacts = this.select(listIds as string[]);
    const files = this.split(contacts);
    const job: ExportJob = { id: randomUUID(), fileType, selection: selectionKey(listIds as string[]), files, contactCount: contacts.length, polls: 0, createdMs: now, expiresMs: now + this.options.ttlMs };
    this.jobs.set(job.id, job);
    return { id: job.id };
  }

  /** GET /v3/marketing/contacts/exports/{id}: each call counts as a poll. */
  poll(id: string, baseUrl: string): Record<string, unknown> {
    const job = this.jobs.get(id);
    if (!job) throw errors.notFound('export');
    job.polls++;
    const base = { id: job.id, created_at: iso(job.createdMs), expires_at: iso(job.expiresMs), _metadata: { self: `${baseUrl}/v3/marketing/contacts/exports/${id}` } };
    if (job.polls <= this.options.readyAfterPolls) return { ...base, status: 'pending', updated_at: iso(job.createdMs) };
    const completed = iso(job.createdMs + 1000);
    const ext = job.fileType === 'csv' ? 'csv.gz' : 'json.gz';
    return {
      ...base, status: 'ready', updated_at: completed, completed_at: completed, contact_count: job.contactCount,
      urls: job.files.map((_, n) => `${baseUrl}/exports/${job.id}/${n}.${ext}?X-Amz-Expires=${Math.round(this.options.ttlMs / 1000)}`),
    };
  }

  /** The gzip body of file `n`, or an S3-style error for unknown or expired files. */
  file(id: string, n: number, now: number): { status: number; contentType: string; body: Buffer } {
    const job = this.jobs.get(id);
    const contacts = job?.files[n];
    if (!job || !contacts) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    if (job.polls <= this.options.readyAfterPolls) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    if (now >= job.expiresMs) return s3Error(403, 'AccessDenied', 'Request has expired');
    return { status: 200, contentType: 'application/gzip', body: this.build(job.fileType, job.selection, n, contacts) };
  }

  /**
   * Builds the files of an export of `listIds` (all contacts when empty) ahead of time, as
   * SendGrid does before it answers `ready`; benchmarks call it so the emulator's own CPU time
   * stays out of what they measure.
   */
  prebuild(listIds: string[], fileType: 'csv' | 'json' = 'csv'): void {
    const selection = selectionKey(listIds);
    const files = this.split(this.select(listIds));
    files.forEach((contacts, n) => this.build(fileType, selection, n, contacts));
  }

  /** The account does not change while an emulator runs, so a file's bytes depend only on what was selected. */
  private build(fileType: 'csv' | 'json', selection: string, n: number, contacts: SendGridContactRecord[]): Buffer {
    const key = `${fileType}|${selection}|${n}`;
    let body = this.built.get(key);
    if (!body) {
      const fields = this.index.account.customFields;
      const text = fileType === 'csv' ? toCsv(contacts, fields) : toNdjson(contacts, fields);
      body = gzipSync(text, { level: constants.Z_BEST_SPEED });
      this.built.set(key, body);
    }
    return body;
  }

  private select(listIds: string[]): SendGridContactRecord[] {
    const wanted = new Set(listIds);
    return wanted.size === 0 ? this.index.account.contacts : this.index.account.contacts.filter((c) => c.list_ids.some((id) => wanted.has(id)));
  }

  private split(contacts: SendGridContactRecord[]): SendGridContactRecord[][] {
    const size = this.options.maxFileSizeContacts;
    const files: SendGridContactRecord[][] = [];
    for (let i = 0; i < contacts.length; i += size) files.push(contacts.slice(i, i + size));
    if (files.length === 0) files.push([]);
    return files;
  }
}

const selectionKey = (listIds: string[]) => [...new Set(listIds)].sort().join(',');

function s3Error(status: number, code: string, message: string) {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return { status, contentType: 'application/xml', body: Buffer.from(xml) };
}

/** Values quoted (doubling inner quotes), empty fields bare, as in the Airbyte fixture. */
const cell = (value: string | number | undefined) => {
  if (value === undefined || value === '') return '';
  const text = String(value);
  return text.includes('"') ? `"${text.replace(/"/g, '""')}"` : `"${text}"`;
};

function toCsv(contacts: SendGridContactRecord[], fields: SendGridCustomFieldRecord[]): string {
  const header = [...CSV_COLUMNS, ...fields.map((f) => f.name)].map((h) => `"${h}"`).join(',');
  const parts: string[] = [header];
  for (const c of contacts) {
    // CSV_COLUMNS order: EMAIL, the text fields (ALTERNATE_EMAILS after COUNTRY), timestamps, CONTACT_ID.
    let line = cell(c.email);
    for (const f of CONTACT_TEXT_FIELDS) {
      line += `,${cell(c[f])}`;
      if (f === 'country') line += `,${cell(c.alternate_emails.join(','))}`;
    }
    line += `,${cell(c.created_at)},${cell(c.updated_at)},${cell(c.id)}`;
    for (const f of fields) line += `,${cell(c.custom_fields[f.id])}`;
    parts.push(line);
  }
  return `${parts.join('\n')}\n`;
}

/** One object per line, `contact_id` instead of `id`, custom fields keyed by NAME (sendgrid-csharp#1024). */
function toNdjson(contacts: SendGridContactRecord[], fields: SendGridCustomFieldRecord[]): string {
  return contacts.map((c) => {
    const { id, custom_fields, list_ids, ...rest } = c;
    const named = Object.fromEntries(fields.filter((f) => f.id in custom_fields).map((f) => [f.name, custom_fields[f.id]]));
    return `${JSON.stringify({ contact_id: id, ...rest, list_ids, custom_fields: named })}\n`;
  }).join('');
}
