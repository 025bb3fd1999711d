/** Hash primitives: SHA-256 for samples, batched Keccak-256 for the tree, hex helpers. */
export { hashFromHex, toHex } from "./hex.js";
export { compareBytes, equalBytes } from "./bytes.js";
export { initKeccak, keccak256, KECCAK_DIGEST_BYTES, keccakLeaves, keccakNodes, keccakPairs, keccakWasmModule } from "./keccak.js";
export { IN_BYTES, IN_OFFSET, OUT_BYTES, OUT_OFFSET, SPLITS_BYTES, SPLITS_OFFSET } from "./keccak-wasm/layout.js";
export { defaultSha256, hasNodeSha256, sha256, SHA256_DIGEST_BYTES, webSha256 } from "./sha256.js";
export type { Sha256 } from "./sha256.js";
