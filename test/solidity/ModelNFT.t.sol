// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Cid} from "../../contracts/cid/Cid.sol";
import {DatasetNFT} from "../../contracts/DatasetNFT.sol";
import {ModelNFT} from "../../contracts/ModelNFT.sol";
import {CompactTokenURI} from "../../contracts/token/CompactTokenURI.sol";
import {MetadataHandler} from "./utils/MetadataHandler.sol";
import {VM} from "./utils/Vm.sol";

/// @dev Registers models with random (sometimes invalid) links, edits metadata, transfers.
contract ModelHandler is MetadataHandler {
    uint256 public constant DATASETS = 5;

    ModelNFT public immutable nft;

    mapping(uint256 tokenId => bytes32) public weightsHash;
    mapping(uint256 tokenId => bytes32) public trainingLogHead;
    mapping(uint256 tokenId => bytes32) public fingerprintRoot;
    mapping(uint256 tokenId => ModelNFT.Relation) public relation;
    mapping(uint256 tokenId => address) public registrant;
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

    /// @dev Picks up to 3 datasets and 3 parents from the ids that exist, plus (sometimes) one that does not.
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
        uint256[] memory parentIds = _pick(linkSeed >> 64, ids.length, (linkSeed >> 8) % 4);
        if ((linkSeed >> 128) % 8 == 0 && parentIds.length > 0) parentIds[0] = ids.length + 1; // unknown parent
        ModelNFT.RegisterParams memory p = ModelNFT.RegisterParams({
            datasetIds: datasetIds,
            parentIds: parentIds,
            relation: ModelNFT.Relation(relationSeed % 5),
            weightsHash: weights,
            trainingLogHead: log,
            fingerprintRoot: keccak256(abi.encode(weights)),
            tokenURI: _uri(uriSeed, digest)
        });
        _register(_actor(actorSeed), p);
    }

    /// @dev `actor` registers `p`; the outcome must match the rules ({_valid}) and is recorded.
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

    /// @dev `count` distinct ids from 1..n (fewer if n is smaller), order scrambled by `seed`.
    function _pick(uint256 seed, uint256 n, uint256 count) private pure returns (uint256[] memory picked) {
        if (count > n) count = n;
        picked = new uint256[](count);
        uint256 start = n == 0 ? 0 : seed % n;
        for (uint256 k = 0; k < count; ++k) picked[k] = 1 + ((start + k * 7) % n);
        // k * 7 mod n may repeat when n is a multiple of 7; drop repeats by shrinking.
        uint256 size = 0;
        for (uint256 k = 0; k < count; ++k) {
            bool seen = false;
            for (uint256 j = 0; j < size; ++j) if (picked[j] == picked[k]) seen = true;
            if (!seen) picked[size++] = picked[k];
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

/// @dev Invariants of ModelNFT: acyclic lineage, immutable commitments, owner-only metadata.
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

    /// @dev The setUp datasets are minted to this contract; accept them.
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return this.onERC721Received.selector;
    }

    /// @dev After every run: the run registered models (each action registers one when there is none, so only a run
    /// whose every call reverted could fail this, and `failOnRevert` reports such reverts first), and each accepted
    /// registration became a token.
    function afterInvariant() public view {
        VM.assertTrue(handler.registrations() > 0, "the run registered no model: no progress (or a handler call reverted)");
        VM.assertEq(handler.registrations(), handler.idCount(), "every accepted registration is tracked");
        VM.assertEq(nft.modelCount(), handler.idCount(), "modelCount");
    }

    /// @dev A fixed call sequence reaches every outcome the handler counts (accepted and rejected registrations,
    /// edits, freezes, transfers), so the random runs can make progress on each path the invariants rely on.
    function test_HandlerReachesEveryOutcome() public {
        handler.register(0, 1, 0, bytes32(uint256(1)), 0, 1, bytes32(uint256(1))); // alice: base model, 1 dataset: id 1
        handler.register(1, 2 | (1 << 8) | (1 << 128), 1, bytes32(uint256(2)), 0, 0, 0); // bob: finetune of id 1: id 2
        handler.register(1, 2 | (1 << 8) | (1 << 128), 0, bytes32(uint256(3)), 0, 0, 0); // None with a parent: rejected
        handler.setTokenURI(0, 0, 1, bytes32(uint256(4))); // alice edits id 1
        handler.setTokenURI(1, 0, 1, bytes32(uint256(5))); // bob cannot edit id 1
        handler.freezeMetadata(0, 0); // alice freezes id 1
        handler.freezeMetadata(0, 0); // twice: rejected
        handler.transfer(1, 0); // bob gives id 2 to alice
        VM.assertFalse(handler.forbiddenCallSucceeded(), handler.forbiddenCall());
        VM.assertEq(handler.registrations(), 2, "registrations");
        VM.assertEq(handler.rejections(), 1, "rejections");
        VM.assertEq(handler.edits(), 1, "edits");
        VM.assertEq(handler.rejectedEdits(), 1, "rejected edits");
        VM.assertEq(handler.freezes(), 1, "freezes");
        VM.assertEq(handler.rejectedFreezes(), 1, "rejected freezes");
        VM.assertEq(handler.transfers(), 1, "transfers");
        VM.assertEq(nft.parentsOf(2)[0], 1, "finetune links its parent");
        VM.assertEq(nft.ownerOf(2), address(0xA11CE), "transferred");
    }

    /// @dev An action on an empty registry registers a model first instead of doing nothing.
    function test_ActionsOnAnEmptyRegistryRegisterFirst() public {
        handler.freezeMetadata(0, 0);
        VM.assertEq(handler.registrations(), 1, "registered before freezing");
        VM.assertEq(nft.modelCount(), 1, "modelCount");
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_LineageIsAcyclic() public view {
        uint256 n = nft.modelCount();
        for (uint256 id = 1; id <= n; ++id) {
            uint256[] memory parents = nft.parentsOf(id);
            for (uint256 k = 0; k < parents.length; ++k) {
                VM.assertLt(parents[k], id, "parent id below child id");
                VM.assertTrue(parents[k] != 0, "parent id non-zero");
            }
            uint256[] memory up = nft.ancestors(id, type(uint256).max);
            for (uint256 k = 0; k < up.length; ++k) {
                VM.assertLt(up[k], id, "ancestor id below descendant id");
                for (uint256 j = 0; j < k; ++j) VM.assertTrue(up[j] != up[k], "each ancestor once");
            }
        }
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_CommitmentsNeverChange() public view {
        VM.assertFalse(handler.forbiddenCallSucceeded(), handler.forbiddenCall());
        uint256 n = handler.idCount();
        VM.assertEq(nft.modelCount(), n, "modelCount");
        for (uint256 k = 0; k < n; ++k) {
            uint256 id = handler.ids(k);
            ModelNFT.Model memory m = nft.model(id);
            VM.assertEq(m.weightsHash, handler.weightsHash(id), "weightsHash");
            VM.assertEq(m.trainingLogHead, handler.trainingLogHead(id), "trainingLogHead");
            VM.assertEq(m.fingerprintRoot, handler.fingerprintRoot(id), "fingerprintRoot");
            VM.assertEq(uint256(m.relation), uint256(handler.relation(id)), "relation");
            VM.assertEq(m.registrant, handler.registrant(id), "registrant");
            VM.assertEq(abi.encode(m.datasetIds), abi.encode(handler.datasetIdsOf(id)), "datasetIds");
            VM.assertEq(abi.encode(m.parentIds), abi.encode(handler.parentIdsOf(id)), "parentIds");
        }
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_OnlyOwnersEditMetadata() public view {
        VM.assertFalse(handler.forbiddenCallSucceeded(), handler.forbiddenCall());
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

/// @dev Property tests of ModelNFT.register against its documented rules (docs/contracts.md), restated here.
contract ModelNFTRegisterRulesFuzzTest {
    uint256 private constant KNOWN_DATASETS = 64;
    uint256 private constant KNOWN_MODELS = 16;

    DatasetNFT private datasets;
    ModelNFT private nft;

    uint256 private constant DUPLICATE_DATASET = 1;
    uint256 private constant DUPLICATE_PARENT = 2;
    uint256 private constant UNKNOWN_DATASET = 4;
    uint256 private constant UNKNOWN_PARENT = 8;
    uint256 private constant ZERO_WEIGHTS = 16;

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
        // Small counts most of the time, so that accepted registrations are frequent; any count up to 2 over the cap
        // otherwise.
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
        try nft.register(p) returns (uint256 id) {
            VM.assertEq(expected.length, 0, "accepted although a rule is broken");
            VM.assertEq(id, KNOWN_MODELS + 1, "sequential id");
            VM.assertEq(abi.encode(nft.datasetsOf(id)), abi.encode(datasetIds), "dataset ids kept in order");
            VM.assertEq(abi.encode(nft.parentsOf(id)), abi.encode(parentIds), "parent ids kept in order");
            VM.assertEq(uint256(nft.model(id).relation), uint256(p.relation), "relation");
        } catch (bytes memory reason) {
            VM.assertTrue(expected.length != 0, "rejected although every rule holds");
            VM.assertEq(reason, expected, "the error of the first rule broken");
        }
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
                trainingLogHead: 0,
                fingerprintRoot: 0,
                tokenURI: ""
            });
    }

    /// @dev Minted tokens land here; accept them.
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return this.onERC721Received.selector;
    }
}

