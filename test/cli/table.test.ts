/**
 * CLI tables line up on a terminal whatever the characters: columns are
 * padded by displayed width (string-width), not by UTF-16 length, so task
 * titles in CJK, emoji or with combining accents do not push later columns.
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { table } from '../../src/cli/common.js';

/** The displayed column where each line's `marker` starts. */
const columnOf = (text: string, marker: string): number[] =>
  text.split('\n').map((line) => stringWidth(line.slice(0, line.indexOf(marker))));

describe('table', () => {
  it('aligns columns after wide and combining characters', () => {
    const out = table(
      ['title', 'score'],
      [
        ['plain', '|1'],
        ['数据清洗', '|2'],
        ['🚀 rocket', '|3'],
        ['cafe\u0301', '|4'],
      ],
    );
    const starts = columnOf(out.split('\n').slice(1).join('\n'), '|');
    // Padded by .length, the CJK title showed 4 columns too wide, the emoji and the accent 1 off.
    expect(new Set(starts).size).toBe(1);
    expect(starts[0]).toBe(stringWidth('🚀 rocket') + 2);
    expect(out.split('\n')[0]).toBe('title      score');
  });

  it('trims trailing padding and keeps numbers', () => {
    expect(
      table(
        ['a', 'b'],
        [
          [1, ''],
          ['xy', 22],
        ],
      ),
    ).toBe('a   b\n1\nxy  22');
  });
});
