// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

import {IDatasetNFT} from "./interfaces/IDatasetNFT.sol";
import {CompactTokenURI} from "./token/CompactTokenURI.sol";

/**
 * @title ModelNFT
 * @notice One ERC-721 token per registered model: immutable commitments to its weights, training log and
 * fingerprints, the datasets (in one {DatasetNFT}, fixed at construction) it was trained on, and the models it
 * derives from, with the kind of derivation.
 *
 * Lineage is acyclic by construction: a parent must already be registered and ids are sequential, so every parent
 * id is lower than its child's. There is no owner or admin; commitments never change, and only the token owner edits
 * the token URI, until frozen.
 *
 * WARNING: Dataset and parent links are the registrant's claims; the owners of those tokens do not endorse them.
 * Commitments are checkable off chain: the weights against the files, the training log against its head, the
 * fingerprint pairs against their root (docs/models.md, docs/training-log.md, docs/fingerprints.md).
 */
contract ModelNFT is CompactTokenURI {
    /// @dev How a model derives from its parents. `None` iff it has no parents.
    enum Relation {
        None, // a base model: trained from its datasets only
        Finetune, // exactly one parent
        Adapter, // exactly one parent (LoRA etc.)
        Quantized, // exactly one parent
        Merge // two or more parents
    }

    /// @dev The arguments of {register}.
    struct RegisterParams {
        uint256[] datasetIds; // DatasetNFT token ids, at most MAX_DATASETS, no duplicates
        uint256[] parentIds; // ModelNFT token ids, at most MAX_PARENTS, no duplicates
        Relation relation;
        bytes32 weightsHash; // non-zero
        bytes32 trainingLogHead; // may be zero
        bytes32 fingerprintRoot; // may be zero
        string tokenURI;
    }

    /// @dev A model as returned by {model}.
    struct Model {
        bytes32 weightsHash;
        bytes32 trainingLogHead;
        bytes32 fingerprintRoot;
        Relation relation;
        uint256[] datasetIds;
        uint256[] parentIds;
        address registrant;
        uint64 registeredAt;
        bool metadataFrozen;
    }

    /// @dev The storage form of a model: 5 slots, plus one slot per 4 linked ids.
    struct ModelRecord {
        bytes32 weightsHash; // slot 0
        bytes32 trainingLogHead; // slot 1
        bytes32 fingerprintRoot; // slot 2
        address registrant; // slot 3 ─┬─ 160 bits
        uint40 registeredAt; //         ├─  40
        Relation relation; //           ├─   8
        uint8 datasetCount; //          ├─   8
        uint8 parentCount; //           ├─   8
        URIEncoding uriEncoding; //     ├─   8
        bool metadataFrozen; //         └─   8 = 240
        uint32 uriCodec; // slot 4
    }

    /// @notice The most datasets one model may name.
    uint256 public constant MAX_DATASETS = 64;

    /// @notice The most parents one model may name.
    uint256 public constant MAX_PARENTS = 16;

    /// @notice The most ancestors one {ancestors} call walks to, `offset + limit`; walk larger lineages off chain
    /// with {parentsOf}.
    uint256 public constant MAX_ANCESTOR_WINDOW = 256;

    /// @notice The dataset registry every `datasetIds` entry refers to.
    IDatasetNFT public immutable datasetNFT;

    /**
     * @notice A model was registered and its token minted to `registrant`. Carries every committed field.
     * @param tokenId The new token.
     * @param registrant The caller, who received the token.
     * @param weightsHash The digest of the weights (the model-signing statement's subject digest).
     * @param relation How the model derives from its parents.
     * @param datasetIds The DatasetNFT ids it was trained on.
     * @param parentIds The models it derives from.
     * @param trainingLogHead The head of its hash-chained training log, or zero.
     * @param fingerprintRoot The root of its fingerprint pairs, or zero.
     * @param tokenURI The token URI, as given.
     */
    event ModelRegistered(
        uint256 indexed tokenId,
        address indexed registrant,
        bytes32 indexed weightsHash,
        Relation relation,
        uint256[] datasetIds,
        uint256[] parentIds,
        bytes32 trainingLogHead,
        bytes32 fingerprintRoot,
        string tokenURI
    );

    /// @dev The constructor's dataset registry `account` has no code; pass a deployed DatasetNFT.
    error ModelInvalidDatasetNFT(address account);

    /// @dev `count` datasets were named; at most `max` are allowed.
    error ModelTooManyDatasets(uint256 count, uint256 max);

    /// @dev `count` parents were named; at most `max` are allowed.
    error ModelTooManyParents(uint256 count, uint256 max);

    /// @dev Neither a dataset nor a parent was named; a base model must name the data it was trained on.
    error ModelMissingProvenance();

    /// @dev `relation` does not fit `parentCount` parents: None needs 0, Finetune/Adapter/Quantized exactly 1,
    /// Merge at least 2.
    error ModelRelationMismatch(Relation relation, uint256 parentCount);

    /// @dev The weights hash is zero; commit to the weights file's hash.
    error ModelZeroWeightsHash();

    /// @dev `datasetId` is not registered in {datasetNFT}.
    error ModelUnknownDataset(uint256 datasetId);

    /// @dev `datasetId` is named more than once.
    error ModelDuplicateDataset(uint256 datasetId);

    /// @dev `parentId` is not a registered model.
    error ModelUnknownParent(uint256 parentId);

    /// @dev `parentId` is named more than once.
    error ModelDuplicateParent(uint256 parentId);

    /// @dev `offset + limit` exceeds {MAX_ANCESTOR_WINDOW}; page through smaller windows.
    error ModelAncestorWindowTooLarge(uint256 offset, uint256 limit);

    mapping(uint256 tokenId => ModelRecord) private _records;
    /// @dev Dataset ids then parent ids of each model, 4 uint64 per word, lowest bits first.
    mapping(uint256 tokenId => mapping(uint256 word => uint256 ids)) private _links;
    uint256 private _modelCount;

    /**
     * @notice Binds the registry to `datasets` for good.
     * @param datasets The DatasetNFT every model's dataset ids refer to.
     */
    constructor(IDatasetNFT datasets) ERC721("Datatrace Model", "DTMD") {
        if (address(datasets).code.length == 0) revert ModelInvalidDatasetNFT(address(datasets));
        datasetNFT = datasets;
    }

    /**
     * @notice Registers a model and mints its token to the caller. Token ids are sequential from 1.
     * @param p The commitments and links; see {RegisterParams} and the errors for the rules.
     * @return tokenId The new token's id.
     */
    function register(RegisterParams calldata p) external returns (uint256 tokenId) {
        uint256 datasetCount = p.datasetIds.length;
        uint256 parentCount = p.parentIds.length;
        if (datasetCount > MAX_DATASETS) revert ModelTooManyDatasets(datasetCount, MAX_DATASETS);
        if (parentCount > MAX_PARENTS) revert ModelTooManyParents(parentCount, MAX_PARENTS);
        if (datasetCount == 0 && parentCount == 0) revert ModelMissingProvenance();
        if (!_relationFits(p.relation, parentCount)) revert ModelRelationMismatch(p.relation, parentCount);
        if (p.weightsHash == bytes32(0)) revert ModelZeroWeightsHash();

        if (datasetCount != 0) {
            // DatasetNFT ids are sequential from 1 and never burned: id exists iff 1 <= id <= datasetCount().
            uint256 knownDatasets = datasetNFT.datasetCount();
            for (uint256 k = 0; k < datasetCount; ++k) {
                uint256 id = p.datasetIds[k];
                if (id == 0 || id > knownDatasets) revert ModelUnknownDataset(id);
                for (uint256 j = 0; j < k; ++j) {
                    if (p.datasetIds[j] == id) revert ModelDuplicateDataset(id);
                }
            }
        }
        uint256 count = _modelCount;
        for (uint256 k = 0; k < parentCount; ++k) {
            uint256 id = p.parentIds[k];
            if (id == 0 || id > count) revert ModelUnknownParent(id);
            for (uint256 j = 0; j < k; ++j) {
                if (p.parentIds[j] == id) revert ModelDuplicateParent(id);
            }
        }

        tokenId = count + 1;
        _modelCount = tokenId;
        _storeLinks(tokenId, p.datasetIds, p.parentIds);
        URIHeader memory header = _writeTokenURI(tokenId, p.tokenURI);
        // Counts are bounded by MAX_DATASETS and MAX_PARENTS; linked ids are below 2^64 (sequential ids).
        _records[tokenId] = ModelRecord({
            weightsHash: p.weightsHash,
            trainingLogHead: p.trainingLogHead,
            fingerprintRoot: p.fingerprintRoot,
            registrant: _msgSender(),
            registeredAt: uint40(block.timestamp),
            relation: p.relation,
            datasetCount: uint8(datasetCount),
            parentCount: uint8(parentCount),
            uriEncoding: header.encoding,
            metadataFrozen: false,
            uriCodec: header.codec
        });

        _emitRegistered(tokenId, p);
        // `_mint`, not `_safeMint`: the caller is the recipient, and native Filecoin actors (multisigs) have code but
        // cannot answer `onERC721Received`. No external call happens after the checks.
        _mint(_msgSender(), tokenId);
    }

    /**
     * @notice Returns the model `tokenId`. Reverts with {ERC721NonexistentToken} for an unknown id.
     * @param tokenId The model.
     */
    function model(uint256 tokenId) external view returns (Model memory) {
        ModelRecord storage record = _requireModel(tokenId);
        return
            Model({
                weightsHash: record.weightsHash,
                trainingLogHead: record.trainingLogHead,
                fingerprintRoot: record.fingerprintRoot,
                relation: record.relation,
                datasetIds: _loadLinks(tokenId, 0, record.datasetCount),
                parentIds: _loadLinks(tokenId, record.datasetCount, record.parentCount),
                registrant: record.registrant,
                registeredAt: record.registeredAt,
                metadataFrozen: record.metadataFrozen
            });
    }

    /**
     * @notice Returns the DatasetNFT ids model `tokenId` was trained on, in registration order. Reverts with
     * {ERC721NonexistentToken} for an unknown id.
     * @param tokenId The model.
     */
    function datasetsOf(uint256 tokenId) external view returns (uint256[] memory) {
        ModelRecord storage record = _requireModel(tokenId);
        return _loadLinks(tokenId, 0, record.datasetCount);
    }

    /**
     * @notice Returns the parent model ids of `tokenId`, in registration order. Reverts with
     * {ERC721NonexistentToken} for an unknown id.
     * @param tokenId The model.
     */
    function parentsOf(uint256 tokenId) public view returns (uint256[] memory) {
        ModelRecord storage record = _requireModel(tokenId);
        return _loadLinks(tokenId, record.datasetCount, record.parentCount);
    }

    /**
     * @notice Returns the distinct ancestors of `tokenId` (parents, their parents, ...) in breadth-first order,
     * nearest generation first, each once: positions `offset` to `offset + limit - 1` of that order, and whether
     * more follow. Reverts with {ERC721NonexistentToken} for an unknown id and {ModelAncestorWindowTooLarge} if
     * `offset + limit` exceeds {MAX_ANCESTOR_WINDOW}.
     *
     * The walk keeps a bitmap of visited ids (every ancestor id is below `tokenId`) and stops after
     * `offset + limit + 1` ancestors, so its cost is bounded by the window, not by the lineage.
     * @param tokenId The model.
     * @param offset How many ancestors of the order to skip.
     * @param limit The most ancestors to return.
     * @return ids The ancestors at positions `offset` .. `offset + limit - 1`.
     * @return more True if the lineage has ancestors after the returned ones.
     */
    function ancestors(
        uint256 tokenId,
        uint256 offset,
        uint256 limit
    ) external view returns (uint256[] memory ids, bool more) {
        _requireModel(tokenId);
        if (offset > MAX_ANCESTOR_WINDOW || limit > MAX_ANCESTOR_WINDOW - offset) {
            revert ModelAncestorWindowTooLarge(offset, limit);
        }
        uint256 window = offset + limit;
        // `found` doubles as the breadth-first queue: entries before `head` have been expanded.
        uint256[] memory found = new uint256[](window + 1);
        uint256[] memory visited = new uint256[]((tokenId >> 8) + 1);
        uint256 size = 0;
        uint256 next = tokenId;
        for (uint256 head = 0; size <= window; ++head) {
            ModelRecord storage record = _records[next];
            uint256 first = record.datasetCount;
            uint256 end = first + record.parentCount;
            mapping(uint256 => uint256) storage words = _links[next];
            uint256 word = 0;
            for (uint256 k = first; k < end && size <= window; ++k) {
                // Each storage word of 4 links is read once.
                if (k == first || k & 3 == 0) word = words[k >> 2];
                uint256 parent = uint64(word >> (64 * (k & 3)));
                uint256 bit = 1 << (parent & 255);
                if (visited[parent >> 8] & bit == 0) {
                    visited[parent >> 8] |= bit;
                    found[size] = parent;
                    ++size;
                }
            }
            if (head >= size) break;
            next = found[head];
        }
        more = size > window;
        uint256 end_ = more ? window : size;
        ids = new uint256[](end_ > offset ? end_ - offset : 0);
        for (uint256 j = 0; j < ids.length; ++j) ids[j] = found[offset + j];
    }

    /// @notice Returns the number of registered models, which is also the highest token id.
    function modelCount() external view returns (uint256) {
        return _modelCount;
    }

    /**
     * @notice Returns true if model `tokenId` is registered.
     * @param tokenId The id to look up.
     */
    function exists(uint256 tokenId) external view returns (bool) {
        return tokenId != 0 && tokenId <= _modelCount;
    }

    /**
     * @notice The URI header of `tokenId`, kept in slots 3 and 4 of its record ({CompactTokenURI-_uriHeader}).
     * @param tokenId The model.
     * @return The header; all zero for an unknown id.
     */
    function _uriHeader(uint256 tokenId) internal view override returns (URIHeader memory) {
        ModelRecord storage record = _records[tokenId];
        return URIHeader({encoding: record.uriEncoding, codec: record.uriCodec, frozen: record.metadataFrozen});
    }

    /**
     * @notice Stores the URI header of `tokenId` in its record ({CompactTokenURI-_setURIHeader}).
     * @param tokenId The model.
     * @param header The header to keep.
     */
    function _setURIHeader(uint256 tokenId, URIHeader memory header) internal override {
        ModelRecord storage record = _records[tokenId];
        record.uriEncoding = header.encoding;
        record.uriCodec = header.codec;
        record.metadataFrozen = header.frozen;
    }

    /// @dev Emits {ModelRegistered} for `tokenId` registered with `p` by the caller.
    function _emitRegistered(uint256 tokenId, RegisterParams calldata p) private {
        emit ModelRegistered(
            tokenId,
            _msgSender(),
            p.weightsHash,
            p.relation,
            p.datasetIds,
            p.parentIds,
            p.trainingLogHead,
            p.fingerprintRoot,
            p.tokenURI
        );
    }

    /// @dev Packs the dataset ids then the parent ids of `tokenId` into words of 4 uint64.
    function _storeLinks(uint256 tokenId, uint256[] calldata datasetIds, uint256[] calldata parentIds) private {
        mapping(uint256 => uint256) storage words = _links[tokenId];
        uint256 total = datasetIds.length + parentIds.length;
        uint256 word = 0;
        for (uint256 k = 0; k < total; ++k) {
            uint256 id = k < datasetIds.length ? datasetIds[k] : parentIds[k - datasetIds.length];
            word |= id << (64 * (k & 3));
            if (k & 3 == 3 || k + 1 == total) {
                words[k >> 2] = word;
                word = 0;
            }
        }
    }

    /// @dev Returns `count` linked ids of `tokenId` starting at position `from`.
    function _loadLinks(uint256 tokenId, uint256 from, uint256 count) private view returns (uint256[] memory ids) {
        ids = new uint256[](count);
        for (uint256 j = 0; j < count; ++j) ids[j] = _linkAt(tokenId, from + j);
    }

    /// @dev Returns linked id number `k` of `tokenId` (dataset ids first, then parent ids).
    function _linkAt(uint256 tokenId, uint256 k) private view returns (uint256) {
        return uint64(_links[tokenId][k >> 2] >> (64 * (k & 3)));
    }

    /// @dev Returns the record of `tokenId`, reverting with {ERC721NonexistentToken} if there is none.
    function _requireModel(uint256 tokenId) private view returns (ModelRecord storage record) {
        record = _records[tokenId];
        if (record.weightsHash == bytes32(0)) revert ERC721NonexistentToken(tokenId);
    }

    /// @dev Returns true if `relation` fits a model with `parentCount` parents.
    function _relationFits(Relation relation, uint256 parentCount) private pure returns (bool) {
        if (relation == Relation.None) return parentCount == 0;
        if (relation == Relation.Merge) return parentCount >= 2;
        return parentCount == 1;
    }
}
