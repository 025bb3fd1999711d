// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {Cid} from "../../contracts/cid/Cid.sol";
import {DatasetNFT} from "../../contracts/DatasetNFT.sol";
import {IDatasetNFT} from "../../contracts/interfaces/IDatasetNFT.sol";
import {CompactTokenURI} from "../../contracts/token/CompactTokenURI.sol";
import {MetadataHandler} from "./utils/MetadataHandler.sol";
import {ReferenceTree} from "./utils/ReferenceTree.sol";
import {VM} from "./utils/Vm.sol";

/**
 * @dev Registers a few shared roots from ten accounts (so that every account meets every root, and a root's list
 * fills several storage words), with previous versions claimed by registrants, owners and strangers; transfers and
 * edits tokens. Ghost state: every registration, each root's list, each (registrant, root) token.
 */
contract DatasetHandler is MetadataHandler {
    uint256 public constant ROOTS = 3;

    DatasetNFT public immutable nft;

    mapping(uint256 tokenId => bytes32) public root;
    mapping(uint256 tokenId => uint64) public leafCount;
    mapping(uint256 tokenId => string) public manifestCid;
    mapping(uint256 tokenId => uint256) public previousVersion;
    mapping(uint256 tokenId => address) public registrant;
    mapping(uint256 tokenId => uint256) public registeredAt;
    mapping(bytes32 root => uint256[]) internal _rootTokens;
    mapping(bytes32 root => mapping(address registrant => uint256)) public ghostTokenOf;

    uint256 public registrations;
    uint256 public duplicateRejections;
    uint256 public versionRejections;
    uint256 public versionsByOwnerNotRegistrant;

    constructor(DatasetNFT nft_) {
        nft = nft_;
        for (uint256 k = 3; k < 10; ++k) actors.push(address(uint160(0xD000 + k)));
    }

    function rootAt(uint256 k) public pure returns (bytes32) {
        return keccak256(abi.encode("root", k % ROOTS));
    }

    function rootTokensOf(bytes32 r) external view returns (uint256[] memory) {
        return _rootTokens[r];
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function actorAt(uint256 k) external view returns (address) {
        return actors[k];
    }

    function register(
        uint256 actorSeed,
        uint256 rootSeed,
        uint64 n,
        uint256 uriSeed,
        bytes32 digest,
        uint256 previousSeed
    ) external {
        uint256 previous = previousSeed % (ids.length + 2); // ids.length + 1 does not exist
        _register(_actor(actorSeed), rootAt(rootSeed), 1 + (n % 1_000_000), _uri(uriSeed, digest), previous);
    }

    /// @dev `actor` registers `r`; the outcome (and the error) must be what the rules say.
    function _register(address actor, bytes32 r, uint64 n, string memory uri, uint256 previous) private {
        string memory manifest = Cid.toString(Cid.DAG_PB, keccak256(abi.encode(r, actor)));
        bytes memory expected = _expectedError(actor, r, previous);
        VM.prank(actor);
        try nft.register(r, n, manifest, uri, previous) returns (uint256 id) {
            ++registrations;
            if (expected.length != 0) _forbidden("registration the rules reject was accepted");
            if (id != ids.length + 1) _forbidden("token id not sequential");
            if (previous != 0 && registrant[previous] != actor) ++versionsByOwnerNotRegistrant;
            ids.push(id);
            root[id] = r;
            leafCount[id] = n;
            manifestCid[id] = manifest;
            previousVersion[id] = previous;
            registrant[id] = actor;
            registeredAt[id] = block.timestamp;
            expectedURI[id] = uri;
            _rootTokens[r].push(id);
            ghostTokenOf[r][actor] = id;
        } catch (bytes memory reason) {
            if (expected.length == 0) _forbidden("valid registration rejected");
            else if (keccak256(reason) != keccak256(expected)) _forbidden("rejected with another error");
            if (bytes4(expected) == IDatasetNFT.DatasetAlreadyRegistered.selector) ++duplicateRejections;
            else ++versionRejections;
        }
    }

    /// @dev The rules, in the contract's order; empty if the registration must be accepted.
    function _expectedError(address actor, bytes32 r, uint256 previous) private view returns (bytes memory) {
        if (previous > ids.length) {
            return abi.encodeWithSelector(IDatasetNFT.DatasetUnknownPreviousVersion.selector, previous);
        }
        if (previous != 0 && registrant[previous] != actor && nft.ownerOf(previous) != actor) {
            return abi.encodeWithSelector(IDatasetNFT.DatasetPreviousVersionNotYours.selector, previous, actor);
        }
        uint256 existing = ghostTokenOf[r][actor];
        if (existing != 0) {
            return abi.encodeWithSelector(IDatasetNFT.DatasetAlreadyRegistered.selector, r, actor, existing);
        }
        return "";
    }

    function _token() internal view override returns (CompactTokenURI) {
        return nft;
    }

    /// @dev A registration the rules accept: the first root `seed`'s actor has not registered, no previous version.
    function _registerValid(uint256 seed) internal override {
        address actor = _actor(seed);
        for (uint256 k = 0; k < ROOTS; ++k) {
            bytes32 r = rootAt(seed + k);
            if (ghostTokenOf[r][actor] == 0) return _register(actor, r, 1, "", 0);
        }
    }
}

/// @dev Invariants of DatasetNFT under random registrations, version links, transfers and metadata edits.
contract DatasetNFTInvariantTest {
    DatasetNFT private nft;
    DatasetHandler private handler;

    function setUp() public {
        nft = new DatasetNFT();
        handler = new DatasetHandler(nft);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev After every run: datasets were registered (each action registers one when there is none) and each
    /// accepted registration is a token.
    function afterInvariant() public view {
        VM.assertTrue(handler.registrations() > 0, "the run registered no dataset");
        VM.assertEq(handler.registrations(), handler.idCount(), "every accepted registration is tracked");
        VM.assertEq(nft.datasetCount(), handler.idCount(), "datasetCount");
    }

    /// @dev A fixed sequence reaches every outcome the handler counts, including roots listed past word 0.
    function test_HandlerReachesEveryOutcome() public {
        for (uint256 a = 0; a < 8; ++a) handler.register(a, 0, 5, 0, 0, 0); // 8 registrants of root 0: ids 1-8
        handler.register(0, 0, 5, 0, 0, 0); // alice again: rejected
        handler.register(1, 1, 5, 0, 0, 1); // bob claims alice's id 1 as previous: rejected
        handler.transfer(0, 1); // alice gives id 1 to bob
        handler.register(1, 1, 5, 0, 0, 1); // now bob owns it: accepted (id 9)
        handler.register(0, 2, 5, 0, 0, 1); // alice registered id 1: accepted (id 10)
        handler.register(2, 2, 5, 0, 0, 11); // unknown previous version (11 % 12): rejected
        handler.setTokenURI(1, 0, 1, bytes32(uint256(3))); // bob edits id 1
        handler.setTokenURI(0, 0, 1, bytes32(uint256(4))); // alice no longer can
        handler.freezeMetadata(1, 0);
        handler.freezeMetadata(1, 0); // twice: rejected
        VM.assertFalse(handler.forbiddenCallSucceeded(), handler.forbiddenCall());
        VM.assertEq(handler.registrations(), 10, "registrations");
        VM.assertEq(handler.duplicateRejections(), 1, "duplicate rejections");
        VM.assertEq(handler.versionRejections(), 2, "version rejections");
        VM.assertEq(handler.versionsByOwnerNotRegistrant(), 1, "a version claimed by an owner");
        VM.assertEq(handler.edits(), 1, "edits");
        VM.assertEq(handler.rejectedEdits(), 1, "rejected edits");
        VM.assertEq(handler.freezes(), 1, "freezes");
        VM.assertEq(handler.rejectedFreezes(), 1, "rejected freezes");
        VM.assertEq(nft.rootTokenCount(handler.rootAt(0)), 8, "root 0 has 8 registrations");
        _checkAll();
    }

    function test_ActionsOnAnEmptyRegistryRegisterFirst() public {
        handler.transfer(0, 1);
        VM.assertEq(handler.registrations(), 1, "registered before transferring");
        VM.assertEq(nft.registrantOf(1), address(0xA11CE), "registrant kept");
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_NoForbiddenCallSucceeded() public view {
        VM.assertFalse(handler.forbiddenCallSucceeded(), handler.forbiddenCall());
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_CommitmentsAndRegistrantsNeverChange() public view {
        uint256 n = handler.idCount();
        VM.assertEq(nft.datasetCount(), n, "datasetCount");
        for (uint256 k = 0; k < n; ++k) {
            uint256 id = handler.ids(k);
            IDatasetNFT.Dataset memory d = nft.dataset(id);
            VM.assertEq(d.root, handler.root(id), "root");
            VM.assertEq(d.leafCount, handler.leafCount(id), "leafCount");
            VM.assertEq(d.manifestCid, handler.manifestCid(id), "manifestCid");
            VM.assertEq(d.previousVersion, handler.previousVersion(id), "previousVersion");
            VM.assertEq(d.registeredAt, handler.registeredAt(id), "registeredAt");
            VM.assertEq(d.registrant, handler.registrant(id), "registrant, across transfers");
            VM.assertEq(nft.registrantOf(id), handler.registrant(id), "registrantOf, across transfers");
            VM.assertLt(d.previousVersion, id, "versions point backwards: the lineage is acyclic");
        }
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_OneRegistrationPerRegistrantAndRoot() public view {
        _checkTokenOf();
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_RootListsHoldEveryRegistrationInOrder() public view {
        _checkRootLists();
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

    function _checkAll() private view {
        _checkTokenOf();
        _checkRootLists();
    }

    /// @dev tokenOf(root, account) is the ghost's, for every root and account; every token is found by its pair.
    function _checkTokenOf() private view {
        uint256 actors = handler.actorCount();
        for (uint256 r = 0; r < handler.ROOTS(); ++r) {
            bytes32 root = handler.rootAt(r);
            for (uint256 a = 0; a < actors; ++a) {
                address account = handler.actorAt(a);
                VM.assertEq(nft.tokenOf(root, account), handler.ghostTokenOf(root, account), "tokenOf(root, account)");
            }
        }
        uint256 n = handler.idCount();
        for (uint256 k = 0; k < n; ++k) {
            uint256 id = handler.ids(k);
            VM.assertEq(nft.tokenOf(handler.root(id), handler.registrant(id)), id, "tokenOf(root, registrant)");
        }
    }

    /// @dev Every root's list, whole and position by position.
    function _checkRootLists() private view {
        for (uint256 r = 0; r < handler.ROOTS(); ++r) {
            bytes32 root = handler.rootAt(r);
            uint256[] memory expected = handler.rootTokensOf(root);
            VM.assertEq(nft.rootTokenCount(root), expected.length, "rootTokenCount");
            VM.assertEq(abi.encode(nft.tokensOfRoot(root, 0, 1_000)), abi.encode(expected), "the whole list");
            for (uint256 p = 0; p < expected.length; ++p) {
                uint256[] memory one = nft.tokensOfRoot(root, p, 1);
                VM.assertEq(one.length, 1, "a page of one");
                VM.assertEq(one[0], expected[p], "position p");
            }
            VM.assertEq(nft.tokensOfRoot(root, expected.length, 5).length, 0, "past the end: empty");
        }
    }
}

/// @dev Property tests of single DatasetNFT calls.
contract DatasetNFTFuzzTest {
    DatasetNFT private nft;

    string private constant MANIFEST = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

    function setUp() public {
        nft = new DatasetNFT();
    }

    function testFuzz_RegisterStoresEveryFieldAndEmitsThem(
        bytes32 root,
        uint64 leafCount,
        uint64 codec,
        bytes32 digest,
        uint64 uriCodec,
        bytes32 uriDigest
    ) public {
        VM.assume(root != 0);
        leafCount = uint64(1 + (leafCount % nft.MAX_LEAF_COUNT())); // 1 … 2^53 − 1, the counts register accepts
        string memory manifest = Cid.toString(codec % (Cid.MAX_CODEC + 1), digest);
        string memory uri = string.concat("ipfs://", Cid.toString(uriCodec % (Cid.MAX_CODEC + 1), uriDigest));
        VM.warp(1_700_000_000);
        VM.expectEmit(true, true, true, true);
        emit IDatasetNFT.DatasetRegistered(1, root, address(this), leafCount, manifest, uri, 0);
        uint256 id = nft.register(root, leafCount, manifest, uri, 0);
        VM.assertEq(id, 1, "first id");
        IDatasetNFT.Dataset memory d = nft.dataset(id);
        VM.assertEq(d.root, root, "root");
        VM.assertEq(d.leafCount, leafCount, "leafCount");
        VM.assertEq(d.manifestCid, manifest, "manifest CID rebuilt");
        VM.assertEq(d.registeredAt, 1_700_000_000, "registeredAt");
        VM.assertEq(d.registrant, address(this), "registrant");
        VM.assertEq(d.previousVersion, 0, "previousVersion");
        VM.assertFalse(d.metadataFrozen, "not frozen");
        VM.assertEq(nft.tokenURI(id), uri, "compact URI rebuilt");
        VM.assertEq(nft.tokenOf(root, address(this)), id, "tokenOf");
        VM.assertEq(nft.rootTokenCount(root), 1, "rootTokenCount");
    }

    function testFuzz_AnyOtherUriIsStoredVerbatim(string calldata uri) public {
        uint256 id = nft.register(keccak256(bytes(uri)), 1, MANIFEST, uri, 0);
        VM.assertEq(nft.tokenURI(id), uri, "URI returned as given");
    }

    function testFuzz_MalformedManifestIsRejected(string calldata manifest) public {
        (bool ok, , ) = Cid.tryParse(manifest, 0);
        VM.assume(!ok);
        try nft.register(keccak256("root"), 1, manifest, "", 0) {
            VM.assertTrue(false, "malformed manifest accepted");
        } catch {}
        VM.assertEq(nft.datasetCount(), 0, "nothing minted");
    }

    function testFuzz_NonOwnersCannotEditOrFreeze(address stranger, string calldata uri) public {
        VM.assume(stranger != address(this));
        uint256 id = nft.register(keccak256("root"), 1, MANIFEST, "before", 0);
        VM.prank(stranger);
        VM.expectRevert(abi.encodeWithSelector(CompactTokenURI.CompactTokenURIUnauthorizedEditor.selector, id, stranger));
        nft.setTokenURI(id, uri);
        VM.prank(stranger);
        VM.expectRevert(abi.encodeWithSelector(CompactTokenURI.CompactTokenURIUnauthorizedEditor.selector, id, stranger));
        nft.freezeMetadata(id);
        VM.assertEq(nft.tokenURI(id), "before", "unchanged");
    }

    function testFuzz_UnknownIdsRevert(uint256 id) public {
        VM.assume(id != 1);
        nft.register(keccak256("root"), 1, MANIFEST, "", 0);
        bytes memory err = abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, id);
        VM.expectRevert(err);
        nft.dataset(id);
        VM.expectRevert(err);
        nft.registrantOf(id);
        VM.expectRevert(err);
        nft.verifySample(id, bytes32(0), 0, new bytes32[](0));
        VM.expectRevert(err);
        nft.verifySamples(id, new bytes32[](1), new uint256[](1), new bytes32[](0));
        VM.expectRevert(err);
        nft.verifyAbsence(id, bytes32(0), 0, bytes32(uint256(1)), new bytes32[](0));
        VM.assertFalse(nft.exists(id), "exists");
        VM.assertTrue(nft.exists(1), "exists(1)");
    }

    /**
     * @dev `count` accounts register one root, interleaved with other roots (so its token ids are not consecutive):
     * the list holds them in order at every position — word 0 holds 3 ids beside the count, later words 4 each —
     * every account finds its own token, and none can register the root twice.
     */
    function testFuzz_ManyRegistrantsOfOneRoot(uint8 count, uint256 interleave) public {
        count = uint8(1 + (count % 24));
        bytes32 root = keccak256("shared");
        uint256[] memory expected = new uint256[](count);
        for (uint256 k = 0; k < count; ++k) {
            if ((interleave >> k) & 1 == 1) nft.register(keccak256(abi.encode("other", k)), 1, MANIFEST, "", 0);
            VM.prank(_account(k));
            expected[k] = nft.register(root, uint64(k + 1), MANIFEST, "", 0);
        }
        VM.assertEq(nft.rootTokenCount(root), count, "rootTokenCount");
        VM.assertEq(abi.encode(nft.tokensOfRoot(root, 0, count)), abi.encode(expected), "the list, in order");
        for (uint256 k = 0; k < count; ++k) {
            VM.assertEq(nft.tokenOf(root, _account(k)), expected[k], "tokenOf each registrant");
            VM.assertEq(nft.tokensOfRoot(root, k, 1)[0], expected[k], "position k");
            VM.prank(_account(k));
            VM.expectRevert(
                abi.encodeWithSelector(IDatasetNFT.DatasetAlreadyRegistered.selector, root, _account(k), expected[k])
            );
            nft.register(root, 1, MANIFEST, "", 0);
        }
        VM.assertEq(nft.tokenOf(root, address(this)), 0, "a non-registrant has no token");
    }

    /// @dev Any window of a 12-registration list is the matching slice; `limit` above MAX_PAGE reverts.
    function testFuzz_TokensOfRootPages(uint256 offset, uint256 limit) public {
        bytes32 root = keccak256("paged");
        uint256[] memory all = new uint256[](12);
        for (uint256 k = 0; k < 12; ++k) {
            VM.prank(_account(k));
            all[k] = nft.register(root, 1, MANIFEST, "", 0);
        }
        offset = offset % 3 == 0 ? offset : offset % 16;
        limit = limit % 3 == 0 ? limit : limit % 16;
        if (limit > nft.MAX_PAGE()) {
            VM.expectRevert(abi.encodeWithSelector(IDatasetNFT.DatasetPageTooLarge.selector, offset, limit));
            nft.tokensOfRoot(root, offset, limit);
            return;
        }
        uint256[] memory page = nft.tokensOfRoot(root, offset, limit);
        uint256 size = offset >= 12 ? 0 : (12 - offset < limit ? 12 - offset : limit);
        VM.assertEq(page.length, size, "page size");
        for (uint256 j = 0; j < size; ++j) VM.assertEq(page[j], all[offset + j], "page entry");
    }

    /// @dev A root with more registrations than one page: every one of them can be listed, page by page.
    function test_TokensOfRootListsRegistrationsBeyondTheFirstPage() public {
        bytes32 root = keccak256("popular");
        uint256 total = nft.MAX_PAGE() + 3;
        for (uint256 k = 0; k < total; ++k) {
            VM.prank(_account(k));
            nft.register(root, 1, MANIFEST, "", 0);
        }
        VM.assertEq(nft.rootTokenCount(root), total, "rootTokenCount");
        uint256[] memory tail = nft.tokensOfRoot(root, nft.MAX_PAGE(), nft.MAX_PAGE());
        VM.assertEq(tail.length, 3, "the last three");
        for (uint256 j = 0; j < 3; ++j) VM.assertEq(tail[j], nft.MAX_PAGE() + 1 + j, "in order");
        VM.assertEq(nft.tokensOfRoot(root, 1, nft.MAX_PAGE()).length, nft.MAX_PAGE(), "a full page from 1");
        VM.assertEq(nft.tokensOfRoot(root, type(uint256).max, 1).length, 0, "offset max: empty, no overflow");
        VM.assertEq(nft.tokenOf(root, _account(total - 1)), total, "the last registrant's token");
    }

    /**
     * @dev The registrant is recorded on the first transfer and never changes after: any sequence of transfers
     * keeps registrantOf, tokenOf(root, registrant) and the registrant's right to claim the dataset as a previous
     * version; the current owner gets that right too, earlier owners lose it.
     */
    function testFuzz_RegistrantSurvivesTransfers(uint256 hops) public {
        bytes32 root = keccak256("moved");
        address alice = _account(0);
        VM.prank(alice);
        uint256 id = nft.register(root, 3, MANIFEST, "", 0);
        address owner = alice;
        uint256 steps = 1 + (hops % 6);
        for (uint256 k = 0; k < steps; ++k) {
            address to = _account((hops >> (8 * k)) % 5); // may be the owner itself, or alice again
            VM.prank(owner);
            nft.transferFrom(owner, to, id);
            owner = to;
            VM.assertEq(nft.registrantOf(id), alice, "registrantOf");
            VM.assertEq(nft.dataset(id).registrant, alice, "dataset().registrant");
            VM.assertEq(nft.tokenOf(root, alice), id, "tokenOf(root, registrant)");
            if (owner != alice) VM.assertEq(nft.tokenOf(root, owner), 0, "an owner is not a registrant");
        }
        // The registrant cannot register the root again, even after giving the token away.
        VM.prank(alice);
        VM.expectRevert(abi.encodeWithSelector(IDatasetNFT.DatasetAlreadyRegistered.selector, root, alice, id));
        nft.register(root, 3, MANIFEST, "", 0);
        // The current owner (if not alice) may register the same root once: its own registration.
        if (owner != alice) {
            VM.prank(owner);
            uint256 own = nft.register(root, 3, MANIFEST, "", id);
            VM.assertEq(nft.tokenOf(root, owner), own, "the owner's own registration");
            VM.assertEq(nft.tokenOf(root, alice), id, "alice's is still hers");
        }
        // Versions: alice (registrant) and the owner may claim `id`; a stranger may not.
        VM.prank(alice);
        nft.register(keccak256("v2 by alice"), 3, MANIFEST, "", id);
        address stranger = _account(9);
        VM.prank(stranger);
        VM.expectRevert(abi.encodeWithSelector(IDatasetNFT.DatasetPreviousVersionNotYours.selector, id, stranger));
        nft.register(keccak256("v2 by stranger"), 3, MANIFEST, "", id);
    }

    /// @dev The registration rules, each violated alone, with its error and arguments.
    function test_RegisterRejectsEachRuleWithItsError() public {
        VM.expectRevert(IDatasetNFT.DatasetZeroRoot.selector);
        nft.register(bytes32(0), 1, MANIFEST, "", 0);
        VM.expectRevert(IDatasetNFT.DatasetZeroLeafCount.selector);
        nft.register(keccak256("r"), 0, MANIFEST, "", 0);
        VM.expectRevert(abi.encodeWithSelector(IDatasetNFT.DatasetLeafCountTooLarge.selector, 2 ** 53, 2 ** 53 - 1));
        nft.register(keccak256("r"), 2 ** 53, MANIFEST, "", 0);
        VM.expectRevert(abi.encodeWithSelector(IDatasetNFT.DatasetUnknownPreviousVersion.selector, 1));
        nft.register(keccak256("r"), 1, MANIFEST, "", 1);
        uint256 id = nft.register(keccak256("r"), 1, MANIFEST, "", 0);
        VM.expectRevert(abi.encodeWithSelector(IDatasetNFT.DatasetUnknownPreviousVersion.selector, 2));
        nft.register(keccak256("r2"), 1, MANIFEST, "", 2);
        VM.expectRevert(abi.encodeWithSelector(IDatasetNFT.DatasetAlreadyRegistered.selector, keccak256("r"), address(this), id));
        nft.register(keccak256("r"), 1, MANIFEST, "", 0);
        VM.assertEq(nft.datasetCount(), 1, "one dataset");
    }

    /// @dev Verification reads the stored root and count: an honest proof verifies, the same proof under another
    /// registration of the same root with a wrong count does not.
    function test_VerifiersUseTheRegistrationsOwnCount() public {
        ReferenceTree.Tree memory tree = ReferenceTree.build(ReferenceTree.sortedHashes(7, 5));
        bytes32 root = ReferenceTree.root(tree);
        uint256 honest = nft.register(root, 5, MANIFEST, "", 0);
        VM.prank(_account(1));
        uint256 junk = nft.register(root, 6, MANIFEST, "", 0); // a squatter's copy with a wrong count
        bytes32 s = tree.levels[0][2];
        bytes32[] memory path = ReferenceTree.path(tree, 2);
        VM.assertTrue(nft.verifySample(honest, s, 2, path), "honest registration");
        VM.assertFalse(nft.verifySample(junk, s, 2, path), "wrong count: nothing verifies");
        uint256[] memory indexes = new uint256[](1);
        indexes[0] = 2;
        bytes32[] memory samples = new bytes32[](1);
        samples[0] = s;
        VM.assertTrue(nft.verifySamples(honest, samples, indexes, path), "batch");
        VM.assertFalse(nft.verifySamples(junk, samples, indexes, path), "batch, wrong count");
        _checkAbsence(tree, honest, junk, ~s);
    }

    function _checkAbsence(ReferenceTree.Tree memory tree, uint256 honest, uint256 junk, bytes32 q) private view {
        uint256 k = ReferenceTree.route(tree, q);
        bytes32[] memory path = ReferenceTree.path(tree, k);
        VM.assertTrue(nft.verifyAbsence(honest, q, k, tree.levels[0][k], path), "absence");
        VM.assertFalse(nft.verifyAbsence(junk, q, k, tree.levels[0][k], path), "absence, wrong count");
    }

    function _account(uint256 k) private pure returns (address) {
        return address(uint160(0x100000 + k));
    }
}
