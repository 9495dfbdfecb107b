import { useState } from 'preact/hooks';
import { DashboardCreateUploadDocument, type DashboardUploadFragment } from '../../graphql/generated/operations.ts';
import { request, session } from '../api.ts';
import { count, label } from '../format.ts';

/**
 * Files joining the migration before approval: a provider's contacts or suppression CSV export.
 * The upload is created over GraphQL; its bytes stream to the upload URL it names (on this origin).
 */
export function Uploads({ jobId, uploads, saves, onChanged }: { jobId: string; uploads: DashboardUploadFragment[]; saves: string | null; onChanged: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const { createMigrationUpload: r } = await request(DashboardCreateUploadDocument, { input: { migrationId: jobId, filename: file.name, byteLength: file.size } });
      if ('message' in r) return setError(r.message);
      const res = await fetch(new URL(r.uploadUrl).pathname, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${session.key ?? ''}`, 'upload-offset': '0', 'content-type': file.type || 'text/csv' },
        body: file,
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
        return setError(body?.error?.message ?? `The upload answered ${res.status}`);
      }
      setFile(null);
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset class="card">
      <legend>Uploaded exports ({uploads.length})</legend>
      <p class="small muted">
        A contacts or suppression CSV from the provider’s dashboard (gzip is fine). A contacts export stands in for reading every contact’s properties one by one{saves ? `: ${saves}` : ''}.
      </p>
      {uploads.length > 0 && (
        <table>
          <caption class="sr-only">Uploaded files</caption>
          <thead><tr><th scope="col">File</th><th scope="col">Recognized as</th><th scope="col">Rows</th><th scope="col">Problems</th></tr></thead>
          <tbody>
            {uploads.map((u) => (
              <tr key={u.id} data-upload={u.format ?? u.status}>
                <td>{u.filename ?? u.id}</td>
                <td>{u.format ? label(u.format) : 'still arriving'}</td>
                <td>{count(u.rows)}</td>
                <td>{u.problemCount ? <span title={u.problems.slice(0, 5).map((p) => `line ${p.line}: ${p.reason}`).join('\n')}>{count(u.problemCount)}</span> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="actions">
        <label for="upload-file">CSV export</label>
        <input id="upload-file" type="file" accept=".csv,.gz,text/csv,application/gzip" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        <button type="button" class="secondary" disabled={!file || busy} onClick={() => void send()}>{busy ? 'Uploading…' : 'Upload'}</button>
      </div>
      {error && <p role="alert" class="error">{error}</p>}
    </fieldset>
  );
}
