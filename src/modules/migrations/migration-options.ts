import { z } from 'zod';
import { validationError } from '../../errors/app-error.js';

/** What the user approved; omitted fields default to everything the scan found. */
export const approveOptionsSchema = z
  .object({
    domains: z.array(z.string().min(1).max(253)).max(10_000).optional(),
    audiences: z.array(z.string().min(1).max(200)).max(10_000).optional(),
    contacts: z.boolean().optional(),
  })
  .strict();

export type ApproveOptions = z.infer<typeof approveOptionsSchema>;

export interface ImportOptions {
  domains: string[];
  audiences: string[];
  contacts: boolean;
}

interface ScanSelection {
  domains?: { name: string }[];
  audiences?: { id: string }[];
}

/**
 * Resolves the approval against the scan: defaults to all, and names anything the scan did not
 * find instead of silently ignoring it.
 */
export function resolveImportOptions(options: ApproveOptions | null | undefined, scan: ScanSelection): ImportOptions {
  const parsed = approveOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    throw validationError(parsed.error.issues.map((i) => `options.${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const scannedDomains = (scan.domains ?? []).map((d) => d.name);
  const scannedAudiences = (scan.audiences ?? []).map((a) => a.id);
  const pick = (field: string, requested: string[] | undefined, available: string[]) => {
    if (requested === undefined) return available;
    const known = new Set(available);
    const unknown = requested.filter((r) => !known.has(r));
    if (unknown.length) {
      throw validationError(`options.${field}: not in the scan result: ${unknown.slice(0, 10).join(', ')}`);
    }
    return [...new Set(requested)];
  };
  return {
    domains: pick('domains', parsed.data.domains?.map((d) => d.trim().toLowerCase()), scannedDomains),
    audiences: pick('audiences', parsed.data.audiences, scannedAudiences),
    contacts: parsed.data.contacts ?? true,
  };
}
