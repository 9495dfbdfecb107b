import { useState } from 'preact/hooks';
import {
  DashboardCreateWebhookEndpointDocument,
  DashboardDeleteWebhookEndpointDocument,
  DashboardWebhookDeliveriesDocument,
  DashboardWebhookEndpointsDocument,
  type WebhookEvent,
} from '../../graphql/generated/operations.ts';
import { request } from '../api.ts';
import { count, label, when } from '../format.ts';
import { Pager, usePages } from '../paging.tsx';
import { OneTimeSecret } from './settings.tsx';

const EVENTS: WebhookEvent[] = ['migration_scan_completed', 'migration_completed', 'migration_failed'];

function Deliveries({ endpointId }: { endpointId: string }) {
  const pages = usePages(endpointId, async (after) => {
    const { node } = await request(DashboardWebhookDeliveriesDocument, { id: endpointId, after });
    if (node?.__typename !== 'WebhookEndpoint') throw new Error('The endpoint is gone.');
    return node.deliveries;
  });
  if (pages.error) return <p role="alert" class="error">{pages.error}</p>;
  if (!pages.page) return <p aria-busy="true">Loading deliveries…</p>;
  if (!pages.page.nodes.length) return <p class="muted">Nothing delivered yet.</p>;
  return (
    <>
      <table>
        <caption class="sr-only">Deliveries, newest first</caption>
        <thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Sent</th></tr></thead>
        <tbody>
          {pages.page.nodes.map((d) => (
            <tr key={d.id} data-delivery={d.status}>
              <td>{label(d.event)}</td>
              <td><span class={`status ${d.status === 'delivered' ? 'completed' : d.status === 'failed' ? 'failed' : ''}`}>{label(d.status)}</span></td>
              <td>{count(d.attempts)}</td>
              <td>{d.lastStatusCode ?? '–'}{d.lastError && <div class="small error">{d.lastError}</div>}</td>
              <td>{when(d.deliveredAt ?? d.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager pages={pages} noun="deliveries" />
    </>
  );
}

export function WebhookEndpoints({ canChange }: { canChange: boolean }) {
  const [version, setVersion] = useState(0);
  const pages = usePages(version, (after) => request(DashboardWebhookEndpointsDocument, { after }).then((d) => d.webhookEndpoints));
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<Set<WebhookEvent>>(new Set(EVENTS));
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const { createWebhookEndpoint: r } = await request(DashboardCreateWebhookEndpointDocument, { input: { url: url.trim(), events: [...events] } });
    if ('message' in r) return setError(r.message);
    setSecret(r.secret);
    setUrl('');
    setVersion((v) => v + 1);
  };
  const remove = async (id: string, endpointUrl: string) => {
    if (!confirm(`Stop sending events to ${endpointUrl}?`)) return;
    const { deleteWebhookEndpoint: r } = await request(DashboardDeleteWebhookEndpointDocument, { id });
    if ('message' in r) return setError(r.message);
    setVersion((v) => v + 1);
  };
  const toggle = (event: WebhookEvent) =>
    setEvents((s) => {
      const next = new Set(s);
      if (next.has(event)) next.delete(event);
      else next.add(event);
      return next;
    });

  return (
    <div class="card">
      <h2>Webhook endpoints</h2>
      {secret && <OneTimeSecret title="The endpoint’s signing secret" secret={secret} onDone={() => setSecret(null)} />}
      {canChange && (
        <form onSubmit={(e) => void create(e).catch((err: Error) => setError(err.message))}>
          <label for="webhook-url">URL</label>
          <input id="webhook-url" type="text" inputMode="url" value={url} required onInput={(e) => setUrl(e.currentTarget.value)} placeholder="https://example.com/hooks/migrations" />
          <fieldset>
            <legend>Events</legend>
            {EVENTS.map((event) => (
              <div class="choice" key={event}>
                <input type="checkbox" id={`event-${event}`} checked={events.has(event)} onChange={() => toggle(event)} />
                <label for={`event-${event}`}>{label(event)}</label>
              </div>
            ))}
          </fieldset>
          <button type="submit">Add endpoint</button>
        </form>
      )}
      {(error ?? pages.error) && <p role="alert" class="error">{error ?? pages.error}</p>}
      {pages.page && pages.page.nodes.length === 0 && <p class="muted">No endpoints.</p>}
      {pages.page?.nodes.map((w) => (
        <div class="endpoint" key={w.id} data-endpoint={w.url}>
          <p>
            <strong>{w.url}</strong> <span class="muted small">· {w.events.map(label).join(', ')} · added {when(w.createdAt)}</span>
          </p>
          <div class="actions">
            <button type="button" class="secondary" aria-expanded={open === w.id} onClick={() => setOpen(open === w.id ? null : w.id)}>
              {open === w.id ? 'Hide deliveries' : 'Show deliveries'}
            </button>
            {canChange && (
              <button type="button" class="secondary" onClick={() => void remove(w.id, w.url).catch((err: Error) => setError(err.message))}>
                Delete<span class="sr-only"> {w.url}</span>
              </button>
            )}
          </div>
          {open === w.id && <Deliveries endpointId={w.id} />}
        </div>
      ))}
      <Pager pages={pages} noun="endpoints" />
    </div>
  );
}
