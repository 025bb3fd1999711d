/**
 * Browser-safe entry of src/registry (the web page and the browser-safe
 * workflow files import this, never ./index.ts, whose journal writes files):
 * dataset metadata, model relations, the lineage graph and the card's hex
 * shortening.
 */
export { shortHex } from "./card-svg.js";
export { buildLineageGraph, lineagePaths } from "./lineage.js";
export { buildDatasetMetadata } from "./dataset-metadata.js";
export type { DatasetMetadata } from "./dataset-metadata.js";
export { metadataBytes } from "./metadata-document.js";
export type { Creator } from "./metadata-fields.js";
export { MODEL_RELATIONS } from "./model-relation.js";
export type { ModelRelation } from "./model-relation.js";
