/**
 * A Postmark account as its API serves it (emulators/specs/postmark and the provider notes):
 * servers with their message streams, templates and layouts and per-stream suppressions, and
 * the account's domains and sender signatures. Postmark has no contacts or lists.
 */

export interface PostmarkStreamRecord {
  ID: string;
  ServerID: number;
  Name: string;
  Description: string | null;
  MessageStreamType: 'Transactional' | 'Broadcasts' | 'Inbound';
  CreatedAt: string;
  UpdatedAt: string | null;
  ArchivedAt: string | null;
}

export interface PostmarkTemplateRecord {
  TemplateId: number;
  Name: string;
  Alias: string | null;
  Subject: string;
  HtmlBody: string;
  TextBody: string | null;
  Active: boolean;
  AssociatedServerId: number;
  TemplateType: 'Standard' | 'Layout';
  /** The alias of the layout a standard template uses. */
  LayoutTemplate: string | null;
}

export interface PostmarkSuppressionRecord {
  EmailAddress: string;
  SuppressionReason: 'HardBounce' | 'SpamComplaint' | 'ManualSuppression';
  Origin: 'Recipient' | 'Customer' | 'Admin';
  CreatedAt: string;
}

export interface PostmarkServerRecord {
  ID: number;
  Name: string;
  ApiTokens: string[];
  Color: string;
  ServerLink: string;
  streams: PostmarkStreamRecord[];
  templates: PostmarkTemplateRecord[];
  /** By stream id. */
  suppressions: Record<string, PostmarkSuppressionRecord[]>;
}

export interface PostmarkDomainRecord {
  ID: number;
  Name: string;
  SPFVerified: boolean;
  DKIMVerified: boolean;
  WeakDKIM: boolean;
  ReturnPathDomainVerified: boolean;
  DKIMHost: string;
  DKIMTextValue: string;
  ReturnPathDomain: string;
  ReturnPathDomainCNAMEValue: string;
}

export interface PostmarkSenderRecord {
  ID: number;
  Domain: string;
  EmailAddress: string;
  ReplyToEmailAddress: string;
  Name: string;
  Confirmed: boolean;
}

export interface PostmarkAccount {
  accountToken: string;
  servers: PostmarkServerRecord[];
  domains: PostmarkDomainRecord[];
  senders: PostmarkSenderRecord[];
}
