/**
 * Packs samples the main thread has in hand (tar members streamed from a
 * gzip'd shard, grouped WebDataset keys, Parquet rows) into the engine's
 * shared-memory slots as `segments` batches: it asks for a slot with room,
 * hands over the full one as a batch, and gives a slot it still holds back
 * to the pool when the source stops early.
 */
import type { BatchContext, BatchSlot, SegmentsBatch } from "./sample-batch.js";
import { InternalError } from "../errors/index.js";

/** Writes samples into slots; one packer per source run. */
export class SegmentPacker {
  readonly #context: BatchContext;
  #slot: BatchSlot | undefined;
  #fill = 0;
  #count = 0;
  #ordinals: number[] = [];
  #ids: string[] = [];

  constructor(context: BatchContext) {
    this.#context = context;
  }

  /**
   * Makes room for one more sample of `bytes` bytes. Returns the batch of
   * the previous slot when it had to be handed over (the caller yields it).
   */
  async reserve(bytes: number): Promise<SegmentsBatch | undefined> {
    const slot = this.#slot;
    if (slot !== undefined && this.#count < slot.maxSamples && this.#fill + bytes <= slot.data.length) return undefined;
    const full = this.take();
    this.#slot = await this.#context.acquireSlot(bytes);
    return full;
  }

  /** The slot's memory; write the reserved sample at {@link fill}. */
  get data(): Uint8Array {
    if (this.#slot === undefined) throw new InternalError("SegmentPacker.data before reserve");
    return this.#slot.data;
  }

  /** Where the next sample's bytes go. */
  get fill(): number {
    return this.#fill;
  }

  /** Records the sample written at [fill, fill + length). */
  commit(length: number, ordinal: number, id: string | null): void {
    const slot = this.#slot!;
    slot.bounds[2 * this.#count] = this.#fill;
    slot.bounds[2 * this.#count + 1] = this.#fill + length;
    this.#fill += length;
    this.#count++;
    this.#ordinals.push(ordinal);
    if (this.#context.withIds) this.#ids.push(id ?? "");
  }

  /** Copies `bytes` in as one sample (after {@link reserve}). */
  append(bytes: Uint8Array, ordinal: number, id: string | null): void {
    this.data.set(bytes, this.#fill);
    this.commit(bytes.length, ordinal, id);
  }

  /** The batch of samples packed so far (undefined if none); the slot goes with it. */
  take(): SegmentsBatch | undefined {
    const slot = this.#slot;
    if (slot === undefined) return undefined;
    this.#slot = undefined;
    if (this.#count === 0) {
      this.#context.releaseSlot(slot);
      this.#fill = 0;
      return undefined;
    }
    const batch: SegmentsBatch = {
      kind: "segments",
      slot,
      count: this.#count,
      ordinals: Float64Array.from(this.#ordinals),
      ids: this.#context.withIds ? this.#ids : null,
    };
    this.#fill = 0;
    this.#count = 0;
    this.#ordinals = [];
    this.#ids = [];
    return batch;
  }

  /** Gives a held slot back without submitting it (the source failed or stopped early). */
  release(): void {
    const slot = this.#slot;
    this.#slot = undefined;
    if (slot !== undefined) this.#context.releaseSlot(slot);
    this.#fill = 0;
    this.#count = 0;
    this.#ordinals = [];
    this.#ids = [];
  }
}
