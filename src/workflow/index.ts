/**
 * Orchestration of the registry workflows over injected dependencies
 * (a RegistryClient, a publishing store, a content source, a workspace, a
 * reporter): register datasets and models (journaled, resumable), verify
 * samples (files, lines, Parquet rows and tar members read in place), locate
 * and extract a committed sample, trace them through model lineage, lineage summaries, registry
 * export, Hugging Face models (register from a folder or the Hub, model
 * trees, verify local weights against a token), and the one-command demo.
 * Browser-safe (the web page imports them directly): dataset-metadata,
 * hf-ids, lineage-trace, prove-sample, prove-sample-set, token-metadata. See docs/workflow.md.
 */
export { auditDataset } from "./audit-dataset.js";
export type { AuditFinding, AuditFindingKind, AuditOptions, AuditOutcome, AuditReport } from "./audit-dataset.js";
export { ContentSource, DEFAULT_GATEWAYS, gatewayManifestFiles } from "./content-source.js";
export type { ContentSourceOptions, GatewayFilesOptions } from "./content-source.js";
export { prepareDatasetManifest } from "./dataset-manifest.js";
export type { PreparedManifest, PrepareManifestOptions } from "./dataset-manifest.js";
export { runDemo } from "./demo.js";
export { extractSample } from "./extract-sample.js";
export type { ExtractDeps, ExtractInput, ExtractReport, LocalCopy, SampleSite } from "./extract-sample.js";
export type { DemoDeps } from "./demo.js";
export { demoSummary } from "./demo-report.js";
export type { DemoReport, DemoStep } from "./demo-report.js";
export {
  mergeHyperparameters,
  parseKeyValues,
  parseMetricPairs,
  parseTokenIdList,
  readMetricsFile,
  readTrainingLogFile,
  resolveRelation,
} from "./model-inputs.js";
export type { TrainingLogFile } from "./model-inputs.js";
export { loadRegistryLineage, summarizeLineage } from "./model-lineage.js";
export type { LineageSummary, RegistryLineage } from "./model-lineage.js";
export { proveSample, requireManifestMatches } from "./prove-sample.js";
export { checkMemberBatch, proveSampleSet } from "./prove-sample-set.js";
export type { AbsenceCheck, MemberBatchCheck, SampleSetProof } from "./prove-sample-set.js";
export type { CommittedDataset, DatasetProofChecker, SampleProof } from "./prove-sample.js";
export type { PublishingStore } from "./publishing-store.js";
export { datasetMetadata, isoDate } from "./dataset-metadata.js";
export type { MetadataCommitment } from "./dataset-metadata.js";
export { registerDataset } from "./register-dataset.js";
export type {
  DatasetDescription,
  RegisterDatasetDeps,
  RegisterDatasetInput,
  RegisteredDataset,
  RegistrationHooks,
} from "./register-dataset.js";
export type { RegistrationStatus } from "./registration-steps.js";
export { hfDatasetIdOfUrl, hfRepoIdOfModelMetadata, HUB_HOSTS } from "./hf-ids.js";
export { indexModel, loadHfRegistryIndex } from "./hf-registry-index.js";
export type { HfRegistryIndex } from "./hf-registry-index.js";
export { asUserError, registerHfModel } from "./register-hf-model.js";
export type { RegisteredHfModel, RegisterHfDeps, RegisterHfInput } from "./register-hf-model.js";
export { registerModelTree } from "./register-model-tree.js";
export type { RegisteredTree, RegisterTreeInput, TreeRegistration } from "./register-model-tree.js";
export { verifyModelWeights } from "./verify-model-weights.js";
export type { SignatureCheck, VerifyWeightsDeps, VerifyWeightsInput, WeightsVerification } from "./verify-model-weights.js";
export { findModelRegistration, registerModel } from "./register-model.js";
export type { ModelDescription, RegisteredModel, RegisterModelDeps, RegisterModelInput } from "./register-model.js";
export { eventArgs, registrationLinks, revertReasonOf, sendRegistrationTransaction, waitForRegistration } from "./registration-transaction.js";
export type { Link, SentTransaction } from "./registration-transaction.js";
export { REGISTRY_COLUMNS, registryRows, snapshotJson, snapshotRegistry } from "./registry-export.js";
export type { RegistryRow, RegistrySnapshot } from "./registry-export.js";
export { reportedWait, silentReporter } from "./reporter.js";
export type { Reporter } from "./reporter.js";
export { fitQueriesToDataset, layoutProblem } from "./sample-layout.js";
export { describeLocation, locateId } from "./sample-location.js";
export type { SampleLocation } from "./sample-location.js";
export {
  sampleQueriesFromFiles,
  sampleQueriesFromLinesFile,
  sampleQueriesFromParquetRows,
  sampleQueryFromHash,
  sampleQueryFromLine,
  sampleQueryFromTarKey,
  sampleQueryFromTarMember,
} from "./sample-query.js";
export type { InPlaceSample, SampleQuery } from "./sample-query.js";
export { ipfsTarget, readTokenMetadata, tokenName } from "./token-metadata.js";
export type { ContentFiles } from "./token-metadata.js";
export { loadModelLineage, traceThroughLineage } from "./lineage-trace.js";
export type { LineageDataset, LineageModel, LineageStep, LineageTraceSources, SampleTrace, TraceCheck, TraceOutcome, TraceQuery, TraceReport } from "./lineage-trace.js";
export { traceSamples } from "./trace-samples.js";
export type { TraceDeps } from "./trace-samples.js";
export type { TraceSkip } from "./lineage-trace.js";
export { verifyDatasetSamples } from "./verify-dataset-samples.js";
export type { BatchVerdict, DatasetVerification, SampleVerdict, VerificationOutcome, VerifyDeps } from "./verify-dataset-samples.js";
export { DEFAULT_WORKSPACE_DIR, workspaceAt } from "./workspace.js";
export type { Workspace } from "./workspace.js";
