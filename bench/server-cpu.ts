import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of a process (all its threads) in microseconds, from /proc (Linux; null elsewhere). Less
 * sensitive than throughput to what else runs on the machine.
 */
export function cpuMicros(pid: number | undefined): number | null {
  try {
    let ticks = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const fields = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8')
        .split(') ')[1]
        ?.split(' ');
      ticks += Number(fields?.[11]) + Number(fields?.[12]); // utime, stime in USER_HZ (100 per second)
    }
    return ticks * 10_000;
  } catch {
    return null;
  }
}

/** CPU µs per request between two `cpuMicros` readings (one decimal), or null without /proc. */
export function cpuPerRequest(
  before: number | null,
  after: number | null,
  requests: number,
): number | null {
  return before === null || after === null
    ? null
    : Math.round(((after - before) / requests) * 10) / 10;
}
