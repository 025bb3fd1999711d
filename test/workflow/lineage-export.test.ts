import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { toCsv } from "../../src/cli/table.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { ContentSource } from "../../src/workflow/content-source.js";
import { loadRegistryLineage, summarizeLineage } from "../../src/workflow/model-lineage.js";
import { registerDataset } from "../../src/workflow/register-dataset.js";
import { registerModel } from "../../src/workflow/register-model.js";
import { REGISTRY_COLUMNS, registryRows, snapshotJson, snapshotRegistry } from "../../src/workflow/registry-export.js";
import { ipfsTarget, tokenName } from "../../src/workflow/token-metadata.js";
import { deployRegistry, rejection, tempWorkspace, writeSamples } from "./helpers.js";

describe("model lineage and registry export", function () {
  let env: Awaited<ReturnType<typeof deployRegistry>>;
  let t: ReturnType<typeof tempWorkspace>;
  let content: ContentSource;
  const ids: Record<string, bigint> = {};

  before(async () => {
    env = await deployRegistry();
    t = tempWorkspace("lineage");
    const local = new LocalStore({ dir: t.workspace.blocksDir });
    content = new ContentSource({ local });
    const deps = { client: env.client, store: local, workspace: t.workspace };
    const data = writeSamples(t.root, "data", 5);
    ids.d = (await registerDataset(deps, { sources: [data.dir], threads: 1, metadata: { name: "data, \"quoted\"", license: "MIT" } })).tokenId;
    const model = async (name: string, parents: bigint[], relation: string): Promise<bigint> => {
      const file = path.join(t.root, `${name}.bin`);
      writeFileSync(file, name);
      return (await registerModel(deps, { weights: file, datasetIds: parents.length === 0 ? [ids.d!] : [], parentIds: parents, relation, metadata: { name } })).tokenId;
    };
    ids.base = await model("base", [], "base");
    ids.ft = await model("ft", [ids.base], "finetune");
    ids.q = await model("q", [ids.ft], "quantized");
    ids.other = await model("other", [], "base");
    ids.merge = await model("merge", [ids.ft, ids.other], "merge");
  });
  after(() => t.cleanup());

  it("lists ancestors and descendants of a model, nearest first", async () => {
    const lineage = await loadRegistryLineage(env.readOnly, (m) => tokenName(content, m.tokenURI));
    const s = await summarizeLineage(env.readOnly, lineage, ids.ft!);
    expect(s.ancestors).to.deep.equal([String(ids.base)]);
    expect(s.descendants).to.deep.equal([String(ids.q), String(ids.merge)]);
    expect(lineage.graph.node(String(ids.ft)).name).to.equal("ft");
  });

  it("counts the derivatives of every base model of a merge's family, by relation", async () => {
    const lineage = await loadRegistryLineage(env.readOnly);
    const s = await summarizeLineage(env.readOnly, lineage, ids.merge!);
    expect(s.baseModels).to.have.members([String(ids.base), String(ids.other)]);
    expect(s.derivativeCounts[String(ids.base)]).to.deep.include({ direct: 1, transitive: 3 });
    expect(s.derivativeCounts[String(ids.base)]!.transitiveByRelation).to.deep.equal({ finetune: 1, quantized: 1, merge: 1 });
    expect(s.derivativeCounts[String(ids.other)]).to.deep.include({ direct: 1, transitive: 1 });
  });

  it("rejects an unknown model id", async () => {
    const lineage = await loadRegistryLineage(env.readOnly);
    expect((await rejection(summarizeLineage(env.readOnly, lineage, 99n))).message).to.match(/Model #99 does not exist/);
  });

  it("exports every dataset and model as CSV rows and JSON with names from metadata", async () => {
    const snapshot = await snapshotRegistry(env.readOnly, (uri) => tokenName(content, uri));
    const rows = registryRows(snapshot);
    expect(rows.map((r) => `${r.kind}:${r.id}`)).to.deep.equal(["dataset:1", "model:1", "model:2", "model:3", "model:4", "model:5"]);
    expect(rows.find((r) => r.kind === "model" && r.id === String(ids.merge))).to.include({ relation: "merge", parents: `${ids.ft} ${ids.other}`, name: "merge" });
    const csv = toCsv(rows, REGISTRY_COLUMNS);
    expect(csv.split("\r\n")[0]).to.equal("kind,id,name,commitment,leafCount,manifestCid,previousVersion,relation,parents,datasets,trainingLogHead,registrant,owner,registeredAt,tokenURI");
    expect(csv).to.contain('dataset,1,"data, ""quoted"""');
    const json = snapshotJson(snapshot) as { chainId: string; datasets: Array<{ name: string; leafCount: number }>; models: unknown[] };
    expect(json.chainId).to.equal("31337");
    expect(json.datasets[0]).to.include({ name: 'data, "quoted"', leafCount: 5 });
    expect(json.models).to.have.length(5);
  });

  it("parses ipfs:// token URIs and ignores others", () => {
    expect(ipfsTarget("ipfs://bafkreib5r2o3xszuurkdihmuwrikup5qwjqbjwxahu2kagxuq3ctt4wohi")).to.deep.equal({ cid: "bafkreib5r2o3xszuurkdihmuwrikup5qwjqbjwxahu2kagxuq3ctt4wohi", path: "" });
    expect(ipfsTarget("ipfs://ipfs/bafy123/meta/x.json")).to.deep.equal({ cid: "bafy123", path: "meta/x.json" });
    expect(ipfsTarget("https://example.com/x.json")).to.equal(undefined);
    expect(ipfsTarget("")).to.equal(undefined);
  });
});
