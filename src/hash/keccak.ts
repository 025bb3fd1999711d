/**
 * Keccak-256 (the Ethereum variant: original Keccak padding 0x01, not SHA3's 0x06).
 *
 * Backed by a small hand-made WebAssembly module (`keccak-wasm/`) whose batch
 * functions loop over many inputs in linear memory, two at a time (SIMD), so
 * the JS↔WASM call cost is paid once per 2048 hashes. Use the batch
 * functions `keccakNodes` / `keccakLeaves` / `keccakPairs` in hot loops;
 * `keccak256` hashes one input of any length.
 *
 * The module compiles synchronously on first use (fine in Node and in Web
 * Workers). A browser main thread refuses to compile modules over 4 KiB
 * synchronously: call `await initKeccak()` once before hashing there.
 *
 * Hand-written rather than hash-wasm's `createKeccak` because of a
 * measurement (`npx tsx bench/tree.bench.ts`, section "Keccak-256
 * throughput", same run): the batch functions hash 1.40–1.48 M inputs/s
 * against 616 k/s for a reused hash-wasm hasher (2.3–2.4×; one run on the
 * shared 2-CPU machine at load 10, 2026-12-06), and the tree's hot loop
 * needs the batch form.
 */
import { KECCAK_WASM_BASE64 } from "./keccak-wasm/keccak-wasm-bytes.js";
import { IN_BYTES, IN_OFFSET, OUT_BYTES, OUT_OFFSET, SPLITS_BYTES, SPLITS_OFFSET, STATE_OFFSET } from "./keccak-wasm/layout.js";

/** Bytes of a Keccak-256 digest. */
export const KECCAK_DIGEST_BYTES = 32;

/** Sponge rate of Keccak-256, in bytes. */
const RATE = 136;
/** Inputs per call, bounded by the input and output regions. */
const LEAVES_PER_CALL = Math.min(IN_BYTES / 32, OUT_BYTES / 32);
const PAIRS_PER_CALL = Math.min(IN_BYTES / 64, OUT_BYTES / 32);
const NODES_PER_CALL = Math.min(IN_BYTES / 64, SPLITS_BYTES / 32, OUT_BYTES / 32);
const BLOCKS_PER_CALL = Math.floor(IN_BYTES / RATE);

/** A compiled `WebAssembly.Module` (opaque here: the project's TS libs carry no WebAssembly types). */
export type KeccakWasmModule = object;

/** The part of the global `WebAssembly` API used here. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => KeccakWasmModule;
  Instance: new (module: KeccakWasmModule, imports: object) => { readonly exports: unknown };
  compile(bytes: Uint8Array): Promise<KeccakWasmModule>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

interface KeccakExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  leaves(input: number, output: number, count: number): void;
  pairs(input: number, output: number, count: number): void;
  absorb(state: number, input: number, blocks: number): void;
  nodes(pairs: number, splits: number, output: number, count: number): void;
}

let compiled: KeccakWasmModule | undefined;
let instance: { exports: KeccakExports; heap: Uint8Array } | undefined;

function wasmBytes(): Uint8Array {
  const text = atob(KECCAK_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function instantiate(module: KeccakWasmModule): NonNullable<typeof instance> {
  const exports = new wasmApi.Instance(module, {}).exports as KeccakExports;
  // The memory never grows, so one view stays valid.
  return { exports, heap: new Uint8Array(exports.memory.buffer) };
}

/**
 * The compiled Keccak WebAssembly module, e.g. to hand to worker threads
 * (a `WebAssembly.Module` can be posted to a worker and instantiated there).
 */
export function keccakWasmModule(): KeccakWasmModule {
  compiled ??= new wasmApi.Module(wasmBytes());
  return compiled;
}

/** Compiles the wasm module asynchronously; required once on a browser main thread. */
export async function initKeccak(): Promise<void> {
  compiled ??= await wasmApi.compile(wasmBytes());
  instance ??= instantiate(compiled);
}

function wasm(): NonNullable<typeof instance> {
  instance ??= instantiate(keccakWasmModule());
  return instance;
}

/** keccak256 of `bytes` (any length). Returns a fresh 32-byte array. */
export function keccak256(bytes: Uint8Array): Uint8Array {
  const { exports, heap } = wasm();
  if (bytes.length === 32 || bytes.length === 64) {
    heap.set(bytes, IN_OFFSET);
    if (bytes.length === 32) exports.leaves(IN_OFFSET, OUT_OFFSET, 1);
    else exports.pairs(IN_OFFSET, OUT_OFFSET, 1);
    return heap.slice(OUT_OFFSET, OUT_OFFSET + 32);
  }
  heap.fill(0, STATE_OFFSET, STATE_OFFSET + 200);
  const fullBlocks = Math.floor(bytes.length / RATE);
  for (let block = 0; block < fullBlocks; block += BLOCKS_PER_CALL) {
    const count = Math.min(BLOCKS_PER_CALL, fullBlocks - block);
    heap.set(bytes.subarray(block * RATE, (block + count) * RATE), IN_OFFSET);
    exports.absorb(STATE_OFFSET, IN_OFFSET, count);
  }
  // Last block: the remaining bytes, then 0x01 … 0x80 (Keccak pad10*1).
  const tail = bytes.subarray(fullBlocks * RATE);
  heap.fill(0, IN_OFFSET, IN_OFFSET + RATE);
  heap.set(tail, IN_OFFSET);
  heap[IN_OFFSET + tail.length] = 0x01;
  heap[IN_OFFSET + RATE - 1] = tail.length === RATE - 1 ? 0x81 : 0x80;
  exports.absorb(STATE_OFFSET, IN_OFFSET, 1);
  return heap.slice(STATE_OFFSET, STATE_OFFSET + 32);
}

/**
 * Hashes n consecutive 32-byte inputs: `output[32i..32i+32) = keccak256(input[32i..32i+32))`.
 * `output` must be exactly as long as `input`; it may be the same buffer (in place).
 */
export function keccakLeaves(input: Uint8Array, output: Uint8Array): void {
  if (input.length % 32 !== 0) {
    throw new RangeError(`keccakLeaves: input length ${input.length} is not a multiple of 32 bytes`);
  }
  if (output.length !== input.length) {
    throw new RangeError(`keccakLeaves: output length ${output.length} must equal input length ${input.length}`);
  }
  const { exports, heap } = wasm();
  const n = input.length / 32;
  for (let start = 0; start < n; start += LEAVES_PER_CALL) {
    const count = Math.min(LEAVES_PER_CALL, n - start);
    heap.set(input.subarray(start * 32, (start + count) * 32), IN_OFFSET);
    exports.leaves(IN_OFFSET, OUT_OFFSET, count);
    output.set(heap.subarray(OUT_OFFSET, OUT_OFFSET + count * 32), start * 32);
  }
}

/**
 * Hashes n consecutive 64-byte inputs (left ‖ right pairs) into n digests:
 * `output[32i..32i+32) = keccak256(input[64i..64i+64))`.
 * `output` must be exactly half as long as `input`; it may alias the first
 * half of `input` (each output is written after the inputs it overwrites were read).
 */
export function keccakPairs(input: Uint8Array, output: Uint8Array): void {
  if (input.length % 64 !== 0) {
    throw new RangeError(`keccakPairs: input length ${input.length} is not a multiple of 64 bytes`);
  }
  if (output.length * 2 !== input.length) {
    throw new RangeError(`keccakPairs: output length ${output.length} must be half the input length ${input.length}`);
  }
  const { exports, heap } = wasm();
  const n = input.length / 64;
  for (let start = 0; start < n; start += PAIRS_PER_CALL) {
    const count = Math.min(PAIRS_PER_CALL, n - start);
    heap.set(input.subarray(start * 64, (start + count) * 64), IN_OFFSET);
    exports.pairs(IN_OFFSET, OUT_OFFSET, count);
    output.set(heap.subarray(OUT_OFFSET, OUT_OFFSET + count * 32), start * 32);
  }
}

/**
 * Hashes n 96-byte messages, each a 64-byte pair (left ‖ right) from `pairs`
 * followed by a 32-byte key from `splits`, into n digests:
 * `output[32i..32i+32) = keccak256(pairs[64i..64i+64) ‖ splits[32i..32i+32))`.
 * These are the internal nodes of the Merkle search tree (docs/merkle-scheme.md).
 * `splits` and `output` must hold n × 32 bytes; `output` may alias the first
 * half of `pairs` (each output is written after the inputs it overwrites were read).
 */
export function keccakNodes(pairs: Uint8Array, splits: Uint8Array, output: Uint8Array): void {
  if (pairs.length % 64 !== 0) {
    throw new RangeError(`keccakNodes: pairs length ${pairs.length} is not a multiple of 64 bytes`);
  }
  const n = pairs.length / 64;
  if (splits.length !== n * 32 || output.length !== n * 32) {
    throw new RangeError(
      `keccakNodes: ${n} pairs need ${n * 32} bytes of split keys and of output, got ${splits.length} and ${output.length}`,
    );
  }
  const { exports, heap } = wasm();
  for (let start = 0; start < n; start += NODES_PER_CALL) {
    const count = Math.min(NODES_PER_CALL, n - start);
    heap.set(pairs.subarray(start * 64, (start + count) * 64), IN_OFFSET);
    heap.set(splits.subarray(start * 32, (start + count) * 32), SPLITS_OFFSET);
    exports.nodes(IN_OFFSET, SPLITS_OFFSET, OUT_OFFSET, count);
    output.set(heap.subarray(OUT_OFFSET, OUT_OFFSET + count * 32), start * 32);
  }
}
