/** Hash primitives: SHA-256 for samples, batched Keccak-256 for the tree, hex helpers. */
export { defaultSha256, hasNodeSha256, SHA256_DIGEST_BYTES, sha256, webSha256 } from "./sha256.js";
export type { Sha256 } from "./sha256.js";
export { KECCAK_DIGEST_BYTES, initKeccak, keccak256, keccakLeaves, keccakPairs, keccakWasmModule } from "./keccak.js";
export { hashFromHex, toHex } from "./hex.js";
export { compareBytes, equalBytes } from "./bytes.js";
