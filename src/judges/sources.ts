/** Reading one value out of a metric source: a JSON file, a CSV file or a command's stdout. */
import { parse } from 'csv-parse/sync';

export type Extracted = { ok: true; raw: unknown } | { ok: false; reason: string };

const PY_NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity };

/**
 * JSON as Python's `json.dump` writes it, which may contain bare `NaN` and
 * `Infinity`: those become real non-finite numbers so the check can say why
 * it refuses them instead of failing to parse the whole file.
 */
export function parseJsonLenient(text: string): unknown {
  const markers = new Map<string, number>();
  const patched = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (token) => {
    if (token.startsWith('"')) return token;
    const marker = `__factory_bench_non_finite_${markers.size}__`;
    markers.set(marker, PY_NON_FINITE[token] as number);
    return `"${marker}"`;
  });
  return JSON.parse(patched, (_key, value: unknown) =>
    typeof value === 'string' && markers.has(value) ? markers.get(value) : value,
  );
}

/** `a.b.0.c`: object keys and array indexes. A key that itself contains dots may be matched whole. */
export function valueAtDottedKey(data: unknown, key: string): Extracted {
  const parts = key.split('.');
  let current: unknown = data;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (current === null || typeof current !== 'object') {
      return { ok: false, reason: `key ${JSON.stringify(parts.slice(0, i).join('.'))} is not an object` };
    }
    const rest = parts.slice(i).join('.');
    if (!Array.isArray(current) && rest in current)
      return { ok: true, raw: (current as Record<string, unknown>)[rest] };
    if (!(part in current)) {
      return { ok: false, reason: `key ${JSON.stringify(parts.slice(0, i + 1).join('.'))} is missing` };
    }
    current = (current as Record<string, unknown>)[part];
  }
  return { ok: true, raw: current };
}

/**
 * RFC 4180 CSV through csv-parse: quoted fields, doubled quotes, CRLF or LF,
 * a UTF-8 byte-order mark dropped (pandas' `utf-8-sig`, Excel), rows of any
 * length, a stray quote inside a field kept. Blank lines are dropped. Throws
 * on a quote left open.
 */
export function parseCsv(text: string, separator = ','): string[][] {
  return parse(text, {
    bom: true,
    delimiter: separator,
    // Files that mix line endings (a CRLF header, LF rows) are common; each ending counts.
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
  }) as string[][];
}

/** The cell of `column` in a CSV with a header row; `row` counts data rows from 0, negative from the end. */
export function csvCell(text: string, column: string, row = -1): Extracted {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (err) {
    return { ok: false, reason: `the CSV file cannot be read: ${(err as Error).message.split('\n')[0]}` };
  }
  const [header, ...data] = rows;
  if (!header) return { ok: false, reason: 'the CSV file is empty' };
  const col = header.findIndex((h) => h.trim() === column);
  if (col < 0)
    return { ok: false, reason: `no column ${JSON.stringify(column)} (columns: ${header.join(', ')})` };
  if (data.length === 0) return { ok: false, reason: 'the CSV file has a header but no rows' };
  const index = row < 0 ? data.length + row : row;
  const cells = data[index];
  if (!cells) return { ok: false, reason: `no row ${row} (the file has ${data.length} data rows)` };
  return { ok: true, raw: cells[col] ?? '' };
}

/** The first capture group of the last match of `pattern` in `text` (a script's final report wins). */
export function regexCapture(text: string, pattern: string): Extracted {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'gm');
  } catch (err) {
    return { ok: false, reason: `invalid regex ${JSON.stringify(pattern)}: ${(err as Error).message}` };
  }
  const matches = [...text.matchAll(re)];
  const last = matches.at(-1);
  if (!last) {
    return {
      ok: false,
      reason: text.trim() === '' ? 'the output is empty' : `no match for /${pattern}/ in the output`,
    };
  }
  return { ok: true, raw: last[1] ?? last[0] };
}
