export interface BenchRow {
  metric: string;
  value: string;
  target: string;
  /** null when the row has no target to meet. */
  ok: boolean | null;
}

export function formatBenchTable(rows: BenchRow[]): string {
  const header = ['metric', 'value', 'target', 'status'];
  const body = rows.map((r) => [r.metric, r.value, r.target, r.ok === null ? '' : r.ok ? 'ok' : 'MISSED']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
