import { useEffect, useState } from 'preact/hooks';
import { DashboardViewerDocument, type DashboardViewerQuery } from '../graphql/generated/operations.ts';
import { request, session } from './api.ts';
import { SignIn } from './screens/sign-in.tsx';
import { Jobs } from './screens/jobs.tsx';
import { Connect } from './screens/connect.tsx';
import { Job } from './screens/job.tsx';
import { Browse } from './browse/browse.tsx';
import { TemplateView } from './templates/template-view.tsx';
import { Settings } from './settings/settings.tsx';

export type Viewer = DashboardViewerQuery['viewer'];

/** `#/jobs`, `#/jobs/<id>`, `#/connect`, `#/browse/<section>?<filters>`, `#/templates/<id>`, `#/settings`: hash routes, so the API serves one page. */
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

  const [path = '', search = ''] = route.split('?');
  const [, first = 'jobs', second] = path.split('/');
  const screen = (() => {
    if (first === 'jobs' && second) return <Job id={decodeURIComponent(second)} viewer={viewer} />;
    if (first === 'connect' && viewer.scope === 'full_access') return <Connect />;
    if (first === 'browse') return <Browse section={second ?? 'contacts'} query={new URLSearchParams(search)} />;
    if (first === 'templates' && second) return <TemplateView id={decodeURIComponent(second)} />;
    if (first === 'settings') return <Settings viewer={viewer} />;
    return <Jobs />;
  })();
  const navLink = (to: string, text: string) => (
    <a href={`#/${to}`} aria-current={first === to ? 'page' : undefined}>{text}</a>
  );
  return (
    <>
      <header class="bar">
        <strong>Migrations</strong>
        <nav aria-label="Main">
          {navLink('jobs', 'Jobs')}
          {viewer.scope === 'full_access' && navLink('connect', 'Connect a source')}
          {navLink('browse', 'Browse')}
          {navLink('settings', 'Settings')}
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
        {screen}
      </main>
    </>
  );
}
