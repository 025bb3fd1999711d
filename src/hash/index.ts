/** Hash primitives: SHA-256 for samples, batched Keccak-256 for the tree, hex helpers. */
export { SHA256_DIGEST_BYTES, sha256 } from "./sha256.js";
export { KECCAK_DIGEST_BYTES, initKeccak, keccak256, keccakLeaves, keccakPairs, keccakWasmModule } from "./keccak.js";
export { hashFromHex, toHex } from "./hex.js";
