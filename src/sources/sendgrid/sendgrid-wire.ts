import { z } from 'zod';
import { wireId as id, wireText as text } from '../shared/wire-fields.js';

/**
 * SendGrid's wire shapes, as wide as its official specs (emulators/specs/sendgrid): unknown
 * fields pass, enum values we do not know stay text, a field of an unexpected type is dropped.
 * A record fails only without what identifies it (an id; an address); the connector reports it
 * and goes on. List bodies are parsed as arrays of unknown items, each item on its own.
 */

const count = z.number().int().nonnegative().optional().catch(undefined);
export const wireItems = z.array(z.unknown());

export const wireScopes = z.object({ scopes: z.array(z.unknown()).transform((s) => s.filter((x): x is string => typeof x === 'string')) });

/** A page of the marketing API: `result` and the absolute `_metadata.next` link. */
export const wirePaged = z.object({
  result: wireItems.optional().catch(undefined),
  _metadata: z.object({ next: z.string().optional().catch(undefined) }).optional().catch(undefined),
});

export const wireList = z.object({ id, name: text, contact_count: count });

export const wireFieldDefinitions = z.object({ custom_fields: wireItems.optional().catch(undefined) });
export const wireCustomField = z.object({ id, name: z.string().min(1), field_type: text });

export const wireGroup = z.object({ id, name: text, description: text });

/** `GET /v3/asm/groups/{id}/suppressions` lists bare addresses. */
export const wireGroupOptOut = z.string().min(1);

/** At most this much sample data is kept for previews; more is not sample data. */
const TEST_DATA_MAX_CHARS = 65_536;

/** `test_data` is a JSON string (dynamic templates); what is not a JSON object of it is left out. */
const testData = z
  .string()
  .max(TEST_DATA_MAX_CHARS)
  .transform((raw): Record<string, unknown> | null => {
    try {
      const value: unknown = JSON.parse(raw);
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  })
  .optional()
  .catch(undefined);

const version = z.object({
  active: z.union([z.number(), z.boolean()]).optional().catch(undefined),
  subject: text,
  html_content: text,
  plain_content: text,
  test_data: testData,
});

export const wireTemplateSummary = z.object({ id, name: text });

export const wireTemplate = z.object({
  id,
  name: text,
  versions: z
    .array(z.unknown())
    .nullable()
    .optional()
    .catch(null)
    .transform((vs) => (vs ?? []).flatMap((v) => version.safeParse(v).data ?? [])),
});

/** Bounces, blocks, spam reports, invalid emails and global unsubscribes share these fields. */
export const wireSuppression = z.object({
  email: z.string().min(1),
  created: z.union([z.number(), z.string()]).optional().catch(undefined),
  reason: text,
});

export const wireContactCount = z.object({ contact_count: z.number().optional().catch(undefined) });

/** `POST /v3/marketing/contacts/exports`: the id of the export it started. */
export const wireExportStarted = z.object({ id });

/** `GET /v3/marketing/contacts/exports/{id}`: `status` is pending, ready or failure (another stays text). */
export const wireExportJob = z.object({
  id,
  status: text,
  urls: z.array(z.string()).optional().catch(undefined),
  message: z.string().optional().catch(undefined),
  contact_count: count,
  expires_at: z.string().optional().catch(undefined),
});

/**
 * A failed response's `{errors: [{message, field}]}`, or no body at all. A message that is not
 * text is kept as it came: the error text renders it rather than lose what SendGrid said.
 */
export const wireErrorBody = z
  .object({ errors: z.array(z.object({ message: z.unknown() }).nullable().catch(null)).optional().catch(undefined) })
  .nullable()
  .catch(null);
