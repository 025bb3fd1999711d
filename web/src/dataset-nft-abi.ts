/**
 * The part of the DatasetNFT ABI the page calls (contracts/DatasetNFT.sol,
 * docs/contracts.md), as human-readable fragments. test/web/dataset-nft-abi.test.ts
 * checks each one against the compiled artifact, so a contract change that
 * breaks the page fails a test instead of a user's verification.
 */
export const DATASET_NFT_ABI = [
  "function dataset(uint256 tokenId) view returns (tuple(bytes32 root, uint64 leafCount, string manifestCid, uint256 previousVersion, uint64 registeredAt, address registrant, bool metadataFrozen))",
  "function datasetCount() view returns (uint256)",
  "function verifySample(uint256 tokenId, bytes32 sampleHash, uint256 index, bytes32[] path) view returns (bool)",
  "function verifySamples(uint256 tokenId, bytes32[] sampleHashes, uint256[] indexes, bytes32[] path) view returns (bool)",
  "function verifyAbsence(uint256 tokenId, bytes32 query, uint256 index, bytes32 neighbor, bytes32[] path) view returns (bool)",
  "error ERC721NonexistentToken(uint256 tokenId)",
] as const;
