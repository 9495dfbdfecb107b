import { Migration0001Foundation } from './0001-foundation.js';

/** Every schema migration, in order. New ones are appended, never edited once released. */
export const migrationsList = [
  { name: '0001-foundation', class: Migration0001Foundation },
];
