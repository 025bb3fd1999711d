/**
 * Was a sample in the training data of this model or of any ancestor? The
 * core of `model trace` and of the web page's trace view, over narrow
 * readers (the CLI passes its RegistryClient and ContentSource, the page
 * its own JSON-RPC and gateway clients):
 *
 * 1. the lineage — the model and its ancestors, breadth-first, each once,
 *    with the path through which it is reached — is loaded generation by
 *    generation ({@link loadModelLineage}) and ordered by
 *    src/registry/lineage.ts (`lineagePaths`);
 * 2. every dataset named along the way is read, its manifest opened and
 *    checked against the on-chain commitment;
 * 3. each sample is proven in or out of each dataset (`proveSample`: checked
 *    locally and by the DatasetNFT's views). A negative answer is therefore
 *    backed by absence proofs for every dataset in the lineage.
 *
 * A sample read in place (a Parquet row, a tar member or key; the CLI's
 * `fitQuery`, sample-layout.ts) is checked only against the datasets hashed
 * the way it is read; the others are listed as not comparable, and a sample
 * comparable with no dataset of the lineage is an error.
 *
 * Browser-safe.
 */
import { toHex } from "../hash/index.js";
import type { ManifestReader } from "../manifest/browser.js";
import { buildLineageGraph, lineagePaths } from "../registry/browser.js";
import { proveSample, requireManifestMatches, type CommittedDataset, type DatasetProofChecker } from "./prove-sample.js";
import { silentReporter, type Reporter } from "./reporter.js";
import { DatatraceError } from "../errors/index.js";

/** What the trace needs of a model. */
export interface LineageModel {
  readonly relation: string;
  readonly parentIds: readonly bigint[];
  readonly datasetIds: readonly bigint[];
}

/** A sample asked about: a label and its SHA-256. */
export interface TraceQuery {
  readonly label: string;
  readonly sampleHash: Uint8Array;
}

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

/** What a trace found. */
export interface TraceReport {
  readonly modelId: bigint;
  readonly lineage: readonly LineageStep[];
  readonly datasets: readonly LineageDataset[];
  readonly samples: readonly SampleTrace[];
  readonly outcome: TraceOutcome;
}

/**
 * How a query fits one dataset: the query to prove (possibly another hash of
 * the same sample, read the way the dataset was hashed), or why the dataset
 * cannot be compared with it.
 */
export type QueryFit<Q extends TraceQuery> = { readonly query: Q } | { readonly skip: string };

/** The readers a trace needs (see the module doc). */
export interface LineageTraceSources<M extends LineageModel = LineageModel, Q extends TraceQuery = TraceQuery> {
  /** A model's record; throws for an unknown id. */
  readModel(id: bigint): Promise<M>;
  /** A dataset's on-chain commitment; throws for an unknown id. */
  readDataset(id: bigint): Promise<CommittedDataset>;
  /** The manifest `cid`, opened (header and index read and checked). */
  openManifest(cid: string): Promise<ManifestReader>;
  /** The DatasetNFT's proof views. */
  readonly checker: DatasetProofChecker;
  readonly reporter?: Reporter | undefined;
  /** Fits a query to a dataset's manifest (default: every query fits every dataset as it is). */
  fitQuery?(datasetId: bigint, reader: ManifestReader, query: Q): Promise<QueryFit<Q>>;
  /** The error for a query that fits no dataset of the lineage (with the reasons). */
  noFit?(query: Q, reasons: readonly string[]): Error;
}

/**
 * The model and its ancestors, breadth-first, each with the path from the
 * model. Models are read one generation at a time (all of a generation
 * concurrently); the order and paths are those of `lineagePaths`.
 */
export async function loadModelLineage<M extends LineageModel>(
  readModel: (id: bigint) => Promise<M>,
  modelId: bigint,
): Promise<{ steps: LineageStep[]; models: Map<bigint, M> }> {
  const models = new Map<bigint, M>();
  let generation = [modelId];
  while (generation.length > 0) {
    const read = await Promise.all(generation.map((id) => readModel(id)));
    generation.forEach((id, k) => models.set(id, read[k]!));
    generation = [...new Set(read.flatMap((m) => m.parentIds))].filter((id) => !models.has(id));
  }
  const graph = buildLineageGraph(
    [...models].map(([id, m]) => ({ id: id.toString(), parents: m.parentIds.map(String), relation: m.relation, datasets: m.datasetIds.map(String) })),
  );
  const steps = lineagePaths(graph, modelId.toString()).map(({ id, path }) => {
    const model = models.get(BigInt(id))!;
    return { modelId: BigInt(id), relation: model.relation, path: path.map((p) => BigInt(p)), datasetIds: model.datasetIds };
  });
  return { steps, models };
}

/** Traces `queries` through the lineage of model `modelId` (see the module doc). */
export async function traceThroughLineage<Q extends TraceQuery>(
  sources: LineageTraceSources<LineageModel, Q>,
  modelId: bigint,
  queries: readonly Q[],
): Promise<TraceReport> {
  const reporter = sources.reporter ?? silentReporter;
  const { steps } = await loadModelLineage((id) => sources.readModel(id), modelId);
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
  const checks = queries.map(() => ({ found: [] as TraceCheck[], absent: [] as TraceCheck[], skipped: [] as TraceSkip[] }));

  for (const datasetId of datasetIds) {
    const dataset = await sources.readDataset(datasetId);
    datasets.push({ datasetId, root: dataset.root, manifestCid: dataset.manifestCid, usedBy: usedBy.get(datasetId) ?? [] });
    reporter.step(`checking dataset #${datasetId} (manifest ${dataset.manifestCid})`);
    const reader = await sources.openManifest(dataset.manifestCid);
    requireManifestMatches(dataset, reader);
    for (const [i, given] of queries.entries()) {
      const fit = sources.fitQuery === undefined ? { query: given } : await sources.fitQuery(datasetId, reader, given);
      if ("skip" in fit) {
        checks[i]!.skipped.push({ datasetId, reason: fit.skip });
        continue;
      }
      const query = fit.query;
      const proof = await proveSample(sources.checker, dataset, reader, query.sampleHash);
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
      (proof.member ? checks[i]!.found : checks[i]!.absent).push(check);
    }
  }

  const samples: SampleTrace[] = queries.map((q, i) => {
    const entry = checks[i]!;
    if (entry.found.length === 0 && entry.absent.length === 0 && entry.skipped.length > 0) {
      const reasons = entry.skipped.map((k) => k.reason);
      throw sources.noFit?.(q, reasons) ?? new DatatraceError(`${q.label}: no dataset of model #${modelId}'s lineage was hashed the way this sample is read: ${reasons.join(" ")}`);
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
