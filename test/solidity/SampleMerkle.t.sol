// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SampleMerkle} from "../../contracts/merkle/SampleMerkle.sol";
import {SampleMerkleHarness} from "./utils/Harnesses.sol";
import {ReferenceTree} from "./utils/ReferenceTree.sol";
import {VM} from "./utils/Vm.sol";

/// @dev SampleMerkle against the plain reference tree: honest proofs verify, forgeries never do.
contract SampleMerkleTest {
    uint256 private constant MAX_LEAVES = 40;

    SampleMerkleHarness private merkle;

    function setUp() public {
        merkle = new SampleMerkleHarness();
    }

    // ─── Fixed vectors ────────────────────────────────────────────────────────────────────────────────────────

    function test_LeafHashIsKeccakOfTheSampleHash() public pure {
        bytes32 sample = sha256("hello\n");
        VM.assertEq(SampleMerkle.leafHash(sample), keccak256(abi.encodePacked(sample)), "leaf = keccak(sampleHash)");
    }

    function test_NodeHashIsOrderedKeccakOfThePair() public pure {
        bytes32 a = keccak256("a");
        bytes32 b = keccak256("b");
        VM.assertEq(SampleMerkle.nodeHash(a, b), keccak256(abi.encodePacked(a, b)), "node = keccak(left || right)");
        VM.assertTrue(SampleMerkle.nodeHash(a, b) != SampleMerkle.nodeHash(b, a), "pairs are not sorted");
    }

    function test_ThreeLeafTreePromotesTheLastLeaf() public view {
        bytes32[] memory s = ReferenceTree.sortedHashes(1, 3);
        bytes32 l0 = keccak256(abi.encodePacked(s[0]));
        bytes32 l1 = keccak256(abi.encodePacked(s[1]));
        bytes32 l2 = keccak256(abi.encodePacked(s[2]));
        bytes32 n01 = keccak256(abi.encodePacked(l0, l1));
        bytes32 root = keccak256(abi.encodePacked(n01, l2));

        bytes32[] memory proof2 = new bytes32[](1);
        proof2[0] = n01; // leaf 2 is promoted at level 0, then paired with n01
        VM.assertTrue(merkle.verify(root, 3, s[2], 2, proof2), "last leaf: one sibling");
        bytes32[] memory proof0 = new bytes32[](2);
        proof0[0] = l1;
        proof0[1] = l2;
        VM.assertTrue(merkle.verify(root, 3, s[0], 0, proof0), "first leaf: two siblings");
    }

    function test_SingleLeafTreeRootIsTheLeaf() public view {
        bytes32 s = keccak256("only");
        bytes32 root = keccak256(abi.encodePacked(s));
        VM.assertTrue(merkle.verify(root, 1, s, 0, new bytes32[](0)), "empty proof");
        bytes32[] memory extra = new bytes32[](1);
        VM.assertFalse(merkle.verify(root, 1, s, 0, extra), "a sibling too many");
    }

    function test_IndexAtOrBeyondCountIsRejected() public view {
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(7, 5);
        bytes32 root = ReferenceTree.root(levels);
        bytes32[] memory proof = ReferenceTree.proof(levels, 4);
        VM.assertFalse(merkle.verify(root, 5, s[4], 5, proof), "index == leafCount");
        VM.assertFalse(merkle.verify(root, 5, s[4], type(uint256).max, proof), "index max");
        VM.assertFalse(merkle.verify(root, 0, s[4], 0, proof), "leafCount 0");
    }

    function test_HugeLeafCountDoesNotOverflow() public view {
        // A path of 256 levels, all promotions except where the index bit is odd: must just return false.
        VM.assertFalse(
            merkle.verify(keccak256("r"), type(uint256).max, keccak256("s"), 0, new bytes32[](0)),
            "max leafCount"
        );
    }

    // ─── Honest proofs ────────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_ValidProofVerifies(uint256 seed, uint256 n, uint256 index) public view {
        n = _bound(n, 1, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(seed, n);
        bytes32[] memory proof = ReferenceTree.proof(levels, index);
        bytes32 root = ReferenceTree.root(levels);
        VM.assertTrue(merkle.verify(root, n, s[index], index, proof), "calldata verify");
        VM.assertTrue(merkle.verifyMemory(root, n, s[index], index, proof), "memory verify");
    }

    function testFuzz_MemoryVariantAgreesWithCalldata(
        uint256 seed,
        uint256 n,
        uint256 index,
        uint256 claimedCount,
        bytes32 junk,
        uint8 mutation
    ) public view {
        n = _bound(n, 1, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        claimedCount = _bound(claimedCount, 0, MAX_LEAVES + 2);
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(seed, n);
        bytes32[] memory proof = ReferenceTree.proof(levels, index);
        if (mutation % 3 == 1 && proof.length > 0) proof[uint256(junk) % proof.length] = junk;
        if (mutation % 3 == 2) proof = _append(proof, junk);
        bytes32 root = ReferenceTree.root(levels);
        VM.assertEq(
            merkle.verify(root, claimedCount, s[index], index, proof),
            merkle.verifyMemory(root, claimedCount, s[index], index, proof),
            "calldata and memory variants agree"
        );
    }

    // ─── Forgeries ────────────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_InternalNodePresentedAsLeafIsRejected(uint256 seed, uint256 n, uint256 j) public view {
        n = _bound(n, 2, MAX_LEAVES);
        (, bytes32[][] memory levels) = _tree(seed, n);
        bytes32 root = ReferenceTree.root(levels);
        // Node j of level 1 with its proof within the tree of level 1 and above.
        bytes32[] memory upper = levels[1];
        j = _bound(j, 0, upper.length - 1);
        bytes32[][] memory above = new bytes32[][](levels.length - 1);
        for (uint256 l = 1; l < levels.length; ++l) above[l - 1] = levels[l];
        bytes32[] memory proof = ReferenceTree.proof(above, j);

        VM.assertFalse(merkle.verify(root, upper.length, upper[j], j, proof), "node as sample, upper count");
        VM.assertFalse(merkle.verify(root, n, upper[j], j, proof), "node as sample, real count");
        // A leaf hash (rather than the sample hash) presented as the sample.
        bytes32[] memory leafProof = ReferenceTree.proof(levels, 0);
        VM.assertFalse(merkle.verify(root, n, levels[0][0], 0, leafProof), "leaf hash as sample");
    }

    function testFuzz_WrongIndexIsRejected(uint256 seed, uint256 n, uint256 index, uint256 other) public view {
        n = _bound(n, 2, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        other = _bound(other, 0, n - 2);
        if (other >= index) ++other; // any index but `index`
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(seed, n);
        bytes32[] memory proof = ReferenceTree.proof(levels, index);
        VM.assertFalse(merkle.verify(ReferenceTree.root(levels), n, s[index], other, proof), "wrong index");
    }

    /// A proof made for an n-leaf tree verifies under another claimed count exactly when the path shape (which
    /// levels hash, on which side) is the same for both counts; otherwise it fails. The contract stores the count
    /// with the root, so a prover cannot pick it.
    function testFuzz_WrongCountVerifiesOnlyWithIdenticalPathShape(
        uint256 seed,
        uint256 n,
        uint256 index,
        uint256 claimed
    ) public view {
        n = _bound(n, 1, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        claimed = _bound(claimed, 1, 2 * MAX_LEAVES);
        VM.assume(claimed != n);
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(seed, n);
        bytes32[] memory proof = ReferenceTree.proof(levels, index);
        bool sameShape = index < claimed &&
            keccak256(ReferenceTree.shape(index, n)) == keccak256(ReferenceTree.shape(index, claimed));
        VM.assertEq(
            merkle.verify(ReferenceTree.root(levels), claimed, s[index], index, proof),
            sameShape,
            "verifies iff the path shape is unchanged"
        );
    }

    function test_WrongCountFailsWhereThePathChanges() public view {
        // Leaf 4 of 5 is promoted twice, then paired; under 6 it is paired at level 0 instead.
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(3, 5);
        bytes32 root = ReferenceTree.root(levels);
        bytes32[] memory proof = ReferenceTree.proof(levels, 4);
        VM.assertTrue(merkle.verify(root, 5, s[4], 4, proof), "true count");
        VM.assertFalse(merkle.verify(root, 6, s[4], 4, proof), "count 6");
        VM.assertFalse(merkle.verify(root, 8, s[4], 4, proof), "count 8");
    }

    function testFuzz_ProofFromAnotherDatasetIsRejected(uint256 seedA, uint256 seedB, uint256 n, uint256 index) public view {
        VM.assume(seedA != seedB);
        n = _bound(n, 1, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        (bytes32[] memory a, bytes32[][] memory levelsA) = _tree(seedA, n);
        (, bytes32[][] memory levelsB) = _tree(seedB, n);
        bytes32[] memory proof = ReferenceTree.proof(levelsA, index);
        VM.assertFalse(merkle.verify(ReferenceTree.root(levelsB), n, a[index], index, proof), "other root");
    }

    function testFuzz_TruncatedOrExtendedProofIsRejected(
        uint256 seed,
        uint256 n,
        uint256 index,
        bytes32 extra
    ) public view {
        n = _bound(n, 2, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(seed, n);
        bytes32 root = ReferenceTree.root(levels);
        bytes32[] memory proof = ReferenceTree.proof(levels, index);

        bytes32[] memory truncated = new bytes32[](proof.length - 1);
        for (uint256 k = 0; k < truncated.length; ++k) truncated[k] = proof[k];
        VM.assertFalse(merkle.verify(root, n, s[index], index, truncated), "truncated");
        VM.assertFalse(merkle.verify(root, n, s[index], index, _append(proof, extra)), "extended");
        VM.assertFalse(merkle.verify(root, n, s[index], index, _append(proof, bytes32(0))), "zero-extended");
    }

    function testFuzz_AlteredSampleOrSiblingIsRejected(uint256 seed, uint256 n, uint256 index, uint256 k) public view {
        n = _bound(n, 2, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(seed, n);
        bytes32 root = ReferenceTree.root(levels);
        bytes32[] memory proof = ReferenceTree.proof(levels, index);
        VM.assertFalse(merkle.verify(root, n, s[index] ^ bytes32(uint256(1)), index, proof), "sample bit flip");
        k = _bound(k, 0, proof.length - 1);
        proof[k] ^= bytes32(uint256(1) << 255);
        VM.assertFalse(merkle.verify(root, n, s[index], index, proof), "sibling bit flip");
    }

    // ─── Batch ────────────────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_BatchOfValidLeavesVerifies(uint256 seed, uint256 n, uint256 mask) public view {
        n = _bound(n, 1, MAX_LEAVES);
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(seed, n);
        (uint256[] memory indexes, bytes32[] memory samples) = _subset(s, mask);
        bytes32[] memory proof = ReferenceTree.multiproof(levels, indexes);
        VM.assertTrue(merkle.verifyBatch(ReferenceTree.root(levels), n, samples, indexes, proof), "batch");
    }

    function testFuzz_BatchEqualsAndOfSingles(uint256 seed, uint256 n, uint256 mask, uint256 corrupt) public view {
        n = _bound(n, 1, MAX_LEAVES);
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(seed, n);
        bytes32 root = ReferenceTree.root(levels);
        (uint256[] memory indexes, bytes32[] memory samples) = _subset(s, mask);
        bytes32[] memory proof = ReferenceTree.multiproof(levels, indexes);
        // Half the runs replace one sample with a foreign hash.
        if (corrupt % 2 == 1) samples[(corrupt >> 1) % samples.length] = keccak256(abi.encode("foreign", corrupt));

        bool all = true;
        for (uint256 k = 0; k < indexes.length; ++k) {
            all = all && merkle.verify(root, n, samples[k], indexes[k], ReferenceTree.proof(levels, indexes[k]));
        }
        VM.assertEq(merkle.verifyBatch(root, n, samples, indexes, proof), all, "batch == AND of singles");
    }

    function testFuzz_BatchWithWrongProofLengthIsRejected(uint256 seed, uint256 n, uint256 mask, bytes32 extra) public view {
        Batch memory b = _batch(seed, _bound(n, 2, MAX_LEAVES), mask);
        VM.assertFalse(merkle.verifyBatch(b.root, b.n, b.samples, b.indexes, _append(b.proof, extra)), "extended");
        if (b.proof.length > 0) {
            bytes32[] memory truncated = new bytes32[](b.proof.length - 1);
            for (uint256 k = 0; k < truncated.length; ++k) truncated[k] = b.proof[k];
            VM.assertFalse(merkle.verifyBatch(b.root, b.n, b.samples, b.indexes, truncated), "truncated");
        }
    }

    function test_BatchRejectsUnsortedOrRepeatedIndexes() public view {
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(11, 8);
        bytes32 root = ReferenceTree.root(levels);
        uint256[] memory indexes = new uint256[](2);
        indexes[0] = 2;
        indexes[1] = 5;
        bytes32[] memory samples = new bytes32[](2);
        samples[0] = s[2];
        samples[1] = s[5];
        bytes32[] memory proof = ReferenceTree.multiproof(levels, indexes);
        VM.assertTrue(merkle.verifyBatch(root, 8, samples, indexes, proof), "sorted baseline");

        uint256[] memory swapped = new uint256[](2);
        swapped[0] = 5;
        swapped[1] = 2;
        bytes32[] memory swappedSamples = new bytes32[](2);
        swappedSamples[0] = s[5];
        swappedSamples[1] = s[2];
        VM.assertFalse(merkle.verifyBatch(root, 8, swappedSamples, swapped, proof), "descending");

        uint256[] memory repeated = new uint256[](2);
        repeated[0] = 2;
        repeated[1] = 2;
        bytes32[] memory repeatedSamples = new bytes32[](2);
        repeatedSamples[0] = s[2];
        repeatedSamples[1] = s[2];
        VM.assertFalse(merkle.verifyBatch(root, 8, repeatedSamples, repeated, proof), "repeated");
    }

    function test_BatchRejectsIndexBeyondCountAndEmptyBatch() public view {
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(12, 4);
        bytes32 root = ReferenceTree.root(levels);
        uint256[] memory indexes = new uint256[](1);
        indexes[0] = 4;
        bytes32[] memory samples = new bytes32[](1);
        samples[0] = s[3];
        VM.assertFalse(merkle.verifyBatch(root, 4, samples, indexes, new bytes32[](2)), "index == count");
        VM.assertFalse(
            merkle.verifyBatch(root, 4, new bytes32[](0), new uint256[](0), new bytes32[](0)),
            "empty batch"
        );
    }

    function test_BatchLengthMismatchReverts() public {
        VM.expectRevert(abi.encodeWithSelector(SampleMerkle.SampleMerkleBatchLengthMismatch.selector, 2, 1));
        merkle.verifyBatch(bytes32(0), 4, new bytes32[](2), new uint256[](1), new bytes32[](0));
    }

    function test_BatchOfAllLeavesNeedsNoSiblings() public view {
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(13, 7);
        uint256[] memory indexes = new uint256[](7);
        for (uint256 k = 0; k < 7; ++k) indexes[k] = k;
        bytes32[] memory proof = ReferenceTree.multiproof(levels, indexes);
        VM.assertEq(proof.length, 0, "no siblings");
        VM.assertTrue(merkle.verifyBatch(ReferenceTree.root(levels), 7, s, indexes, proof), "all leaves");
    }

    // ─── Absence and disorder ─────────────────────────────────────────────────────────────────────────────────

    function testFuzz_AbsentQueryHasAnAbsenceProof(uint256 seed, uint256 n, bytes32 query) public view {
        n = _bound(n, 1, MAX_LEAVES);
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(seed, n);
        uint256 pos = _position(s, query);
        VM.assume(pos == n || s[pos] != query); // query absent
        SampleMerkle.Neighbor[] memory neighbors = _neighborsAround(s, levels, pos);
        VM.assertTrue(merkle.verifyAbsence(ReferenceTree.root(levels), n, query, neighbors), "absent");
    }

    function testFuzz_PresentSampleHasNoAbsenceProof(uint256 seed, uint256 n, uint256 index, uint256 left) public view {
        n = _bound(n, 1, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(seed, n);
        bytes32 root = ReferenceTree.root(levels);
        bytes32 query = s[index];
        // Every single-neighbor claim and every adjacent pair: none may prove a member absent.
        for (uint256 k = 0; k < n; ++k) {
            SampleMerkle.Neighbor[] memory one = new SampleMerkle.Neighbor[](1);
            one[0] = _neighbor(s, levels, k);
            VM.assertFalse(merkle.verifyAbsence(root, n, query, one), "single neighbor");
        }
        if (n >= 2) {
            left = _bound(left, 0, n - 2);
            SampleMerkle.Neighbor[] memory two = new SampleMerkle.Neighbor[](2);
            two[0] = _neighbor(s, levels, left);
            two[1] = _neighbor(s, levels, left + 1);
            VM.assertFalse(merkle.verifyAbsence(root, n, query, two), "pair");
        }
    }

    /// @dev Six sorted leaves and a query strictly between leaves 2 and 3.
    struct GapFixture {
        bytes32[] s;
        bytes32[][] levels;
        bytes32 root;
        bytes32 between;
    }

    function _gapFixture() private pure returns (GapFixture memory f) {
        f.s = ReferenceTree.sortedHashes(21, 6);
        f.levels = ReferenceTree.build(f.s);
        f.root = ReferenceTree.root(f.levels);
        f.between = bytes32(uint256(f.s[2]) + 1);
        VM.assertTrue(f.between < f.s[3], "fixture: a hash fits between leaves 2 and 3");
    }

    function _pair(GapFixture memory f, uint256 a, uint256 b) private pure returns (SampleMerkle.Neighbor[] memory two) {
        two = new SampleMerkle.Neighbor[](2);
        two[0] = _neighbor(f.s, f.levels, a);
        two[1] = _neighbor(f.s, f.levels, b);
    }

    function test_AbsenceAcceptsTheAdjacentPairAroundTheGap() public view {
        GapFixture memory f = _gapFixture();
        VM.assertTrue(merkle.verifyAbsence(f.root, 6, f.between, _pair(f, 2, 3)), "pair 2, 3");
    }

    function test_AbsenceRejectsNoOrThreeNeighbors() public view {
        GapFixture memory f = _gapFixture();
        VM.assertFalse(merkle.verifyAbsence(f.root, 6, f.between, new SampleMerkle.Neighbor[](0)), "none");
        SampleMerkle.Neighbor[] memory three = new SampleMerkle.Neighbor[](3);
        three[0] = _neighbor(f.s, f.levels, 2);
        three[1] = _neighbor(f.s, f.levels, 3);
        three[2] = _neighbor(f.s, f.levels, 4);
        VM.assertFalse(merkle.verifyAbsence(f.root, 6, f.between, three), "three");
    }

    function test_AbsenceRejectsReversedOrNonAdjacentPairs() public view {
        GapFixture memory f = _gapFixture();
        VM.assertFalse(merkle.verifyAbsence(f.root, 6, f.between, _pair(f, 3, 2)), "reversed pair");
        VM.assertFalse(merkle.verifyAbsence(f.root, 6, f.between, _pair(f, 1, 3)), "indexes 1 and 3");
    }

    function test_AbsenceRejectsASingleInnerNeighbor() public view {
        GapFixture memory f = _gapFixture();
        SampleMerkle.Neighbor[] memory one = new SampleMerkle.Neighbor[](1);
        one[0] = _neighbor(f.s, f.levels, 2);
        VM.assertFalse(merkle.verifyAbsence(f.root, 6, bytes32(uint256(f.s[2]) - 1), one), "below an inner leaf");
        VM.assertFalse(merkle.verifyAbsence(f.root, 6, f.between, one), "above an inner leaf");
    }

    function test_AbsenceRejectsANeighborWithABadProof() public view {
        GapFixture memory f = _gapFixture();
        SampleMerkle.Neighbor[] memory two = _pair(f, 2, 3);
        two[1].proof[0] ^= bytes32(uint256(1));
        VM.assertFalse(merkle.verifyAbsence(f.root, 6, f.between, two), "bad neighbor proof");
    }

    function test_AbsenceBoundaryNeighborsOfASingleLeafTree() public view {
        bytes32 only = keccak256("only");
        bytes32 root = keccak256(abi.encodePacked(only));
        SampleMerkle.Neighbor[] memory one = new SampleMerkle.Neighbor[](1);
        one[0] = SampleMerkle.Neighbor({sampleHash: only, index: 0, proof: new bytes32[](0)});
        VM.assertTrue(merkle.verifyAbsence(root, 1, bytes32(uint256(only) - 1), one), "below the only leaf");
        VM.assertTrue(merkle.verifyAbsence(root, 1, bytes32(uint256(only) + 1), one), "above the only leaf");
        VM.assertFalse(merkle.verifyAbsence(root, 1, only, one), "the leaf itself");
    }

    function testFuzz_DisorderProofAcceptsOnlyOutOfOrderPairs(uint256 seed, uint256 n, uint256 left) public view {
        n = _bound(n, 2, MAX_LEAVES);
        left = _bound(left, 0, n - 2);
        bytes32[] memory s = ReferenceTree.sortedHashes(seed, n);
        bytes32[][] memory sorted = ReferenceTree.build(s);
        VM.assertFalse(
            merkle.verifyDisorder(
                ReferenceTree.root(sorted),
                n,
                _neighbor(s, sorted, left),
                _neighbor(s, sorted, left + 1)
            ),
            "sorted pair is not disorder"
        );

        // Swap the pair: the committed leaves are now out of order at `left`.
        (s[left], s[left + 1]) = (s[left + 1], s[left]);
        bytes32[][] memory swapped = ReferenceTree.build(s);
        bytes32 root = ReferenceTree.root(swapped);
        VM.assertTrue(
            merkle.verifyDisorder(root, n, _neighbor(s, swapped, left), _neighbor(s, swapped, left + 1)),
            "swapped pair"
        );
        // The same two leaves presented in the wrong order or with another index fail.
        VM.assertFalse(
            merkle.verifyDisorder(root, n, _neighbor(s, swapped, left + 1), _neighbor(s, swapped, left)),
            "pair reversed"
        );
    }

    function test_DuplicateLeavesAreDisorder() public view {
        bytes32[] memory s = ReferenceTree.sortedHashes(31, 4);
        s[2] = s[1];
        bytes32[][] memory levels = ReferenceTree.build(s);
        VM.assertTrue(
            merkle.verifyDisorder(ReferenceTree.root(levels), 4, _neighbor(s, levels, 1), _neighbor(s, levels, 2)),
            "equal adjacent leaves"
        );
    }

    // ─── Helpers ───────────────────────────────────────────────────────────────────────────────────────────────

    struct Batch {
        uint256 n;
        bytes32 root;
        uint256[] indexes;
        bytes32[] samples;
        bytes32[] proof;
    }

    /// @dev A tree of `n` leaves and an honest multiproof for the subset picked by `mask`.
    function _batch(uint256 seed, uint256 n, uint256 mask) private pure returns (Batch memory b) {
        (bytes32[] memory s, bytes32[][] memory levels) = _tree(seed, n);
        b.n = n;
        b.root = ReferenceTree.root(levels);
        (b.indexes, b.samples) = _subset(s, mask);
        b.proof = ReferenceTree.multiproof(levels, b.indexes);
    }

    // ─── More helpers ──────────────────────────────────────────────────────────────────────────────────────────────

    function _tree(uint256 seed, uint256 n) private pure returns (bytes32[] memory s, bytes32[][] memory levels) {
        s = ReferenceTree.sortedHashes(seed, n);
        levels = ReferenceTree.build(s);
    }

    /// @dev A non-empty subset of the leaves picked by the bits of `mask`, in ascending index order.
    function _subset(
        bytes32[] memory s,
        uint256 mask
    ) private pure returns (uint256[] memory indexes, bytes32[] memory samples) {
        uint256 n = s.length;
        uint256 bits = mask & ((1 << n) - 1);
        if (bits == 0) bits = 1 << (mask % n);
        uint256 count = 0;
        for (uint256 k = 0; k < n; ++k) if (bits & (1 << k) != 0) ++count;
        indexes = new uint256[](count);
        samples = new bytes32[](count);
        uint256 j = 0;
        for (uint256 k = 0; k < n; ++k) {
            if (bits & (1 << k) != 0) {
                indexes[j] = k;
                samples[j++] = s[k];
            }
        }
    }

    /// @dev The number of sorted hashes below `query`.
    function _position(bytes32[] memory s, bytes32 query) private pure returns (uint256 pos) {
        while (pos < s.length && s[pos] < query) ++pos;
    }

    function _neighbor(
        bytes32[] memory s,
        bytes32[][] memory levels,
        uint256 index
    ) private pure returns (SampleMerkle.Neighbor memory) {
        return SampleMerkle.Neighbor({sampleHash: s[index], index: index, proof: ReferenceTree.proof(levels, index)});
    }

    /// @dev The honest absence proof for a query that would sit at sorted position `pos`.
    function _neighborsAround(
        bytes32[] memory s,
        bytes32[][] memory levels,
        uint256 pos
    ) private pure returns (SampleMerkle.Neighbor[] memory neighbors) {
        if (pos == 0 || pos == s.length) {
            neighbors = new SampleMerkle.Neighbor[](1);
            neighbors[0] = _neighbor(s, levels, pos == 0 ? 0 : s.length - 1);
        } else {
            neighbors = new SampleMerkle.Neighbor[](2);
            neighbors[0] = _neighbor(s, levels, pos - 1);
            neighbors[1] = _neighbor(s, levels, pos);
        }
    }

    function _append(bytes32[] memory a, bytes32 extra) private pure returns (bytes32[] memory b) {
        b = new bytes32[](a.length + 1);
        for (uint256 k = 0; k < a.length; ++k) b[k] = a[k];
        b[a.length] = extra;
    }

    function _bound(uint256 x, uint256 min, uint256 max) private pure returns (uint256) {
        return min + (x % (max - min + 1));
    }
}
