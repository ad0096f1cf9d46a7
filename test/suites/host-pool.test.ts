/**
 * Spreading a suite's runs over Docker hosts, without Docker: each host's
 * concurrency is kept, a host that does not answer is reported and skipped,
 * and a host that fails during the suite loses no run (the run goes again on
 * another host). A run that fails for its own reasons on a healthy host is
 * not run again.
 */
import { describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../src/sandbox/index.js';
import { NoDockerHostError, runOnHosts } from '../../src/suites/host-pool.js';
import type { Unit } from '../../src/suites/plan.js';
import type { RunBrief } from '../../src/suites/summary.js';

const engine = (name: string): DockerEngine => ({ name, host: `ssh://${name}` });
const A = engine('a');
const B = engine('b');
const units = (n: number): Unit[] =>
  Array.from(
    { length: n },
    (_, i) => ({ epoch: i, epochs: n, suiteTask: { id: `t${i}` } }) as unknown as Unit,
  );
const brief = (unit: Unit, status: string): RunBrief =>
  ({
    run_id: `${unit.suiteTask.id}-${Math.random()}`,
    task_id: unit.suiteTask.id,
    epoch: unit.epoch,
    status,
  }) as RunBrief;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function harness(opts: {
  dead?: Set<string>;
  outcome?: (unit: Unit, host: DockerEngine, attempt: number) => string;
}) {
  const running = new Map<string, number>();
  const peak = new Map<string, number>();
  const ranOn: Array<[string, string]> = [];
  const done: RunBrief[] = [];
  const warnings: string[] = [];
  const attempts = new Map<string, number>();
  return {
    ranOn,
    done,
    warnings,
    peak,
    work: {
      stop: () => false,
      probe: async (e: DockerEngine) => (opts.dead?.has(e.name) ? 'connection refused' : null),
      warn: (m: string) => warnings.push(m),
      done: (b: RunBrief | null) => {
        if (b) done.push(b);
      },
      run: async (unit: Unit, host: DockerEngine) => {
        const n = (running.get(host.name) ?? 0) + 1;
        running.set(host.name, n);
        peak.set(host.name, Math.max(peak.get(host.name) ?? 0, n));
        ranOn.push([unit.suiteTask.id, host.name]);
        const attempt = (attempts.get(unit.suiteTask.id) ?? 0) + 1;
        attempts.set(unit.suiteTask.id, attempt);
        await sleep(15);
        running.set(host.name, (running.get(host.name) ?? 1) - 1);
        return brief(unit, opts.outcome?.(unit, host, attempt) ?? 'completed');
      },
    },
  };
}

describe('runs over a pool of Docker hosts', () => {
  it('uses every host up to its own concurrency and runs every unit once', async () => {
    const h = harness({});
    await runOnHosts(units(9), [{ engine: A, concurrency: 2 }, { engine: B }], 1, h.work);
    expect(h.done.map((b) => b.task_id).sort()).toEqual(
      units(9)
        .map((u) => u.suiteTask.id)
        .sort(),
    );
    expect(h.peak.get('a')).toBe(2);
    expect(h.peak.get('b')).toBe(1);
    expect(new Set(h.ranOn.map(([, host]) => host))).toEqual(new Set(['a', 'b']));
    expect(h.warnings).toEqual([]);
  });

  it('reports a host that does not answer at the start and runs everything on the others', async () => {
    const h = harness({ dead: new Set(['b']) });
    await runOnHosts(units(4), [{ engine: A }, { engine: B }], 2, h.work);
    expect(h.ranOn.every(([, host]) => host === 'a')).toBe(true);
    expect(h.done).toHaveLength(4);
    expect(h.warnings).toEqual(['Docker host b does not answer (connection refused): skipped; runs go to a']);
  });

  it('refuses to start when no host answers', async () => {
    const h = harness({ dead: new Set(['a', 'b']) });
    await expect(runOnHosts(units(2), [{ engine: A }, { engine: B }], 1, h.work)).rejects.toThrow(
      NoDockerHostError,
    );
    await expect(runOnHosts(units(2), [{ engine: A }, { engine: B }], 1, h.work)).rejects.toThrow(
      /no Docker host answers: a \(connection refused\); b \(connection refused\)/,
    );
    expect(h.ranOn).toEqual([]);
  });

  it('a host that fails during the suite is skipped and its runs go again elsewhere', async () => {
    const dead = new Set<string>();
    const h = harness({
      dead,
      outcome: (unit, host) => {
        if (host.name !== 'b') return 'completed';
        dead.add('b');
        return unit.epoch % 2 ? 'grader_error' : 'environment_error';
      },
    });
    await runOnHosts(units(6), [{ engine: A }, { engine: B }], 1, h.work);
    const failedOnB = h.ranOn.filter(([, host]) => host === 'b').map(([id]) => id);
    expect(failedOnB.length).toBeGreaterThan(0);
    // Every unit ended completed: the ones that failed on b ran again on a.
    const latest = new Map(h.done.map((b) => [b.task_id, b.status]));
    expect([...latest.values()]).toEqual(Array(6).fill('completed'));
    for (const id of failedOnB) expect(h.ranOn).toContainEqual([id, 'a']);
    expect(h.warnings).toEqual(['Docker host b failed (connection refused): skipped; runs go to a']);
  });

  it('does not run again a unit that failed for its own reasons on a host that still answers', async () => {
    const h = harness({ outcome: (unit) => (unit.epoch === 0 ? 'environment_error' : 'completed') });
    await runOnHosts(units(3), [{ engine: A }, { engine: B }], 1, h.work);
    expect(h.ranOn.filter(([id]) => id === 't0')).toHaveLength(1);
    expect(h.done.find((b) => b.task_id === 't0')?.status).toBe('environment_error');
    expect(h.warnings).toEqual([]);
  });

  it('says which runs were not started when every host failed', async () => {
    const dead = new Set<string>();
    const h = harness({
      dead,
      outcome: (_unit, host) => {
        dead.add(host.name);
        return 'environment_error';
      },
    });
    await runOnHosts(units(5), [{ engine: A }], 1, h.work);
    expect(h.ranOn).toHaveLength(1);
    // The one that ran is recorded as it ended; the other four never started.
    expect(h.warnings.at(-1)).toBe('4 run(s) not started: every Docker host of the pool failed');
  });
});
