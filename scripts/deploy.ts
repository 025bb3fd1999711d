/**
 * Deploys the Datatrace registries (ignition/modules/Registry.ts) and prints their addresses with explorer links.
 *
 *   npx hardhat run scripts/deploy.ts --network calibration
 *
 * Ignition records the deployment under ignition/deployments/chain-<id>/; running again on the same chain resumes
 * the journal and prints the existing contracts.
 */
import { network } from "hardhat";

import RegistryModule from "../ignition/modules/Registry.js";

/** Block explorers per chain id; none for local chains. */
const EXPLORERS: Record<string, readonly { name: string; address: (a: string) => string }[]> = {
  "314159": [
    { name: "Blockscout", address: (a) => `https://filecoin-testnet.blockscout.com/address/${a}` },
    { name: "Filfox", address: (a) => `https://calibration.filfox.info/en/address/${a}` },
  ],
  "314": [
    { name: "Blockscout", address: (a) => `https://filecoin.blockscout.com/address/${a}` },
    { name: "Filfox", address: (a) => `https://filfox.info/en/address/${a}` },
  ],
};

const conn = await network.create();
const chainId = (await conn.ethers.provider.getNetwork()).chainId.toString();
console.log(`Deploying the Datatrace registries to ${conn.networkName} (chain ${chainId})...`);

const { datasetNFT, modelNFT } = await conn.ignition.deploy(RegistryModule);
const deployed = {
  DatasetNFT: await datasetNFT.getAddress(),
  ModelNFT: await modelNFT.getAddress(),
};

for (const [name, address] of Object.entries(deployed)) {
  console.log(`${name.padEnd(10)} ${address}`);
  for (const explorer of EXPLORERS[chainId] ?? []) console.log(`           ${explorer.name}: ${explorer.address(address)}`);
}
if (EXPLORERS[chainId] === undefined) console.log("(local chain: no block explorer)");
