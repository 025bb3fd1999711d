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
        ModelNFT.Relation rel = ModelNFT.Relation(relationSeed % 5);
        ModelNFT.RegisterParams memory p = ModelNFT.RegisterParams({
            datasetIds: datasetIds,
            parentIds: parentIds,
            relation: rel,
            weightsHash: weights,
            trainingLogHead: log,
            fingerprintRoot: keccak256(abi.encode(weights)),
            tokenURI: _uri(uriSeed, digest)
        });
        bool valid = _valid(p);
        address actor = _actor(actorSeed);

        VM.prank(actor);
        try nft.register(p) returns (uint256 id) {
            ++registrations;
            if (!valid) _forbidden("invalid model registered");
            if (id != ids.length + 1) _forbidden("token id not sequential");
            ids.push(id);
            weightsHash[id] = weights;
            trainingLogHead[id] = log;
            fingerprintRoot[id] = p.fingerprintRoot;
            relation[id] = rel;
            registrant[id] = actor;
            _datasetIds[id] = datasetIds;
            _parentIds[id] = parentIds;
            expectedURI[id] = p.tokenURI;
        } catch {
            ++rejections;
            if (valid) _forbidden("valid model rejected");
        }
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
