/**
 * Content-addressed storage: CIDs, UnixFS import byte-identical to Kubo,
 * verified DAG and CAR reading, and the ContentStore backends — the local
 * block store (LocalStore), Lighthouse (LighthouseStore) and HTTP trustless
 * gateways (GatewayStore) — plus the local IPFS/Lighthouse-compatible server
 * (startIpfsServer), and the process lock (acquireProcessLock). Browser-safe parts are in ./browser.ts (re-exported
 * here), storage's error classes (StorageError and its codes) included; the
 * local store, Lighthouse, server and disk import are Node-only. See
 * docs/storage.md.
 */
export * from "./browser.js";
export { cidKey, sameCid } from "./cid.js";
export { readNode, walkDag } from "./dag-reader.js";
export { importPath } from "./import-path.js";
export { CHUNK_SIZE, MAX_CHILDREN_PER_NODE } from "./import-profile.js";
export { getLighthouseEndpoints, setLighthouseEndpoints } from "./lighthouse-endpoints.js";
export { LIGHTHOUSE_KEY_HELP, LighthouseStore } from "./lighthouse.js";
export { LocalStore } from "./local-store.js";
export { isLoopbackHost, isLoopbackHostHeader } from "./loopback-host.js";
export { startIpfsServer } from "./server.js";
export { writeFileAtomic } from "./atomic-file.js";
export { acquireProcessLock, LockBusyError, type LockHolder, type ReleaseLock } from "./process-lock.js";
