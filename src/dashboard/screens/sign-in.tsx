import { useState } from 'preact/hooks';
import { DashboardViewerDocument } from '../../graphql/generated/operations.ts';
import { ApiError, request, session } from '../api.ts';
import type { Viewer } from '../app.tsx';

/** Sign in with an API key; it is kept for this tab only. */
export function SignIn({ onSignedIn }: { onSignedIn: (viewer: Viewer) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { viewer } = await request(DashboardViewerDocument, undefined, key.trim());
      session.signIn(key.trim());
      onSignedIn(viewer);
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'unauthorized' ? 'This API key was not accepted.' : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="center">
      <form class="card narrow" onSubmit={submit}>
        <h1>Sign in</h1>
        <p class="muted">With an API key of your organization (`npm run keys -- create`). It is kept for this tab only.</p>
        <label for="api-key">API key</label>
        <input id="api-key" type="password" autocomplete="off" required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        {error && <p role="alert" class="error">{error}</p>}
        <button type="submit" disabled={busy || !key.trim()}>Sign in</button>
      </form>
    </main>
  );
}
