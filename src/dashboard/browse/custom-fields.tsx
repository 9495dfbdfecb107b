import { DashboardCustomFieldsDocument } from '../../graphql/generated/operations.ts';
import { request } from '../api.ts';
import { label, when, sourceName } from '../format.ts';
import { Pager, usePages } from '../paging.tsx';

/** Custom fields with their types and fallbacks. */
export function CustomFields() {
  const pages = usePages(null, (after) => request(DashboardCustomFieldsDocument, { after }).then((d) => d.customFields));
  return (
    <div>
      {pages.error && <p role="alert" class="error">{pages.error}</p>}
      {pages.page && (
        <table>
          <caption class="sr-only">Custom fields</caption>
          <thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Fallback</th><th scope="col">From</th><th scope="col">Imported</th></tr></thead>
          <tbody>
            {pages.page.nodes.map((f) => (
              <tr key={f.id} data-field={f.name}>
                <td><code>{f.name}</code></td>
                <td>{label(f.type)}</td>
                <td>{f.fallbackValue ?? '–'}</td>
                <td>{f.sourceProvider ? sourceName(f.sourceProvider) : '–'}</td>
                <td>{when(f.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pages={pages} noun="custom fields" />
    </div>
  );
}
