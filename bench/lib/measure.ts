/** Small timing and memory helpers for bench scripts. */
import { readFileSync } from "node:fs";
import { resourceUsage } from "node:process";

/** Runs `fn` once and returns its result and wall-clock milliseconds. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/** Best (minimum) time of `runs` runs of `fn`, in milliseconds. */
export async function bestOf(runs: number, fn: () => unknown): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) best = Math.min(best, (await timed(fn)).ms);
  return best;
}

/**
 * Peak resident set size of this process so far, in MiB. Reads VmHWM from
 * /proc/self/status on Linux: getrusage's maxrss survives fork + exec, so in
 * a child process it starts at the parent's RSS and would overstate the peak.
 */
export function peakRssMiB(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match !== null) return Number(match[1]) / 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  return resourceUsage().maxRSS / 1024;
}

/** Formats a rate per second with an M/k suffix. */
export function perSecond(count: number, ms: number): string {
  const rate = (count / ms) * 1000;
  return rate >= 1e6 ? `${(rate / 1e6).toFixed(2)}M/s` : `${(rate / 1e3).toFixed(0)}k/s`;
}
