/**
 * Merges the partial leaf files of a split run into the manifest a single run
 * over the same sources gives, byte for byte. Checks that the files come from
 * the same source set and form a complete set of parts (each exactly once),
 * then k-way merges their sorted records (memory: one buffer per file).
 */
import path from "node:path";

import { compareRecords } from "./sample-record.js";
import type { RecordSink } from "./sample-record.js";
import { manifestReport, type DatasetHashReport } from "./hash-report.js";
import type { ManifestDestination } from "./manifest-output.js";
import { ManifestOutput } from "./manifest-output.js";
import type { PartialFileInfo } from "./partial-file.js";
import { PartialRecordCursor, readPartialInfo } from "./partial-file.js";
import { resolveCreatedAt } from "./run-options.js";
import { DatatraceError } from "../errors/index.js";

/** Options of {@link mergePartials}. */
export interface MergePartialsOptions extends ManifestDestination {
  /** Recorded as `createdAt`; default SOURCE_DATE_EPOCH if set, else nothing. */
  readonly createdAt?: string | Date | undefined;
}

/** Reads and cross-checks the partial files; returns them sorted by part. */
export function checkPartials(files: readonly string[]): PartialFileInfo[] {
  if (files.length === 0) throw new DatatraceError("No partial file given: pass the files written by every `--part i/n` run.");
  const infos = files.map((f) => readPartialInfo(f));
  const first = infos[0]!;
  for (const info of infos) {
    if (info.header.sourceSet !== first.header.sourceSet) {
      throw new DatatraceError(
        `${info.file} comes from another source set than ${first.file} (different sources, options or files seen). ` +
          `Merge only the parts of one run, made from the same data with the same command.`,
      );
    }
    if (info.header.parts !== first.header.parts) {
      throw new DatatraceError(`${info.file} is part of a ${info.header.parts}-part run but ${first.file} of a ${first.header.parts}-part run.`);
    }
  }
  const n = first.header.parts;
  const byPart = new Map<number, PartialFileInfo>();
  for (const info of infos) {
    const twin = byPart.get(info.header.part);
    if (twin !== undefined) throw new DatatraceError(`Part ${info.header.part}/${n} is given twice: ${twin.file} and ${info.file}. Pass each part once.`);
    byPart.set(info.header.part, info);
  }
  const missing: string[] = [];
  for (let i = 1; i <= n; i++) if (!byPart.has(i)) missing.push(`${i}/${n}`);
  if (missing.length > 0) {
    throw new DatatraceError(
      `Missing part${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: run ${missing.length > 1 ? "them" : "it"} (--part ${missing[0]}) and merge again with every part.`,
    );
  }
  return [...byPart.values()].sort((a, b) => a.header.part - b.header.part);
}

/** Merges partial files into a manifest (see the module doc). */
export async function mergePartials(files: readonly string[], options: MergePartialsOptions = {}): Promise<DatasetHashReport> {
  const started = performance.now();
  const infos = checkPartials(files.map((f) => path.resolve(f)));
  const first = infos[0]!.header;
  const withIds = !first.private;
  const createdAt = resolveCreatedAt(options.createdAt);
  const sampleCount = infos.reduce((a, i) => a + i.trailer.records, 0);
  const totalBytes = infos.reduce((a, i) => a + i.trailer.totalBytes, 0);
  if (sampleCount === 0) throw new DatatraceError("The partial files hold no samples: the sources are empty.");
  const output = new ManifestOutput(options);
  try {
    const written = await output.write(
      withIds,
      (sink) => mergeSorted(infos, withIds, sink),
      () => ({ sampleCount, totalBytes, sources: first.sources, private: first.private, createdAt }),
    );
    return manifestReport(written, { startedAt: started, spilled: false, warnings: output.notes });
  } catch (error) {
    output.discard();
    throw error;
  }
}

/** K-way merge of sorted partial files into `sink` (a binary heap of cursors). */
function mergeSorted(infos: readonly PartialFileInfo[], withIds: boolean, sink: RecordSink): void {
  const cursors = infos.map((info) => new PartialRecordCursor(info));
  const less = (a: PartialRecordCursor, b: PartialRecordCursor): boolean =>
    compareRecords(a.hash, 0, a.source, a.ordinal, b.hash, 0, b.source, b.ordinal) < 0;
  try {
    const heap = cursors.filter((c) => c.next());
    const siftDown = (i: number): void => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) siftDown(i);
    let previous: { hash: Uint8Array; source: number; ordinal: number; file: string } | undefined;
    while (heap.length > 0) {
      const top = heap[0]!;
      if (previous !== undefined && compareRecords(top.hash, 0, top.source, top.ordinal, previous.hash, 0, previous.source, previous.ordinal) <= 0) {
        throw new DatatraceError(
          `${top.info.file} is not sorted, or repeats a sample of ${previous.file} (same source and position): ` +
            `the partial files are corrupt or overlap. Recreate them with the same command.`,
        );
      }
      previous = { hash: top.hash.slice(), source: top.source, ordinal: top.ordinal, file: top.info.file };
      sink(top.hash, 0, top.source, top.ordinal, withIds ? top.id : null);
      if (top.next()) siftDown(0);
      else {
        heap[0] = heap[heap.length - 1]!;
        heap.pop();
        if (heap.length > 0) siftDown(0);
      }
    }
  } finally {
    for (const c of cursors) c.close();
  }
}
