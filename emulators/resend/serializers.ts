/**
 * Wire shapes of each resource, as the recordings and the spec show them (resend.md §3): list
 * items are leaner than single GETs, which add `object`. Empty names are `null`, not omitted.
 */
import type {
  ResendApiKeyRecord, ResendAudienceContactRecord, ResendContactPropertyRecord, ResendContactRecord,
  ResendDomainRecord, ResendListRecord, ResendSuppressionRecord, ResendTemplateRecord, ResendTopicRecord,
} from './model.js';

function capabilities(d: ResendDomainRecord) {
  return { sending: 'enabled', receiving: d.records.some((r) => r.record === 'Receiving') ? 'enabled' : 'disabled' };
}

export const domainItem = (d: ResendDomainRecord) => ({
  id: d.id, name: d.name, status: d.status, created_at: d.created_at, region: d.region,
  open_tracking: d.open_tracking, click_tracking: d.click_tracking, capabilities: capabilities(d),
});

export function domainDetail(d: ResendDomainRecord) {
  const tracking = d.records.find((r) => r.record === 'Tracking');
  return {
    object: 'domain', ...domainItem(d),
    ...(tracking ? { tracking_subdomain: tracking.name } : {}),
    records: d.records.map((r) => ({ record: r.record, name: r.name, type: r.type, ttl: r.ttl, status: r.status, value: r.value, ...(r.priority === undefined ? {} : { priority: r.priority }) })),
  };
}

/** Never `permission`, `domain_id` or the token: Resend purposely hides them. */
export const apiKeyItem = (k: ResendApiKeyRecord) => ({ id: k.id, name: k.name, created_at: k.created_at, last_used_at: k.last_used_at });

export const listItem = (l: ResendListRecord) => ({ id: l.id, name: l.name, created_at: l.created_at });
export const audienceDetail = (l: ResendListRecord) => ({ object: 'audience', ...listItem(l) });
export const segmentDetail = (l: ResendListRecord) => ({ object: 'segment', ...listItem(l) });

export const contactItem = (c: ResendContactRecord | ResendAudienceContactRecord) => ({
  id: c.id, email: c.email, first_name: c.first_name, last_name: c.last_name, created_at: c.created_at, unsubscribed: c.unsubscribed,
});

/** `properties` as `{ key: { value, type } }`; the type comes from the property definition. */
export function contactDetail(c: ResendContactRecord, types: Map<string, string>) {
  const properties: Record<string, { value: unknown; type: string }> = {};
  for (const [key, value] of Object.entries(c.properties)) {
    properties[key] = { value, type: types.get(key) ?? typeof value };
  }
  return { object: 'contact', ...contactItem(c), properties };
}

/** Legacy audience contacts as recorded in 2025-10: no `properties` key at all. */
export const audienceContactDetail = (c: ResendAudienceContactRecord) => ({ object: 'contact', ...contactItem(c) });

export const propertyItem = (p: ResendContactPropertyRecord) => ({ id: p.id, key: p.key, type: p.type, fallback_value: p.fallback_value, created_at: p.created_at });
export const propertyDetail = (p: ResendContactPropertyRecord) => ({ object: 'contact_property', ...propertyItem(p) });

export const topicItem = (t: ResendTopicRecord) => ({
  id: t.id, name: t.name, description: t.description, default_subscription: t.default_subscription, visibility: t.visibility, created_at: t.created_at,
});
export const topicDetail = (t: ResendTopicRecord) => ({ object: 'topic', ...topicItem(t) });

/** The contact's explicit choice, else the topic's default. */
export const contactTopicItem = (t: ResendTopicRecord, c: ResendContactRecord) => ({
  id: t.id, name: t.name, description: t.description, subscription: c.topics[t.id] ?? t.default_subscription,
});

/** No html, text or variables in the list. */
export const templateItem = (t: ResendTemplateRecord) => ({
  id: t.id, name: t.name, status: t.status, published_at: t.published_at, created_at: t.created_at, updated_at: t.updated_at, alias: t.alias,
});

export const templateDetail = (t: ResendTemplateRecord) => ({
  object: 'template', id: t.id, current_version_id: t.current_version_id, name: t.name, alias: t.alias,
  from: t.from, subject: t.subject, reply_to: t.reply_to, html: t.html, text: t.text,
  variables: t.variables.map((v) => ({ id: v.id, key: v.key, type: v.type, fallback_value: v.fallback_value, created_at: v.created_at, updated_at: v.updated_at })),
  created_at: t.created_at, updated_at: t.updated_at, status: t.status, published_at: t.published_at, has_unpublished_versions: t.has_unpublished_versions,
});

export const suppressionItem = (s: ResendSuppressionRecord) => ({ id: s.id, email: s.email, origin: s.origin, source_id: s.source_id, created_at: s.created_at });
export const suppressionDetail = (s: ResendSuppressionRecord) => ({ object: 'suppression', ...suppressionItem(s) });
