/**
 * A {@link ManifestFileReader} over a manifest directory on the local disk
 * (Node only). The reader type itself lives in the browser-safe
 * manifest-reader.ts and is re-exported here.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

import type { ManifestFileReader } from "./manifest-reader.js";
import { DatatraceError } from "../errors/index.js";

export type { ManifestFileReader } from "./manifest-reader.js";

/** A reader over a manifest directory on the local disk. */
export function directoryReader(dir: string): ManifestFileReader {
  const root = path.resolve(dir);
  return async (relativePath) => {
    const full = path.resolve(root, relativePath);
    if (!full.startsWith(root + path.sep)) throw new DatatraceError(`${relativePath} is outside the manifest directory`);
    try {
      return await readFile(full);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new DatatraceError(
        `Cannot read ${relativePath} of manifest ${dir}: ${code === "ENOENT" ? "missing" : (error as Error).message}. ` +
          `Is ${dir} a complete Datatrace manifest (written by \`dataset hash\`)?`,
        { cause: error },
      );
    }
  };
}
