import { builder } from '../../graphql/builder.js';
import { requireAuth } from '../../graphql/context.js';
import { pageRequest, toConnection } from '../../graphql/pagination.js';
import { CustomFieldTypeEnum } from '../migrations/migration-model.schema.js';
import { findCustomField, pageCustomFields, type CustomFieldRecord } from './custom-field.repository.js';
import { storedValueText } from './value-text.js';

export const CustomFieldRef = builder.objectRef<CustomFieldRecord>('CustomField');

builder.node(CustomFieldRef, {
  description: 'A custom field of the organization’s contacts (imported from a source contact property).',
  id: { resolve: (f) => f.id, description: 'Its id (`fld_…`)' },
  loadOne: (id, ctx) => findCustomField(ctx.em, requireAuth(ctx).organizationId, id),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Its name, unique in the organization: what templates and values refer to' }),
    type: t.field({ type: CustomFieldTypeEnum, description: 'The type of its values', resolve: (f) => f.fieldType }),
    fallbackValue: t.string({
      nullable: true,
      description: 'What a contact without a value of it gets, as text (`42.5`, `true`, an ISO-8601 date); null when there is none',
      resolve: (f) => storedValueText(f.fallbackValue),
    }),
    sourceProvider: t.exposeString('sourceProvider', { nullable: true, description: 'Where it came from' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was imported' }),
  }),
});

builder.queryFields((t) => ({
  customFields: t.connection({
    type: CustomFieldRef,
    description: 'The organization’s custom fields, by name',
    resolve: async (_r, args, ctx) => {
      const request = pageRequest(args);
      const page = await pageCustomFields(ctx.em, requireAuth(ctx).organizationId, request);
      return toConnection(page.rows, request, (f) => f.name, page.totalCount);
    },
  }),
}));
