import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kind, print, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import * as operations from '../../src/graphql/generated/operations.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { createOrgWithKey } from '../support/factories.js';

let db: TestDatabase;
let api: TestApi;
beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db);
});
afterAll(async () => {
  await api?.close();
  await db?.drop();
});

/** Every query the dashboard sends, from the generated documents of src/dashboard. */
const dashboardQueries = Object.values(operations)
  .filter((d): d is DocumentNode => typeof d === 'object' && d !== null && (d as DocumentNode).kind === Kind.DOCUMENT)
  .flatMap((document) => {
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    return operation?.operation === 'query' && operation.name?.value.startsWith('Dashboard') ? [{ document, operation }] : [];
  });

/** A value for each required variable: an id of nothing, which the API answers without executing much. */
const requiredVariables = (operation: OperationDefinitionNode) =>
  Object.fromEntries((operation.variableDefinitions ?? []).filter((v) => v.type.kind === Kind.NON_NULL_TYPE).map((v) => [v.variable.name.value, 'mig_doesNotExist']));

describe('the dashboard’s queries', () => {
  it('are many', () => expect(dashboardQueries.length).toBeGreaterThan(10));

  // The API refuses a document over its cost limit whatever it would return (problems.csv once was).
  it.each(dashboardQueries.map((q) => [q.operation.name!.value, q] as const))('%s is within the API’s limits', async (_name, { document, operation }) => {
    const { key } = await createOrgWithKey(db, 'read_only');
    const res = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: print(document), variables: requiredVariables(operation) }),
    });
    const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    const refusals = (body.errors ?? []).filter((e) => e.extensions?.code !== 'not_found');
    expect(refusals, JSON.stringify(refusals)).toEqual([]);
  });
});
