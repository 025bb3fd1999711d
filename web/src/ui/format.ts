/**
 * Display formats of the page: counts, bytes and durations come from the
 * core's CLI formatting (src/cli/progress.ts), hex shortening from the
 * token card (src/registry/card-svg.ts); dates here. Hashes, addresses and
 * CIDs are shown shortened with the full value in the element (selectable,
 * in `title`), so that no line needs to break inside one.
 */
import { shortHex } from "../../../src/registry/browser.js";
import { element } from "./dom.js";

export { formatBytes, formatCount, formatDuration } from "../../../src/cli/browser.js";
export { shortHex } from "../../../src/registry/browser.js";

/** `2026-12-06 05:04 UTC` from seconds since 1970 ("unknown" for 0). */
export function formatTimestamp(seconds: number): string {
  if (!(seconds > 0)) return "unknown";
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** `2026-12-06` from seconds since 1970. */
export function formatDay(seconds: number): string {
  return seconds > 0 ? new Date(seconds * 1000).toISOString().slice(0, 10) : "unknown";
}

/** A hash or address, shortened, the full value in its title and for copying. */
export function hexCode(hex: string, keep = 6): HTMLElement {
  return element("code", { class: "hex", title: hex, "data-full": hex }, [shortHex(hex, keep)]);
}

/** A CID, shortened (`bafybei…xyz12`), full in its title. */
export function cidCode(cid: string): HTMLElement {
  const short = cid.length > 20 ? `${cid.slice(0, 10)}…${cid.slice(-6)}` : cid;
  return element("code", { class: "hex", title: cid, "data-full": cid }, [short]);
}

/** A full hash or CID that may wrap anywhere (its own line in detail views). */
export function fullCode(value: string): HTMLElement {
  return element("code", { class: "full-hex" }, [value]);
}

/** True for the all-zero bytes32 ("none" on chain). */
export function isZeroHash(hex: string): boolean {
  return /^0x0{64}$/i.test(hex);
}
