/**
 * The sharded, content-addressed dataset manifest: format, writer,
 * reader/prover (see docs/manifest-format.md). The browser-safe part (format,
 * shard assembly, reader/prover) is ./browser.ts, which the page and the
 * browser-safe workflow files import; it is re-exported here. The directory
 * writer, atomic publishing and the directory reader are Node-only.
 */
export * from "./browser.js";
export {
  createStagingDirectory,
  isManifestDirectory,
  looksLikeManifestDirectory,
  processAlive,
  publishDirectory,
  removeDeadProcessLeftovers,
  removeStaleStagingDirectories,
} from "./atomic-directory.js";
export type { PublishOptions } from "./atomic-directory.js";
export type { AssembledManifest, ShardBounds, ShardFile } from "./manifest-assembly.js";
export { manifestCid } from "./manifest-cid.js";
export { directoryReader } from "./manifest-file-reader.js";
export type { ManifestFileReader } from "./manifest-file-reader.js";
export {
  COMMITMENT_SCHEME,
  decodeHeader,
  decodeIndex,
  encodeHeader,
  encodeIndexEntry,
  FILES_PER_DIRECTORY,
  IDS_DIRECTORY,
  INDEX_ENTRY_BYTES,
  indexProblems,
  MANIFEST_FORMAT,
  MAX_SHARD_COUNT,
  SHARD_LEVEL,
  SHARD_SIZE,
  shardBounds,
  shardDirectory,
  SHARDS_DIRECTORY,
  treeOfIndex,
} from "./manifest-format.js";
export type { IndexProblem } from "./manifest-format.js";
export type { ManifestBatchResult, ManifestReaderOptions } from "./manifest-reader.js";
export { ManifestWriter } from "./manifest-writer.js";
export type { ManifestFacts } from "./manifest-writer.js";
