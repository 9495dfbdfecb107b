import { useEffect, useState } from 'preact/hooks';
import { DashboardProblemsDocument, type DashboardProblemsQuery, type RecordKind } from '../../graphql/generated/operations.ts';
import { request, session } from '../api.ts';
import { count, label, when } from '../format.ts';

type Page = NonNullable<DashboardProblemsQuery['migration']>['problems'];

/** Every record the import could not bring, by kind, 50 at a time, and the whole list as CSV. */
export function Problems({ jobId, kinds }: { jobId: string; kinds: RecordKind[] }) {
  const [kind, setKind] = useState<RecordKind | ''>('');
  const [pages, setPages] = useState<Page[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = (after: string | null, reset: boolean) =>
    request(DashboardProblemsDocument, { id: jobId, kind: kind || null, after }).then(
      (d) => d.migration && setPages((p) => (reset ? [d.migration!.problems] : [...p, d.migration!.problems])),
      (err: Error) => setError(err.message),
    );
  useEffect(() => void load(null, true), [jobId, kind]);

  const download = async () => {
    const res = await fetch(`/v1/migrate/${encodeURIComponent(jobId)}/problems.csv`, { headers: { authorization: `Bearer ${session.key ?? ''}` } });
    if (!res.ok) return setError(`The CSV could not be read (${res.status})`);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await res.blob());
    link.download = `${jobId}-problems.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    // Revoked once the browser has taken the file: at once would cancel the download.
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };

  const last = pages.at(-1);
  const rows = pages.flatMap((p) => p.nodes);
  return (
    <div class="card">
      <h2>Problem report</h2>
      <div class="actions">
        <label for="problem-kind">Kind</label>
        <select id="problem-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as RecordKind | '')}>
          <option value="">All kinds</option>
          {kinds.map((k) => <option key={k} value={k}>{label(k)}</option>)}
        </select>
        <button type="button" class="secondary" onClick={() => void download()}>Download CSV</button>
      </div>
      {error && <p role="alert" class="error">{error}</p>}
      {last && <p class="muted" data-testid="problem-count">{count(last.totalCount)} problems</p>}
      {rows.length > 0 && (
        <table>
          <caption class="sr-only">Records that could not be imported</caption>
          <thead><tr><th scope="col">Kind</th><th scope="col">Record</th><th scope="col">Reason</th><th scope="col">Found</th></tr></thead>
          <tbody>
            {rows.map((p) => (
              <tr key={`${p.kind}:${p.sourceId}:${p.reason}`}><td>{label(p.kind)}</td><td>{p.sourceId}</td><td>{p.reason}</td><td>{when(p.createdAt)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {last?.pageInfo.hasNextPage && <button type="button" class="secondary" onClick={() => void load(last.pageInfo.endCursor, false)}>Show 50 more</button>}
    </div>
  );
}
