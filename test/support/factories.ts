import type { TestDatabase } from './test-database.js';
import { createApiKey, createOrganization } from '../../src/modules/api-keys/api-key.service.js';
import type { ApiKeyScope } from '../../src/modules/api-keys/api-key.entity.js';

let counter = 0;

/** A new organization of its own with one key of the given scope. */
export async function createOrgWithKey(db: TestDatabase, scope: ApiKeyScope = 'full_access') {
  const em = db.orm.em.fork();
  const org = await createOrganization(em, `Test org ${process.pid}-${++counter}-${Date.now()}`);
  const { apiKey, plaintext } = await createApiKey(em, { organizationId: org.id, scope });
  return { org, apiKey, key: plaintext };
}

export async function addKey(db: TestDatabase, organizationId: string, scope: ApiKeyScope) {
  const { apiKey, plaintext } = await createApiKey(db.orm.em.fork(), { organizationId, scope });
  return { apiKey, key: plaintext };
}
