import { readFileSync } from "node:fs";

import { expect } from "chai";
import { Interface, type Fragment } from "ethers";

import { DATASET_NFT_ABI } from "../../web/src/dataset-nft-abi.js";

const artifact = JSON.parse(readFileSync(new URL("../../artifacts/contracts/DatasetNFT.sol/DatasetNFT.json", import.meta.url), "utf8")) as { abi: Fragment[] };

describe("web: the page's DatasetNFT ABI fragments", () => {
  const compiled = new Interface(artifact.abi);
  const page = new Interface(DATASET_NFT_ABI);

  it("has exactly the functions and errors the page uses", () => {
    const names: string[] = [];
    page.forEachFunction((f) => names.push(f.name));
    page.forEachError((e) => names.push(e.name));
    expect(names.sort()).to.deep.equal(["ERC721NonexistentToken", "dataset", "datasetCount", "verifyAbsence", "verifySample", "verifySamples"]);
  });

  it("matches the compiled contract (signature, outputs, mutability) for every function", () => {
    page.forEachFunction((fragment) => {
      const real = compiled.getFunction(fragment.name);
      expect(real, fragment.name).to.not.equal(null);
      expect(fragment.format("full"), fragment.name).to.equal(real!.format("full"));
    });
  });

  it("matches the compiled contract's ERC721NonexistentToken error (selector 0x7e273289)", () => {
    const error = page.getError("ERC721NonexistentToken")!;
    expect(error.format("full")).to.equal(compiled.getError("ERC721NonexistentToken")!.format("full"));
    expect(error.selector).to.equal("0x7e273289");
  });
});
