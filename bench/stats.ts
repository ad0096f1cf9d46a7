/**
 * What the benchmarks report besides a median: the spread over repetitions,
 * the machine's load while they ran (the machine is shared; numbers move with
 * it), and CPU time, which depends far less on that load than wall time does.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** `1.62 ms (IQR 1.41-1.95)`: the median and the middle half of the samples. */
export function withIqr(values: readonly number[], digits: number, unit: string): string {
  const f = (v: number) => v.toFixed(digits);
  return `${f(median(values))} ${unit} (IQR ${f(quantile(values, 0.25))}-${f(quantile(values, 0.75))})`;
}

/** `0.62 s (min 0.55, max 0.98)`. */
export function withRange(values: readonly number[], digits: number, unit: string): string {
  const f = (v: number) => v.toFixed(digits);
  return `${f(median(values))} ${unit} (min ${f(Math.min(...values))}, max ${f(Math.max(...values))})`;
}

/** The 1-minute load average, rounded, and the number of cores. */
export function loadNow(): { load: number; cores: number } {
  return { load: Math.round((os.loadavg()[0] ?? 0) * 10) / 10, cores: os.cpus().length };
}

/**
 * CPU time a container has used so far, in milliseconds, read from its cgroup
 * (v1 cgroupfs, v2 cgroupfs or v2 systemd layouts); null where it cannot be read
 * (a remote engine, another layout).
 */
export function containerCpuMs(id: string): number | null {
  const tries: Array<[string, (text: string) => number]> = [
    [`/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`, (t) => Number(t.trim()) / 1e6],
    [`/sys/fs/cgroup/docker/${id}/cpu.stat`, usageUsec],
    [`/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`, usageUsec],
  ];
  for (const [file, parse] of tries) {
    try {
      const v = parse(readFileSync(file, 'utf8'));
      if (Number.isFinite(v)) return v;
    } catch {
      // Not this layout.
    }
  }
  return null;
}

function usageUsec(text: string): number {
  const m = /^usage_usec (\d+)$/m.exec(text);
  return m ? Number(m[1]) / 1000 : Number.NaN;
}

/** CPU milliseconds this process and its reaped children have used. */
export function processCpuMs(): number {
  const own = process.cpuUsage();
  let children = 0;
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    // cutime and cstime, in clock ticks (100 per second on Linux).
    children = ((Number(fields[13]) || 0) + (Number(fields[14]) || 0)) * 10;
  } catch {
    children = 0;
  }
  return (own.user + own.system) / 1000 + children;
}
