import { SourceError } from '../source-types.js';

/** SendGrid's image CDN, where Design Library and template images live. */
export const SENDGRID_CDN = 'https://cdn.mcauto-images-production.sendgrid.net';

/** Image URLs on SendGrid's CDN, in src attributes and CSS alike. */
export function hostedImageUrls(html: string): string[] {
  const found = new Set<string>();
  let at = html.indexOf(SENDGRID_CDN);
  while (at >= 0) {
    const end = html.slice(at).search(/["')\s<>]/);
    found.add(html.slice(at, end < 0 ? undefined : at + end));
    at = html.indexOf(SENDGRID_CDN, at + SENDGRID_CDN.length);
  }
  return [...found];
}

const IMAGE_TIMEOUT_MS = 30_000;

/**
 * Downloads a CDN image. Template bodies always name the real CDN; `cdnUrl` (SENDGRID_CDN_URL)
 * stands in for it when the CDN is emulated.
 */
export async function fetchImage(url: string, options: { cdnUrl?: string; signal?: AbortSignal }): Promise<{ bytes: Buffer; contentType: string }> {
  const from = options.cdnUrl ? url.replace(SENDGRID_CDN, options.cdnUrl.replace(/\/+$/, '')) : url;
  // An image that never finishes must not hold the templates phase: 30 s, whatever the caller's signal.
  const timeout = AbortSignal.timeout(IMAGE_TIMEOUT_MS);
  const res = await fetch(from, { signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout });
  if (!res.ok) throw new SourceError('unavailable', `SendGrid CDN image ${url} answered ${res.status}`);
  return { bytes: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
}
