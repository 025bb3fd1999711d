/**
 * Browser-safe entry of src/workflow (the web page imports this, never
 * ./index.ts, which reaches the Hub client, disk and worker threads):
 * sample proofs and their verification, lineage traces, dataset and token
 * metadata, Hugging Face ids and the reporter types.
 */
export { datasetMetadata, isoDate, PLACEHOLDER_COMMITMENT } from "./dataset-metadata.js";
export type { DatasetDescription } from "./dataset-metadata.js";
export { hfDatasetIdOfUrl, hfRepoIdOfModelMetadata, HUB_HOSTS } from "./hf-ids.js";
export { loadModelLineage, traceThroughLineage } from "./lineage-trace.js";
export type { LineageStep, LineageTraceSources, SampleTrace, TraceReport } from "./lineage-trace.js";
export { proveSampleSet } from "./prove-sample-set.js";
export type { SampleSetProof } from "./prove-sample-set.js";
export { requireManifestMatches } from "./prove-sample.js";
export type { DatasetProofChecker } from "./prove-sample.js";
export { silentReporter } from "./reporter.js";
export { ipfsTarget, readTokenMetadata } from "./token-metadata.js";
export type { ContentFiles } from "./token-metadata.js";
