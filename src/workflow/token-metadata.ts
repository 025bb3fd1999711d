/**
 * Reading a token's metadata JSON from its `ipfs://` token URI through a
 * {@link ContentFiles} reader: the CLI's `ContentSource` (local store first,
 * then gateways) or the web page's verified gateway reader. Metadata is for
 * display only (names, descriptions): when it cannot be fetched the
 * commitments on chain still stand, so absence is not an error. Browser-safe.
 */
import { StorageError } from "../storage/browser.js";

/** Reads a stored file by CID (and path under it), verified; a StorageError when it cannot. */
export interface ContentFiles {
  readFile(cid: string, path?: string): Promise<Uint8Array>;
}

/** The CID (and path) of an `ipfs://` URI, or undefined for any other URI. */
export function ipfsTarget(uri: string): { cid: string; path: string } | undefined {
  const m = /^ipfs:\/\/(?:ipfs\/)?([^/?#]+)(\/[^?#]*)?$/.exec(uri.trim());
  return m === null ? undefined : { cid: m[1]!, path: (m[2] ?? "").replace(/^\//, "") };
}

/** The token's metadata object; undefined when the URI is not ipfs:// or the content is unavailable or not a JSON object. */
export async function readTokenMetadata(content: ContentFiles, tokenURI: string): Promise<Record<string, unknown> | undefined> {
  const target = ipfsTarget(tokenURI);
  if (target === undefined) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = await content.readFile(target.cid, target.path);
  } catch (error) {
    if (error instanceof StorageError) return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The `name` of the token's metadata, when available. */
export async function tokenName(content: ContentFiles, tokenURI: string): Promise<string | undefined> {
  const metadata = await readTokenMetadata(content, tokenURI);
  return typeof metadata?.name === "string" ? metadata.name : undefined;
}
