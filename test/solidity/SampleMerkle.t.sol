// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SampleMerkle} from "../../contracts/merkle/SampleMerkle.sol";
import {SampleMerkleHarness, SampleMerkleMemoryHarness} from "./utils/Harnesses.sol";
import {ReferenceTree} from "./utils/ReferenceTree.sol";
import {VM} from "./utils/Vm.sol";

/// @dev Trees, paths and small-tree builders shared by the SampleMerkle tests.
abstract contract SampleMerkleFixtures {
    uint256 internal constant MAX_LEAVES = 48;

    SampleMerkleHarness internal merkle;

    function setUp() public virtual {
        merkle = new SampleMerkleHarness();
    }

    /// @dev An honest tree over `n` sorted distinct hashes.
    function _sorted(uint256 seed, uint256 n) internal pure returns (ReferenceTree.Tree memory) {
        return ReferenceTree.build(ReferenceTree.sortedHashes(seed, n));
    }

    /// @dev `merkle.verify` against the tree's own root and count.
    function _member(
        ReferenceTree.Tree memory tree,
        bytes32 q,
        uint256 k,
        bytes32[] memory path
    ) internal view returns (bool) {
        return merkle.verify(ReferenceTree.root(tree), tree.levels[0].length, q, k, path);
    }

    /// @dev `merkle.verifyAbsence` against the tree's own root and count.
    function _absent(
        ReferenceTree.Tree memory tree,
        bytes32 q,
        uint256 k,
        bytes32 neighbor,
        bytes32[] memory path
    ) internal view returns (bool) {
        return merkle.verifyAbsence(ReferenceTree.root(tree), tree.levels[0].length, q, k, neighbor, path);
    }

    /// @dev `merkle.verifyBatch` against the tree's own root and count.
    function _batchOk(
        ReferenceTree.Tree memory tree,
        bytes32[] memory samples,
        uint256[] memory indexes,
        bytes32[] memory path
    ) internal view returns (bool) {
        return merkle.verifyBatch(ReferenceTree.root(tree), tree.levels[0].length, samples, indexes, path);
    }

    /// @dev The level-0 values of a tree.
    function _values(ReferenceTree.Tree memory tree) internal pure returns (bytes32[] memory) {
        return tree.levels[0];
    }

    /// @dev The path of every index.
    function _paths(ReferenceTree.Tree memory tree) internal pure returns (bytes32[][] memory paths) {
        uint256 n = tree.levels[0].length;
        paths = new bytes32[][](n);
        for (uint256 k = 0; k < n; ++k) paths[k] = ReferenceTree.path(tree, k);
    }

    /// @dev A registrant's two-leaf tree [x0, x1] with split key `split`: anything goes.
    function _pair(uint256 x0, uint256 x1, uint256 split) internal pure returns (ReferenceTree.Tree memory tree) {
        bytes32[] memory values = new bytes32[](2);
        values[0] = bytes32(x0);
        values[1] = bytes32(x1);
        tree = ReferenceTree.build(values);
        tree.splits[1][0] = bytes32(split);
        ReferenceTree.rehash(tree);
    }

    function _one(bytes32 a) internal pure returns (bytes32[] memory out) {
        out = new bytes32[](1);
        out[0] = a;
    }

    function _two(bytes32 a, bytes32 b) internal pure returns (bytes32[] memory out) {
        out = new bytes32[](2);
        out[0] = a;
        out[1] = b;
    }

    function _index(uint256 a) internal pure returns (uint256[] memory out) {
        out = new uint256[](1);
        out[0] = a;
    }

    function _indexes(uint256 a, uint256 b) internal pure returns (uint256[] memory out) {
        out = new uint256[](2);
        out[0] = a;
        out[1] = b;
    }

    function _append(bytes32[] memory a, bytes32 extra) internal pure returns (bytes32[] memory b) {
        b = new bytes32[](a.length + 1);
        for (uint256 k = 0; k < a.length; ++k) b[k] = a[k];
        b[a.length] = extra;
    }

    function _concat(bytes32[] memory a, bytes32[] memory c) internal pure returns (bytes32[] memory b) {
        b = new bytes32[](a.length + c.length);
        for (uint256 k = 0; k < a.length; ++k) b[k] = a[k];
        for (uint256 k = 0; k < c.length; ++k) b[a.length + k] = c[k];
    }

    function _prefix(bytes32[] memory a, uint256 length) internal pure returns (bytes32[] memory b) {
        b = new bytes32[](length);
        for (uint256 k = 0; k < length; ++k) b[k] = a[k];
    }

    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        return min + (x % (max - min + 1));
    }

    /// @dev The subset of `0..n-1` picked by the bits of `mask` (never empty), ascending, with its values.
    function _subset(
        bytes32[] memory values,
        uint256 mask
    ) internal pure returns (uint256[] memory indexes, bytes32[] memory samples) {
        uint256 n = values.length;
        uint256 bits = n >= 256 ? mask : mask & ((1 << n) - 1);
        if (bits == 0) bits = 1 << (mask % n);
        uint256 count = 0;
        for (uint256 k = 0; k < n; ++k) if (bits & (1 << k) != 0) ++count;
        indexes = new uint256[](count);
        samples = new bytes32[](count);
        uint256 j = 0;
        for (uint256 k = 0; k < n; ++k) {
            if (bits & (1 << k) != 0) {
                indexes[j] = k;
                samples[j++] = values[k];
            }
        }
    }

    /// @dev The position of `query` among sorted `values`: the number of values below it.
    function _rank(bytes32[] memory values, bytes32 query) internal pure returns (uint256 r) {
        while (r < values.length && values[r] < query) ++r;
    }
}

/// @dev Fixed vectors: the hash formulas, the split key, small trees built by hand.
contract SampleMerkleVectorsTest is SampleMerkleFixtures {
    function test_NodeIsKeccakOfLeftRightAndSplit() public pure {
        bytes32 a = keccak256("a");
        bytes32 b = keccak256("b");
        bytes32 s = bytes32(uint256(0x42) << 248);
        VM.assertEq(SampleMerkle.nodeHash(a, b, s), keccak256(abi.encodePacked(a, b, s)), "node = keccak(l || r || s)");
        VM.assertTrue(SampleMerkle.nodeHash(a, b, s) != SampleMerkle.nodeHash(b, a, s), "children are not sorted");
        VM.assertTrue(SampleMerkle.nodeHash(a, b, s) != SampleMerkle.nodeHash(a, b, s | bytes32(uint256(1))), "split bound");
    }

    function test_CommittedRootIsKeccakOfTopAndCount() public pure {
        bytes32 top = keccak256("top");
        VM.assertEq(SampleMerkle.commitRoot(top, 5), keccak256(abi.encodePacked(top, uint256(5))), "root = keccak(top || n)");
        VM.assertTrue(SampleMerkle.commitRoot(top, 5) != SampleMerkle.commitRoot(top, 6), "the count is bound");
    }

    function test_SplitKeyKeepsUpperUpToTheFirstDifferingByte() public pure {
        VM.assertEq(
            ReferenceTree.splitKey(bytes32(hex"12345600ff"), bytes32(hex"12345701ff")),
            bytes32(hex"123457"),
            "differ at byte 2: three bytes kept"
        );
        VM.assertEq(ReferenceTree.splitKey(bytes32(0), bytes32(hex"01ff")), bytes32(hex"01"), "differ at byte 0");
        bytes32 upper = keccak256("u");
        VM.assertEq(ReferenceTree.splitKey(upper ^ bytes32(uint256(1)), upper), upper, "differ at the last byte: all");
    }

    function testFuzz_SplitKeySeparatesAdjacentHashes(bytes32 a, bytes32 b) public pure {
        VM.assume(a != b);
        (bytes32 lower, bytes32 upper) = a < b ? (a, b) : (b, a);
        bytes32 s = ReferenceTree.splitKey(lower, upper);
        VM.assertTrue(lower < s && s <= upper, "lower < split <= upper");
    }

    function test_SingleLeafTreeCommitsTheSampleItself() public view {
        bytes32 s = keccak256("only");
        bytes32 root = keccak256(abi.encodePacked(s, uint256(1)));
        VM.assertTrue(merkle.verify(root, 1, s, 0, new bytes32[](0)), "empty path");
        VM.assertFalse(merkle.verify(root, 1, s, 0, new bytes32[](2)), "a pair too many");
        VM.assertFalse(merkle.verify(root, 1, s, 1, new bytes32[](0)), "index 1");
        VM.assertTrue(merkle.verifyAbsence(root, 1, bytes32(uint256(s) - 1), 0, s, new bytes32[](0)), "below");
        VM.assertTrue(merkle.verifyAbsence(root, 1, bytes32(uint256(s) + 1), 0, s, new bytes32[](0)), "above");
        VM.assertFalse(merkle.verifyAbsence(root, 1, s, 0, s, new bytes32[](0)), "the sample itself");
        VM.assertTrue(merkle.verifyBatch(root, 1, _one(s), _index(0), new bytes32[](0)), "batch of one");
    }

    function test_TwoLeafTreeRoutesAtTheSplitKey() public view {
        bytes32 s0 = bytes32(hex"1200");
        bytes32 s1 = bytes32(hex"1234ff");
        bytes32 split = bytes32(hex"1234"); // first differing byte is byte 1: keep two bytes, then zeros
        VM.assertEq(ReferenceTree.splitKey(s0, s1), split, "split key");
        bytes32 root = keccak256(abi.encodePacked(keccak256(abi.encodePacked(s0, s1, split)), uint256(2)));
        VM.assertTrue(merkle.verify(root, 2, s0, 0, _two(s1, split)), "left leaf");
        VM.assertTrue(merkle.verify(root, 2, s1, 1, _two(s0, split)), "right leaf");
        bytes32 below = bytes32(uint256(split) - 1);
        VM.assertTrue(merkle.verifyAbsence(root, 2, below, 0, s0, _two(s1, split)), "split - 1 goes left");
        VM.assertFalse(merkle.verifyAbsence(root, 2, below, 1, s1, _two(s0, split)), "split - 1 not right");
        bytes32 above = bytes32(uint256(split) + 1);
        VM.assertTrue(merkle.verifyAbsence(root, 2, above, 1, s1, _two(s0, split)), "split + 1 goes right");
        VM.assertFalse(merkle.verifyAbsence(root, 2, above, 0, s0, _two(s1, split)), "split + 1 not left");
    }

    function test_QueryEqualToTheSplitGoesRight() public view {
        ReferenceTree.Tree memory tree = _pair(10, 20, 15);
        bytes32 root = ReferenceTree.root(tree);
        VM.assertTrue(merkle.verifyAbsence(root, 2, bytes32(uint256(15)), 1, bytes32(uint256(20)), ReferenceTree.path(tree, 1)), "15 >= 15: right");
        VM.assertFalse(merkle.verifyAbsence(root, 2, bytes32(uint256(15)), 0, bytes32(uint256(10)), ReferenceTree.path(tree, 0)), "15 < 15: no");
        VM.assertTrue(merkle.verifyAbsence(root, 2, bytes32(uint256(14)), 0, bytes32(uint256(10)), ReferenceTree.path(tree, 0)), "14 < 15: left");
        VM.assertFalse(merkle.verifyAbsence(root, 2, bytes32(uint256(14)), 1, bytes32(uint256(20)), ReferenceTree.path(tree, 1)), "14 >= 15: no");
    }

    function test_ThreeLeafTreePromotesTheLastLeaf() public view {
        bytes32[] memory s = ReferenceTree.sortedHashes(1, 3);
        bytes32 split01 = ReferenceTree.splitKey(s[0], s[1]);
        bytes32 split12 = ReferenceTree.splitKey(s[1], s[2]);
        bytes32 n01 = keccak256(abi.encodePacked(s[0], s[1], split01));
        bytes32 top = keccak256(abi.encodePacked(n01, s[2], split12));
        bytes32 root = keccak256(abi.encodePacked(top, uint256(3)));
        VM.assertEq(root, ReferenceTree.root(ReferenceTree.build(s)), "reference tree");
        // Leaf 2 is promoted at level 0 (nothing sent), then paired with n01.
        VM.assertTrue(merkle.verify(root, 3, s[2], 2, _two(n01, split12)), "last leaf: one pair");
        bytes32[] memory path0 = new bytes32[](4);
        (path0[0], path0[1], path0[2], path0[3]) = (s[1], split01, s[2], split12);
        VM.assertTrue(merkle.verify(root, 3, s[0], 0, path0), "first leaf: two pairs");
        (bool ok, bytes32 reached) = merkle.processPath(s[0], s[0], 0, 3, path0);
        VM.assertTrue(ok, "processPath ok");
        VM.assertEq(reached, top, "processPath returns the top node, not the committed root");
    }

    function test_IndexAtOrBeyondTheCountIsRejected() public view {
        ReferenceTree.Tree memory tree = _sorted(7, 5);
        bytes32 root = ReferenceTree.root(tree);
        bytes32[] memory path = ReferenceTree.path(tree, 4);
        bytes32 s4 = tree.levels[0][4];
        VM.assertTrue(merkle.verify(root, 5, s4, 4, path), "baseline");
        VM.assertFalse(merkle.verify(root, 5, s4, 5, path), "index == leafCount");
        VM.assertFalse(merkle.verify(root, 5, s4, type(uint256).max, path), "index max");
        VM.assertFalse(merkle.verify(root, 0, s4, 0, path), "leafCount 0");
        (bool ok, ) = merkle.processPath(s4, s4, 5, 5, path);
        VM.assertFalse(ok, "processPath: index == leafCount");
    }

    /// @dev With a power-of-two count, index `leafCount` is promoted at every level: without the range check the
    /// walk would return the value itself, so the top node would "verify" as a sample past the end.
    function test_TheTopNodeIsNotASamplePastTheEnd() public view {
        for (uint256 n = 1; n <= 16; n *= 2) {
            ReferenceTree.Tree memory tree = _sorted(n, n);
            bytes32 top = ReferenceTree.top(tree);
            bytes32 root = ReferenceTree.root(tree);
            VM.assertFalse(merkle.verify(root, n, top, n, new bytes32[](0)), "membership of the top at index n");
            VM.assertFalse(merkle.verifyAbsence(root, n, ~top, n, top, new bytes32[](0)), "absence from index n");
            VM.assertFalse(merkle.verifyBatch(root, n, _one(top), _index(n), new bytes32[](0)), "batch at index n");
        }
    }

    function test_HugeCountsAndIndexesReturnFalseWithoutOverflow() public view {
        bytes32 v = keccak256("v");
        uint256 max = type(uint256).max;
        VM.assertFalse(merkle.verify(keccak256("r"), max, v, 0, new bytes32[](0)), "max count, index 0");
        VM.assertFalse(merkle.verify(keccak256("r"), max, v, max - 1, new bytes32[](512)), "max count, last index");
        VM.assertFalse(merkle.verifyAbsence(keccak256("r"), max, ~v, max - 1, v, new bytes32[](2)), "absence");
        VM.assertFalse(merkle.verifyBatch(keccak256("r"), max, _one(v), _index(max - 1), new bytes32[](4)), "batch");
        // A walk that hashes at every one of 256 levels, then compares with the root: honest up to the count.
        uint256 n = uint256(1) << 255;
        bytes32[] memory path = new bytes32[](2 * 255);
        bytes32 node = v;
        for (uint256 l = 0; l < 255; ++l) {
            path[2 * l] = keccak256(abi.encode(l));
            path[2 * l + 1] = bytes32(0); // every split 0: the walk comes from the right, v >= 0
            node = keccak256(abi.encodePacked(path[2 * l], node, bytes32(0)));
        }
        bytes32 root = keccak256(abi.encodePacked(node, n));
        VM.assertTrue(merkle.verify(root, n, v, n - 1, path), "2^255 leaves, last index: 255 levels");
        VM.assertFalse(merkle.verify(root, n - 1, v, n - 1, path), "count 2^255 - 1");
    }
}

/// @dev Honest proofs of fuzzed trees verify; proofs the scheme's rules exclude do not.
contract SampleMerkleHonestTest is SampleMerkleFixtures {
    function testFuzz_HonestMembershipVerifies(uint256 seed, uint256 n, uint256 index) public view {
        n = _bound(n, 1, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        ReferenceTree.Tree memory tree = _sorted(seed, n);
        bytes32[] memory path = ReferenceTree.path(tree, index);
        bytes32 s = tree.levels[0][index];
        VM.assertTrue(merkle.verify(ReferenceTree.root(tree), n, s, index, path), "verify");
        (bool ok, bytes32 top) = merkle.processPath(s, s, index, n, path);
        VM.assertTrue(ok, "processPath ok");
        VM.assertEq(top, ReferenceTree.top(tree), "processPath reaches the top");
        VM.assertEq(ReferenceTree.route(tree, s), index, "a member's search path ends at it");
    }

    /// @dev In an honest tree the search path of an absent query ends at its predecessor or successor.
    function testFuzz_HonestAbsenceVerifies(uint256 seed, uint256 n, bytes32 query, uint256 near) public view {
        n = _bound(n, 1, MAX_LEAVES);
        ReferenceTree.Tree memory tree = _sorted(seed, n);
        bytes32[] memory s = tree.levels[0];
        // Half the runs query right next to a sample, where routing is tight.
        if (near % 2 == 1) {
            bytes32 pivot = s[(near >> 1) % n];
            query = (near >> 128) % 2 == 0 ? bytes32(uint256(pivot) + 1) : bytes32(uint256(pivot) - 1);
        }
        uint256 r = _rank(s, query);
        VM.assume(r == n || s[r] != query);
        uint256 k = ReferenceTree.route(tree, query);
        VM.assertTrue(k == r || k + 1 == r, "ends at the predecessor or the successor");
        VM.assertTrue(merkle.verifyAbsence(ReferenceTree.root(tree), n, query, k, s[k], ReferenceTree.path(tree, k)), "absence");
        VM.assertFalse(merkle.verify(ReferenceTree.root(tree), n, query, k, ReferenceTree.path(tree, k)), "no membership");
    }

    function testFuzz_HonestBatchVerifies(uint256 seed, uint256 n, uint256 mask) public view {
        n = _bound(n, 1, MAX_LEAVES);
        ReferenceTree.Tree memory tree = _sorted(seed, n);
        (uint256[] memory indexes, bytes32[] memory samples) = _subset(tree.levels[0], mask);
        bytes32[] memory path = ReferenceTree.multiproof(tree, indexes);
        VM.assertTrue(merkle.verifyBatch(ReferenceTree.root(tree), n, samples, indexes, path), "batch");
    }

    /// @dev Larger trees, with hashes spread over the whole range by construction (no sort).
    function testFuzz_HonestProofsOfLargerTrees(uint256 seed, uint256 n, uint256 index, bytes32 query) public view {
        n = _bound(n, MAX_LEAVES, 600);
        index = _bound(index, 0, n - 1);
        ReferenceTree.Tree memory tree = ReferenceTree.build(_spread(seed, n));
        bytes32 root = ReferenceTree.root(tree);
        bytes32[] memory s = tree.levels[0];
        VM.assertTrue(merkle.verify(root, n, s[index], index, ReferenceTree.path(tree, index)), "member");
        uint256 r = _rank(s, query);
        if (r == n || s[r] != query) {
            uint256 k = ReferenceTree.route(tree, query);
            VM.assertTrue(merkle.verifyAbsence(root, n, query, k, s[k], ReferenceTree.path(tree, k)), "absent");
        }
        uint256 lo = index / 2;
        uint256[] memory pair = _indexes(lo, lo + 1 + (seed % (n - lo - 1)));
        bytes32[] memory samples = _two(s[pair[0]], s[pair[1]]);
        VM.assertTrue(merkle.verifyBatch(root, n, samples, pair, ReferenceTree.multiproof(tree, pair)), "batch");
    }

    /// @dev `n` ascending hashes with pseudo-random gaps spanning the whole 256-bit range.
    function _spread(uint256 seed, uint256 n) private pure returns (bytes32[] memory s) {
        s = new bytes32[](n);
        uint256 h = 0;
        uint256 step = type(uint256).max / n;
        for (uint256 k = 0; k < n; ++k) {
            h += 1 + (uint256(keccak256(abi.encode(seed, k))) % step);
            s[k] = bytes32(h);
        }
    }

    function test_BatchOfAllLeavesSendsOnlySplitKeys() public view {
        for (uint256 n = 1; n <= 9; ++n) {
            ReferenceTree.Tree memory tree = _sorted(13, n);
            uint256[] memory indexes = new uint256[](n);
            for (uint256 k = 0; k < n; ++k) indexes[k] = k;
            bytes32[] memory path = ReferenceTree.multiproof(tree, indexes);
            VM.assertEq(path.length, n - 1, "one split key per hashed node");
            VM.assertTrue(merkle.verifyBatch(ReferenceTree.root(tree), n, tree.levels[0], indexes, path), "all leaves");
        }
    }

    /// @dev A batch verifies iff every one of its samples has a valid single proof (a foreign sample breaks both).
    function testFuzz_BatchEqualsTheAndOfSingles(uint256 seed, uint256 n, uint256 mask, uint256 corrupt) public view {
        n = _bound(n, 1, MAX_LEAVES);
        ReferenceTree.Tree memory tree = _sorted(seed, n);
        bytes32 root = ReferenceTree.root(tree);
        (uint256[] memory indexes, bytes32[] memory samples) = _subset(tree.levels[0], mask);
        bytes32[] memory path = ReferenceTree.multiproof(tree, indexes);
        if (corrupt % 2 == 1) samples[(corrupt >> 1) % samples.length] ^= bytes32(uint256(1) << (corrupt % 256));
        bool all = true;
        for (uint256 k = 0; k < indexes.length; ++k) {
            all = all && merkle.verify(root, n, samples[k], indexes[k], ReferenceTree.path(tree, indexes[k]));
        }
        VM.assertEq(merkle.verifyBatch(root, n, samples, indexes, path), all, "batch == AND of singles");
    }
}

/// @dev The assembly keeps to its memory: what the caller allocated before a verification survives it.
contract SampleMerkleMemoryTest is SampleMerkleFixtures {
    SampleMerkleMemoryHarness private guarded;

    function setUp() public override {
        super.setUp();
        guarded = new SampleMerkleMemoryHarness();
    }

    function testFuzz_VerifiersKeepTheCallersMemory(uint256 seed, uint256 n, uint256 mask, bytes32 query) public view {
        n = _bound(n, 1, MAX_LEAVES);
        ReferenceTree.Tree memory tree = _sorted(seed, n);
        bytes32 root = ReferenceTree.root(tree);
        (uint256[] memory indexes, bytes32[] memory samples) = _subset(tree.levels[0], mask);
        (bool ok, bool intact) = guarded.verifyBatch(root, n, samples, indexes, ReferenceTree.multiproof(tree, indexes));
        VM.assertTrue(ok && intact, "batch: verified, memory intact");
        (ok, intact) = guarded.verify(root, n, samples[0], indexes[0], ReferenceTree.path(tree, indexes[0]));
        VM.assertTrue(ok && intact, "single: verified, memory intact");
        uint256 k = ReferenceTree.route(tree, query);
        (ok, intact) = guarded.verifyAbsence(root, n, query, k, tree.levels[0][k], ReferenceTree.path(tree, k));
        VM.assertTrue(intact, "absence: memory intact");
        // A failing batch (a foreign sample) leaves memory intact too.
        samples[samples.length - 1] = ~samples[samples.length - 1];
        (ok, intact) = guarded.verifyBatch(root, n, samples, indexes, ReferenceTree.multiproof(tree, indexes));
        VM.assertTrue(!ok && intact, "failed batch: memory intact");
    }
}

/// @dev Forgeries: every altered input fails.
contract SampleMerkleForgeryTest is SampleMerkleFixtures {
    function testFuzz_WrongIndexIsRejected(uint256 seed, uint256 n, uint256 index, uint256 other) public view {
        n = _bound(n, 2, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        other = _bound(other, 0, n - 2);
        if (other >= index) ++other;
        ReferenceTree.Tree memory tree = _sorted(seed, n);
        bytes32 s = tree.levels[0][index];
        VM.assertFalse(merkle.verify(ReferenceTree.root(tree), n, s, other, ReferenceTree.path(tree, index)), "other index");
    }

    /// @dev The count is bound into the root: no other count verifies, even where the path shape is the same.
    function testFuzz_WrongCountIsRejected(uint256 seed, uint256 n, uint256 index, uint256 claimed) public view {
        n = _bound(n, 1, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        claimed = _bound(claimed, 1, 2 * MAX_LEAVES);
        VM.assume(claimed != n);
        ReferenceTree.Tree memory tree = _sorted(seed, n);
        bytes32 s = tree.levels[0][index];
        bytes32[] memory path = ReferenceTree.path(tree, index);
        VM.assertFalse(merkle.verify(ReferenceTree.root(tree), claimed, s, index, path), "claimed count");
    }

    /// @dev Same shape, other count: leaf 0 of 3 and of 4 have the same path shape; only the count binding differs.
    function test_SamePathShapeUnderAnotherCountIsRejected() public view {
        ReferenceTree.Tree memory tree = _sorted(5, 4);
        bytes32[] memory path = ReferenceTree.path(tree, 1);
        bytes32 s = tree.levels[0][1];
        (, bytes32 top) = merkle.processPath(s, s, 1, 4, path);
        (bool ok3, bytes32 top3) = merkle.processPath(s, s, 1, 3, path);
        VM.assertTrue(ok3 && top3 == top, "the walk is the same for 3 and 4 leaves");
        VM.assertTrue(merkle.verify(ReferenceTree.root(tree), 4, s, 1, path), "4");
        VM.assertFalse(merkle.verify(ReferenceTree.root(tree), 3, s, 1, path), "3: root binds the count");
    }

    function testFuzz_AnyFlippedBitIsRejected(uint256 seed, uint256 n, uint256 index, uint256 k, uint8 bit) public view {
        n = _bound(n, 2, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        ReferenceTree.Tree memory tree = _sorted(seed, n);
        bytes32 root = ReferenceTree.root(tree);
        bytes32[] memory path = ReferenceTree.path(tree, index);
        bytes32 mask = bytes32(uint256(1) << bit);
        VM.assertFalse(merkle.verify(root, n, tree.levels[0][index] ^ mask, index, path), "sample");
        VM.assertFalse(merkle.verify(root ^ mask, n, tree.levels[0][index], index, path), "root");
        k = _bound(k, 0, path.length - 1);
        path[k] ^= mask;
        VM.assertFalse(merkle.verify(root, n, tree.levels[0][index], index, path), k % 2 == 0 ? "sibling" : "split key");
    }

    function testFuzz_TruncatedOrExtendedPathIsRejected(uint256 seed, uint256 n, uint256 index, bytes32 extra) public view {
        n = _bound(n, 2, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        ReferenceTree.Tree memory tree = _sorted(seed, n);
        bytes32 root = ReferenceTree.root(tree);
        bytes32 s = tree.levels[0][index];
        bytes32[] memory path = ReferenceTree.path(tree, index);
        VM.assertFalse(merkle.verify(root, n, s, index, _prefix(path, path.length - 1)), "one word short");
        VM.assertFalse(merkle.verify(root, n, s, index, _prefix(path, path.length - 2)), "one pair short");
        VM.assertFalse(merkle.verify(root, n, s, index, _append(path, extra)), "one word more");
        VM.assertFalse(merkle.verify(root, n, s, index, _append(_append(path, extra), extra)), "one pair more");
    }

    function testFuzz_ExtendedAbsencePathIsRejected(uint256 seed, uint256 n, bytes32 query, bytes32 extra) public view {
        ReferenceTree.Tree memory tree = _sorted(seed, _bound(n, 2, MAX_LEAVES));
        uint256 k = ReferenceTree.route(tree, query);
        bytes32 v = tree.levels[0][k];
        VM.assume(v != query);
        bytes32[] memory path = ReferenceTree.path(tree, k);
        VM.assertTrue(_absent(tree, query, k, v, path), "baseline");
        VM.assertFalse(_absent(tree, query, k, v, _append(path, extra)), "one word more");
        VM.assertFalse(_absent(tree, query, k, v, _append(_append(path, extra), 0)), "one pair more");
        VM.assertFalse(_absent(tree, query, k, v, _prefix(path, path.length - 2)), "one pair short");
    }

    function testFuzz_ProofOfAnotherTreeIsRejected(uint256 seedA, uint256 seedB, uint256 n, uint256 index) public view {
        VM.assume(seedA != seedB);
        n = _bound(n, 1, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        ReferenceTree.Tree memory a = _sorted(seedA, n);
        ReferenceTree.Tree memory b = _sorted(seedB, n);
        bytes32 s = a.levels[0][index];
        VM.assertFalse(merkle.verify(ReferenceTree.root(b), n, s, index, ReferenceTree.path(a, index)), "other root");
    }

    /// @dev An internal node is not a sample: presented with its path in the levels above, it fails under every count.
    function testFuzz_InternalNodeAsSampleIsRejected(uint256 seed, uint256 n, uint256 level, uint256 j) public view {
        n = _bound(n, 2, MAX_LEAVES);
        ReferenceTree.Tree memory tree = _sorted(seed, n);
        level = _bound(level, 1, tree.levels.length - 1);
        j = _bound(j, 0, tree.levels[level].length - 1);
        bytes32 node = tree.levels[level][j];
        bytes32[] memory path = ReferenceTree.path(_above(tree, level), j);
        bytes32 root = ReferenceTree.root(tree);
        VM.assertFalse(merkle.verify(root, tree.levels[level].length, node, j, path), "node as sample, upper count");
        VM.assertFalse(merkle.verify(root, n, node, j, path), "node as sample, real count");
    }

    /// @dev The tree of the levels from `level` up (its level 0 = the nodes of `level`).
    function _above(ReferenceTree.Tree memory tree, uint256 level) private pure returns (ReferenceTree.Tree memory upper) {
        upper.levels = new bytes32[][](tree.levels.length - level);
        upper.splits = new bytes32[][](tree.levels.length - level);
        for (uint256 l = level; l < tree.levels.length; ++l) {
            upper.levels[l - level] = tree.levels[l];
            upper.splits[l - level] = tree.splits[l];
        }
    }

    /// @dev A member has no absence proof, from any index, with any neighbor, even the member itself.
    function testFuzz_AbsenceOfAMemberIsRejected(uint256 seed, uint256 n, uint256 index) public view {
        n = _bound(n, 1, MAX_LEAVES);
        index = _bound(index, 0, n - 1);
        ReferenceTree.Tree memory tree = _sorted(seed, n);
        bytes32 root = ReferenceTree.root(tree);
        bytes32[] memory s = tree.levels[0];
        for (uint256 k = 0; k < n; ++k) {
            VM.assertFalse(merkle.verifyAbsence(root, n, s[index], k, s[k], ReferenceTree.path(tree, k)), "absent at k");
        }
    }

    /// @dev The neighbor must be the value the query's search path ends at: another sample, or the right sample at
    /// another index, fails.
    function testFuzz_AbsenceNeedsTheValueAtTheEndOfTheSearchPath(
        uint256 seed,
        uint256 n,
        bytes32 query,
        uint256 other
    ) public view {
        n = _bound(n, 2, MAX_LEAVES);
        ReferenceTree.Tree memory tree = _sorted(seed, n);
        uint256 k = ReferenceTree.route(tree, query);
        VM.assume(tree.levels[0][k] != query);
        other = _bound(other, 0, n - 2);
        if (other >= k) ++other;
        bytes32 neighbor = tree.levels[0][other];
        bytes32 root = ReferenceTree.root(tree);
        VM.assertFalse(merkle.verifyAbsence(root, n, query, k, neighbor, ReferenceTree.path(tree, k)), "wrong neighbor");
        VM.assertFalse(
            merkle.verifyAbsence(root, n, query, other, neighbor, ReferenceTree.path(tree, other)),
            "an index off the search path"
        );
    }

    // ─── Routing: each check, violated alone ───────────────────────────────────────────────────────────────────

    /// @dev [30, 40] with split 20: 30 sits left of a split it is not below. Its membership fails; its search path
    /// goes right, to 40, so its absence holds. Without the left routing check both would.
    function test_AWalkFromALeftChildNeedsTheQueryBelowTheSplit() public view {
        ReferenceTree.Tree memory tree = _pair(30, 40, 20);
        bytes32 root = ReferenceTree.root(tree);
        bytes32 q = bytes32(uint256(30));
        VM.assertFalse(merkle.verify(root, 2, q, 0, ReferenceTree.path(tree, 0)), "membership of 30 at 0");
        VM.assertTrue(merkle.verifyAbsence(root, 2, q, 1, bytes32(uint256(40)), ReferenceTree.path(tree, 1)), "absence");
        VM.assertFalse(merkle.verifyAbsence(root, 2, bytes32(uint256(25)), 0, q, ReferenceTree.path(tree, 0)), "25 left");
    }

    /// @dev [10, 20] with split 25: 20 sits right of a split it is not at or above.
    function test_AWalkFromARightChildNeedsTheQueryAtOrAboveTheSplit() public view {
        ReferenceTree.Tree memory tree = _pair(10, 20, 25);
        bytes32 root = ReferenceTree.root(tree);
        bytes32 q = bytes32(uint256(20));
        VM.assertFalse(merkle.verify(root, 2, q, 1, ReferenceTree.path(tree, 1)), "membership of 20 at 1");
        VM.assertTrue(merkle.verifyAbsence(root, 2, q, 0, bytes32(uint256(10)), ReferenceTree.path(tree, 0)), "absence");
        VM.assertFalse(merkle.verifyAbsence(root, 2, bytes32(uint256(22)), 1, q, ReferenceTree.path(tree, 1)), "22 right");
    }

    // ─── Batch ─────────────────────────────────────────────────────────────────────────────────────────────────

    function test_BatchLengthMismatchReverts() public {
        VM.expectRevert(abi.encodeWithSelector(SampleMerkle.SampleMerkleBatchLengthMismatch.selector, 2, 1));
        merkle.verifyBatch(bytes32(0), 4, new bytes32[](2), new uint256[](1), new bytes32[](0));
        VM.expectRevert(abi.encodeWithSelector(SampleMerkle.SampleMerkleBatchLengthMismatch.selector, 0, 1));
        merkle.verifyBatch(bytes32(0), 4, new bytes32[](0), new uint256[](1), new bytes32[](0));
    }

    function test_EmptyBatchIsRejectedWithoutReverting() public view {
        ReferenceTree.Tree memory tree = _sorted(3, 4);
        VM.assertFalse(
            merkle.verifyBatch(ReferenceTree.root(tree), 4, new bytes32[](0), new uint256[](0), new bytes32[](0)),
            "empty batch"
        );
    }

    /// @dev The known mutant: indexes [2, 2] with samples [s2, FOREIGN]. The path is s2's honest multiproof
    /// interleaved with pairs that route FOREIGN wherever it must go; without the strictly-ascending index check the
    /// second entry never meets the first and the root check only sees s2's walk.
    function test_RepeatedIndexWithAForeignSampleIsRejected() public view {
        ReferenceTree.Tree memory tree = _sorted(11, 4);
        bytes32 root = ReferenceTree.root(tree);
        bytes32[] memory s = tree.levels[0];
        bytes32 foreign = bytes32(type(uint256).max - 7); // above s2: passes the ascending-hash check
        bytes32[] memory honest = ReferenceTree.multiproof(tree, _index(2)); // [s3, split23, n01, splitTop]
        VM.assertEq(honest.length, 4, "two levels");
        bytes32[] memory path = new bytes32[](8);
        (path[0], path[1]) = (honest[0], honest[1]); // level 0, entry s2 (even): sibling s3
        (path[2], path[3]) = (keccak256("junk"), bytes32(type(uint256).max)); // entry FOREIGN (even): FOREIGN < max
        (path[4], path[5]) = (honest[2], honest[3]); // level 1, entry s2 (odd): sibling n01
        (path[6], path[7]) = (keccak256("junk"), bytes32(0)); // entry FOREIGN (odd): FOREIGN >= 0
        VM.assertFalse(merkle.verifyBatch(root, 4, _two(s[2], foreign), _indexes(2, 2), path), "[2, 2]");
        VM.assertFalse(merkle.verifyBatch(root, 4, _two(s[2], s[2]), _indexes(2, 2), path), "[2, 2], same sample");
        VM.assertTrue(merkle.verifyBatch(root, 4, _one(s[2]), _index(2), honest), "baseline: [2] alone");
    }

    /// @dev Descending indexes with ascending hashes: [3, 2] never merge either.
    function test_DescendingIndexesAreRejected() public view {
        ReferenceTree.Tree memory tree = _sorted(12, 4);
        bytes32 root = ReferenceTree.root(tree);
        bytes32[] memory s = tree.levels[0];
        bytes32[] memory honest = ReferenceTree.multiproof(tree, _index(3)); // [s2, split23, n01, splitTop]
        bytes32 foreign = bytes32(type(uint256).max - 7);
        bytes32[] memory path = new bytes32[](8);
        (path[0], path[1]) = (honest[0], honest[1]); // s3 (odd): sibling s2
        (path[2], path[3]) = (keccak256("junk"), bytes32(type(uint256).max)); // FOREIGN at 2 (even)
        (path[4], path[5]) = (honest[2], honest[3]); // level 1: s3's parent at 1 (odd)
        (path[6], path[7]) = (keccak256("junk"), bytes32(0)); // FOREIGN's parent at 1 (odd)
        VM.assertFalse(merkle.verifyBatch(root, 4, _two(s[3], foreign), _indexes(3, 2), path), "[3, 2]");
    }

    /// @dev The other known mutant: an index at the count is promoted at every level of a power-of-two tree, so it
    /// never consumes the path nor meets the real samples; only the range check rejects it.
    function test_BatchIndexAtTheCountIsRejected() public view {
        ReferenceTree.Tree memory tree = _sorted(14, 4);
        bytes32 root = ReferenceTree.root(tree);
        bytes32[] memory s = tree.levels[0];
        bytes32[] memory path = ReferenceTree.multiproof(tree, _index(0));
        VM.assertTrue(merkle.verifyBatch(root, 4, _one(s[0]), _index(0), path), "baseline");
        bytes32 foreign = bytes32(type(uint256).max - 7);
        VM.assertFalse(merkle.verifyBatch(root, 4, _two(s[0], foreign), _indexes(0, 4), path), "[0, 4]");
        VM.assertFalse(merkle.verifyBatch(root, 4, _two(s[0], foreign), _indexes(0, 7), path), "[0, 7]");
        VM.assertFalse(merkle.verifyBatch(root, 4, _two(s[0], foreign), _indexes(0, type(uint256).max), path), "max");
    }

    /// @dev Not strictly ascending hashes, with ascending indexes (an unsorted registrant tree [b, a]).
    function test_BatchHashesMustStrictlyAscend() public view {
        ReferenceTree.Tree memory tree = _pair(20, 10, 15);
        bytes32 root = ReferenceTree.root(tree);
        bytes32[] memory both = tree.levels[0];
        VM.assertFalse(merkle.verifyBatch(root, 2, both, _indexes(0, 1), ReferenceTree.multiproof(tree, _indexes(0, 1))), "[20, 10]");
        ReferenceTree.Tree memory dup = _pair(10, 10, 10);
        VM.assertFalse(
            merkle.verifyBatch(ReferenceTree.root(dup), 2, dup.levels[0], _indexes(0, 1), ReferenceTree.multiproof(dup, _indexes(0, 1))),
            "[10, 10]"
        );
    }

    /// @dev Each routing check of the batch walk, violated alone in a two-leaf registrant tree [10, 20]; in each the
    /// single absence proof of the sample holds, so accepting the batch would prove it both present and absent.
    function test_BatchOddEntryNeedsItsSmallestSampleAtOrAboveTheSplit() public view {
        ReferenceTree.Tree memory tree = _pair(10, 20, 25);
        bytes32 root = ReferenceTree.root(tree);
        VM.assertFalse(merkle.verifyBatch(root, 2, _one(bytes32(uint256(20))), _index(1), ReferenceTree.multiproof(tree, _index(1))), "batch");
        VM.assertTrue(merkle.verifyAbsence(root, 2, bytes32(uint256(20)), 0, bytes32(uint256(10)), ReferenceTree.path(tree, 0)), "absence");
    }

    function test_BatchEvenEntryWithASiblingNeedsItsLargestSampleBelowTheSplit() public view {
        ReferenceTree.Tree memory tree = _pair(10, 20, 5);
        bytes32 root = ReferenceTree.root(tree);
        VM.assertFalse(merkle.verifyBatch(root, 2, _one(bytes32(uint256(10))), _index(0), ReferenceTree.multiproof(tree, _index(0))), "batch");
        VM.assertTrue(merkle.verifyAbsence(root, 2, bytes32(uint256(10)), 1, bytes32(uint256(20)), ReferenceTree.path(tree, 1)), "absence");
    }

    function test_BatchPairNeedsTheLeftBelowTheSplit() public view {
        ReferenceTree.Tree memory tree = _pair(10, 20, 10);
        bytes32 root = ReferenceTree.root(tree);
        bytes32[] memory both = tree.levels[0];
        VM.assertFalse(merkle.verifyBatch(root, 2, both, _indexes(0, 1), ReferenceTree.multiproof(tree, _indexes(0, 1))), "batch");
        VM.assertTrue(merkle.verifyAbsence(root, 2, both[0], 1, both[1], ReferenceTree.path(tree, 1)), "absence of 10");
    }

    function test_BatchPairNeedsTheRightAtOrAboveTheSplit() public view {
        ReferenceTree.Tree memory tree = _pair(10, 20, 21);
        bytes32 root = ReferenceTree.root(tree);
        bytes32[] memory both = tree.levels[0];
        VM.assertFalse(merkle.verifyBatch(root, 2, both, _indexes(0, 1), ReferenceTree.multiproof(tree, _indexes(0, 1))), "batch");
        VM.assertTrue(merkle.verifyAbsence(root, 2, both[1], 0, both[0], ReferenceTree.path(tree, 0)), "absence of 20");
    }

    /// @dev [10, 20, 30, 40], level-1 splits honest, top split chosen by the registrant. A merged pair carries its
    /// largest sample (hi) and smallest (lo) up: the checks above it use those, not the other end.
    function test_BatchCarriesTheLargestSampleOfAMergedPairUp() public view {
        ReferenceTree.Tree memory tree = _four(18); // 20 sits left of a split it is not below
        bytes32 root = ReferenceTree.root(tree);
        uint256[] memory indexes = _indexes(0, 1);
        bytes32[] memory samples = _two(bytes32(uint256(10)), bytes32(uint256(20)));
        VM.assertFalse(merkle.verifyBatch(root, 4, samples, indexes, ReferenceTree.multiproof(tree, indexes)), "hi of [0, 1]");
        VM.assertTrue(merkle.verifyAbsence(root, 4, bytes32(uint256(20)), 2, bytes32(uint256(30)), ReferenceTree.path(tree, 2)), "absence of 20");
        // With an honest top split the same batch verifies.
        ReferenceTree.Tree memory honest = _four(25);
        VM.assertTrue(merkle.verifyBatch(ReferenceTree.root(honest), 4, samples, indexes, ReferenceTree.multiproof(honest, indexes)), "honest");
    }

    function test_BatchCarriesTheSmallestSampleOfAMergedPairUp() public view {
        ReferenceTree.Tree memory tree = _four(35); // 30 sits right of a split it is not at or above
        bytes32 root = ReferenceTree.root(tree);
        uint256[] memory indexes = _indexes(2, 3);
        bytes32[] memory samples = _two(bytes32(uint256(30)), bytes32(uint256(40)));
        VM.assertFalse(merkle.verifyBatch(root, 4, samples, indexes, ReferenceTree.multiproof(tree, indexes)), "lo of [2, 3]");
        VM.assertTrue(merkle.verifyAbsence(root, 4, bytes32(uint256(30)), 1, bytes32(uint256(20)), ReferenceTree.path(tree, 1)), "absence of 30");
        ReferenceTree.Tree memory honest = _four(25);
        VM.assertTrue(merkle.verifyBatch(ReferenceTree.root(honest), 4, samples, indexes, ReferenceTree.multiproof(honest, indexes)), "honest");
    }

    function testFuzz_BatchWithAWrongLengthPathIsRejected(uint256 seed, uint256 n, uint256 mask, bytes32 extra) public view {
        Batch memory b = _batch(seed, _bound(n, 2, MAX_LEAVES), mask);
        VM.assertFalse(merkle.verifyBatch(b.root, b.n, b.samples, b.indexes, _append(b.path, extra)), "one word more");
        b.path = _append(_append(b.path, extra), extra);
        VM.assertFalse(merkle.verifyBatch(b.root, b.n, b.samples, b.indexes, b.path), "two words more");
        b.path = _prefix(b.path, b.path.length - 3);
        if (b.path.length > 0) {
            VM.assertFalse(merkle.verifyBatch(b.root, b.n, b.samples, b.indexes, b.path), "one word short");
        }
    }

    function testFuzz_BatchWithAFlippedBitIsRejected(uint256 seed, uint256 n, uint256 mask, uint256 k, uint8 bit) public view {
        Batch memory b = _batch(seed, _bound(n, 2, MAX_LEAVES), mask);
        VM.assertFalse(merkle.verifyBatch(b.root, b.n + 1, b.samples, b.indexes, b.path), "count + 1");
        VM.assume(b.path.length > 0);
        b.path[k % b.path.length] ^= bytes32(uint256(1) << bit);
        VM.assertFalse(merkle.verifyBatch(b.root, b.n, b.samples, b.indexes, b.path), "flipped path bit");
    }

    struct Batch {
        uint256 n;
        bytes32 root;
        uint256[] indexes;
        bytes32[] samples;
        bytes32[] path;
    }

    /// @dev An honest tree of `n` leaves and the multiproof of the subset picked by `mask`.
    function _batch(uint256 seed, uint256 n, uint256 mask) private pure returns (Batch memory b) {
        ReferenceTree.Tree memory tree = _sorted(seed, n);
        b.n = n;
        b.root = ReferenceTree.root(tree);
        (b.indexes, b.samples) = _subset(tree.levels[0], mask);
        b.path = ReferenceTree.multiproof(tree, b.indexes);
    }

    /// @dev [10, 20, 30, 40] with splits 15 and 35 at level 1 and `topSplit` on top.
    function _four(uint256 topSplit) private pure returns (ReferenceTree.Tree memory tree) {
        bytes32[] memory values = new bytes32[](4);
        for (uint256 k = 0; k < 4; ++k) values[k] = bytes32(10 * (k + 1));
        tree = ReferenceTree.build(values);
        tree.splits[1][0] = bytes32(uint256(15));
        tree.splits[1][1] = bytes32(uint256(35));
        tree.splits[2][0] = bytes32(topSplit);
        ReferenceTree.rehash(tree);
    }
}

/**
 * @dev The soundness property of the scheme (docs/merkle-scheme.md): for ANY tree a registrant builds — holes
 * (values whose preimage nobody knows), unsorted and duplicate values, split keys of its choosing — no query has both
 * a valid membership proof and a valid absence proof.
 *
 * The checks are exact, not just "not both": for every query q and every index k, the library accepts the
 * membership of q at k iff q's search path (descending from the top through the split keys) ends at k and the value
 * there is q, and accepts the absence of q at k iff the path ends at k and the value there is not q. A batch is
 * accepted iff every sample's single membership is and the sample hashes strictly ascend. A query can only change
 * an outcome by comparing differently with a split key or a value, so the queries tried — every value, every split
 * key and its neighbors ±1, zero and the maximum — cover every distinct outcome of a tree.
 */
contract SampleMerkleSoundnessTest is SampleMerkleFixtures {
    /// @dev Cross-product checks (every path at every index, every value as neighbor) up to this many leaves.
    uint256 private constant CROSS_LEAVES = 6;
    /// @dev Every subset as a batch up to this many leaves.
    uint256 private constant BATCH_LEAVES = 6;

    /// @dev A tree under test with everything the checks read.
    struct Subject {
        ReferenceTree.Tree tree;
        bytes32[] values;
        bytes32[][] paths;
        bytes32 root;
        uint256 n;
    }

    function _subject(ReferenceTree.Tree memory tree) private pure returns (Subject memory t) {
        t.tree = tree;
        t.values = tree.levels[0];
        t.paths = _paths(tree);
        t.root = ReferenceTree.root(tree);
        t.n = t.values.length;
    }

    /// @dev The complete check of one tree: every query class, every index, every subset.
    function _checkTree(ReferenceTree.Tree memory tree) private view {
        Subject memory t = _subject(tree);
        bytes32[] memory queries = _queries(tree);
        for (uint256 q = 0; q < queries.length; ++q) _checkQuery(t, queries[q]);
        _checkBatches(tree, t.root);
    }

    function _checkQuery(Subject memory t, bytes32 q) private view {
        uint256 end = ReferenceTree.route(t.tree, q);
        bool present = false;
        bool absent = false;
        for (uint256 k = 0; k < t.n; ++k) {
            bool m = merkle.verify(t.root, t.n, q, k, t.paths[k]);
            bool a = merkle.verifyAbsence(t.root, t.n, q, k, t.values[k], t.paths[k]);
            VM.assertEq(m, k == end && t.values[k] == q, "membership iff the search path ends at q");
            VM.assertEq(a, k == end && t.values[k] != q, "absence iff the search path ends at a value other than q");
            present = present || m;
            absent = absent || a;
            if (t.n <= CROSS_LEAVES) {
                (bool m2, bool a2) = _checkCross(t, q, k, end);
                present = present || m2;
                absent = absent || a2;
            }
        }
        VM.assertFalse(present && absent, "SOUNDNESS: a query is both provably present and provably absent");
        VM.assertTrue(present != absent, "completeness: every query has exactly one kind of proof");
    }

    /// @dev At index k: every other index's path, every value as the neighbor.
    function _checkCross(Subject memory t, bytes32 q, uint256 k, uint256 end) private view returns (bool m, bool a) {
        for (uint256 j = 0; j < t.n; ++j) {
            m = m || merkle.verify(t.root, t.n, q, k, t.paths[j]);
            bool aj = merkle.verifyAbsence(t.root, t.n, q, k, t.values[j], t.paths[k]);
            VM.assertEq(aj, k == end && t.values[j] == t.values[k] && t.values[k] != q, "absence needs the value at k");
            a = a || aj || merkle.verifyAbsence(t.root, t.n, q, k, t.values[j], t.paths[j]);
        }
    }

    function _checkBatches(ReferenceTree.Tree memory tree, bytes32 root) private view {
        bytes32[] memory values = tree.levels[0];
        uint256 n = values.length;
        uint256 subsets = n <= BATCH_LEAVES ? (1 << n) - 1 : 2 * n;
        for (uint256 mask = 1; mask <= subsets; ++mask) {
            uint256 bits = n <= BATCH_LEAVES ? mask : (mask <= n ? 1 << (mask - 1) : 3 << (mask - n - 1));
            if (bits >> n != 0) continue;
            (uint256[] memory indexes, bytes32[] memory samples) = _subset(values, bits);
            bool expected = true;
            for (uint256 k = 0; k < indexes.length; ++k) {
                expected = expected && ReferenceTree.route(tree, samples[k]) == indexes[k];
                if (k > 0) expected = expected && samples[k - 1] < samples[k];
            }
            bytes32[] memory path = ReferenceTree.multiproof(tree, indexes);
            VM.assertEq(
                merkle.verifyBatch(root, n, samples, indexes, path),
                expected,
                "batch iff every sample routes to its index and the samples ascend"
            );
        }
    }

    /// @dev 0, max, every value and split key, and each ±1.
    function _queries(ReferenceTree.Tree memory tree) private pure returns (bytes32[] memory queries) {
        uint256 n = tree.levels[0].length;
        queries = new bytes32[](2 + 3 * n + 3 * n);
        uint256 c = 0;
        queries[c++] = bytes32(0);
        queries[c++] = bytes32(type(uint256).max);
        for (uint256 k = 0; k < n; ++k) c = _around(queries, c, tree.levels[0][k]);
        for (uint256 l = 1; l < tree.levels.length; ++l) {
            for (uint256 k = 0; k < tree.levels[l].length; ++k) {
                if (ReferenceTree.hashed(tree, l, k)) c = _around(queries, c, tree.splits[l][k]);
            }
        }
        assembly ("memory-safe") {
            mstore(queries, c)
        }
    }

    function _around(bytes32[] memory queries, uint256 c, bytes32 v) private pure returns (uint256) {
        queries[c++] = v;
        if (uint256(v) > 0) queries[c++] = bytes32(uint256(v) - 1);
        if (uint256(v) < type(uint256).max) queries[c++] = bytes32(uint256(v) + 1);
        return c;
    }

    /// @dev A hole: a value nobody can open, placed anywhere.
    function _hole(uint256 salt) private pure returns (bytes32) {
        return keccak256(abi.encode("HOLE", salt));
    }

    // ─── Exhaustive small trees ────────────────────────────────────────────────────────────────────────────────

    /// @dev Sorted trees with one hole at every position, split keys from adjacent values (what `build` derives,
    /// so around the hole they are whatever the hole makes them).
    function test_HoleAtEveryPositionUpTo12Leaves() public view {
        for (uint256 n = 1; n <= 12; ++n) {
            for (uint256 h = 0; h < n; ++h) {
                bytes32[] memory values = ReferenceTree.sortedHashes(n, n);
                values[h] = _hole(h);
                _checkTree(ReferenceTree.build(values));
            }
        }
    }

    /// @dev The same holes with split keys the registrant picks (pseudo-random, anything).
    function test_HoleAtEveryPositionWithChosenSplitsUpTo12Leaves() public view {
        for (uint256 n = 2; n <= 12; ++n) {
            for (uint256 h = 0; h < n; ++h) {
                bytes32[] memory values = ReferenceTree.sortedHashes(100 + n, n);
                values[h] = _hole(n * 16 + h);
                _checkTree(ReferenceTree.withSplits(values, h));
            }
        }
    }

    /// @dev Unsorted trees: reversed, and every adjacent pair swapped; duplicates: every adjacent pair equal.
    function test_UnsortedAndDuplicateValuesUpTo12Leaves() public view {
        for (uint256 n = 2; n <= 12; ++n) {
            bytes32[] memory reversed = ReferenceTree.sortedHashes(200 + n, n);
            for (uint256 k = 0; k < n / 2; ++k) (reversed[k], reversed[n - 1 - k]) = (reversed[n - 1 - k], reversed[k]);
            _checkTree(ReferenceTree.build(reversed));
            for (uint256 k = 0; k + 1 < n; ++k) {
                bytes32[] memory swapped = ReferenceTree.sortedHashes(300 + n, n);
                (swapped[k], swapped[k + 1]) = (swapped[k + 1], swapped[k]);
                _checkTree(ReferenceTree.build(swapped));
                bytes32[] memory doubled = ReferenceTree.sortedHashes(400 + n, n);
                doubled[k + 1] = doubled[k];
                _checkTree(ReferenceTree.build(doubled));
            }
        }
    }

    /// @dev The v1 hole attack rebuilt: samples a < b < c < d committed as [a, c, HOLE, b, d]. Whatever split keys
    /// the registrant picks — derived from the disorder, random, or chosen to put b's search path anywhere — b is
    /// never both present (at index 3) and absent (next to a or c, or anywhere).
    function test_TheV1HoleAttackFailsWhateverTheSplitKeys() public view {
        bytes32[] memory sorted = ReferenceTree.sortedHashes(0xb0b, 4);
        (bytes32 a, bytes32 b, bytes32 c, bytes32 d) = (sorted[0], sorted[1], sorted[2], sorted[3]);
        bytes32[] memory values = new bytes32[](5);
        (values[0], values[1], values[2], values[3], values[4]) = (a, c, _hole(0), b, d);
        _checkTree(ReferenceTree.build(values));
        for (uint256 seed = 0; seed < 8; ++seed) _checkTree(ReferenceTree.withSplits(values, seed));
        // Splits chosen so that b's membership at index 3 holds: the top goes left (b < top split), level 2 right
        // (b >= split), level 1 right (b >= split of [HOLE, b]).
        ReferenceTree.Tree memory forMembership = ReferenceTree.build(values);
        forMembership.splits[3][0] = d; // top: [a, c, HOLE, b] | [d]
        forMembership.splits[2][0] = b; // [a, c] | [HOLE, b]
        forMembership.splits[1][1] = b; // HOLE | b
        ReferenceTree.rehash(forMembership);
        bytes32 root = ReferenceTree.root(forMembership);
        VM.assertTrue(merkle.verify(root, 5, b, 3, ReferenceTree.path(forMembership, 3)), "b is provably present");
        for (uint256 k = 0; k < 5; ++k) {
            VM.assertFalse(
                merkle.verifyAbsence(root, 5, b, k, values[k], ReferenceTree.path(forMembership, k)),
                "and then never provably absent"
            );
        }
        _checkTree(forMembership);
        // Splits chosen so that b's search path ends next to a (index 0): then b's membership fails.
        ReferenceTree.Tree memory forAbsence = ReferenceTree.build(values);
        forAbsence.splits[3][0] = d;
        forAbsence.splits[2][0] = c; // b < c: left, to [a, c]
        forAbsence.splits[1][0] = c; // b < c: left, to a
        ReferenceTree.rehash(forAbsence);
        root = ReferenceTree.root(forAbsence);
        VM.assertTrue(merkle.verifyAbsence(root, 5, b, 0, a, ReferenceTree.path(forAbsence, 0)), "b is provably absent");
        VM.assertFalse(merkle.verify(root, 5, b, 3, ReferenceTree.path(forAbsence, 3)), "and then not present");
        _checkTree(forAbsence);
    }

    // ─── Fuzzed campaign ───────────────────────────────────────────────────────────────────────────────────────

    /**
     * @dev Any tree of 1 to 16 leaves whose values and split keys come from the small domain 0..19 (so holes,
     * disorder, duplicates and splits equal to values are frequent), every query of the domain and beyond.
     */
    function testFuzz_SmallDomainTreesAreSound(uint256 seed, uint256 n) public view {
        n = _bound(n, 1, 16);
        bytes32[] memory values = new bytes32[](n);
        for (uint256 k = 0; k < n; ++k) values[k] = bytes32(uint256(keccak256(abi.encode(seed, "v", k))) % 20);
        ReferenceTree.Tree memory tree = ReferenceTree.build(values);
        for (uint256 l = 1; l < tree.levels.length; ++l) {
            for (uint256 k = 0; k < tree.levels[l].length; ++k) {
                if (ReferenceTree.hashed(tree, l, k)) {
                    tree.splits[l][k] = bytes32(uint256(keccak256(abi.encode(seed, "s", l, k))) % 21);
                }
            }
        }
        ReferenceTree.rehash(tree);
        Subject memory t = _subject(tree);
        for (uint256 q = 0; q <= 21; ++q) _checkQuery(t, bytes32(q));
        _checkBatches(tree, t.root);
    }

    /// @dev Any tree of 1 to 24 leaves: random values (holes), some copied over others, random splits or
    /// adjacent-value splits, and a random query besides the derived ones.
    function testFuzz_RegistrantTreesAreSound(uint256 seed, uint256 n, bytes32 query, uint8 shape) public view {
        n = _bound(n, 1, 24);
        bytes32[] memory values = shape % 2 == 0 ? ReferenceTree.sortedHashes(seed, n) : new bytes32[](n);
        for (uint256 k = 0; k < n; ++k) {
            uint256 r = uint256(keccak256(abi.encode(seed, k)));
            if (values[k] == 0 || r % 4 == 0) values[k] = bytes32(r); // a hole
            if (k > 0 && r % 7 == 0) values[k] = values[(r >> 8) % k]; // a duplicate
        }
        ReferenceTree.Tree memory tree = (shape >> 1) % 2 == 0
            ? ReferenceTree.build(values)
            : ReferenceTree.withSplits(values, seed);
        Subject memory t = _subject(tree);
        _checkQuery(t, query);
        bytes32[] memory queries = _queries(tree);
        for (uint256 q = 0; q < queries.length; ++q) _checkQuery(t, queries[q]);
    }
}
