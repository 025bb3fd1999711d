/**
 * The chain layer: where the registries are (Ignition records), checking
 * they are deployed, typed contract clients, reading datasets and models,
 * waiting for receipts, explorer links and readable revert messages. No
 * Hardhat import: everything takes an ethers Provider/Signer. See docs/workflow.md.
 * The browser-safe part (dataset records, explorers) is ./browser.ts, which
 * the page imports; it is re-exported here.
 */
export * from "./browser.js";
export { listDatasets, networkDescription, parseTokenId, readDataset, requireDatasetExists } from "./dataset-records.js";
export type { DatasetOnChain } from "./dataset-records.js";
export { decodeRevert, describeRevert, toChainError } from "./describe-error.js";
export type { ChainErrorContext, DecodedRevert } from "./describe-error.js";
export { isFilecoinChain, isLocalChain } from "./explorer.js";
export { listModels, readModel, requireModelExists } from "./model-records.js";
export type { ModelOnChain } from "./model-records.js";
export { defaultDeploymentId, ignitionRecordPath, readIgnitionAddresses, REGISTRY_FUTURE_IDS } from "./registry-addresses.js";
export type { IgnitionRecordLocation, RegistryAddresses } from "./registry-addresses.js";
export { createRegistryClient, requireSigner, unknownTokenAdvice } from "./registry-client.js";
export type { CreateRegistryClientOptions, RegistryClient } from "./registry-client.js";
export { connectRegistryContracts, registryInterfaces } from "./registry-contracts.js";
export type { RegistryContracts } from "./registry-contracts.js";
export { deployCommand, requireDeployed } from "./require-deployed.js";
export type { DeploymentContext } from "./require-deployed.js";
export { TransactionUnknownError, waitForReceipt } from "./wait-for-receipt.js";
export type { ReceiptWait, WaitForReceiptOptions } from "./wait-for-receipt.js";
