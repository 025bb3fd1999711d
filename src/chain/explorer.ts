/**
 * Block explorer links for the chains Datatrace targets: Blockscout and
 * Filfox for Filecoin Calibration (314159) and mainnet (314). Local chains
 * have none.
 */

/** Links into one block explorer. */
export interface BlockExplorer {
  /** Display name ("Blockscout", "Filfox"). */
  readonly name: string;
  /** Page of a transaction (Filfox calls it a message). */
  transaction(hash: string): string;
  /** Page of an address or contract. */
  address(address: string): string;
  /** Page of one NFT, when the explorer has such pages; else the contract page. */
  token(contract: string, tokenId: bigint | string): string;
}

function blockscout(base: string): BlockExplorer {
  return {
    name: "Blockscout",
    transaction: (hash) => `${base}/tx/${hash}`,
    address: (address) => `${base}/address/${address}`,
    token: (contract, tokenId) => `${base}/token/${contract}/instance/${tokenId}`,
  };
}

function filfox(base: string): BlockExplorer {
  return {
    name: "Filfox",
    transaction: (hash) => `${base}/en/message/${hash}`,
    address: (address) => `${base}/en/address/${address}`,
    token: (contract) => `${base}/en/address/${contract}`,
  };
}

const EXPLORERS: Readonly<Record<string, readonly BlockExplorer[]>> = {
  "314159": [blockscout("https://filecoin-testnet.blockscout.com"), filfox("https://calibration.filfox.info")],
  "314": [blockscout("https://filecoin.blockscout.com"), filfox("https://filfox.info")],
};

/** The explorers of a chain (empty for local and unknown chains). */
export function blockExplorers(chainId: bigint | number): readonly BlockExplorer[] {
  return EXPLORERS[String(chainId)] ?? [];
}

/** True for Filecoin Calibration and mainnet: 30 s blocks, receipts after 30–90 s. */
export function isFilecoinChain(chainId: bigint | number): boolean {
  return String(chainId) === "314159" || String(chainId) === "314";
}

/** True for the chain ids of local development nodes (Hardhat 31337, Ganache/Geth dev 1337). */
export function isLocalChain(chainId: bigint | number): boolean {
  return String(chainId) === "31337" || String(chainId) === "1337";
}
