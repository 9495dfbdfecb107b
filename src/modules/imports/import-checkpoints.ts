/** Where an import stands, saved with every committed batch so a rerun resumes right there. */
export interface ImportCheckpoints {
  /** When the first run of this import began: contacts older than this existed before it. */
  startedAt?: string;
  domainsDone?: boolean;
  audiencesDone?: boolean;
  /** Per source list: the cursor after the last committed page. */
  lists?: Record<string, { after: string | null; done: boolean }>;
  global?: { after: string | null; done: boolean };
}

export interface ImportProgress {
  phase: 'domains' | 'audiences' | 'contacts' | 'done';
  counts: Record<string, { processed: number; total: number | null }>;
}
