import { useEffect, useState } from 'preact/hooks';
import { DashboardSourcesDocument, DashboardStartDocument, type DashboardSourcesQuery, type SourceProvider } from '../../graphql/generated/operations.ts';
import { request } from '../api.ts';
import { go } from '../app.tsx';

type Source = DashboardSourcesQuery['migrationSources'][number];

/** One form per source, from the API's own description of it: a new source needs no UI change. */
export function Connect() {
  const [sources, setSources] = useState<Source[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    request(DashboardSourcesDocument).then((d) => setSources(d.migrationSources), (err: Error) => setError(err.message));
  }, []);
  if (error) return <p role="alert" class="error">{error}</p>;
  if (!sources) return <p aria-busy="true">Loading sources…</p>;
  return (
    <section>
      <h1>Connect a source</h1>
      <div class="grid">
        {sources.map((s) => <SourceForm key={s.id} source={s} />)}
      </div>
    </section>
  );
}

function SourceForm({ source }: { source: Source }) {
  const [credential, setCredential] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = source.credentialField;
  const inputId = `credential-${source.id}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { startMigration: r } = await request(DashboardStartDocument, { input: { source: source.id as SourceProvider, credential } });
      if (r.__typename === 'StartMigrationPayload') go(`/jobs/${r.migration.id}`);
      else if ('message' in r) setError(r.message);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby={`source-${source.id}`}>
      <h2 id={`source-${source.id}`}>{source.label}</h2>
      <ul class="muted">{source.notes.map((n) => <li key={n}>{n}</li>)}</ul>
      <label for={inputId}>{field.label}</label>
      <input id={inputId} name={field.name} type="password" autocomplete="off" placeholder={field.placeholder} required value={credential} onInput={(e) => setCredential(e.currentTarget.value)} aria-describedby={`${inputId}-help`} />
      <p id={`${inputId}-help`} class="muted small">{field.help}</p>
      {error && <p role="alert" class="error">{error}</p>}
      <button type="submit" disabled={busy || !credential}>{busy ? 'Checking the key…' : `Scan ${source.label}`}</button>
    </form>
  );
}
