import { Hono } from 'hono';
import type { AppServices } from '../app-services.js';
import { restError } from './rest-errors.js';
import { findMediaAsset } from '../modules/media/media.repository.js';

/**
 * Re-hosted media, public like any image in an email: the path is the content's SHA-256, so it
 * is immutable and cannot be guessed from anything but the content itself.
 */
export function mediaRoutes(services: AppServices): Hono {
  const app = new Hono();
  app.get('/:file', async (c) => {
    const match = /^([0-9a-f]{64})\.[a-z]{2,4}$/.exec(c.req.param('file'));
    if (!match) return restError(c, 'not_found', 'No such media');
    const asset = await findMediaAsset(services.pool, match[1]!);
    if (!asset) return restError(c, 'not_found', 'No such media');
    return c.body(new Uint8Array(asset.bytes), 200, {
      'content-type': asset.contentType,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
  });
  return app;
}
