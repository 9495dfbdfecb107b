import { newId } from '../../../db/ids.js';
import type { ImportContext } from '../import-context.js';

/** Domains by name: an existing one here is linked and reported, never duplicated. */
export async function importDomains(ctx: ImportContext): Promise<void> {
  ctx.progress.phase = 'domains';
  const counter = ctx.count('domains', ctx.options.domains.length);
  const wanted = new Set(ctx.options.domains);
  if (!wanted.size) return;
  const { organizationId, source } = ctx.job;
  for await (const domain of ctx.connector.domains()) {
    if (!wanted.has(domain.name)) continue;
    await ctx.commit(async (client) => {
      const inserted = await client.query(
        `insert into domains (id, organization_id, name, source_provider, source_status, region, dns_records)
         values ($1, $2, $3, $4, $5, $6, $7) on conflict (organization_id, name) do nothing returning id`,
        [newId('dom'), organizationId, domain.name, source, domain.status, domain.region, JSON.stringify(domain.records)],
      );
      const localId =
        inserted.rows[0]?.id ??
        (await client.query('select id from domains where organization_id = $1 and name = $2', [organizationId, domain.name]))
          .rows[0].id;
      if (inserted.rowCount) ctx.tally.imported('domains');
      else ctx.tally.skipped('domain', 'a domain with this name already exists here', domain.name);
      await ctx.link(client, 'domain', domain.sourceId, localId);
      counter.processed++;
    });
  }
}

/** Audiences and segments become audiences; one imported before (linked) is not created again. */
export async function importAudiences(ctx: ImportContext): Promise<void> {
  ctx.progress.phase = 'audiences';
  const counter = ctx.count('audiences', ctx.options.audiences.length);
  const wanted = new Set(ctx.options.audiences);
  if (!wanted.size) return;
  for (const list of await ctx.connector.lists()) {
    if (!wanted.has(list.sourceId)) continue;
    await ctx.commit(async (client) => {
      if (await ctx.linkedId(client, 'audience', list.sourceId)) {
        ctx.tally.skipped('audience', 'already imported from this source', list.sourceId);
      } else {
        const id = newId('aud');
        await client.query(`insert into audiences (id, organization_id, name, source_provider) values ($1, $2, $3, $4)`, [
          id,
          ctx.job.organizationId,
          list.name,
          ctx.job.source,
        ]);
        ctx.tally.imported('audiences');
        await ctx.link(client, 'audience', list.sourceId, id);
      }
      counter.processed++;
    });
  }
}
