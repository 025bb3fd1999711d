/**
 * The strict walk of a plain tar shard, in place: each header (and pax /
 * long-name record) read through a small window of the file, member data
 * never read (tar-headers.ts decides what each block is). It can be walked
 * in steps (up to a file offset at a time) and be given bytes a hashing
 * worker already read ({@link ShippedBytes}, from `tar-scan` batches): it
 * reads those instead of the file, which is what lets the main thread read
 * no header itself. An entry's data must lie within the file, sample or
 * not, checked after the caller has seen the entry (as the streamed walk of
 * tar-entries.ts does).
 */
import { FileWindow } from "./file-window.js";
import type { BatchSlot, TarScanResult } from "./sample-batch.js";
import { trailingBytes, truncatedAt, type TarEntryInfo } from "./tar-entries.js";
import { TarHeaderWalk } from "./tar-headers.js";

/** A plain shard's walk, resumable: {@link entries} up to an offset, then on, then {@link finish}. */
export class PlainTarWalk {
  readonly #walk = new TarHeaderWalk();
  readonly #window: FileWindow;
  readonly #size: number;
  readonly #shipped: ShippedBytes | undefined;
  #pos = 0;

  /** Walks the file open as `fd`, `size` bytes long, reading from `shipped` first when given. */
  constructor(fd: number, size: number, shipped?: ShippedBytes) {
    this.#window = new FileWindow(fd, size);
    this.#size = size;
    this.#shipped = shipped;
  }

  /** File offset of the next block to walk. */
  get position(): number {
    return this.#pos;
  }

  /** The entries whose first block (header or record) starts before `limit`, in order. */
  *entries(limit = Infinity): Generator<TarEntryInfo> {
    const size = this.#size;
    while (this.#pos < limit && this.#pos + 512 <= size) {
      const pos = this.#pos;
      const found = this.#walk.block(this.#bytes(pos, 512), pos);
      if (found.kind === "zero") {
        this.#pos = pos + 512;
        continue;
      }
      if (found.kind === "record") {
        this.#needs(found.dataOffset, found.size);
        this.#walk.record(this.#bytes(found.dataOffset, found.size));
        this.#pos = found.dataOffset + padded(found.size);
        continue;
      }
      const info = found.info;
      yield info;
      // As tar-stream: a directory entry has no data, whatever its size field says.
      if (info.type !== "directory") this.#needs(info.dataOffset, info.size);
      this.#pos = info.type === "directory" ? info.dataOffset : info.dataOffset + padded(info.size);
    }
  }

  /** Once {@link entries} has run to the end of the file: refuses bytes after the last block, a cut padding, a record without its member. */
  finish(): void {
    const size = this.#size;
    if (this.#pos < size) throw trailingBytes(size - this.#pos);
    // The last member's padding cut off by the end of the file: a truncated shard, as tar readers say.
    if (this.#pos > size) throw truncatedAt(size, this.#pos);
    this.#walk.end();
  }

  #bytes(offset: number, length: number): Uint8Array {
    return this.#shipped?.bytes(offset, length) ?? this.#window.bytes(offset, length);
  }

  #needs(offset: number, length: number): void {
    if (offset + length > this.#size) throw truncatedAt(this.#size, offset + length);
  }
}

/** Every entry of a plain shard (open as `fd`, `size` bytes), walked in one go. */
export function* plainEntries(fd: number, size: number): Generator<TarEntryInfo> {
  const walk = new PlainTarWalk(fd, size);
  yield* walk.entries();
  walk.finish();
}

/**
 * What the hashing workers read of a shard's `tar-scan` ranges: header and
 * record bytes by file offset, and digests by data offset and size. They
 * are the file's bytes, so the walk reads them as it would read the file; a
 * digest is used only for the exact data range the walk finds. The range
 * being walked is read in its slot; what lies past the walk's position once
 * it is walked (a record late in one range precedes its member in the next)
 * is copied out before the slot is reused ({@link retain}).
 */
export class ShippedBytes {
  #current = new Shipment();
  #carried = new Shipment();

  /** The worker's result for the range starting at `start`, in `slot` (layout: tar-scan.mjs). */
  add(start: number, slot: BatchSlot, scan: TarScanResult): void {
    const current = new Shipment();
    const view = new DataView(slot.data.buffer, slot.data.byteOffset, slot.data.byteLength);
    for (let at = 0; at + 8 <= scan.fill; ) {
      const length = view.getUint32(at + 4, true);
      current.pieces.set(start + view.getUint32(at, true), slot.data.subarray(at + 8, at + 8 + length));
      at += 8 + length;
    }
    for (let k = 0; k < scan.members; k++) {
      current.members.set(start + slot.bounds[2 * k]!, { size: slot.bounds[2 * k + 1]!, digest: slot.digests.subarray(32 * k, 32 * k + 32) });
    }
    this.#current = current;
  }

  /** The range is walked up to `position`: copies what lies from there on out of its slot, forgets the rest. */
  retain(position: number): void {
    const carried = new Shipment();
    for (const from of [this.#carried, this.#current]) {
      for (const [offset, bytes] of from.pieces) if (offset >= position) carried.pieces.set(offset, bytes.slice());
      for (const [offset, member] of from.members) if (offset >= position) carried.members.set(offset, { size: member.size, digest: member.digest.slice() });
    }
    this.#carried = carried;
    this.#current = new Shipment();
  }

  /** `[offset, offset + length)` if a worker sent bytes starting there, at least that long. */
  bytes(offset: number, length: number): Uint8Array | undefined {
    return this.#current.bytes(offset, length) ?? this.#carried.bytes(offset, length);
  }

  /** The SHA-256 of data `[dataOffset, dataOffset + size)` if a worker hashed exactly that. */
  digest(dataOffset: number, size: number): Uint8Array | undefined {
    return this.#current.digest(dataOffset, size) ?? this.#carried.digest(dataOffset, size);
  }
}

/** Pieces and members of one worker's result (or those carried over). */
class Shipment {
  readonly pieces = new Map<number, Uint8Array>();
  readonly members = new Map<number, { size: number; digest: Uint8Array }>();

  bytes(offset: number, length: number): Uint8Array | undefined {
    const piece = this.pieces.get(offset);
    return piece !== undefined && piece.length >= length ? piece.subarray(0, length) : undefined;
  }

  digest(dataOffset: number, size: number): Uint8Array | undefined {
    const member = this.members.get(dataOffset);
    return member?.size === size ? member.digest : undefined;
  }
}

function padded(size: number): number {
  return Math.ceil(size / 512) * 512;
}
