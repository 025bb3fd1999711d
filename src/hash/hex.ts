/** Hex conversions for hashes (messages, JSON vectors, contract calls). */

/** 0x-prefixed lowercase hex string of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = "0x";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Parses a 0x-prefixed (or bare) hex string of exactly 32 bytes. */
export function hashFromHex(hex: string): Uint8Array {
  const body = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (!/^[0-9a-fA-F]{64}$/.test(body)) {
    throw new TypeError(`expected a 32-byte hex hash (64 hex digits), got "${hex}"`);
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(body.slice(2 * i, 2 * i + 2), 16);
  return out;
}
