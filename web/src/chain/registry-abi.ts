/**
 * The parts of the registries' ABIs the page uses (contracts/DatasetNFT.sol,
 * contracts/ModelNFT.sol, contracts/interfaces/IDatasetNFT.sol), as
 * human-readable fragments. test/web/registry-abi.test.ts checks each one
 * against the compiled artifacts, so a contract change that breaks the page
 * fails a test instead of a user's verification.
 */
export const DATASET_NFT_ABI = [
  "function dataset(uint256 tokenId) view returns (tuple(bytes32 root, uint64 leafCount, string manifestCid, uint256 previousVersion, uint64 registeredAt, address registrant, bool metadataFrozen))",
  "function datasetCount() view returns (uint256)",
  "function tokenURI(uint256 tokenId) view returns (string)",
  "function tokenOf(bytes32 root, address registrant) view returns (uint256)",
  "function verifySample(uint256 tokenId, bytes32 sampleHash, uint256 index, bytes32[] path) view returns (bool)",
  "function verifySamples(uint256 tokenId, bytes32[] sampleHashes, uint256[] indexes, bytes32[] path) view returns (bool)",
  "function verifyAbsence(uint256 tokenId, bytes32 query, uint256 index, bytes32 neighbor, bytes32[] path) view returns (bool)",
  "function register(bytes32 root, uint64 leafCount, string manifestCid, string tokenURI, uint256 previousVersion) returns (uint256 tokenId)",
  "event DatasetRegistered(uint256 indexed tokenId, bytes32 indexed root, address indexed registrant, uint64 leafCount, string manifestCid, string tokenURI, uint256 previousVersion)",
  "error ERC721NonexistentToken(uint256 tokenId)",
  "error DatasetZeroRoot()",
  "error DatasetZeroLeafCount()",
  "error DatasetAlreadyRegistered(bytes32 root, address registrant, uint256 tokenId)",
  "error DatasetUnknownPreviousVersion(uint256 previousVersion)",
  "error DatasetPreviousVersionNotYours(uint256 previousVersion, address caller)",
] as const;

/** The ModelNFT fragments the page uses. */
export const MODEL_NFT_ABI = [
  "function model(uint256 tokenId) view returns (tuple(bytes32 weightsHash, bytes32 trainingLogHead, bytes32 fingerprintRoot, uint8 relation, uint256[] datasetIds, uint256[] parentIds, address registrant, uint64 registeredAt, bool metadataFrozen))",
  "function modelCount() view returns (uint256)",
  "function tokenURI(uint256 tokenId) view returns (string)",
  "function datasetNFT() view returns (address)",
  "error ERC721NonexistentToken(uint256 tokenId)",
] as const;
