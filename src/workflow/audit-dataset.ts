/**
 * `dataset audit`: downloads a registered dataset's whole manifest and checks
 * that it is available and consistent with the on-chain commitment — the one
 * property a Merkle tree cannot prove by itself. Every problem is collected as
 * a finding rather than thrown, so one run lists them all:
 *
 * - unavailable: `header.json`, `index.bin` or a shard cannot be fetched;
 * - mismatch: the header's root or count differs from the chain's, the index
 *   does not fit the header, the tree over the index's shard tops does not
 *   give the root, a shard's SHA-256 / length / first / last hash differs
 *   from its index entry;
 * - order: hashes not strictly ascending inside a shard or across shards;
 * - hole: a shard matches its index entry's SHA-256 but its own tree does not
 *   give the entry's subtree top: the committed tree holds values the
 *   manifest does not publish (or publishes wrongly), so some committed
 *   samples can never be proven members.
 *
 * Files come through a {@link ManifestFileReader} (gateways only, to audit
 * public availability, or the local store first); every block is verified
 * against its CID by the reader's block source.
 */
import type { DatasetOnChain } from "../chain/index.js";
import { defaultSha256, type Sha256, toHex } from "../hash/index.js";
import type { ManifestFileReader } from "../manifest/index.js";
import {
  decodeHeader,
  decodeIndex,
  HEADER_FILE,
  indexProblems,
  INDEX_FILE,
  shardPath,
  treeOfIndex,
  type IndexEntry,
  type ManifestHeader,
} from "../manifest/index.js";
import { equalBytes } from "../hash/index.js";
import { firstUnsortedIndex, rootOfSubtree } from "../merkle/index.js";

/** What kind of problem a finding is (see the module doc). */
export type AuditFindingKind = "unavailable" | "mismatch" | "order" | "hole";

/** One problem found by the audit. */
export interface AuditFinding {
  readonly kind: AuditFindingKind;
  /** The file or part of the manifest concerned (`header.json`, `shards/000/000003.bin`, …). */
  readonly where: string;
  readonly detail: string;
}

/** Overall outcome: everything available and consistent, or not. */
export type AuditOutcome = "clean" | "inconsistent";

/** What `dataset audit` found. */
export interface AuditReport {
  readonly datasetId: bigint;
  readonly root: string;
  readonly leafCount: number;
  readonly manifestCid: string;
  /** Shards the index lists (0 when the index could not be read). */
  readonly shardCount: number;
  /** Shards fetched and checked against their index entries. */
  readonly shardsChecked: number;
  /** Bytes of manifest files fetched. */
  readonly bytesFetched: number;
  readonly findings: readonly AuditFinding[];
  readonly outcome: AuditOutcome;
}

/** Options of {@link auditDataset}. */
export interface AuditOptions {
  /** Called after each shard with the shards done and the total. */
  readonly onShard?: ((done: number, total: number) => void) | undefined;
  /** SHA-256 used to check shards (default `defaultSha256`). */
  readonly sha256?: Sha256 | undefined;
}

/** Audits the manifest of `dataset` read through `read` (see the module doc). */
export async function auditDataset(dataset: DatasetOnChain, read: ManifestFileReader, options: AuditOptions = {}): Promise<AuditReport> {
  const sha256 = options.sha256 ?? defaultSha256;
  const findings: AuditFinding[] = [];
  const found = (kind: AuditFindingKind, where: string, detail: string): void => void findings.push({ kind, where, detail });
  let bytesFetched = 0;
  const fetch = async (file: string): Promise<Uint8Array | undefined> => {
    try {
      const bytes = await read(file);
      bytesFetched += bytes.length;
      return bytes;
    } catch (error) {
      found("unavailable", file, `could not be fetched: ${(error as Error).message.split("\n")[0]}`);
      return undefined;
    }
  };
  const report = (shardCount: number, shardsChecked: number): AuditReport => ({
    datasetId: dataset.id,
    root: dataset.root,
    leafCount: dataset.leafCount,
    manifestCid: dataset.manifestCid,
    shardCount,
    shardsChecked,
    bytesFetched,
    findings,
    outcome: findings.length === 0 ? "clean" : "inconsistent",
  });

  const headerBytes = await fetch(HEADER_FILE);
  if (headerBytes === undefined) return report(0, 0);
  let header: ManifestHeader;
  try {
    header = decodeHeader(headerBytes, HEADER_FILE);
  } catch (error) {
    found("mismatch", HEADER_FILE, (error as Error).message);
    return report(0, 0);
  }
  if (header.root.toLowerCase() !== dataset.root.toLowerCase()) {
    found("mismatch", HEADER_FILE, `names root ${header.root}, but the dataset commits to ${dataset.root}`);
  }
  if (header.leafCount !== dataset.leafCount) {
    found("mismatch", HEADER_FILE, `counts ${header.leafCount} distinct samples, but the dataset commits to ${dataset.leafCount}`);
  }

  const indexBytes = await fetch(INDEX_FILE);
  if (indexBytes === undefined) return report(header.shardCount, 0);
  let index: IndexEntry[];
  try {
    index = decodeIndex(indexBytes, header.shardCount, INDEX_FILE);
  } catch (error) {
    found("mismatch", INDEX_FILE, (error as Error).message);
    return report(header.shardCount, 0);
  }
  for (const p of indexProblems(header, index)) found(p.kind === "order" ? "order" : "mismatch", p.where, p.detail);
  try {
    const top = treeOfIndex(index);
    if (toHex(top.root) !== dataset.root.toLowerCase()) {
      found("mismatch", INDEX_FILE, `the tree over its shard tops gives root ${toHex(top.root)}, not the committed ${dataset.root}`);
    }
  } catch (error) {
    found("mismatch", INDEX_FILE, `its shard counts do not form a tree: ${(error as Error).message}`);
  }

  let checked = 0;
  for (const [k, entry] of index.entries()) {
    const file = shardPath(k);
    const bytes = await fetch(file);
    if (bytes !== undefined) {
      checkShard(file, entry, bytes, await sha256(bytes), found);
      checked++;
    }
    options.onShard?.(k + 1, index.length);
  }
  return report(index.length, checked);
}

/** Checks one shard file against its index entry. */
function checkShard(
  file: string,
  entry: IndexEntry,
  bytes: Uint8Array,
  digest: Uint8Array,
  found: (kind: AuditFindingKind, where: string, detail: string) => void,
): void {
  if (!equalBytes(digest, entry.shardSha256)) {
    found("mismatch", file, `its SHA-256 ${toHex(digest)} differs from its index entry's ${toHex(entry.shardSha256)}`);
    return;
  }
  if (bytes.length !== entry.leafCount * 32) {
    found("mismatch", file, `holds ${bytes.length} bytes, its index entry ${entry.leafCount} hashes (${entry.leafCount * 32} bytes)`);
    return;
  }
  const unsorted = firstUnsortedIndex(bytes);
  if (unsorted >= 0) found("order", file, `hash ${unsorted} is not above hash ${unsorted - 1}`);
  if (!equalBytes(bytes.subarray(0, 32), entry.first) || !equalBytes(bytes.subarray(bytes.length - 32), entry.last)) {
    found("mismatch", file, "its first or last hash differs from its index entry");
  }
  const top = rootOfSubtree(bytes, { checkSorted: false });
  if (!equalBytes(top, entry.subtreeTop)) {
    found(
      "hole",
      file,
      "its hashes do not give the subtree top committed in the index: the committed tree holds values this shard does not publish, " +
        "so some committed samples can never be proven members",
    );
  }
}
