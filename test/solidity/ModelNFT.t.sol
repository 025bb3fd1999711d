// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {Cid} from "../../contracts/cid/Cid.sol";
import {DatasetNFT} from "../../contracts/DatasetNFT.sol";
import {IDatasetNFT} from "../../contracts/interfaces/IDatasetNFT.sol";
import {ModelNFT} from "../../contracts/ModelNFT.sol";
import {CompactTokenURI} from "../../contracts/token/CompactTokenURI.sol";
import {MetadataHandler} from "./utils/MetadataHandler.sol";
import {VM} from "./utils/Vm.sol";

/// @dev The ancestors of a model by breadth-first search over {ModelNFT-parentsOf}, restated here: each once,
/// nearest generation first, parents in registration order.
library ReferenceLineage {
    function ancestors(ModelNFT nft, uint256 id) internal view returns (uint256[] memory order) {
        order = new uint256[](id);
        bool[] memory seen = new bool[](id + 1);
        uint256 size = 0;
        uint256 next = id;
        for (uint256 head = 0; ; ++head) {
            uint256[] memory parents = nft.parentsOf(next);
            for (uint256 k = 0; k < parents.length; ++k) {
                if (!seen[parents[k]]) {
                    seen[parents[k]] = true;
                    order[size++] = parents[k];
                }
            }
            if (head >= size) break;
            next = order[head];
        }
        assembly ("memory-safe") {
            mstore(order, size)
        }
    }

    /// @dev Checks {ModelNFT-ancestors} for `id` at (offset, limit) against the reference order.
    function check(ModelNFT nft, uint256 id, uint256 offset, uint256 limit) internal view {
        uint256[] memory all = ancestors(nft, id);
        (uint256[] memory ids, bool more) = nft.ancestors(id, offset, limit);
        uint256 end = offset + limit < all.length ? offset + limit : all.length;
        uint256 size = offset < end ? end - offset : 0;
        VM.assertEq(ids.length, size, "window size");
        for (uint256 j = 0; j < size; ++j) VM.assertEq(ids[j], all[offset + j], "breadth-first order, each once");
        VM.assertEq(more, all.length > offset + limit, "more iff ancestors follow the window");
    }
}

/// @dev Registers models with random (sometimes invalid) links, edits metadata, transfers.
contract ModelHandler is MetadataHandler {
    uint256 public constant DATASETS = 5;

    ModelNFT public immutable nft;

    mapping(uint256 tokenId => bytes32) public weightsHash;
    mapping(uint256 tokenId => bytes32) public trainingLogHead;
    mapping(uint256 tokenId => bytes32) public fingerprintRoot;
    mapping(uint256 tokenId => ModelNFT.Relation) public relation;
    mapping(uint256 tokenId => address) public registrant;
    mapping(uint256 tokenId => uint256) public registeredAt;
    mapping(uint256 tokenId => uint256[]) internal _datasetIds;
    mapping(uint256 tokenId => uint256[]) internal _parentIds;

    uint256 public registrations;
    uint256 public rejections;

    constructor(ModelNFT nft_) {
        nft = nft_;
    }

    function datasetIdsOf(uint256 id) external view returns (uint256[] memory) {
        return _datasetIds[id];
    }

    function parentIdsOf(uint256 id) external view returns (uint256[] memory) {
        return _parentIds[id];
    }

    /// @dev Up to 3 datasets and up to 6 parents (dense lineages, diamonds) from the ids that exist, sometimes an
    /// unknown one.
    function register(
        uint256 actorSeed,
        uint256 linkSeed,
        uint8 relationSeed,
        bytes32 weights,
        bytes32 log,
        uint256 uriSeed,
        bytes32 digest
    ) external {
        uint256[] memory datasetIds = _pick(linkSeed, DATASETS, linkSeed % 4);
        uint256[] memory parentIds = _pick(linkSeed >> 64, ids.length, (linkSeed >> 8) % 7);
        if ((linkSeed >> 128) % 8 == 0 && parentIds.length > 0) parentIds[0] = ids.length + 1; // unknown parent
        ModelNFT.Relation rel = parentIds.length == 0
            ? ModelNFT.Relation.None
            : (parentIds.length == 1 ? ModelNFT.Relation(1 + (relationSeed % 3)) : ModelNFT.Relation.Merge);
        if (relationSeed % 8 == 0) rel = ModelNFT.Relation(relationSeed % 5); // often a mismatch
        ModelNFT.RegisterParams memory p = ModelNFT.RegisterParams({
            datasetIds: datasetIds,
            parentIds: parentIds,
            relation: rel,
            weightsHash: weights,
            trainingLogHead: log,
            fingerprintRoot: keccak256(abi.encode(weights)),
            tokenURI: _uri(uriSeed, digest)
        });
        _register(_actor(actorSeed), p);
    }

    function _register(address actor, ModelNFT.RegisterParams memory p) private {
        bool valid = _valid(p);
        VM.prank(actor);
        try nft.register(p) returns (uint256 id) {
            ++registrations;
            if (!valid) _forbidden("invalid model registered");
            if (id != ids.length + 1) _forbidden("token id not sequential");
            ids.push(id);
            weightsHash[id] = p.weightsHash;
            trainingLogHead[id] = p.trainingLogHead;
            fingerprintRoot[id] = p.fingerprintRoot;
            relation[id] = p.relation;
            registrant[id] = actor;
            registeredAt[id] = block.timestamp;
            _datasetIds[id] = p.datasetIds;
            _parentIds[id] = p.parentIds;
            expectedURI[id] = p.tokenURI;
        } catch {
            ++rejections;
            if (valid) _forbidden("valid model rejected");
        }
    }

    /// @dev A base model trained on one dataset.
    function _registerValid(uint256 seed) internal override {
        uint256[] memory datasetIds = new uint256[](1);
        datasetIds[0] = 1 + (seed % DATASETS);
        ModelNFT.RegisterParams memory p = ModelNFT.RegisterParams({
            datasetIds: datasetIds,
            parentIds: new uint256[](0),
            relation: ModelNFT.Relation.None,
            weightsHash: keccak256(abi.encode("weights", seed, ids.length)),
            trainingLogHead: 0,
            fingerprintRoot: 0,
            tokenURI: ""
        });
        _register(_actor(seed), p);
    }

    function _token() internal view override returns (CompactTokenURI) {
        return nft;
    }

    /// @dev `count` distinct ids from 1..n (fewer if n is smaller), scrambled by `seed`.
    function _pick(uint256 seed, uint256 n, uint256 count) private pure returns (uint256[] memory picked) {
        if (count > n) count = n;
        picked = new uint256[](count);
        uint256 size = 0;
        for (uint256 k = 0; size < count && k < 4 * count; ++k) {
            uint256 id = 1 + (uint256(keccak256(abi.encode(seed, k))) % n);
            bool seen = false;
            for (uint256 j = 0; j < size; ++j) if (picked[j] == id) seen = true;
            if (!seen) picked[size++] = id;
        }
        assembly ("memory-safe") {
            mstore(picked, size)
        }
    }

    /// @dev The registration rules, restated independently of the contract.
    function _valid(ModelNFT.RegisterParams memory p) private view returns (bool) {
        if (p.weightsHash == 0) return false;
        if (p.datasetIds.length == 0 && p.parentIds.length == 0) return false;
        for (uint256 k = 0; k < p.parentIds.length; ++k) if (p.parentIds[k] > ids.length) return false;
        uint256 parents = p.parentIds.length;
        if (p.relation == ModelNFT.Relation.None) return parents == 0;
        if (p.relation == ModelNFT.Relation.Merge) return parents >= 2;
        return parents == 1;
    }
}

/// @dev Invariants of ModelNFT: acyclic lineage, ancestors = the reference walk, immutable commitments, metadata.
contract ModelNFTInvariantTest {
    DatasetNFT private datasets;
    ModelNFT private nft;
    ModelHandler private handler;

    function setUp() public {
        datasets = new DatasetNFT();
        for (uint256 k = 1; k <= 5; ++k) {
            datasets.register(bytes32(k), uint64(k), Cid.toString(Cid.DAG_PB, bytes32(k)), "", 0);
        }
        nft = new ModelNFT(datasets);
        handler = new ModelHandler(nft);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function afterInvariant() public view {
        VM.assertTrue(handler.registrations() > 0, "the run registered no model");
        VM.assertEq(handler.registrations(), handler.idCount(), "every accepted registration is tracked");
        VM.assertEq(nft.modelCount(), handler.idCount(), "modelCount");
    }

    function test_HandlerReachesEveryOutcome() public {
        handler.register(0, 1, 1, bytes32(uint256(1)), 0, 1, bytes32(uint256(1))); // alice: base model: id 1
        handler.register(1, 2 | (1 << 8) | (1 << 128), 1, bytes32(uint256(2)), 0, 0, 0); // bob: finetune of 1: id 2
        handler.register(1, 2 | (1 << 8) | (1 << 128), 0, bytes32(uint256(3)), 0, 0, 0); // relation None: rejected
        handler.register(2, 3 | (2 << 8) | (1 << 128), 1, bytes32(uint256(4)), 0, 0, 0); // carol: merge of 1, 2: id 3
        handler.setTokenURI(0, 0, 1, bytes32(uint256(4))); // alice edits id 1
        handler.setTokenURI(1, 0, 1, bytes32(uint256(5))); // bob cannot edit id 1
        handler.freezeMetadata(0, 0);
        handler.freezeMetadata(0, 0); // twice: rejected
        handler.transfer(1, 0); // bob gives id 2 to alice
        VM.assertFalse(handler.forbiddenCallSucceeded(), handler.forbiddenCall());
        VM.assertEq(handler.registrations(), 3, "registrations");
        VM.assertEq(handler.rejections(), 1, "rejections");
        VM.assertEq(handler.edits(), 1, "edits");
        VM.assertEq(handler.rejectedEdits(), 1, "rejected edits");
        VM.assertEq(handler.freezes(), 1, "freezes");
        VM.assertEq(handler.rejectedFreezes(), 1, "rejected freezes");
        VM.assertEq(handler.transfers(), 1, "transfers");
        VM.assertEq(nft.parentsOf(3).length, 2, "a merge of two");
        ReferenceLineage.check(nft, 3, 0, 10);
        (uint256[] memory up, ) = nft.ancestors(3, 0, 10);
        VM.assertEq(up.length, 2, "3 -> {1, 2}, 2 -> 1: the diamond lists 1 once");
    }

    function test_ActionsOnAnEmptyRegistryRegisterFirst() public {
        handler.freezeMetadata(0, 0);
        VM.assertEq(handler.registrations(), 1, "registered before freezing");
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_NoForbiddenCallSucceeded() public view {
        VM.assertFalse(handler.forbiddenCallSucceeded(), handler.forbiddenCall());
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_LineageIsAcyclicAndAncestorsAreTheReferenceWalk() public view {
        uint256 n = nft.modelCount();
        for (uint256 id = 1; id <= n; ++id) {
            uint256[] memory parents = nft.parentsOf(id);
            for (uint256 k = 0; k < parents.length; ++k) {
                VM.assertLt(parents[k], id, "parent id below child id");
                VM.assertTrue(parents[k] != 0, "parent id non-zero");
            }
            (uint256[] memory up, bool more) = nft.ancestors(id, 0, nft.MAX_ANCESTOR_WINDOW());
            VM.assertFalse(more, "small lineages fit one window");
            for (uint256 k = 0; k < up.length; ++k) VM.assertLt(up[k], id, "ancestor id below descendant id");
            ReferenceLineage.check(nft, id, 0, nft.MAX_ANCESTOR_WINDOW());
            ReferenceLineage.check(nft, id, id % 3, 1 + (id % 4));
        }
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_CommitmentsNeverChange() public view {
        uint256 n = handler.idCount();
        VM.assertEq(nft.modelCount(), n, "modelCount");
        for (uint256 k = 0; k < n; ++k) {
            uint256 id = handler.ids(k);
            ModelNFT.Model memory m = nft.model(id);
            VM.assertEq(m.weightsHash, handler.weightsHash(id), "weightsHash");
            VM.assertEq(m.trainingLogHead, handler.trainingLogHead(id), "trainingLogHead");
            VM.assertEq(m.fingerprintRoot, handler.fingerprintRoot(id), "fingerprintRoot");
            VM.assertEq(uint256(m.relation), uint256(handler.relation(id)), "relation");
            VM.assertEq(m.registrant, handler.registrant(id), "registrant, across transfers");
            VM.assertEq(m.registeredAt, handler.registeredAt(id), "registeredAt");
            VM.assertEq(abi.encode(m.datasetIds), abi.encode(handler.datasetIdsOf(id)), "datasetIds");
            VM.assertEq(abi.encode(m.parentIds), abi.encode(handler.parentIdsOf(id)), "parentIds");
            VM.assertEq(abi.encode(nft.datasetsOf(id)), abi.encode(handler.datasetIdsOf(id)), "datasetsOf");
        }
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_OnlyOwnersEditMetadata() public view {
        uint256 n = handler.idCount();
        for (uint256 k = 0; k < n; ++k) {
            uint256 id = handler.ids(k);
            VM.assertEq(nft.tokenURI(id), handler.expectedURI(id), "tokenURI changed only by owner edits");
            if (handler.frozen(id)) {
                VM.assertTrue(nft.metadataFrozen(id), "still frozen");
                VM.assertEq(nft.tokenURI(id), handler.frozenURI(id), "frozen URI unchanged");
            }
        }
    }
}

/// @dev Property tests of ModelNFT.register and ancestors against their documented rules, restated here.
contract ModelNFTRulesFuzzTest {
    uint256 private constant KNOWN_DATASETS = 64;
    uint256 private constant KNOWN_MODELS = 16;

    uint256 private constant DUPLICATE_DATASET = 1;
    uint256 private constant DUPLICATE_PARENT = 2;
    uint256 private constant UNKNOWN_DATASET = 4;
    uint256 private constant UNKNOWN_PARENT = 8;
    uint256 private constant ZERO_WEIGHTS = 16;

    DatasetNFT private datasets;
    ModelNFT private nft;

    /// @dev 64 datasets and 16 base models: enough for every accepted combination of counts.
    function setUp() public {
        datasets = new DatasetNFT();
        for (uint256 k = 1; k <= KNOWN_DATASETS; ++k) {
            datasets.register(bytes32(k), 1, Cid.toString(Cid.DAG_PB, bytes32(k)), "", 0);
        }
        nft = new ModelNFT(datasets);
        for (uint256 k = 1; k <= KNOWN_MODELS; ++k) {
            nft.register(_params(_ids(1, 0, KNOWN_DATASETS), new uint256[](0), ModelNFT.Relation.None, bytes32(k)));
        }
    }

    /**
     * @dev Random relation x dataset count (0..66) x parent count (0..18) x flaws (a duplicate or unknown dataset
     * or parent at a random position, a zero weights hash): accepted iff every rule holds, else rejected with the
     * error of the first rule broken, in the documented order.
     */
    function testFuzz_RegisterAcceptsExactlyTheDocumentedRules(
        uint8 relationSeed,
        uint8 datasetSeed,
        uint8 parentSeed,
        uint8 flaws,
        uint256 positions
    ) public {
        uint256 datasetCount = datasetSeed < 160 ? datasetSeed % 4 : datasetSeed % (64 + 3);
        uint256 parentCount = parentSeed < 160 ? parentSeed % 4 : parentSeed % (16 + 3);
        uint256[] memory datasetIds = _ids(datasetCount, positions % KNOWN_DATASETS, KNOWN_DATASETS);
        uint256[] memory parentIds = _ids(parentCount, (positions >> 8) % KNOWN_MODELS, KNOWN_MODELS);
        _flaw(datasetIds, flaws & DUPLICATE_DATASET != 0, flaws & UNKNOWN_DATASET != 0, positions >> 16, KNOWN_DATASETS);
        _flaw(parentIds, flaws & DUPLICATE_PARENT != 0, flaws & UNKNOWN_PARENT != 0, positions >> 64, KNOWN_MODELS);
        ModelNFT.RegisterParams memory p = _params(
            datasetIds,
            parentIds,
            ModelNFT.Relation(relationSeed % 5),
            flaws & ZERO_WEIGHTS != 0 ? bytes32(0) : keccak256(abi.encode(positions))
        );

        bytes memory expected = _expectedError(p);
        if (expected.length == 0) {
            VM.expectEmit(true, true, true, true);
            emit ModelNFT.ModelRegistered(
                KNOWN_MODELS + 1,
                address(this),
                p.weightsHash,
                p.relation,
                p.datasetIds,
                p.parentIds,
                p.trainingLogHead,
                p.fingerprintRoot,
                p.tokenURI
            );
        }
        try nft.register(p) returns (uint256 id) {
            VM.assertEq(expected.length, 0, "accepted although a rule is broken");
            VM.assertEq(id, KNOWN_MODELS + 1, "sequential id");
            VM.assertEq(abi.encode(nft.datasetsOf(id)), abi.encode(datasetIds), "dataset ids kept in order");
            VM.assertEq(abi.encode(nft.parentsOf(id)), abi.encode(parentIds), "parent ids kept in order");
            VM.assertEq(uint256(nft.model(id).relation), uint256(p.relation), "relation");
            VM.assertEq(nft.ownerOf(id), address(this), "minted to the caller (a contract without onERC721Received)");
        } catch (bytes memory reason) {
            VM.assertTrue(expected.length != 0, "rejected although every rule holds");
            VM.assertEq(reason, expected, "the error of the first rule broken");
        }
    }

    /**
     * @dev A random dense lineage of up to 48 models (each with up to 16 parents among the earlier ones: diamonds
     * everywhere); ancestors of a random model in a random window equal the reference walk's.
     */
    function testFuzz_AncestorsAreTheReferenceWalk(uint256 seed, uint256 models, uint256 offset, uint256 limit) public {
        models = 1 + (models % 32);
        for (uint256 m = 0; m < models; ++m) {
            uint256 existing = nft.modelCount();
            uint256 count = uint256(keccak256(abi.encode(seed, m))) % 17;
            if (count > existing) count = existing;
            uint256[] memory parents = _ids(count, uint256(keccak256(abi.encode(seed, "start", m))) % existing, existing);
            ModelNFT.Relation rel = count == 0
                ? ModelNFT.Relation.None
                : (count == 1 ? ModelNFT.Relation.Finetune : ModelNFT.Relation.Merge);
            nft.register(_params(_ids(1, m, KNOWN_DATASETS), parents, rel, keccak256(abi.encode(seed, m))));
        }
        uint256 id = 1 + (seed % nft.modelCount());
        offset = offset % 40;
        limit = limit % 40;
        ReferenceLineage.check(nft, id, offset, limit);
        ReferenceLineage.check(nft, id, 0, nft.MAX_ANCESTOR_WINDOW());
    }

    function test_AncestorWindowIsCappedAtMaxAncestorWindow() public {
        uint256 max = nft.MAX_ANCESTOR_WINDOW();
        (uint256[] memory ids, bool more) = nft.ancestors(1, 0, max);
        VM.assertEq(ids.length, 0, "a base model has no ancestors");
        VM.assertFalse(more, "nothing more");
        nft.ancestors(1, max, 0);
        nft.ancestors(1, 24, max - 24);
        bytes memory err = abi.encodeWithSelector(ModelNFT.ModelAncestorWindowTooLarge.selector, 0, max + 1);
        VM.expectRevert(err);
        nft.ancestors(1, 0, max + 1);
        VM.expectRevert(abi.encodeWithSelector(ModelNFT.ModelAncestorWindowTooLarge.selector, max + 1, 0));
        nft.ancestors(1, max + 1, 0);
        VM.expectRevert(abi.encodeWithSelector(ModelNFT.ModelAncestorWindowTooLarge.selector, 25, max - 24));
        nft.ancestors(1, 25, max - 24);
        VM.expectRevert(abi.encodeWithSelector(ModelNFT.ModelAncestorWindowTooLarge.selector, 1, type(uint256).max));
        nft.ancestors(1, 1, type(uint256).max);
        VM.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 99));
        nft.ancestors(99, 0, 1);
    }

    function test_ConstructorRejectsARegistryWithoutCode() public {
        address eoa = address(0xDEAD);
        VM.expectRevert(abi.encodeWithSelector(ModelNFT.ModelInvalidDatasetNFT.selector, eoa));
        new ModelNFT(IDatasetNFT(eoa));
    }

    /// @dev The rules of docs/contracts.md, in order; empty if `p` must be accepted.
    function _expectedError(ModelNFT.RegisterParams memory p) private pure returns (bytes memory) {
        uint256 d = p.datasetIds.length;
        uint256 n = p.parentIds.length;
        if (d > 64) return abi.encodeWithSelector(ModelNFT.ModelTooManyDatasets.selector, d, 64);
        if (n > 16) return abi.encodeWithSelector(ModelNFT.ModelTooManyParents.selector, n, 16);
        if (d == 0 && n == 0) return abi.encodeWithSelector(ModelNFT.ModelMissingProvenance.selector);
        bool fits = p.relation == ModelNFT.Relation.None
            ? n == 0
            : (p.relation == ModelNFT.Relation.Merge ? n >= 2 : n == 1);
        if (!fits) return abi.encodeWithSelector(ModelNFT.ModelRelationMismatch.selector, p.relation, n);
        if (p.weightsHash == 0) return abi.encodeWithSelector(ModelNFT.ModelZeroWeightsHash.selector);
        for (uint256 k = 0; k < d; ++k) {
            uint256 id = p.datasetIds[k];
            if (id == 0 || id > KNOWN_DATASETS) return abi.encodeWithSelector(ModelNFT.ModelUnknownDataset.selector, id);
            for (uint256 j = 0; j < k; ++j) {
                if (p.datasetIds[j] == id) return abi.encodeWithSelector(ModelNFT.ModelDuplicateDataset.selector, id);
            }
        }
        for (uint256 k = 0; k < n; ++k) {
            uint256 id = p.parentIds[k];
            if (id == 0 || id > KNOWN_MODELS) return abi.encodeWithSelector(ModelNFT.ModelUnknownParent.selector, id);
            for (uint256 j = 0; j < k; ++j) {
                if (p.parentIds[j] == id) return abi.encodeWithSelector(ModelNFT.ModelDuplicateParent.selector, id);
            }
        }
        return "";
    }

    /// @dev `count` ids 1..known starting after `start`, wrapping (so distinct while count <= known).
    function _ids(uint256 count, uint256 start, uint256 known) private pure returns (uint256[] memory ids) {
        ids = new uint256[](count);
        for (uint256 k = 0; k < count; ++k) ids[k] = 1 + ((start + k) % known);
    }

    /// @dev Copies an earlier id over a later one, and/or puts an unknown id (0 or known + 1) at a random position.
    function _flaw(uint256[] memory ids, bool duplicate, bool unknown, uint256 seed, uint256 known) private pure {
        uint256 n = ids.length;
        if (duplicate && n >= 2) {
            uint256 later = 1 + (seed % (n - 1));
            ids[later] = ids[(seed >> 8) % later];
        }
        if (unknown && n >= 1) ids[(seed >> 16) % n] = (seed >> 24) % 2 == 0 ? 0 : known + 1;
    }

    function _params(
        uint256[] memory datasetIds,
        uint256[] memory parentIds,
        ModelNFT.Relation relation,
        bytes32 weightsHash
    ) private pure returns (ModelNFT.RegisterParams memory) {
        return
            ModelNFT.RegisterParams({
                datasetIds: datasetIds,
                parentIds: parentIds,
                relation: relation,
                weightsHash: weightsHash,
                trainingLogHead: keccak256(abi.encode("log", weightsHash)),
                fingerprintRoot: keccak256(abi.encode("fingerprints", weightsHash)),
                tokenURI: "ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
            });
    }
}
