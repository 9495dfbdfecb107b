import { useEffect, useState } from 'preact/hooks';
import { DashboardJobsChangedDocument, DashboardJobsDocument, type DashboardJobRowFragment } from '../../graphql/generated/operations.ts';
import { request, subscribe } from '../api.ts';
import { label, when, sourceName } from '../format.ts';

/** Every job of the organization, kept live by `migrationsChanged`. */
export function Jobs() {
  const [jobs, setJobs] = useState<DashboardJobRowFragment[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const changes: DashboardJobRowFragment[] = [];
    let apply: (change: DashboardJobRowFragment) => void = (change) => void changes.push(change);
    // Subscribed first, then listed: a change newer than the list replaces its row.
    const stop = subscribe(DashboardJobsChangedDocument, {}, ({ migrationsChanged }) => apply(migrationsChanged), setError);
    request(DashboardJobsDocument, {})
      .then(({ migrations }) => {
        let list = migrations.nodes.map((n) => n.progress);
        const merge = (change: DashboardJobRowFragment) => {
          const at = list.findIndex((j) => j.id === change.id);
          if (at < 0) list = [change, ...list];
          else if (list[at]!.updatedAt <= change.updatedAt) list = list.map((j, i) => (i === at ? change : j));
          setJobs(list);
        };
        changes.forEach(merge);
        apply = merge;
        setJobs(list);
      })
      .catch((err: Error) => setError(err.message));
    return stop;
  }, []);

  if (error) return <p role="alert" class="error">{error}</p>;
  if (!jobs) return <p aria-busy="true">Loading jobs…</p>;
  return (
    <section>
      <h1>Jobs</h1>
      {jobs.length === 0 ? (
        <p>No migrations yet. <a href="#/connect">Connect a source</a> to start one.</p>
      ) : (
        <table>
          <caption class="sr-only">Migration jobs, newest first</caption>
          <thead>
            <tr><th scope="col">Job</th><th scope="col">Source</th><th scope="col">Status</th><th scope="col">Progress</th><th scope="col">Started</th></tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id} data-job={j.id}>
                <td><a href={`#/jobs/${j.id}`}>{j.id}</a></td>
                <td>{sourceName(j.source)}</td>
                <td><span class={`status ${j.status}`}>{label(j.status)}</span></td>
                <td>{j.percent === null ? '–' : `${j.percent}%`}</td>
                <td>{when(j.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
