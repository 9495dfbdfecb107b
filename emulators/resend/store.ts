/**
 * The account indexed once at start so every request is a map lookup, a binary search and a
 * slice: lists sorted newest first, id and email maps, segment and audience member lists.
 */
import type {
  ResendAccount, ResendAudienceContactRecord, ResendContactRecord, ResendListRecord,
} from './model.js';
import { FEATURES_BY_AGE } from './model.js';
import { parsePgTimestamp } from './timestamps.js';

export interface Dated {
  id: string;
  created_at: string;
}

/** Items newest first (created_at desc, then id desc), with an id → sort key map for cursors. */
export class OrderedCollection<T extends Dated> {
  readonly items: T[];
  readonly byId = new Map<string, T>();
  readonly keyById = new Map<string, number>();

  constructor(items: readonly T[]) {
    for (const item of items) {
      this.byId.set(item.id, item);
      this.keyById.set(item.id, parsePgTimestamp(item.created_at));
    }
    this.items = [...items].sort((a, b) => compareNewestFirst(this.keyById, a, b));
  }

  /** The items matching `keep`, in the same order (for filtered views built once). */
  filtered(keep: (item: T) => boolean): T[] {
    return this.items.filter(keep);
  }
}

export function compareNewestFirst(keys: Map<string, number>, a: Dated, b: Dated): number {
  const d = (keys.get(b.id) ?? 0) - (keys.get(a.id) ?? 0);
  return d !== 0 ? d : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

const lower = (email: string) => email.trim().toLowerCase();

export class AccountIndex {
  readonly features: { globalContacts: boolean; legacyAudiences: boolean };
  readonly domains: OrderedCollection<ResendAccount['domains'][number]>;
  readonly apiKeys: OrderedCollection<ResendAccount['apiKeys'][number]>;
  readonly contactProperties: OrderedCollection<ResendAccount['contactProperties'][number]>;
  readonly topics: OrderedCollection<ResendAccount['topics'][number]>;
  readonly templates: OrderedCollection<ResendAccount['templates'][number]>;
  readonly suppressions: OrderedCollection<ResendAccount['suppressions'][number]>;
  /** Every list (legacy audiences and segments): what /audiences shows. */
  readonly lists: OrderedCollection<ResendListRecord>;
  /** Segments only: what /segments shows. */
  readonly segments: ResendListRecord[];
  readonly contacts: OrderedCollection<ResendContactRecord>;
  readonly audienceContacts: OrderedCollection<ResendAudienceContactRecord>;
  readonly contactsByEmail = new Map<string, ResendContactRecord>();
  readonly templatesByAlias = new Map<string, ResendAccount['templates'][number]>();
  readonly suppressionsByEmail = new Map<string, ResendAccount['suppressions'][number]>();
  /** Origin → suppressions of that origin, newest first (the `?origin=` filter). */
  readonly suppressionsByOrigin = new Map<string, ResendAccount['suppressions'][number][]>();
  readonly propertyTypes = new Map<string, ResendAccount['contactProperties'][number]['type']>();
  /** Segment id → its global members, newest first. */
  readonly segmentMembers = new Map<string, ResendContactRecord[]>();
  /** Legacy audience id → its own contact records, newest first, and an email → record map. */
  readonly audienceMembers = new Map<string, { items: ResendAudienceContactRecord[]; byEmail: Map<string, ResendAudienceContactRecord> }>();

  constructor(readonly account: ResendAccount) {
    this.features = FEATURES_BY_AGE[account.age];
    this.domains = new OrderedCollection(account.domains);
    this.apiKeys = new OrderedCollection(account.apiKeys);
    this.contactProperties = new OrderedCollection(account.contactProperties);
    this.topics = new OrderedCollection(account.topics);
    this.templates = new OrderedCollection(account.templates);
    this.suppressions = new OrderedCollection(account.suppressions);
    this.lists = new OrderedCollection(account.lists);
    this.segments = this.lists.filtered((l) => !l.legacy);
    this.contacts = new OrderedCollection(account.contacts);
    this.audienceContacts = new OrderedCollection(account.audienceContacts);
    for (const c of this.contacts.items) if (!this.contactsByEmail.has(lower(c.email))) this.contactsByEmail.set(lower(c.email), c);
    for (const t of account.templates) if (t.alias) this.templatesByAlias.set(t.alias, t);
    for (const s of this.suppressions.items) {
      this.suppressionsByEmail.set(lower(s.email), s);
      const sameOrigin = this.suppressionsByOrigin.get(s.origin) ?? [];
      if (sameOrigin.length === 0) this.suppressionsByOrigin.set(s.origin, sameOrigin);
      sameOrigin.push(s);
    }
    for (const p of account.contactProperties) this.propertyTypes.set(p.key, p.type);
    for (const l of account.lists) {
      if (l.legacy) this.audienceMembers.set(l.id, { items: [], byEmail: new Map() });
      else this.segmentMembers.set(l.id, []);
    }
    for (const c of this.contacts.items) for (const id of c.segmentIds) this.segmentMembers.get(id)?.push(c);
    for (const a of this.audienceContacts.items) {
      const members = this.audienceMembers.get(a.audience_id);
      members?.items.push(a);
      if (members && !members.byEmail.has(lower(a.email))) members.byEmail.set(lower(a.email), a);
    }
  }

  contactByIdOrEmail(idOrEmail: string): ResendContactRecord | undefined {
    return this.contacts.byId.get(idOrEmail) ?? this.contactsByEmail.get(lower(idOrEmail));
  }

  /** Segments of a contact, newest first (a handful per contact, so sorted on demand). */
  segmentsOf(contact: ResendContactRecord): ResendListRecord[] {
    return contact.segmentIds.flatMap((id) => this.lists.byId.get(id) ?? []).sort((a, b) => compareNewestFirst(this.lists.keyById, a, b));
  }
}
