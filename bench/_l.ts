import { keccakPairs } from "../src/hash/keccak.js";
const n = 1 << 18; const inp = new Uint8Array(n * 64); const out = new Uint8Array(n * 32);
for (let r = 0; r < 4; r++) { const t = performance.now(); keccakPairs(inp, out); console.log((n / (performance.now() - t) / 1000).toFixed(2), "M/s"); }
