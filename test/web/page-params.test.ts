import { expect } from "chai";

import { DEFAULT_RPC_URL, LOCAL_GATEWAY, parseGatewayList, parseTokenId, PUBLIC_GATEWAYS, readPageParams } from "../../web/src/page-params.js";

describe("web: page parameters", () => {
  it("defaults to the local node and the local gateway, then the public gateways", () => {
    const p = readPageParams("");
    expect(p.rpc).to.equal(DEFAULT_RPC_URL);
    expect(p.rpc).to.equal("http://127.0.0.1:8545");
    expect(p.gateways).to.deep.equal([LOCAL_GATEWAY, ...PUBLIC_GATEWAYS]);
    expect(p.gateways[0]).to.equal("http://127.0.0.1:5050");
    expect(p.gatewaysGiven).to.equal(false);
    expect(p.dataset).to.equal("");
    expect(p.token).to.equal("");
  });

  it("reads rpc, dataset, token and a comma-separated gateway list from the query", () => {
    const p = readPageParams("?rpc=http%3A%2F%2F10.0.0.1%3A1234&dataset=0xabc&token=7&gateways=https://a.example/,http://127.0.0.1:5050");
    expect(p).to.deep.equal({
      rpc: "http://10.0.0.1:1234",
      dataset: "0xabc",
      token: "7",
      gateways: ["https://a.example", "http://127.0.0.1:5050"],
      gatewaysGiven: true,
    });
  });

  it("treats empty query values as absent", () => {
    const p = readPageParams("?rpc=&gateways=%20&token=");
    expect(p.rpc).to.equal(DEFAULT_RPC_URL);
    expect(p.gatewaysGiven).to.equal(false);
  });

  it("splits gateway lists on commas, spaces and new lines, dropping trailing slashes and repeats", () => {
    expect(parseGatewayList(" https://a.io/ ,\n\nhttps://b.io//  https://a.io\n")).to.deep.equal(["https://a.io", "https://b.io"]);
    expect(parseGatewayList("  ")).to.deep.equal([]);
  });

  it("parses token ids as whole numbers from 1, beyond 2^53", () => {
    expect(parseTokenId(" 12 ")).to.equal(12n);
    expect(parseTokenId("18446744073709551617")).to.equal(18446744073709551617n);
    for (const bad of ["0", "-1", "1.5", "0x10", "one", ""]) expect(() => parseTokenId(bad)).to.throw(/is not a token id/);
  });
});
