import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthContext } from '../modules/api-keys/api-key.service.js';
import type { AppServices } from '../app-services.js';

/** What every resolver receives: a request-scoped entity manager, the caller and the services. */
export interface GraphQLContext {
  em: EntityManager;
  auth: AuthContext | null;
  services: AppServices;
}

/** The caller's identity; resolvers behind scope checks can rely on it. */
export function requireAuth(ctx: GraphQLContext): AuthContext {
  if (!ctx.auth) throw new Error('scope-auth let an unauthenticated request through');
  return ctx.auth;
}
