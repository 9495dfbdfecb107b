import { useState } from 'preact/hooks';
import { DashboardApiKeysDocument, DashboardCreateApiKeyDocument, DashboardRevokeApiKeyDocument, type ApiKeyScope } from '../../graphql/generated/operations.ts';
import { request } from '../api.ts';
import { label, when } from '../format.ts';
import { Pager, usePages } from '../paging.tsx';
import { OneTimeSecret } from './settings.tsx';

export function ApiKeys({ canChange }: { canChange: boolean }) {
  const [version, setVersion] = useState(0);
  const pages = usePages(version, (after) => request(DashboardApiKeysDocument, { after }).then((d) => d.apiKeys));
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiKeyScope>('read_only');
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const { createApiKey: r } = await request(DashboardCreateApiKeyDocument, { input: { name: name.trim() || null, scope } });
    if ('message' in r) return setError(r.message);
    setSecret(r.secret);
    setName('');
    setVersion((v) => v + 1);
  };
  const revoke = async (id: string, keyName: string) => {
    if (!confirm(`Revoke ${keyName}? Whatever uses it stops working at once.`)) return;
    const { revokeApiKey: r } = await request(DashboardRevokeApiKeyDocument, { id });
    if ('message' in r) return setError(r.message);
    setVersion((v) => v + 1);
  };

  return (
    <div class="card">
      <h2>API keys</h2>
      {secret && <OneTimeSecret title="The new key" secret={secret} onDone={() => setSecret(null)} />}
      {canChange && (
        <form class="actions" onSubmit={(e) => void create(e).catch((err: Error) => setError(err.message))}>
          <label for="key-name">Name</label>
          <input id="key-name" type="text" value={name} maxLength={100} onInput={(e) => setName(e.currentTarget.value)} />
          <label for="key-scope">Scope</label>
          <select id="key-scope" value={scope} onChange={(e) => setScope(e.currentTarget.value as ApiKeyScope)}>
            <option value="read_only">Read only</option>
            <option value="full_access">Full access</option>
          </select>
          <button type="submit">Create key</button>
        </form>
      )}
      {(error ?? pages.error) && <p role="alert" class="error">{error ?? pages.error}</p>}
      {pages.page && (
        <table>
          <caption class="sr-only">API keys</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Scope</th><th scope="col">Created</th><th scope="col">State</th></tr></thead>
          <tbody>
            {pages.page.nodes.map((k) => (
              <tr key={k.id} data-key={k.id}>
                <td>{k.name ?? <span class="muted">unnamed</span>}</td>
                <td><code>{k.prefix}…</code></td>
                <td>{label(k.scope)}</td>
                <td>{when(k.createdAt)}</td>
                <td>
                  {k.revokedAt ? `Revoked ${when(k.revokedAt)}` : canChange ? (
                    <button type="button" class="secondary" onClick={() => void revoke(k.id, k.name ?? k.prefix).catch((err: Error) => setError(err.message))}>
                      Revoke<span class="sr-only"> {k.name ?? k.prefix}</span>
                    </button>
                  ) : 'Active'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pages={pages} noun="keys" />
    </div>
  );
}
