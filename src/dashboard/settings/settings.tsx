import { useState } from 'preact/hooks';
import type { Viewer } from '../app.tsx';
import { ApiKeys } from './api-keys.tsx';
import { WebhookEndpoints } from './webhook-endpoints.tsx';

/** `#/settings`: API keys and webhook endpoints. A read-only key sees them and changes nothing. */
export function Settings({ viewer }: { viewer: Viewer }) {
  return (
    <section>
      <h1>Settings</h1>
      <ApiKeys canChange={viewer.scope === 'full_access'} />
      <WebhookEndpoints canChange={viewer.scope === 'full_access'} />
    </section>
  );
}

/** A secret shown once, right after it was made, with a copy button. */
export function OneTimeSecret({ title, secret, onDone }: { title: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="card secret" role="status">
      <h3>{title}</h3>
      <p>Copy it now: it is shown only this once and cannot be read again.</p>
      <code data-testid="one-time-secret">{secret}</code>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => navigator.clipboard?.writeText(secret).then(() => setCopied(true), () => setCopied(false))}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={onDone}>I have stored it</button>
      </div>
    </div>
  );
}
