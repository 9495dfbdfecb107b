/**
 * A provider's date, if it is one we can store: years 1–9999 (JavaScript dates reach further
 * than PostgreSQL's timestamptz, in both directions); anything else is no date at all.
 */
export function storableDate(date: Date): Date | null {
  const year = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || year < 1 || year > 9999 ? null : date;
}
