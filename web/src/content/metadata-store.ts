/**
 * Token metadata (the JSON behind an `ipfs://` token URI) for the page,
 * read with the core's `readTokenMetadata` through the verified
 * {@link GatewayContent}: cached per URI for the session, at most
 * {@link CONCURRENT_READS} documents in flight, so listing 10,000 tokens
 * never floods the gateways. Metadata is for display (names, licenses,
 * descriptions): unavailable metadata is `undefined`, never an error.
 */
import { readTokenMetadata } from "../../../src/workflow/browser.js";
import type { GatewayContent } from "./gateway-content.js";

/** Metadata documents fetched at once. */
export const CONCURRENT_READS = 6;

/** A token's metadata object. */
export type TokenMetadata = Record<string, unknown>;

/** Cached, throttled metadata reads (see the module doc). */
export class MetadataStore {
  readonly #content: GatewayContent;
  readonly #cache = new Map<string, Promise<TokenMetadata | undefined>>();
  readonly #settled = new Map<string, TokenMetadata | undefined>();
  readonly #waiting: Array<() => void> = [];
  #active = 0;

  constructor(content: GatewayContent) {
    this.#content = content;
  }

  /** The metadata behind `tokenURI` (undefined when it is not ipfs:// or cannot be read). */
  get(tokenURI: string): Promise<TokenMetadata | undefined> {
    let pending = this.#cache.get(tokenURI);
    if (pending === undefined) {
      pending = this.#throttled(() => readTokenMetadata(this.#content, tokenURI).catch(() => undefined));
      pending.then((m) => this.#settled.set(tokenURI, m));
      this.#cache.set(tokenURI, pending);
    }
    return pending;
  }

  /** The metadata if it was already read (synchronous; undefined when not read yet or unavailable). */
  peek(tokenURI: string): TokenMetadata | undefined {
    return this.#settled.get(tokenURI);
  }

  /** Whether the metadata behind `tokenURI` has been read (or found unavailable). */
  has(tokenURI: string): boolean {
    return this.#settled.has(tokenURI);
  }

  async #throttled<T>(work: () => Promise<T>): Promise<T> {
    if (this.#active >= CONCURRENT_READS) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#active++;
    try {
      return await work();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}
