import { createOrFindDomain } from '../../domains/domain.repository.js';
import { createAudience } from '../../audiences/audience.repository.js';
import type { ImportContext } from '../import-context.js';
import { domainNameProblem } from '../../../sources/shared/domain-name.js';

/**
 * Domains by name: an existing one here is linked and reported, never duplicated. The phase has
 * no checkpoint of its own: a resumed run passes over the domains an earlier run of the job
 * committed (their counts were committed with them), so none is reported as pre-existing.
 */
export async function importDomains(ctx: ImportContext): Promise<void> {
  ctx.enterPhase('domains');
  const counter = ctx.count('domains');
  const wanted = new Set(ctx.options.domains);
  if (!wanted.size) return;
  const { organizationId, source } = ctx.job;
  for await (const domain of ctx.connector.domains()) {
    if (!wanted.has(domain.name)) continue;
    await ctx.commit(async (client) => {
      if (await ctx.broughtByThisJob(client, 'domain', domain.sourceId)) return;
      const problem = domainNameProblem(domain.name);
      if (problem) {
        if (ctx.firstReport(`domain:${domain.sourceId}`)) ctx.tally.error('domain', problem, domain.name.slice(0, 253));
        counter.processed++;
        return;
      }
      const { id, created } = await createOrFindDomain(client, {
        organizationId,
        name: domain.name,
        sourceProvider: source,
        sourceStatus: domain.status,
        region: domain.region,
        dnsRecords: domain.records,
      });
      if (created) ctx.tally.imported('domains');
      else ctx.tally.skipped('domain', 'a domain with this name already exists here', domain.name);
      await ctx.link(client, 'domain', domain.sourceId, id);
      counter.processed++;
    });
  }
}

/**
 * Audiences and segments become audiences; one imported before (linked) is not created again,
 * and one an earlier run of this job committed is passed over (see importDomains).
 */
export async function importAudiences(ctx: ImportContext): Promise<void> {
  ctx.enterPhase('audiences');
  const counter = ctx.count('audiences');
  const wanted = new Set(ctx.options.audiences);
  if (!wanted.size) return;
  for (const list of await ctx.connector.lists()) {
    if (!wanted.has(list.sourceId)) continue;
    await ctx.commit(async (client) => {
      if (await ctx.broughtByThisJob(client, 'audience', list.sourceId)) return;
      if (await ctx.linkedId(client, 'audience', list.sourceId)) {
        ctx.tally.skipped('audience', 'already imported from this source', list.sourceId);
      } else {
        const id = await createAudience(client, {
          organizationId: ctx.job.organizationId,
          name: list.name,
          sourceProvider: ctx.job.source,
        });
        ctx.tally.imported('audiences');
        await ctx.link(client, 'audience', list.sourceId, id);
      }
      counter.processed++;
    });
  }
}
