/**
 * Browser-safe entry of src/chain (the web page imports this, never
 * ./index.ts, whose Ignition record reader uses node:fs): the on-chain
 * dataset record and block explorers.
 */
export { datasetRecordOf } from "./dataset-record.js";
export type { DatasetRecord, DatasetRecordResult } from "./dataset-record.js";
export { blockExplorers } from "./explorer.js";
export type { BlockExplorer } from "./explorer.js";
export { modelRecordOf } from "./model-record.js";
export type { ModelRecord, ModelRecordResult } from "./model-record.js";
export { MAX_TOKEN_ID, readTokenId, tokenIdOf } from "./token-id.js";
export type { TokenIdReading } from "./token-id.js";
