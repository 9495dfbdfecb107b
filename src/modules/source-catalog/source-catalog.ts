import type { ErrorCode } from '../../errors/app-error.js';
import { quoteInput } from '../../errors/message-text.js';

/** Every source value the API knows; only `enabled` ones can be migrated from today. */
export const KNOWN_SOURCES = ['resend', 'sendgrid', 'mailgun', 'postmark'] as const;
export type KnownSource = (typeof KNOWN_SOURCES)[number];

export interface SourceDescriptor {
  id: KnownSource;
  label: string;
  enabled: boolean;
  credentialErrorCode: ErrorCode;
  credentialField: { name: 'credential'; label: string; placeholder: string; help: string };
  notes: string[];
}

const CATALOG: SourceDescriptor[] = [
  {
    id: 'resend',
    label: 'Resend',
    enabled: true,
    credentialErrorCode: 'invalid_resend_credential',
    credentialField: {
      name: 'credential',
      label: 'Resend API key',
      placeholder: 're_…',
      help: 'Create a Full access key at https://resend.com/api-keys (Resend has no read-only keys; a Sending access key cannot read your account). We only read from your account — we never send mail or modify resources.',
    },
    notes: [
      'We will import domains, audiences and segments, contacts with their memberships, contact properties (as custom fields, with their values), templates, topics (as suppression groups, with who opted out) and your suppression list; unsubscribed contacts are suppressed globally.',
      'Templates keep Resend’s {{{VARIABLE}}} and {{{VARIABLE|fallback}}} syntax; loops, conditionals and other Handlebars constructs are flagged for review with their exact position.',
      'Contact properties and topic subscriptions cost one request per contact each: the scan shows what they add, and you can leave them out when approving.',
      'We do NOT import API keys (security) or webhooks (you will re-register URLs after migration).',
      'Reads are paced under your team’s Resend rate limit, which your own traffic shares; the scan shows how many requests and how long the import will take.',
    ],
  },
  {
    id: 'sendgrid',
    label: 'SendGrid',
    enabled: true,
    credentialErrorCode: 'invalid_sendgrid_credential',
    credentialField: {
      name: 'credential',
      label: 'SendGrid API key',
      placeholder: 'SG.…',
      help: 'Create a key at https://app.sendgrid.com/settings/api_keys with Read Access to Marketing, Template Engine, Suppressions and Unsubscribe Groups. We only read from your account (a contact export is started, which changes nothing).',
    },
    notes: [
      'We will import contact lists, contacts (through SendGrid’s contact export) with their custom fields, dynamic templates (active version), unsubscribe groups with their suppressed addresses, and global unsubscribes, bounces, blocks, spam reports and invalid emails.',
      'The scan checks your key’s scopes and names every kind a missing scope leaves out.',
      'Handlebars constructs we cannot render the same way are flagged for review with their exact position.',
      'We do NOT import API keys, sender identities or domain authentication (re-authenticate your domain here).',
    ],
  },
  {
    id: 'mailgun',
    label: 'Mailgun',
    enabled: true,
    credentialErrorCode: 'invalid_mailgun_credential',
    credentialField: {
      name: 'credential',
      label: 'Mailgun private API key',
      placeholder: 'key-… or the key’s hex',
      help: 'The account’s private API key (Mailgun → API Security), US or EU: we find the region the key belongs to. A Domain Sending Key cannot read the account. We only read from your account.',
    },
    notes: [
      'We will import domains with their DNS records, mailing lists as audiences with their members (one contact per address, however many lists it is on; a member unsubscribed from a list stays unsubscribed from that audience only) and their vars as custom fields (typed by their values), templates of every domain (the active version, subject from its headers), bounces, complaints and unsubscribes.',
      'An unsubscribe tagged * is account-wide and goes to the suppression list; every other tag becomes a suppression group with who unsubscribed from it. The allowlist is reported, not imported.',
      'Handlebars constructs we cannot render the same way are flagged for review with their exact position.',
      'We do NOT import API keys, webhooks, routes or sending IPs.',
    ],
  },
  {
    id: 'postmark',
    label: 'Postmark',
    enabled: true,
    credentialErrorCode: 'invalid_postmark_credential',
    credentialField: {
      name: 'credential',
      label: 'Postmark API token',
      placeholder: 'an Account or a Server API token',
      help: 'An Account API token (Postmark → Account → API Tokens; account owners and admins) reads every server, the domains and the sender signatures; a Server API token (a server → API Tokens) reads that server only. We tell you which we got. We only read from your account.',
    },
    notes: [
      'Postmark has no contacts, lists or custom fields: nothing of those kinds comes from it.',
      'We will import domains with their DKIM and Return-Path records and the domains of sender signatures (Account token only), every server’s templates and layouts (layouts, and templates rendered inside one, are flagged for review: this platform has no layouts), and suppressions: a transactional stream’s are account-wide here; each broadcast stream becomes a suppression group with who is suppressed on it.',
      'Mustachio constructs we cannot render the same way ({{#each}}, sections, inverted sections) are flagged for review with their exact position.',
      'We do NOT import servers or streams themselves, webhooks, inbound rules or bounce history.',
    ],
  },
];

export function enabledSources(): SourceDescriptor[] {
  return CATALOG.filter((s) => s.enabled);
}

export function findSource(id: string): SourceDescriptor | undefined {
  return CATALOG.find((s) => s.id === id);
}

export function isKnownSource(id: string): id is KnownSource {
  return (KNOWN_SOURCES as readonly string[]).includes(id);
}

export function unknownSourceMessage(source: string): string {
  return `source must be one of the supported sources (see GET /v1/migrate/sources); got ${quoteInput(source)}`;
}
