/**
 * Action of `npx hardhat model trace <tokenId> <file…>` (declared in
 * ./index.ts). Exit status (VERIFY_EXIT, shared with `dataset verify`): 0
 * every sample was in the training data of the model or an ancestor, 3 some
 * sample is proven absent from all of it, 2 a verification error (a proof
 * that did not verify, a missing manifest…); 1 is Hardhat's own.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { traceSamples, type TraceReport } from "../../src/workflow/index.js";
import { runSampleProofTask, VERIFY_EXIT, type SampleProofArguments } from "../shared/sample-proof-task.js";

/** Arguments of `model trace`, as parsed by Hardhat. */
export type ModelTraceArguments = SampleProofArguments;

/** What the task returns. */
export interface ModelTraceResult {
  readonly exitCode: number;
  readonly report?: TraceReport;
  readonly error?: string;
}

/** Exit status of a trace outcome. */
export function traceExitCode(outcome: TraceReport["outcome"]): number {
  return outcome === "all-found" ? VERIFY_EXIT.allMembers : outcome === "some-not-found" ? VERIFY_EXIT.someNotMember : VERIFY_EXIT.error;
}

/** Traces the samples through the model's lineage and prints where each one was found. */
export default async function modelTrace(args: ModelTraceArguments, hre: HardhatRuntimeEnvironment): Promise<ModelTraceResult> {
  return runSampleProofTask(args, hre, {
    tokenIdName: "model token id",
    prove: traceSamples,
    exitCode: (r) => traceExitCode(r.outcome),
    text: traceText,
  });
}

/** Human-readable trace: the lineage, then per sample where it was found, with the lineage path. */
export function traceText(r: TraceReport): string[] {
  const path = (p: readonly bigint[]): string => p.map((id) => `model #${id}`).join(" → ");
  const ok = (local: boolean, chain: boolean): string => `local ${local ? "ok" : "FAILED"}, on-chain ${chain ? "ok" : "FAILED"}`;
  const lines = [`lineage of model #${r.modelId}: ${r.lineage.map((s) => `#${s.modelId} (${s.relation}; datasets ${s.datasetIds.map((d) => `#${d}`).join(", ") || "none"})`).join(", ")}`];
  for (const s of r.samples) {
    const skipped = (s.notComparable ?? []).map((n) => `  not comparable with dataset #${n.datasetId}: ${n.reason}`);
    if (s.foundIn.length === 0) {
      const every = skipped.length === 0 ? "every dataset of the lineage" : "every dataset of the lineage hashed the way it is read";
      lines.push(`NOT IN TRAINING DATA  ${s.label}: proven absent from ${every} (${s.absentFrom.map((a) => `#${a.datasetId}: ${ok(a.localValid, a.onChainValid)}`).join("; ")})`, ...skipped);
      continue;
    }
    lines.push(`IN TRAINING DATA      ${s.label}`);
    for (const hit of s.foundIn) {
      const usedBy = r.datasets.find((d) => d.datasetId === hit.datasetId)?.usedBy ?? [];
      lines.push(`  dataset #${hit.datasetId} index ${hit.index}${hit.ids === undefined ? "" : ` (ids ${hit.ids.join(", ")})`}; ${ok(hit.localValid, hit.onChainValid)}`);
      for (const u of usedBy) lines.push(`    via ${path(u.path)} → dataset #${hit.datasetId}`);
    }
    for (const miss of s.absentFrom) lines.push(`  not in dataset #${miss.datasetId} (${ok(miss.localValid, miss.onChainValid)})`);
    lines.push(...skipped);
  }
  return lines;
}
