/**
 * Browser-safe entry of src/storage (the web page imports this, never
 * ./index.ts): CIDs, blocks, the DAG reader, in-memory UnixFS import and CAR
 * encoding, the streaming UnixFS file builder, the gateway client and the
 * ContentStore interface types.
 */
export type { Block, BlockSource } from "./blocks.js";
export { cidFromSha256, RAW_CODEC, toCid } from "./cid.js";
export type { AnyCid } from "./cid.js";
export { decodeNode, readFile, resolvePath } from "./dag-reader.js";
export { GatewayStore } from "./gateway.js";
export type { GatewayWarning } from "./gateway.js";
export { encodeCar, importFiles } from "./import-files.js";
export type { LighthouseUploadResponse } from "./lighthouse-wire.js";
export type { Content, ContentStore, DirectoryEntry, FilecoinDeal, PutResult, StorageBackendName, StorageStatus } from "./store.js";
export { UnixFsFileBuilder } from "./unixfs-file-builder.js";
export { BlockMismatchError, BlockNotFoundError, CorruptBlockFileError, GatewayFetchError, STORAGE_ERROR_FAMILIES, StorageError } from "./errors.js";
export type { GatewayAttempt, StorageErrorCode } from "./errors.js";
