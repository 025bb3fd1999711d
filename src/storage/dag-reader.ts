/**
 * Reading UnixFS DAGs from any BlockSource (local store, gateways, memory):
 * file bytes streamed chunk by chunk, directory listings, path resolution
 * (`<root>/shards/000/000000.bin`) and a depth-first walk over every block.
 *
 * Trust model: the BlockSource verifies each block against its CID, so the
 * bytes are authentic; this module additionally checks that the DAG is
 * well-formed (UnixFS blocksizes agree with what the children deliver and
 * add up to the declared file size), so a validly-hashed but inconsistent
 * DAG cannot produce silently wrong file bytes. Only raw and dag-pb blocks
 * are understood; HAMT-sharded directories are refused. Browser-safe.
 */
import { collectBytes } from "./bytes.js";
import { cidKey, DAG_PB_CODEC, RAW_CODEC, type AnyCid } from "./cid.js";
import type { Block, BlockSource } from "./blocks.js";
import { decodePBNode, type PBNode } from "./dagpb.js";
import { StorageError } from "./errors.js";
import type { Content, DirectoryEntry } from "./content.js";
import { decodeUnixFsData, UnixFsType, type UnixFsData } from "./unixfs.js";

/** A decoded node: what kind it is and, for dag-pb, its parts. */
export type DecodedNode =
  | { kind: "file"; cid: AnyCid; raw: Uint8Array }
  | { kind: "file"; cid: AnyCid; node: PBNode; unixfs: UnixFsData }
  | { kind: "directory"; cid: AnyCid; node: PBNode; unixfs: UnixFsData };

/** Fetches (verified) and decodes one node. Throws UNSUPPORTED_CONTENT for codecs or UnixFS types we do not read. */
export async function readNode(source: BlockSource, cid: AnyCid): Promise<DecodedNode> {
  const bytes = await source.getBlock(cid);
  return decodeNode(cid, bytes);
}

/** Decodes an already-verified block. */
export function decodeNode(cid: AnyCid, bytes: Uint8Array): DecodedNode {
  if (cid.code === RAW_CODEC) return { kind: "file", cid, raw: bytes };
  if (cid.code !== DAG_PB_CODEC) {
    throw new StorageError(
      "UNSUPPORTED_CONTENT",
      `${cid} has codec 0x${cid.code.toString(16)}; only raw (0x55) and dag-pb (0x70) UnixFS content can be read.`,
    );
  }
  const node = decodePBNode(bytes);
  if (node.Data === undefined) throw new StorageError("INVALID_DAG", `${cid} is dag-pb without UnixFS data`);
  const unixfs = decodeUnixFsData(node.Data);
  if (unixfs.type === UnixFsType.Directory) return { kind: "directory", cid, node, unixfs };
  if (unixfs.type === UnixFsType.File || unixfs.type === UnixFsType.Raw) return { kind: "file", cid, node, unixfs };
  const names: Record<number, string> = { 3: "metadata", 4: "symlink", 5: "HAMT-sharded directory" };
  throw new StorageError(
    "UNSUPPORTED_CONTENT",
    `${cid} is a UnixFS ${names[unixfs.type] ?? unixfs.type} node; Datatrace reads only files and basic directories.`,
  );
}

/** The links of a block (none for raw). */
export function blockLinks(cid: AnyCid, bytes: Uint8Array): AnyCid[] {
  if (cid.code === RAW_CODEC) return [];
  if (cid.code === DAG_PB_CODEC) return decodePBNode(bytes).Links.map((l) => l.Hash);
  throw new StorageError(
    "UNSUPPORTED_CONTENT",
    `${cid} has codec 0x${cid.code.toString(16)}; only raw and dag-pb DAGs can be walked.`,
  );
}

/**
 * Streams the bytes of the UnixFS file at `cid`, in order, as verified
 * chunks (one per leaf). Memory: one block plus one node per tree level.
 */
export async function* readFileChunks(source: BlockSource, cid: AnyCid): AsyncGenerator<Uint8Array> {
  const decoded = await readNode(source, cid);
  if (decoded.kind === "directory") {
    throw new StorageError("UNSUPPORTED_CONTENT", `${cid} is a directory, not a file; list it or give a path inside it.`);
  }
  yield* fileChunks(source, decoded, undefined);
}

async function* fileChunks(source: BlockSource, decoded: DecodedNode, expected: number | undefined): AsyncGenerator<Uint8Array> {
  if ("raw" in decoded) {
    if (expected !== undefined && decoded.raw.length !== expected) inconsistent(decoded.cid, expected, decoded.raw.length);
    yield decoded.raw;
    return;
  }
  if (decoded.kind !== "file") {
    throw new StorageError("INVALID_DAG", `${decoded.cid} is a directory inside a file DAG`);
  }
  const { node, unixfs } = decoded;
  const inline = unixfs.data?.length ?? 0;
  const declared = unixfs.fileSize ?? inline + unixfs.blockSizes.reduce((a, b) => a + b, 0);
  if (expected !== undefined && declared !== expected) inconsistent(decoded.cid, expected, declared);
  if (unixfs.blockSizes.length !== node.Links.length) {
    throw new StorageError(
      "INVALID_DAG",
      `${decoded.cid} has ${node.Links.length} links but ${unixfs.blockSizes.length} blocksizes`,
    );
  }
  if (inline + unixfs.blockSizes.reduce((a, b) => a + b, 0) !== declared) {
    throw new StorageError("INVALID_DAG", `${decoded.cid}: blocksizes do not add up to filesize ${declared}`);
  }
  if (inline > 0 && unixfs.data !== undefined) yield unixfs.data;
  for (let i = 0; i < node.Links.length; i++) {
    const link = node.Links[i] as { Hash: AnyCid };
    yield* fileChunks(source, await readNode(source, link.Hash), unixfs.blockSizes[i]);
  }
}

function inconsistent(cid: AnyCid, expected: number, actual: number): never {
  throw new StorageError(
    "INVALID_DAG",
    `${cid} holds ${actual} bytes of file data but its parent declares ${expected}: the DAG is inconsistent`,
  );
}

/** Reads a whole file into memory; refuses files above `maxBytes` (default 1 GiB). */
export async function readFile(source: BlockSource, cid: AnyCid, maxBytes = 1024 ** 3): Promise<Uint8Array> {
  return collectBytes(
    readFileChunks(source, cid),
    maxBytes,
    () => new StorageError("UNSUPPORTED_CONTENT", `${cid} is larger than ${maxBytes} bytes; stream it to a file instead of reading it into memory.`),
  );
}

/** Verified content at `cid`: a file's bytes (up to 1 GiB; stream larger ones with `readFileChunks`) or a directory listing. */
export async function readContent(source: BlockSource, cid: AnyCid): Promise<Content> {
  const decoded = await readNode(source, cid);
  if (decoded.kind === "directory") return { kind: "directory", cid: cidKey(cid), entries: directoryEntries(decoded.node) };
  return { kind: "file", cid: cidKey(cid), bytes: await readFile(source, cid) };
}

/** Lists the directory at `cid` (entries in link order, i.e. sorted by name bytes). */
export async function listDirectory(source: BlockSource, cid: AnyCid): Promise<DirectoryEntry[]> {
  const decoded = await readNode(source, cid);
  if (decoded.kind !== "directory") {
    throw new StorageError("UNSUPPORTED_CONTENT", `${cid} is a file, not a directory`);
  }
  return directoryEntries(decoded.node);
}

/** The entries of a decoded directory node. */
export function directoryEntries(node: PBNode): DirectoryEntry[] {
  return node.Links.map((link) => ({ name: link.Name ?? "", cid: link.Hash.toString(), size: link.Tsize ?? 0 }));
}

/**
 * Resolves `path` ("a/b/c", leading/trailing slashes ignored) under the
 * directory `root`, returning the CID it names and the CIDs of every
 * directory node traversed (root first), which a verifier needs.
 */
export async function resolvePath(
  source: BlockSource,
  root: AnyCid,
  path: string,
): Promise<{ cid: AnyCid; traversed: AnyCid[] }> {
  const parts = path.split("/").filter((p) => p.length > 0);
  let current = root;
  const traversed: AnyCid[] = [];
  for (const [i, part] of parts.entries()) {
    const decoded = await readNode(source, current);
    if (decoded.kind !== "directory") {
      throw new StorageError(
        "INVALID_PATH",
        `/${parts.slice(0, i).join("/")} under ${root} is a file, so it has no entry "${part}"`,
      );
    }
    traversed.push(current);
    const link = decoded.node.Links.find((l) => l.Name === decodeURIComponentSafe(part));
    if (link === undefined) {
      throw new StorageError("INVALID_PATH", `no entry "${part}" in /${parts.slice(0, i).join("/")} under ${root}`);
    }
    current = link.Hash;
  }
  return { cid: current, traversed };
}

function decodeURIComponentSafe(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Walks every block of the DAG under `root` depth-first, parents before
 * children (the order `ipfs dag export` writes), each distinct block once.
 */
export async function* walkDag(source: BlockSource, root: AnyCid): AsyncGenerator<Block> {
  const seen = new Set<string>();
  const stack: AnyCid[] = [root];
  while (stack.length > 0) {
    const cid = stack.pop() as AnyCid;
    const key = cid.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    const bytes = await source.getBlock(cid);
    yield { cid, bytes };
    const links = blockLinks(cid, bytes);
    for (let i = links.length - 1; i >= 0; i--) stack.push(links[i] as AnyCid);
  }
}
