/**
 * `model verify-weights <tokenId> <path>`: are these files the model a token
 * commits to? The token's model-signing statement (linked from its metadata
 * as `weightsManifestCid`, fetched and checked against the on-chain
 * weightsHash) is compared file by file with the statement of the local
 * copy, listing every added, removed and changed file. When the statement
 * cannot be fetched, only the digests are compared.
 *
 * With a model_signing signature file (`model.sig`), the statement inside
 * it must also equal the files and the token; with a public key, its
 * signature is verified (key-signed bundles, offline; see
 * src/models/signature-bundle.ts).
 *
 * Outcome: `match` (exit 0) or `mismatch` (exit 3); anything that prevents
 * the check (unreadable files, a stored statement that contradicts the
 * chain, an unusable signature file) is an error (exit 2).
 */
import { readFile } from "node:fs/promises";

import { readModel, type RegistryClient } from "../chain/index.js";
import { UserError } from "../errors/index.js";
import {
  diffResources,
  hashModel,
  isSameResources,
  parseStatementBytes,
  readSignatureBundle,
  verifyBundleWithKey,
  weightsHashOf,
  type ModelSigningStatement,
  type ResourceDiff,
} from "../models/index.js";
import { StorageError } from "../storage/index.js";
import type { ContentSource } from "./content-source.js";
import { silentReporter, type Reporter } from "./reporter.js";
import { readTokenMetadata } from "./token-metadata.js";

/** Dependencies of {@link verifyModelWeights}. */
export interface VerifyWeightsDeps {
  readonly client: RegistryClient;
  readonly content: ContentSource;
  readonly reporter?: Reporter | undefined;
}

/** What to check. */
export interface VerifyWeightsInput {
  readonly tokenId: bigint;
  /** Model directory or file. */
  readonly path: string;
  /** A model_signing signature file to check too. */
  readonly signature?: string | undefined;
  /** PEM public key the signature must verify with. */
  readonly publicKey?: string | undefined;
  readonly threads?: number | undefined;
}

/** The signature part of the check. */
export interface SignatureCheck {
  readonly file: string;
  readonly signer: "public-key" | "certificate";
  /** The signed statement's resources against the files. */
  readonly diff: ResourceDiff;
  /** The signed subject digest equals the token's weightsHash. */
  readonly matchesToken: boolean;
  /** true/false when a public key was given, undefined when the signature was not checked. */
  readonly verified: boolean | undefined;
  readonly reason?: string | undefined;
}

/** The verdict. */
export interface WeightsVerification {
  readonly tokenId: bigint;
  readonly outcome: "match" | "mismatch";
  readonly onChainWeightsHash: string;
  readonly localWeightsHash: string;
  /** CID of the committed statement, when the metadata links one. */
  readonly statementCid?: string | undefined;
  /** False when the statement could not be fetched: only the digests were compared. */
  readonly statementChecked: boolean;
  /** Committed statement → local files (when the statement was checked). */
  readonly diff?: ResourceDiff | undefined;
  readonly files: number;
  readonly bytes: number;
  /** Files checked against their Hugging Face cache blob name or local_dir metadata. */
  readonly crossChecked: number;
  readonly signature?: SignatureCheck | undefined;
}

async function committedStatement(deps: VerifyWeightsDeps, tokenURI: string, onChain: string): Promise<{ cid?: string; statement?: ModelSigningStatement }> {
  const metadata = await readTokenMetadata(deps.content, tokenURI);
  const cid = typeof metadata?.["weightsManifestCid"] === "string" ? (metadata["weightsManifestCid"] as string) : undefined;
  if (cid === undefined) return {};
  let bytes: Uint8Array;
  try {
    bytes = await deps.content.readFile(cid);
  } catch (error) {
    if (error instanceof StorageError) {
      (deps.reporter ?? silentReporter).warn(`the weights statement ${cid} could not be fetched (${error.message}): comparing digests only`);
      return { cid };
    }
    throw error;
  }
  let statement: ModelSigningStatement;
  try {
    statement = parseStatementBytes(bytes);
  } catch (error) {
    throw new UserError(`The weights statement ${cid} linked from the token is unusable: ${(error as Error).message}`, "The token's metadata points at a broken statement; compare digests with `model show`.", { family: "data", cause: error });
  }
  if (weightsHashOf(statement) !== onChain) {
    throw new UserError(`The weights statement ${cid} has subject digest ${weightsHashOf(statement)}, but the token commits to ${onChain}.`, "The metadata links a statement of other weights: trust the on-chain weightsHash, not this statement.", { family: "data" });
  }
  return { cid, statement };
}

/** Runs the check (see the module doc). */
export async function verifyModelWeights(deps: VerifyWeightsDeps, input: VerifyWeightsInput): Promise<WeightsVerification> {
  const reporter = deps.reporter ?? silentReporter;
  const model = await readModel(deps.client, input.tokenId);
  const committed = await committedStatement(deps, model.tokenURI, model.weightsHash);
  reporter.step(`hashing ${input.path}`);
  let local;
  try {
    local = await hashModel(input.path, {
      ignore: committed.statement?.predicate.serialization.ignore_paths ?? [],
      allowSymlinks: true,
      threads: input.threads,
      onProgress: (bytes, total) => reporter.hashing({ samples: 0, bytes, totalBytes: total }),
    });
  } catch (error) {
    throw new UserError((error as Error).message, "Point the command at the model directory (or file) to check.", { family: "not-found", cause: error });
  } finally {
    reporter.hashingDone();
  }
  const resources = local.hashed.statement.predicate.resources;
  const diff = committed.statement === undefined ? undefined : diffResources(committed.statement.predicate.resources, resources);
  let match = local.hashed.weightsHash === model.weightsHash && (diff === undefined || isSameResources(diff));

  let signature: SignatureCheck | undefined;
  if (input.signature !== undefined && input.signature !== "") {
    let text: string;
    try {
      text = await readFile(input.signature, "utf8");
    } catch (error) {
      throw new UserError(`Cannot read the signature file ${input.signature}.`, "Check the path of the model_signing signature (model.sig).", { family: "not-found", cause: error });
    }
    let bundle;
    try {
      bundle = readSignatureBundle(text, input.signature);
    } catch (error) {
      throw new UserError((error as Error).message, "Pass the signature file model_signing wrote (a Sigstore bundle, model.sig).", { family: "data", cause: error });
    }
    let verified: boolean | undefined;
    let reason: string | undefined;
    if (input.publicKey !== undefined && input.publicKey !== "") {
      let pem: string;
      try {
        pem = await readFile(input.publicKey, "utf8");
      } catch (error) {
        throw new UserError(`Cannot read the public key ${input.publicKey}.`, "Pass the signer's PEM public key file.", { family: "not-found", cause: error });
      }
      let check;
      try {
        check = verifyBundleWithKey(bundle, pem);
      } catch (error) {
        throw new UserError((error as Error).message, "Pass the signer's PEM public key (EC P-256, P-384 or P-521).", { family: "data", cause: error });
      }
      verified = check.valid;
      reason = check.reason;
    } else {
      reason = bundle.signer.kind === "certificate" ? "a Sigstore (certificate) signature needs the Sigstore trust root: verify it with model_signing" : "no --public-key given";
    }
    const sigDiff = diffResources(bundle.statement.predicate.resources, resources);
    const matchesToken = weightsHashOf(bundle.statement) === model.weightsHash;
    signature = { file: input.signature, signer: bundle.signer.kind, diff: sigDiff, matchesToken, verified, ...(reason === undefined ? {} : { reason }) };
    match = match && isSameResources(sigDiff) && matchesToken && verified !== false;
  }
  return {
    tokenId: input.tokenId,
    outcome: match ? "match" : "mismatch",
    onChainWeightsHash: model.weightsHash,
    localWeightsHash: local.hashed.weightsHash,
    ...(committed.cid === undefined ? {} : { statementCid: committed.cid }),
    statementChecked: committed.statement !== undefined,
    ...(diff === undefined ? {} : { diff }),
    files: resources.length,
    bytes: local.bytes,
    crossChecked: local.crossChecked,
    ...(signature === undefined ? {} : { signature }),
  };
}
