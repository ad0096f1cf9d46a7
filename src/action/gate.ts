/**
 * The merge gate: a minimum pass rate, and a largest allowed drop in pass
 * rate against the base branch's latest run of the same suite.
 */
export type Verdict = 'passed' | 'failed' | 'skipped';

export interface GateInput {
  passRate: number;
  failUnder: number | null;
  /** Null when there is no baseline. */
  baselinePassRate: number | null;
  maxRegression: number | null;
  /** The comparison's overall verdict and its statement; a drop counts only when it is called a regression. */
  comparisonVerdict?: string | null;
  comparisonStatement?: string | null;
}

export interface GateResult {
  verdict: Verdict;
  /** One line per failed condition, for the log and the summary. */
  failures: string[];
  /** One line per condition checked or not. */
  checks: string[];
}

export function pct(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toString()}%`;
}

/** A pass-rate difference in percentage points, signed. */
export function points(delta: number): string {
  const p = Math.round(delta * 1000) / 10;
  return `${p > 0 ? '+' : p < 0 ? '−' : '±'}${Math.abs(p)} pts`;
}

export function evaluateGate(g: GateInput): GateResult {
  const failures: string[] = [];
  const checks: string[] = [];
  if (g.failUnder !== null) {
    const line = `pass rate ${pct(g.passRate)} against fail-under ${pct(g.failUnder)}`;
    checks.push(line);
    if (g.passRate + 1e-9 < g.failUnder)
      failures.push(`pass rate ${pct(g.passRate)} is under fail-under ${pct(g.failUnder)}`);
  }
  if (g.maxRegression !== null) {
    if (g.baselinePassRate === null)
      checks.push('max-regression not checked: no baseline run on the base branch');
    else {
      const drop = g.baselinePassRate - g.passRate;
      checks.push(`pass rate change ${points(-drop)} against max-regression ${pct(g.maxRegression)}`);
      const tooLarge = drop > g.maxRegression + 1e-9;
      // Scores are noisy: a drop fails the gate only when the comparison tells it from noise.
      const called =
        g.comparisonVerdict === undefined ||
        g.comparisonVerdict === null ||
        g.comparisonVerdict === 'regressed';
      if (tooLarge && !called)
        checks.push(
          `the drop is larger than max-regression but the comparison does not call it a regression (${g.comparisonStatement ?? g.comparisonVerdict}), so the gate holds`,
        );
      if (tooLarge && called)
        failures.push(
          `pass rate fell ${points(-drop).replace('−', '')} against the base branch (${pct(g.baselinePassRate)} → ${pct(g.passRate)}), more than max-regression ${pct(g.maxRegression)}`,
        );
    }
  }
  return { verdict: failures.length > 0 ? 'failed' : 'passed', failures, checks };
}
