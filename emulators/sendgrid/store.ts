/** Lookups over one account, and the wire shapes of its records. */
import type { SendGridAccount, SendGridContactRecord, SendGridListRecord, SendGridTemplateRecord, SendGridTemplateVersionRecord } from './model.js';

export class AccountIndex {
  readonly contacts: Map<string, SendGridContactRecord>;
  readonly lists: Map<string, SendGridListRecord>;
  readonly templates: Map<string, SendGridTemplateRecord>;
  readonly fieldNames: Map<string, string>;
  readonly imagePaths: Set<string>;
  /** Most recently updated first: what GET /v3/marketing/contacts shows. */
  readonly recentContacts: SendGridContactRecord[];

  constructor(readonly account: SendGridAccount) {
    this.contacts = new Map(account.contacts.map((c) => [c.id, c]));
    this.lists = new Map(account.lists.map((l) => [l.id, l]));
    this.templates = new Map(account.templates.map((t) => [t.id, t]));
    this.fieldNames = new Map(account.customFields.map((f) => [f.id, f.name]));
    this.imagePaths = new Set(account.images.map((i) => i.path));
    this.recentContacts = [...account.contacts].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
  }
}

/** ContactDetails3: custom fields keyed by NAME on reads (writes need ids); unset reserved fields omitted. */
export function contactWire(index: AccountIndex, c: SendGridContactRecord, baseUrl: string) {
  const { custom_fields, ...rest } = c;
  const named = Object.fromEntries(Object.entries(custom_fields).map(([id, v]) => [index.fieldNames.get(id) ?? id, v]));
  return { ...rest, segment_ids: [] as string[], custom_fields: named, _metadata: { self: `${baseUrl}/v3/marketing/contacts/${c.id}` } };
}

export function listWire(l: SendGridListRecord, baseUrl: string) {
  return { id: l.id, name: l.name, contact_count: l.contact_ids.length, _metadata: { self: `${baseUrl}/v3/marketing/lists/${l.id}` } };
}

/** Lean version (template listing): no content, which a connector must fetch per version. */
export function versionLean(v: SendGridTemplateVersionRecord) {
  const { html_content: _h, plain_content: _p, test_data: _t, ...lean } = v;
  return lean;
}

export function templateWire(t: SendGridTemplateRecord, full: boolean) {
  return { id: t.id, name: t.name, generation: t.generation, updated_at: t.updated_at, versions: t.versions.map((v) => (full ? versionWire(v) : versionLean(v))) };
}

export function versionWire(v: SendGridTemplateVersionRecord) {
  return { ...v, warnings: [] as Array<{ message: string }> };
}
