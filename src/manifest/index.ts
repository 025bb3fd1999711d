/** The sharded, content-addressed dataset manifest: format, writer, reader/prover (see docs/manifest-format.md). */
export { createStagingDirectory, publishDirectory } from "./atomic-directory.js";
export { directoryReader } from "./manifest-file-reader.js";
export {
  COMMITMENT_SCHEME,
  decodeHeader,
  decodeIndex,
  encodeHeader,
  encodeIndexEntry,
  HEADER_FILE,
  idsPath,
  INDEX_ENTRY_BYTES,
  INDEX_FILE,
  MANIFEST_FORMAT,
  SHARD_SIZE,
  shardPath,
} from "./manifest-format.js";
export type { IndexEntry, ManifestHeader } from "./manifest-format.js";
export { ManifestReader } from "./manifest-reader.js";
export type { ManifestBatchResult, ManifestFileReader, ManifestReaderOptions } from "./manifest-reader.js";
export { ManifestWriter } from "./manifest-writer.js";
export type { ManifestFacts } from "./manifest-writer.js";
export { RAW_CODEC, rawCidFromSha256, rawCidOf } from "./shard-cid.js";
