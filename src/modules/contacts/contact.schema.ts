import { builder } from '../../graphql/builder.js';
import { requireAuth, type GraphQLContext } from '../../graphql/context.js';
import { pageRequest, toConnection } from '../../graphql/pagination.js';
import { requestMemo } from '../../graphql/request-memo.js';
import { pageMemberships, type MembershipRecord } from '../audiences/audience.repository.js';
import { AudienceRef } from '../audiences/audience.schema.js';
import { customFieldsByName, type CustomFieldRecord } from '../custom-fields/custom-field.repository.js';
import { CustomFieldRef } from '../custom-fields/custom-field.schema.js';
import { storedValueText } from '../custom-fields/value-text.js';
import { MigrationJobRef } from '../migrations/migration.schema.js';
import { MigrationService } from '../migrations/migration.service.js';
import { suppressionsOfEmail } from '../suppressions/suppression.repository.js';
import { SuppressionRef } from '../suppressions/suppression.schema.js';
import { contactKey, contactOrder, findContact, pageContacts, type ContactRecord } from './contact.repository.js';

/** The longest address there is: a longer prefix is refused rather than matching nothing. */
const MAX_EMAIL_LENGTH = 254;

interface CustomFieldValue {
  field: CustomFieldRecord;
  value: string | null;
}

const CustomFieldValueRef = builder.objectRef<CustomFieldValue>('CustomFieldValue').implement({
  description: 'A contact’s value of one custom field.',
  fields: (t) => ({
    field: t.field({ type: CustomFieldRef, description: 'The custom field', resolve: (v) => v.field }),
    value: t.exposeString('value', {
      nullable: true,
      description: 'The value as text: a string as it is, a number or boolean as JSON writes it (`42.5`, `true`), a date in ISO-8601; null for null',
    }),
  }),
});

const AudienceMembershipRef = builder.objectRef<MembershipRecord>('AudienceMembership').implement({
  description: 'A contact’s membership of one audience.',
  fields: (t) => ({
    audience: t.field({ type: AudienceRef, description: 'The audience', resolve: (m) => m.audience }),
    unsubscribed: t.exposeBoolean('unsubscribed', { description: 'Opted out of this audience only (the legacy per-audience opt-out); the contact’s own `unsubscribed` is the global one' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the contact joined it here' }),
  }),
});

/** The organization's custom fields by name, read once per request for every contact of a page. */
const fieldsOf = (ctx: GraphQLContext) => requestMemo(ctx, 'custom-fields', () => customFieldsByName(ctx.em, requireAuth(ctx).organizationId));

/** Values are stored by field name; a name no field of the organization has (none is written so) is left out. */
async function customFieldValues(contact: ContactRecord, ctx: GraphQLContext): Promise<CustomFieldValue[]> {
  const fields = await fieldsOf(ctx);
  return Object.entries(contact.customFields)
    .flatMap(([name, value]) => {
      const field = fields.get(name);
      return field ? [{ field, value: storedValueText(value) }] : [];
    })
    .sort((a, b) => (a.field.name < b.field.name ? -1 : a.field.name > b.field.name ? 1 : 0));
}

export const ContactRef = builder.objectRef<ContactRecord>('Contact');

builder.node(ContactRef, {
  description: 'A contact of the organization.',
  id: { resolve: (c) => c.id, description: 'Its id (a UUID)' },
  loadOne: (id, ctx) => findContact(ctx.em, requireAuth(ctx).organizationId, id),
  fields: (t) => ({
    email: t.exposeString('email', { description: 'Lower-cased: the identity of the contact' }),
    emailDisplay: t.exposeString('emailDisplay', { description: 'As the source had it' }),
    firstName: t.exposeString('firstName', { nullable: true, description: 'First name' }),
    lastName: t.exposeString('lastName', { nullable: true, description: 'Last name' }),
    unsubscribed: t.exposeBoolean('unsubscribed', { description: 'Globally unsubscribed' }),
    audienceUnsubscribed: t.exposeBoolean('audienceUnsubscribed', {
      nullable: true,
      description: 'Unsubscribed from the audience it was listed under (`contacts(audienceId:)`); null outside an audience',
    }),
    customFieldValues: t.field({
      type: [CustomFieldValueRef],
      description: 'Its custom field values, by field name (fields it has no value of are left out: see their fallbackValue)',
      resolve: (c, _args, ctx) => customFieldValues(c, ctx),
    }),
    memberships: t.connection({
      type: AudienceMembershipRef,
      description: 'The audiences it is a member of, by audience id',
      resolve: async (c, args, ctx) => {
        const request = pageRequest(args);
        const page = await pageMemberships(ctx.em, requireAuth(ctx).organizationId, c.id, request);
        return toConnection(page.rows, request, (m) => m.audience.id, page.totalCount);
      },
    }),
    suppressions: t.field({
      type: [SuppressionRef],
      description: 'Where its address is suppressed: account-wide first, then by group; empty when nowhere',
      resolve: (c, _args, ctx) => suppressionsOfEmail(ctx.em, requireAuth(ctx).organizationId, c.email),
    }),
    migration: t.field({
      type: MigrationJobRef,
      nullable: true,
      description: 'The migration that first brought it here (later ones merge into it); null when none recorded it',
      resolve: (c, _args, ctx) =>
        c.migrationJobId === null
          ? null
          : requestMemo(ctx, `migration:${c.migrationJobId}`, () => new MigrationService(ctx.services).find(requireAuth(ctx), c.migrationJobId!)),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was first imported' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When an import last changed it' }),
  }),
});

builder.queryFields((t) => ({
  contacts: t.connection({
    type: ContactRef,
    description:
      'The organization’s contacts matching every filter given: by email when `emailPrefix` is given, by id otherwise (cursors of one order do not continue the other)',
    args: {
      emailPrefix: t.arg.string({
        description: `Only addresses that start with this (compared lower-cased, character for character: no wildcards); at most ${MAX_EMAIL_LENGTH} characters`,
        validate: { maxLength: [MAX_EMAIL_LENGTH, { message: `at most ${MAX_EMAIL_LENGTH} characters (no address is longer)` }] },
      }),
      audienceId: t.arg.id({ description: 'Only members of this audience (`aud_…`); not_found when it is not the organization’s' }),
      unsubscribed: t.arg.boolean({
        description: 'Only contacts that are (true) or are not (false) unsubscribed: globally, or, with audienceId, from that audience or globally',
      }),
      migrationId: t.arg.id({ description: 'Only contacts this migration (`mig_…`) brought here first; not_found when it is not the organization’s' }),
    },
    resolve: async (_r, args, ctx) => {
      const request = pageRequest(args);
      const filter = {
        emailPrefix: args.emailPrefix ?? null,
        audienceId: args.audienceId == null ? null : String(args.audienceId),
        unsubscribed: args.unsubscribed ?? null,
        migrationId: args.migrationId == null ? null : String(args.migrationId),
      };
      const page = await pageContacts(ctx.em, requireAuth(ctx).organizationId, filter, request);
      return toConnection(page.rows, request, contactKey(contactOrder(filter)), page.totalCount);
    },
  }),
}));
