/**
 * Progress display shared by every long task: samples done, megabytes, rate
 * and ETA. On a terminal it redraws one status line (at most 10 times a
 * second); elsewhere it is silent by default, or prints JSON lines (one
 * object per second, then a final one) for scripts and CI logs.
 *
 * Example:
 *   const progress = createProgress({ label: "hashing" });
 *   progress.update({ samples: 5000, bytes: 3.9e6, totalSamples: 60000 });
 *   progress.done();
 */

/** `auto`: `tty` when the stream is a terminal, else `quiet`. */
export type ProgressMode = "auto" | "tty" | "json" | "quiet";

/** Counters reported to a progress display. */
export interface ProgressUpdate {
  readonly samples: number;
  readonly bytes: number;
  readonly totalSamples?: number | undefined;
  readonly totalBytes?: number | undefined;
}

/** Where progress goes: a writable stream (stderr by default). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** What is progressing ("hashing", "uploading"…). */
  readonly label: string;
  readonly mode?: ProgressMode | undefined;
  /** Default process.stderr. */
  readonly stream?: ProgressStream | undefined;
  /** Minimum milliseconds between outputs (default 100 on a terminal, 1000 for JSON). */
  readonly intervalMs?: number | undefined;
  /** Clock in milliseconds (tests). */
  readonly now?: (() => number) | undefined;
  /** What the `samples` counter counts (default "samples"; e.g. "models"). */
  readonly unit?: string | undefined;
}

/** A progress display. */
export interface Progress {
  /** The mode actually used. */
  readonly mode: Exclude<ProgressMode, "auto">;
  /** Reports the current counters (cheap: output is rate-limited). */
  update(progress: ProgressUpdate): void;
  /** Prints the final state (last update, or `final`) and ends the line. */
  done(final?: ProgressUpdate): void;
}

/** Creates a progress display (see the module doc). */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const requested = options.mode ?? "auto";
  const mode: Progress["mode"] = requested === "auto" ? (stream.isTTY === true ? "tty" : "quiet") : requested;
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? (mode === "json" ? 1000 : 100);
  const started = now();
  let last: ProgressUpdate = { samples: 0, bytes: 0 };
  let lastOutput = Number.NEGATIVE_INFINITY;
  let finished = false;

  const emit = (p: ProgressUpdate, final: boolean): void => {
    const elapsed = (now() - started) / 1000;
    const samplesPerSecond = elapsed > 0 ? p.samples / elapsed : 0;
    const bytesPerSecond = elapsed > 0 ? p.bytes / elapsed : 0;
    const eta = estimateRemaining(p, samplesPerSecond, bytesPerSecond);
    if (mode === "json") {
      stream.write(
        `${JSON.stringify({
          event: final ? "done" : "progress",
          label: options.label,
          samples: p.samples,
          bytes: p.bytes,
          totalSamples: p.totalSamples,
          totalBytes: p.totalBytes,
          elapsedSeconds: round(elapsed),
          samplesPerSecond: Math.round(samplesPerSecond),
          bytesPerSecond: Math.round(bytesPerSecond),
          etaSeconds: eta === undefined ? undefined : round(eta),
        })}\n`,
      );
    } else if (mode === "tty") {
      const line = formatProgressLine(options.label, p, elapsed, eta, final, options.unit);
      const width = stream.columns ?? 120;
      stream.write(`\r${line.length > width - 1 ? line.slice(0, width - 1) : line}\x1b[K${final ? "\n" : ""}`);
    }
  };

  return {
    mode,
    update(p) {
      last = p;
      if (mode === "quiet" || finished) return;
      const t = now();
      if (t - lastOutput < interval) return;
      lastOutput = t;
      emit(p, false);
    },
    done(final) {
      if (finished) return;
      finished = true;
      if (final !== undefined) last = final;
      if (mode !== "quiet") emit(last, true);
    },
  };
}

/** Seconds left, from the sample total if known, else the byte total. */
function estimateRemaining(p: ProgressUpdate, samplesPerSecond: number, bytesPerSecond: number): number | undefined {
  if (p.totalSamples !== undefined && samplesPerSecond > 0) return Math.max(0, (p.totalSamples - p.samples) / samplesPerSecond);
  if (p.totalBytes !== undefined && bytesPerSecond > 0) return Math.max(0, (p.totalBytes - p.bytes) / bytesPerSecond);
  return undefined;
}

/** One status line: `hashing 12,345 samples · 9.7 MB · 41,000/s · 32.1 MB/s · 45% · ETA 0:07`. */
export function formatProgressLine(label: string, p: ProgressUpdate, elapsedSeconds: number, etaSeconds: number | undefined, final = false, unit = "samples"): string {
  const parts = [`${label} ${formatCount(p.samples)} ${unit}`, formatBytes(p.bytes)];
  if (elapsedSeconds > 0) {
    parts.push(`${formatCount(Math.round(p.samples / elapsedSeconds))}/s`, `${formatBytes(p.bytes / elapsedSeconds)}/s`);
  }
  const fraction =
    p.totalSamples !== undefined && p.totalSamples > 0
      ? p.samples / p.totalSamples
      : p.totalBytes !== undefined && p.totalBytes > 0
        ? p.bytes / p.totalBytes
        : undefined;
  if (fraction !== undefined) parts.push(`${Math.min(100, Math.floor(fraction * 100))}%`);
  if (final) parts.push(`done in ${formatDuration(elapsedSeconds)}`);
  else if (etaSeconds !== undefined) parts.push(`ETA ${formatDuration(etaSeconds)}`);
  return parts.join(" · ");
}

/** `1,234,567`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Decimal units: `784 B`, `3.9 kB`, `95.3 MB`, `1.20 GB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 ? 0 : value >= 100 ? 1 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** `0:07`, `12:30`, `1:02:03`; sub-10-second durations as `1.25 s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
