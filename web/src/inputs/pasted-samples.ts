/**
 * Samples given as text: SHA-256 hashes pasted one per line (`sha256sum`
 * output works), or lines of a CSV/JSONL/text file pasted as they are (each
 * line is one sample, as the CLI's line sources count them: its UTF-8 bytes
 * without the line ending). No DOM: also run by the Node tests.
 */
import { hashFromHex } from "../../../src/hash/index.js";

/** One sample to check. */
export type PickedSample =
  | { readonly kind: "file"; readonly label: string; readonly file: File }
  | { readonly kind: "hash"; readonly label: string; readonly hash: Uint8Array }
  | { readonly kind: "line"; readonly label: string; readonly bytes: Uint8Array }
  | { readonly kind: "invalid"; readonly label: string; readonly error: string };

const encoder = new TextEncoder();

/** Parses pasted hashes (one per line): `<64 hex digits>[ name]`, `0x` optional. Bad lines become invalid samples. */
export function parseHashLines(text: string): PickedSample[] {
  const out: PickedSample[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const [first = "", ...rest] = line.split(/\s+/);
    const name = rest.join(" ").replace(/^\*/, "");
    try {
      const hash = hashFromHex(first);
      out.push({ kind: "hash", label: name !== "" ? name : `pasted hash ${first.replace(/^0x/i, "").slice(0, 12)}…`, hash });
    } catch {
      out.push({ kind: "invalid", label: `line ${i + 1}: ${line.slice(0, 40)}${line.length > 40 ? "…" : ""}`, error: "not a SHA-256 hash: give 64 hex digits (0x optional), e.g. the first column of `sha256sum file`" });
    }
  });
  return out;
}

/** Parses pasted lines of a CSV/JSONL/text file: each non-empty line is a sample (CR of CRLF dropped). */
export function parseSampleLines(text: string): PickedSample[] {
  const out: PickedSample[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "") return;
    out.push({ kind: "line", label: `line ${i + 1}: ${line.length > 48 ? `${line.slice(0, 47)}…` : line}`, bytes: encoder.encode(line) });
  });
  return out;
}

