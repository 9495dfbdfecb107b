import { z } from 'zod';
import { wireId as id, wireText as text } from '../shared/wire-fields.js';

/**
 * Resend's wire shapes, as wide as its official spec (emulators/specs/resend/openapi.yaml, where
 * every field is optional) and the recorded traffic: unknown fields pass, unknown enum values
 * are kept as text, a field of an unexpected type is dropped rather than failing the record.
 * A record fails only without what identifies it (an id; a contact's email); the connector
 * reports it and goes on.
 */

const flag = z.boolean().optional().catch(undefined);

/** A value our model holds as string | number | boolean | null; objects and lists become JSON text. */
export const scalarValue = z.unknown().optional().transform((v): string | number | boolean | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return JSON.stringify(v) ?? null;
});

/** A list page: `data` items are parsed one by one by the caller, so one bad item costs one item. */
export const listEnvelope = z.object({
  object: text,
  has_more: flag,
  // The spec makes even `data` optional: a page without it holds nothing.
  data: z.array(z.unknown()).optional().default([]),
});

const wireDnsRecord = z.object({
  record: text,
  name: text,
  type: text,
  ttl: text,
  status: text,
  value: text,
  priority: z.number().nullable().optional().catch(null),
});

export const wireDomain = z.object({
  id,
  name: z.string().min(1),
  status: text,
  region: text,
  created_at: text,
  // A DNS record we cannot read is dropped, not the domain.
  records: z
    .array(z.unknown())
    .optional()
    .catch(undefined)
    .transform((items) => (items ?? []).flatMap((r) => wireDnsRecord.safeParse(r).data ?? [])),
});

export const wireList = z.object({ id, name: text, created_at: text });

export const wireContact = z.object({
  id,
  email: z.string().min(1),
  first_name: text,
  last_name: text,
  unsubscribed: flag,
  created_at: text,
});

export type WireDomain = z.infer<typeof wireDomain>;
export type WireList = z.infer<typeof wireList>;
export type WireContact = z.infer<typeof wireContact>;

export const wireContactProperty = z.object({
  id,
  key: z.string().min(1),
  type: text,
  fallback_value: scalarValue,
});

export const wireTopic = z.object({
  id,
  name: text,
  description: text,
  default_subscription: text,
});

export const wireTemplateSummary = z.object({
  id,
  name: text,
  status: text,
  alias: text,
});

export const wireSuppression = z.object({
  id,
  email: z.string().min(1),
  origin: text,
  created_at: text,
});

const wireTemplateVariable = z.object({ key: z.string().min(1), type: text, fallback_value: scalarValue });

export const wireTemplate = z.object({
  id,
  name: text,
  alias: text,
  status: text,
  subject: text,
  from: text,
  reply_to: z
    .unknown()
    .optional()
    .transform((v) => (v === null || v === undefined ? null : (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? [x] : [])))),
  html: text,
  text: text,
  has_unpublished_versions: flag,
  // A variable without a key cannot be used in a template; it is dropped, not the template.
  variables: z
    .array(z.unknown())
    .nullable()
    .optional()
    .catch(null)
    .transform((items) => (items ?? []).flatMap((v) => wireTemplateVariable.safeParse(v).data ?? [])),
});

/** GET /contacts/{id}: properties as `{ key: { value, type } }` (older shapes: plain values). */
export const wireContactDetail = wireContact.extend({
  properties: z.record(z.string(), z.unknown()).nullable().optional().catch(null),
});

export const wireContactTopic = z.object({ id, subscription: text });
