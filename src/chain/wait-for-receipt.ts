/**
 * Waits for a transaction's receipt by polling, reporting the wait as it
 * goes. On Filecoin a block comes every 30 s and execution is deferred by
 * one epoch, so a receipt typically appears 30–90 s after sending; on a
 * local node it is immediate. A transaction the node has never heard of
 * (dropped, or sent to a node that was since restarted) is reported as
 * such after a grace period instead of being waited for forever.
 */
import type { Provider, TransactionReceipt } from "ethers";

import { UserError } from "../errors/index.js";

/** The state of a wait, reported to {@link WaitForReceiptOptions.onWait}. */
export interface ReceiptWait {
  readonly hash: string;
  readonly elapsedMs: number;
  /** Whether the node knows the transaction (pending or mined). */
  readonly known: boolean;
}

/** Options of {@link waitForReceipt}. */
export interface WaitForReceiptOptions {
  /** Milliseconds between polls (default 1000). */
  readonly pollMs?: number | undefined;
  /** Give up after this long (default 15 minutes). */
  readonly timeoutMs?: number | undefined;
  /** Declare the transaction unknown after this long without the node knowing it (default 90 s). */
  readonly unknownAfterMs?: number | undefined;
  /** Called after every poll. */
  readonly onWait?: ((wait: ReceiptWait) => void) | undefined;
  /** Clock (tests). */
  readonly now?: (() => number) | undefined;
  /** Sleep (tests). */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** Thrown when the node does not know the transaction at all. */
export class TransactionUnknownError extends UserError {
  readonly hash: string;
  constructor(hash: string, waitedMs: number) {
    super(
      `Transaction ${hash} is unknown to the node (not pending, not mined) after ${Math.round(waitedMs / 1000)} s: it was dropped, or the node was restarted.`,
      "Check the account's transactions on the explorer. If it was never mined, the registration journal must be cleared before retrying (the message of the register command names the file).",
      { family: "temporary" },
    );
    this.name = "TransactionUnknownError";
    this.hash = hash;
  }
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the receipt of `hash` exists and returns it (see the module doc). */
export async function waitForReceipt(provider: Provider, hash: string, options: WaitForReceiptOptions = {}): Promise<TransactionReceipt> {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const pollMs = options.pollMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const unknownAfterMs = options.unknownAfterMs ?? 90_000;
  const started = now();
  let lastKnown = started;
  for (;;) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt !== null) return receipt;
    const known = (await provider.getTransaction(hash)) !== null;
    const t = now();
    if (known) lastKnown = t;
    options.onWait?.({ hash, elapsedMs: t - started, known });
    if (!known && t - lastKnown >= unknownAfterMs) throw new TransactionUnknownError(hash, t - started);
    if (t - started >= timeoutMs) {
      throw new UserError(
        `Transaction ${hash} is still pending after ${Math.round((t - started) / 1000)} s.`,
        "Rerun the same command later: the registration journal resumes waiting for this transaction instead of sending another.",
        { family: "temporary" },
      );
    }
    await sleep(pollMs);
  }
}
