import { validationError } from '../errors/app-error.js';

/**
 * Global ids are our own ids: each carries its type as a prefix (`mig_…`, `dom_…`), contacts are
 * UUIDs. So the id a REST client or a log line shows is the one `node(id:)` takes, and it never
 * changes with the API.
 */
const TYPE_BY_PREFIX: Record<string, string> = {
  mig: 'MigrationJob',
  dom: 'Domain',
  aud: 'Audience',
  fld: 'CustomField',
  tpl: 'Template',
  grp: 'SuppressionGroup',
  whe: 'WebhookEndpoint',
  msg: 'WebhookDelivery',
  key: 'ApiKey',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeGlobalID(_typename: string, id: string | number | bigint): string {
  return String(id);
}

export function decodeGlobalID(globalID: string): { typename: string; id: string } {
  if (UUID.test(globalID)) return { typename: 'Contact', id: globalID.toLowerCase() };
  const typename = TYPE_BY_PREFIX[globalID.slice(0, globalID.indexOf('_'))];
  if (!typename) throw validationError('id is not the id of anything this API serves', ['id']);
  return { typename, id: globalID };
}
