import { readFileSync } from "node:fs";

import { expect } from "chai";
import { Interface, type Fragment } from "ethers";

import { DATASET_NFT_ABI, MODEL_NFT_ABI } from "../../web/src/chain/registry-abi.js";

const artifact = (name: string): { abi: Fragment[] } =>
  JSON.parse(readFileSync(new URL(`../../artifacts/contracts/${name}.sol/${name}.json`, import.meta.url), "utf8")) as { abi: Fragment[] };

for (const [contract, fragments] of [
  ["DatasetNFT", DATASET_NFT_ABI],
  ["ModelNFT", MODEL_NFT_ABI],
] as const) {
  describe(`web: the page's ${contract} ABI fragments`, () => {
    const compiled = new Interface(artifact(contract).abi);
    const page = new Interface(fragments);

    it("match the compiled contract (signature, named outputs, mutability) for every function", () => {
      let count = 0;
      page.forEachFunction((fragment) => {
        const real = compiled.getFunction(fragment.name);
        expect(real, fragment.name).to.not.equal(null);
        expect(fragment.format("sighash"), fragment.name).to.equal(real!.format("sighash"));
        expect(fragment.outputs.map((o) => o.format("full")), fragment.name).to.deep.equal(real!.outputs.map((o) => o.format("full")));
        expect(fragment.stateMutability, fragment.name).to.equal(real!.stateMutability);
        count++;
      });
      expect(count).to.be.greaterThan(3);
    });

    it("match the compiled contract's events and custom errors", () => {
      page.forEachEvent((fragment) => expect(fragment.format("full"), fragment.name).to.equal(compiled.getEvent(fragment.name)!.format("full")));
      page.forEachError((fragment) => expect(fragment.format("full"), fragment.name).to.equal(compiled.getError(fragment.name)!.format("full")));
      expect(page.getError("ERC721NonexistentToken")!.selector).to.equal("0x7e273289");
    });
  });
}
