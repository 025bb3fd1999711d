/**
 * The commitment of DatasetNFT's optional commit-reveal registration
 * (`DatasetNFT.commit` / `registerCommitted`, docs/contracts.md
 * "Front-running"): the commitment and root key computed locally, the
 * commitment record (salt included) kept beside the registration journal,
 * and the chain time the reveal window is measured in.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";

import { AbiCoder, hexlify, keccak256 } from "ethers";

import { EXIT_CODES, UserError } from "../cli/errors.js";
import type { RegistryClient } from "../chain/registry-client.js";
import { writeFileAtomic } from "../registry/journal.js";
import type { SentTransaction } from "./registration-transaction.js";

/** The arguments a DatasetNFT commitment binds, with its secret salt. */
export interface CommittedArguments {
  /** The account that commits and reveals. */
  readonly registrant: string;
  readonly root: string;
  readonly leafCount: number;
  readonly manifestCid: string;
  /** Token URI (`ipfs://<metadata CID>`). */
  readonly uri: string;
  readonly previousVersion: bigint;
  /** 32 random bytes, 0x hex. */
  readonly salt: string;
}

/**
 * `DatasetNFT.commitmentOf`, computed locally (asking a node would show it
 * the salt and root): `keccak256(abi.encode(registrant, root, leafCount,
 * manifestCid, uri, previousVersion, salt))`.
 */
export function datasetCommitmentOf(a: CommittedArguments): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["address", "bytes32", "uint64", "string", "string", "uint256", "bytes32"],
      [a.registrant, a.root, a.leafCount, a.manifestCid, a.uri, a.previousVersion, a.salt],
    ),
  );
}

/** `DatasetNFT.rootKeyOf`, computed locally: `keccak256(abi.encode(root))`. */
export function rootKeyOf(root: string): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32"], [root]));
}

/**
 * A commit-reveal registration's state, kept beside its journal file as
 * `<key>.commit.json` (the journal's five steps stay as they are; the
 * reveal is its `txSent`). Written before the commit transaction is sent, so
 * the salt is never lost.
 */
export interface CommitmentRecord {
  readonly version: 1;
  readonly registrant: string;
  readonly root: string;
  readonly leafCount: number;
  readonly manifestCid: string;
  readonly uri: string;
  /** Decimal string. */
  readonly previousVersion: string;
  readonly salt: string;
  readonly commitment: string;
  readonly rootKey: string;
  /** The commit transaction, once sent. */
  readonly commitTx?: SentTransaction | undefined;
  /** Chain time of the commitment (seconds), once mined. */
  readonly committedAt?: number | undefined;
  /** Earlier commitments of this registration that expired unrevealed or were replaced. */
  readonly superseded?: readonly string[] | undefined;
}

/** A new commitment record for `args` minus the salt: a fresh random 32-byte salt. */
export function newCommitmentRecord(args: Omit<CommittedArguments, "salt">, superseded: readonly string[] = []): CommitmentRecord {
  const salt = hexlify(randomBytes(32));
  const full: CommittedArguments = { ...args, salt };
  return {
    version: 1,
    registrant: args.registrant,
    root: args.root.toLowerCase(),
    leafCount: args.leafCount,
    manifestCid: args.manifestCid,
    uri: args.uri,
    previousVersion: args.previousVersion.toString(),
    salt,
    commitment: datasetCommitmentOf(full),
    rootKey: rootKeyOf(args.root),
    ...(superseded.length === 0 ? {} : { superseded: [...superseded] }),
  };
}

/** The commitment file beside a journal file (`<key>.json` → `<key>.commit.json`). */
export function commitmentFileOf(journalFile: string): string {
  return journalFile.replace(/\.json$/, "") + ".commit.json";
}

/** Reads a commitment record; undefined when the file does not exist. */
export async function readCommitmentRecord(file: string): Promise<CommitmentRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new UserError(`Cannot read the commitment record ${file}.`, "Check the file permissions of the journal directory.", { exitCode: EXIT_CODES.ioError, cause: error });
  }
  let parsed: Partial<CommitmentRecord> | null = null;
  try {
    parsed = JSON.parse(text) as Partial<CommitmentRecord>;
  } catch {
    parsed = null;
  }
  const hex32 = (v: unknown): boolean => typeof v === "string" && /^0x[0-9a-fA-F]{64}$/.test(v);
  if (parsed === null || parsed.version !== 1 || !hex32(parsed.salt) || !hex32(parsed.commitment) || !hex32(parsed.root) || typeof parsed.registrant !== "string") {
    throw new UserError(
      `The commitment record ${file} is unreadable.`,
      "Inspect it. Without its salt the commitment cannot be revealed: delete it and commit again (`--commit --recommit`).",
      { exitCode: EXIT_CODES.dataError },
    );
  }
  return parsed as CommitmentRecord;
}

/** Writes a commitment record atomically. */
export async function writeCommitmentRecord(file: string, record: CommitmentRecord): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify(record, null, 2) + "\n");
}

/**
 * The chain's time in seconds, as the next block will see it: the latest
 * block's timestamp, or the wall clock when that is later (an idle local
 * node mines no blocks; Filecoin's latest block is up to 30 s old).
 */
export async function chainTimeNow(client: RegistryClient, clockMs: () => number = Date.now): Promise<number> {
  const block = await client.provider.getBlock("latest");
  return Math.max(block?.timestamp ?? 0, Math.floor(clockMs() / 1000));
}
