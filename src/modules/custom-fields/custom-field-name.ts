/**
 * Why a custom field cannot be named so here, or null when it can. A source's property key is
 * typed as any string: one of thousands of characters would not fit the (organization, name)
 * unique index and would fail the whole phase, so it is a row problem instead.
 */
export function customFieldNameProblem(name: string): string | null {
  if (!name.trim()) return 'the property has no name';
  if (name.length > LONGEST_FIELD_NAME) return `the property's name is ${name.length} characters long (at most ${LONGEST_FIELD_NAME} here)`;
  if (name.includes('\0')) return "the property's name contains a NUL character";
  return null;
}

const LONGEST_FIELD_NAME = 200;
