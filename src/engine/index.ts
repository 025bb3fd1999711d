/**
 * The dataset engine: parallel hashing, external sort, manifest building
 * (on disk, and in memory for the page), split/merge (see
 * docs/distributed-hashing.md). The browser-safe part (the in-memory
 * manifest builder) is ./browser.ts, which the page imports; it is
 * re-exported here.
 */
export * from "./browser.js";
export { buildManifest, sourceWarnings } from "./build-manifest.js";
export type { BuildManifestOptions } from "./build-manifest.js";
export { DistinctGrouper } from "./distinct-grouper.js";
export type { DistinctSink, DuplicateExample } from "./distinct-grouper.js";
export { DEFAULT_PARTS_DIR, defaultPartialPath, hashPart } from "./hash-part.js";
export type { HashPartOptions } from "./hash-part.js";
export { manifestReport } from "./hash-report.js";
export type { DatasetHashReport, PartHashReport } from "./hash-report.js";
export { hashSources } from "./hash-sources.js";
export type { HashedBatch, HashSourcesOptions, HashTotals } from "./hash-sources.js";
export { BatchHashError, HashWorkerPool } from "./hash-worker-pool.js";
export { READ_PIECE as WORKER_READ_PIECE_BYTES } from "./hash-batch.mjs";
export type { HashWorkerPoolOptions } from "./hash-worker-pool.js";
export type { MemoryManifest, MemoryManifestOptions } from "./manifest-memory-builder.js";
export { DEFAULT_MANIFESTS_DIR, ManifestOutput } from "./manifest-output.js";
export type { ManifestDestination, WrittenManifest } from "./manifest-output.js";
export { checkPartials, mergePartials } from "./merge-partials.js";
export type { MergePartialsOptions } from "./merge-partials.js";
export { PARTIAL_FORMAT, PartialRecordCursor, PartialWriter, readPartialInfo } from "./partial-file.js";
export type { PartialFileInfo, PartialHeader, PartialTrailer } from "./partial-file.js";
export { DEFAULT_MEMORY_BUDGET, emitSorted, forEachRecordInFile, RecordSorter } from "./record-sorter.js";
export type { RecordSorterOptions } from "./record-sorter.js";
export { parseByteSize, parsePart, resolveCreatedAt } from "./run-options.js";
export type { HashRunOptions } from "./run-options.js";
export { compareHashAt, compareRecords, decodeRecords, encodeRecord, RECORD_FIXED_BYTES } from "./sample-record.js";
export type { RecordColumns, RecordSink } from "./sample-record.js";
export { sortRecords } from "./sort-records.js";
export { sourceSetIdentity } from "./source-set.js";
export type { SourceSetIdentity } from "./source-set.js";
