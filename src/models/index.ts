/**
 * Models as they live on Hugging Face (see docs/models.md):
 *
 * - the weights manifest: OpenSSF model_signing v1.0 statements, whose
 *   subject digest is a model's weightsHash (model-signing-statement.ts),
 *   built from a directory (model-files.ts, model-manifest.ts, hashed on all
 *   cores by file-hash-pool.ts) with model_signing's ignore rules
 *   (ignore-paths.ts) and the Hugging Face cache / local_dir cross-checks
 *   (hf-cache-layout.ts), compared file by file (resource-diff.ts), and
 *   read back from model_signing signature bundles (signature-bundle.ts);
 * - what a model's small files and card say (model-card.ts,
 *   model-config-files.ts, relation-inference.ts, model-facts.ts,
 *   local-model.ts, catalogue-columns.ts);
 * - the Hub through @huggingface/hub (hub-client.ts): a model's statement
 *   from its listing without downloading its weights (hub-model.ts), and
 *   its family tree (model-tree.ts).
 */
export { CATALOGUE_COLUMNS, CATALOGUE_TABLE_COLUMNS, catalogueJson } from "./catalogue-columns.js";
export { FileHashError, hashFiles, IN_THREAD_BYTES } from "./file-hash-pool.js";
export type { FileHashJob, HashFilesOptions } from "./file-hash-pool.js";
export { blobExpectation, cacheSnapshotOf, expectationFromBlobName, HF_CACHE_NOTE, readLocalDirMetadata } from "./hf-cache-layout.js";
export type { CacheSnapshot, ExpectedDigest, LocalDirFileMetadata } from "./hf-cache-layout.js";
export {
  DEFAULT_HUB_ENDPOINT,
  HUB_ENDPOINT_VARIABLE,
  HUB_TOKEN_VARIABLE,
  HubClient,
  HubError,
  MAX_SMALL_FILE_BYTES,
  parseHubModelId,
} from "./hub-client.js";
export type { HubChild, HubClientOptions, HubFileEntry, HubModelInfo } from "./hub-client.js";
export { importHubModel } from "./hub-model.js";
export type { DigestSource, HubModel, ImportHubModelOptions, ResourceProvenance } from "./hub-model.js";
export {
  DEFAULT_SIGNATURE_FILE,
  GIT_IGNORE_PATHS,
  HF_LOCAL_DIR_METADATA,
  ignoreList,
  IgnorePathError,
  isIgnored,
  normalizeIgnorePath,
} from "./ignore-paths.js";
export { describeLocalModel } from "./local-model.js";
export type { DescribeLocalModelOptions, LocalModel } from "./local-model.js";
export { frontMatterText, ModelCardError, parseModelCard } from "./model-card.js";
export type { ModelCardData } from "./model-card.js";
export {
  adapterFacts,
  configFacts,
  generationSpecialTokens,
  quantizationOf,
  SPECIAL_TOKEN_NAMES,
  specialTokensOf,
  tokenizerFacts,
} from "./model-config-files.js";
export type { AdapterFacts, ConfigFacts, SpecialTokens, TokenizerFacts } from "./model-config-files.js";
export { describeModelFiles, DESCRIPTIVE_FILES, ModelFileFormatError } from "./model-facts.js";
export type { HfModelFacts, ModelContext, ModelFileReader } from "./model-facts.js";
export { listModelFiles, ModelFilesError } from "./model-files.js";
export type { ListModelFilesOptions, ModelFile, ModelFileList } from "./model-files.js";
export { hashModel, ModelDigestMismatchError } from "./model-manifest.js";
export type { HashedModel, HashModelOptions } from "./model-manifest.js";
export {
  assertResourceName,
  compareResourceNames,
  createModelSigningStatement,
  hashStatement,
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
  MODEL_SIGNING_PREDICATE_TYPE,
  parseModelSigningStatement,
  parseStatementBytes,
  SINGLE_FILE_RESOURCE,
  statementBytes,
  StatementError,
  statementOfBytes,
  subjectDigest,
  weightsHashOf,
} from "./model-signing-statement.js";
export type { FileSerialization, HashedStatement, ModelResource, ModelSigningStatement, StatementInput } from "./model-signing-statement.js";
export { crawlModelTree, lineageOrder, treeDerivativeCounts } from "./model-tree.js";
export type { CrawlOptions, ModelTree, TreeModel } from "./model-tree.js";
export { inferRelation, relationsFromTags } from "./relation-inference.js";
export type { InferredRelation, RelationEvidence } from "./relation-inference.js";
export { diffResources, isSameResources } from "./resource-diff.js";
export type { ResourceDiff } from "./resource-diff.js";
export { preAuthEncoding, publicKeyHint, readSignatureBundle, SignatureBundleError, verifyBundleWithKey } from "./signature-bundle.js";
export type { KeyVerification, SignatureBundle } from "./signature-bundle.js";
