// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

import {Cid} from "./cid/Cid.sol";
import {IDatasetNFT} from "./interfaces/IDatasetNFT.sol";
import {SampleMerkle} from "./merkle/SampleMerkle.sol";
import {CompactTokenURI} from "./token/CompactTokenURI.sol";

/**
 * @title DatasetNFT
 * @notice One ERC-721 token per registration of a dataset commitment `(root, leafCount)` (docs/merkle-scheme.md)
 * with its manifest CID and an optional link to the version it supersedes; see {IDatasetNFT}. Anyone can verify
 * membership, batch membership and absence of samples against a registration.
 *
 * There is no owner or admin. Commitments never change after registration; the only later state changes are
 * transfers and the token owner's metadata edits (until frozen).
 *
 * WARNING: Anyone can register any root, including the root of a dataset someone else published: a registration
 * proves what its registrant committed to and when, not that the registrant made the data. Identify a dataset by
 * (registrant, root) — {tokenOf} — and its versions by {Dataset-previousVersion}, which only the registrant or the
 * owner of the earlier version can claim.
 *
 * NOTE: The registrant is the account that called {register}. Until the token's first transfer it is the owner,
 * so it is stored only then (in {_update}); {registrantOf} reads it either way.
 */
contract DatasetNFT is IDatasetNFT, CompactTokenURI {
    /// @notice The most registrations {tokensOfRoot} returns per call.
    uint256 public constant MAX_PAGE = 1_000;
    /// @notice The largest leaf count a registration may commit: 2^53 − 1, the largest count every off-chain
    /// verifier (JavaScript numbers, as in the CLI and the web page) handles exactly, far above any real dataset.
    uint64 public constant MAX_LEAF_COUNT = 2 ** 53 - 1;

    /// @dev The storage form of a dataset: 3 slots. Slot 2 packs every small field, including the URI header.
    struct DatasetRecord {
        bytes32 root; // slot 0
        bytes32 manifestDigest; // slot 1
        uint64 leafCount; // slot 2 ─┬─ 64 bits
        uint64 previousVersion; //    ├─ 64
        uint40 registeredAt; //       ├─ 40
        uint32 manifestCodec; //      ├─ 32
        URIEncoding uriEncoding; //   ├─  8
        uint32 uriCodec; //           ├─ 32
        bool metadataFrozen; //       └─  8 = 248
    }

    mapping(uint256 tokenId => DatasetRecord) private _records;
    /// @dev The registrant of a token that has been transferred; zero while the owner is still the registrant.
    mapping(uint256 tokenId => address) private _registrants;
    /// @dev The registrations of each root, in order: word 0 = count (bits 0-63) and the first three token ids
    /// (bits 64-255); word w >= 1 = token ids 4w-1 .. 4w+2, 64 bits each, lowest first.
    mapping(bytes32 root => mapping(uint256 word => uint256)) private _rootTokens;
    /// @dev Token of (registrant, root) for every registration but the first of its root, which {tokenOf} finds
    /// through {_rootTokens} (so registering a new root writes one slot less).
    mapping(bytes32 key => uint256 tokenId) private _laterRegistrations;
    uint256 private _datasetCount;

    constructor() ERC721("Datatrace Dataset", "DTDS") {}

    /// @inheritdoc IDatasetNFT
    function register(
        bytes32 root,
        uint64 leafCount,
        string calldata manifestCid,
        string calldata tokenURI_,
        uint256 previousVersion
    ) external returns (uint256 tokenId) {
        if (root == bytes32(0)) revert DatasetZeroRoot();
        if (leafCount == 0) revert DatasetZeroLeafCount();
        if (leafCount > MAX_LEAF_COUNT) revert DatasetLeafCountTooLarge(leafCount, MAX_LEAF_COUNT);
        address registrant = _msgSender();
        uint256 count = _datasetCount;
        if (previousVersion != 0) _checkPreviousVersion(previousVersion, count, registrant);
        (uint64 manifestCodec, bytes32 manifestDigest) = Cid.parse(manifestCid);

        // Ids are sequential and never burned: token ids and `previousVersion` (<= count) fit in 64 bits, and a
        // codec from a varint of at most 4 bytes fits in 32.
        tokenId = count + 1;
        _datasetCount = tokenId;
        _addRegistration(root, registrant, tokenId);
        URIHeader memory header = _writeTokenURI(tokenId, tokenURI_);
        _records[tokenId] = DatasetRecord({
            root: root,
            manifestDigest: manifestDigest,
            leafCount: leafCount,
            previousVersion: uint64(previousVersion),
            registeredAt: uint40(block.timestamp),
            manifestCodec: uint32(manifestCodec),
            uriEncoding: header.encoding,
            uriCodec: header.codec,
            metadataFrozen: false
        });

        emit DatasetRegistered(tokenId, root, registrant, leafCount, manifestCid, tokenURI_, previousVersion);
        // `_mint`, not `_safeMint`: the caller is the recipient, and native Filecoin actors (multisigs) have code but
        // cannot answer `onERC721Received`. No external call happens during registration.
        _mint(registrant, tokenId);
    }

    /// @inheritdoc IDatasetNFT
    function dataset(uint256 tokenId) external view returns (Dataset memory) {
        DatasetRecord storage record = _requireDataset(tokenId);
        return
            Dataset({
                root: record.root,
                leafCount: record.leafCount,
                manifestCid: Cid.toString(record.manifestCodec, record.manifestDigest),
                previousVersion: record.previousVersion,
                registeredAt: record.registeredAt,
                registrant: registrantOf(tokenId),
                metadataFrozen: record.metadataFrozen
            });
    }

    /// @inheritdoc IDatasetNFT
    function registrantOf(uint256 tokenId) public view returns (address) {
        address stored = _registrants[tokenId];
        return stored != address(0) ? stored : _requireOwned(tokenId);
    }

    /// @inheritdoc IDatasetNFT
    function tokenOf(bytes32 root, address registrant) public view returns (uint256) {
        uint256 first = uint64(_rootTokens[root][0] >> 64);
        if (first == 0) return 0;
        if (registrantOf(first) == registrant) return first;
        return _laterRegistrations[_registrationKey(root, registrant)];
    }

    /// @inheritdoc IDatasetNFT
    function rootTokenCount(bytes32 root) external view returns (uint256) {
        return _rootTokenCount(root);
    }

    /// @inheritdoc IDatasetNFT
    function tokensOfRoot(bytes32 root, uint256 offset, uint256 limit) external view returns (uint256[] memory ids) {
        if (limit > MAX_PAGE) revert DatasetPageTooLarge(offset, limit);
        uint256 total = _rootTokenCount(root);
        uint256 size = offset < total ? total - offset : 0;
        if (size > limit) size = limit;
        ids = new uint256[](size);
        mapping(uint256 => uint256) storage words = _rootTokens[root];
        for (uint256 j = 0; j < size; ++j) {
            (uint256 word, uint256 shift) = _rootTokenSlot(offset + j);
            ids[j] = uint64(words[word] >> shift);
        }
    }

    /// @inheritdoc IDatasetNFT
    function exists(uint256 tokenId) external view returns (bool) {
        return _records[tokenId].leafCount != 0;
    }

    /// @inheritdoc IDatasetNFT
    function datasetCount() external view returns (uint256) {
        return _datasetCount;
    }

    /// @inheritdoc IDatasetNFT
    function verifySample(
        uint256 tokenId,
        bytes32 sampleHash,
        uint256 index,
        bytes32[] calldata path
    ) external view returns (bool) {
        DatasetRecord storage record = _requireDataset(tokenId);
        return SampleMerkle.verify(record.root, record.leafCount, sampleHash, index, path);
    }

    /// @inheritdoc IDatasetNFT
    function verifySamples(
        uint256 tokenId,
        bytes32[] calldata sampleHashes,
        uint256[] calldata indexes,
        bytes32[] calldata path
    ) external view returns (bool) {
        DatasetRecord storage record = _requireDataset(tokenId);
        return SampleMerkle.verifyBatch(record.root, record.leafCount, sampleHashes, indexes, path);
    }

    /// @inheritdoc IDatasetNFT
    function verifyAbsence(
        uint256 tokenId,
        bytes32 query,
        uint256 index,
        bytes32 neighbor,
        bytes32[] calldata path
    ) external view returns (bool) {
        DatasetRecord storage record = _requireDataset(tokenId);
        return SampleMerkle.verifyAbsence(record.root, record.leafCount, query, index, neighbor, path);
    }

    /**
     * @dev Records the registrant of `tokenId` before its first transfer moves it away from its first owner
     * (see the NOTE at the top of the contract).
     */
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = super._update(to, tokenId, auth);
        if (from != address(0) && _registrants[tokenId] == address(0)) _registrants[tokenId] = from;
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

    /// @dev Reverts unless `previousVersion` (non-zero) is a dataset that `caller` registered or owns.
    function _checkPreviousVersion(uint256 previousVersion, uint256 count, address caller) private view {
        if (previousVersion > count) revert DatasetUnknownPreviousVersion(previousVersion);
        if (caller != registrantOf(previousVersion) && caller != _ownerOf(previousVersion)) {
            revert DatasetPreviousVersionNotYours(previousVersion, caller);
        }
    }

    /// @dev Records `tokenId` as `registrant`'s registration of `root`, reverting if it has one already.
    function _addRegistration(bytes32 root, address registrant, uint256 tokenId) private {
        uint256 registrations = _rootTokenCount(root);
        if (registrations != 0) {
            uint256 existing = tokenOf(root, registrant);
            if (existing != 0) revert DatasetAlreadyRegistered(root, registrant, existing);
            _laterRegistrations[_registrationKey(root, registrant)] = tokenId;
        }
        _appendRootToken(root, registrations, tokenId);
    }

    /// @dev Appends `tokenId` as registration number `position` of `root` (see {_rootTokens}).
    function _appendRootToken(bytes32 root, uint256 position, uint256 tokenId) private {
        mapping(uint256 => uint256) storage words = _rootTokens[root];
        (uint256 word, uint256 shift) = _rootTokenSlot(position);
        if (word == 0) {
            // Count and id share word 0: one write. Ids are below 2^64, so the count never carries into them.
            words[0] = words[0] + 1 + (tokenId << shift);
        } else {
            words[word] |= tokenId << shift;
            words[0] += 1;
        }
    }

    /// @dev Where registration number `position` of a root is kept: a word of {_rootTokens} and a bit offset.
    function _rootTokenSlot(uint256 position) private pure returns (uint256 word, uint256 shift) {
        if (position < 3) return (0, 64 * (position + 1));
        uint256 k = position - 3;
        return (1 + (k >> 2), 64 * (k & 3));
    }

    /// @dev Returns the number of registrations of `root`.
    function _rootTokenCount(bytes32 root) private view returns (uint256) {
        return uint64(_rootTokens[root][0]);
    }

    /// @dev Returns the {_laterRegistrations} key of (`root`, `registrant`).
    function _registrationKey(bytes32 root, address registrant) private pure returns (bytes32) {
        return keccak256(abi.encode(root, registrant));
    }

    /// @dev Returns the record of `tokenId`, reverting with {ERC721NonexistentToken} if there is none.
    function _requireDataset(uint256 tokenId) private view returns (DatasetRecord storage record) {
        record = _records[tokenId];
        if (record.leafCount == 0) revert ERC721NonexistentToken(tokenId);
    }
}
