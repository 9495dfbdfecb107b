import { builder } from './builder.js';
import '../modules/organizations/viewer.schema.js';
import '../modules/api-keys/api-key.schema.js';
import '../modules/migrations/migration.schema.js';
import '../modules/destination/browse.schema.js';
import '../modules/progress/progress.schema.js';
import '../modules/webhooks/webhook.schema.js';

export const schema = builder.toSchema({ sortSchema: true });
