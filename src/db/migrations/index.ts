import { Migration0001Foundation } from './0001-foundation.js';
import { Migration0002Resources } from './0002-resources.js';
import { Migration0003Content } from './0003-content.js';
import { Migration0004ProgressAndWebhooks } from './0004-progress-and-webhooks.js';
import { Migration0005Media } from './0005-media.js';
import { Migration0006BulkLoadKeys } from './0006-bulk-load-keys.js';
import { Migration0007KeyRevocationNotify } from './0007-key-revocation-notify.js';
import { Migration0009JobRuns } from './0009-job-runs.js';
import { Migration0010ImportProblems } from './0010-import-problems.js';
import { Migration0008RateLimitsAndIdempotency } from './0008-rate-limits-and-idempotency.js';

import { Migration0011TypedJobModel } from './0011-typed-job-model.js';
import { Migration0012BrowseIndexes } from './0012-browse-indexes.js';
import { Migration0013ProgressEveryChange } from './0013-progress-every-change.js';
import { Migration0014TemplateTestData } from './0014-template-test-data.js';
import { Migration0015Uploads } from './0015-uploads.js';
/** Every schema migration, in order. New ones are appended, never edited once released. */
export const migrationsList = [
  { name: '0001-foundation', class: Migration0001Foundation },
  { name: '0002-resources', class: Migration0002Resources },
  { name: '0003-content', class: Migration0003Content },
  { name: '0004-progress-and-webhooks', class: Migration0004ProgressAndWebhooks },
  { name: '0005-media', class: Migration0005Media },
  { name: '0006-bulk-load-keys', class: Migration0006BulkLoadKeys },
  { name: '0007-key-revocation-notify', class: Migration0007KeyRevocationNotify },
  { name: '0008-rate-limits-and-idempotency', class: Migration0008RateLimitsAndIdempotency },
  { name: '0009-job-runs', class: Migration0009JobRuns },
  { name: '0010-import-problems', class: Migration0010ImportProblems },
  { name: '0011-typed-job-model', class: Migration0011TypedJobModel },
  { name: '0012-browse-indexes', class: Migration0012BrowseIndexes },
  { name: '0013-progress-every-change', class: Migration0013ProgressEveryChange },
  { name: '0014-template-test-data', class: Migration0014TemplateTestData },
  { name: '0015-uploads', class: Migration0015Uploads },
];
