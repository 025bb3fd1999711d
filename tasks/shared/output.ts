/** Printing helpers shared by the registry tasks: JSON with bigints, links. */
import { toHex } from "../../src/hash/index.js";
import type { Link } from "../../src/workflow/index.js";

/** JSON text of `value` with bigints as decimal strings and Uint8Arrays as 0x hex. */
export function jsonText(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === "bigint") return v.toString();
      if (v instanceof Uint8Array) return toHex(v);
      return v;
    },
    2,
  );
}

/** Prints `value` as JSON on stdout. */
export function printJson(value: unknown): void {
  console.log(jsonText(value));
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
