import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The Datatrace registries: a DatasetNFT, then a ModelNFT bound to it for good. Neither has an owner or admin, so
 * the module takes no parameters and makes no calls after deployment.
 */
export default buildModule("Registry", (m) => {
  const datasetNFT = m.contract("DatasetNFT");
  const modelNFT = m.contract("ModelNFT", [datasetNFT]);
  return { datasetNFT, modelNFT };
});
