/** Action of `npx hardhat model lineage <tokenId>` (declared in ./index.ts). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { parseTokenId } from "../../src/chain/index.js";
import { formatTable } from "../../src/cli/index.js";
import { UserError } from "../../src/errors/index.js";
import { lineageToDot, lineageToJson, lineageToMermaid, renderLineageTree } from "../../src/registry/index.js";
import { loadRegistryLineage, summarizeLineage, type LineageSummary, tokenName, workspaceAt } from "../../src/workflow/index.js";
import { connectRegistry } from "../shared/connect.js";
import { jsonText } from "../shared/output.js";
import { openLocalContent } from "../shared/stores.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `model lineage`, as parsed by Hardhat. */
export interface ModelLineageArguments {
  tokenId: string;
  format: string;
  dir: string;
  /** Same as `--format json`. */
  json?: boolean;
}

const FORMATS = ["tree", "json", "dot", "mermaid"];

/** Prints the model's ancestors and descendants, and derivative counts of its base models. */
export default async function modelLineage(args: ModelLineageArguments, hre: HardhatRuntimeEnvironment): Promise<LineageSummary> {
  try {
    if (!FORMATS.includes(args.format)) {
      throw new UserError(`--format ${args.format} is not a lineage format.`, `Use one of ${FORMATS.join(", ")}.`, { family: "usage" });
    }
    if (args.json === true && args.format !== "tree" && args.format !== "json") {
      throw new UserError(`--json and --format ${args.format} ask for two different outputs.`, "Pass one of them: --json is the same as --format json.", { family: "usage" });
    }
    const format = args.json === true ? "json" : args.format;
    const id = parseTokenId(args.tokenId, "model token id");
    const { client } = await connectRegistry(hre);
    const content = openLocalContent(workspaceAt(args.dir));
    const lineage = await loadRegistryLineage(client, (m) => tokenName(content, m.tokenURI));
    const summary = await summarizeLineage(client, lineage, id);
    const root = id.toString();
    if (format === "json") {
      console.log(
        jsonText({
          ...summary,
          ancestorsTree: lineageToJson(lineage.graph, { root, direction: "ancestors" }),
          descendantsTree: lineageToJson(lineage.graph, { root }),
        }),
      );
    } else if (format === "dot") {
      process.stdout.write(lineageToDot(lineage.graph, { focus: root }));
    } else if (format === "mermaid") {
      process.stdout.write(lineageToMermaid(lineage.graph, { focus: root }));
    } else {
      console.log(`Ancestors of model #${root} (${summary.ancestors.length}):`);
      process.stdout.write(renderLineageTree(lineage.graph, { root, direction: "ancestors" }));
      console.log(`\nDescendants of model #${root} (${summary.descendants.length}):`);
      process.stdout.write(renderLineageTree(lineage.graph, { root }));
      console.log("\nDerivatives of the base model(s):");
      process.stdout.write(
        formatTable(
          summary.baseModels.map((b) => ({ id: b, counts: summary.derivativeCounts[b]! })),
          [
            { header: "BASE", value: (r) => `#${r.id}` },
            { header: "NAME", value: (r) => lineage.graph.node(r.id).name ?? "" },
            { header: "DIRECT", value: (r) => r.counts.direct },
            { header: "ALL", value: (r) => r.counts.transitive },
            { header: "BY RELATION", value: (r) => Object.entries(r.counts.transitiveByRelation).map(([k, v]) => `${k} ${v}`).join(", ") },
          ],
        ),
      );
    }
    return summary;
  } catch (error) {
    throw toTaskError(error);
  }
}
