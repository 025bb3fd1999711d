/**
 * Aborting the HTTP requests of one @lighthouse-web3/sdk call. The SDK takes
 * no AbortSignal: uploads go through its own `http.request` with a 2-hour
 * timeout, reads through `fetch`. A timeout that only stops waiting would
 * leave the upload streaming in the background. So {@link startAbortable}
 * runs the call in an `AsyncLocalStorage` context and collects, through
 * Node's documented diagnostics channels, the requests started inside it:
 * `http.client.request.start` (http.request) and `undici:request:create` +
 * `undici:client:sendHeaders` (fetch, whose socket is destroyed). `abort`
 * destroys them, and any request the call starts afterwards. Node-only.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import diagnosticsChannel from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";
import type { Socket } from "node:net";

/** The requests one SDK call has open. */
interface CallRequests {
  readonly open: Set<{ destroy(error?: Error): unknown }>;
  aborted: Error | undefined;
}

const currentCall = new AsyncLocalStorage<CallRequests>();
/** fetch requests (undici's request objects) → the call that created them. */
const fetchOwner = new WeakMap<object, CallRequests>();
let subscribed = false;

function track(call: CallRequests, handle: { destroy(error?: Error): unknown; once(event: "close", listener: () => void): unknown }): void {
  if (call.aborted !== undefined) {
    handle.destroy(call.aborted);
    return;
  }
  call.open.add(handle);
  handle.once("close", () => call.open.delete(handle));
}

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  diagnosticsChannel.subscribe("http.client.request.start", (message) => {
    const call = currentCall.getStore();
    if (call !== undefined) track(call, (message as { request: ClientRequest }).request);
  });
  diagnosticsChannel.subscribe("undici:request:create", (message) => {
    const call = currentCall.getStore();
    if (call !== undefined) fetchOwner.set((message as { request: object }).request, call);
  });
  diagnosticsChannel.subscribe("undici:client:sendHeaders", (message) => {
    const { request, socket } = message as { request: object; socket: Socket };
    const call = fetchOwner.get(request);
    if (call !== undefined) track(call, socket);
  });
}

/** A running SDK call whose requests can be aborted. */
export interface AbortableCall<T> {
  /** The call's outcome. */
  readonly result: Promise<T>;
  /** Destroys the call's open requests (and any it starts later) with `reason`. */
  abort(reason: Error): void;
  /** Requests of the call still open (for tests). */
  readonly openRequests: number;
}

/** Starts `run` so that the HTTP requests it makes can be aborted (see the module doc). */
export function startAbortable<T>(run: () => Promise<T>): AbortableCall<T> {
  subscribeOnce();
  const call: CallRequests = { open: new Set(), aborted: undefined };
  const result = currentCall.run(call, run);
  return {
    result,
    abort(reason) {
      call.aborted ??= reason;
      for (const handle of [...call.open]) handle.destroy(reason);
      call.open.clear();
    },
    get openRequests() {
      return call.open.size;
    },
  };
}
