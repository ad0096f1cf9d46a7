/** Number formatting shared by the suite report and the comparison. */

export function fmtScore(v: number | null | undefined): string {
  return v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(2);
}

export function fmtPercent(v: number | null | undefined): string {
  return v === null || v === undefined || Number.isNaN(v) ? '-' : `${(v * 100).toFixed(0)}%`;
}

/** A change in points of a 0..1 score: `+12.5 pts`. */
export function fmtPoints(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '-';
  const pts = v * 100;
  return `${pts >= 0 ? '+' : ''}${pts.toFixed(1)} pts`;
}

export function fmtUsd(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'unknown';
  return v < 0.01 && v > 0 ? `$${v.toFixed(4)}` : `$${v.toFixed(2)}`;
}

export function fmtTokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(2)}M`;
  if (n >= 10_000) return `${(n / 1000).toFixed(1)}k`;
  return String(Math.round(n));
}

export function fmtSeconds(s: number): string {
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${s.toFixed(1)}s`;
}

/** A relative change, `+12%`, or `-` when the base is zero or unknown. */
export function fmtRelative(base: number | null, head: number | null): string {
  if (base === null || head === null || base === 0) return '-';
  const r = (head - base) / base;
  return `${r >= 0 ? '+' : ''}${(r * 100).toFixed(0)}%`;
}

/** A markdown table; pipes in cells are escaped. */
export function mdTable(headers: string[], rows: Array<Array<string | number>>): string {
  const esc = (c: string | number): string => String(c).replaceAll('|', '\\|').replaceAll('\n', ' ');
  return [
    `| ${headers.map(esc).join(' | ')} |`,
    `|${headers.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** Long free text (error messages) cut to one short line for a table. */
export function oneLine(text: string | null, max = 120): string {
  if (!text) return '';
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
