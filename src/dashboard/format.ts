/** "1,234" */
export const count = (n: number | null | undefined) => (n === null || n === undefined ? '–' : n.toLocaleString('en-US'));

/** "3 min 20 s" */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "custom_fields" → "Custom fields" */
export const label = (kind: string) => kind.charAt(0).toUpperCase() + kind.slice(1).replace(/_/g, ' ');

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' }) : '–');

/** How the sources spell their own names; one not listed yet reads as its id capitalised. */
const SOURCE_NAMES: Record<string, string> = { resend: 'Resend', sendgrid: 'SendGrid', mailgun: 'Mailgun', postmark: 'Postmark' };
export const sourceName = (source: string) => SOURCE_NAMES[source] ?? label(source);
