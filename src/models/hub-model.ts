/**
 * A model on the Hugging Face Hub, described and given its model-signing
 * statement WITHOUT downloading its weights:
 *
 * - the revision is pinned to a commit hash (model info `sha`);
 * - the recursive file listing at that commit gives every file; model
 *   signing's default ignore paths apply (`.gitattributes`, …);
 * - an LFS file's digest is the SHA-256 the listing gives (`lfs.oid`): it
 *   comes from the Hub, not hashed here (unless the file is at most
 *   `hashLfsUpTo` bytes, then it is downloaded and must match);
 * - every other file is small by git's rules: it is downloaded, its size and
 *   git blob id are checked against the listing, and its SHA-256 is
 *   computed here.
 *
 * Each resource says where its digest came from ({@link DigestSource}), so
 * the output can tell the Hub's word from what was hashed here. A snapshot
 * downloaded later (`snapshot_download`) hashes to the same statement, which
 * `model verify-weights` checks.
 */
import { createHash } from "node:crypto";

import { ignoreList, isIgnored } from "./ignore-paths.js";
import { HubError, type HubClient, type HubFileEntry, type HubModelInfo } from "./hub-client.js";
import { parseModelCard } from "./model-card.js";
import { describeModelFiles, type HfModelFacts } from "./model-facts.js";
import { createModelSigningStatement, hashStatement, type HashedStatement } from "./model-signing-statement.js";
import { relationsFromTags } from "./relation-inference.js";

/** Where a resource's digest comes from. */
export type DigestSource = "hub-listing" | "hashed-here";

/** One resource and the origin of its digest. */
export interface ResourceProvenance {
  readonly name: string;
  readonly size: number;
  readonly lfs: boolean;
  readonly source: DigestSource;
}

/** A Hub model, described and hashed from its listing. */
export interface HubModel {
  readonly info: HubModelInfo;
  readonly facts: HfModelFacts;
  readonly hashed: HashedStatement;
  readonly provenance: readonly ResourceProvenance[];
  /** Bytes of the model (sum of listed sizes), bytes downloaded to hash. */
  readonly totalBytes: number;
  readonly downloadedBytes: number;
}

/** Options of {@link importHubModel}. */
export interface ImportHubModelOptions {
  readonly revision?: string | undefined;
  /** Download and hash LFS files up to this size too, checking the listing (default 0: never). */
  readonly hashLfsUpTo?: number | undefined;
  /** Extra ignore paths. */
  readonly ignore?: readonly string[] | undefined;
  /** Told about each file downloaded. */
  readonly onFile?: ((name: string, index: number, count: number) => void) | undefined;
}

/** Describes and hashes `repoId` from the Hub (see the module doc). */
export async function importHubModel(client: HubClient, repoId: string, options: ImportHubModelOptions = {}): Promise<HubModel> {
  const info = await client.modelInfo(repoId, options.revision);
  const ignorePaths = ignoreList(options.ignore ?? []);
  const entries = (await client.listFiles(info.repoId, info.sha)).filter((e) => !isIgnored(e.path, ignorePaths));
  const limit = options.hashLfsUpTo ?? 0;
  const texts = new Map<string, string>();
  const resources: { name: string; digest: string }[] = [];
  const provenance: ResourceProvenance[] = [];
  let downloaded = 0;
  for (const [i, entry] of entries.entries()) {
    const lfs = entry.lfs !== undefined;
    const size = entry.lfs?.size ?? entry.size;
    if (lfs && size > limit) {
      const oid = entry.lfs!.oid;
      if (!/^[0-9a-f]{64}$/.test(oid)) throw new HubError("response", `The Hub's listing gives ${entry.path} of ${repoId} an LFS oid that is not a SHA-256 (${oid}).`, "Check HF_ENDPOINT.");
      resources.push({ name: entry.path, digest: oid });
      provenance.push({ name: entry.path, size, lfs, source: "hub-listing" });
      continue;
    }
    options.onFile?.(entry.path, i, entries.length);
    const bytes = await client.download(info.repoId, info.sha, entry);
    downloaded += bytes.byteLength;
    resources.push({ name: entry.path, digest: createHash("sha256").update(bytes).digest("hex") });
    provenance.push({ name: entry.path, size, lfs, source: "hashed-here" });
    if (!lfs && /\.(json|md)$/i.test(entry.path)) texts.set(entry.path, new TextDecoder().decode(bytes));
  }
  const statement = createModelSigningStatement({
    modelName: info.repoId.split("/").pop()!,
    resources,
    allowSymlinks: false,
    ignorePaths,
  });
  const hashed = hashStatement(statement);
  const facts = await describeModelFiles(
    { paths: entries.map((e: HubFileEntry) => e.path), readText: async (name) => texts.get(name) },
    {
      repoId: info.repoId,
      revision: info.sha,
      lastModified: info.lastModified,
      weightsHash: hashed.weightsHash,
      hubTagRelations: relationsFromTags(info.tags),
      cardData: info.cardData === undefined ? undefined : parseModelCard(`---\n${JSON.stringify(info.cardData)}\n---\n`),
    },
  );
  const order = new Map(statement.predicate.resources.map((r, i) => [r.name, i]));
  provenance.sort((a, b) => order.get(a.name)! - order.get(b.name)!);
  return { info, facts, hashed, provenance, totalBytes: entries.reduce((n, e) => n + (e.lfs?.size ?? e.size), 0), downloadedBytes: downloaded };
}
