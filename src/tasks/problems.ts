import type { z } from 'zod';

/** One thing wrong with a manifest: where, and what was expected. */
export interface ManifestProblem {
  file: string;
  /** Dotted field path such as `grader.checks.0.type`; empty for the whole file. */
  field: string;
  message: string;
}

/** A manifest (task or suite) that cannot be used. The message is one line per problem. */
export class ManifestError extends Error {
  constructor(readonly problems: ManifestProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ManifestError';
  }
}

export function formatProblem(p: ManifestProblem): string {
  return p.field ? `${p.file}: ${p.field}: ${p.message}` : `${p.file}: ${p.message}`;
}

/** A schema's issues as problems of `file`, each naming its field and what was expected. */
export function zodProblems(file: string, issues: z.core.$ZodIssue[], raw: unknown): ManifestProblem[] {
  return issues.map((issue) => ({
    file,
    field: issue.path.join('.'),
    message: describeIssue(issue, valueAt(raw, issue.path)),
  }));
}

function valueAt(data: unknown, keys: PropertyKey[]): unknown {
  let v = data;
  for (const k of keys)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? `required field is missing (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${typeName(value)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`;
    case 'too_big':
    case 'too_small':
      return `${issue.message}, got ${JSON.stringify(value)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `\`${k}\``).join(', ')}`;
    case 'invalid_union':
      if ('options' in issue && Array.isArray(issue.options) && issue.options.length > 0) {
        const options = issue.options.map((o) => JSON.stringify(o)).join(', ');
        return value === undefined
          ? `required field is missing (expected one of ${options})`
          : `unknown value ${JSON.stringify(value)}; expected one of ${options}`;
      }
      return issue.message;
    default:
      return issue.message;
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
