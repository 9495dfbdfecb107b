import { DashboardAudiencesDocument } from '../../graphql/generated/operations.ts';
import { request } from '../api.ts';
import { count, sourceName, when } from '../format.ts';
import { Pager, usePages } from '../paging.tsx';

/** Audiences with their member counts; each links to its contacts. */
export function Audiences() {
  const pages = usePages(null, (after) => request(DashboardAudiencesDocument, { after }).then((d) => d.audiences));
  return (
    <div>
      {pages.error && <p role="alert" class="error">{pages.error}</p>}
      {pages.page && (
        <table>
          <caption class="sr-only">Audiences</caption>
          <thead><tr><th scope="col">Audience</th><th scope="col">Contacts</th><th scope="col">From</th><th scope="col">Imported</th></tr></thead>
          <tbody>
            {pages.page.nodes.map((a) => (
              <tr key={a.id} data-audience={a.name}>
                <td><a href={`#/browse/contacts?audience=${encodeURIComponent(a.id)}`}>{a.name}</a></td>
                <td>{count(a.contactCount)}</td>
                <td>{a.sourceProvider ? sourceName(a.sourceProvider) : '–'}</td>
                <td>{when(a.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pages={pages} noun="audiences" />
    </div>
  );
}
