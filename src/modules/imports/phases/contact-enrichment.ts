import type pg from 'pg';
import type { PropertyValue, SourceContact, SourceContactDetails } from '../../../sources/source-types.js';
import type { FieldMapping } from '../../../model/import-options.js';
import type { ImportContext } from '../import-context.js';
import { insertSuppressions, type SuppressionEntry } from '../../suppressions/suppression.repository.js';
import { emailProblem } from '../../../sources/shared/email.js';
import { customFieldNameProblem } from '../../custom-fields/custom-field-name.js';
import { isUploadedField, normalizeColumn, type UploadedContact } from '../../uploads/upload-formats.js';

/** A property value as our field type; `undefined` when it cannot be one (reported). */
export function coerceFieldValue(value: PropertyValue, type: FieldMapping['fieldType']): unknown {
  if (value === null || value === '') return null;
  switch (type) {
    case 'string':
      return String(value);
    case 'number': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (/^(true|yes|1)$/i.test(String(value).trim())) return true;
      if (/^(false|no|0)$/i.test(String(value).trim())) return false;
      return undefined;
    case 'date': {
      const d = new Date(typeof value === 'number' ? value : String(value));
      return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
    }
  }
}

/**
 * Reads what the user asked for per contact (properties for custom fields, topic subscriptions
 * for suppression groups): one request each, so only when asked and only for global contacts.
 */
export class ContactEnrichment {
  readonly wantProperties: boolean;
  readonly wantTopics: boolean;
  private readonly byKey: Map<string, FieldMapping>;
  /** By the key's letters and digits: an uploaded export's header may spell a property key differently. */
  private readonly byColumn: Map<string, FieldMapping>;
  private readonly topics: Set<string>;

  constructor(private readonly ctx: ImportContext) {
    // A field the custom-fields phase could not create (reported there) gets no values.
    const fields = ctx.options.customFields.filter((m) => !customFieldNameProblem(m.fieldName));
    const accountFields = fields.filter((m) => !isUploadedField(m));
    this.byKey = new Map(fields.map((m) => [m.sourceKey, m]));
    this.byColumn = new Map(accountFields.map((m) => [normalizeColumn(m.sourceKey), m]));
    this.topics = new Set(ctx.options.suppressionGroups);
    // Fields an upload declares come only from the upload: nothing to read from the account for them.
    this.wantProperties = accountFields.length > 0;
    // Sources that list topic opt-outs per topic (SendGrid's groups) are read in the groups phase.
    this.wantTopics = this.topics.size > 0 && ctx.connector.perContactGroups;
  }

  /** Whether pages of contacts need `read` (something asked per contact, or an uploaded export to merge). */
  get wanted(): boolean {
    return this.wantProperties || this.wantTopics || this.ctx.uploads.hasContacts;
  }

  /**
   * Details of a page of contacts. An uploaded contacts export stands in for the per-contact
   * property reads: a contact in it costs no request; one missing from it is read as before (and
   * reported). Values a record carries itself win over the upload's.
   */
  async read(contacts: SourceContact[]): Promise<Map<string, SourceContactDetails>> {
    const out = new Map<string, SourceContactDetails>();
    const uploads = this.ctx.uploads;
    if (!this.wanted) return out;
    const uploaded = uploads.hasContacts ? await uploads.contacts(this.ctx.pool, contacts.map((c) => c.email)) : new Map<string, UploadedContact>();
    for (const c of contacts) {
      // Not importable (reported when written): nothing to read for it.
      if (emailProblem(c.email)) continue;
      const upload = uploaded.get(c.email);
      const readOne = this.wantProperties && c.properties === undefined && !upload;
      if (readOne && uploads.hasContacts && this.ctx.firstReport(`upload:${c.email}`)) {
        this.ctx.tally.error('custom_field_value', `not in the uploaded contacts export: its properties were read from ${this.ctx.job.source} one by one`, c.email);
      }
      const want = { properties: readOne, groups: this.wantTopics };
      const details: SourceContactDetails = want.properties || want.groups ? await this.ctx.connector.contactDetails(c, want) : {};
      if (!readOne && (upload || c.properties)) details.properties = { ...upload?.properties, ...c.properties };
      if (upload) details.uploaded = upload;
      out.set(c.sourceId, details);
    }
    return out;
  }

  /** Custom field values of one contact; bad values and unknown properties are reported. */
  fieldValues(contact: SourceContact, details: SourceContactDetails | undefined): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(details?.properties ?? {})) {
      const mapping = this.byKey.get(key) ?? this.byColumn.get(normalizeColumn(key));
      if (!mapping) continue; // not selected by the user
      const value = coerceFieldValue(raw, mapping.fieldType);
      if (value === undefined) {
        const name = isUploadedField(mapping) ? `the uploaded ${mapping.fieldName}` : key;
        this.ctx.tally.error('custom_field_value', `value of ${name} is not a ${mapping.fieldType}`, contact.email);
        continue;
      }
      if (value !== null) values[mapping.fieldName] = value;
    }
    return values;
  }

  /** Opt-outs of selected topics become members of the matching suppression groups. */
  async writeTopicOptOuts(client: pg.PoolClient, pairs: { email: string; details: SourceContactDetails | undefined }[]) {
    if (!this.wantTopics) return;
    const groups = await this.ctx.localIds('suppression_group');
    const entries: SuppressionEntry[] = [];
    for (const { email, details } of pairs) {
      for (const [topicId, subscription] of Object.entries(details?.groups ?? {})) {
        const groupId = groups.get(topicId);
        if (subscription === 'opt_out' && groupId && this.topics.has(topicId)) {
          entries.push({ email, reason: 'unsubscribe', groupId, sourceCreatedAt: null });
        }
      }
    }
    const { organizationId, source } = this.ctx.job;
    this.ctx.tally.imported('group_suppressions', await insertSuppressions(client, organizationId, source, entries));
  }
}
