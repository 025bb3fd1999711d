/** Action of `npx hardhat model tree <org/name>` (declared in ./index.ts). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { createProgress, formatTable, toCsv, type Column } from "../../src/cli/index.js";
import { UserError } from "../../src/errors/index.js";
import { crawlModelTree, lineageOrder, parseHubModelId, treeDerivativeCounts, type ModelTree, type TreeModel } from "../../src/models/index.js";
import { lineageToDot, lineageToJson, lineageToMermaid, renderLineageTree } from "../../src/registry/index.js";
import { asUserError, type RegisteredTree, registerModelTree, workspaceAt } from "../../src/workflow/index.js";
import { connectRegistry } from "../shared/connect.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { openHub } from "../shared/hub.js";
import { jsonText } from "../shared/output.js";
import { openContentSource, openPublishingStore } from "../shared/stores.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `model tree`, as parsed by Hardhat. */
export interface ModelTreeArguments {
  model: string;
  depth: number;
  format: string;
  register: boolean;
  storage: string;
  lighthouseUrl: string;
  timeout: number;
  gateway: string;
  dir: string;
  quiet: boolean;
}

const FORMATS = ["tree", "json", "csv", "mermaid", "dot"];

const COLUMNS: readonly Column<TreeModel>[] = [
  { header: "repoId", value: (m) => m.repoId },
  { header: "relation", value: (m) => m.relation },
  { header: "relationSource", value: (m) => m.relationSource },
  { header: "baseModels", value: (m) => m.baseModels.join(" ") },
  { header: "distance", value: (m) => m.distance },
  { header: "lastModified", value: (m) => m.lastModified },
  { header: "revision", value: (m) => m.sha },
];

function print(tree: ModelTree, format: string, registered: RegisteredTree | undefined): void {
  const counts = treeDerivativeCounts(tree);
  const tokens = new Map(registered?.models.map((m) => [m.repoId, m.tokenId.toString()]));
  if (format === "json") {
    console.log(
      jsonText({
        root: tree.root,
        depth: tree.depth,
        models: lineageOrder(tree).map((m) => ({ ...m, ...(tokens.has(m.repoId) ? { tokenId: tokens.get(m.repoId) } : {}) })),
        missing: tree.missing,
        derivativeCounts: counts,
        tree: lineageToJson(tree.graph),
        ...(registered === undefined ? {} : { registered: registered.models, journal: registered.journalFile }),
      }),
    );
    return;
  }
  if (format === "csv") return void process.stdout.write(toCsv(lineageOrder(tree), [...COLUMNS, ...(registered === undefined ? [] : [{ header: "tokenId", value: (m: TreeModel) => tokens.get(m.repoId) }])]));
  if (format === "mermaid") return void process.stdout.write(lineageToMermaid(tree.graph));
  if (format === "dot") return void process.stdout.write(lineageToDot(tree.graph));
  console.log(`Model tree of ${tree.root} (depth ${tree.depth}, ${tree.models.size} models${tree.missing.length === 0 ? "" : `; not crawled: ${tree.missing.join(", ")}`}):`);
  process.stdout.write(renderLineageTree(tree.graph));
  console.log("\nDerivatives per base model:");
  process.stdout.write(
    formatTable(Object.entries(counts), [
      { header: "BASE", value: ([id]) => id },
      { header: "DIRECT", value: ([, c]) => c.direct },
      { header: "ALL", value: ([, c]) => c.transitive },
      { header: "BY RELATION", value: ([, c]) => Object.entries(c.transitiveByRelation).map(([k, v]) => `${k} ${v}`).join(", ") },
    ]),
  );
  if (registered !== undefined) {
    console.log(`\nRegistered in lineage order (journal ${registered.journalFile}):`);
    process.stdout.write(
      formatTable(registered.models, [
        { header: "TOKEN", value: (m) => `#${m.tokenId}` },
        { header: "MODEL", value: (m) => m.repoId },
        { header: "RELATION", value: (m) => m.relation },
        { header: "STATUS", value: (m) => m.status },
      ]),
    );
  }
}

/** Crawls (and with --register registers) the family of a Hub model. */
export default async function modelTree(args: ModelTreeArguments, hre: HardhatRuntimeEnvironment): Promise<ModelTree> {
  try {
    if (!FORMATS.includes(args.format)) throw new UserError(`--format ${args.format} is not a tree format.`, `Use one of ${FORMATS.join(", ")}.`, { family: "usage" });
    if (!Number.isInteger(args.depth) || args.depth < 0 || args.depth > 20) throw new UserError(`--depth ${args.depth} is out of range.`, "Use a depth from 0 to 20 (steps up and down from the model).", { family: "usage" });
    const id = parseHubModelId(args.model);
    if (id === undefined || id.revision !== undefined) throw new UserError(`${args.model} is not a Hugging Face model id.`, "Pass org/name (the tree follows each model's main branch).", { family: "usage" });
    const reporter = createConsoleReporter({ quiet: args.quiet || (args.format !== "tree" && !args.register) });
    const hub = await openHub(hre, reporter);
    if (!args.register) {
      let tree: ModelTree;
      try {
        tree = await crawlModelTree(hub(), id.repoId, { depth: args.depth, onModel: (m, n) => reporter.note(`found ${m} (${n})`) });
      } catch (error) {
        throw asUserError(error);
      }
      print(tree, args.format, undefined);
      return tree;
    }
    const workspace = workspaceAt(args.dir);
    const store = await openPublishingStore(hre, args, workspace);
    const { client } = await connectRegistry(hre, { write: true });
    const content = openContentSource(workspace, args.gateway, reporter);
    const progress = createProgress({ label: "registering", unit: "models", mode: args.quiet ? "quiet" : "auto" });
    let registered: RegisteredTree;
    try {
      registered = await registerModelTree(
        { client, store, workspace, reporter: createConsoleReporter({ quiet: true }), content, hub },
        { root: id.repoId, depth: args.depth, onProgress: (done, total, current) => {
          progress.update({ samples: done, bytes: 0, totalSamples: total });
          if (current !== undefined && !args.quiet) reporter.note(`(${done + 1}/${total}) ${current}`);
        } },
      );
    } finally {
      progress.done();
    }
    print(registered.tree, args.format, registered);
    return registered.tree;
  } catch (error) {
    throw toTaskError(error);
  }
}
