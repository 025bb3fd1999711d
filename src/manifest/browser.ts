/**
 * Browser-safe entry of src/manifest (the web page and the browser-safe
 * workflow files import this, never ./index.ts, whose directory writer and
 * reader use node:fs): the format, the shared shard assembly, and the
 * reader/prover over any file source.
 */
export { assembleManifest, ShardAssembler } from "./manifest-assembly.js";
export { HEADER_FILE, idsPath, INDEX_FILE, shardPath } from "./manifest-format.js";
export type { IndexEntry, ManifestHeader } from "./manifest-format.js";
export { ManifestReader } from "./manifest-reader.js";
export type { ManifestFileReader } from "./manifest-reader.js";
