import { useEffect, useState } from 'preact/hooks';
import { DashboardViewerDocument, type DashboardViewerQuery } from '../graphql/generated/operations.ts';
import { request, session } from './api.ts';
import { SignIn } from './screens/sign-in.tsx';
import { Jobs } from './screens/jobs.tsx';
import { Connect } from './screens/connect.tsx';
import { Job } from './screens/job.tsx';

export type Viewer = DashboardViewerQuery['viewer'];

/** `#/jobs`, `#/connect`, `#/jobs/<id>`: hash routes, so the API serves one page. */
function useRoute(): string {
  const [route, setRoute] = useState(location.hash.slice(1) || '/jobs');
  useEffect(() => {
    const changed = () => setRoute(location.hash.slice(1) || '/jobs');
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export const go = (route: string) => void (location.hash = route);

export function App() {
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [checking, setChecking] = useState(session.key !== null);
  const route = useRoute();

  useEffect(() => {
    if (!session.key) return;
    request(DashboardViewerDocument)
      .then((data) => setViewer(data.viewer))
      .catch(() => session.signOut())
      .finally(() => setChecking(false));
  }, []);

  if (checking) return <main class="center" aria-busy="true">Loading…</main>;
  if (!viewer) return <SignIn onSignedIn={setViewer} />;

  const jobMatch = /^\/jobs\/([^/]+)$/.exec(route);
  return (
    <>
      <header class="bar">
        <strong>Migrations</strong>
        <nav aria-label="Main">
          <a href="#/jobs" aria-current={route === '/jobs' ? 'page' : undefined}>Jobs</a>
          {viewer.scope === 'full_access' && <a href="#/connect" aria-current={route === '/connect' ? 'page' : undefined}>Connect a source</a>}
        </nav>
        <span class="muted">{viewer.organization.name} · {viewer.scope === 'full_access' ? 'full access' : 'read only'}</span>
        <button
          type="button"
          class="link"
          onClick={() => {
            session.signOut();
            setViewer(null);
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        {jobMatch ? <Job id={decodeURIComponent(jobMatch[1]!)} viewer={viewer} /> : route === '/connect' ? <Connect /> : <Jobs />}
      </main>
    </>
  );
}
