import { matchUnordered } from './match.js';
import { formatNumber, numbersClose } from './numbers.js';

/** Comparing a command's stdout with an expected-output fixture, line by line, numbers within tolerance. */

export interface DiffOptions {
  absTolerance: number;
  relTolerance: number;
  /** Trim lines, collapse runs of spaces and tabs, drop blank lines. */
  ignoreWhitespace: boolean;
  /** Compare lines as a multiset. */
  ignoreRowOrder: boolean;
}

export interface OutputDiff {
  equal: boolean;
  expectedLines: number;
  actualLines: number;
  /** The first differences, readable, one entry per line. */
  differences: string[];
}

const MAX_REPORTED = 10;
/** Above this many line pairs, an ordered diff compares line i with line i instead of aligning. */
const MAX_ALIGN_CELLS = 4_000_000;
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;

type Token = string | number;

interface Line {
  no: number;
  text: string;
  tokens: Token[];
}

export function splitLines(text: string, ignoreWhitespace: boolean): Array<{ no: number; text: string }> {
  const raw = text.split(/\r?\n/).map((t, i) => ({ no: i + 1, text: t }));
  if (ignoreWhitespace)
    return raw.map((l) => ({ ...l, text: l.text.trim().replace(/\s+/g, ' ') })).filter((l) => l.text !== '');
  while (raw.length > 0 && raw.at(-1)?.text === '') raw.pop();
  return raw;
}

/** Text runs and numbers, alternating: `acc=0.93 (n=10)` -> ['acc=', 0.93, ' (n=', 10, ')']. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const m of text.matchAll(NUMBER)) {
    if (m.index > last) tokens.push(text.slice(last, m.index));
    tokens.push(Number(m[0]));
    last = m.index + m[0].length;
  }
  if (last < text.length) tokens.push(text.slice(last));
  return tokens;
}

function toLines(text: string, ignoreWhitespace: boolean): Line[] {
  return splitLines(text, ignoreWhitespace).map((l) => ({ ...l, tokens: tokenize(l.text) }));
}

/** Why two lines differ, or null when they match within the tolerances. */
export function lineDifference(expected: Token[], actual: Token[], opts: DiffOptions): string | null {
  if (expected.length !== actual.length) return 'different shape';
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as Token;
    const a = actual[i] as Token;
    if (typeof e === 'number' && typeof a === 'number') {
      if (numbersClose(a, e, opts.absTolerance, opts.relTolerance)) continue;
      const allowed = opts.absTolerance + opts.relTolerance * Math.abs(e);
      return `${formatNumber(a)} vs expected ${formatNumber(e)}: off by ${formatNumber(Math.abs(a - e))}, allowed ${formatNumber(allowed)}`;
    }
    if (e !== a) return 'different text';
  }
  return null;
}

/** A stable key of a line's text with numbers rounded, for pairing identical lines cheaply. */
const lineKey = (l: Line) => l.tokens.map((t) => (typeof t === 'number' ? `#${t}` : t)).join('\u0001');

export function diffOutputs(expectedText: string, actualText: string, opts: DiffOptions): OutputDiff {
  const expected = toLines(expectedText, opts.ignoreWhitespace);
  const actual = toLines(actualText, opts.ignoreWhitespace);
  const same = (e: Line, a: Line) => lineDifference(e.tokens, a.tokens, opts) === null;
  const differences: string[] = [];
  if (expected.length !== actual.length)
    differences.push(`expected ${expected.length} lines, got ${actual.length}`);
  if (opts.ignoreRowOrder) {
    const m = matchUnordered(expected, actual, same, lineKey, lineKey);
    for (const i of m.missing.slice(0, MAX_REPORTED)) {
      const l = expected[i] as Line;
      differences.push(`missing expected line ${l.no}: ${l.text}`);
    }
    for (const i of m.unexpected.slice(0, MAX_REPORTED)) {
      const l = actual[i] as Line;
      differences.push(`unexpected output line ${l.no}: ${l.text}`);
    }
    const equal = m.missing.length === 0 && m.unexpected.length === 0;
    return {
      equal,
      expectedLines: expected.length,
      actualLines: actual.length,
      differences: equal ? [] : differences,
    };
  }
  const ops = align(expected, actual, same);
  let reported = 0;
  let changed = false;
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k] as AlignOp;
    if (op.kind === 'same') continue;
    changed = true;
    if (reported >= MAX_REPORTED) continue;
    reported++;
    const next = ops[k + 1];
    if (op.kind === 'del' && next?.kind === 'add') {
      // A changed line: show both and, for numbers, by how much.
      const why = lineDifference(op.line.tokens, next.line.tokens, opts);
      differences.push(
        `line ${op.line.no}: expected ${JSON.stringify(op.line.text)}, got ${JSON.stringify(next.line.text)}` +
          (why && why !== 'different text' && why !== 'different shape' ? ` (${why})` : ''),
      );
      k++;
    } else if (op.kind === 'del') differences.push(`missing expected line ${op.line.no}: ${op.line.text}`);
    else differences.push(`unexpected output line ${op.line.no}: ${op.line.text}`);
  }
  return {
    equal: !changed,
    expectedLines: expected.length,
    actualLines: actual.length,
    differences: changed ? differences : [],
  };
}

type AlignOp = { kind: 'same' | 'del' | 'add'; line: Line };

/** A longest-common-subsequence alignment, so one inserted line shows as one difference, not a cascade. */
function align(expected: Line[], actual: Line[], same: (e: Line, a: Line) => boolean): AlignOp[] {
  const n = expected.length;
  const m = actual.length;
  if (n * m > MAX_ALIGN_CELLS) {
    const ops: AlignOp[] = [];
    for (let i = 0; i < Math.max(n, m); i++) {
      const e = expected[i];
      const a = actual[i];
      if (e && a && same(e, a)) ops.push({ kind: 'same', line: a });
      else {
        if (e) ops.push({ kind: 'del', line: e });
        if (a) ops.push({ kind: 'add', line: a });
      }
    }
    return ops;
  }
  // lcs[i][j]: the LCS length of expected[i..] and actual[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const below = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--)
      row[j] = same(expected[i] as Line, actual[j] as Line)
        ? (below[j + 1] as number) + 1
        : Math.max(below[j] as number, row[j + 1] as number);
  }
  const ops: AlignOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const e = expected[i];
    const a = actual[j];
    if (
      e &&
      a &&
      same(e, a) &&
      (lcs[i] as Uint32Array)[j] === ((lcs[i + 1] as Uint32Array)[j + 1] as number) + 1
    ) {
      ops.push({ kind: 'same', line: a });
      i++;
      j++;
    } else if (
      e &&
      (!a || ((lcs[i + 1] as Uint32Array)[j] as number) >= ((lcs[i] as Uint32Array)[j + 1] as number))
    ) {
      ops.push({ kind: 'del', line: e });
      i++;
    } else if (a) {
      ops.push({ kind: 'add', line: a });
      j++;
    }
  }
  return ops;
}
