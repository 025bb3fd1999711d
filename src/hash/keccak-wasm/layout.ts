/**
 * Linear-memory layout shared by the Keccak wasm generator and its JS wrapper.
 * All values are byte offsets / sizes inside the module's own memory.
 */

/** The 24 round constants (data segment written by the module itself). */
export const RC_OFFSET = 0;
/** 200-byte sponge state used by `absorb` (arbitrary-length hashing). */
export const STATE_OFFSET = 256;
/** Input region: batches of messages or padded blocks are copied here. */
export const IN_OFFSET = 512;
/** Size of the input region. */
export const IN_BYTES = 128 * 1024;
/** Output region: digests are written here, 32 bytes each. */
export const OUT_OFFSET = IN_OFFSET + IN_BYTES;
/** Size of the output region. */
export const OUT_BYTES = 64 * 1024;
/** Split-key region of `nodes`: one 32-byte key per message (as many messages as `OUT_BYTES` holds digests). */
export const SPLITS_OFFSET = OUT_OFFSET + OUT_BYTES;
/** Size of the split-key region. */
export const SPLITS_BYTES = 64 * 1024;
/** Memory size in 64 KiB pages (fixed; the memory never grows). */
export const KECCAK_WASM_PAGES = 5;
