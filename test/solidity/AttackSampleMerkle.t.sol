// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DatasetNFT} from "../../contracts/DatasetNFT.sol";
import {SampleMerkleHarness} from "./utils/Harnesses.sol";
import {ReferenceTree} from "./utils/ReferenceTree.sol";
import {VM} from "./utils/Vm.sol";

/**
 * @dev Adversarial review, 2026-12-06 (docs/contracts.md, "Adversarial review"): attacks on the soundness of
 * `datatrace-merkle/2` as an independent auditor would try them. Every test here is an attack that FAILED against
 * the current SampleMerkle / DatasetNFT, kept as a regression test named for the property it protects.
 *
 * What SampleMerkle.t.sol already covers (single membership vs single absence on registrant trees, path tampering)
 * is not repeated; these add: batch membership against single absence on registrant trees, walks 64 levels deep
 * (leafCount = 2^53 − 1, the largest DatasetNFT accepts), the 2^k / 2^k ± 1 boundaries where the last leaf is
 * promoted past almost every level, batches abusing duplicates and order, and two registrations of one root with
 * different counts.
 */
contract AttackSampleMerkleTest {
    SampleMerkleHarness private merkle;

    function setUp() public {
        merkle = new SampleMerkleHarness();
    }

    // ─── helpers ────────────────────────────────────────────────────────────────────────────────────────────────

    function _hole(uint256 salt) private pure returns (bytes32) {
        return keccak256(abi.encode("ATTACK-HOLE", salt));
    }

    function _root(ReferenceTree.Tree memory tree) private pure returns (bytes32) {
        return ReferenceTree.root(tree);
    }

    /// @dev Every value, every split key, each ±1, 0 and the maximum.
    function _queries(ReferenceTree.Tree memory tree) private pure returns (bytes32[] memory queries) {
        uint256 n = tree.levels[0].length;
        queries = new bytes32[](2 + 6 * n);
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

    function _one(bytes32 a) private pure returns (bytes32[] memory out) {
        out = new bytes32[](1);
        out[0] = a;
    }

    function _oneIndex(uint256 a) private pure returns (uint256[] memory out) {
        out = new uint256[](1);
        out[0] = a;
    }

    function _two(bytes32 a, bytes32 b) private pure returns (bytes32[] memory out) {
        out = new bytes32[](2);
        (out[0], out[1]) = (a, b);
    }

    function _twoIndexes(uint256 a, uint256 b) private pure returns (uint256[] memory out) {
        out = new uint256[](2);
        (out[0], out[1]) = (a, b);
    }

    /**
     * @dev The attack on one registrant tree: for every query q that the tree proves ABSENT (its search path ends
     * at a value other than q), try to prove q PRESENT with a batch — alone at every index with that index's
     * multiproof, and paired with every other committed value (both orders of index) — and with a single proof at
     * every index with every index's path. None may succeed. For every query the tree proves present, no absence
     * proof at any index with any committed value as the neighbour may succeed.
     */
    function _attackTree(ReferenceTree.Tree memory tree) private view {
        Proofs memory pr = _proofs(tree);
        bytes32[] memory values = tree.levels[0];
        uint256 n = values.length;
        bytes32[] memory queries = _queries(tree);
        for (uint256 t = 0; t < queries.length; ++t) {
            bytes32 q = queries[t];
            uint256 end = ReferenceTree.route(tree, q);
            if (values[end] != q) {
                VM.assertTrue(
                    merkle.verifyAbsence(pr.root, n, q, end, values[end], pr.paths[end]),
                    "sanity: q is provably absent"
                );
                _noMembership(values, pr, q);
            } else {
                VM.assertTrue(merkle.verify(pr.root, n, q, end, pr.paths[end]), "sanity: q is provably present");
                _noAbsence(values, pr, q);
            }
        }
    }

    function _noAbsence(bytes32[] memory values, Proofs memory pr, bytes32 q) private view {
        uint256 n = values.length;
        for (uint256 k = 0; k < n; ++k) {
            for (uint256 j = 0; j < n; ++j) {
                VM.assertFalse(
                    merkle.verifyAbsence(pr.root, n, q, k, values[j], pr.paths[k]),
                    "SOUNDNESS: a present query proven absent"
                );
            }
        }
    }

    /// @dev Every proof a tree's prover could send: single paths and the multiproof of every pair of indexes.
    struct Proofs {
        bytes32 root;
        bytes32[][] paths;
        bytes32[][][] pairs; // pairs[lo][hi], lo < hi
        uint256[][] singleIndex;
        uint256[][][] pairIndexes;
    }

    function _proofs(ReferenceTree.Tree memory tree) private pure returns (Proofs memory pr) {
        uint256 n = tree.levels[0].length;
        pr.root = _root(tree);
        pr.paths = new bytes32[][](n);
        pr.pairs = new bytes32[][][](n);
        pr.singleIndex = new uint256[][](n);
        pr.pairIndexes = new uint256[][][](n);
        for (uint256 k = 0; k < n; ++k) {
            pr.paths[k] = ReferenceTree.path(tree, k);
            pr.singleIndex[k] = _oneIndex(k);
            pr.pairs[k] = new bytes32[][](n);
            pr.pairIndexes[k] = new uint256[][](n);
            for (uint256 h = k + 1; h < n; ++h) {
                pr.pairIndexes[k][h] = _twoIndexes(k, h);
                pr.pairs[k][h] = ReferenceTree.multiproof(tree, pr.pairIndexes[k][h]);
            }
        }
    }

    function _noMembership(bytes32[] memory values, Proofs memory pr, bytes32 q) private view {
        uint256 n = values.length;
        bytes32[] memory alone = _one(q);
        bytes32[] memory pair = new bytes32[](2);
        for (uint256 k = 0; k < n; ++k) {
            for (uint256 j = 0; j < n; ++j) {
                VM.assertFalse(merkle.verify(pr.root, n, q, k, pr.paths[j]), "SOUNDNESS: absent query proven present");
            }
            // A single-leaf multiproof is the single path.
            VM.assertFalse(
                merkle.verifyBatch(pr.root, n, alone, pr.singleIndex[k], pr.paths[k]),
                "SOUNDNESS: absent query proven present by a batch of one"
            );
            for (uint256 j = 0; j < n; ++j) {
                if (j != k) _noPairMembership(values, pr, q, pair, j, k);
            }
        }
    }

    /// @dev q at index k, paired with the committed value at index j, with the pair's multiproof.
    function _noPairMembership(
        bytes32[] memory values,
        Proofs memory pr,
        bytes32 q,
        bytes32[] memory pair,
        uint256 j,
        uint256 k
    ) private view {
        (uint256 lo, uint256 hi) = j < k ? (j, k) : (k, j);
        (pair[0], pair[1]) = j < k ? (values[j], q) : (q, values[j]);
        VM.assertFalse(
            merkle.verifyBatch(pr.root, values.length, pair, pr.pairIndexes[lo][hi], pr.pairs[lo][hi]),
            "SOUNDNESS: absent query proven present inside a batch"
        );
    }

    // ─── Attack 1: batch membership vs single absence on registrant trees ───────────────────────────────────────

    /// @dev Holes at every position, split keys derived from the (holed) values, 1 to 7 leaves.
    function test_BatchMembershipNeverContradictsAbsence_HoleAtEveryPosition() public view {
        for (uint256 n = 1; n <= 7; ++n) {
            for (uint256 h = 0; h < n; ++h) {
                bytes32[] memory values = ReferenceTree.sortedHashes(0xa77ac4 + n, n);
                values[h] = _hole(n * 32 + h);
                _attackTree(ReferenceTree.build(values));
            }
        }
    }

    /// @dev Registrant-chosen split keys, unsorted values, duplicates: 2 to 7 leaves.
    function test_BatchMembershipNeverContradictsAbsence_ChosenSplitsDisorderDuplicates() public view {
        for (uint256 n = 2; n <= 7; ++n) {
            bytes32[] memory values = ReferenceTree.sortedHashes(0xd15 + n, n);
            _attackTree(ReferenceTree.withSplits(values, n));
            bytes32[] memory reversed = ReferenceTree.sortedHashes(0xd15 + n, n);
            for (uint256 k = 0; k < n / 2; ++k) (reversed[k], reversed[n - 1 - k]) = (reversed[n - 1 - k], reversed[k]);
            _attackTree(ReferenceTree.build(reversed));
            _attackTree(ReferenceTree.withSplits(reversed, n + 100));
            bytes32[] memory doubled = ReferenceTree.sortedHashes(0xd0b + n, n);
            doubled[n - 1] = doubled[0];
            _attackTree(ReferenceTree.build(doubled));
        }
    }

    /// @dev Small-domain fuzz: values and split keys in 0..15, so equalities between values, splits and queries are
    /// frequent; every query of the domain.
    function testFuzz_BatchMembershipNeverContradictsAbsence_SmallDomain(uint256 seed, uint256 n) public view {
        n = 1 + (n % 8);
        bytes32[] memory values = new bytes32[](n);
        for (uint256 k = 0; k < n; ++k) values[k] = bytes32(uint256(keccak256(abi.encode(seed, "v", k))) % 16);
        ReferenceTree.Tree memory tree = ReferenceTree.build(values);
        for (uint256 l = 1; l < tree.levels.length; ++l) {
            for (uint256 k = 0; k < tree.levels[l].length; ++k) {
                if (ReferenceTree.hashed(tree, l, k)) {
                    tree.splits[l][k] = bytes32(uint256(keccak256(abi.encode(seed, "s", l, k))) % 17);
                }
            }
        }
        ReferenceTree.rehash(tree);
        _attackTree(tree);
    }

    /**
     * @dev A batch is exactly the AND of its single proofs (plus strict ascent), on registrant trees from a small
     * domain (values 0..15, split keys 0..16: holes, disorder, duplicates, splits equal to values), for a random
     * subset whose samples are each, at random, the committed value or any domain value (a foreign sample), with
     * the multiproof of the committed tree.
     */
    function testFuzz_BatchIsExactlyTheAndOfSingles_RegistrantTrees(uint256 seed, uint256 n, uint256 mask) public view {
        ReferenceTree.Tree memory tree = _smallDomainTree(seed, 1 + (n % 12));
        (uint256[] memory indexes, bytes32[] memory samples) = _pickWithForeigners(tree.levels[0], seed, mask);
        _checkBatchIsAndOfSingles(tree, indexes, samples);
    }

    function _smallDomainTree(uint256 seed, uint256 n) private pure returns (ReferenceTree.Tree memory tree) {
        bytes32[] memory values = new bytes32[](n);
        for (uint256 k = 0; k < n; ++k) values[k] = bytes32(uint256(keccak256(abi.encode(seed, "v", k))) % 16);
        tree = ReferenceTree.build(values);
        for (uint256 l = 1; l < tree.levels.length; ++l) {
            for (uint256 k = 0; k < tree.levels[l].length; ++k) {
                if (ReferenceTree.hashed(tree, l, k)) {
                    tree.splits[l][k] = bytes32(uint256(keccak256(abi.encode(seed, "s", l, k))) % 17);
                }
            }
        }
        ReferenceTree.rehash(tree);
    }

    function _pickWithForeigners(
        bytes32[] memory values,
        uint256 seed,
        uint256 mask
    ) private pure returns (uint256[] memory indexes, bytes32[] memory samples) {
        uint256 n = values.length;
        uint256 bits = mask & ((1 << n) - 1);
        if (bits == 0) bits = 1 << (mask % n);
        uint256 count = 0;
        for (uint256 k = 0; k < n; ++k) if (bits & (1 << k) != 0) ++count;
        indexes = new uint256[](count);
        samples = new bytes32[](count);
        uint256 j = 0;
        for (uint256 k = 0; k < n; ++k) {
            if (bits & (1 << k) == 0) continue;
            uint256 r = uint256(keccak256(abi.encode(seed, "q", k)));
            indexes[j] = k;
            samples[j++] = r % 3 == 0 ? bytes32(r % 17) : values[k];
        }
    }

    function _checkBatchIsAndOfSingles(
        ReferenceTree.Tree memory tree,
        uint256[] memory indexes,
        bytes32[] memory samples
    ) private view {
        uint256 n = tree.levels[0].length;
        bytes32 root = _root(tree);
        bool expected = true;
        for (uint256 k = 0; k < indexes.length; ++k) {
            expected = expected && merkle.verify(root, n, samples[k], indexes[k], ReferenceTree.path(tree, indexes[k]));
            if (k > 0) expected = expected && samples[k - 1] < samples[k];
        }
        bytes32[] memory proof = ReferenceTree.multiproof(tree, indexes);
        VM.assertEq(merkle.verifyBatch(root, n, samples, indexes, proof), expected, "batch == ascending AND singles");
    }

    // ─── Attack 2: duplicates and order inside a batch ─────────────────────────────────────────────────────────

    /// @dev A registrant commits the same value at two positions (a duplicate). A batch naming both positions with
    /// that value, or one position twice, or the two positions in descending order, never verifies, whatever path.
    function test_BatchRejectsDuplicatePositionsAndDuplicateValues() public view {
        for (uint256 n = 2; n <= 8; ++n) {
            for (uint256 j = 0; j + 1 < n; ++j) {
                bytes32[] memory values = ReferenceTree.sortedHashes(0xdd + n, n);
                values[j + 1] = values[j];
                ReferenceTree.Tree memory tree = ReferenceTree.build(values);
                bytes32 root = _root(tree);
                bytes32 v = values[j];
                bytes32[] memory pairProof = ReferenceTree.multiproof(tree, _twoIndexes(j, j + 1));
                VM.assertFalse(
                    merkle.verifyBatch(root, n, _two(v, v), _twoIndexes(j, j + 1), pairProof),
                    "equal hashes at two positions"
                );
                bytes32[] memory single = ReferenceTree.multiproof(tree, _oneIndex(j));
                VM.assertFalse(
                    merkle.verifyBatch(root, n, _two(v, v), _twoIndexes(j, j), single),
                    "one position twice (single path)"
                );
                VM.assertFalse(
                    merkle.verifyBatch(root, n, _two(v, v), _twoIndexes(j, j), pairProof),
                    "one position twice (pair path)"
                );
                VM.assertFalse(
                    merkle.verifyBatch(root, n, _two(v, v), _twoIndexes(j + 1, j), pairProof),
                    "descending positions"
                );
            }
        }
    }

    /// @dev An honest tree: every pair of members in swapped order (indexes swapped, or hashes swapped), and a
    /// repeated pair, is rejected, with every plausible path (the pair's multiproof, each single path).
    function test_BatchRejectsEveryReorderingOfAnHonestPair() public view {
        uint256 n = 7;
        ReferenceTree.Tree memory tree = ReferenceTree.build(ReferenceTree.sortedHashes(0x0de7, n));
        bytes32 root = _root(tree);
        bytes32[] memory v = tree.levels[0];
        for (uint256 a = 0; a < n; ++a) {
            for (uint256 b = a + 1; b < n; ++b) {
                bytes32[] memory proof = ReferenceTree.multiproof(tree, _twoIndexes(a, b));
                VM.assertTrue(merkle.verifyBatch(root, n, _two(v[a], v[b]), _twoIndexes(a, b), proof), "honest");
                VM.assertFalse(merkle.verifyBatch(root, n, _two(v[b], v[a]), _twoIndexes(b, a), proof), "both swapped");
                VM.assertFalse(merkle.verifyBatch(root, n, _two(v[b], v[a]), _twoIndexes(a, b), proof), "hashes swapped");
                VM.assertFalse(merkle.verifyBatch(root, n, _two(v[a], v[b]), _twoIndexes(b, a), proof), "indexes swapped");
                VM.assertFalse(
                    merkle.verifyBatch(root, n, _two(v[a], v[a]), _twoIndexes(a, a), ReferenceTree.path(tree, a)),
                    "a member twice"
                );
            }
        }
    }

    /// @dev Batch boundaries: an index at the count, at 2^256 − 1, and the last valid index with a path one entry
    /// short or long; the batch of every leaf of a 2^k tree takes split keys only.
    function test_BatchRangeAndLengthBoundaries() public view {
        uint256[6] memory sizes = [uint256(1), 2, 3, 8, 9, 16];
        for (uint256 s = 0; s < sizes.length; ++s) {
            uint256 n = sizes[s];
            ReferenceTree.Tree memory tree = ReferenceTree.build(ReferenceTree.sortedHashes(0xb0 + n, n));
            bytes32 root = _root(tree);
            bytes32[] memory last = _one(tree.levels[0][n - 1]);
            bytes32[] memory proof = ReferenceTree.multiproof(tree, _oneIndex(n - 1));
            VM.assertTrue(merkle.verifyBatch(root, n, last, _oneIndex(n - 1), proof), "the last leaf");
            VM.assertFalse(merkle.verifyBatch(root, n, last, _oneIndex(n), proof), "index == count");
            VM.assertFalse(merkle.verifyBatch(root, n, last, _oneIndex(type(uint256).max), proof), "index 2^256-1");
            bytes32[] memory longer = new bytes32[](proof.length + 1);
            for (uint256 k = 0; k < proof.length; ++k) longer[k] = proof[k];
            VM.assertFalse(merkle.verifyBatch(root, n, last, _oneIndex(n - 1), longer), "path one entry long");
            if (proof.length > 0) {
                bytes32[] memory shorter = new bytes32[](proof.length - 1);
                for (uint256 k = 0; k < shorter.length; ++k) shorter[k] = proof[k];
                VM.assertFalse(merkle.verifyBatch(root, n, last, _oneIndex(n - 1), shorter), "path one entry short");
            }
        }
    }

    // ─── Attack 3: 2^k ± 1 boundaries and the promoted last leaf ───────────────────────────────────────────────

    /// @dev For n in {2^k − 1, 2^k, 2^k + 1}, k = 1..6: every leaf verifies with exactly its path, and not under
    /// the neighbouring counts with the same root (a registration stating n ± 1). The last
    /// leaf of 2^k + 1 is promoted through k levels and hashed once at the top: its path is one pair, and neither
    /// a padded path (the pair plus dummy pairs) nor a different index accepts it.
    function test_PowerOfTwoBoundariesAndThePromotedLastLeaf() public view {
        for (uint256 k = 1; k <= 6; ++k) {
            for (uint256 d = 0; d < 3; ++d) {
                uint256 n = (1 << k) + d - 1;
                if (n == 0) continue;
                ReferenceTree.Tree memory tree = ReferenceTree.build(ReferenceTree.sortedHashes(k * 8 + d, n));
                for (uint256 i = 0; i < n; ++i) {
                    bytes32 v = tree.levels[0][i];
                    bytes32[] memory path = ReferenceTree.path(tree, i);
                    VM.assertTrue(merkle.verify(_root(tree), n, v, i, path), "honest leaf");
                    // The same root under the neighbouring counts (what a registrant stating a wrong count holds).
                    VM.assertFalse(merkle.verify(_root(tree), n + 1, v, i, path), "count + 1");
                    VM.assertFalse(merkle.verify(_root(tree), n - 1, v, i, path), "count - 1");
                }
                if (d == 2) {
                    bytes32[] memory path = ReferenceTree.path(tree, n - 1);
                    VM.assertEq(path.length, 2, "the last leaf of 2^k + 1 is hashed once");
                    bytes32[] memory padded = new bytes32[](4);
                    (padded[0], padded[1], padded[2], padded[3]) = (path[0], path[1], bytes32(0), bytes32(0));
                    VM.assertFalse(merkle.verify(_root(tree), n, tree.levels[0][n - 1], n - 1, padded), "padded");
                    VM.assertFalse(
                        merkle.verify(_root(tree), n, tree.levels[0][n - 1], n - 2, path),
                        "the promoted leaf's path at the index before it"
                    );
                }
            }
        }
    }

    // ─── Attack 4: the deepest walk (64 levels) through the deployed registry ──────────────────────────────────

    /**
     * @dev Builds a valid proof for `value` at `index` of a tree of `n` leaves without building the tree: at every
     * hashed level a chosen sibling and a split key that routes `value` the way the walk goes (`value` itself when
     * coming from the right, `value + 1` from the left; `value` must be below 2^256 − 1). Returns the path and the
     * top. This is what a registrant can always do for ONE value; the test then checks no other value rides it.
     */
    function _syntheticPath(
        bytes32 value,
        uint256 index,
        uint256 n,
        uint256 seed
    ) private pure returns (bytes32[] memory path, bytes32 top) {
        path = new bytes32[](128);
        uint256 c = 0;
        top = value;
        uint256 i = index;
        for (uint256 width = n; width > 1; width = (width + 1) / 2) {
            bool fromRight = i % 2 == 1;
            if (fromRight || i + 1 < width) {
                bytes32 sibling = keccak256(abi.encode(seed, c));
                bytes32 split = fromRight ? value : bytes32(uint256(value) + 1);
                path[c++] = sibling;
                path[c++] = split;
                top = fromRight
                    ? keccak256(abi.encodePacked(sibling, top, split))
                    : keccak256(abi.encodePacked(top, sibling, split));
            }
            i /= 2;
        }
        assembly ("memory-safe") {
            mstore(path, c)
        }
    }

    /// @dev leafCount = 2^53 − 1 (the largest a registration holds, DatasetNFT.MAX_LEAF_COUNT): 53-level walks at the first, a middle and the
    /// two last indexes verify through DatasetNFT.verifySample; the value ± 1, the index ± 1, the path without its
    /// last pair or with an extra pair, and the same walk under leafCount 2^53 − 2 all fail.
    function test_FiftyThreeLevelWalksThroughTheRegistry() public {
        DatasetNFT nft = new DatasetNFT();
        uint64 n = nft.MAX_LEAF_COUNT();
        uint256[4] memory indexes = [uint256(0), uint256(n) / 3, uint256(n) - 2, uint256(n) - 1];
        for (uint256 t = 0; t < indexes.length; ++t) {
            bytes32 v = keccak256(abi.encode("deep", t)) >> 1; // below 2^255: v + 1 never overflows
            (bytes32[] memory path, bytes32 top) = _syntheticPath(v, indexes[t], n, t);
            bytes32 root = keccak256(abi.encode(top, uint256(n)));
            uint256 id = nft.register(root, n, "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", "", 0);
            VM.assertTrue(nft.verifySample(id, v, indexes[t], path), "a 53-level walk verifies");
            VM.assertLt(path.length, 107, "at most 53 pairs");
            VM.assertFalse(nft.verifySample(id, bytes32(uint256(v) + 1), indexes[t], path), "value + 1");
            VM.assertFalse(nft.verifySample(id, bytes32(uint256(v) - 1), indexes[t], path), "value - 1");
            if (indexes[t] > 0) VM.assertFalse(nft.verifySample(id, v, indexes[t] - 1, path), "index - 1");
            VM.assertFalse(nft.verifySample(id, v, indexes[t] + 1, path), "index + 1 (or == count)");
            bytes32[] memory shorter = new bytes32[](path.length - 2);
            for (uint256 k = 0; k < shorter.length; ++k) shorter[k] = path[k];
            VM.assertFalse(nft.verifySample(id, v, indexes[t], shorter), "one pair short");
            bytes32[] memory longer = new bytes32[](path.length + 2);
            for (uint256 k = 0; k < path.length; ++k) longer[k] = path[k];
            VM.assertFalse(nft.verifySample(id, v, indexes[t], longer), "one pair long");
            // Absence of v + 1 at the same position: routed the same way only where v + 1 stays on v's side.
            // Coming from the left the split is v + 1, so v + 1 goes right: the walk must fail.
            bool anyLeftStep = false;
            for (uint256 k = 1; k < path.length; k += 2) anyLeftStep = anyLeftStep || path[k] == bytes32(uint256(v) + 1);
            if (anyLeftStep) {
                VM.assertFalse(
                    nft.verifyAbsence(id, bytes32(uint256(v) + 1), indexes[t], v, path),
                    "v + 1 cannot ride v's walk across a left step"
                );
            }
        }
    }

    // ─── Attack 5: one root, two counts ────────────────────────────────────────────────────────────────────────

    /// @dev A second registrant registers an honest curator's root with leafCount n + 1 (or n − 1, or 2^53 − 1).
    /// No honest proof — membership, absence or batch — verifies against that registration, and the curator's
    /// registration is unaffected: the count in the root makes a wrong-count registration prove nothing.
    function test_ARootRegisteredWithAnotherCountProvesNothing() public {
        DatasetNFT nft = new DatasetNFT();
        ReferenceTree.Tree memory tree = ReferenceTree.build(ReferenceTree.sortedHashes(0x5a, 6));
        string memory manifest = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
        uint256 honest = nft.register(_root(tree), 6, manifest, "", 0);
        uint64[3] memory wrong = [uint64(7), uint64(5), uint64(2 ** 53 - 1)];
        for (uint256 w = 0; w < wrong.length; ++w) {
            VM.prank(address(uint160(0xbad0 + w)));
            uint256 other = nft.register(_root(tree), wrong[w], manifest, "", 0);
            for (uint256 i = 0; i < 6; ++i) _checkWrongCount(nft, tree, honest, other, i);
        }
    }

    function _checkWrongCount(
        DatasetNFT nft,
        ReferenceTree.Tree memory tree,
        uint256 honest,
        uint256 other,
        uint256 i
    ) private view {
        bytes32 v = tree.levels[0][i];
        bytes32[] memory path = ReferenceTree.path(tree, i);
        VM.assertTrue(nft.verifySample(honest, v, i, path), "the curator's registration proves it");
        VM.assertFalse(nft.verifySample(other, v, i, path), "the wrong-count registration does not");
        VM.assertFalse(nft.verifyAbsence(other, bytes32(uint256(v) + 1), i, v, path), "nor any absence");
        VM.assertFalse(nft.verifySamples(other, _one(v), _oneIndex(i), path), "nor any batch");
    }

    /**
     * @dev Informational (not a break): the same TOP re-committed under another count, `keccak(top ‖ n + 1)`, is a
     * different root, and some honest paths verify against it: for n = 3 → 4 the promoted leaf s2 stands where the
     * 4-leaf tree has the internal node over leaves 2 and 3. That is a registrant's tree with a hole at level 1 (a
     * node nobody can open), which the soundness argument already allows; it only ever concerns a root the
     * registrant chose. What must hold: the promoted leaf itself cannot be proven under the larger count, and
     * neither can anything "below" it.
     */
    function test_ATopReCommittedUnderAnotherCountIsATreeWithAHole() public view {
        ReferenceTree.Tree memory tree = ReferenceTree.build(ReferenceTree.sortedHashes(0x3, 3));
        bytes32 other = keccak256(abi.encode(ReferenceTree.top(tree), uint256(4)));
        bytes32[] memory v = tree.levels[0];
        VM.assertTrue(merkle.verify(other, 4, v[0], 0, ReferenceTree.path(tree, 0)), "s0: same shape, verifies");
        VM.assertTrue(merkle.verify(other, 4, v[1], 1, ReferenceTree.path(tree, 1)), "s1: same shape, verifies");
        bytes32[] memory p2 = ReferenceTree.path(tree, 2);
        for (uint256 i = 0; i < 4; ++i) {
            VM.assertFalse(merkle.verify(other, 4, v[2], i, p2), "the promoted s2 is not a leaf of the 4-tree");
        }
    }

    /**
     * @dev Node as root: a registrant registers, as its "root", an internal node of an honest tree (the node over
     * leaves 0..3, with count 4) or the honest tree's uncommitted top (with count 8). The leaves under that node,
     * with their subtree paths or their full paths, prove nothing against either registration: a committed root is
     * a 64-byte preimage, a node a 96-byte one, so neither can stand in for the other.
     */
    function test_AnInternalNodeOrTheTopRegisteredAsARootProvesNothing() public {
        DatasetNFT nft = new DatasetNFT();
        ReferenceTree.Tree memory tree = ReferenceTree.build(ReferenceTree.sortedHashes(0x707, 8));
        string memory manifest = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
        uint256 asNode = nft.register(tree.levels[2][0], 4, manifest, "", 0);
        uint256 asTop = nft.register(ReferenceTree.top(tree), 8, manifest, "", 0);
        for (uint256 i = 0; i < 4; ++i) {
            bytes32[] memory full = ReferenceTree.path(tree, i);
            bytes32[] memory sub = new bytes32[](4); // the two pairs inside the 4-leaf subtree
            for (uint256 k = 0; k < 4; ++k) sub[k] = full[k];
            VM.assertFalse(nft.verifySample(asNode, tree.levels[0][i], i, sub), "node as root, subtree path");
            VM.assertFalse(nft.verifySample(asNode, tree.levels[0][i], i, full), "node as root, full path");
            VM.assertFalse(nft.verifySample(asTop, tree.levels[0][i], i, full), "top as root, full path");
            VM.assertFalse(
                nft.verifySamples(asTop, _one(tree.levels[0][i]), _oneIndex(i), full),
                "top as root, batch"
            );
        }
    }
}
