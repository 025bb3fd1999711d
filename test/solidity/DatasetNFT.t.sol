// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {Cid} from "../../contracts/cid/Cid.sol";
import {DatasetNFT} from "../../contracts/DatasetNFT.sol";
import {SampleMerkle} from "../../contracts/merkle/SampleMerkle.sol";
import {CompactTokenURI} from "../../contracts/token/CompactTokenURI.sol";
import {MetadataHandler} from "./utils/MetadataHandler.sol";
import {ReferenceTree} from "./utils/ReferenceTree.sol";
import {VM} from "./utils/Vm.sol";

/// @dev Registers real trees (a quarter of them with two leaves swapped), reports disorder, edits metadata.
contract DatasetHandler is MetadataHandler {
    DatasetNFT public immutable nft;

    mapping(uint256 tokenId => bytes32) public root;
    mapping(uint256 tokenId => uint64) public leafCount;
    mapping(uint256 tokenId => string) public manifestCid;
    mapping(uint256 tokenId => uint256) public previousVersion;
    mapping(uint256 tokenId => address) public registrant;
    mapping(uint256 tokenId => uint256) public registeredAt;
    mapping(uint256 tokenId => bool) public reallyDisordered;
    mapping(uint256 tokenId => bool) public reportedDisordered;
    mapping(uint256 tokenId => bytes32[]) internal _samples;

    uint256 public registrations;
    uint256 public rejections;
    uint256 public disorderReports;
    uint256 public rejectedDisorderReports;
    uint256 public duplicateRootRejections;

    constructor(DatasetNFT nft_) {
        nft = nft_;
    }

    function register(
        uint256 actorSeed,
        uint256 seed,
        uint256 n,
        uint256 disorder,
        uint256 uriSeed,
        bytes32 digest,
        uint256 previousSeed
    ) external {
        _register(actorSeed, seed, n, disorder, uriSeed, digest, previousSeed);
    }

    function _register(
        uint256 actorSeed,
        uint256 seed,
        uint256 n,
        uint256 disorder,
        uint256 uriSeed,
        bytes32 digest,
        uint256 previousSeed
    ) private {
        n = 1 + (n % 8);
        bytes32[] memory samples = ReferenceTree.sortedHashes(seed, n);
        bool swapped = n >= 2 && disorder % 4 == 0;
        if (swapped) {
            uint256 k = (disorder >> 2) % (n - 1);
            (samples[k], samples[k + 1]) = (samples[k + 1], samples[k]);
        }
        bytes32 r = ReferenceTree.root(ReferenceTree.build(samples));
        string memory manifest = Cid.toString(uint64(seed % (Cid.MAX_CODEC + 1)), keccak256(abi.encode(seed)));
        string memory uri = _uri(uriSeed, digest);
        uint256 previous = previousSeed % (ids.length + 1);
        bool fresh = nft.tokenIdOfRoot(r) == 0;
        address actor = _actor(actorSeed);

        VM.prank(actor);
        try nft.register(r, uint64(n), manifest, uri, previous) returns (uint256 id) {
            ++registrations;
            if (!fresh) _forbidden("root registered twice");
            if (id != ids.length + 1) _forbidden("token id not sequential");
            ids.push(id);
            root[id] = r;
            leafCount[id] = uint64(n);
            manifestCid[id] = manifest;
            previousVersion[id] = previous;
            registrant[id] = actor;
            registeredAt[id] = block.timestamp;
            reallyDisordered[id] = swapped;
            expectedURI[id] = uri;
            _samples[id] = samples;
        } catch {
            ++rejections;
            if (fresh) _forbidden("valid registration rejected");
        }
    }

    /// @dev Anyone reports adjacent leaves k, k+1 with honest membership proofs.
    function reportDisorder(uint256 idSeed, uint256 k) external {
        if (ids.length == 0) _registerValid(idSeed);
        uint256 id = ids[idSeed % ids.length];
        bytes32[] memory samples = _samples[id];
        if (samples.length < 2) return;
        k = k % (samples.length - 1);
        bytes32[][] memory levels = ReferenceTree.build(samples);
        SampleMerkle.Neighbor memory left = SampleMerkle.Neighbor(samples[k], k, ReferenceTree.proof(levels, k));
        SampleMerkle.Neighbor memory right = SampleMerkle.Neighbor(
            samples[k + 1],
            k + 1,
            ReferenceTree.proof(levels, k + 1)
        );
        bool outOfOrder = samples[k] >= samples[k + 1];
        try nft.reportDisorder(id, left, right) {
            ++disorderReports;
            if (!outOfOrder || reportedDisordered[id]) _forbidden("disorder accepted for sorted leaves or twice");
            reportedDisordered[id] = true;
        } catch {
            ++rejectedDisorderReports;
            if (outOfOrder && !reportedDisordered[id]) _forbidden("valid disorder proof rejected");
        }
    }

    /// @dev Re-registering any registered root must fail.
    function registerExistingRoot(uint256 idSeed, uint256 actorSeed) external {
        if (ids.length == 0) _registerValid(idSeed);
        uint256 id = ids[idSeed % ids.length];
        VM.prank(_actor(actorSeed));
        try nft.register(root[id], leafCount[id], manifestCid[id], "", 0) {
            _forbidden("existing root registered again");
        } catch {
            ++duplicateRootRejections;
        }
    }

    function _token() internal view override returns (CompactTokenURI) {
        return nft;
    }

    /// @dev A sorted tree of 1 to 8 fresh samples (`disorder` 1: never swapped), no previous version.
    function _registerValid(uint256 seed) internal override {
        _register(seed, uint256(keccak256(abi.encode("valid", seed, ids.length))), seed, 1, seed, bytes32(seed), 0);
    }
}

/// @dev Invariants of DatasetNFT under random registrations, edits, transfers and disorder reports.
contract DatasetNFTInvariantTest {
    DatasetNFT private nft;
    DatasetHandler private handler;

    function setUp() public {
        nft = new DatasetNFT();
        handler = new DatasetHandler(nft);
    }

    /// @dev Only the handler is called by the invariant fuzzer.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev After every run: the run registered datasets (each action registers one when there is none, so only a
    /// run whose every call reverted could fail this, and `failOnRevert` reports such reverts first), and each
    /// accepted registration became a token.
    function afterInvariant() public view {
        VM.assertTrue(handler.registrations() > 0, "the run registered no dataset: no progress (or a handler call reverted)");
        VM.assertEq(handler.registrations(), handler.idCount(), "every accepted registration is tracked");
        VM.assertEq(nft.datasetCount(), handler.idCount(), "datasetCount");
    }

    /// @dev A fixed call sequence reaches every outcome the handler counts: the handler can make progress on each
    /// path the invariants rely on (the random runs then explore the combinations).
    function test_HandlerReachesEveryOutcome() public {
        handler.register(0, 1, 3, 1, 1, bytes32(uint256(1)), 0); // alice registers a sorted 4-sample tree: id 1
        handler.register(1, 2, 5, 4, 0, bytes32(uint256(2)), 0); // bob: 6 samples, leaves 1 and 2 swapped: id 2
        handler.registerExistingRoot(0, 2); // carol re-registers root 1: rejected
        handler.reportDisorder(1, 1); // leaves 1, 2 of id 2: accepted
        handler.reportDisorder(0, 0); // sorted id 1: rejected
        handler.setTokenURI(0, 0, 1, bytes32(uint256(3))); // alice edits id 1
        handler.setTokenURI(1, 0, 1, bytes32(uint256(4))); // bob cannot edit id 1
        handler.freezeMetadata(0, 0); // alice freezes id 1
        handler.freezeMetadata(0, 0); // twice: rejected
        handler.transfer(1, 0); // bob gives id 2 to alice
        VM.assertFalse(handler.forbiddenCallSucceeded(), handler.forbiddenCall());
        VM.assertEq(handler.registrations(), 2, "registrations");
        VM.assertEq(handler.duplicateRootRejections(), 1, "duplicate root rejections");
        VM.assertEq(handler.disorderReports(), 1, "disorder reports");
        VM.assertEq(handler.rejectedDisorderReports(), 1, "rejected disorder reports");
        VM.assertEq(handler.edits(), 1, "edits");
        VM.assertEq(handler.rejectedEdits(), 1, "rejected edits");
        VM.assertEq(handler.freezes(), 1, "freezes");
        VM.assertEq(handler.rejectedFreezes(), 1, "rejected freezes");
        VM.assertEq(handler.transfers(), 1, "transfers");
        VM.assertEq(nft.ownerOf(2), address(0xA11CE), "transferred");
    }

    /// @dev An action on an empty registry registers a token first instead of doing nothing.
    function test_ActionsOnAnEmptyRegistryRegisterFirst() public {
        handler.setTokenURI(0, 0, 0, bytes32(0));
        VM.assertEq(handler.registrations(), 1, "registered before editing");
        VM.assertEq(nft.datasetCount(), 1, "datasetCount");
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_CommitmentsNeverChange() public view {
        uint256 n = handler.idCount();
        for (uint256 k = 0; k < n; ++k) {
            uint256 id = handler.ids(k);
            DatasetNFT.Dataset memory d = nft.dataset(id);
            VM.assertEq(d.root, handler.root(id), "root");
            VM.assertEq(d.leafCount, handler.leafCount(id), "leafCount");
            VM.assertEq(d.manifestCid, handler.manifestCid(id), "manifestCid");
            VM.assertEq(d.previousVersion, handler.previousVersion(id), "previousVersion");
            VM.assertEq(d.registrant, handler.registrant(id), "registrant");
            VM.assertEq(d.registeredAt, handler.registeredAt(id), "registeredAt");
            VM.assertEq(nft.tokenIdOfRoot(d.root), id, "tokenIdOfRoot");
        }
        VM.assertEq(nft.datasetCount(), n, "datasetCount");
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_OnlyOwnersEditMetadata() public view {
        VM.assertFalse(handler.forbiddenCallSucceeded(), handler.forbiddenCall());
        uint256 n = handler.idCount();
        for (uint256 k = 0; k < n; ++k) {
            uint256 id = handler.ids(k);
            VM.assertEq(nft.tokenURI(id), handler.expectedURI(id), "tokenURI changed only by owner edits");
        }
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_FrozenMetadataNeverChanges() public view {
        uint256 n = handler.idCount();
        for (uint256 k = 0; k < n; ++k) {
            uint256 id = handler.ids(k);
            if (!handler.frozen(id)) continue;
            VM.assertTrue(nft.dataset(id).metadataFrozen, "still frozen");
            VM.assertEq(nft.tokenURI(id), handler.frozenURI(id), "frozen URI unchanged");
        }
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_DisorderedOnlyWhenLeavesAreOutOfOrder() public view {
        VM.assertFalse(handler.forbiddenCallSucceeded(), handler.forbiddenCall());
        uint256 n = handler.idCount();
        for (uint256 k = 0; k < n; ++k) {
            uint256 id = handler.ids(k);
            bool disordered = nft.dataset(id).disordered;
            VM.assertEq(disordered, handler.reportedDisordered(id), "flag set by reports only");
            if (disordered) VM.assertTrue(handler.reallyDisordered(id), "only real disorder");
        }
    }
}

/// @dev Property tests of single DatasetNFT calls.
contract DatasetNFTFuzzTest {
    DatasetNFT private nft;

    function setUp() public {
        nft = new DatasetNFT();
    }

    function testFuzz_RegisterStoresTheCommitmentAndRebuildsStrings(
        bytes32 root,
        uint64 leafCount,
        uint64 codec,
        bytes32 digest,
        uint64 uriCodec,
        bytes32 uriDigest
    ) public {
        VM.assume(root != 0 && leafCount != 0);
        string memory manifest = Cid.toString(codec % (Cid.MAX_CODEC + 1), digest);
        string memory uri = string.concat("ipfs://", Cid.toString(uriCodec % (Cid.MAX_CODEC + 1), uriDigest));
        VM.warp(1_700_000_000);
        uint256 id = nft.register(root, leafCount, manifest, uri, 0);
        DatasetNFT.Dataset memory d = nft.dataset(id);
        VM.assertEq(d.root, root, "root");
        VM.assertEq(d.leafCount, leafCount, "leafCount");
        VM.assertEq(d.manifestCid, manifest, "manifest CID rebuilt");
        VM.assertEq(d.registeredAt, 1_700_000_000, "registeredAt");
        VM.assertEq(d.registrant, address(this), "registrant");
        VM.assertEq(nft.tokenURI(id), uri, "compact URI rebuilt");
    }

    function testFuzz_AnyOtherUriIsStoredVerbatim(string calldata uri) public {
        uint256 id = nft.register(keccak256(bytes(uri)), 1, Cid.toString(Cid.DAG_PB, 0), uri, 0);
        VM.assertEq(nft.tokenURI(id), uri, "URI returned as given");
    }

    function testFuzz_MalformedManifestIsRejected(string calldata manifest) public {
        (bool ok, , ) = Cid.tryParse(manifest, 0);
        VM.assume(!ok);
        try nft.register(keccak256("root"), 1, manifest, "", 0) {
            VM.assertTrue(false, "malformed manifest accepted");
        } catch {}
    }

    function testFuzz_NonOwnersCannotEditOrFreeze(address stranger, string calldata uri) public {
        VM.assume(stranger != address(this));
        uint256 id = nft.register(keccak256("root"), 1, Cid.toString(Cid.DAG_PB, 0), "before", 0);
        VM.prank(stranger);
        VM.expectRevert(
            abi.encodeWithSelector(CompactTokenURI.CompactTokenURIUnauthorizedEditor.selector, id, stranger)
        );
        nft.setTokenURI(id, uri);
        VM.prank(stranger);
        VM.expectRevert(
            abi.encodeWithSelector(CompactTokenURI.CompactTokenURIUnauthorizedEditor.selector, id, stranger)
        );
        nft.freezeMetadata(id);
        VM.assertEq(nft.tokenURI(id), "before", "unchanged");
    }

    function testFuzz_UnknownIdsRevert(uint256 id) public {
        VM.assume(id != 1);
        nft.register(keccak256("root"), 1, Cid.toString(Cid.DAG_PB, 0), "", 0);
        VM.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, id));
        nft.dataset(id);
        VM.assertFalse(nft.exists(id), "exists");
    }

    /// @dev A reveal `delay` seconds after the commit is accepted iff MIN_COMMITMENT_AGE <= delay <=
    /// MAX_COMMITMENT_AGE; a plain register of the claimed root by someone else is rejected iff delay <=
    /// MAX_COMMITMENT_AGE.
    function testFuzz_RevealWindowAndClaim(uint256 delay, bytes32 salt, address squatter) public {
        VM.assume(squatter != address(this) && squatter.code.length == 0 && uint160(squatter) > 0xffff);
        delay = delay % (nft.MAX_COMMITMENT_AGE() + 2 * nft.MIN_COMMITMENT_AGE());
        bytes32 root = keccak256(abi.encode("fuzzed root", salt));
        string memory manifest = Cid.toString(Cid.DAG_PB, root);
        bytes32 commitment = nft.commitmentOf(address(this), root, 5, manifest, "", 0, salt);
        VM.warp(1_700_000_000);
        nft.commit(commitment, nft.rootKeyOf(root));
        VM.warp(1_700_000_000 + delay);

        bool claimed = delay <= nft.MAX_COMMITMENT_AGE();
        VM.prank(squatter);
        try nft.register(root, 1, manifest, "", 0) {
            VM.assertFalse(claimed, "plain register of a claimed root accepted");
            // The claim had expired and the squatter registered: the (expired) reveal fails.
            try nft.registerCommitted(root, 5, manifest, "", 0, salt) {
                VM.assertTrue(false, "expired reveal accepted");
            } catch {}
            return;
        } catch (bytes memory reason) {
            VM.assertTrue(claimed, "plain register of an unclaimed root rejected");
            VM.assertEq(bytes4(reason), DatasetNFT.DatasetRootClaimed.selector, "DatasetRootClaimed");
        }

        bool open = delay >= nft.MIN_COMMITMENT_AGE() && claimed;
        try nft.registerCommitted(root, 5, manifest, "", 0, salt) returns (uint256 id) {
            VM.assertTrue(open, "reveal accepted outside its window");
            VM.assertEq(nft.ownerOf(id), address(this), "committer owns the token");
        } catch {
            VM.assertFalse(open, "reveal rejected inside its window");
        }
    }

    /// @dev Minted tokens land here; accept them.
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return this.onERC721Received.selector;
    }
}
