/**
 * Token ids as users type them (`7`, `#7`): the one reading of the CLI's
 * arguments and the web page's fields and routes. Ids are whole numbers from
 * 1 (tokens are numbered from 1 and never burned) up to 2^256 − 1 (what the
 * registries' ABI can carry). Browser-safe (no imports).
 */

/** The largest token id the registries' ABI can carry (uint256). */
export const MAX_TOKEN_ID = (1n << 256n) - 1n;

/** A token id read from text, or why the text is not one. */
export type TokenIdReading = { readonly id: bigint } | { readonly problem: "not-a-token-id" | "out-of-range" };

/** Reads a token id given as text (surrounding space and one leading `#` allowed). */
export function readTokenId(text: string | bigint | number): TokenIdReading {
  const s = String(text).trim().replace(/^#/, "");
  if (!/^\d+$/.test(s) || BigInt(s) === 0n) return { problem: "not-a-token-id" };
  const id = BigInt(s);
  return id > MAX_TOKEN_ID ? { problem: "out-of-range" } : { id };
}

/** The token id in `text`, or undefined when it is not one (see {@link readTokenId}). */
export function tokenIdOf(text: string | bigint | number): bigint | undefined {
  const reading = readTokenId(text);
  return "id" in reading ? reading.id : undefined;
}
