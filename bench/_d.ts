import { createSortedLookup, proveAbsence, lowerBound } from "../src/merkle/absence.js";
import { buildTree } from "../src/merkle/tree.js";
import { sortedHashSet, hex } from "../test/merkle/helpers.js";
const n = 9;
const { flat, hashes } = sortedHashSet(`absence-${n}`, n);
const tree = buildTree(flat);
const lookup = createSortedLookup(flat, tree);
for (let i = 0; i < n; i++) console.log(i, hex(hashes[i]!), hex(lookup.sampleHash(i)), lowerBound(lookup, hashes[i]!));
console.log(proveAbsence(lookup, hashes[n-1]!).kind);
