import { Contacts } from './contacts.tsx';
import { Audiences } from './audiences.tsx';
import { Templates } from './templates.tsx';
import { Suppressions } from './suppressions.tsx';
import { CustomFields } from './custom-fields.tsx';

const SECTIONS = {
  contacts: { title: 'Contacts', Screen: Contacts },
  audiences: { title: 'Audiences', Screen: Audiences },
  templates: { title: 'Templates', Screen: Templates },
  suppressions: { title: 'Suppressions and groups', Screen: Suppressions },
  'custom-fields': { title: 'Custom fields', Screen: CustomFields },
} as const;
type Section = keyof typeof SECTIONS;

/** `#/browse/<section>?<filters>`: what the migrations brought, 50 at a time. */
export function Browse({ section, query }: { section: string; query: URLSearchParams }) {
  const current: Section = section in SECTIONS ? (section as Section) : 'contacts';
  const { Screen } = SECTIONS[current];
  return (
    <section>
      <h1>Browse</h1>
      <nav class="tabs" aria-label="What to browse">
        {(Object.keys(SECTIONS) as Section[]).map((s) => (
          <a key={s} href={`#/browse/${s}`} aria-current={s === current ? 'page' : undefined}>{SECTIONS[s].title}</a>
        ))}
      </nav>
      <Screen key={`${current}?${query.toString()}`} query={query} />
    </section>
  );
}
