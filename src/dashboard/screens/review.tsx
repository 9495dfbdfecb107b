import { useState } from 'preact/hooks';
import { DashboardApproveDocument, type ApproveMigrationInput, type CustomFieldType } from '../../graphql/generated/operations.ts';
import { request } from '../api.ts';
import { count, duration, label } from '../format.ts';
import type { JobDetail } from './job.tsx';
import { Uploads } from './uploads.tsx';

type Scan = NonNullable<JobDetail['scanResult']>;
interface Item { id: string; name: string; detail?: string; selectable: boolean; reasons: string[]; fieldType?: CustomFieldType }
type Kind = 'domains' | 'audiences' | 'templates' | 'suppressionGroups' | 'customFields';

function itemsOf(scan: Scan): Record<Kind, Item[]> {
  return {
    domains: scan.domains.map((d) => ({ id: d.name, name: d.name, detail: d.status, selectable: d.selectable, reasons: d.reasons })),
    audiences: scan.audiences.map((a) => ({ id: a.id, name: a.name, detail: `${count(a.contactCount)} contacts · ${a.kind}`, selectable: a.selectable, reasons: a.reasons })),
    templates: scan.templates.map((t) => ({ id: t.id, name: t.name, detail: t.status ?? undefined, selectable: t.selectable, reasons: t.reasons })),
    suppressionGroups: scan.suppressionGroups.map((g) => ({ id: g.id, name: g.name, selectable: g.selectable, reasons: g.reasons })),
    customFields: scan.customFields.map((f) => ({ id: f.id, name: f.key, detail: f.type, fieldType: f.fieldType, selectable: f.selectable, reasons: f.reasons })),
  };
}

const TITLES: Record<Kind, string> = {
  domains: 'Domains',
  audiences: 'Audiences and lists',
  templates: 'Templates',
  suppressionGroups: 'Topics and unsubscribe groups',
  customFields: 'Custom fields',
};
const IGNORE: Record<Kind, keyof ApproveMigrationInput> = {
  domains: 'ignoreDomains',
  audiences: 'ignoreAudiences',
  templates: 'ignoreTemplates',
  suppressionGroups: 'ignoreSuppressionGroups',
  customFields: 'ignoreCustomFields',
};

const FIELD_TYPES: CustomFieldType[] = ['string', 'number', 'date', 'boolean'];
interface FieldMapping { name: string; type: CustomFieldType | '' }

/** A selected custom field's name and type here; left as they are, the import's defaults apply. */
function MappingEditor({ field, mapping, onChange }: { field: Item; mapping: FieldMapping; onChange: (m: FieldMapping) => void }) {
  const base = `map-${field.id}`;
  return (
    <div class="mapping actions small">
      <label for={`${base}-name`}>Name here</label>
      <input id={`${base}-name`} type="text" value={mapping.name} maxLength={50} onInput={(e) => onChange({ ...mapping, name: e.currentTarget.value })} />
      <label for={`${base}-type`}>Type here</label>
      <select id={`${base}-type`} value={mapping.type} onChange={(e) => onChange({ ...mapping, type: e.currentTarget.value as CustomFieldType | '' })}>
        <option value="">{label(field.fieldType ?? 'string')} (from the source’s {field.detail})</option>
        {FIELD_TYPES.map((t) => <option key={t} value={t}>{label(t)}</option>)}
      </select>
    </div>
  );
}

/** What a contacts export would save, from the scan's two estimates. */
function saving(scan: Scan): string | null {
  const upload = scan.estimate.withContactsUpload;
  if (!upload) return null;
  const time = (s: number | null) => (s === null ? '' : ` (${duration(s)})`);
  return `about ${count(upload.requests)} requests${time(upload.seconds)} instead of ${count(scan.estimate.total.requests)}${time(scan.estimate.total.seconds)}`;
}

/** The scan, every item selectable where it can be; approve imports what is ticked. */
export function Review({ job, onApproved, onChanged }: { job: JobDetail; onApproved: () => void; onChanged: () => void }) {
  const scan = job.scanResult!;
  const items = itemsOf(scan);
  const [selected, setSelected] = useState<Record<Kind, Set<string>>>(() => {
    const all = {} as Record<Kind, Set<string>>;
    for (const kind of Object.keys(items) as Kind[]) all[kind] = new Set(items[kind].filter((i) => i.selectable).map((i) => i.id));
    return all;
  });
  const [mappings, setMappings] = useState<Record<string, FieldMapping>>(() =>
    Object.fromEntries(items.customFields.map((f) => [f.id, { name: f.name, type: '' as const }])),
  );
  const [contacts, setContacts] = useState(true);
  const [suppressions, setSuppressions] = useState(scan.suppressions.total > 0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const toggle = (kind: Kind, id: string) =>
    setSelected((s) => {
      const next = new Set(s[kind]);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return { ...s, [kind]: next };
    });

  const approve = async () => {
    setBusy(true);
    setError(null);
    const input: ApproveMigrationInput = { id: job.id, ignoreContacts: !contacts, ignoreSuppressions: !suppressions };
    for (const kind of Object.keys(items) as Kind[]) {
      if (selected[kind].size) input[kind] = [...selected[kind]];
      else (input as Record<string, unknown>)[IGNORE[kind]] = true;
    }
    // Only the fields given another name or type: the rest keep the import's defaults.
    const changed = items.customFields.filter((f) => {
      const m = mappings[f.id]!;
      return selected.customFields.has(f.id) && (m.type !== '' || m.name.trim() !== f.name);
    });
    if (changed.length) {
      input.customFieldMappings = changed.map((f) => {
        const m = mappings[f.id]!;
        return { sourceFieldId: f.id, fieldName: m.name.trim() || f.name, fieldType: m.type || f.fieldType! };
      });
    }
    try {
      const { approveMigration: r } = await request(DashboardApproveDocument, { input });
      if ('message' in r) setError(r.message);
      else onApproved();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const missing = (scan.permissions ?? []).filter((p) => !p.allowed);
  return (
    <div>
      <h2>Review what the scan found</h2>
      {missing.map((p) => {
        const kinds = p.kinds.map(label).join(', ').toLowerCase();
        return (
          <p role="alert" class="warning" key={p.resource}>
            The key cannot read {p.resource}{kinds !== p.resource ? ` (${kinds})` : ''}: add {p.missingScopes.join(', ')} to the key and scan again to bring them.
          </p>
        );
      })}
      {/* A resource the key may not read is said once, above. */}
      {scan.errors.filter((e) => !missing.some((p) => p.resource === e.resource)).map((e) => <p class="warning" key={e.resource}>{e.resource}: {e.message}</p>)}
      <p class="muted">
        {count(scan.contacts.total)} contacts · {count(scan.suppressions.total)} suppressions · about {count(scan.estimate.total.requests)} requests
        {scan.estimate.total.seconds !== null ? `, ${duration(scan.estimate.total.seconds)} at the source’s rate limit` : ''}
      </p>
      {(Object.keys(items) as Kind[]).map((kind) =>
        items[kind].length ? (
          <fieldset class="card" key={kind}>
            <legend>{TITLES[kind]} ({selected[kind].size} of {items[kind].length})</legend>
            {items[kind].map((item) => {
              const inputId = `select-${kind}-${item.id}`;
              return (
                <div class="choice" key={item.id}>
                  <input type="checkbox" id={inputId} checked={selected[kind].has(item.id)} disabled={!item.selectable} onChange={() => toggle(kind, item.id)} />
                  <label for={inputId}>{item.name}{item.detail && <span class="muted"> · {item.detail}</span>}</label>
                  {item.reasons.length > 0 && <ul class="small muted">{item.reasons.map((r) => <li key={r}>{r}</li>)}</ul>}
                  {kind === 'customFields' && selected.customFields.has(item.id) && (
                    <MappingEditor field={item} mapping={mappings[item.id]!} onChange={(m) => setMappings((all) => ({ ...all, [item.id]: m }))} />
                  )}
                </div>
              );
            })}
          </fieldset>
        ) : null,
      )}
      <fieldset class="card">
        <legend>Contacts and suppressions</legend>
        <div class="choice">
          <input type="checkbox" id="select-contacts" checked={contacts} onChange={() => setContacts(!contacts)} />
          <label for="select-contacts">Contacts of the selected lists ({count(scan.contacts.total)} in the account)</label>
        </div>
        <div class="choice">
          <input type="checkbox" id="select-suppressions" checked={suppressions} onChange={() => setSuppressions(!suppressions)} />
          <label for="select-suppressions">The suppression list ({count(scan.suppressions.total)})</label>
        </div>
      </fieldset>
      <Uploads jobId={job.id} uploads={job.uploads} onChanged={onChanged} saves={saving(scan)} />
      {error && <p role="alert" class="error">{error}</p>}
      <button type="button" onClick={() => void approve()} disabled={busy}>Approve and import</button>
    </div>
  );
}
