/**
 * The commitment and facts of one dataset as `DatasetNFT.dataset(tokenId)`
 * returns them, in plain JavaScript types. Browser-safe (no imports): the
 * verify page (web/src) and the node-side registry reads both use it.
 *
 * @example
 * const record = datasetRecordOf(await datasetNFT.dataset(1n));
 * record.leafCount; // a number, e.g. 4601
 */

/** A dataset's on-chain commitment and facts (`DatasetNFT.dataset(tokenId)`). */
export interface DatasetRecord {
  /** Committed root, 0x + 64 lowercase hex. */
  readonly root: string;
  /** Distinct sample hashes committed. */
  readonly leafCount: number;
  /** CID of the manifest directory. */
  readonly manifestCid: string;
  /** Token id of the version it supersedes, 0n for none. */
  readonly previousVersion: bigint;
  /** Block timestamp of the registration, seconds since 1970. */
  readonly registeredAt: number;
  /** Address that registered it (kept across transfers). */
  readonly registrant: string;
}

/** The decoded return value of `DatasetNFT.dataset(tokenId)` (the fields {@link DatasetRecord} keeps). */
export interface DatasetRecordResult {
  readonly root: string;
  readonly leafCount: bigint;
  readonly manifestCid: string;
  readonly previousVersion: bigint;
  readonly registeredAt: bigint;
  readonly registrant: string;
}

/** The {@link DatasetRecord} of a decoded `dataset(tokenId)` result: root lowercased, counts and times as numbers. */
export function datasetRecordOf(d: DatasetRecordResult): DatasetRecord {
  return {
    root: d.root.toLowerCase(),
    leafCount: Number(d.leafCount),
    manifestCid: d.manifestCid,
    previousVersion: d.previousVersion,
    registeredAt: Number(d.registeredAt),
    registrant: d.registrant,
  };
}
