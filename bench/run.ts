import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { env } from '../src/config/env.js';
import { BenchContext, type Scenario, type ScenarioResult } from './harness.js';
import { rateLimitScenario } from './scenarios/rate-limit.js';
import { rerunScenario } from './scenarios/rerun.js';
import { progressFanoutScenario } from './scenarios/progress-fanout.js';
import { ingestScenario } from './scenarios/ingest.js';
import { memoryScenario } from './scenarios/memory.js';
import { hostileQueryScenario } from './scenarios/hostile-query.js';
import { uploadScenario } from './scenarios/upload.js';

const SCENARIOS: Scenario[] = [ingestScenario, memoryScenario, rateLimitScenario, rerunScenario, progressFanoutScenario, hostileQueryScenario, uploadScenario];

/** `npm run bench [-- --only <scenario>] [-- --scale <factor>]`: prints figure, baseline, ratio. */
async function main() {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, scale: { type: 'string', default: '1' } },
  });
  const scale = Number(values.scale);
  if (!(scale > 0)) throw new Error('--scale takes a positive number');
  const chosen = values.only ? SCENARIOS.filter((s) => s.name === values.only) : SCENARIOS;
  if (!chosen.length) throw new Error(`unknown scenario; choose one of: ${SCENARIOS.map((s) => s.name).join(', ')}`);

  const ctx = await BenchContext.create(scale, env().DATABASE_URL);
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of chosen) {
      process.stdout.write(`running ${scenario.name}: ${scenario.describe}\n`);
      results.push(...(await scenario.run(ctx)));
    }
  } finally {
    await ctx.close();
  }

  const rows = results.map((r) => [r.name, `${r.figure} ${r.unit}`, `${r.baseline} ${r.unit}`, String(r.ratio), r.target, r.met ? 'met' : 'NOT met']);
  const header = ['scenario', 'figure', 'baseline', 'ratio', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
  for (const r of results) if (r.notes) process.stdout.write(`  ${r.name}: ${r.notes}\n`);

  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('./results/latest.json', import.meta.url),
    `${JSON.stringify({ at: new Date().toISOString(), scale, machine, scenarios: results }, null, 2)}\n`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
