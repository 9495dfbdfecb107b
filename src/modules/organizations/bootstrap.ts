import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization } from './organization.entity.js';
import { createApiKey, createOrganization } from '../api-keys/api-key.service.js';

/**
 * On a brand-new database: a first organization and a full_access key, so a newcomer can call
 * the API at once. Returns the plaintext key, or null when the database already has tenants.
 */
export async function bootstrapFirstTenant(em: EntityManager): Promise<{ organizationName: string; key: string } | null> {
  return em.transactional(async (tx) => {
    // Serialise concurrent first starts.
    await tx.execute('lock table organizations in exclusive mode');
    if ((await tx.count(Organization, {})) > 0) return null;
    const org = await createOrganization(tx, 'Default organization');
    const { plaintext } = await createApiKey(tx, {
      organizationId: org.id,
      scope: 'full_access',
      name: 'bootstrap',
    });
    return { organizationName: org.name, key: plaintext };
  });
}
