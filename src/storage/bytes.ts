/** Byte-array helpers shared by the storage modules. Browser-safe (no Node imports). */

/** The chunks joined into one new array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Reads a stream of chunks into one array. As soon as more than `maxBytes`
 * have arrived it stops reading (the stream is closed) and throws the error
 * `tooLarge()` returns.
 */
export async function collectBytes(chunks: AsyncIterable<Uint8Array>, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge();
    parts.push(chunk);
  }
  return concatBytes(parts);
}
