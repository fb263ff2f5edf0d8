/**
 * What the benchmarks read of the machine and of their own process: the
 * machine's busy CPU time (to tell the other load during a run), this
 * process's CPU time, and the median of a run's samples.
 */
import { readFileSync } from 'node:fs';

/** CPU time of the whole machine so far (all cores, not idle), in ms; NaN where /proc/stat is missing. */
export function machineBusyMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal …, in 1/100 s (USER_HZ)
    const [, user, nice, system, , , irq, softirq] = fields;
    return (user + nice + system + irq + softirq) * 10;
  } catch {
    return Number.NaN;
  }
}

/** This process's CPU time so far, in ms. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
