import { describe, expect, it } from 'vitest';
import { diffOutputs } from '../../src/judges/diff.js';
import { matchUnordered } from '../../src/judges/match.js';
import { compareMetric, parseFiniteNumber } from '../../src/judges/numbers.js';
import { parseVerdict } from '../../src/judges/rubric.js';
import {
  csvCell,
  parseCsv,
  parseJsonLenient,
  regexCapture,
  valueAtDottedKey,
} from '../../src/judges/sources.js';
import { cellMatches, compareRows, PSQL_NULL_MARKER, parsePsqlCsv, psqlArgv } from '../../src/judges/sql.js';

describe('numbers', () => {
  it('accepts finite numbers and numeric strings only', () => {
    expect(parseFiniteNumber(0.93)).toEqual({ ok: true, value: 0.93 });
    expect(parseFiniteNumber(' 1e-3 ')).toEqual({ ok: true, value: 0.001 });
    expect(parseFiniteNumber('-.5')).toEqual({ ok: true, value: -0.5 });
    for (const bad of [
      Number.NaN,
      Infinity,
      -Infinity,
      'NaN',
      'nan',
      'inf',
      '-Infinity',
      '',
      '   ',
      '0.9x',
      '1,5',
      true,
      null,
      undefined,
      {},
      '1e999',
    ])
      expect(parseFiniteNumber(bad).ok, String(bad)).toBe(false);
    expect(parseFiniteNumber('').ok ? '' : (parseFiniteNumber('') as { reason: string }).reason).toMatch(
      /empty/,
    );
    expect((parseFiniteNumber(Number.NaN) as { reason: string }).reason).toMatch(/not finite/);
  });

  it('treats bounds as inclusive, also for decimals that are inexact in binary', () => {
    expect(compareMetric(0.85, '>=', 0.85, 0)).toBe(true);
    expect(compareMetric(0.8499, '>=', 0.85, 0)).toBe(false);
    expect(compareMetric(0.1 + 0.2, '<=', 0.3, 0)).toBe(true);
    expect(compareMetric(0.30001, '<=', 0.3, 0)).toBe(false);
    expect(compareMetric(3, '==', 3, 0)).toBe(true);
    expect(compareMetric(3.0001, '==', 3, 0)).toBe(false);
    // Exactly at the tolerance passes on both sides; a hair beyond fails.
    expect(compareMetric(0.95, 'within', 0.9, 0.05)).toBe(true);
    expect(compareMetric(0.85, 'within', 0.9, 0.05)).toBe(true);
    expect(compareMetric(0.9500001, 'within', 0.9, 0.05)).toBe(false);
    expect(compareMetric(0.8499999, 'within', 0.9, 0.05)).toBe(false);
    // Tolerance moves one-sided bounds.
    expect(compareMetric(0.88, '>=', 0.9, 0.02)).toBe(true);
    expect(compareMetric(0.87, '>=', 0.9, 0.02)).toBe(false);
  });
});

describe('metric sources', () => {
  it('reads Python-style JSON with NaN and Infinity as non-finite values', () => {
    const data = parseJsonLenient(
      '{"a": NaN, "b": {"c": -Infinity, "d": [1, 2.5]}, "s": "NaN inside"}',
    ) as Record<string, unknown>;
    expect(Number.isNaN(data.a)).toBe(true);
    expect(valueAtDottedKey(data, 'b.c')).toEqual({ ok: true, raw: -Infinity });
    expect(valueAtDottedKey(data, 'b.d.1')).toEqual({ ok: true, raw: 2.5 });
    expect(data.s).toBe('NaN inside');
    expect(valueAtDottedKey(data, 'b.x')).toEqual({ ok: false, reason: 'key "b.x" is missing' });
    expect(valueAtDottedKey({ 'val.acc': 0.9 }, 'val.acc')).toEqual({ ok: true, raw: 0.9 });
    expect(() => parseJsonLenient('{"a": ')).toThrow();
  });

  it('reads CSV cells by column, last row by default, with quoted fields', () => {
    const csv = 'epoch,acc,note\r\n1,0.5,"a, b"\n2,0.75,"say ""hi"""\n\n';
    expect(parseCsv(csv)).toEqual([
      ['epoch', 'acc', 'note'],
      ['1', '0.5', 'a, b'],
      ['2', '0.75', 'say "hi"'],
    ]);
    expect(csvCell(csv, 'acc')).toEqual({ ok: true, raw: '0.75' });
    expect(csvCell(csv, 'acc', 0)).toEqual({ ok: true, raw: '0.5' });
    expect(csvCell(csv, 'f1').ok).toBe(false);
    expect(csvCell('acc\n', 'acc')).toEqual({ ok: false, reason: 'the CSV file has a header but no rows' });
    expect(csvCell('', 'acc')).toEqual({ ok: false, reason: 'the CSV file is empty' });
  });

  it('reads CSV written with a byte-order mark (pandas utf-8-sig, Excel), quoted headers included', () => {
    // Before csv-parse the BOM glued onto the first header, so a quoted "epoch" was not found.
    expect(csvCell('\uFEFF"epoch","acc"\r\n1,0.5\r\n', 'epoch')).toEqual({ ok: true, raw: '1' });
    expect(csvCell('\uFEFFepoch,acc\n1,0.5\n', 'epoch')).toEqual({ ok: true, raw: '1' });
    expect(parseCsv('\uFEFF"a","b"\n"x",y\n')).toEqual([
      ['a', 'b'],
      ['x', 'y'],
    ]);
    // Ragged rows and a stray quote inside a field are kept; a quote left open says so.
    expect(parseCsv('a,b\n1\n2,3,4\n5,x"y\n')).toEqual([['a', 'b'], ['1'], ['2', '3', '4'], ['5', 'x"y']]);
    expect(csvCell('acc\n"0.5\n', 'acc')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^the CSV file cannot be read: /),
    });
  });

  it('takes the last regex match from stdout and says when the output is empty', () => {
    expect(regexCapture('acc=0.5\nacc=0.91\n', 'acc=([0-9.]+)')).toEqual({ ok: true, raw: '0.91' });
    expect(regexCapture('', 'acc=([0-9.]+)')).toEqual({ ok: false, reason: 'the output is empty' });
    expect(regexCapture('loss=1', 'acc=([0-9.]+)').ok).toBe(false);
    expect(regexCapture('x', '(').ok).toBe(false);
  });
});

describe('sql rows', () => {
  it('builds a psql call with CSV output, a NULL marker and stop-on-error', () => {
    const argv = psqlArgv('SELECT 1', { database: 'shop', user: 'grader' });
    expect(argv).toEqual(
      expect.arrayContaining(['--csv', '-t', '-X', 'ON_ERROR_STOP=1', '-d', 'shop', '-U', 'grader']),
    );
    expect(argv.at(-1)).toBe('SELECT 1');
  });

  it('parses psql CSV, keeping NULL apart from the empty string and commas inside values', () => {
    const out = `1,"Smith, Jo",${PSQL_NULL_MARKER}\n2,"","multi\nline"\n`;
    expect(parsePsqlCsv(out)).toEqual([
      ['1', 'Smith, Jo', null],
      ['2', '', 'multi\nline'],
    ]);
  });

  it('compares cells type-tolerantly', () => {
    expect(cellMatches(3, '3')).toBe(true);
    expect(cellMatches(2.5, '2.50')).toBe(true);
    expect(cellMatches('2.5', '2.50')).toBe(true);
    expect(cellMatches(2.5, '2.6')).toBe(false);
    expect(cellMatches(2.5, '2.6', 0.1)).toBe(true);
    expect(cellMatches(true, 't')).toBe(true);
    expect(cellMatches(false, 't')).toBe(false);
    expect(cellMatches(null, null)).toBe(true);
    expect(cellMatches(null, '')).toBe(false);
    expect(cellMatches('', null)).toBe(false);
    expect(cellMatches('abc', 'abc')).toBe(true);
    expect(cellMatches('abc', 'ABC')).toBe(false);
    expect(cellMatches(1, 'NaN')).toBe(false);
  });

  it('matches unordered rows as a multiset and reports missing and unexpected rows', () => {
    const expected = [
      [1, 'a'],
      [2, 'b'],
      [2, 'b'],
    ];
    const shuffled = [
      ['2', 'b'],
      ['1', 'a'],
      ['2', 'b'],
    ];
    expect(compareRows(expected, shuffled, { ordered: false }).equal).toBe(true);
    expect(compareRows(expected, shuffled, { ordered: true }).equal).toBe(false);
    const dup = compareRows(
      expected,
      [
        ['1', 'a'],
        ['2', 'b'],
        ['3', 'c'],
      ],
      { ordered: false },
    );
    expect(dup.equal).toBe(false);
    expect(dup.differences).toEqual(['missing row (2, "b")', 'unexpected row ("3", "c")']);
    const short = compareRows(expected, [['1', 'a']], { ordered: true });
    expect(short.differences[0]).toBe('expected 3 rows, got 1');
    expect(short.differences).toContain('row 2: expected (2, "b"), got (no row)');
    expect(compareRows([], [], { ordered: false }).equal).toBe(true);
  });

  it('finds a full matching even when a tolerant greedy pairing would steal a partner', () => {
    // 1.0 could take 1.05 or 0.96; 1.1 can only take 1.05. Greedy first-fit fails, matching does not.
    const m = matchUnordered(
      [1.0, 1.1],
      [1.05, 0.96],
      (e, a) => Math.abs(e - a) <= 0.06,
      () => 'e',
      () => 'a',
    );
    expect(m).toEqual({ missing: [], unexpected: [] });
  });
});

describe('reference output diff', () => {
  const opts = { absTolerance: 0, relTolerance: 0, ignoreWhitespace: true, ignoreRowOrder: false };

  it('passes identical output and ignores whitespace when asked', () => {
    expect(diffOutputs('a,1\nb,2\n', 'a,1\nb,2', opts).equal).toBe(true);
    expect(diffOutputs('a  1\n\nb 2', '  a 1\nb\t2\n', opts).equal).toBe(true);
    expect(diffOutputs('a  1', 'a 1', { ...opts, ignoreWhitespace: false }).equal).toBe(false);
  });

  it('applies absolute and relative tolerances, inclusive at the bound', () => {
    expect(diffOutputs('x=1.00', 'x=1.01', { ...opts, absTolerance: 0.01 }).equal).toBe(true);
    expect(diffOutputs('x=1.00', 'x=1.0101', { ...opts, absTolerance: 0.01 }).equal).toBe(false);
    expect(diffOutputs('x=200', 'x=202', { ...opts, relTolerance: 0.01 }).equal).toBe(true);
    expect(diffOutputs('x=200', 'x=202.1', { ...opts, relTolerance: 0.01 }).equal).toBe(false);
    expect(diffOutputs('x=1e-3', 'x=0.001', opts).equal).toBe(true);
  });

  it('reports the first differences readably, with how far a number is off', () => {
    const d = diffOutputs('id,score\n1,0.50\n2,0.75\n', 'id,score\n1,0.50\n2,0.80\n', {
      ...opts,
      absTolerance: 0.01,
    });
    expect(d.equal).toBe(false);
    expect(d.differences).toEqual([
      'line 3: expected "2,0.75", got "2,0.80" (0.8 vs expected 0.75: off by 0.05, allowed 0.01)',
    ]);
  });

  it('shows one inserted line as one difference, not a cascade', () => {
    const d = diffOutputs('a\nb\nc\nd', 'a\nX\nb\nc\nd', opts);
    expect(d.differences).toEqual(['expected 4 lines, got 5', 'unexpected output line 2: X']);
  });

  it('compares rows in any order when asked', () => {
    const o = { ...opts, ignoreRowOrder: true, absTolerance: 0.001 };
    expect(diffOutputs('a,1\nb,2\nc,3', 'c,3\na,1.0005\nb,2', o).equal).toBe(true);
    const d = diffOutputs('a,1\nb,2', 'b,2\nz,9', o);
    expect(d.equal).toBe(false);
    expect(d.differences).toEqual(['missing expected line 1: a,1', 'unexpected output line 2: z,9']);
  });

  it('treats empty output against a non-empty fixture as a difference', () => {
    const d = diffOutputs('a,1\n', '', opts);
    expect(d.equal).toBe(false);
    expect(d.differences).toEqual(['expected 1 lines, got 0', 'missing expected line 1: a,1']);
  });

  it('does not accept NaN or infinity for a number', () => {
    expect(diffOutputs('loss 0.5', 'loss nan', { ...opts, absTolerance: 1 }).equal).toBe(false);
    expect(diffOutputs('loss 0.5', 'loss inf', { ...opts, absTolerance: 1 }).equal).toBe(false);
  });
});

describe('judge verdicts', () => {
  const scale = { min: 0, max: 10 };
  it('accepts exactly a JSON object with score and reasoning within the scale', () => {
    expect(parseVerdict('{"score": 7, "reasoning": "Good tests."}', scale)).toEqual({
      ok: true,
      score: 7,
      reasoning: 'Good tests.',
    });
    expect(parseVerdict('```json\n{"score": 10, "reasoning": "ok"}\n```', scale).ok).toBe(true);
    expect(parseVerdict('{"score": 0, "reasoning": "none"}', scale).ok).toBe(true);
  });
  it('refuses anything else with a reason', () => {
    const cases: Array<[string | null, RegExp]> = [
      [null, /empty/],
      ['Score: 7', /not a JSON object/],
      ['{"score": "7", "reasoning": "x"}', /score/],
      ['{"score": 11, "reasoning": "x"}', /outside the scale/],
      ['{"score": -1, "reasoning": "x"}', /outside the scale/],
      ['{"score": 5}', /reasoning/],
      ['{"score": 5, "reasoning": "  "}', /reasoning/],
      ['{"score": 5, "reasoning": "x", "extra": 1}', /extra/],
      ['I think {"score": 5, "reasoning": "x"}', /not a JSON object/],
    ];
    for (const [reply, why] of cases) {
      const v = parseVerdict(reply, scale);
      expect(v.ok, String(reply)).toBe(false);
      if (!v.ok) expect(v.reason).toMatch(why);
    }
  });
});
