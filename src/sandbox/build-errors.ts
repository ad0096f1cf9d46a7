/**
 * Why an image build failed, in one line a person can act on: the line of the
 * build's output that explains it (apt's first `E:` line, else the first error
 * line), not the builder's generic "returned a non-zero code" trailer.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are control characters.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
/** BuildKit prefixes each line of a step's output with `#<step> <seconds> `. */
const BUILDKIT_PREFIX = /^#\d+ \d+(?:\.\d+)? /;
/** The builders' own summaries of a failed step: they say that it failed, not why. */
const TRAILERS = [
  /^The command '.*' returned a non-zero code: \d+$/,
  /^ERROR: failed to solve\b/,
  /^ERROR: process ".*" did not complete successfully/,
  /^error: failed to solve\b/,
];
const ERROR_LINE = /^(?:E: |ERROR\b|error\b|Error\b|fatal\b|FATAL\b)|\berror:/;
const MAX_CHARS = 300;

/** The build's lines without colour codes and BuildKit prefixes, blank lines dropped. */
function cleanLines(output: string): string[] {
  return output
    .replace(ANSI, '')
    .split(/\r?\n/)
    .map((line) => line.replace(BUILDKIT_PREFIX, '').trim())
    .filter(Boolean);
}

function clip(line: string): string {
  return line.length > MAX_CHARS ? `${line.slice(0, MAX_CHARS)}...` : line;
}

/**
 * The line that explains a failed build, and the step's command when the
 * builder named it; each said once. Falls back to the builder's own summary,
 * then to the last line of output.
 */
export function explainBuildFailure(output: string): string {
  const lines = cleanLines(output);
  const isTrailer = (line: string) => TRAILERS.some((re) => re.test(line));
  const apt = lines.find((line) => line.startsWith('E: '));
  const error = apt ?? lines.find((line) => ERROR_LINE.test(line) && !isTrailer(line));
  const trailer = lines.find(isTrailer);
  const step = trailer
    ? (/'(?:\/bin\/sh -c )?(.*)' returned a non-zero code: (\d+)/.exec(trailer) ??
      /process "(?:\/bin\/sh -c )?(.*)" did not complete successfully: exit code: (\d+)/.exec(trailer))
    : null;
  if (error && step) return `${clip(error)} (in \`${clip(step[1] ?? '')}\`, exit code ${step[2]})`;
  if (error) return clip(error);
  return clip(trailer ?? lines.at(-1) ?? 'no output');
}
