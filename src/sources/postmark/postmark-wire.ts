import { z } from 'zod';
import { wireText } from '../shared/wire-fields.js';

/** Postmark's response shapes (emulators/specs/postmark and the developer docs), as wide as they allow. */

export const wireErrorBody = z.object({ ErrorCode: z.number().optional().catch(undefined), Message: z.unknown().optional() }).passthrough().nullable().catch(null);

const count = z.number().int().nonnegative().optional().catch(undefined);
const items = z.array(z.unknown()).nullable().optional().catch(null);

export const wireServerList = z.object({ TotalCount: count, Servers: items });
/** The spec makes every field optional: a server without a name is named by its id (its id and token are what reading it needs). */
export const wireServer = z.object({ ID: z.number().int(), Name: wireText, ApiTokens: z.array(z.string()).nullable().optional().catch(null) });

export const wireDomainList = z.object({ TotalCount: count, Domains: items });
/** `Name` is optional in the spec: a list item without one takes the detail's, and a domain with neither is a row problem. */
export const wireDomain = z.object({ ID: z.number().int(), Name: wireText, SPFVerified: z.boolean().optional().catch(undefined), DKIMVerified: z.boolean().optional().catch(undefined), ReturnPathDomainVerified: z.boolean().optional().catch(undefined) });
export const wireDomainDetail = wireDomain.extend({ ID: z.number().int().optional().catch(undefined), DKIMHost: wireText, DKIMTextValue: wireText, DKIMPendingHost: wireText, DKIMPendingTextValue: wireText, ReturnPathDomain: wireText, ReturnPathDomainCNAMEValue: wireText });

export const wireSenderList = z.object({ TotalCount: count, SenderSignatures: items });
/** `Domain` is optional in the spec: without one, the domain of `EmailAddress`. */
export const wireSender = z.object({ ID: z.number().int(), Domain: wireText, EmailAddress: wireText, Confirmed: z.boolean().optional().catch(undefined) });

export const wireStreamList = z.object({ MessageStreams: items });
export const wireStream = z.object({ ID: z.string().min(1), Name: wireText, Description: wireText, MessageStreamType: wireText, ArchivedAt: wireText });

export const wireSuppressionDump = z.object({ Suppressions: items });
export const wireSuppression = z.object({ EmailAddress: z.string().min(1), SuppressionReason: wireText, Origin: wireText, CreatedAt: wireText });

/** The live API names the array `Templates`; the Swagger spec's TemplateListingResponse names it "Templates API" (a server written from the spec sends that). */
export const wireTemplateList = z.object({ TotalCount: count, Templates: items, 'Templates API': items });
export const wireTemplateSummary = z.object({ TemplateId: z.number().int(), Name: wireText, Alias: wireText, TemplateType: wireText });
/**
 * A template's detail. Its id is not read from it (the list gave it, and the detail is asked by
 * it): the spec names it `TemplateID`, the live API `TemplateId`, and a server may send either.
 */
export const wireTemplate = z.object({
  Name: wireText,
  Alias: wireText,
  Subject: wireText,
  HtmlBody: wireText,
  TextBody: wireText,
  Active: z.boolean().optional().catch(undefined),
  TemplateType: wireText,
  LayoutTemplate: wireText,
});
