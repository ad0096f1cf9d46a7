/** How numbers, money, times and states read on the page. */

export function pct(v: number | null | undefined, digits = 0): string {
  return v === null || v === undefined ? '–' : `${(v * 100).toFixed(digits)}%`;
}

export function score(v: number | null | undefined): string {
  return v === null || v === undefined ? '–' : v.toFixed(2);
}

export function money(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  return v < 0.01 && v > 0 ? `$${v.toFixed(4)}` : `$${v.toFixed(2)}`;
}

export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined) return '–';
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function ms(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : v < 1000 ? `${Math.round(v)} ms` : seconds(v / 1000);
}

export function tokens(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '–';
  return iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
    .replace(/Z$/, ' UTC');
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '';
}

/** A CSS class for a status word: passed, failed, error... */
export function stateClass(state: string): string {
  if (state === 'passed' || state === 'improved') return 'good';
  if (state === 'failed' || state === 'regressed') return 'bad';
  if (state === 'partial' || state === 'skipped' || state === 'cannot tell') return 'warn';
  if (state === 'error' || state.endsWith('_error') || state === 'crashed') return 'err';
  return 'muted';
}

/** Items joined by a middle dot, empty ones left out (for header lines). */
export function dotted(items: unknown[]): unknown[] {
  return items
    .filter((x) => x !== null && x !== undefined && x !== '')
    .flatMap((x, i) => (i ? [' · ', x] : [x]));
}
