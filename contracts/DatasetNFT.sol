// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

import {Cid} from "./cid/Cid.sol";
import {SampleMerkle} from "./merkle/SampleMerkle.sol";
import {CompactTokenURI} from "./token/CompactTokenURI.sol";

/**
 * @title DatasetNFT
 * @notice One ERC-721 token per registered dataset: an immutable commitment `(root, leafCount)` to the sorted set
 * of the dataset's sample hashes (docs/merkle-scheme.md), the CID of its manifest, and an optional link to the
 * version it supersedes. Anyone can verify membership, batch membership and absence of samples against it.
 *
 * There is no owner or admin. Commitments never change after registration; the only later state changes are the
 * token owner's metadata edits (until frozen) and the permissionless {reportDisorder}, which permanently disables
 * absence proofs for a commitment whose leaves are shown not to be sorted and distinct.
 *
 * WARNING: `previousVersion` is the registrant's claim; the owner of the earlier version does not endorse it.
 *
 * CAUTION: A root is registered once, by whoever registers it first. A plain {register} shows the root in the
 * mempool, so anyone watching can register the same root first (with a junk leaf count or manifest) and keep it
 * forever. To prevent this, register in two steps: {commit} a hash that hides the root and binds the caller, wait
 * {MIN_COMMITMENT_AGE}, then {registerCommitted} within {MAX_COMMITMENT_AGE}. While a commitment claims a root,
 * plain {register} of that root reverts, and a copier's own commitment is too recent to reveal in time.
 * See docs/contracts.md, "Front-running".
 */
contract DatasetNFT is CompactTokenURI {
    /// @notice The least time between {commit} and {registerCommitted}. A commitment made after seeing a reveal in
    /// the mempool is this much too recent while that reveal waits for inclusion (Filecoin: 30 s epochs).
    uint256 public constant MIN_COMMITMENT_AGE = 10 minutes;

    /// @notice The most time between {commit} and {registerCommitted}; also how long a commitment claims its root.
    uint256 public constant MAX_COMMITMENT_AGE = 1 days;

    /// @dev A dataset as returned by {dataset}.
    struct Dataset {
        bytes32 root;
        uint64 leafCount;
        string manifestCid;
        uint256 previousVersion;
        uint64 registeredAt;
        address registrant;
        bool disordered;
        bool metadataFrozen;
    }

    /// @dev The storage form of a dataset: 3 slots. Slot 2 packs every small field, including the URI header.
    struct DatasetRecord {
        bytes32 root; // slot 0
        bytes32 manifestDigest; // slot 1
        uint64 leafCount; // slot 2 ─┬─ 64 bits
        uint64 previousVersion; //    ├─ 64
        uint40 registeredAt; //       ├─ 40
        uint32 manifestCodec; //      ├─ 32
        bool disordered; //           ├─  8
        URIEncoding uriEncoding; //   ├─  8
        uint32 uriCodec; //           ├─ 32
        bool metadataFrozen; //       └─  8 = 256
    }

    /// @dev What a root maps to; packing the registrant here saves a slot in {DatasetRecord}.
    struct RootEntry {
        uint64 tokenId;
        address registrant;
    }

    /**
     * @notice A dataset was registered and its token minted to `registrant`.
     * @param tokenId The new token.
     * @param root The Merkle root of the sorted distinct sample hashes.
     * @param registrant The caller, who received the token.
     * @param leafCount The number of distinct samples.
     * @param manifestCid The manifest's CID, as given.
     * @param previousVersion The superseded dataset's token id, or 0.
     */
    event DatasetRegistered(
        uint256 indexed tokenId,
        bytes32 indexed root,
        address indexed registrant,
        uint64 leafCount,
        string manifestCid,
        uint256 previousVersion
    );

    /**
     * @notice Dataset `tokenId` was shown not sorted and distinct; its absence proofs are off for good.
     * @param tokenId The dataset.
     * @param leftIndex The index i of the out-of-order leaves i, i + 1.
     */
    event DatasetDisordered(uint256 indexed tokenId, uint256 leftIndex);

    /**
     * @notice `committer` committed to a registration; it can be revealed from `revealFrom` to `revealUntil`, and
     * until then plain {register} of the root whose {rootKeyOf} is `rootKey` reverts.
     * @param commitment The {commitmentOf} the registration.
     * @param rootKey The {rootKeyOf} the root, as given by the committer.
     * @param committer The caller.
     * @param revealFrom The first timestamp at which {registerCommitted} accepts the commitment.
     * @param revealUntil The last timestamp at which it does.
     */
    event RegistrationCommitted(
        bytes32 indexed commitment,
        bytes32 indexed rootKey,
        address indexed committer,
        uint256 revealFrom,
        uint256 revealUntil
    );

    /// @dev The Merkle root is zero; pass the root computed over the sorted sample hashes.
    error DatasetZeroRoot();

    /// @dev The leaf count is zero; a dataset commits to at least one sample.
    error DatasetZeroLeafCount();

    /// @dev `root` is already registered as `tokenId`; a commitment is registered once.
    error DatasetRootAlreadyRegistered(bytes32 root, uint256 tokenId);

    /// @dev A commitment ({commit}) claims `root` until `claimedUntil`: only its committer can register it
    /// ({registerCommitted}) until then; anyone can with {register} afterwards.
    error DatasetRootClaimed(bytes32 root, uint256 claimedUntil);

    /// @dev No commitment `commitment` exists: {commit} first, and reveal from the committing account with exactly
    /// the committed arguments and salt.
    error DatasetUnknownCommitment(bytes32 commitment);

    /// @dev The commitment is too recent; retry at or after `revealFrom`.
    error DatasetCommitmentTooRecent(bytes32 commitment, uint256 revealFrom);

    /// @dev The commitment expired at `expiredAt`; {commit} again and wait {MIN_COMMITMENT_AGE}.
    error DatasetCommitmentExpired(bytes32 commitment, uint256 expiredAt);

    /// @dev `previousVersion` is not a registered dataset; pass 0 for none.
    error DatasetUnknownPreviousVersion(uint256 previousVersion);

    /// @dev `tokenId` has already been shown disordered.
    error DatasetAlreadyDisordered(uint256 tokenId);

    /// @dev The disorder proof for `tokenId` is invalid: the indexes are not adjacent, a membership proof fails, or
    /// the two leaves are in strictly ascending order.
    error DatasetInvalidDisorderProof(uint256 tokenId, uint256 leftIndex, uint256 rightIndex);

    mapping(uint256 tokenId => DatasetRecord) private _records;
    mapping(bytes32 root => RootEntry) private _roots;
    uint256 private _datasetCount;
    mapping(bytes32 commitment => uint256 committedAt) private _commitments;
    mapping(bytes32 rootKey => uint256 claimedUntil) private _claims;

    constructor() ERC721("Datatrace Dataset", "DTDS") {}

    /**
     * @notice Registers a dataset commitment and mints its token to the caller. Token ids are sequential from 1.
     * Reverts with {DatasetRootClaimed} while a {commit} claims the root. Exposes the root in the mempool: see
     * {commit} to register without being front-run.
     * @param root The Merkle root over the sorted distinct sample hashes; non-zero, never registered before.
     * @param leafCount The number of distinct samples (leaves); non-zero.
     * @param manifestCid The manifest's CID: CIDv1, base32 lower case, sha2-256 (e.g. `bafybei...`).
     * @param uri The token URI; `ipfs://<CIDv1 base32 sha2-256>` is stored compactly, any other string as text.
     * @param previousVersion The token id of the dataset this one supersedes, or 0 for none.
     * @return tokenId The new token's id.
     */
    function register(
        bytes32 root,
        uint64 leafCount,
        string calldata manifestCid,
        string calldata uri,
        uint256 previousVersion
    ) external returns (uint256 tokenId) {
        uint256 until = _claims[rootKeyOf(root)];
        if (block.timestamp <= until) revert DatasetRootClaimed(root, until);
        return _register(root, leafCount, manifestCid, uri, previousVersion);
    }

    /**
     * @notice Step 1 of a registration that cannot be front-run: records `commitment` (hiding the root and binding
     * the caller) and claims the root for {MAX_COMMITMENT_AGE}. Reveal with {registerCommitted} from the same
     * account between {MIN_COMMITMENT_AGE} and {MAX_COMMITMENT_AGE} later. Committing a live commitment again keeps
     * its original time (so nobody can postpone it) and only extends the claim of `rootKey`.
     * @param commitment {commitmentOf}(caller, root, leafCount, manifestCid, uri, previousVersion, salt), with a
     * random secret `salt`.
     * @param rootKey {rootKeyOf}(root). It does not reveal the root; a wrong key only forfeits the claim.
     */
    function commit(bytes32 commitment, bytes32 rootKey) external {
        uint256 at = _commitments[commitment];
        if (at == 0 || block.timestamp > at + MAX_COMMITMENT_AGE) {
            at = block.timestamp;
            _commitments[commitment] = at;
            emit RegistrationCommitted(commitment, rootKey, _msgSender(), at + MIN_COMMITMENT_AGE, at + MAX_COMMITMENT_AGE);
        }
        uint256 until = at + MAX_COMMITMENT_AGE;
        if (_claims[rootKey] < until) _claims[rootKey] = until;
    }

    /**
     * @notice Step 2: registers the committed dataset and mints its token to the caller, like {register}. Accepts
     * a commitment made by the caller at least {MIN_COMMITMENT_AGE} and at most {MAX_COMMITMENT_AGE} ago, whatever
     * other commitments claim the root; the first valid reveal registers the root.
     * @param root The Merkle root, as committed.
     * @param leafCount The number of distinct samples, as committed.
     * @param manifestCid The manifest's CID, as committed.
     * @param uri The token URI, as committed.
     * @param previousVersion The superseded dataset, or 0, as committed.
     * @param salt The secret salt of the commitment.
     * @return tokenId The new token's id.
     */
    function registerCommitted(
        bytes32 root,
        uint64 leafCount,
        string calldata manifestCid,
        string calldata uri,
        uint256 previousVersion,
        bytes32 salt
    ) external returns (uint256 tokenId) {
        _useCommitment(_commitmentOf(_msgSender(), root, leafCount, manifestCid, uri, previousVersion, salt));
        return _register(root, leafCount, manifestCid, uri, previousVersion);
    }

    /**
     * @notice Returns the commitment that lets `registrant` register these arguments with {registerCommitted}:
     * `keccak256(abi.encode(registrant, root, leafCount, manifestCid, uri, previousVersion, salt))`. Compute it
     * off chain (or with a call to a trusted node): it is only as secret as `salt`.
     * @param registrant The account that will commit and reveal.
     * @param root The Merkle root.
     * @param leafCount The number of distinct samples.
     * @param manifestCid The manifest's CID.
     * @param uri The token URI.
     * @param previousVersion The superseded dataset, or 0.
     * @param salt A random secret (32 bytes from a CSPRNG): roots of public datasets can be guessed.
     */
    function commitmentOf(
        address registrant,
        bytes32 root,
        uint64 leafCount,
        string calldata manifestCid,
        string calldata uri,
        uint256 previousVersion,
        bytes32 salt
    ) external pure returns (bytes32) {
        return _commitmentOf(registrant, root, leafCount, manifestCid, uri, previousVersion, salt);
    }

    /**
     * @notice Returns the key under which a commitment claims `root`: `keccak256(abi.encode(root))`.
     * @param root A Merkle root.
     */
    function rootKeyOf(bytes32 root) public pure returns (bytes32) {
        return keccak256(abi.encode(root));
    }

    /**
     * @notice Returns when `commitment` was committed, or 0 if it never was or has been revealed.
     * @param commitment A {commitmentOf} value.
     */
    function committedAt(bytes32 commitment) external view returns (uint256) {
        return _commitments[commitment];
    }

    /**
     * @notice Returns the last timestamp at which a commitment claims the root with key `rootKey` (0 if none);
     * plain {register} of that root reverts until then.
     * @param rootKey {rootKeyOf} a root.
     */
    function claimedUntil(bytes32 rootKey) external view returns (uint256) {
        return _claims[rootKey];
    }

    /**
     * @notice Marks `tokenId` disordered for good, given two adjacent committed leaves that are not in strictly
     * ascending order. Permissionless. Afterwards {verifyAbsence} returns false for this dataset.
     * @param tokenId The dataset.
     * @param left The leaf at index i with its membership proof.
     * @param right The leaf at index i + 1 with its membership proof; `left.sampleHash >= right.sampleHash`.
     */
    function reportDisorder(
        uint256 tokenId,
        SampleMerkle.Neighbor calldata left,
        SampleMerkle.Neighbor calldata right
    ) external {
        DatasetRecord storage record = _requireDataset(tokenId);
        if (record.disordered) revert DatasetAlreadyDisordered(tokenId);
        if (!SampleMerkle.verifyDisorder(record.root, record.leafCount, left, right)) {
            revert DatasetInvalidDisorderProof(tokenId, left.index, right.index);
        }
        record.disordered = true;
        emit DatasetDisordered(tokenId, left.index);
    }

    /**
     * @notice Returns the dataset `tokenId`. Reverts with {ERC721NonexistentToken} for an unknown id.
     * @param tokenId The dataset.
     */
    function dataset(uint256 tokenId) external view returns (Dataset memory) {
        DatasetRecord storage record = _requireDataset(tokenId);
        return
            Dataset({
                root: record.root,
                leafCount: record.leafCount,
                manifestCid: Cid.toString(record.manifestCodec, record.manifestDigest),
                previousVersion: record.previousVersion,
                registeredAt: record.registeredAt,
                registrant: _roots[record.root].registrant,
                disordered: record.disordered,
                metadataFrozen: record.metadataFrozen
            });
    }

    /**
     * @notice Returns the token id registered for `root`, or 0 if none.
     * @param root A Merkle root.
     */
    function tokenIdOfRoot(bytes32 root) external view returns (uint256) {
        return _roots[root].tokenId;
    }

    /**
     * @notice Returns true if dataset `tokenId` is registered.
     * @param tokenId The id to look up.
     */
    function exists(uint256 tokenId) external view returns (bool) {
        return _records[tokenId].leafCount != 0;
    }

    /// @notice Returns the number of registered datasets, which is also the highest token id.
    function datasetCount() external view returns (uint256) {
        return _datasetCount;
    }

    /**
     * @notice Returns true if `sampleHash` is the leaf at `index` of dataset `tokenId`. Reverts with
     * {ERC721NonexistentToken} for an unknown id.
     * @param tokenId The dataset.
     * @param sampleHash SHA-256 of the sample bytes.
     * @param index The sample's position among the sorted distinct sample hashes.
     * @param proof The sibling hashes, leaf to root.
     */
    function verifySample(
        uint256 tokenId,
        bytes32 sampleHash,
        uint256 index,
        bytes32[] calldata proof
    ) external view returns (bool) {
        DatasetRecord storage record = _requireDataset(tokenId);
        return SampleMerkle.verify(record.root, record.leafCount, sampleHash, index, proof);
    }

    /**
     * @notice Returns true if every `sampleHashes[k]` is the leaf at `indexes[k]` of dataset `tokenId`, using one
     * positional multiproof. Indexes must be strictly ascending. Reverts with {ERC721NonexistentToken} for an unknown
     * id and {SampleMerkle-SampleMerkleBatchLengthMismatch} if the arrays differ in length.
     * @param tokenId The dataset.
     * @param sampleHashes SHA-256 of each sample.
     * @param indexes Each sample's position, strictly ascending.
     * @param proof The multiproof's sibling hashes, in the order the verifier consumes them.
     */
    function verifySamples(
        uint256 tokenId,
        bytes32[] calldata sampleHashes,
        uint256[] calldata indexes,
        bytes32[] calldata proof
    ) external view returns (bool) {
        DatasetRecord storage record = _requireDataset(tokenId);
        return SampleMerkle.verifyBatch(record.root, record.leafCount, sampleHashes, indexes, proof);
    }

    /**
     * @notice Returns true if `query` is provably not a sample of dataset `tokenId`: two adjacent neighbors
     * around it, or the first (last) leaf when it sorts before (after) every leaf. Returns false once the dataset
     * is disordered. Reverts with {ERC721NonexistentToken} for an unknown id.
     * @param tokenId The dataset.
     * @param query The sample hash claimed absent.
     * @param neighbors One or two committed leaves with their positions and membership proofs.
     */
    function verifyAbsence(
        uint256 tokenId,
        bytes32 query,
        SampleMerkle.Neighbor[] calldata neighbors
    ) external view returns (bool) {
        DatasetRecord storage record = _requireDataset(tokenId);
        if (record.disordered) return false;
        return SampleMerkle.verifyAbsence(record.root, record.leafCount, query, neighbors);
    }

    /**
     * @notice The URI header of `tokenId`, kept in slot 2 of its record ({CompactTokenURI-_uriHeader}).
     * @param tokenId The dataset.
     * @return The header; all zero for an unknown id.
     */
    function _uriHeader(uint256 tokenId) internal view override returns (URIHeader memory) {
        DatasetRecord storage record = _records[tokenId];
        return URIHeader({encoding: record.uriEncoding, codec: record.uriCodec, frozen: record.metadataFrozen});
    }

    /**
     * @notice Stores the URI header of `tokenId` in slot 2 of its record ({CompactTokenURI-_setURIHeader}).
     * @param tokenId The dataset.
     * @param header The header to keep.
     */
    function _setURIHeader(uint256 tokenId, URIHeader memory header) internal override {
        DatasetRecord storage record = _records[tokenId];
        record.uriEncoding = header.encoding;
        record.uriCodec = header.codec;
        record.metadataFrozen = header.frozen;
    }

    /// @dev Registers a dataset and mints its token to the caller: the checks and effects shared by {register} and
    /// {registerCommitted}.
    function _register(
        bytes32 root,
        uint64 leafCount,
        string calldata manifestCid,
        string calldata uri,
        uint256 previousVersion
    ) private returns (uint256 tokenId) {
        if (root == bytes32(0)) revert DatasetZeroRoot();
        if (leafCount == 0) revert DatasetZeroLeafCount();
        uint256 existing = _roots[root].tokenId;
        if (existing != 0) revert DatasetRootAlreadyRegistered(root, existing);
        uint256 count = _datasetCount;
        if (previousVersion > count) revert DatasetUnknownPreviousVersion(previousVersion);
        (uint64 manifestCodec, bytes32 manifestDigest) = Cid.parse(manifestCid);

        tokenId = count + 1;
        _datasetCount = tokenId;
        // Ids are sequential and never burned: token ids and `previousVersion` (<= count) fit in 64 bits, and a
        // codec from a varint of at most 4 bytes fits in 32.
        _roots[root] = RootEntry({tokenId: uint64(tokenId), registrant: _msgSender()});
        URIHeader memory header = _writeTokenURI(tokenId, uri);
        _records[tokenId] = DatasetRecord({
            root: root,
            manifestDigest: manifestDigest,
            leafCount: leafCount,
            previousVersion: uint64(previousVersion),
            registeredAt: uint40(block.timestamp),
            manifestCodec: uint32(manifestCodec),
            disordered: false,
            uriEncoding: header.encoding,
            uriCodec: header.codec,
            metadataFrozen: false
        });

        emit DatasetRegistered(tokenId, root, _msgSender(), leafCount, manifestCid, previousVersion);
        _safeMint(_msgSender(), tokenId);
    }

    /// @dev Consumes `commitment`, reverting unless it exists and its reveal window is open now.
    function _useCommitment(bytes32 commitment) private {
        uint256 at = _commitments[commitment];
        if (at == 0) revert DatasetUnknownCommitment(commitment);
        uint256 time = block.timestamp;
        if (time < at + MIN_COMMITMENT_AGE) revert DatasetCommitmentTooRecent(commitment, at + MIN_COMMITMENT_AGE);
        if (time > at + MAX_COMMITMENT_AGE) revert DatasetCommitmentExpired(commitment, at + MAX_COMMITMENT_AGE);
        delete _commitments[commitment];
    }

    /// @dev {commitmentOf}, on calldata strings.
    function _commitmentOf(
        address registrant,
        bytes32 root,
        uint64 leafCount,
        string calldata manifestCid,
        string calldata uri,
        uint256 previousVersion,
        bytes32 salt
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(registrant, root, leafCount, manifestCid, uri, previousVersion, salt));
    }

    /// @dev Returns the record of `tokenId`, reverting with {ERC721NonexistentToken} if there is none.
    function _requireDataset(uint256 tokenId) private view returns (DatasetRecord storage record) {
        record = _records[tokenId];
        if (record.leafCount == 0) revert ERC721NonexistentToken(tokenId);
    }
}
