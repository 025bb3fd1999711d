/**
 * The Croissant `distribution` entries that describe a dataset's
 * sample-hash manifest on IPFS (the directory, `header.json`, `index.bin`,
 * `shards/*.bin`), with their stable `@id`s.
 */
import type { JsonValue } from "./canonical-json.js";

function formatBytes(n: number): string {
  return `${n} B`;
}

/** IDs of the Croissant distribution entries of the manifest. */
export const MANIFEST_DISTRIBUTION_IDS = {
  directory: "sample-hash-manifest",
  header: "sample-hash-manifest-header",
  index: "sample-hash-manifest-index",
  shards: "sample-hash-manifest-shards",
} as const;

/**
 * The Croissant 1.0 `distribution` of the manifest directory. A checksum
 * (`sha256`) is only given where it is the checksum of the bytes at
 * `contentUrl`:
 *
 * - the directory itself: a `cr:FileObject` at `ipfs://<cid>` with no
 *   `sha256` (a directory has no byte checksum; its CID, a hash of the
 *   directory's DAG, identifies it);
 * - `header.json`: a `cr:FileObject` at `ipfs://<cid>/header.json` with its
 *   SHA-256. It names the root, and the root commits to `index.bin` and
 *   every shard;
 * - `index.bin` and `shards/*.bin`: `cr:FileSet`s contained in the directory
 *   (each shard is checked against its `index.bin` entry, whose SHA-256 is
 *   the shard's raw-block CID).
 */
export function manifestDistribution(cid: string, headerSha256: string, headerSize: number | undefined, size: number | undefined): JsonValue[] {
  const inDirectory = { "@id": MANIFEST_DISTRIBUTION_IDS.directory };
  return [
    {
      "@type": "cr:FileObject",
      "@id": MANIFEST_DISTRIBUTION_IDS.directory,
      name: "manifest",
      description: "The sample-hash manifest: an IPFS UnixFS directory (header.json, index.bin, shards/, ids/ unless private). Its CID identifies its content; see header.json for the checksum.",
      contentUrl: `ipfs://${cid}`,
      encodingFormat: "inode/directory",
      contentSize: size === undefined ? undefined : formatBytes(size),
    },
    {
      "@type": "cr:FileObject",
      "@id": MANIFEST_DISTRIBUTION_IDS.header,
      name: "header.json",
      description: "Manifest header: Merkle root, leaf count, shard layout. The root commits to index.bin and every shard.",
      contentUrl: `ipfs://${cid}/header.json`,
      encodingFormat: "application/json",
      sha256: headerSha256,
      contentSize: headerSize === undefined ? undefined : formatBytes(headerSize),
    },
    {
      "@type": "cr:FileSet",
      "@id": MANIFEST_DISTRIBUTION_IDS.index,
      name: "index.bin",
      description: "One 132-byte entry per shard: first and last hash, subtree root, SHA-256 of the shard file, hash count.",
      containedIn: inDirectory,
      encodingFormat: "application/octet-stream",
      includes: "index.bin",
    },
    {
      "@type": "cr:FileSet",
      "@id": MANIFEST_DISTRIBUTION_IDS.shards,
      name: "shards",
      description: "Sorted distinct 32-byte SHA-256 sample hashes, 8192 per shard (the last may be shorter); each shard is a raw IPFS block.",
      containedIn: inDirectory,
      encodingFormat: "application/octet-stream",
      includes: "shards/**/*.bin",
    },
  ];
}
