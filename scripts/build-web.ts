/**
 * Builds the web verifier into web/dist/ (see web/build.ts).
 *
 *   npx tsx scripts/build-web.ts [--out dir] [--no-minify]
 */
import path from "node:path";

import { buildWeb } from "../web/build.js";

const args = process.argv.slice(2);
const outAt = args.indexOf("--out");
const started = performance.now();
try {
  const result = await buildWeb({
    ...(outAt >= 0 && args[outAt + 1] !== undefined ? { outDir: args[outAt + 1] } : {}),
    minify: !args.includes("--no-minify"),
  });
  for (const f of result.files) console.log(`${path.join(path.relative(process.cwd(), result.outDir) || ".", f.name).padEnd(28)} ${f.bytes.toLocaleString("en-US").padStart(10)} B`);
  console.log(`built in ${(performance.now() - started).toFixed(0)} ms; serve it with \`npx hardhat ipfs serve\` (see docs/web.md)`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
