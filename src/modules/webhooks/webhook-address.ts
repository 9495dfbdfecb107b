import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { validationError } from '../../errors/app-error.js';

/** Whether an address is on the public internet (not loopback, private, link-local, ...). */
export function isPublicAddress(address: string): boolean {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible form (::a.b.c.d, which
    // ipaddr.js calls unicast) both reach the embedded IPv4 address: judge that one.
    const ipv4Compatible = v6.parts.slice(0, 6).every((part) => part === 0);
    if (v6.isIPv4MappedAddress() || ipv4Compatible) parsed = ipaddr.fromByteArray(v6.toByteArray().slice(12));
  }
  return parsed.range() === 'unicast';
}

/**
 * Refuses URLs that are not http(s), and, unless allowed, hosts that resolve to a non-public
 * address: a webhook must not become a way to reach our own network.
 */
export async function assertDeliverableUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw validationError('url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw validationError('url must use http or https');
  if (url.username || url.password) throw validationError('url must not contain credentials');
  if (url.port === '0') throw validationError('url must not use port 0');
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (!addresses.length) throw validationError(`url host ${host} does not resolve`);
  if (!addresses.every(isPublicAddress)) {
    throw validationError(`url host ${host} resolves to a loopback or private address; webhooks only go to public addresses`);
  }
  return url;
}
