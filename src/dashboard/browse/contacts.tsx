import { useEffect, useState } from 'preact/hooks';
import { DashboardAudienceChoicesDocument, DashboardContactsDocument, type DashboardAudienceChoicesQuery } from '../../graphql/generated/operations.ts';
import { request } from '../api.ts';
import { when } from '../format.ts';
import { Pager, usePages } from '../paging.tsx';

interface Choice { id: string; name: string }

/** Every audience, for the filter: read to the end (100 a page). */
async function allAudiences(): Promise<Choice[]> {
  const all: Choice[] = [];
  let after: string | null = null;
  do {
    const page: DashboardAudienceChoicesQuery['audiences'] = (await request(DashboardAudienceChoicesDocument, { after })).audiences;
    all.push(...page.nodes);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return all;
}

const yesNo = (value: string | null) => (value === 'true' ? true : value === 'false' ? false : null);

/** Contacts: search by the start of the address, filter by audience and unsubscribed. */
export function Contacts({ query }: { query: URLSearchParams }) {
  const [audiences, setAudiences] = useState<Choice[]>([]);
  const [typed, setTyped] = useState(query.get('email') ?? '');
  const [filter, setFilter] = useState({
    emailPrefix: query.get('email') || null,
    audienceId: query.get('audience') || null,
    unsubscribed: yesNo(query.get('unsubscribed')),
  });
  useEffect(() => void allAudiences().then(setAudiences, () => setAudiences([])), []);
  const pages = usePages(filter, (after) => request(DashboardContactsDocument, { ...filter, after }).then((d) => d.contacts));

  return (
    <div>
      <form
        class="filters actions"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({ ...filter, emailPrefix: typed.trim() || null });
        }}
      >
        <label for="contact-email">Email starts with</label>
        <input id="contact-email" type="search" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} maxLength={254} />
        <button type="submit" class="secondary">Search</button>
        <label for="contact-audience">Audience</label>
        <select id="contact-audience" value={filter.audienceId ?? ''} onChange={(e) => setFilter({ ...filter, audienceId: e.currentTarget.value || null })}>
          <option value="">Any audience</option>
          {audiences.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        </select>
        <label for="contact-unsubscribed">Unsubscribed</label>
        <select
          id="contact-unsubscribed"
          value={filter.unsubscribed === null ? '' : String(filter.unsubscribed)}
          onChange={(e) => setFilter({ ...filter, unsubscribed: yesNo(e.currentTarget.value) })}
        >
          <option value="">Either</option>
          <option value="true">Unsubscribed</option>
          <option value="false">Subscribed</option>
        </select>
      </form>
      {pages.error && <p role="alert" class="error">{pages.error}</p>}
      {pages.page && (
        <table>
          <caption class="sr-only">Contacts</caption>
          <thead>
            <tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Audiences</th><th scope="col">Unsubscribed</th><th scope="col">Added</th></tr>
          </thead>
          <tbody>
            {pages.page.nodes.map((c) => (
              <tr key={c.id} data-contact={c.emailDisplay}>
                <td>{c.emailDisplay}</td>
                <td>{[c.firstName, c.lastName].filter(Boolean).join(' ') || '–'}</td>
                <td>
                  {c.memberships.nodes.map((m) => m.audience.name).join(', ') || '–'}
                  {c.memberships.totalCount > c.memberships.nodes.length && <span class="muted"> and {c.memberships.totalCount - c.memberships.nodes.length} more</span>}
                </td>
                <td>{c.unsubscribed ? 'Yes' : c.audienceUnsubscribed ? 'From this audience' : 'No'}</td>
                <td>{when(c.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pages={pages} noun="contacts" />
    </div>
  );
}
