import { writeFileSync } from 'node:fs';
import { printedSchema } from '../src/graphql/print-schema.js';

/** Writes schema.graphql from the Pothos schema; a test fails while the checked-in copy is stale. */
writeFileSync(new URL('../schema.graphql', import.meta.url), printedSchema());
process.stdout.write('schema.graphql written\n');
