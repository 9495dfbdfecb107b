import { useState } from 'preact/hooks';
import { DashboardTemplatesDocument } from '../../graphql/generated/operations.ts';
import { request } from '../api.ts';
import { label, when } from '../format.ts';
import { Pager, usePages } from '../paging.tsx';

/** Templates; each opens its preview and review findings. */
export function Templates({ query }: { query: URLSearchParams }) {
  const initial = query.get('review');
  const [needsReview, setNeedsReview] = useState<boolean | null>(initial === 'true' ? true : initial === 'false' ? false : null);
  const pages = usePages(needsReview, (after) => request(DashboardTemplatesDocument, { needsReview, after }).then((d) => d.templates));
  return (
    <div>
      <div class="filters actions">
        <label for="template-review">Review</label>
        <select
          id="template-review"
          value={needsReview === null ? '' : String(needsReview)}
          onChange={(e) => setNeedsReview(e.currentTarget.value === '' ? null : e.currentTarget.value === 'true')}
        >
          <option value="">All templates</option>
          <option value="true">Needing a look</option>
          <option value="false">Nothing to review</option>
        </select>
      </div>
      {pages.error && <p role="alert" class="error">{pages.error}</p>}
      {pages.page && (
        <table>
          <caption class="sr-only">Templates</caption>
          <thead><tr><th scope="col">Template</th><th scope="col">Subject</th><th scope="col">Status</th><th scope="col">Review</th><th scope="col">Updated</th></tr></thead>
          <tbody>
            {pages.page.nodes.map((t) => (
              <tr key={t.id} data-template={t.name}>
                <td><a href={`#/templates/${encodeURIComponent(t.id)}`}>{t.name}</a>{t.alias && <span class="muted small"> · {t.alias}</span>}</td>
                <td>{t.subject ?? '–'}</td>
                <td>{label(t.status)}</td>
                <td>{t.needsReview ? <span class="status failed">Needs a look</span> : 'Nothing to review'}</td>
                <td>{when(t.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pages={pages} noun="templates" />
    </div>
  );
}
