import { z } from 'zod';

/**
 * Resend's wire shapes, as loose as the API is (unknown fields pass through) and as strict as
 * the import needs (what we read must be there with the right type).
 */

export const listEnvelope = <T extends z.ZodType>(item: T) =>
  z.object({
    object: z.literal('list').optional(),
    has_more: z.boolean().optional(),
    data: z.array(item),
  });

const nullableString = z.string().nullable().optional();

export const wireDnsRecord = z.object({
  record: z.string(),
  name: z.string(),
  type: z.string(),
  ttl: z.union([z.string(), z.number()]).nullable().optional(),
  status: nullableString,
  value: z.string(),
  priority: z.number().nullable().optional(),
});

export const wireDomain = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  region: nullableString,
  created_at: nullableString,
  records: z.array(wireDnsRecord).optional(),
});

export const wireList = z.object({ id: z.string(), name: z.string(), created_at: nullableString });

export const wireContact = z.object({
  id: z.string(),
  email: z.string(),
  first_name: nullableString,
  last_name: nullableString,
  unsubscribed: z.boolean().optional(),
  created_at: nullableString,
});

export type WireDomain = z.infer<typeof wireDomain>;
export type WireList = z.infer<typeof wireList>;
export type WireContact = z.infer<typeof wireContact>;

export const wireContactProperty = z.object({
  id: z.string(),
  key: z.string(),
  type: z.string(),
  fallback_value: z.union([z.string(), z.number(), z.boolean()]).nullable().optional(),
});

export const wireTopic = z.object({
  id: z.string(),
  name: z.string(),
  description: nullableString,
  default_subscription: z.enum(['opt_in', 'opt_out']).optional(),
});

export const wireTemplateSummary = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string().optional(),
  alias: nullableString,
});

export const wireSuppression = z.object({
  id: z.string(),
  email: z.string(),
  origin: z.string(),
  created_at: nullableString,
});

export const wireTemplate = z.object({
  id: z.string(),
  name: z.string(),
  alias: nullableString,
  status: z.string().optional(),
  subject: nullableString,
  from: nullableString,
  reply_to: z.union([z.array(z.string()), z.string()]).nullable().optional(),
  html: nullableString,
  text: nullableString,
  has_unpublished_versions: z.boolean().optional(),
  variables: z
    .array(
      z.object({
        key: z.string(),
        type: z.string(),
        fallback_value: z.union([z.string(), z.number(), z.boolean()]).nullable().optional(),
      }),
    )
    .nullable()
    .optional(),
});

const propertyValue = z.union([z.string(), z.number(), z.boolean()]).nullable();

/** GET /contacts/{id}: properties as `{ key: { value, type } }` (older shapes: plain values). */
export const wireContactDetail = wireContact.extend({
  properties: z
    .record(z.string(), z.union([z.object({ value: propertyValue.optional(), type: z.string().optional() }), propertyValue]))
    .nullable()
    .optional(),
});

export const wireContactTopic = z.object({
  id: z.string(),
  subscription: z.enum(['opt_in', 'opt_out']),
});
