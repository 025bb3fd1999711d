/**
 * Orchestration of the registry workflows over injected dependencies
 * (a RegistryClient, a publishing store, a content source, a workspace, a
 * reporter): register datasets and models (journaled, resumable), verify
 * samples (files, lines, Parquet rows and tar members read in place), locate
 * and extract a committed sample, trace them through model lineage, lineage summaries, registry
 * export, Hugging Face models (register from a folder or the Hub, model
 * trees, verify local weights against a token), and the one-command demo.
 * Browser-safe parts (dataset-metadata, hf-ids, lineage-trace, prove-sample,
 * prove-sample-set, reporter, token-metadata) are exported by ./browser.ts,
 * which the web page imports, and re-exported here. See docs/workflow.md.
 */
export * from "./browser.js";
export { auditDataset } from "./audit-dataset.js";
export type { AuditFinding, AuditFindingKind, AuditOptions, AuditOutcome, AuditReport } from "./audit-dataset.js";
export { ContentSource, DEFAULT_GATEWAYS, gatewayManifestFiles } from "./content-source.js";
export type { ContentSourceOptions, GatewayFilesOptions } from "./content-source.js";
export { prepareDatasetManifest } from "./dataset-manifest.js";
export type { DatasetSourceOptions, PreparedManifest, PrepareManifestOptions } from "./dataset-manifest.js";
export type { MetadataCommitment } from "./dataset-metadata.js";
export { runDemo } from "./demo.js";
export type { DemoDeps } from "./demo.js";
export { extractSample } from "./extract-sample.js";
export type { ExtractDeps, ExtractInput, ExtractReport, LocalCopy, SampleSite } from "./extract-sample.js";
export { demoSummary } from "./demo-report.js";
export type { DemoReport, DemoStep } from "./demo-report.js";
export { indexModel, loadHfRegistryIndex } from "./hf-registry-index.js";
export type { HfRegistryIndex } from "./hf-registry-index.js";
export type { LineageDataset, LineageModel, TraceCheck, TraceOutcome, TraceQuery, TraceSkip } from "./lineage-trace.js";
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
export { checkMemberBatch } from "./prove-sample-set.js";
export type { AbsenceCheck, MemberBatchCheck } from "./prove-sample-set.js";
export { proveSample } from "./prove-sample.js";
export type { CommittedDataset, SampleProof } from "./prove-sample.js";
export type { PublishingStore } from "./publishing-store.js";
export { registerDataset } from "./register-dataset.js";
export type {
  DatasetDescription,
  RegisterDatasetDeps,
  RegisterDatasetInput,
  RegisteredDataset,
  RegistrationHooks,
} from "./register-dataset.js";
export type { RegistrationStatus } from "./registration-steps.js";
export { asUserError, registerHfModel } from "./register-hf-model.js";
export type { RegisteredHfModel, RegisterHfDeps, RegisterHfInput } from "./register-hf-model.js";
export { registerModelTree } from "./register-model-tree.js";
export type { RegisteredTree, RegisterTreeInput, TreeRegistration } from "./register-model-tree.js";
export { findModelRegistration, registerModel } from "./register-model.js";
export type { ModelDescription, RegisteredModel, RegisterModelDeps, RegisterModelInput } from "./register-model.js";
export { eventArgs, registrationLinks, revertReasonOf, sendRegistrationTransaction, waitForRegistration } from "./registration-transaction.js";
export type { Link, SentTransaction } from "./registration-transaction.js";
export { REGISTRY_COLUMNS, registryRows, snapshotJson, snapshotRegistry } from "./registry-export.js";
export type { RegistryRow, RegistrySnapshot } from "./registry-export.js";
export { reportedWait } from "./reporter.js";
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
export { tokenName } from "./token-metadata.js";
export { traceSamples } from "./trace-samples.js";
export type { TraceDeps } from "./trace-samples.js";
export { verifyDatasetSamples } from "./verify-dataset-samples.js";
export type { BatchVerdict, DatasetVerification, SampleVerdict, VerificationOutcome, VerifyDeps } from "./verify-dataset-samples.js";
export { verifyModelWeights } from "./verify-model-weights.js";
export type { SignatureCheck, VerifyWeightsDeps, VerifyWeightsInput, WeightsVerification } from "./verify-model-weights.js";
export { DEFAULT_WORKSPACE_DIR, workspaceAt } from "./workspace.js";
export type { Workspace } from "./workspace.js";
