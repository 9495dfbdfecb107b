import { z } from 'zod';
import { wireText } from '../shared/wire-fields.js';

/**
 * Mailgun's response shapes (emulators/specs/mailgun/openapi.yaml), as wide as the spec allows:
 * an odd field costs that field, a record without its identity is skipped and reported.
 */

const address = z.string().min(1);

export const wireErrorBody = z.object({ message: z.unknown().optional() }).passthrough().nullable().catch(null);

export const wirePaging = z.object({
  items: z.array(z.unknown()).nullable().optional().catch(null),
  paging: z.object({ next: z.string().optional().catch(undefined) }).partial().passthrough().optional().catch(undefined),
});

export const wireDomainList = z.object({ total_count: z.number().optional().catch(undefined), items: z.array(z.unknown()).nullable().catch(null) });

export const wireDomain = z.object({
  id: wireText,
  name: z.string().min(1),
  state: wireText,
  created_at: wireText,
});

export const wireDnsRecord = z.object({
  record_type: z.string().min(1),
  name: wireText,
  value: z.string(),
  priority: wireText,
  valid: wireText,
});

export const wireDomainDetail = z.object({
  domain: wireDomain,
  sending_dns_records: z.array(z.unknown()).nullable().optional().catch(null),
  receiving_dns_records: z.array(z.unknown()).nullable().optional().catch(null),
});

export const wireList = z.object({
  address,
  name: wireText,
  description: wireText,
  created_at: wireText,
  members_count: z.number().int().nonnegative().optional().catch(undefined),
});

export const wireMember = z.object({
  address,
  name: wireText,
  vars: z.record(z.string(), z.unknown()).nullable().optional().catch(null),
  subscribed: z.boolean().optional().catch(undefined),
});

export const wireTemplateSummary = z.object({ name: z.string().min(1), description: wireText, createdAt: wireText });

export const wireTemplateVersion = z.object({
  tag: wireText,
  template: z.string().nullable().optional().catch(null),
  engine: wireText,
  active: z.boolean().optional().catch(undefined),
  headers: z.record(z.string(), z.unknown()).nullable().optional().catch(null),
});

export const wireTemplateDetail = z.object({
  template: z.object({ name: z.string().min(1), description: wireText, createdAt: wireText, version: wireTemplateVersion.nullable().optional().catch(null) }),
});

export const wireBounce = z.object({ address, code: wireText, error: wireText, created_at: wireText });
export const wireUnsubscribe = z.object({ address, tags: z.array(z.string()).nullable().optional().catch(null), created_at: wireText });
export const wireComplaint = z.object({ address, created_at: wireText });
