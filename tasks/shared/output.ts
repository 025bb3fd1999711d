/** Printing helpers shared by the registry tasks: JSON with bigints, links, short hashes. */
import type { Link } from "../../src/workflow/index.js";

/** JSON text of `value` with bigints as decimal strings and Uint8Arrays as 0x hex. */
export function jsonText(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === "bigint") return v.toString();
      if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString("hex")}`;
      return v;
    },
    2,
  );
}

/** Prints `value` as JSON on stdout. */
export function printJson(value: unknown): void {
  console.log(jsonText(value));
}

/** `0x1234abcd…ef01` for display. */
export function shortHash(hex: string, keep = 10): string {
  return hex.length <= keep * 2 + 2 ? hex : `${hex.slice(0, keep + 2)}…${hex.slice(-4)}`;
}

/** The explorer link lines of a result ("(local chain: no block explorer)" when there are none). */
export function linkLines(links: readonly Link[], local: boolean): string[] {
  if (links.length === 0) return [local ? "explorer    (local chain: no block explorer)" : "explorer    (no known explorer for this chain)"];
  return links.map((l) => `${l.name.padEnd(11)} ${l.url}`);
}

/** A warning that the in-process chain ends with the command. */
export function inProcessNote(inProcess: boolean): string[] {
  return inProcess ? ["note        in-process network: this chain ends with the command; use --network localhost (npx hardhat node) to keep it"] : [];
}
