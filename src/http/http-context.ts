import type { AuthContext } from '../modules/api-keys/api-key.service.js';

/**
 * What the HTTP middlewares put on each request's Hono context, in order: `requestId` (first),
 * `clientAddress`, then `auth` (the API key behind `Authorization`, or null).
 */
export type HttpEnv = {
  Variables: {
    requestId: string;
    clientAddress: string;
    auth: AuthContext | null;
  };
};
