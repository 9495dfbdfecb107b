import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { restError } from '../rest-errors.js';
import type { HttpEnv } from '../http-context.js';
import type { AuthContext } from '../../modules/api-keys/api-key.service.js';
import { UploadCut, UploadService, type UploadOutcome } from '../../modules/uploads/upload.service.js';
import { genericMappingSchema, givenName, uploadRequestSchema } from '../../modules/uploads/upload-formats.js';
import type { MigrationUpload } from '../../modules/uploads/upload.repository.js';
import { describeBodyIssues } from './rest-bodies.js';

/** `POST /v1/migrate/:id/uploads` and `PATCH …/uploads/:upload_id`: bodies stream past the JSON size limit. */
export const UPLOAD_PATH = /^\/v1\/migrate\/[^/]+\/uploads(\/[^/]+)?\/?$/;
export const isUploadRequest = (c: Context) => (c.req.method === 'POST' || c.req.method === 'PATCH') && UPLOAD_PATH.test(c.req.path);

/** An upload in the REST shape: what was recognized, never what the file holds. */
export function toRestUpload(u: MigrationUpload) {
  return {
    object: 'migration_upload',
    id: u.id,
    migration_id: u.job_id,
    status: u.status,
    filename: u.filename,
    format: u.format,
    content: u.content,
    received_bytes: u.received_bytes,
    expected_bytes: u.expected_bytes,
    rows: u.row_count,
    columns: u.columns,
    problem_count: u.problem_count,
    problems: u.problems,
    created_at: u.created_at.toISOString(),
    completed_at: u.completed_at?.toISOString() ?? null,
  };
}

const queryParams = z
  .object({
    format: uploadRequestSchema.shape.format,
    type: uploadRequestSchema.shape.type,
    filename: givenName(255).optional(),
    mapping: z.string().max(10_000).optional(),
  })
  .strict();

/** The upload routes call the upload service directly: GraphQL cannot stream a request body. */
export function uploadRoutes(services: ConstructorParameters<typeof UploadService>[0]): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const uploads = new UploadService(services);

  const caller = (c: Context<HttpEnv>, write: boolean): AuthContext | Response => {
    const auth = c.get('auth');
    if (!auth) return restError(c, 'unauthorized', 'Missing or invalid API key');
    if (write && auth.scope !== 'full_access') return restError(c, 'forbidden', 'This API key lacks the full_access scope required here');
    return auth;
  };
  const failed = (c: Context<HttpEnv>, err: unknown) => {
    if (err instanceof UploadCut) return restError(c, 'bad_request', err.message);
    if (!(err instanceof AppError)) throw err;
    // The unread rest of a refused body would be taken for the next request on this connection.
    if (c.req.method !== 'GET') c.header('Connection', 'close');
    return restError(c, err.code, err.message);
  };
  const answer = (c: Context<HttpEnv>, outcome: UploadOutcome, created: boolean) => {
    c.header('Upload-Offset', String(outcome.upload.received_bytes));
    c.header('Location', `/v1/migrate/${outcome.upload.job_id}/uploads/${outcome.upload.id}`);
    return c.json(toRestUpload(outcome.upload), outcome.complete ? (created ? 201 : 200) : 202);
  };
  const header = (c: Context<HttpEnv>, name: string): number | null | 'bad' => {
    const value = c.req.header(name);
    if (value === undefined) return null;
    return /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : 'bad';
  };
  const body = (c: Context<HttpEnv>) => c.req.raw.body ?? (async function* () {})();

  app.get('/', async (c) => {
    const auth = caller(c, false);
    if (auth instanceof Response) return auth;
    try {
      return c.json({ data: (await uploads.list(auth, c.req.param('id')!)).map(toRestUpload) });
    } catch (err) {
      return failed(c, err);
    }
  });

  app.get('/:uploadId', async (c) => {
    const auth = caller(c, false);
    if (auth instanceof Response) return auth;
    try {
      const upload = await uploads.get(auth, c.req.param('id')!, c.req.param('uploadId'));
      c.header('Upload-Offset', String(upload.received_bytes));
      return c.json(toRestUpload(upload));
    } catch (err) {
      return failed(c, err);
    }
  });

  /** The file as the body (CSV, or gzip of it); what it is, from the query string and the header row. */
  app.post('/', async (c) => {
    const auth = caller(c, true);
    if (auth instanceof Response) return auth;
    const params = queryParams.safeParse(c.req.query());
    if (!params.success) return restError(c, 'validation_error', describeBodyIssues(params.error.issues));
    let mapping: unknown;
    if (params.data.mapping !== undefined) {
      try {
        mapping = JSON.parse(params.data.mapping);
      } catch {
        return restError(c, 'validation_error', 'mapping must be a JSON object such as {"email":"E-mail","properties":{"Plan":"plan"}}');
      }
      const parsed = genericMappingSchema.safeParse(mapping);
      if (!parsed.success) return restError(c, 'validation_error', `mapping: ${describeBodyIssues(parsed.error.issues)}`);
      mapping = parsed.data;
    }
    // The whole size: Upload-Length, or the Content-Length of a body sent in one piece.
    const announced = header(c, 'upload-length');
    const length = announced ?? header(c, 'content-length');
    if (length === 'bad') return restError(c, 'validation_error', 'Upload-Length and Content-Length must be byte counts');
    try {
      const { format, type, filename } = params.data;
      const request = { ...(format ? { format } : {}), ...(type ? { type } : {}), ...(mapping ? { mapping: mapping as z.infer<typeof genericMappingSchema> } : {}) };
      const created = await uploads.create(auth, c.req.param('id')!, { filename: filename ?? null, request, expectedBytes: length });
      return answer(c, await uploads.receive(auth, created.job_id, created.id, 0, body(c)), true);
    } catch (err) {
      return failed(c, err);
    }
  });

  /** The rest of a cut upload, from `Upload-Offset` (the `received_bytes` it stands at). */
  app.patch('/:uploadId', async (c) => {
    const auth = caller(c, true);
    if (auth instanceof Response) return auth;
    const offset = header(c, 'upload-offset');
    if (offset === null || offset === 'bad') return restError(c, 'validation_error', 'Upload-Offset must say where the bytes of this request start (the upload’s received_bytes)');
    try {
      return answer(c, await uploads.receive(auth, c.req.param('id')!, c.req.param('uploadId'), offset, body(c)), false);
    } catch (err) {
      return failed(c, err);
    }
  });

  app.delete('/:uploadId', async (c) => {
    const auth = caller(c, true);
    if (auth instanceof Response) return auth;
    try {
      await uploads.remove(auth, c.req.param('id')!, c.req.param('uploadId'));
      return c.body(null, 204);
    } catch (err) {
      return failed(c, err);
    }
  });

  return app;
}
