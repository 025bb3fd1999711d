// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IDatasetNFT
 * @notice The Datatrace dataset registry: one ERC-721 token per registration of a dataset commitment
 * `(root, leafCount)` — the root of a Merkle search tree over the dataset's sorted distinct SHA-256 sample hashes
 * (scheme `datatrace-merkle/2`, docs/merkle-scheme.md) — with the CID of its manifest. Anyone can verify that a
 * sample is in a dataset, that a batch of samples is, or that a sample is not.
 *
 * Registrations are keyed by (registrant, root): many accounts may register the same root, each once. A root is
 * therefore not proof of who curated a dataset; trust a registration through its registrant and its chain of
 * `previousVersion` links (docs/contracts.md, "Trust model").
 */
interface IDatasetNFT {
    /// @dev A dataset as returned by {dataset}.
    struct Dataset {
        bytes32 root;
        uint64 leafCount;
        string manifestCid;
        uint256 previousVersion;
        uint64 registeredAt;
        address registrant;
        bool metadataFrozen;
    }

    /**
     * @notice A dataset was registered and its token minted to `registrant`.
     * @param tokenId The new token.
     * @param root The committed root of the dataset's Merkle search tree.
     * @param registrant The caller, who received the token.
     * @param leafCount The number of distinct samples.
     * @param manifestCid The manifest's CID, as given.
     * @param tokenURI The token URI, as given.
     * @param previousVersion The superseded dataset's token id, or 0.
     */
    event DatasetRegistered(
        uint256 indexed tokenId,
        bytes32 indexed root,
        address indexed registrant,
        uint64 leafCount,
        string manifestCid,
        string tokenURI,
        uint256 previousVersion
    );

    /// @dev The root is zero; pass the committed root of the tree over the sorted sample hashes.
    error DatasetZeroRoot();

    /// @dev The leaf count is zero; a dataset commits to at least one sample.
    error DatasetZeroLeafCount();

    /// @dev `leafCount` exceeds `max` (2^53 − 1): no manifest holds that many samples, and every verifier (the
    /// JavaScript core and page count with exact doubles) must be able to check every proof the contract accepts.
    error DatasetLeafCountTooLarge(uint64 leafCount, uint64 max);

    /// @dev `registrant` already registered `root` as `tokenId`; an account registers a root once.
    error DatasetAlreadyRegistered(bytes32 root, address registrant, uint256 tokenId);

    /// @dev `previousVersion` is not a registered dataset; pass 0 for none.
    error DatasetUnknownPreviousVersion(uint256 previousVersion);

    /// @dev `caller` is neither the registrant nor the current owner of `previousVersion`, so cannot supersede it.
    error DatasetPreviousVersionNotYours(uint256 previousVersion, address caller);

    /// @dev `limit` exceeds {MAX_PAGE}; page through smaller windows.
    error DatasetPageTooLarge(uint256 offset, uint256 limit);

    /**
     * @notice Registers a dataset commitment and mints its token to the caller. Token ids are sequential from 1.
     * Requirements: `root` and `leafCount` non-zero, `leafCount` at most 2^53 − 1; the caller has not registered `root` before; `manifestCid` a
     * CIDv1 in base32 with a sha2-256 multihash; `previousVersion` 0 or a dataset the caller registered or owns.
     * Emits {DatasetRegistered} and {IERC721-Transfer}.
     * @param root The committed root over the sorted distinct sample hashes.
     * @param leafCount The number of distinct samples (leaves).
     * @param manifestCid The manifest's CID: CIDv1, base32 lower case, sha2-256 (e.g. `bafybei...`).
     * @param tokenURI The token URI; `ipfs://<CIDv1 base32 sha2-256>` is stored compactly, any other string as text.
     * @param previousVersion The token id of the dataset this one supersedes, or 0 for none.
     * @return tokenId The new token's id.
     */
    function register(
        bytes32 root,
        uint64 leafCount,
        string calldata manifestCid,
        string calldata tokenURI,
        uint256 previousVersion
    ) external returns (uint256 tokenId);

    /**
     * @notice Returns the dataset `tokenId`. Reverts with {IERC721Errors-ERC721NonexistentToken} for an unknown id.
     * @param tokenId The dataset.
     */
    function dataset(uint256 tokenId) external view returns (Dataset memory);

    /**
     * @notice Returns the account that registered `tokenId` (the first owner, kept across transfers). Reverts with
     * {IERC721Errors-ERC721NonexistentToken} for an unknown id.
     * @param tokenId The dataset.
     */
    function registrantOf(uint256 tokenId) external view returns (address);

    /**
     * @notice Returns the token of `registrant`'s registration of `root`, or 0 if there is none.
     * @param root A committed root.
     * @param registrant An account.
     */
    function tokenOf(bytes32 root, address registrant) external view returns (uint256);

    /**
     * @notice Returns how many registrations `root` has.
     * @param root A committed root.
     */
    function rootTokenCount(bytes32 root) external view returns (uint256);

    /**
     * @notice Returns the registrations of `root` from position `offset`, at most `limit` of them, oldest first.
     * Reverts with {DatasetPageTooLarge} if `limit` exceeds {MAX_PAGE}; any `offset` is allowed.
     * @param root A committed root.
     * @param offset The position of the first token to return (0 = the first registration).
     * @param limit The most tokens to return.
     */
    function tokensOfRoot(bytes32 root, uint256 offset, uint256 limit) external view returns (uint256[] memory);

    /**
     * @notice Returns true if dataset `tokenId` is registered.
     * @param tokenId The id to look up.
     */
    function exists(uint256 tokenId) external view returns (bool);

    /// @notice Returns the number of registered datasets, which is also the highest token id.
    function datasetCount() external view returns (uint256);

    /**
     * @notice Returns true if `sampleHash` is the sample at `index` of dataset `tokenId`. Reverts with
     * {IERC721Errors-ERC721NonexistentToken} for an unknown id.
     * @param tokenId The dataset.
     * @param sampleHash SHA-256 of the sample bytes.
     * @param index The sample's position among the sorted distinct sample hashes.
     * @param path `[sibling, split]` per hashed level, from the samples up.
     */
    function verifySample(
        uint256 tokenId,
        bytes32 sampleHash,
        uint256 index,
        bytes32[] calldata path
    ) external view returns (bool);

    /**
     * @notice Returns true if every `sampleHashes[k]` is the sample at `indexes[k]` of dataset `tokenId`, using one
     * multiproof. Indexes and sample hashes must both be strictly ascending. Reverts with
     * {IERC721Errors-ERC721NonexistentToken} for an unknown id and {SampleMerkle-SampleMerkleBatchLengthMismatch} if
     * the arrays differ in length.
     * @param tokenId The dataset.
     * @param sampleHashes SHA-256 of each sample, strictly ascending.
     * @param indexes Each sample's position, strictly ascending.
     * @param path The multiproof's siblings and split keys, in the order the verifier consumes them.
     */
    function verifySamples(
        uint256 tokenId,
        bytes32[] calldata sampleHashes,
        uint256[] calldata indexes,
        bytes32[] calldata path
    ) external view returns (bool);

    /**
     * @notice Returns true if `query` is provably not a sample of dataset `tokenId`: its search path ends at
     * `index`, whose sample hash `neighbor` differs from `query`. Reverts with
     * {IERC721Errors-ERC721NonexistentToken} for an unknown id.
     * @param tokenId The dataset.
     * @param query The sample hash claimed absent.
     * @param index Where the query's search path ends.
     * @param neighbor The sample hash at `index`.
     * @param path `[sibling, split]` per hashed level, from `index` up.
     */
    function verifyAbsence(
        uint256 tokenId,
        bytes32 query,
        uint256 index,
        bytes32 neighbor,
        bytes32[] calldata path
    ) external view returns (bool);
}
