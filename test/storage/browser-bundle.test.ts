import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { build } from "esbuild";

const gatewayModule = fileURLToPath(new URL("../../src/storage/gateway.ts", import.meta.url));

describe("storage: gateway retrieval runs in a browser", function () {
  this.timeout(20_000);

  it("bundles gateway.ts and everything it imports for the browser, with no Node built-ins", async function () {
    const result = await build({
      entryPoints: [gatewayModule],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    expect(result.errors).to.deep.equal([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((f) => f.startsWith("node:") || /^(fs|path|crypto|http|stream)$/.test(f))).to.deep.equal([]);
    const ours = inputs.filter((f) => f.includes("src/storage/")).map((f) => f.replace(/^.*src\/storage\//, "")).sort();
    expect(ours).to.include.members(["gateway.ts", "verify-block.ts", "car-stream.ts", "dag-reader.ts", "cid.ts"]);
    expect(ours).to.not.include.members(["local-store.ts", "import-path.ts", "server.ts"]);
    expect(inputs.some((f) => f.endsWith("src/hash/sha256.ts"))).to.equal(true); // SHA-256 default: WebCrypto in a browser
  });
});
