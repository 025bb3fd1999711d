/**
 * Browser-safe entry of src/engine (the web page imports this, never
 * ./index.ts, whose hashing pool and sorter use worker threads and disk):
 * building a whole manifest in memory, byte-identical to `dataset hash`,
 * and the engine's progress event types.
 */
export type { HashProgress } from "./hash-sources.js";
export { buildManifestInMemory } from "./manifest-memory-builder.js";
export type { MemorySample } from "./manifest-memory-builder.js";
