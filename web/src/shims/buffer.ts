/**
 * Browser stand-in for the global `Buffer`, injected by the bundler
 * (scripts/build-web.ts) wherever core code names it. The page's code path
 * only uses `Buffer.from(bytes).toString("hex")` (src/manifest/manifest-reader.ts);
 * anything else throws so that a new use is noticed, not miscomputed.
 */

/** What `Buffer.from(bytes)` returns here. */
export interface HexBytes {
  /** Lowercase hex of the bytes; only the "hex" encoding is supported. */
  toString(encoding: "hex"): string;
}

/** The subset of Node's `Buffer` used by the core on the page's code path. */
export const Buffer = {
  from(bytes: Uint8Array): HexBytes {
    if (!(bytes instanceof Uint8Array)) throw new Error("Buffer shim: only Buffer.from(Uint8Array) is available in the browser bundle.");
    return {
      toString(encoding: "hex"): string {
        if (encoding !== "hex") throw new Error(`Buffer shim: toString("${String(encoding)}") is not available in the browser bundle (only "hex").`);
        let out = "";
        for (const b of bytes) out += b.toString(16).padStart(2, "0");
        return out;
      },
    };
  },
};
