import { builder } from './builder.js';

/** A GraphQL enum of `values` (in their order), each described: what a generated client shows. */
export function describedEnum<const T extends readonly string[]>(name: string, description: string, values: T, describe: Record<T[number], string>) {
  const described = {} as { [K in T[number]]: { value: K; description: string } };
  for (const value of values as readonly T[number][]) described[value] = { value, description: describe[value] };
  return builder.enumType(name, { description, values: described });
}
