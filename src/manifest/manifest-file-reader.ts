/**
 * Where a {@link ManifestReader} gets manifest files from: a function from a
 * path relative to the manifest directory (`header.json`, `index.bin`,
 * `shards/000000.bin`, …) to its bytes. This module has the local-directory
 * implementation; a gateway-backed one fetches the same paths (or shards by
 * their CID, derived from the index).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

/** Reads one manifest file by its path relative to the manifest root. */
export type ManifestFileReader = (relativePath: string) => Promise<Uint8Array>;

/** A reader over a manifest directory on the local disk. */
export function directoryReader(dir: string): ManifestFileReader {
  const root = path.resolve(dir);
  return async (relativePath) => {
    const full = path.resolve(root, relativePath);
    if (!full.startsWith(root + path.sep)) throw new Error(`${relativePath} is outside the manifest directory`);
    try {
      return await readFile(full);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(
        `Cannot read ${relativePath} of manifest ${dir}: ${code === "ENOENT" ? "missing" : (error as Error).message}. ` +
          `Is ${dir} a complete Datatrace manifest (written by \`dataset hash\`)?`,
        { cause: error },
      );
    }
  };
}
