/** Where an import stands, saved with every committed batch so a rerun resumes right there. */
export interface ImportCheckpoints {
  /** When the first run of this import began: contacts older than this existed before it. */
  startedAt?: string;
  /** Phases completed. */
  done?: Record<string, boolean>;
  /** Per source list: the cursor after the last committed page. */
  lists?: Record<string, { after: string | null; done: boolean }>;
  global?: { after: string | null; done: boolean };
  suppressions?: { after: string | null; done: boolean };
  /** Source template ids already handled. */
  templates?: string[];
}

export interface ImportProgress {
  phase: string;
  counts: Record<string, { processed: number; total: number | null }>;
  /** When the import began (for the ETA). */
  startedAt?: string;
}
