/** Strict number parsing and comparison shared by the metric, SQL and reference-output checks. */

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export type Parsed = { ok: true; value: number } | { ok: false; reason: string };

/**
 * A finite number from a JSON value, a CSV cell or a regex capture. Numeric
 * strings count; NaN, infinities, empty text, booleans and anything else are
 * refused with a reason (a broken metric must fail its check, never pass it).
 */
export function parseFiniteNumber(raw: unknown): Parsed {
  if (typeof raw === 'number') {
    return Number.isFinite(raw) ? { ok: true, value: raw } : { ok: false, reason: `${raw} is not finite` };
  }
  if (typeof raw !== 'string') {
    const shown = raw === undefined ? 'nothing' : JSON.stringify(raw);
    return { ok: false, reason: `${shown} is not a number` };
  }
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'the value is empty' };
  if (/^[+-]?(nan|inf|infinity)$/i.test(text)) return { ok: false, reason: `${text} is not finite` };
  if (!DECIMAL.test(text)) return { ok: false, reason: `${JSON.stringify(text)} is not a number` };
  const value = Number(text);
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, reason: `${text} overflows` };
}

export type MetricOp = '>=' | '<=' | '==' | 'within';

/**
 * Slack for binary floating point at a bound: `0.85` read back from a file
 * must meet `>= 0.85`, and `|0.95 - 0.9| <= 0.05` must hold although the
 * doubles differ in the last bits.
 */
export function floatSlack(...values: number[]): number {
  return 1e-9 * Math.max(1, ...values.map(Math.abs));
}

/**
 * Compares a metric with its target. Bounds are inclusive: `>=` passes at
 * exactly the value, `within` passes at exactly the tolerance. `tolerance`
 * widens every operator: `>=` accepts down to value - tolerance, `<=` up to
 * value + tolerance, and `==` is the same as `within`.
 */
export function compareMetric(actual: number, op: MetricOp, target: number, tolerance: number): boolean {
  const slack = floatSlack(actual, target, tolerance);
  switch (op) {
    case '>=':
      return actual >= target - tolerance - slack;
    case '<=':
      return actual <= target + tolerance + slack;
    case '==':
    case 'within':
      return Math.abs(actual - target) <= tolerance + slack;
  }
}

/** numpy.isclose-style: |actual - expected| <= abs + rel * |expected|. */
export function numbersClose(actual: number, expected: number, abs: number, rel: number): boolean {
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= abs + rel * Math.abs(expected) + floatSlack(actual, expected);
}

export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}
