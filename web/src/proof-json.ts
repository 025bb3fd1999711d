/**
 * The proof as JSON a user can copy and check elsewhere: the commitment it
 * is for (chain, contract, token, root, leafCount) and the arguments of the
 * contract call that verifies it (`verifySample` or `verifyAbsence`), hashes
 * as 0x-hex; `path` is `[sibling, split, …]` (docs/merkle-scheme.md).
 */
import { toHex } from "../../src/hash/hex.js";
import type { Verification } from "./verify-sample.js";

/** Pretty-printed JSON of the verification's proof (see the module doc). */
export function proofJson(v: Verification): string {
  const commitment = {
    chainId: v.chainId.toString(),
    contract: v.contract,
    tokenId: v.tokenId.toString(),
    root: v.dataset.root,
    leafCount: v.dataset.leafCount,
    manifestCid: v.dataset.manifestCid,
  };
  const sampleHash = toHex(v.sampleHash);
  const body =
    v.outcome.kind === "member"
      ? {
          verdict: "member",
          ...commitment,
          sampleHash,
          call: "verifySample(tokenId, sampleHash, index, path)",
          index: v.outcome.index,
          path: v.outcome.path.map(toHex),
        }
      : {
          verdict: "absent",
          ...commitment,
          sampleHash,
          call: "verifyAbsence(tokenId, sampleHash, index, neighbor, path)",
          index: v.outcome.index,
          neighbor: toHex(v.outcome.neighbor),
          path: v.outcome.path.map(toHex),
        };
  return `${JSON.stringify({ ...body, checks: { local: v.local, onChain: v.onChain } }, null, 2)}\n`;
}
