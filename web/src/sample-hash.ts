/**
 * The sample hash of docs/merkle-scheme.md, `SHA-256(sample bytes)`, computed
 * in the browser: WebCrypto in one call for files up to `streamAbove` bytes
 * (async and fast, but it needs the whole file in memory), and above that
 * hash-wasm fed 8 MiB slices, yielding between slices so the page stays
 * responsive and can show progress. Also parses a pasted hash.
 */
import { createSHA256 } from "hash-wasm";

/** Files above this size are hashed in slices (default of `streamAbove`). */
export const STREAM_ABOVE_BYTES = 256 * 1024 * 1024;
/** Slice size of the streamed path. */
export const SLICE_BYTES = 8 * 1024 * 1024;

/** Options of {@link hashBlob}. */
export interface HashBlobOptions {
  /** Called with bytes hashed so far (streamed path only, once per slice). */
  readonly onProgress?: (hashedBytes: number, totalBytes: number) => void;
  /** Size above which the file is hashed in slices (default {@link STREAM_ABOVE_BYTES}). */
  readonly streamAbove?: number;
}

/** SHA-256 of a File or Blob (32 bytes). */
export async function hashBlob(blob: Blob, options: HashBlobOptions = {}): Promise<Uint8Array> {
  if (blob.size <= (options.streamAbove ?? STREAM_ABOVE_BYTES)) {
    const subtle = globalThis.crypto?.subtle;
    if (subtle === undefined) {
      throw new Error("WebCrypto is not available: open the page over https:// or from http://127.0.0.1 / http://localhost (a secure context).");
    }
    return new Uint8Array(await subtle.digest("SHA-256", await blob.arrayBuffer()));
  }
  const hasher = await createSHA256();
  hasher.init();
  for (let at = 0; at < blob.size; at += SLICE_BYTES) {
    const end = Math.min(blob.size, at + SLICE_BYTES);
    hasher.update(new Uint8Array(await blob.slice(at, end).arrayBuffer()));
    options.onProgress?.(end, blob.size);
  }
  return hasher.digest("binary");
}

/**
 * Parses a pasted SHA-256: 64 hex digits, with or without `0x`, surrounding
 * spaces ignored (so `sha256sum` output's first column works too).
 */
export function parseSampleHash(text: string): Uint8Array {
  const trimmed = text.trim().split(/\s+/)[0] ?? "";
  const body = /^0x/i.test(trimmed) ? trimmed.slice(2) : trimmed;
  if (!/^[0-9a-fA-F]{64}$/.test(body)) {
    throw new Error(
      `"${text.trim().slice(0, 80)}" is not a SHA-256 hash: paste 64 hex digits (optionally 0x-prefixed), e.g. the first column of \`sha256sum file\`.`,
    );
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(body.slice(2 * i, 2 * i + 2), 16);
  return out;
}
