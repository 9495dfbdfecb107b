import { useState } from 'preact/hooks';
import { DashboardSuppressionGroupsDocument, DashboardSuppressionsDocument, type SuppressionReason } from '../../graphql/generated/operations.ts';
import { request } from '../api.ts';
import { count, label, when, sourceName } from '../format.ts';
import { Pager, usePages } from '../paging.tsx';

const REASONS: SuppressionReason[] = ['unsubscribe', 'bounce', 'spam_complaint', 'invalid', 'block', 'manual'];

/** Suppression groups (topics, unsubscribe groups) and the suppressions, by reason and group. */
export function Suppressions({ query }: { query: URLSearchParams }) {
  const [filter, setFilter] = useState<{ reason: SuppressionReason | null; groupId: string | null }>({
    reason: (REASONS as string[]).includes(query.get('reason') ?? '') ? (query.get('reason') as SuppressionReason) : null,
    groupId: query.get('group') || null,
  });
  const groups = usePages(null, (after) => request(DashboardSuppressionGroupsDocument, { after }).then((d) => d.suppressionGroups));
  const pages = usePages(filter, (after) => request(DashboardSuppressionsDocument, { ...filter, after }).then((d) => d.suppressions));

  return (
    <div>
      <h2>Groups</h2>
      {groups.error && <p role="alert" class="error">{groups.error}</p>}
      {groups.page && (groups.page.nodes.length === 0 ? <p class="muted">No suppression groups.</p> : (
        <table>
          <caption class="sr-only">Suppression groups</caption>
          <thead><tr><th scope="col">Group</th><th scope="col">Members</th><th scope="col">From</th></tr></thead>
          <tbody>
            {groups.page.nodes.map((g) => (
              <tr key={g.id} data-group={g.name}>
                <td>
                  <button type="button" class="inline" onClick={() => setFilter({ ...filter, groupId: g.id })}>{g.name}</button>
                  {g.description && <div class="small muted">{g.description}</div>}
                </td>
                <td>{count(g.members.totalCount)}{g.membersNote && <div class="small muted">{g.membersNote}</div>}</td>
                <td>{g.sourceProvider ? sourceName(g.sourceProvider) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      {groups.page && groups.page.totalCount > groups.page.nodes.length && <Pager pages={groups} noun="groups" />}

      <h2>Suppressions</h2>
      <div class="filters actions">
        <label for="suppression-reason">Reason</label>
        <select id="suppression-reason" value={filter.reason ?? ''} onChange={(e) => setFilter({ ...filter, reason: (e.currentTarget.value || null) as SuppressionReason | null })}>
          <option value="">Any reason</option>
          {REASONS.map((r) => <option key={r} value={r}>{label(r)}</option>)}
        </select>
        <label for="suppression-group">Group</label>
        <select id="suppression-group" value={filter.groupId ?? ''} onChange={(e) => setFilter({ ...filter, groupId: e.currentTarget.value || null })}>
          <option value="">Account-wide and every group</option>
          {groups.page?.nodes.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
        </select>
      </div>
      {pages.error && <p role="alert" class="error">{pages.error}</p>}
      {pages.page && (
        <table>
          <caption class="sr-only">Suppressions</caption>
          <thead><tr><th scope="col">Email</th><th scope="col">Reason</th><th scope="col">Where</th><th scope="col">Since</th></tr></thead>
          <tbody>
            {pages.page.nodes.map((s) => (
              <tr key={`${s.group?.id ?? ''}:${s.email}`} data-suppression={s.email}>
                <td>{s.email}</td>
                <td>{label(s.reason)}</td>
                <td>{s.global ? 'Account-wide' : s.group?.name}</td>
                <td>{when(s.sourceCreatedAt ?? s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pages={pages} noun="suppressions" />
    </div>
  );
}
