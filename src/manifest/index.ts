/** The sharded, content-addressed dataset manifest: format, writer, reader/prover (see docs/manifest-format.md). */
export {
  createStagingDirectory,
  processAlive,
  publishDirectory,
  removeDeadProcessLeftovers,
  removeStaleStagingDirectories,
  type PublishOptions,
} from "./atomic-directory.js";
export { manifestCid } from "./manifest-cid.js";
export { directoryReader } from "./manifest-file-reader.js";
export {
  COMMITMENT_SCHEME,
  decodeHeader,
  decodeIndex,
  encodeHeader,
  encodeIndexEntry,
  FILES_PER_DIRECTORY,
  HEADER_FILE,
  IDS_DIRECTORY,
  idsPath,
  INDEX_ENTRY_BYTES,
  INDEX_FILE,
  MANIFEST_FORMAT,
  SHARD_LEVEL,
  shardBounds,
  indexProblems,
  treeOfIndex,
  MAX_SHARD_COUNT,
  SHARD_SIZE,
  shardDirectory,
  shardPath,
  SHARDS_DIRECTORY,
} from "./manifest-format.js";
export type { IndexEntry, IndexProblem, ManifestHeader } from "./manifest-format.js";
export { assembleManifest, ShardAssembler } from "./manifest-assembly.js";
export type { AssembledManifest, ShardBounds, ShardFile } from "./manifest-assembly.js";
export { buildManifestInMemory } from "./manifest-memory-builder.js";
export type { MemoryManifest, MemoryManifestOptions, MemorySample } from "./manifest-memory-builder.js";
export { ManifestReader } from "./manifest-reader.js";
export type { ManifestBatchResult, ManifestFileReader, ManifestReaderOptions } from "./manifest-reader.js";
export { ManifestWriter } from "./manifest-writer.js";
export type { ManifestFacts } from "./manifest-writer.js";
