// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DatasetNFT} from "../../contracts/DatasetNFT.sol";
import {IDatasetNFT} from "../../contracts/interfaces/IDatasetNFT.sol";
import {ModelNFT} from "../../contracts/ModelNFT.sol";
import {CompactTokenURI} from "../../contracts/token/CompactTokenURI.sol";
import {VM} from "./utils/Vm.sol";

string constant MANIFEST = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
string constant URI = "ipfs://bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su";

/**
 * @dev A hostile token receiver: when sent a token with `safeTransferFrom`, it re-enters the registry from
 * `onERC721Received` — rewrites and freezes the token's URI, registers the same root as its own, tries to name the
 * received token as a previous version, and forwards the token to `next` — all in the middle of the transfer.
 */
contract HostileReceiver {
    DatasetNFT public immutable nft;
    address public immutable next;
    uint256 public registered;
    uint256 public versioned;

    constructor(DatasetNFT nft_, address next_) {
        nft = nft_;
        next = next_;
    }

    function onERC721Received(address, address, uint256 tokenId, bytes calldata) external returns (bytes4) {
        nft.setTokenURI(tokenId, "hostile://rewritten");
        nft.freezeMetadata(tokenId);
        bytes32 root = nft.dataset(tokenId).root;
        registered = nft.register(root, 1, MANIFEST, "", 0);
        // It owns tokenId now, so it may name it as a previous version (documented: the owner may).
        versioned = nft.register(keccak256(abi.encode(root, "v2")), 1, MANIFEST, "", tokenId);
        nft.transferFrom(address(this), next, tokenId);
        return this.onERC721Received.selector;
    }
}

/**
 * @dev A contract account that answers nothing: no `onERC721Received`, and a fallback that reverts on every call
 * (like a native Filecoin actor seen from the EVM, which has code but runs no EVM callback). It registers datasets
 * and models and must receive their tokens.
 */
contract MuteRegistrant {
    function registerDataset(DatasetNFT nft, bytes32 root) external returns (uint256) {
        return nft.register(root, 1, MANIFEST, URI, 0);
    }

    function registerModel(ModelNFT nft, ModelNFT.RegisterParams calldata p) external returns (uint256) {
        return nft.register(p);
    }

    fallback() external {
        revert("mute");
    }
}

/**
 * @dev Adversarial review, 2026-12-06: attacks on registration keying (squatting), versions, minting to contract
 * accounts, re-entrancy through ERC-721 hooks, and ModelNFT's lineage rules and ancestor walk. Every attack here
 * FAILED; each test is named for the property it protects.
 */
contract AttackRegistriesTest {
    DatasetNFT private nft;
    ModelNFT private models;

    address private constant CURATOR = address(0xC0FFEE);
    address private constant SQUATTER = address(0x5017);
    address private constant BUYER = address(0xB11);

    function setUp() public {
        nft = new DatasetNFT();
        models = new ModelNFT(nft);
    }

    function _register(address who, bytes32 root, uint64 leafCount, uint256 previousVersion) private returns (uint256) {
        VM.prank(who);
        return nft.register(root, leafCount, MANIFEST, URI, previousVersion);
    }

    // ─── (2) squatting and registration keying ─────────────────────────────────────────────────────────────────

    /// @dev The squatter registers the curator's public root first, from many accounts, with junk counts, and then
    /// GIVES its tokens to the curator (unsolicited transfers). None of it blocks the curator, moves the curator's
    /// slot, or makes the curator the registrant of a squatter's token.
    function test_SquattersCannotBlockOrImpersonateTheCurator_EvenByGivingItTheirTokens() public {
        bytes32 root = keccak256("public dataset root");
        uint256[] memory squats = new uint256[](5);
        for (uint256 k = 0; k < squats.length; ++k) {
            address squatter = address(uint160(0x5017 + k));
            squats[k] = _register(squatter, root, uint64(1 + k), 0);
            VM.prank(squatter);
            nft.transferFrom(squatter, CURATOR, squats[k]);
            VM.assertEq(nft.registrantOf(squats[k]), squatter, "the giver stays the registrant");
        }
        VM.assertEq(nft.tokenOf(root, CURATOR), 0, "owning squatters' tokens is not having registered the root");
        uint256 mine = _register(CURATOR, root, 100, 0);
        VM.assertEq(nft.tokenOf(root, CURATOR), mine, "the curator's own registration");
        VM.assertEq(nft.registrantOf(mine), CURATOR, "registrant");
        VM.assertEq(nft.rootTokenCount(root), 6, "six registrations of the root");
        for (uint256 k = 0; k < squats.length; ++k) {
            VM.assertEq(nft.tokenOf(root, address(uint160(0x5017 + k))), squats[k], "each squatter keeps its own");
        }
    }

    /// @dev (registrant, root) is permanent: selling the token neither lets the curator register the root again
    /// nor makes the buyer its registrant; the buyer may register the root itself, as a separate registration.
    function test_ARegistrationStaysWithItsRegistrantAcrossASale() public {
        bytes32 root = keccak256("curated");
        uint256 first = _register(CURATOR, root, 10, 0);
        VM.prank(CURATOR);
        nft.transferFrom(CURATOR, BUYER, first);
        VM.prank(CURATOR);
        VM.expectRevert(abi.encodeWithSelector(IDatasetNFT.DatasetAlreadyRegistered.selector, root, CURATOR, first));
        nft.register(root, 10, MANIFEST, "", 0);
        VM.assertEq(nft.tokenOf(root, BUYER), 0, "the buyer owns, but did not register");
        uint256 buyers = _register(BUYER, root, 10, 0);
        VM.assertEq(nft.tokenOf(root, BUYER), buyers, "the buyer's own registration");
        VM.assertEq(nft.tokenOf(root, CURATOR), first, "the curator's is unchanged");
        VM.assertEq(nft.registrantOf(first), CURATOR, "and still the curator's");
    }

    /// @dev Another root whose first registrant is the caller must not be confused with this root: tokenOf reads the
    /// first registrant of THIS root only (the shortcut that saves a slot).
    function test_FirstRegistrationShortcutIsPerRoot() public {
        bytes32 a = keccak256("root a");
        bytes32 b = keccak256("root b");
        uint256 curatorsA = _register(CURATOR, a, 1, 0);
        uint256 squattersB = _register(SQUATTER, b, 1, 0);
        VM.assertEq(nft.tokenOf(b, CURATOR), 0, "curator never registered b");
        VM.assertEq(nft.tokenOf(a, SQUATTER), 0, "squatter never registered a");
        uint256 curatorsB = _register(CURATOR, b, 1, 0);
        VM.assertEq(nft.tokenOf(b, CURATOR), curatorsB, "curator's b");
        VM.assertEq(nft.tokenOf(b, SQUATTER), squattersB, "squatter's b");
        VM.assertEq(nft.tokenOf(a, CURATOR), curatorsA, "curator's a");
    }

    // ─── versions ──────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev A stranger cannot graft its dataset onto the curator's version chain; ids ≥ 2^64 are not truncated into
    /// existing ones (the record keeps previousVersion in 64 bits); the id being minted cannot name itself.
    function test_PreviousVersionIsNeitherStealableNorTruncated() public {
        uint256 v1 = _register(CURATOR, keccak256("v1"), 1, 0);
        VM.prank(SQUATTER);
        VM.expectRevert(abi.encodeWithSelector(IDatasetNFT.DatasetPreviousVersionNotYours.selector, v1, SQUATTER));
        nft.register(keccak256("fake v2"), 1, MANIFEST, "", v1);
        uint256 wrapped = (uint256(1) << 64) + v1;
        VM.prank(CURATOR);
        VM.expectRevert(abi.encodeWithSelector(IDatasetNFT.DatasetUnknownPreviousVersion.selector, wrapped));
        nft.register(keccak256("v2"), 1, MANIFEST, "", wrapped);
        VM.prank(CURATOR);
        VM.expectRevert(abi.encodeWithSelector(IDatasetNFT.DatasetUnknownPreviousVersion.selector, v1 + 1));
        nft.register(keccak256("v2"), 1, MANIFEST, "", v1 + 1);
        VM.prank(CURATOR);
        VM.expectRevert(
            abi.encodeWithSelector(IDatasetNFT.DatasetUnknownPreviousVersion.selector, type(uint256).max)
        );
        nft.register(keccak256("v2"), 1, MANIFEST, "", type(uint256).max);
    }

    // ─── (3) minting to contract accounts, (5) re-entrancy ─────────────────────────────────────────────────────

    /// @dev A contract with no receiver hook and a reverting fallback registers a dataset and a model and owns them;
    /// a safe transfer to it fails (the standard's receiver check, here the fallback's revert) while a plain transfer works.
    function test_ContractsThatAnswerNothingCanRegisterAndOwn() public {
        MuteRegistrant mute = new MuteRegistrant();
        uint256 d = mute.registerDataset(nft, keccak256("from a mute contract"));
        VM.assertEq(nft.ownerOf(d), address(mute), "dataset minted to the contract");
        VM.assertEq(nft.registrantOf(d), address(mute), "registrant");
        uint256[] memory ids = new uint256[](1);
        ids[0] = d;
        uint256 m = mute.registerModel(
            models,
            ModelNFT.RegisterParams(ids, new uint256[](0), ModelNFT.Relation.None, keccak256("w"), 0, 0, URI)
        );
        VM.assertEq(models.ownerOf(m), address(mute), "model minted to the contract");
        uint256 mine = nft.register(keccak256("mine"), 1, MANIFEST, "", 0);
        // OpenZeppelin bubbles the receiver's revert up (an empty revert would give ERC721InvalidReceiver).
        VM.expectRevert(abi.encodeWithSignature("Error(string)", "mute"));
        nft.safeTransferFrom(address(this), address(mute), mine);
        nft.transferFrom(address(this), address(mute), mine);
        VM.assertEq(nft.ownerOf(mine), address(mute), "plain transfer to it works");
    }

    /// @dev A hostile receiver re-enters during safeTransferFrom (edits and freezes the URI, registers, claims a
    /// version, forwards the token). Afterwards the commitment and the registrant of the transferred token are
    /// exactly as registered, ownership is consistent, and the receiver's own registrations are keyed to it.
    function test_ReentryThroughOnERC721ReceivedChangesNoCommitment() public {
        bytes32 root = keccak256("transferred");
        uint256 id = _register(CURATOR, root, 42, 0);
        IDatasetNFT.Dataset memory before = nft.dataset(id);
        HostileReceiver hostile = new HostileReceiver(nft, BUYER);
        VM.prank(CURATOR);
        nft.safeTransferFrom(CURATOR, address(hostile), id);
        IDatasetNFT.Dataset memory afterwards = nft.dataset(id);
        VM.assertEq(afterwards.root, before.root, "root");
        VM.assertEq(afterwards.leafCount, before.leafCount, "leafCount");
        VM.assertEq(afterwards.manifestCid, before.manifestCid, "manifest");
        VM.assertEq(afterwards.registeredAt, before.registeredAt, "registeredAt");
        VM.assertEq(afterwards.previousVersion, before.previousVersion, "previousVersion");
        VM.assertEq(nft.registrantOf(id), CURATOR, "registrant survives a re-entrant hop");
        VM.assertEq(nft.ownerOf(id), BUYER, "forwarded inside the hook");
        VM.assertEq(nft.balanceOf(address(hostile)), 2, "only its own two registrations");
        VM.assertEq(nft.tokenOf(root, address(hostile)), hostile.registered(), "its registration of the root");
        VM.assertEq(nft.tokenOf(root, CURATOR), id, "the curator's is unchanged");
        VM.assertEq(nft.dataset(hostile.versioned()).previousVersion, id, "owner-claimed version (documented)");
        VM.assertTrue(nft.metadataFrozen(id), "the URI the hostile owner froze stays frozen");
        VM.prank(BUYER);
        VM.expectRevert(abi.encodeWithSelector(CompactTokenURI.CompactTokenURIMetadataFrozen.selector, id));
        nft.setTokenURI(id, URI);
    }

    /// @dev An approved operator (a marketplace) may move a token but not edit or freeze its metadata.
    function test_ApprovedOperatorsCannotEditMetadata() public {
        uint256 id = _register(CURATOR, keccak256("approved"), 1, 0);
        VM.prank(CURATOR);
        nft.setApprovalForAll(BUYER, true);
        VM.prank(BUYER);
        VM.expectRevert(
            abi.encodeWithSelector(CompactTokenURI.CompactTokenURIUnauthorizedEditor.selector, id, BUYER)
        );
        nft.setTokenURI(id, "x");
        VM.prank(BUYER);
        VM.expectRevert(
            abi.encodeWithSelector(CompactTokenURI.CompactTokenURIUnauthorizedEditor.selector, id, BUYER)
        );
        nft.freezeMetadata(id);
    }

    // ─── (4) ModelNFT lineage ──────────────────────────────────────────────────────────────────────────────────

    function _ids(uint256 a) private pure returns (uint256[] memory out) {
        out = new uint256[](1);
        out[0] = a;
    }

    function _model(
        uint256[] memory datasetIds,
        uint256[] memory parentIds,
        ModelNFT.Relation relation,
        bytes32 weights
    ) private pure returns (ModelNFT.RegisterParams memory) {
        return ModelNFT.RegisterParams(datasetIds, parentIds, relation, weights, 0, 0, "");
    }

    /// @dev A cycle needs a model that names itself or a later model: the id being minted, the one after, 2^64 + an
    /// existing id (no truncation into the 64-bit link words) and 2^256 − 1 are all unknown parents; dataset ids
    /// likewise (0, count + 1, 2^64 + 1).
    function test_NoCycleAndNoTruncatedLinks() public {
        nft.register(keccak256("d"), 1, MANIFEST, "", 0);
        models.register(_model(_ids(1), new uint256[](0), ModelNFT.Relation.None, keccak256("base")));
        uint256[4] memory badParents = [uint256(2), 3, (uint256(1) << 64) + 1, type(uint256).max];
        for (uint256 k = 0; k < badParents.length; ++k) {
            VM.expectRevert(abi.encodeWithSelector(ModelNFT.ModelUnknownParent.selector, badParents[k]));
            models.register(_model(_ids(1), _ids(badParents[k]), ModelNFT.Relation.Finetune, keccak256("x")));
        }
        uint256[3] memory badDatasets = [uint256(0), 2, (uint256(1) << 64) + 1];
        for (uint256 k = 0; k < badDatasets.length; ++k) {
            VM.expectRevert(abi.encodeWithSelector(ModelNFT.ModelUnknownDataset.selector, badDatasets[k]));
            models.register(_model(_ids(badDatasets[k]), new uint256[](0), ModelNFT.Relation.None, keccak256("x")));
        }
        VM.assertEq(models.modelCount(), 1, "nothing minted by the rejected calls");
    }

    /// @dev Duplicates hidden far apart (first and last of the maximum lists) are caught, for datasets and parents.
    function test_DuplicatesAtTheEndsOfMaximalListsAreRejected() public {
        for (uint256 k = 1; k <= 64; ++k) nft.register(bytes32(k), 1, MANIFEST, "", 0);
        for (uint256 k = 1; k <= 16; ++k) {
            models.register(_model(_ids(k), new uint256[](0), ModelNFT.Relation.None, bytes32(k)));
        }
        uint256[] memory datasets = new uint256[](64);
        for (uint256 k = 0; k < 64; ++k) datasets[k] = k + 1;
        datasets[63] = 1;
        VM.expectRevert(abi.encodeWithSelector(ModelNFT.ModelDuplicateDataset.selector, 1));
        models.register(_model(datasets, new uint256[](0), ModelNFT.Relation.None, keccak256("dup d")));
        uint256[] memory parents = new uint256[](16);
        for (uint256 k = 0; k < 16; ++k) parents[k] = k + 1;
        parents[15] = 1;
        VM.expectRevert(abi.encodeWithSelector(ModelNFT.ModelDuplicateParent.selector, 1));
        models.register(_model(new uint256[](0), parents, ModelNFT.Relation.Merge, keccak256("dup p")));
    }

    /// @dev ancestors' window arguments at and past every edge: no overflow, documented reverts, and a 300-model
    /// chain pages correctly to the cap (256) with `more` set.
    function test_AncestorWindowEdgesOnALongChain() public {
        nft.register(keccak256("d"), 1, MANIFEST, "", 0);
        models.register(_model(_ids(1), new uint256[](0), ModelNFT.Relation.None, bytes32(uint256(1))));
        for (uint256 k = 2; k <= 300; ++k) {
            models.register(_model(new uint256[](0), _ids(k - 1), ModelNFT.Relation.Finetune, bytes32(k)));
        }
        (uint256[] memory all, bool more) = models.ancestors(300, 0, 256);
        VM.assertEq(all.length, 256, "a full window");
        VM.assertTrue(more, "more follow");
        for (uint256 k = 0; k < 256; ++k) VM.assertEq(all[k], 299 - k, "nearest first");
        (uint256[] memory tail, bool tailMore) = models.ancestors(300, 250, 6);
        VM.assertEq(tail.length, 6, "last page inside the cap");
        VM.assertEq(tail[5], 299 - 255, "position 255");
        VM.assertTrue(tailMore, "still more");
        (uint256[] memory none, bool noneMore) = models.ancestors(300, 256, 0);
        VM.assertEq(none.length, 0, "offset at the cap, empty window");
        VM.assertTrue(noneMore, "and more follow");
        (uint256[] memory baseAncestors, bool baseMore) = models.ancestors(1, 0, 256);
        VM.assertEq(baseAncestors.length, 0, "a base model has none");
        VM.assertFalse(baseMore, "and none follow");
        uint256[3][4] memory bad = [
            [uint256(257), 0, 0],
            [uint256(0), 257, 0],
            [type(uint256).max, 1, 0],
            [uint256(1), type(uint256).max, 0]
        ];
        for (uint256 k = 0; k < bad.length; ++k) {
            VM.expectRevert(
                abi.encodeWithSelector(ModelNFT.ModelAncestorWindowTooLarge.selector, bad[k][0], bad[k][1])
            );
            models.ancestors(300, bad[k][0], bad[k][1]);
        }
    }
}
