/**
 * A bounded queue of block writes that overlaps writing with hashing while
 * a DAG is being built (the local store's `put`). Node- and browser-safe
 * (no I/O of its own: the write function is given).
 */
import type { Block } from "./blocks.js";

/**
 * Overlaps block writes with hashing: up to `limit` writes in flight; the
 * builder only waits when the limit is reached. Safe because the builder
 * never reuses a block's bytes. `drain` waits for all writes and rethrows
 * the first failure.
 */
export class WriteQueue {
  private readonly inFlight = new Set<Promise<unknown>>();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly write: (block: Block) => Promise<unknown>,
    private readonly limit = 16,
  ) {}

  readonly push = async (block: Block): Promise<void> => {
    this.rethrow();
    const task = this.write(block).then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
    if (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    this.rethrow();
  };

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    this.rethrow();
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}
