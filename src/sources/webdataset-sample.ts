/**
 * `--group-by-key`: one sample per WebDataset key (`000123.jpg`,
 * `000123.txt`, `000123.json` → key `000123`). The key is the member path
 * up to the first dot of its file name, the extension is the rest
 * (WebDataset's own rule: `dir/a.seg.png` → key `dir/a`, extension
 * `seg.png`). A key's files must be consecutive in the shard, as WebDataset
 * writes and reads them.
 *
 * The sample's bytes, reproducible with any language's standard library:
 * the key's members sorted by extension (byte-wise order of the UTF-8
 * bytes), each written as
 *
 *     u32 big-endian length of the extension ‖ extension (UTF-8) ‖
 *     u64 big-endian length of the data ‖ data
 *
 * In Python: `b"".join(struct.pack(">I", len(e)) + e + struct.pack(">Q", len(d)) + d for e, d in sorted(members))`
 * with `members` a list of `(extension.encode(), data)` pairs.
 */

/** One member of a key: its extension and its data. */
export interface KeyMember {
  readonly extension: string;
  readonly data: Uint8Array;
}

/**
 * Splits a member path into WebDataset key and extension (WebDataset's
 * `base_plus_ext` expression), or undefined when the file name has no dot.
 */
export function splitKey(path: string): { key: string; extension: string } | undefined {
  const m = /^((?:.*\/|)[^.]+)\.([^/]*)$/su.exec(path);
  return m === null ? undefined : { key: m[1]!, extension: m[2]! };
}

const encoder = new TextEncoder();

/** The bytes written before one member's data: u32 BE length of the extension ‖ extension (UTF-8) ‖ u64 BE length of the data. */
export function memberFraming(extension: string, dataLength: number): Uint8Array {
  const ext = encoder.encode(extension);
  const out = new Uint8Array(4 + ext.length + 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, ext.length, false);
  out.set(ext, 4);
  view.setBigUint64(4 + ext.length, BigInt(dataLength), false);
  return out;
}

/** A key's members in the sample's order: by extension, byte-wise order of the UTF-8 bytes. */
export function inKeyOrder<T extends { readonly extension: string }>(members: readonly T[]): T[] {
  return members
    .map((m) => ({ m, ext: encoder.encode(m.extension) }))
    .sort((a, b) => Buffer.compare(a.ext, b.ext))
    .map(({ m }) => m);
}

/** The canonical bytes' length for these members (see the module doc). */
export function groupedLength(members: readonly KeyMember[]): number {
  let total = 0;
  for (const m of members) total += 4 + encoder.encode(m.extension).length + 8 + m.data.length;
  return total;
}

/** Writes the canonical bytes of a key's members into `out` at `at`; returns the bytes written. */
export function writeGrouped(members: readonly KeyMember[], out: Uint8Array, at: number): number {
  let o = at;
  for (const { extension, data } of inKeyOrder(members)) {
    const framing = memberFraming(extension, data.length);
    out.set(framing, o);
    o += framing.length;
    out.set(data, o);
    o += data.length;
  }
  return o - at;
}

/** The canonical bytes of a key's members, as a new buffer. */
export function groupedBytes(members: readonly KeyMember[]): Uint8Array {
  const out = new Uint8Array(groupedLength(members));
  writeGrouped(members, out, 0);
  return out;
}
