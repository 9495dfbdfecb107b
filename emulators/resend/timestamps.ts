/**
 * Resend returns timestamps as Postgres text (`2025-11-30 20:41:40.84216+00`), not ISO-8601.
 * Postgres drops trailing zeros of the microseconds, which is why the precision varies; rows
 * written by older code paths carry only milliseconds (`…:56.678+00`).
 */

const PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?\+00$/;

/** Formats epoch microseconds the way Postgres prints a timestamptz in UTC. */
export function formatPgTimestamp(epochMicros: number): string {
  const secondMs = Math.floor(epochMicros / 1_000_000) * 1000;
  const micros = epochMicros - secondMs * 1000;
  const iso = new Date(secondMs).toISOString(); // 2025-11-30T20:41:40.000Z
  const fraction = String(micros).padStart(6, '0').replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}+00`;
}

/** Epoch microseconds of a Postgres-text timestamp; throws on anything else. */
export function parsePgTimestamp(text: string): number {
  const m = PATTERN.exec(text);
  if (!m) throw new Error(`not a Postgres timestamp: ${text}`);
  const [, y, mo, d, h, mi, s, frac = ''] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return ms * 1000 + Number(frac.padEnd(6, '0'));
}

export function isPgTimestamp(text: string): boolean {
  return PATTERN.test(text);
}
