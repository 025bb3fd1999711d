/**
 * One part of a split run: hashes part i of n of every source (a contiguous
 * share of its files, lines or records) and writes the sorted records to a
 * partial leaf file. Rerunning a part whose complete file already exists for
 * the same source set reuses it: a job array can simply be resubmitted.
 */
import { existsSync } from "node:fs";
import path from "node:path";

import { removeDeadProcessLeftovers } from "../manifest/index.js";
import type { PartSelector, SampleSource } from "../sources/index.js";
import { sourceWarnings } from "./build-manifest.js";
import { hashSources } from "./hash-sources.js";
import type { PartHashReport } from "./hash-report.js";
import { PARTIAL_FORMAT, PartialWriter, readPartialInfo } from "./partial-file.js";
import { RecordSorter } from "./record-sorter.js";
import type { HashRunOptions } from "./run-options.js";
import { sourceSetIdentity } from "./source-set.js";

/** Default directory of partial files, relative to the working directory. */
export const DEFAULT_PARTS_DIR = ".datatrace/parts";

/** Options of {@link hashPart}. */
export interface HashPartOptions extends HashRunOptions {
  /** Which part (0-based index, count). */
  readonly part: PartSelector;
  /** Partial file path; default `.datatrace/parts/<set>-part-<i>-of-<n>.dtpart`. */
  readonly out?: string | undefined;
}

/** The default partial file name for a part of a source set. */
export function defaultPartialPath(sourceSet: string, part: PartSelector): string {
  return path.join(DEFAULT_PARTS_DIR, `${sourceSet.slice(0, 16)}-part-${part.index + 1}-of-${part.count}.dtpart`);
}

/** Hashes one part into a partial leaf file (see the module doc). */
export async function hashPart(sources: readonly SampleSource[], options: HashPartOptions): Promise<PartHashReport> {
  const started = performance.now();
  const { part } = options;
  if (!(Number.isSafeInteger(part.count) && part.count >= 1 && Number.isSafeInteger(part.index) && part.index >= 0 && part.index < part.count)) {
    throw new RangeError(`part index ${part.index} of ${part.count} is out of range`);
  }
  const withIds = options.private !== true;
  const identity = await sourceSetIdentity(sources, !withIds);
  const file = path.resolve(options.out ?? defaultPartialPath(identity.id, part));
  const base = { part: part.index + 1, parts: part.count, sourceSet: identity.id, file };

  if (existsSync(file)) {
    try {
      const info = readPartialInfo(file);
      if (info.header.sourceSet === identity.id && info.header.part === part.index + 1 && info.header.parts === part.count) {
        return {
          ...base,
          sampleCount: info.trailer.records,
          totalBytes: info.trailer.totalBytes,
          elapsedMs: performance.now() - started,
          reused: true,
          warnings: [],
        };
      }
    } catch {
      // Incomplete or foreign: overwritten below.
    }
  }

  // Work files of runs of this part that were killed (`<file>.tmp-<pid>`, `<file>.work-<pid>`).
  const escaped = path.basename(file).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const stale = removeDeadProcessLeftovers(path.dirname(file), new RegExp(`^${escaped}\\.(?:tmp|work)-(\\d+)$`));
  const notes = stale.length === 0 ? [] : [`removed ${stale.length} work file(s) of interrupted runs: ${stale.join(", ")}`];
  const writer = new PartialWriter(file, {
    format: PARTIAL_FORMAT,
    sourceSet: identity.id,
    part: part.index + 1,
    parts: part.count,
    private: !withIds,
    sources: identity.sources,
    fingerprints: identity.fingerprints,
  });
  const sorter = new RecordSorter({ memoryBudget: options.memoryBudget, workDir: `${file}.work-${process.pid}`, withIds });
  try {
    const totals = await hashSources(sources, {
      threads: options.threads,
      slotBytes: options.slotBytes,
      slotSamples: options.slotSamples,
      withIds,
      part,
      onProgress: options.onProgress,
      signal: options.signal,
      onBatch: (h) => sorter.add(h.source, h.digests, h.batch.ordinals, h.batch.ids),
    });
    sorter.drain(writer.push);
    const trailer = writer.finish(totals.bytes);
    return {
      ...base,
      sampleCount: trailer.records,
      totalBytes: trailer.totalBytes,
      elapsedMs: performance.now() - started,
      reused: false,
      warnings: [...notes, ...sourceWarnings(sources)],
    };
  } catch (error) {
    writer.abort();
    throw error;
  } finally {
    sorter.dispose();
  }
}
