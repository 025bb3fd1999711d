/**
 * Shared fixtures of the Merkle tests: the run's seed (printed, overridable
 * with FUZZ_SEED), deterministic pseudo-random bytes and numbers derived from
 * it, sorted hash sets, and small byte helpers (hex, 256-bit ± 1, concat).
 */
import { createCipheriv, createHash, randomBytes } from "node:crypto";

/**
 * The seed of this test run: `FUZZ_SEED` if set, otherwise a fresh random
 * one, so every run explores new inputs and any failure is reproducible with
 * `FUZZ_SEED=<seed> npx hardhat test mocha test/merkle/<file>.test.ts`.
 * Printed once per process.
 */
export const RUN_SEED: string = process.env.FUZZ_SEED ?? randomBytes(8).toString("hex");
console.log(`  [merkle tests] random seed ${RUN_SEED} (reproduce with FUZZ_SEED=${RUN_SEED})`);

/** Deterministic pseudo-random bytes: AES-128-CTR keystream keyed by SHA-256(seed). */
export function seededBytes(seed: string, length: number): Uint8Array {
  const key = createHash("sha256").update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  return new Uint8Array(Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]));
}

/**
 * A deterministic random source for one test: `new Random("label")` draws
 * from the run seed and the label, so tests do not disturb each other's
 * streams. `Random.fixed(seed)` ignores the run seed (for fixed fixtures).
 */
export class Random {
  readonly seed: string;
  readonly #cipher: ReturnType<typeof createCipheriv>;
  #pool = new Uint8Array(0);
  #at = 0;

  constructor(label: string, runSeed: string = RUN_SEED) {
    this.seed = `${runSeed}/${label}`;
    const key = createHash("sha256").update(this.seed).digest().subarray(0, 16);
    this.#cipher = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  }

  /** A random source that does not depend on the run seed. */
  static fixed(label: string): Random {
    return new Random(label, "fixed");
  }

  /** `length` fresh random bytes (a new array). */
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let k = 0; k < length; ) {
      if (this.#at === this.#pool.length) {
        this.#pool = new Uint8Array(this.#cipher.update(Buffer.alloc(Math.max(4096, Math.min(length - k, 1 << 20)))));
        this.#at = 0;
      }
      const take = Math.min(length - k, this.#pool.length - this.#at);
      out.set(this.#pool.subarray(this.#at, this.#at + take), k);
      this.#at += take;
      k += take;
    }
    return out;
  }

  /** A random 32-byte value. */
  hash(): Uint8Array {
    return this.bytes(32);
  }

  /** A uniform integer in [0, n), n ≤ 2^32. */
  int(n: number): number {
    const b = this.bytes(6);
    const x = ((b[0] as number) * 2 ** 40 + (b[1] as number) * 2 ** 32 + new DataView(b.buffer).getUint32(2)) / 2 ** 48;
    return Math.floor(x * n);
  }

  /** An integer in [lo, hi] (inclusive). */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.int(1_000_000) < p * 1_000_000;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** `count` distinct integers of [0, n), ascending. */
  indexSet(n: number, count: number): number[] {
    const chosen = new Set<number>();
    if (count >= n) return Array.from({ length: n }, (_, i) => i);
    while (chosen.size < count) chosen.add(this.int(n));
    return [...chosen].sort((a, b) => a - b);
  }

  /** n distinct random hashes, sorted ascending (byte order). */
  sortedHashes(n: number): Uint8Array[] {
    return sortHashes(Array.from({ length: n }, () => this.hash()));
  }
}

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
