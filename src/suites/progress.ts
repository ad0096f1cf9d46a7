import { createLogUpdate } from 'log-update';
import stringWidth from 'string-width';
import { fmtScore, fmtSeconds, fmtTokens, fmtUsd } from './format.js';
import type { SuiteEvent } from './run-options.js';
import { isFinished } from './summary.js';

interface TaskLine {
  taskId: string;
  epochs: number;
  done: number;
  passes: number;
  errors: number;
  /** Running epochs: their phase and when it began. */
  running: Map<number, { phase: string; since: number }>;
}

/** Where progress goes: stderr, or a stand-in with the same shape in tests. */
export interface ProgressWriter {
  write(text: string): unknown;
  columns?: number;
  rows?: number;
}

export interface ProgressOptions {
  /** A terminal: the block of lines is redrawn in place; otherwise plain log lines. */
  tty: boolean;
  now?: () => Date;
  /** Plain mode: the suite's totals are printed this often (default 60 s). */
  totalsEveryMs?: number;
  /** Terminal: the block is redrawn this often for elapsed times (default 1 s). */
  redrawEveryMs?: number;
}

/** The whole suite so far. */
interface Totals {
  planned: number;
  done: number;
  passed: number;
  tokens: number;
  /** Null once a run's cost is unknown (an unpriced model). */
  cost: number | null;
  /** Runs finished in this session (what the time left is estimated from). */
  doneHere: number;
  startedMs: number;
}

const PHASE_LABELS: Record<string, string> = { building_image: 'building image' };

/**
 * Turns suite events into progress: on a terminal, a block redrawn in place
 * (log-update: wrapped to the terminal's width, clipped to its height) with
 * one line for the whole suite (runs done of all, passed, elapsed, time
 * left, tokens and cost so far) and one per task (queued, running with its
 * phase, k-of-n passed); elsewhere (CI logs), one plain timestamped line per
 * event and the suite's totals every so often.
 */
export function createProgressReporter(
  out: ProgressWriter,
  opts: ProgressOptions,
): (event: SuiteEvent) => void {
  const now = opts.now ?? (() => new Date());
  const stamp = (): string => `[${now().toISOString().slice(11, 19)}]`;
  const lines = new Map<string, TaskLine>();
  const totals: Totals = { planned: 0, done: 0, passed: 0, tokens: 0, cost: 0, doneHere: 0, startedMs: 0 };
  let header = '';
  let lastTotalsMs = 0;
  let timer: NodeJS.Timeout | undefined;
  const log = opts.tty ? createLogUpdate(out as unknown as NodeJS.WriteStream, { showCursor: true }) : null;

  const totalsLine = (): string => {
    const elapsed = (now().getTime() - totals.startedMs) / 1000;
    const left = totals.planned - totals.done;
    let eta = 'estimating the time left';
    if (left === 0) eta = 'nothing left';
    else if (totals.doneHere > 0) eta = `about ${fmtSeconds((elapsed / totals.doneHere) * left)} left`;
    return (
      `${totals.done}/${totals.planned} runs done, ${totals.passed} passed · ${fmtSeconds(elapsed)} elapsed, ${eta} · ` +
      `${fmtTokens(totals.tokens)} tokens, ${fmtUsd(totals.cost)}`
    );
  };
  const render = (t: TaskLine, width: number): string => {
    const at = now().getTime();
    let state: string;
    if (t.running.size > 0)
      state = `running ${[...t.running.entries()]
        .map(([e, p]) => {
          const label = PHASE_LABELS[p.phase] ?? p.phase;
          const took = p.phase === 'building_image' ? ` ${fmtSeconds((at - p.since) / 1000)}` : '';
          return `epoch ${e + 1}/${t.epochs} (${label}${took})`;
        })
        .join(', ')}`;
    else if (t.done === t.epochs) state = t.errors === t.epochs ? 'environment error' : 'done';
    else if (t.done === 0) state = 'queued';
    else state = 'waiting';
    const mark =
      t.running.size > 0
        ? '…'
        : t.done === t.epochs
          ? t.passes === t.done - t.errors && t.passes > 0
            ? '✓'
            : '✗'
          : '·';
    const tally =
      t.done > 0
        ? `  ${t.passes}/${t.done - t.errors} passed${t.errors ? `, ${t.errors} env error` : ''}`
        : '';
    return `  ${mark} ${t.taskId.padEnd(width)}  ${state}${tally}`;
  };
  /**
   * What fits the terminal: every line cut to its width (a wrapped line would
   * push the block down), and as many task lines as its height leaves after
   * the header and the totals (running tasks first, then unfinished ones).
   */
  const block = (): string => {
    const columns = out.columns ?? 80;
    const room = Math.max(1, (out.rows ?? 24) - 3);
    let shown = [...lines.values()];
    let more = '';
    if (shown.length > room) {
      const rank = (t: TaskLine): number => (t.running.size > 0 ? 0 : t.done < t.epochs ? 1 : 2);
      const keep = new Set([...shown].sort((a, b) => rank(a) - rank(b)).slice(0, room - 1));
      const hidden = shown.filter((t) => !keep.has(t));
      const finished = hidden.filter((t) => t.done === t.epochs).length;
      more = `  … ${hidden.length} more tasks (${finished} done, ${hidden.length - finished} to go)`;
      shown = shown.filter((t) => keep.has(t));
    }
    const width = Math.max(0, ...shown.map((t) => t.taskId.length));
    return [header, `  ${totalsLine()}`, ...shown.map((t) => render(t, width)), ...(more ? [more] : [])]
      .map((line) => fitWidth(line, columns))
      .join('\n');
  };
  /** Messages go above the block (terminal) or are the log (plain). */
  const show = (messages: string[] = []): void => {
    if (!log) {
      for (const m of messages) out.write(`${m}\n`);
      return;
    }
    if (messages.length > 0) {
      log.clear();
      out.write(`${messages.join('\n')}\n`);
    }
    log(block());
  };
  const plainTotals = (force = false): void => {
    if (log || totals.startedMs === 0) return;
    const at = now().getTime();
    if (!force && at - lastTotalsMs < (opts.totalsEveryMs ?? 60_000)) return;
    lastTotalsMs = at;
    out.write(`${stamp()} progress: ${totalsLine()}\n`);
  };
  const stopTimer = (): void => {
    clearInterval(timer);
    timer = undefined;
  };

  return (event: SuiteEvent): void => {
    switch (event.type) {
      case 'suite_start': {
        for (const t of event.tasks)
          lines.set(t.taskId, {
            taskId: t.taskId,
            epochs: t.epochs,
            done: t.done,
            passes: 0,
            errors: 0,
            running: new Map(),
          });
        totals.planned = event.tasks.reduce((s, t) => s + t.epochs, 0);
        totals.done = event.finished?.runs ?? 0;
        totals.passed = event.finished?.passed ?? 0;
        totals.tokens = event.finished?.tokens ?? 0;
        totals.cost = event.finished ? event.finished.cost_usd : 0;
        totals.startedMs = now().getTime();
        lastTotalsMs = totals.startedMs;
        header = `suite ${event.suiteId} with ${event.model}: ${event.suiteRunId}`;
        const resumed = event.resumed
          ? ` (resuming: ${event.pending} runs left)`
          : ` (${event.pending} runs)`;
        if (log) {
          header += resumed;
          show();
        } else show([`${stamp()} ${header}${resumed}`]);
        // Elapsed times move on their own: redraw (terminal) or print the totals (plain) now and then.
        timer = setInterval(
          () => (log ? show() : plainTotals()),
          log ? (opts.redrawEveryMs ?? 1000) : Math.min(opts.totalsEveryMs ?? 60_000, 60_000),
        );
        timer.unref();
        return;
      }
      case 'unit_start': {
        lines.get(event.taskId)?.running.set(event.epoch, { phase: 'starting', since: now().getTime() });
        show(log ? [] : [`${stamp()} ${event.taskId} epoch ${event.epoch + 1}/${event.epochs}: started`]);
        return;
      }
      case 'unit_phase': {
        const line = lines.get(event.taskId);
        if (event.phase === 'done') return;
        if (line?.running.has(event.epoch))
          line.running.set(event.epoch, { phase: event.phase, since: now().getTime() });
        if (log) show();
        else if (event.phase === 'building_image')
          show([`${stamp()} ${event.taskId} epoch ${event.epoch + 1}/${event.epochs}: building image`]);
        return;
      }
      case 'unit_end': {
        const line = lines.get(event.taskId);
        const r = event.run;
        if (line) {
          line.running.delete(event.epoch);
          line.done++;
          if (r.passed) line.passes++;
          if (['environment_error', 'grader_error', 'crashed'].includes(r.status)) line.errors++;
        }
        if (isFinished(r.status)) {
          totals.done++;
          totals.doneHere++;
          if (r.passed) totals.passed++;
        }
        totals.tokens += r.tokens;
        totals.cost = totals.cost === null || r.cost_usd === null ? null : totals.cost + r.cost_usd;
        const what =
          r.status === 'completed'
            ? `${r.passed ? 'passed' : 'failed'} (score ${fmtScore(r.score)}${r.kill_reason ? `, ${r.kill_reason}` : ''})`
            : `${r.status}${r.error_message ? `: ${r.error_message.split('\n')[0]}` : ''}`;
        show(
          log
            ? []
            : [
                `${stamp()} ${event.taskId} epoch ${event.epoch + 1}/${event.epochs}: ${what} in ${fmtSeconds(r.wall_s)}`,
              ],
        );
        plainTotals();
        return;
      }
      case 'interrupting':
        show([
          `${stamp()} interrupt: starting no new runs; stopping ${event.running} running (press Ctrl-C again to force)`,
        ]);
        return;
      case 'warning':
        show([`${stamp()} warning: ${event.message}`]);
        return;
      case 'suite_end': {
        stopTimer();
        const t = event.summary.totals;
        if (log) {
          log(block());
          log.done();
        } else plainTotals(true);
        out.write(
          `${stamp()} suite ${event.status}: ${t.passed_runs}/${t.scored_runs} runs passed, ` +
            `${t.environment_errors} environment error(s), ${fmtSeconds(t.wall_seconds)}\n`,
        );
        return;
      }
    }
  };
}

/** The line cut to `columns` terminal cells (wide characters count twice), with … where it was cut. */
function fitWidth(line: string, columns: number): string {
  if (stringWidth(line) < columns) return line;
  let cut = '';
  let width = 0;
  for (const ch of line) {
    const w = stringWidth(ch);
    if (width + w > columns - 2) break;
    cut += ch;
    width += w;
  }
  return `${cut}…`;
}
