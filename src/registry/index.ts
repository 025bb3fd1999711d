/**
 * What the registries' tokens say, independent of any chain client: NFT
 * metadata for datasets and models (Croissant record sets, licenses,
 * hyperparameters, canonical JSON), model relations and the lineage graph
 * with its renderings, the SVG card image, and the crash-safe registration
 * journal (runRegistration, RegistrationJournal). Browser-safe parts are in
 * ./browser.ts (re-exported here); the journal and file readers are
 * Node-only. See docs/workflow.md.
 */
export * from "./browser.js";
export { canonicalJson, canonicalJsonBytes } from "./canonical-json.js";
export type { JsonObject, JsonValue } from "./canonical-json.js";
export { readHyperparametersFile } from "./hyperparameters-file.js";
export { RegistrationJournal, runRegistration } from "./journal.js";
export type { RegistrationHandlers, RegistrationState, RegistrationStep } from "./journal.js";
export { parseLicense } from "./license.js";
export { lineageToDot, lineageToJson, lineageToMermaid, renderLineageTree } from "./lineage-render.js";
export { ancestors, derivativeCountsOf, descendants } from "./lineage.js";
export type { DerivativeCounts, LineageGraph, ModelRecord } from "./lineage.js";
export { buildModelMetadata } from "./model-metadata.js";
export { normalizeHash32 } from "./metadata-fields.js";
export { assertParentCount, isModelRelation, parseModelRelation } from "./model-relation.js";
