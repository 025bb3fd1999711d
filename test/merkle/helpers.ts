/**
 * Shared fixtures of the Merkle tests: sorted hash sets and small byte helpers
 * (hex, 256-bit ± 1, concat), and the test tree's seeded random source
 * (re-exported from test/fixtures/seeded-random.ts).
 */
import { seededBytes } from "../fixtures/seeded-random.js";

/** The seeded random source is the whole test tree's (test/fixtures/seeded-random.ts). */
export { RUN_SEED, Random, seededBytes } from "../fixtures/seeded-random.js";

/** Byte-order comparison of two byte arrays (the scheme's order for 32-byte hashes), via Buffer.compare. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** A sorted copy of `hashes` without duplicates. */
export function sortHashes(hashes: readonly Uint8Array[]): Uint8Array[] {
  const sorted = [...hashes].sort(compareBytes);
  return sorted.filter((h, i) => i === 0 || compareBytes(sorted[i - 1] as Uint8Array, h) !== 0);
}

/** The hashes concatenated into one flat buffer (n × 32 bytes). */
export function flatten(hashes: readonly Uint8Array[]): Uint8Array {
  const flat = new Uint8Array(hashes.length * 32);
  hashes.forEach((h, i) => flat.set(h, i * 32));
  return flat;
}

/** A sorted distinct set of n pseudo-random 32-byte hashes from a fixed seed, as a flat buffer and as an array. */
export function sortedHashSet(seed: string, n: number): { flat: Uint8Array; hashes: Uint8Array[] } {
  const raw = seededBytes(seed, n * 32);
  // Buffer.compare is the scheme's order (bytes = big-endian numbers) and native-fast.
  const buffer = Buffer.from(raw.buffer, raw.byteOffset, raw.length);
  const hashes: Uint8Array[] = Array.from({ length: n }, (_, i) => buffer.subarray(i * 32, (i + 1) * 32))
    .sort(Buffer.compare)
    .map((h) => new Uint8Array(h)); // plain copies: Buffer#slice would not copy
  return { flat: flatten(hashes), hashes };
}

/** Hex of a byte array (no 0x), for readable assertion messages. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/** A few pseudo-random integers in [0, n), deterministic per seed. */
export function sampleIndexes(seed: string, n: number, count: number): number[] {
  const raw = seededBytes(seed, count * 4);
  return Array.from({ length: count }, (_, i) => new DataView(raw.buffer).getUint32(i * 4) % n);
}

/** x + delta as a 256-bit big-endian number, clamped to [0, 2^256 - 1]. */
export function addToHash(x: Uint8Array, delta: bigint): Uint8Array {
  let value = BigInt(`0x${hex(x)}`) + delta;
  const max = (1n << 256n) - 1n;
  if (value < 0n) value = 0n;
  if (value > max) value = max;
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(64, "0"), "hex"));
}

/** A copy of `x` with byte `at` xor-ed with `mask` (default 1). */
export function flipByte(x: Uint8Array, at: number, mask = 1): Uint8Array {
  const out = new Uint8Array(x);
  out[at] = (out[at] as number) ^ mask;
  return out;
}

/** The 32-byte value 0x00…00 / 0xff…ff. */
export const ZERO_HASH = new Uint8Array(32);
export const MAX_HASH = new Uint8Array(32).fill(0xff);
