import { builder } from './builder.js';
import '../modules/organizations/viewer.schema.js';
import '../modules/api-keys/api-key.schema.js';
import '../modules/migrations/migration.schema.js';
import '../modules/domains/domain.schema.js';
import '../modules/audiences/audience.schema.js';
import '../modules/custom-fields/custom-field.schema.js';
import '../modules/contacts/contact.schema.js';
import '../modules/templates/template.schema.js';
import '../modules/suppression-groups/suppression-group.schema.js';
import '../modules/suppressions/suppression.schema.js';
import '../modules/progress/progress.schema.js';
import '../modules/webhooks/webhook.schema.js';
import '../modules/uploads/upload.schema.js';

export const schema = builder.toSchema({ sortSchema: true });
