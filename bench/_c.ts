import { buildTreeParallel } from "../src/merkle/tree-parallel.js";
import { buildTree } from "../src/merkle/tree.js";
import { syntheticSortedHashes } from "./lib/synthetic-hashes.js";
const input = syntheticSortedHashes(1 << 20);
for (let r = 0; r < 4; r++) { const t = performance.now(); await buildTreeParallel(input, { checkSorted: false }); console.log("par", r, (performance.now() - t).toFixed(0)); }
for (let r = 0; r < 3; r++) { const t = performance.now(); buildTree(input, { checkSorted: false }); console.log("seq", r, (performance.now() - t).toFixed(0)); }
