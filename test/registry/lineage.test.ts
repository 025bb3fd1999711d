import { expect } from "chai";

import {
  ancestors,
  buildLineageGraph,
  compareIds,
  datasetsInLineage,
  derivativeCounts,
  derivativeCountsOf,
  descendants,
  lineagePaths,
  type ModelRecord,
} from "../../src/registry/lineage.js";
import { lineageToDot, lineageToJson, lineageToMermaid, renderLineageTree } from "../../src/registry/lineage-render.js";

// 1 base ─finetune→ 2 ─quantized→ 4
//        ─adapter→ 3;  merge(2, 3) → 5;  10 is another base
const records: ModelRecord[] = [
  { id: "1", name: "spam-nb-base", parents: [], relation: "base", datasets: ["1"] },
  { id: "2", name: "spam-nb-child", parents: ["1"], relation: "finetune", datasets: ["2"] },
  { id: "3", name: "adapter", parents: ["1"], relation: "adapter", datasets: [] },
  { id: "4", name: "child-q8", parents: ["2"], relation: "quantized", datasets: [] },
  { id: "5", name: "merged", parents: ["2", "3"], relation: "merge", datasets: ["3"] },
  { id: "10", name: "other-base", parents: [], relation: "base", datasets: ["4"] },
];
const graph = buildLineageGraph(records);

describe("lineage graph", () => {
  it("orders numeric ids numerically, before other ids", () => {
    expect(["10", "b", "2", "a", "1"].sort(compareIds)).to.deep.equal(["1", "2", "10", "a", "b"]);
  });

  it("finds roots, children and parents", () => {
    expect(graph.roots()).to.deep.equal(["1", "10"]);
    expect(graph.node("1").children).to.deep.equal(["2", "3"]);
    expect(graph.node("5").parents).to.deep.equal(["2", "3"]);
  });

  it("lists ancestors nearest first, each once (merge paths deduplicated)", () => {
    expect(ancestors(graph, "5")).to.deep.equal(["2", "3", "1"]);
    expect(ancestors(graph, "1")).to.deep.equal([]);
  });

  it("gives each model of a lineage with the path the breadth-first walk first reached it by (how a trace walks)", () => {
    expect(lineagePaths(graph, "5")).to.deep.equal([
      { id: "5", path: ["5"] },
      { id: "2", path: ["5", "2"] },
      { id: "3", path: ["5", "3"] },
      { id: "1", path: ["5", "2", "1"] }, // reached through 2 first, not again through 3
    ]);
    expect(lineagePaths(graph, "10")).to.deep.equal([{ id: "10", path: ["10"] }]);
    expect(lineagePaths(graph, "5").slice(1).map((r) => r.id)).to.deep.equal(ancestors(graph, "5"));
    const cyclic = buildLineageGraph([
      { id: "1", parents: ["2"], relation: "finetune", datasets: [] },
      { id: "2", parents: ["1"], relation: "finetune", datasets: [] },
    ]);
    expect(lineagePaths(cyclic, "1")).to.deep.equal([{ id: "1", path: ["1"] }, { id: "2", path: ["1", "2"] }]);
    expect(() => lineagePaths(graph, "42")).to.throw(/Model 42/);
  });

  it("lists descendants nearest first, each once", () => {
    expect(descendants(graph, "1")).to.deep.equal(["2", "3", "4", "5"]);
    expect(descendants(graph, "4")).to.deep.equal([]);
  });

  it("collects every dataset in a model's ancestry", () => {
    expect(datasetsInLineage(graph, "5")).to.deep.equal(["1", "2", "3"]);
  });

  it("counts derivatives directly and transitively by relation, merges once", () => {
    expect(derivativeCountsOf(graph, "1")).to.deep.equal({
      direct: 2,
      transitive: 4,
      directByRelation: { finetune: 1, adapter: 1 },
      transitiveByRelation: { finetune: 1, adapter: 1, quantized: 1, merge: 1 },
    });
    expect(derivativeCountsOf(graph, "2")).to.deep.include({ direct: 2, transitive: 2 });
    const all = derivativeCounts(graph);
    expect([...all.keys()]).to.deep.equal(["1", "2", "3", "4", "5", "10"]);
    expect(all.get("10")).to.deep.equal({ direct: 0, transitive: 0, directByRelation: {}, transitiveByRelation: {} });
  });

  it("keeps parents that were not loaded as missing placeholder roots", () => {
    const g = buildLineageGraph([{ id: "7", parents: ["99"], relation: "finetune", datasets: [] }]);
    expect(g.node("99")).to.deep.include({ missing: true, relation: "unknown", children: ["7"] });
    expect(g.roots()).to.deep.equal(["99"]);
  });

  it("terminates on cycles and self-parents", () => {
    const g = buildLineageGraph([
      { id: "1", parents: ["2"], relation: "finetune", datasets: [] },
      { id: "2", parents: ["1"], relation: "finetune", datasets: [] },
      { id: "3", parents: ["3"], relation: "finetune", datasets: [] },
    ]);
    expect(ancestors(g, "1")).to.deep.equal(["2"]);
    expect(descendants(g, "3")).to.deep.equal([]);
    expect(derivativeCountsOf(g, "1").transitive).to.equal(1);
    const tree = renderLineageTree(g);
    expect(tree).to.include("(cycle!)");
    expect(lineageToJson(g).length).to.equal(2);
  });

  it("rejects duplicate and empty ids, and explains unknown ids", () => {
    expect(() => buildLineageGraph([records[0]!, records[0]!])).to.throw(/Model id 1 appears twice/);
    expect(() => buildLineageGraph([{ ...records[0]!, id: "" }])).to.throw(/non-empty string id/);
    expect(() => graph.node("42")).to.throw(/Model 42 is not in the lineage graph/);
    expect(() => ancestors(graph, "42")).to.throw(/Model 42/);
  });
});

describe("lineage rendering", () => {
  it("draws the forest as a box-drawing tree with relations, datasets and marked repeats", () => {
    expect(renderLineageTree(graph)).to.equal(
      [
        "spam-nb-base [1]  datasets: 1",
        "├── finetune → spam-nb-child [2]  datasets: 2",
        "│   ├── quantized → child-q8 [4]",
        "│   └── merge → merged [5]  datasets: 3  (merge of 2, 3)",
        "└── adapter → adapter [3]",
        "    └── merge → merged [5]  datasets: 3  (merge of 2, 3)  (repeat, see above)",
        "other-base [10]  datasets: 4",
        "",
      ].join("\n"),
    );
  });

  it("draws the ancestry of one model upwards", () => {
    expect(renderLineageTree(graph, { root: "4", direction: "ancestors" })).to.equal(
      ["child-q8 [4]", "└── ← quantized of spam-nb-child [2]  datasets: 2", "    └── ← finetune of spam-nb-base [1]  datasets: 1", ""].join("\n"),
    );
  });

  it("says so when there is nothing to draw, and needs a root for ancestry", () => {
    expect(renderLineageTree(buildLineageGraph([]))).to.equal("(no models)\n");
    expect(() => renderLineageTree(graph, { direction: "ancestors" })).to.throw(/needs a root model/);
  });

  it("produces a nested JSON tree with repeat flags instead of duplicated subtrees", () => {
    const [tree] = lineageToJson(graph, { root: "1" });
    expect(tree?.children.map((c) => c.id)).to.deep.equal(["2", "3"]);
    const mergedUnder3 = tree?.children[1]?.children[0];
    expect(mergedUnder3).to.deep.include({ id: "5", repeat: true, children: [] });
    expect(tree?.children[0]?.children[1]).to.not.have.property("repeat");
  });

  it("emits Graphviz dot with one node per model and one labelled edge per parent link", () => {
    const dot = lineageToDot(graph);
    expect(dot.startsWith("digraph lineage {\n")).to.equal(true);
    expect(dot.match(/ -> /g)).to.have.length(5);
    expect(dot).to.include('"1" -> "2" [label="finetune"];');
    expect(dot).to.include('"3" -> "5" [label="merge"];');
    expect(dot.trimEnd().endsWith("}")).to.equal(true);
  });

  it("escapes quotes and backslashes in dot labels", () => {
    const dot = lineageToDot(buildLineageGraph([{ id: "1", name: 'a "q" \\ b', parents: [], relation: "base", datasets: [] }]));
    expect(dot).to.include('label="a \\"q\\" \\\\ b\\n#1"');
  });

  it("emits Mermaid graph TD with escaped labels and relation-labelled edges", () => {
    const mm = lineageToMermaid(buildLineageGraph([
      { id: "1", name: 'say "hi" <b>', parents: [], relation: "base", datasets: [] },
      { id: "2", parents: ["1"], relation: "finetune", datasets: ["9"] },
    ]));
    expect(mm).to.equal(['graph TD', '  m0["say #quot;hi#quot; #lt;b#gt;<br/>#1"]', '  m1["model 2<br/>#2<br/>datasets: 9"]', '  m0 -->|"finetune"| m1', ""].join("\n"));
  });

  it("restricts dot and Mermaid to one model's lineage with focus", () => {
    const mm = lineageToMermaid(graph, { focus: "4" });
    expect(mm).to.include("child-q8").and.include("spam-nb-base").and.not.include("other-base").and.not.include("merged");
    expect(lineageToDot(graph, { focus: "10" }).match(/ -> /g)).to.equal(null);
  });
});
