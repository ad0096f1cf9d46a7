import { matchUnordered } from './match.js';
import { floatSlack, parseFiniteNumber } from './numbers.js';
import { parseCsv } from './sources.js';

export type ExpectedCell = string | number | boolean | null;
/** A cell as psql printed it; null for SQL NULL. */
export type ActualCell = string | null;

/** What psql prints for NULL, so that NULL and the empty string stay apart. */
export const PSQL_NULL_MARKER = '<<factory-bench:null>>';

/**
 * The psql argv for a check query: CSV rows without header or footer (so
 * values with commas, quotes or newlines survive), NULL printed as a marker,
 * no ~/.psqlrc, and a non-zero exit (3) when the query fails.
 */
export function psqlArgv(query: string, opts: { database?: string; user?: string }): string[] {
  const argv = ['psql', '-X', '-q', '--csv', '-t', '-v', 'ON_ERROR_STOP=1', '-P', `null=${PSQL_NULL_MARKER}`];
  if (opts.database) argv.push('-d', opts.database);
  if (opts.user) argv.push('-U', opts.user);
  argv.push('-c', query);
  return argv;
}

export function parsePsqlCsv(stdout: string): ActualCell[][] {
  return parseCsv(stdout).map((row) => row.map((cell) => (cell === PSQL_NULL_MARKER ? null : cell)));
}

const TRUE_WORDS = new Set(['t', 'true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['f', 'false', '0', 'no', 'off']);

/**
 * Type-tolerant equality of one cell: an expected number matches a numeric
 * string of the same value (`2.50` = 2.5, `3` = 3.0) within `tolerance`; an
 * expected boolean matches psql's `t`/`f`; null matches only NULL; strings
 * match exactly, or numerically when both sides are numbers.
 */
export function cellMatches(expected: ExpectedCell, actual: ActualCell, tolerance = 0): boolean {
  if (expected === null || actual === null) return expected === actual;
  if (typeof expected === 'boolean') {
    const word = actual.trim().toLowerCase();
    return expected ? TRUE_WORDS.has(word) : FALSE_WORDS.has(word);
  }
  if (typeof expected === 'string' && expected === actual) return true;
  const e = parseFiniteNumber(expected);
  const a = parseFiniteNumber(actual);
  if (!e.ok || !a.ok) return false;
  return Math.abs(a.value - e.value) <= tolerance + floatSlack(a.value, e.value);
}

export function rowMatches(expected: readonly ExpectedCell[], actual: readonly ActualCell[], tolerance = 0) {
  return (
    expected.length === actual.length &&
    expected.every((e, i) => cellMatches(e, actual[i] ?? null, tolerance))
  );
}

/** A canonical key under which equal cells agree, used to pair rows cheaply before tolerant matching. */
function cellKey(cell: ExpectedCell | ActualCell): string {
  if (cell === null) return '\u0000null';
  if (typeof cell === 'boolean') return cell ? 't' : 'f';
  const n = parseFiniteNumber(cell);
  return n.ok ? `#${n.value}` : `s${cell}`;
}
const rowKey = (row: readonly (ExpectedCell | ActualCell)[]) => row.map(cellKey).join('\u0001');

export interface RowComparison {
  equal: boolean;
  /** The first differences, one readable line each. */
  differences: string[];
}

const MAX_REPORTED = 10;

export function formatRow(row: readonly (ExpectedCell | ActualCell)[]): string {
  return `(${row.map((c) => (c === null ? 'NULL' : typeof c === 'string' ? JSON.stringify(c) : String(c))).join(', ')})`;
}

/** Compares query rows with expected rows, in order or as a multiset. */
export function compareRows(
  expected: readonly (readonly ExpectedCell[])[],
  actual: readonly (readonly ActualCell[])[],
  opts: { ordered: boolean; tolerance?: number },
): RowComparison {
  const tolerance = opts.tolerance ?? 0;
  const differences: string[] = [];
  if (actual.length !== expected.length)
    differences.push(`expected ${expected.length} rows, got ${actual.length}`);
  if (opts.ordered) {
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n && differences.length <= MAX_REPORTED; i++) {
      const e = expected[i];
      const a = actual[i];
      if (e && a && rowMatches(e, a, tolerance)) continue;
      differences.push(
        `row ${i + 1}: expected ${e ? formatRow(e) : '(no row)'}, got ${a ? formatRow(a) : '(no row)'}`,
      );
    }
  } else {
    const m = matchUnordered(expected, actual, (e, a) => rowMatches(e, a, tolerance), rowKey, rowKey);
    for (const i of m.missing.slice(0, MAX_REPORTED))
      differences.push(`missing row ${formatRow(expected[i] ?? [])}`);
    for (const i of m.unexpected.slice(0, MAX_REPORTED))
      differences.push(`unexpected row ${formatRow(actual[i] ?? [])}`);
  }
  return { equal: differences.length === 0, differences };
}
