/**
 * `model tree <org/name> --register`: register a whole Hugging Face model
 * family in lineage order (parents first), resumably.
 *
 * The crawl (src/models/model-tree.ts) fixes the list of models; a tree
 * journal, `<workspace>/journal/model-trees/<key>.json` with
 * `key = SHA-256(chainId, ModelNFT, root, depth)`, records the order and
 * each model's token id as soon as it is minted (atomic writes). A rerun
 * after an interruption skips the models recorded (checking their tokens
 * still exist) and goes on; each model's own registration is journaled too
 * (src/workflow/register-model.ts), so a model interrupted between its
 * transaction and its receipt is not minted twice. Ancestors outside the
 * crawl (beyond the depth) are registered from the Hub first.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";

import { DatatraceError, UserError } from "../errors/index.js";
import { crawlModelTree, lineageOrder, type ModelTree } from "../models/index.js";
import { writeFileAtomic } from "../storage/index.js";
import { loadHfRegistryIndex } from "./hf-registry-index.js";
import { asUserError, registerHfModel, type RegisterHfDeps, type RegisteredHfModel } from "./register-hf-model.js";
import { silentReporter } from "./reporter.js";

/** Input of {@link registerModelTree}. */
export interface RegisterTreeInput {
  readonly root: string;
  readonly depth: number;
  readonly hashLfsUpTo?: number | undefined;
  /** Progress: models done of total, and the model being registered. */
  readonly onProgress?: ((done: number, total: number, current: string | undefined) => void) | undefined;
}

/** One model of the family and its token. */
export interface TreeRegistration {
  readonly repoId: string;
  readonly tokenId: bigint;
  readonly relation: string;
  /** registered now, resumed (recorded by an earlier run), existing (same weights already registered), or parent (an ancestor outside the crawl). */
  readonly status: "registered" | "resumed" | "existing" | "parent";
}

/** The result of a tree registration. */
export interface RegisteredTree {
  readonly tree: ModelTree;
  readonly journalFile: string;
  readonly models: readonly TreeRegistration[];
}

interface TreeJournal {
  readonly version: 1;
  readonly root: string;
  readonly depth: number;
  readonly chainId: string;
  readonly contract: string;
  readonly order: string[];
  readonly done: Record<string, string>;
}

/** Crawls and registers the family (see the module doc). */
export async function registerModelTree(deps: RegisterHfDeps, input: RegisterTreeInput): Promise<RegisteredTree> {
  const reporter = deps.reporter ?? silentReporter;
  const { client } = deps;
  reporter.step(`crawling the model tree of ${input.root} (depth ${input.depth})`);
  let tree: ModelTree;
  try {
    tree = await crawlModelTree(deps.hub(), input.root, { depth: input.depth, onModel: (id, n) => reporter.note(`found ${id} (${n})`) });
  } catch (error) {
    throw asUserError(error);
  }
  const order = lineageOrder(tree).map((m) => m.repoId);
  const key = createHash("sha256").update(JSON.stringify([client.chainId.toString(), client.addresses.modelNFT.toLowerCase(), tree.root, input.depth])).digest("hex");
  const dir = path.join(deps.workspace.journalDir, "model-trees");
  const file = path.join(dir, `${key}.json`);
  let journal: TreeJournal = { version: 1, root: tree.root, depth: input.depth, chainId: client.chainId.toString(), contract: client.addresses.modelNFT.toLowerCase(), order, done: {} };
  try {
    const previous = JSON.parse(await readFile(file, "utf8")) as TreeJournal;
    if (previous.version !== 1 || previous.root !== tree.root || typeof previous.done !== "object") throw new DatatraceError("not a tree journal");
    journal = { ...journal, done: previous.done };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new UserError(`The tree journal ${file} is unreadable (${(error as Error).message}).`, "Delete it to start the family registration over (tokens already minted are found again by their weights).", { family: "data" });
    }
  }
  const save = async (): Promise<void> => {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(file, JSON.stringify(journal, null, 2) + "\n");
  };
  await save();

  const index = await loadHfRegistryIndex(client, deps.content, deps.hub().endpoint);
  const results: TreeRegistration[] = [];
  let done = 0;
  input.onProgress?.(0, order.length, order[0]);
  for (const repoId of order) {
    const recorded = journal.done[repoId];
    if (recorded !== undefined && (await client.models.exists(BigInt(recorded)))) {
      results.push({ repoId, tokenId: BigInt(recorded), relation: tree.models.get(repoId)!.relation, status: "resumed" });
      if (!(index.models.get(repoId) ?? []).includes(BigInt(recorded))) index.models.set(repoId, [BigInt(recorded), ...(index.models.get(repoId) ?? [])]);
      input.onProgress?.(++done, order.length, order[done]);
      continue;
    }
    const sha = tree.models.get(repoId)!.sha;
    const r: RegisteredHfModel = await registerHfModel({ ...deps, index }, { source: `${repoId}@${sha}`, registerParents: true, hashLfsUpTo: input.hashLfsUpTo });
    for (const p of r.parentsRegistered) results.push({ repoId: p.facts.repoId ?? "", tokenId: p.registered.tokenId, relation: p.registered.relation, status: "parent" });
    results.push({ repoId, tokenId: r.registered.tokenId, relation: r.registered.relation, status: r.registered.status === "existing" ? "existing" : "registered" });
    journal = { ...journal, done: { ...journal.done, [repoId]: r.registered.tokenId.toString() } };
    await save();
    input.onProgress?.(++done, order.length, order[done]);
  }
  return { tree, journalFile: file, models: results };
}
