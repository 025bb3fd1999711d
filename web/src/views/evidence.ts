/**
 * The evidence of a run as JSON a user can download, keep and check
 * elsewhere: the network and contracts, the commitments the proofs were
 * checked against, every sample's verdict, and every proof with the exact
 * arguments of the contract view that verifies it (`verifySamples` for the
 * members' batch proof, `verifyAbsence` per non-member), hashes as 0x hex,
 * paths as `[sibling, split, …]` (docs/merkle-scheme.md).
 */
import { toHex } from "../../../src/hash/index.js";
import type { SampleSetProof } from "../../../src/workflow/browser.js";
import { element } from "../ui/dom.js";

/** Format tag of the evidence documents. */
export const EVIDENCE_FORMAT = "datatrace-evidence/1";

/** The proofs of one dataset, as evidence. */
export function proofEvidence(datasetId: bigint, proof: SampleSetProof): Record<string, unknown> {
  return {
    members:
      proof.batch === null
        ? null
        : {
            call: "DatasetNFT.verifySamples(tokenId, sampleHashes, indexes, path)",
            tokenId: datasetId.toString(),
            sampleHashes: proof.batch.memberHashes.map(toHex),
            indexes: proof.batch.indexes,
            path: proof.batch.path.map(toHex),
            checks: { local: proof.batch.localValid, onChain: proof.batch.onChainValid },
          },
    absences: proof.absent.map((a) => ({
      call: "DatasetNFT.verifyAbsence(tokenId, query, index, neighbor, path)",
      tokenId: datasetId.toString(),
      query: toHex(a.sampleHash),
      index: a.index,
      neighbor: toHex(a.neighbor),
      path: a.path.map(toHex),
      checks: { local: a.localValid, onChain: a.onChainValid },
    })),
  };
}

/** A download link for `document` (pretty JSON) named `fileName`. */
export function evidenceLink(document: Record<string, unknown>, fileName: string, text = "Download the evidence (JSON)"): HTMLAnchorElement {
  const json = `${JSON.stringify({ format: EVIDENCE_FORMAT, createdAt: new Date().toISOString(), ...document }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`;
  const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
  return element("a", { href: url, download: fileName, class: "button-like", id: "evidence-link" }, [text]);
}
