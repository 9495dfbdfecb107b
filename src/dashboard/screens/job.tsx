import { useEffect, useRef, useState } from 'preact/hooks';
import {
  DashboardCancelDocument,
  DashboardJobDocument,
  DashboardJobProgressDocument,
  DashboardRetryDocument,
  type DashboardJobQuery,
  type DashboardProgressFragment,
} from '../../graphql/generated/operations.ts';
import { request, subscribe } from '../api.ts';
import type { Viewer } from '../app.tsx';
import { count, duration, label, when, sourceName } from '../format.ts';
import { Review } from './review.tsx';
import { Problems } from './problems.tsx';

export type JobDetail = NonNullable<DashboardJobQuery['migration']>;

/** One job: its scan while scanning, the review when ready, live bars while importing, the result after. */
export function Job({ id, viewer }: { id: string; viewer: Viewer }) {
  const [job, setJob] = useState<JobDetail | null>(null);
  const [progress, setProgress] = useState<DashboardProgressFragment | null>(null);
  const [error, setError] = useState<string | null>(null);
  // migrationProgress completes after a terminal state: a retry follows the job afresh.
  const [run, setRun] = useState(0);

  // Only the latest read is shown: an earlier one answering late would bring back an older job.
  const reads = useRef(0);
  const load = () => {
    const read = ++reads.current;
    return request(DashboardJobDocument, { id }).then((d) => read === reads.current && setJob(d.migration), (err: Error) => setError(err.message));
  };
  useEffect(() => {
    void load();
    let status: string | null = null;
    return subscribe(
      DashboardJobProgressDocument,
      { id },
      ({ migrationProgress: p }) => {
        setProgress(p);
        // A new status brings what the job gained with it (the scan, the result). The first update
        // reloads too: the job may have moved on between the first read and the subscription.
        if (status !== p.status) void load();
        status = p.status;
      },
      setError,
    );
  }, [id, run]);

  if (error) return <p role="alert" class="error">{error}</p>;
  if (!job) return <p aria-busy="true">Loading the job…</p>;
  const live = progress ?? job.progress;
  const canAct = viewer.scope === 'full_access';
  const act = async (action: 'cancel' | 'retry') => {
    const r = action === 'cancel' ? (await request(DashboardCancelDocument, { id })).cancelMigration : (await request(DashboardRetryDocument, { id })).retryMigration;
    if ('message' in r) return setError(r.message);
    setProgress(null);
    void load();
    if (action === 'retry') setRun((n) => n + 1);
  };

  return (
    <section>
      <h1>{sourceName(job.source)} migration <span class={`status ${live.status}`}>{label(live.status)}</span></h1>
      <p class="muted">{job.id} · started {when(job.createdAt)}</p>
      {live.status === 'failed' && (
        <p role="alert" class="error">
          {live.errorMessage === 'cancelled' ? 'Cancelled.' : `Failed while ${live.failedPhase === 'scan' ? 'scanning' : 'importing'}: ${live.errorMessage}`}
        </p>
      )}
      {canAct && (
        <div class="actions">
          {!['completed', 'failed'].includes(live.status) && <button type="button" class="secondary" onClick={() => void act('cancel')}>Cancel</button>}
          {live.status === 'failed' && <button type="button" onClick={() => void act('retry')}>Retry</button>}
        </div>
      )}
      {(live.status === 'pending' || live.status === 'scanning') && <Scanning progress={live} />}
      {live.status === 'ready_for_review' && job.scanResult && (canAct ? <Review job={job} onApproved={() => void load()} onChanged={() => void load()} /> : <p>Waiting for someone with a full-access key to review and approve.</p>)}
      {(live.status === 'importing' || live.status === 'completed' || (live.status === 'failed' && live.counts.length > 0)) && <LiveProgress progress={live} />}
      {job.importResult && live.status !== 'importing' && <Result result={job.importResult} />}
      {job.importResult && live.status !== 'importing' && job.importResult.errors.length > 0 && (
        <Problems jobId={job.id} kinds={[...new Set(job.importResult.errors.map((e) => e.kind))]} />
      )}
    </section>
  );
}

function Scanning({ progress }: { progress: DashboardProgressFragment }) {
  return (
    <div class="card" aria-live="polite">
      <h2>Scanning…</h2>
      {progress.scanned.length === 0 ? <p class="muted">Reading the account.</p> : (
        <ul>{progress.scanned.map((s) => <li key={s.kind}>{label(s.kind)}: {count(s.found)}</li>)}</ul>
      )}
    </div>
  );
}

/** Records a second over the last updates, from the counters' growth. */
function useRate(progress: DashboardProgressFragment): number | null {
  const samples = useRef<{ at: number; processed: number }[]>([]);
  const processed = progress.counts.reduce((sum, c) => sum + c.processed, 0);
  const at = Date.parse(progress.updatedAt);
  const list = samples.current;
  if (!list.length || list.at(-1)!.at !== at) list.push({ at, processed });
  while (list.length > 8) list.shift();
  const first = list[0]!;
  const last = list.at(-1)!;
  return last.at > first.at ? ((last.processed - first.processed) * 1000) / (last.at - first.at) : null;
}

function LiveProgress({ progress }: { progress: DashboardProgressFragment }) {
  const rate = useRate(progress);
  return (
    <div class="card" aria-live="polite">
      <h2>Import</h2>
      <p class="summary">
        <span data-testid="percent">{progress.percent ?? 0}%</span>
        {progress.phase && progress.status === 'importing' && <span> · {label(progress.phase)}</span>}
        {progress.status === 'importing' && progress.etaSeconds !== null && <span> · about {duration(progress.etaSeconds)} left</span>}
        {rate !== null && progress.status === 'importing' && <span> · {Math.round(rate)} records/s</span>}
      </p>
      <div class="bars">
        {progress.counts.map((c) => {
          const barId = `bar-${c.kind}`;
          return (
            <div class="bar-row" key={c.kind} data-kind={c.kind}>
              <label for={barId}>{label(c.kind)}</label>
              <progress id={barId} max={c.total ?? Math.max(c.processed, 1)} value={c.processed} />
              <span class="small">
                {count(c.processed)} / {count(c.total)} · {count(c.imported)} imported{c.skipped ? ` · ${count(c.skipped)} skipped` : ''}
                {c.errors ? <span class="error"> · {count(c.errors)} errors</span> : null}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

type Reasons = NonNullable<JobDetail['importResult']>['skipped'];

function Result({ result }: { result: NonNullable<JobDetail['importResult']> }) {
  return (
    <div class="card">
      <h2>Result</h2>
      <table>
        <caption class="sr-only">Imported per kind</caption>
        <thead><tr><th scope="col">Kind</th><th scope="col">Imported</th></tr></thead>
        <tbody>{result.imported.map((e) => <tr key={e.counter}><td>{label(e.counter)}</td><td data-imported={e.counter}>{count(e.count)}</td></tr>)}</tbody>
      </table>
      <ReasonList title="Skipped" entries={result.skipped} />
      <ReasonList title="Could not be imported" entries={result.errors} />
    </div>
  );
}

function ReasonList({ title, entries }: { title: string; entries: Reasons }) {
  if (!entries.length) return null;
  return (
    <>
      <h3>{title}</h3>
      <ul>
        {entries.map((e) => (
          <li key={`${e.kind}:${e.reason}`}>
            {count(e.count)} {label(e.kind).toLowerCase()}: {e.reason} <span class="muted">(e.g. {e.examples.slice(0, 3).join(', ')})</span>
          </li>
        ))}
      </ul>
    </>
  );
}
