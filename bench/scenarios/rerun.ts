import type { Scenario } from '../harness.js';
import { migrate, startService } from '../harness.js';
import { generateResendAccount } from '../../emulators/resend/generator.js';
import { startResendEmulator } from '../../emulators/resend/server.js';

/**
 * Re-run cost: the same Resend migration twice, nothing changed at the source. Figure: the
 * second import's duration; baseline: the first's. Rows written by the second run are counted by
 * transaction id (xmin), so an unchanged row rewritten would show.
 */
export const rerunScenario: Scenario = {
  name: 'rerun',
  describe: 'the same Resend migration again: time relative to the first, rows written',
  async run(ctx) {
    const db = await ctx.database();
    const resend = await startResendEmulator({
      account: generateResendAccount({ seed: 4, age: 'mixed', contacts: ctx.scaled(20_000), lists: 4 }),
      rateLimit: 100,
    });
    const service = await startService(db.url, db.orm, { RESEND_BASE_URL: resend.url });
    try {
      const credential = resend.account.apiKeys.find((k) => k.permission === 'full_access')!.token;
      const options = { options: { ignoreCustomFields: true, ignoreTopics: true } };
      const first = await migrate(service, 'resend', credential, options);
      const [{ xid }] = (await db.pool.query<{ xid: string }>('select pg_current_xact_id()::text as xid')).rows as [{ xid: string }];
      const second = await migrate(service, 'resend', credential, options);
      const written = await db.pool.query<{ n: number }>(
        `select (select count(*) from contacts where xmin::text::bigint > $1::bigint % 4294967296)
              + (select count(*) from audience_members where xmin::text::bigint > $1::bigint % 4294967296)
              + (select count(*) from audiences where xmin::text::bigint > $1::bigint % 4294967296)
              + (select count(*) from domains where xmin::text::bigint > $1::bigint % 4294967296) as n`,
        [xid],
      );
      const rows = Number(written.rows[0]!.n);
      const ratio = second.importSeconds / first.importSeconds;
      return [
        {
          name: 'rerun',
          figure: round(second.importSeconds),
          baseline: round(first.importSeconds),
          ratio: round(ratio),
          unit: 's',
          target: 'zero rows written',
          met: rows === 0,
          notes: `${rows} rows written by the second run; imported ${JSON.stringify(second.job.import_result.imported)}`,
        },
      ];
    } finally {
      await service.close();
      await resend.close();
      await db.drop();
    }
  },
};

const round = (n: number) => Math.round(n * 1000) / 1000;
