/**
 * The verification a user runs, step by step, independent of the DOM:
 *
 * 1. hash the sample (SHA-256), unless its hash was given;
 * 2. read the dataset record from the DatasetNFT (root, leafCount, manifest CID);
 * 3. fetch `header.json` + `index.bin` of the manifest through verified
 *    gateways and check that they commit to the on-chain root and count;
 * 4. fetch the one shard the hash falls in (verified: SHA-256 = index entry,
 *    sorted, subtree root);
 * 5. build the membership or absence proof;
 * 6. verify it locally against the on-chain root and leafCount;
 * 7. ask the contract (`verifySample` / `verifyAbsence`, an eth_call).
 *
 * Progress goes to {@link VerifyEvents}; the result holds both checks.
 */
import type { DatasetRecord } from "../../src/chain/dataset-record.js";
import { initKeccak } from "../../src/hash/keccak.js";
import { hashFromHex, toHex } from "../../src/hash/hex.js";
import { webSha256 } from "../../src/hash/sha256.js";
import { ManifestReader } from "../../src/manifest/manifest-reader.js";
import { shardPath } from "../../src/manifest/manifest-format.js";
import { verifyAbsence, verifyMember } from "../../src/merkle/proof.js";
import type { SampleProof } from "../../src/merkle/search.js";
import type { GatewayWarning } from "../../src/storage/gateway.js";
import { DatasetNftClient } from "./dataset-nft-client.js";
import { createGatewayManifestReader, type ServedBlock } from "./gateway-manifest-reader.js";
import { JsonRpcClient } from "./json-rpc-client.js";
import { servesIpfs } from "./own-origin-gateway.js";
import { hashBlob } from "./sample-hash.js";

/** The steps, in order. */
export const STEPS = [
  { id: "hash", title: "Hash the sample (SHA-256, in this browser)" },
  { id: "chain", title: "Read the dataset from the chain" },
  { id: "manifest", title: "Fetch the manifest header and index (verified)" },
  { id: "shard", title: "Fetch the shard that would hold the hash (verified)" },
  { id: "proof", title: "Build the proof" },
  { id: "local", title: "Check the proof here, against the on-chain root" },
  { id: "onchain", title: "Check the proof with the contract" },
] as const;

/** Identifier of a step. */
export type StepId = (typeof STEPS)[number]["id"];

/** A step changed state. */
export interface StepUpdate {
  readonly id: StepId;
  readonly state: "running" | "done" | "failed";
  /** What happened (one or two sentences). */
  readonly detail: string;
  /** Time spent, once finished. */
  readonly elapsedMs?: number;
}

/** The sample: a file to hash, or its hash. */
export type SampleInput = { readonly kind: "file"; readonly file: Blob; readonly name: string } | { readonly kind: "hash"; readonly hash: Uint8Array };

/** What to verify and where. */
export interface VerifyRequest {
  readonly sample: SampleInput;
  readonly tokenId: bigint;
  readonly rpcUrl: string;
  readonly contract: string;
  readonly gateways: readonly string[];
  /** The page's origin, tried first if it serves /ipfs (omit to never try it). */
  readonly ownOrigin?: string;
  /** Per-block gateway timeout. */
  readonly gatewayTimeoutMs?: number;
  /** How to hash a file (default {@link hashBlob} on this thread; the page passes a Web Worker one). */
  readonly hashFile?: (file: Blob, onProgress?: (hashedBytes: number, totalBytes: number) => void) => Promise<Uint8Array>;
}

/** Progress callbacks. */
export interface VerifyEvents {
  onStep?(update: StepUpdate): void;
  /** A gateway failed and another was tried, or other non-fatal news. */
  onWarning?(message: string, warning?: GatewayWarning): void;
  /** A note that is not a problem. */
  onInfo?(message: string): void;
  /** A manifest block was fetched and verified. */
  onBlock?(block: ServedBlock): void;
  /** Hashing progress of a large file. */
  onHashProgress?(hashedBytes: number, totalBytes: number): void;
}

/** The outcome: the proof and both checks. */
export interface Verification {
  readonly sampleHash: Uint8Array;
  readonly chainId: bigint;
  readonly contract: string;
  readonly tokenId: bigint;
  readonly dataset: DatasetRecord;
  /** Membership proof, or absence proof with its neighbors. */
  readonly outcome: SampleProof;
  /** Sample ids from the manifest (members of non-private manifests), else null. */
  readonly ids: readonly string[] | null;
  /** The local check passed. */
  readonly local: boolean;
  /** The contract's check passed. */
  readonly onChain: boolean;
  /** Gateways used, in order (the page's own origin first when it served the manifest). */
  readonly gateways: readonly string[];
}

/** Runs the whole verification (see the module doc). Throws at the first step that cannot complete. */
export async function verifySample(request: VerifyRequest, events: VerifyEvents = {}): Promise<Verification> {
  const run = async <T>(id: StepId, running: string, work: () => Promise<{ value: T; detail: string }>): Promise<T> => {
    events.onStep?.({ id, state: "running", detail: running });
    const started = performance.now();
    try {
      const { value, detail } = await work();
      events.onStep?.({ id, state: "done", detail, elapsedMs: performance.now() - started });
      return value;
    } catch (error) {
      events.onStep?.({ id, state: "failed", detail: (error as Error).message, elapsedMs: performance.now() - started });
      throw error;
    }
  };

  const sampleHash = await run("hash", request.sample.kind === "file" ? `Hashing ${request.sample.name}…` : "Using the given hash…", async () => {
    const sample = request.sample;
    if (sample.kind === "hash") return { value: sample.hash, detail: `Given: ${toHex(sample.hash)}` };
    const hashFile = request.hashFile ?? ((file, onProgress) => hashBlob(file, onProgress !== undefined ? { onProgress } : {}));
    const hash = await hashFile(sample.file, events.onHashProgress);
    return { value: hash, detail: `${sample.name} (${sample.file.size.toLocaleString("en-US")} bytes): SHA-256 ${toHex(hash)}` };
  });

  const { client, dataset } = await run("chain", `Asking ${request.rpcUrl}…`, async () => {
    const nft = await DatasetNftClient.connect(new JsonRpcClient({ url: request.rpcUrl }), request.contract);
    const record = await nft.readDataset(request.tokenId);
    const when = record.registeredAt > 0 ? new Date(record.registeredAt * 1000).toISOString().replace(".000Z", "Z") : "?";
    return {
      value: { client: nft, dataset: record },
      detail:
        `Chain ${nft.chainId}, DatasetNFT ${nft.address}, token #${request.tokenId}: root ${record.root}, ` +
        `${record.leafCount.toLocaleString("en-US")} distinct samples, manifest ${record.manifestCid}, registered ${when} by ${record.registrant}.`,
    };
  });

  const gateways = [...request.gateways];
  const reader = await run("manifest", `Fetching header.json and index.bin of ${dataset.manifestCid}…`, async () => {
    if (request.ownOrigin !== undefined && !gateways.includes(request.ownOrigin)) {
      if (await servesIpfs(request.ownOrigin, dataset.manifestCid)) {
        gateways.unshift(request.ownOrigin);
        events.onInfo?.(`This page's server (${request.ownOrigin}) serves the manifest: it is tried first.`);
      }
    }
    if (gateways.length === 0) throw new Error("No gateway is configured: list at least one IPFS gateway (e.g. http://127.0.0.1:5050).");
    const read = createGatewayManifestReader({
      manifestCid: dataset.manifestCid,
      gateways,
      ...(request.gatewayTimeoutMs !== undefined ? { timeoutMs: request.gatewayTimeoutMs } : {}),
      onWarning: (warning) => events.onWarning?.(warning.message, warning),
      onBlock: (block) => events.onBlock?.(block),
    });
    await initKeccak();
    const opened = await ManifestReader.open(read, { where: `manifest ${dataset.manifestCid}`, sha256: webSha256 });
    if (opened.header.root !== dataset.root || opened.header.leafCount !== dataset.leafCount) {
      throw new Error(
        `The manifest ${dataset.manifestCid} commits to root ${opened.header.root} with ${opened.header.leafCount} leaves, ` +
          `but token #${request.tokenId} commits to root ${dataset.root} with ${dataset.leafCount} leaves. ` +
          "The manifest CID registered for this token does not describe its dataset: its proofs cannot be trusted for this token.",
      );
    }
    return {
      value: opened,
      detail:
        `header.json and index.bin verified; the tree over the ${opened.header.shardCount} shard top(s) gives ${opened.header.root} = the on-chain root, ` +
        `${opened.header.leafCount.toLocaleString("en-US")} leaves = the on-chain count.`,
    };
  });

  const shardCount = reader.header.shardCount;
  const shard = Math.min(reader.shardFor(sampleHash), shardCount - 1);
  await run("shard", `Fetching ${shardPath(shard)}…`, async () => {
    const hashes = await reader.shard(shard);
    return {
      value: undefined,
      detail:
        `${shardPath(shard)} (shard ${shard + 1} of ${shardCount}, ${(hashes.length / 32).toLocaleString("en-US")} hashes, CID ${reader.shardCid(shard)}) verified: ` +
        "SHA-256 and subtree top match index.bin, hashes sorted and distinct.",
    };
  });

  const outcome = await run("proof", "Locating the hash…", async () => {
    const result = await reader.proveSample(sampleHash);
    return { value: result, detail: describeOutcome(result, dataset.leafCount) };
  });

  const root = hashFromHex(dataset.root);
  const local = await run("local", "Recomputing the root…", async () => {
    const ok =
      outcome.kind === "member"
        ? verifyMember(root, dataset.leafCount, sampleHash, outcome.index, outcome.path)
        : verifyAbsence(root, dataset.leafCount, sampleHash, outcome);
    return {
      value: ok,
      detail: ok
        ? `Valid: the proof leads to the on-chain root ${dataset.root}.`
        : "INVALID: the proof does not lead to the on-chain root.",
    };
  });

  const onChain = await run("onchain", "eth_call…", async () => {
    const path = outcome.path.map(toHex);
    const ok =
      outcome.kind === "member"
        ? await client.verifySample(request.tokenId, toHex(sampleHash), BigInt(outcome.index), path)
        : await client.verifyAbsence(request.tokenId, toHex(sampleHash), BigInt(outcome.index), toHex(outcome.neighbor), path);
    const call =
      outcome.kind === "member" ? `verifySample(${request.tokenId}, …, ${outcome.index}, …)` : `verifyAbsence(${request.tokenId}, …, ${outcome.index}, …)`;
    return { value: ok, detail: `${call} on ${client.address} returned ${ok}.` };
  });

  let ids: string[] | null = null;
  if (outcome.kind === "member" && !reader.header.private) {
    try {
      ids = await reader.idsOf(sampleHash);
    } catch (error) {
      events.onWarning?.(`Could not read the sample ids from the manifest: ${(error as Error).message}`);
    }
  }
  return { sampleHash, chainId: client.chainId, contract: client.address, tokenId: request.tokenId, dataset, outcome, ids, local, onChain, gateways };
}

/** One sentence on what the proof says. */
export function describeOutcome(outcome: SampleProof, leafCount: number): string {
  if (outcome.kind === "member") {
    return `Found at index ${outcome.index.toLocaleString("en-US")} of ${leafCount.toLocaleString("en-US")}; membership proof: a path of ${outcome.path.length} hashes.`;
  }
  return (
    `Not in the dataset: its search path ends at sample ${outcome.index.toLocaleString("en-US")} (${toHex(outcome.neighbor).slice(0, 12)}…), which is another sample; ` +
    `absence proof: that sample and its path of ${outcome.path.length} hashes.`
  );
}
