/**
 * `model trace`: was a sample in the training data of this model or of any
 * ancestor? Walks the lineage from the model through its parents
 * (breadth-first, each model once), collects every dataset named along the
 * way with the lineage path that reaches it, and proves each sample in or
 * out of each of those datasets from its manifest — every proof checked
 * locally and by the DatasetNFT contract. A negative answer is therefore
 * backed by absence proofs for every dataset in the lineage. A sample read
 * in place (a Parquet row, a tar member or key) is checked only against the
 * datasets hashed the way it is read (sample-layout.ts); the others are
 * listed as not comparable, and a sample comparable with none is an error.
 */
import { readDataset, type DatasetOnChain } from "../chain/dataset-records.js";
import { readModel, type ModelOnChain } from "../chain/model-records.js";
import type { RegistryClient } from "../chain/registry-client.js";
import { EXIT_CODES, UserError } from "../cli/errors.js";
import { toHex } from "../hash/hex.js";
import type { ContentSource } from "./content-source.js";
import { proveSample, requireManifestMatches } from "./prove-sample.js";
import { silentReporter, type Reporter } from "./reporter.js";
import { fitQueriesToDataset, layoutProblem } from "./sample-layout.js";
import type { SampleQuery } from "./sample-query.js";

/** A model of the lineage and how it is reached from the traced model. */
export interface LineageStep {
  readonly modelId: bigint;
  readonly relation: string;
  /** Model ids from the traced model to this one (inclusive). */
  readonly path: readonly bigint[];
  readonly datasetIds: readonly bigint[];
}

/** A dataset of the lineage, and the models that name it. */
export interface LineageDataset {
  readonly datasetId: bigint;
  readonly root: string;
  readonly manifestCid: string;
  /** The models naming this dataset, each with its lineage path. */
  readonly usedBy: ReadonlyArray<{ readonly modelId: bigint; readonly path: readonly bigint[] }>;
}

/** One sample checked against one dataset. */
export interface TraceCheck {
  readonly datasetId: bigint;
  readonly member: boolean;
  /** The member's position, or where a non-member's search path ends. */
  readonly index: number;
  readonly ids?: readonly string[];
  /** The hash checked, when it differs from the sample's (a WebDataset key grouped under this dataset's member rules). */
  readonly sampleHash?: string;
  readonly localValid: boolean;
  readonly onChainValid: boolean;
}

/** A dataset a sample read in place was not checked against: it was hashed another way. */
export interface TraceSkip {
  readonly datasetId: bigint;
  /** How the dataset was hashed, and what to pass instead. */
  readonly reason: string;
}

/** Everything found about one sample. */
export interface SampleTrace {
  readonly label: string;
  readonly sampleHash: string;
  /** Datasets holding the sample. */
  readonly foundIn: readonly TraceCheck[];
  /** Datasets proven not to hold it. */
  readonly absentFrom: readonly TraceCheck[];
  /** Datasets hashed differently from how the sample was read in place (not checked). */
  readonly notComparable?: readonly TraceSkip[];
}

/** Overall outcome: each sample found somewhere; some proven absent from the whole lineage; or some proof that did not verify. */
export type TraceOutcome = "all-found" | "some-not-found" | "invalid";

/** What `model trace` found. */
export interface TraceReport {
  readonly modelId: bigint;
  readonly lineage: readonly LineageStep[];
  readonly datasets: readonly LineageDataset[];
  readonly samples: readonly SampleTrace[];
  readonly outcome: TraceOutcome;
}

/** Dependencies of {@link traceSamples}. */
export interface TraceDeps {
  readonly client: RegistryClient;
  readonly content: ContentSource;
  readonly reporter?: Reporter | undefined;
}

/** The model and its ancestors, breadth-first, each with the path from the model. */
export async function walkLineage(client: RegistryClient, modelId: bigint): Promise<{ steps: LineageStep[]; models: Map<bigint, ModelOnChain> }> {
  const models = new Map<bigint, ModelOnChain>();
  const steps: LineageStep[] = [];
  const queue: Array<{ id: bigint; path: bigint[] }> = [{ id: modelId, path: [modelId] }];
  while (queue.length > 0) {
    const { id, path } = queue.shift()!;
    if (models.has(id)) continue;
    const model = await readModel(client, id);
    models.set(id, model);
    steps.push({ modelId: id, relation: model.relation, path, datasetIds: model.datasetIds });
    for (const parent of model.parentIds) if (!models.has(parent)) queue.push({ id: parent, path: [...path, parent] });
  }
  return { steps, models };
}

/** Traces `queries` through the lineage of model `modelId` (see the module doc). */
export async function traceSamples(deps: TraceDeps, modelId: bigint, queries: readonly SampleQuery[]): Promise<TraceReport> {
  const reporter = deps.reporter ?? silentReporter;
  const { steps } = await walkLineage(deps.client, modelId);
  reporter.step(`lineage of model #${modelId}: ${steps.map((s) => `#${s.modelId}`).join(", ")}`);

  const usedBy = new Map<bigint, Array<{ modelId: bigint; path: readonly bigint[] }>>();
  for (const step of steps) {
    for (const d of step.datasetIds) {
      const list = usedBy.get(d) ?? [];
      list.push({ modelId: step.modelId, path: step.path });
      usedBy.set(d, list);
    }
  }
  const datasetIds = [...usedBy.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const datasets: LineageDataset[] = [];
  const checks = new Map<string, { found: TraceCheck[]; absent: TraceCheck[]; skipped: TraceSkip[] }>();
  queries.forEach((q, i) => checks.set(String(i), { found: [], absent: [], skipped: [] }));

  for (const datasetId of datasetIds) {
    const dataset: DatasetOnChain = await readDataset(deps.client, datasetId);
    datasets.push({ datasetId, root: dataset.root, manifestCid: dataset.manifestCid, usedBy: usedBy.get(datasetId) ?? [] });
    reporter.step(`checking dataset #${datasetId} (manifest ${dataset.manifestCid})`);
    {
      const reader = await deps.content.openManifest(dataset.manifestCid);
      requireManifestMatches(dataset, reader);
      for (const [i, given] of queries.entries()) {
        const entry = checks.get(String(i))!;
        const problem = layoutProblem(`dataset #${datasetId}`, reader.header.sources, given);
        if (problem !== undefined) {
          entry.skipped.push({ datasetId, reason: problem });
          continue;
        }
        const query = (await fitQueriesToDataset(datasetId, reader.header, [given]))[0]!;
        const proof = await proveSample(deps.client.datasets, dataset, reader, query.sampleHash);
        const ids = proof.member && !reader.header.private ? await reader.idsOf(query.sampleHash) : null;
        const check: TraceCheck = {
          datasetId,
          member: proof.member,
          index: proof.index,
          ...(ids === null ? {} : { ids }),
          ...(query.sampleHash === given.sampleHash ? {} : { sampleHash: toHex(query.sampleHash) }),
          localValid: proof.localValid,
          onChainValid: proof.onChainValid,
        };
        (proof.member ? entry.found : entry.absent).push(check);
      }
    }
  }

  const samples: SampleTrace[] = queries.map((q, i) => {
    const entry = checks.get(String(i))!;
    if (entry.found.length === 0 && entry.absent.length === 0 && entry.skipped.length > 0) {
      throw new UserError(
        `${q.label}: no dataset of model #${modelId}'s lineage was hashed the way this sample is read: ${entry.skipped.map((s) => s.reason).join(" ")}`,
        "Pass the flags the training datasets were hashed with (`dataset show <id>` and the manifest's header.json list their sources and options).",
        { exitCode: EXIT_CODES.usage },
      );
    }
    return {
      label: q.label,
      sampleHash: toHex(q.sampleHash),
      foundIn: entry.found,
      absentFrom: entry.absent,
      ...(entry.skipped.length === 0 ? {} : { notComparable: entry.skipped }),
    };
  });
  const valid = samples.every((s) => [...s.foundIn, ...s.absentFrom].every((c) => c.localValid && c.onChainValid));
  const outcome: TraceOutcome = !valid ? "invalid" : samples.every((s) => s.foundIn.length > 0) ? "all-found" : "some-not-found";
  return { modelId, lineage: steps, datasets, samples, outcome };
}
