import { fmtScore, fmtSeconds } from './format.js';
import type { SuiteEvent } from './run-options.js';

interface TaskLine {
  taskId: string;
  epochs: number;
  done: number;
  passes: number;
  errors: number;
  running: Map<number, string>;
  lastScore: number | null;
}

export interface ProgressWriter {
  write(text: string): unknown;
}

/**
 * Turns suite events into progress: on a terminal, one line per task redrawn
 * in place (queued, running with its phase, k-of-n passed); elsewhere (CI
 * logs), one plain timestamped line per event.
 */
export function createProgressReporter(
  out: ProgressWriter,
  opts: { tty: boolean; now?: () => Date },
): (event: SuiteEvent) => void {
  const now = opts.now ?? (() => new Date());
  const stamp = (): string => `[${now().toISOString().slice(11, 19)}]`;
  const lines = new Map<string, TaskLine>();
  let drawn = 0;
  let header = '';

  const render = (t: TaskLine): string => {
    const width = Math.max(...[...lines.keys()].map((k) => k.length));
    let state: string;
    if (t.running.size > 0)
      state = `running ${[...t.running.entries()].map(([e, phase]) => `epoch ${e + 1}/${t.epochs} (${phase})`).join(', ')}`;
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
  const redraw = (messages: string[] = []): void => {
    if (!opts.tty) {
      for (const m of messages) out.write(`${m}\n`);
      return;
    }
    // Move up over the previous block and clear it, print messages above, then the block again.
    let text = drawn > 0 ? `\x1b[${drawn}F\x1b[J` : '';
    for (const m of messages) text += `${m}\n`;
    const block = [header, ...[...lines.values()].map(render)];
    text += `${block.join('\n')}\n`;
    drawn = block.length;
    out.write(text);
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
            lastScore: null,
          });
        header = `suite ${event.suiteId} with ${event.model}: ${event.suiteRunId}`;
        const resumed = event.resumed
          ? ` (resuming: ${event.pending} runs left)`
          : ` (${event.pending} runs)`;
        if (opts.tty) {
          header += resumed;
          redraw();
        } else redraw([`${stamp()} ${header}${resumed}`]);
        return;
      }
      case 'unit_start': {
        lines.get(event.taskId)?.running.set(event.epoch, 'starting');
        redraw(
          opts.tty ? [] : [`${stamp()} ${event.taskId} epoch ${event.epoch + 1}/${event.epochs}: started`],
        );
        return;
      }
      case 'unit_phase': {
        const line = lines.get(event.taskId);
        if (event.phase === 'done') return;
        if (line?.running.has(event.epoch)) line.running.set(event.epoch, event.phase);
        if (opts.tty) redraw();
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
          line.lastScore = r.score;
        }
        const what =
          r.status === 'completed'
            ? `${r.passed ? 'passed' : 'failed'} (score ${fmtScore(r.score)}${r.kill_reason ? `, ${r.kill_reason}` : ''})`
            : `${r.status}${r.error_message ? `: ${r.error_message.split('\n')[0]}` : ''}`;
        redraw(
          opts.tty
            ? []
            : [
                `${stamp()} ${event.taskId} epoch ${event.epoch + 1}/${event.epochs}: ${what} in ${fmtSeconds(r.wall_s)}`,
              ],
        );
        return;
      }
      case 'interrupting':
        redraw([
          `${stamp()} interrupt: starting no new runs; stopping ${event.running} running (press Ctrl-C again to force)`,
        ]);
        return;
      case 'warning':
        redraw([`${stamp()} warning: ${event.message}`]);
        return;
      case 'suite_end': {
        const t = event.summary.totals;
        redraw([
          `${stamp()} suite ${event.status}: ${t.passed_runs}/${t.scored_runs} runs passed, ` +
            `${t.environment_errors} environment error(s), ${fmtSeconds(t.wall_seconds)}`,
        ]);
        return;
      }
    }
  };
}
