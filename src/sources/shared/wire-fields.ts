import { z } from 'zod';

/**
 * Field shapes every provider's wire schemas share: as wide as the specs allow, so an unusual
 * value costs the field, never the record.
 */

/** A scalar the spec types as text; numbers and booleans are kept as their text, anything else dropped. */
export const wireText = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((v) => String(v))
  .nullable()
  .optional()
  .catch(null);

/** A record's id: text, or a number kept as its text. */
export const wireId = z.union([z.string().min(1), z.number()]).transform((v) => String(v));
