import { type DockerEngine, type DockerHost, probeEngine } from '../sandbox/index.js';
import type { Unit } from './plan.js';
import type { RunBrief } from './summary.js';

/**
 * Spreading a suite's runs over a pool of Docker hosts, each with its own
 * concurrency. A host that does not answer at the start is reported and left
 * out; a run that breaks (an environment or grader error, a crash) on a
 * host that then does not answer marks the host as failed, and that run goes again on another host,
 * so a lost host loses no run (its failed attempt stays recorded, and the
 * retry, being later, is the one the suite counts).
 */

export interface HostPoolWork {
  stop: () => boolean;
  run: (unit: Unit, engine: DockerEngine) => Promise<RunBrief | null>;
  done: (brief: RunBrief | null) => void;
  warn: (message: string) => void;
  /** Null when the engine answers (default: `docker version` on it). */
  probe?: (engine: DockerEngine) => Promise<string | null>;
}

/** Endings a lost engine causes (docker calls failing mid-run show up as any of these). */
const HOST_SUSPECT_STATUSES: ReadonlySet<string> = new Set(['environment_error', 'grader_error', 'crashed']);

interface HostState {
  engine: DockerEngine;
  limit: number;
  running: number;
  failed: string | null;
}

/** Thrown when no host of the pool answers: an environment problem, not a task's. */
export class NoDockerHostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoDockerHostError';
  }
}

export async function runOnHosts(
  units: readonly Unit[],
  hosts: readonly DockerHost[],
  defaultConcurrency: number,
  work: HostPoolWork,
): Promise<void> {
  const probe = work.probe ?? ((engine: DockerEngine) => probeEngine(engine));
  const states: HostState[] = hosts.map((h) => ({
    engine: h.engine,
    limit: h.concurrency ?? defaultConcurrency,
    running: 0,
    failed: null,
  }));
  const fail = (s: HostState, why: string, what: string): void => {
    if (s.failed) return;
    s.failed = why;
    const others = states.filter((o) => !o.failed).map((o) => o.engine.name);
    work.warn(
      `Docker host ${s.engine.name} ${what} (${why}): skipped${others.length > 0 ? `; runs go to ${others.join(', ')}` : ''}`,
    );
  };
  await Promise.all(
    states.map(async (s) => {
      const why = await probe(s.engine);
      if (why) fail(s, why, 'does not answer');
    }),
  );
  if (units.length > 0 && states.every((s) => s.failed))
    throw new NoDockerHostError(
      `no Docker host answers: ${states.map((s) => `${s.engine.name} (${s.failed})`).join('; ')}`,
    );

  const queue = [...units];
  const running = new Set<Promise<void>>();
  /** The healthy host with the most room, by share of its limit in use (ties: the first listed). */
  const pick = (): HostState | null => {
    let best: HostState | null = null;
    for (const s of states)
      if (!s.failed && s.running < s.limit && (!best || s.running / s.limit < best.running / best.limit))
        best = s;
    return best;
  };
  const start = (unit: Unit, host: HostState): void => {
    host.running++;
    const p: Promise<void> = work
      .run(unit, host.engine)
      .then(async (brief) => {
        // A run that broke may have broken with its host: ask the host, and run the unit again elsewhere if it is gone.
        const broke = brief !== null && HOST_SUSPECT_STATUSES.has(brief.status);
        if (broke && !host.failed && !work.stop()) {
          const why = await probe(host.engine);
          if (why) fail(host, why, 'failed');
        }
        if (broke && host.failed && states.some((s) => !s.failed)) queue.unshift(unit);
        work.done(brief);
      })
      .finally(() => {
        host.running--;
        running.delete(p);
      });
    running.add(p);
  };
  while (!work.stop()) {
    let host = pick();
    while (queue.length > 0 && host && !work.stop()) {
      start(queue.shift() as Unit, host);
      host = pick();
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  await Promise.all(running);
  if (queue.length > 0 && !work.stop())
    work.warn(`${queue.length} run(s) not started: every Docker host of the pool failed`);
}
