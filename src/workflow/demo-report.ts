/**
 * What the one-command demo did ({@link DemoReport}: its registered
 * datasets and models, metrics, replays, verifications and trace) and the
 * same as plain data for `demo --json` ({@link demoSummary}).
 */
import type { Metrics } from "../ml/index.js";
import type { ReplayOutcome } from "../training/index.js";
import type { RegisteredDataset } from "./register-dataset.js";
import type { RegisteredModel } from "./register-model.js";
import type { TraceReport } from "./trace-samples.js";
import type { DatasetVerification } from "./verify-dataset-samples.js";

/** A step of the demo and how long it took. */
export interface DemoStep {
  readonly title: string;
  readonly ms: number;
}

/** Everything the demo did. */
export interface DemoReport {
  readonly steps: readonly DemoStep[];
  /** The 80% training split of the corpus: the base model's training data. */
  readonly trainingDataset: RegisteredDataset;
  /** The 20% held-out test split: evaluation only, named by no model as training data. */
  readonly testDataset: RegisteredDataset;
  /** The synthetic emails the child was fine-tuned on. */
  readonly fineTuneDataset: RegisteredDataset;
  /** The held-out synthetic emails: evaluation only. */
  readonly syntheticTestDataset: RegisteredDataset;
  readonly parentModel: RegisteredModel;
  readonly childModel: RegisteredModel;
  /** Metrics on the held-out corpus test split. */
  readonly parentMetrics: Metrics;
  readonly childMetrics: Metrics;
  /** Replay of the base model's training from its registered dataset. */
  readonly replay: ReplayOutcome;
  /** The same replay against a run trained with one sample swapped (its log still listing the original). */
  readonly swappedReplay: ReplayOutcome & { readonly swappedStep: number };
  /** Accuracy on the held-out synthetic emails: parent, then child. */
  readonly syntheticAccuracy: { readonly parent: number; readonly child: number };
  /** The training email verified in step 7. */
  readonly trainingEmail: { readonly id: string; readonly sampleHash: string };
  /** The held-out test email traced in step 9. */
  readonly heldOutEmail: { readonly id: string; readonly sampleHash: string };
  readonly member: DatasetVerification;
  readonly absent: DatasetVerification;
  /** The held-out email checked against the test split (a member there). */
  readonly heldOutInTestSet: DatasetVerification;
  /** Trace of [held-out email, training email] through the child's lineage. */
  readonly trace: TraceReport;
  readonly lineageTree: string;
  readonly elapsedMs: number;
}

/** The demo's outcome as plain data (for `demo --json`): tokens, roots, metrics and verdicts, no proofs. */
export function demoSummary(r: DemoReport): Record<string, unknown> {
  const dataset = (d: RegisteredDataset) => ({ id: d.tokenId.toString(), root: d.root, leafCount: d.leafCount, manifestCid: d.manifestCid });
  const model = (m: RegisteredModel) => ({ id: m.tokenId.toString(), weightsHash: m.weightsHash, weightsStatementCid: m.weightsManifestCid, relation: m.relation, datasetIds: m.datasetIds.map(String), parentIds: m.parentIds.map(String) });
  return {
    datasets: { training: dataset(r.trainingDataset), test: dataset(r.testDataset), fineTune: dataset(r.fineTuneDataset), syntheticTest: dataset(r.syntheticTestDataset) },
    models: { base: model(r.parentModel), finetuned: model(r.childModel) },
    metrics: { base: r.parentMetrics, finetuned: r.childMetrics, syntheticAccuracy: r.syntheticAccuracy },
    replay: { outcome: r.replay.outcome, digests: r.replay.comparisons.length, swappedOutcome: r.swappedReplay.outcome, swappedDivergedAtLine: r.swappedReplay.problems[0]?.line ?? null },
    trainingEmail: { ...r.trainingEmail, outcome: r.member.outcome },
    outsiderEmail: { sampleHash: r.absent.samples[0]?.sampleHash, outcome: r.absent.outcome },
    heldOutEmail: { ...r.heldOutEmail, traceOutcome: r.trace.samples[0]?.foundIn.length === 0 ? "not-in-training-data" : "in-training-data", inTestSet: r.heldOutInTestSet.outcome === "all-members" },
    steps: r.steps.map((s) => ({ title: s.title, ms: Math.round(s.ms) })),
    elapsedMs: Math.round(r.elapsedMs),
  };
}
