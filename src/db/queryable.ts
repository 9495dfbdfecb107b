import type pg from 'pg';

/** What a repository runs its SQL on: the pool, or a transaction's client (a batch's commit). */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;
