/** Reading one value out of a metric source: a JSON file, a CSV file or a command's stdout. */

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

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. Blank lines are dropped. */
export function parseCsv(text: string, separator = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(field);
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === separator) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else field += ch;
    i++;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** The cell of `column` in a CSV with a header row; `row` counts data rows from 0, negative from the end. */
export function csvCell(text: string, column: string, row = -1): Extracted {
  const [header, ...data] = parseCsv(text);
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
