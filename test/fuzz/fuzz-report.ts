/** The fuzz report: violations grouped for a person, and the table of input classes. */
import type { PropertyReport, Violation } from './fuzz-harness.js';

const SEVERITY_ORDER = ['5xx', 'no-response', 'internal-error', 'secret-echo', 'secret-in-log', 'api-exited'];

/** Violations grouped by class, rule and request template: count and first example. */
export function groupViolations(reports: PropertyReport[]) {
  const groups = new Map<string, { first: Violation; count: number }>();
  for (const r of reports) {
    for (const v of r.violations) {
      const key = `${v.property}\u0000${v.rule}\u0000${v.label}\u0000${v.rule === 'wrong-code' || v.rule === 'wrong-status' ? v.detail : ''}`;
      const g = groups.get(key);
      if (g) g.count++;
      else groups.set(key, { first: v, count: 1 });
    }
  }
  const rank = (rule: string) => {
    const i = SEVERITY_ORDER.indexOf(rule);
    return i === -1 ? SEVERITY_ORDER.length : i;
  };
  return [...groups.values()].sort((a, b) => a.first.property.localeCompare(b.first.property) || rank(a.first.rule) - rank(b.first.rule));
}

/** The table: input class → requests → status codes seen → violations. */
export function formatTable(reports: PropertyReport[]): string {
  const rows = reports.map((r) => [
    r.name,
    String(r.runs),
    String(r.requests),
    [...r.statuses.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s}×${n}`).join(' '),
    String(r.violations.length),
    `${(r.ms / 1000).toFixed(1)}s`,
  ]);
  const header = ['input class', 'runs', 'requests', 'status codes seen', 'violations', 'time'];
  const widths = header.map((h, i) => Math.min(i === 3 ? 70 : 40, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => {
        const w = widths[i]!;
        return i === 3 && c.length > w ? c : c.padEnd(w);
      })
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Every violation group, for a person to check: class, rule, request, status, body excerpt. */
export function formatViolations(reports: PropertyReport[], perGroup = 1): string {
  const groups = groupViolations(reports);
  if (!groups.length) return '';
  return groups
    .slice(0, 400)
    .map(({ first: v, count }) =>
      [
        `[${v.property}] ${v.rule} — ${v.label} (${count}×)`,
        `    ${v.detail}`,
        v.request ? `    request: ${v.request}` : '',
        v.status ? `    status:  ${v.status}` : '',
        v.excerpt ? `    body:    ${v.excerpt}` : '',
      ].filter(Boolean).join('\n'),
    )
    .slice(0, perGroup * 400)
    .join('\n');
}
