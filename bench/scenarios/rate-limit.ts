import type { Scenario, ScenarioResult } from '../harness.js';
import { migrate, startService } from '../harness.js';
import { generateResendAccount } from '../../emulators/resend/generator.js';
import { startResendEmulator } from '../../emulators/resend/server.js';

/**
 * A rate-limited source: a Resend import through the real worker against an emulator allowing
 * 2 (and 10) requests per second. Figure: achieved request rate during the import; baseline: the
 * allowed rate. Target: at least 0.9, with no 429 caused by us.
 */
export const rateLimitScenario: Scenario = {
  name: 'rate-limit',
  describe: 'Resend import at 2 and 10 req/s: achieved / allowed request rate',
  async run(ctx) {
    const results: ScenarioResult[] = [];
    for (const allowed of [2, 10]) {
      const contacts = ctx.scaled(allowed === 2 ? 4_000 : 20_000);
      const db = await ctx.database();
      const resend = await startResendEmulator({
        account: generateResendAccount({ seed: 8, age: 'new', contacts, lists: 2, domains: 1, templates: 1, suppressions: 1 }),
        rateLimit: 100,
      });
      const service = await startService(db.url, db.orm, { RESEND_BASE_URL: resend.url });
      try {
        const credential = resend.account.apiKeys.find((k) => k.permission === 'full_access')!.token;
        await migrate(service, 'resend', credential, {
          // One request per contact for properties and topics would only lengthen the run.
          options: { ignoreCustomFields: true, ignoreTopics: true },
          beforeImport: async () => {
            resend.setRateLimit(allowed);
            // The scan's requests still count in the current 1-second window: let it pass.
            await new Promise((r) => setTimeout(r, 1100));
            resend.stats.reset();
          },
        });
        const stamps = resend.stats.timestamps;
        const seconds = (stamps[stamps.length - 1]! - stamps[0]!) / 1000;
        const achieved = (stamps.length - 1) / seconds;
        results.push({
          name: `rate-limit ${allowed} req/s`,
          figure: round(achieved),
          baseline: allowed,
          ratio: round(achieved / allowed),
          unit: 'req/s',
          target: '≥ 0.9, zero 429',
          met: achieved / allowed >= 0.9 && resend.stats.rateLimited === 0,
          notes: `${stamps.length} requests in ${round(seconds)} s, ${resend.stats.rateLimited} answered 429, ${contacts} contacts`,
        });
      } finally {
        await service.close();
        await resend.close();
        await db.drop();
      }
    }
    return results;
  },
};

const round = (n: number) => Math.round(n * 1000) / 1000;
