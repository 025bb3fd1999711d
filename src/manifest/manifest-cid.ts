/**
 * The IPFS root CID of a manifest directory on disk, computed locally exactly
 * as `storage put` / `ipfs add -r --cid-version=1` would (storage module's
 * `importPath`, pinned Kubo profile), without storing a block. Node only.
 */
import { importPath } from "../storage/index.js";
import { DatatraceError } from "../errors/index.js";

/** Root CID (CIDv1, `bafy…`) of the manifest directory `dir`; nothing is written anywhere. */
export async function manifestCid(dir: string): Promise<string> {
  const { cid, kind } = await importPath(dir);
  if (kind !== "directory") throw new DatatraceError(`${dir} is a file, not a manifest directory: pass the directory written by \`dataset hash\`.`);
  return cid.toString();
}
