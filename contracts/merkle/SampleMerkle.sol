// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title SampleMerkle
 * @notice Verification of Datatrace dataset commitments: positional Merkle proofs over the sorted set of a
 * dataset's sample hashes (docs/merkle-scheme.md).
 *
 * The tree: `leaf = keccak256(sampleHash)` (a 32-byte preimage), `node = keccak256(left ‖ right)` (a 64-byte
 * preimage, ordered, NOT sorted-pair). A level with an odd count promotes its last node unchanged. A commitment
 * is `(root, leafCount)`; a proof is positional: the verifier derives the path from `index` and `leafCount`, so a
 * sibling list proves exactly one position.
 *
 * WARNING: Leaves and internal nodes are told apart only by the length of their preimage (32 vs 64 bytes); that is
 * sound because `sampleHash` is itself a 32-byte hash, so no 64-byte node preimage can be presented as a sample.
 * Never feed this library leaves that are not 32-byte hashes of sample bytes.
 *
 * WARNING: Absence proofs ({verifyAbsence}) are sound only if the committed leaves really are sorted ascending and
 * distinct. Nothing on chain can check that at registration. A single adjacent pair out of order is enough to
 * "prove" that a present sample is absent, so callers must honour disorder proofs ({verifyDisorder}): once one
 * verifies for a commitment, absence proofs for that commitment mean nothing. Off-chain verifiers that hold the
 * manifest check sortedness themselves.
 *
 * NOTE: The verifiers return `false`, and never revert, on malformed proofs (index out of range, indexes not
 * strictly ascending, too many or too few sibling hashes). The only revert is a length mismatch between the
 * sample hashes and the indexes of a batch, which is a caller bug rather than a bad proof.
 */
library SampleMerkle {
    /// @dev The sample hashes and the indexes of a batch proof have different lengths.
    error SampleMerkleBatchLengthMismatch(uint256 sampleHashes, uint256 indexes);

    /**
     * @dev A committed sample with its position and its membership proof, used by absence and disorder proofs.
     * @param sampleHash SHA-256 of the sample bytes.
     * @param index The sample's position among the committed leaves (0-based).
     * @param proof The sibling hashes from the leaf up to the root, in the order {verify} consumes them.
     */
    struct Neighbor {
        bytes32 sampleHash;
        uint256 index;
        bytes32[] proof;
    }

    /// @dev Returns the leaf of `sampleHash`: `keccak256(sampleHash)` over the 32-byte value.
    function leafHash(bytes32 sampleHash) internal pure returns (bytes32 leaf) {
        assembly ("memory-safe") {
            mstore(0x00, sampleHash)
            leaf := keccak256(0x00, 0x20)
        }
    }

    /// @dev Returns the parent of two adjacent nodes: `keccak256(left ‖ right)`, order preserved.
    function nodeHash(bytes32 left, bytes32 right) internal pure returns (bytes32 node) {
        assembly ("memory-safe") {
            mstore(0x00, left)
            mstore(0x20, right)
            node := keccak256(0x00, 0x40)
        }
    }

    /**
     * @dev Returns true if `sampleHash` is the leaf at `index` of the tree committed as (`root`, `leafCount`).
     *
     * Walks up from the leaf: an odd position takes its sibling from the left, an even position takes it from the
     * right unless it is the last, unpaired node of its level, which is promoted without consuming a sibling. Valid
     * iff the walk consumes every sibling hash exactly and ends at `root`.
     */
    function verify(
        bytes32 root,
        uint256 leafCount,
        bytes32 sampleHash,
        uint256 index,
        bytes32[] calldata proof
    ) internal pure returns (bool valid) {
        if (index >= leafCount) return false;
        assembly ("memory-safe") {
            mstore(0x00, sampleHash)
            let node := keccak256(0x00, 0x20)
            let p := proof.offset
            let pEnd := add(p, shl(5, proof.length))
            let i := index
            // Reading past `pEnd` (a too-short proof) is harmless: the final `eq(p, pEnd)` rejects it.
            for { let width := leafCount } gt(width, 1) { width := add(shr(1, width), and(width, 1)) } {
                switch and(i, 1)
                case 1 {
                    mstore(0x00, calldataload(p))
                    mstore(0x20, node)
                    node := keccak256(0x00, 0x40)
                    p := add(p, 0x20)
                }
                default {
                    if lt(add(i, 1), width) {
                        mstore(0x00, node)
                        mstore(0x20, calldataload(p))
                        node := keccak256(0x00, 0x40)
                        p := add(p, 0x20)
                    }
                }
                i := shr(1, i)
            }
            valid := and(eq(p, pEnd), eq(node, root))
        }
    }

    /// @dev Memory variant of {verify}, for proofs that were decoded or built in memory.
    function verifyMemory(
        bytes32 root,
        uint256 leafCount,
        bytes32 sampleHash,
        uint256 index,
        bytes32[] memory proof
    ) internal pure returns (bool valid) {
        if (index >= leafCount) return false;
        assembly ("memory-safe") {
            mstore(0x00, sampleHash)
            let node := keccak256(0x00, 0x20)
            let p := add(proof, 0x20)
            let pEnd := add(p, shl(5, mload(proof)))
            let i := index
            for { let width := leafCount } gt(width, 1) { width := add(shr(1, width), and(width, 1)) } {
                switch and(i, 1)
                case 1 {
                    mstore(0x00, mload(p))
                    mstore(0x20, node)
                    node := keccak256(0x00, 0x40)
                    p := add(p, 0x20)
                }
                default {
                    if lt(add(i, 1), width) {
                        mstore(0x00, node)
                        mstore(0x20, mload(p))
                        node := keccak256(0x00, 0x40)
                        p := add(p, 0x20)
                    }
                }
                i := shr(1, i)
            }
            valid := and(eq(p, pEnd), eq(node, root))
        }
    }

    /**
     * @dev Returns true if every `sampleHashes[k]` is the leaf at `indexes[k]` of the tree (`root`, `leafCount`),
     * checked with one positional multiproof `proof`.
     *
     * The "known" list starts as the (index, leaf) pairs in ascending index order. At each level, walking the list
     * in order: a known node at odd index i takes its left sibling from `proof` (had i-1 been known, it would have
     * been consumed as a pair); at even index i it pairs with the next known entry if that entry is i+1, else takes
     * its right sibling from `proof`, else (i is the last, unpaired node) is promoted. Parents go to index i >> 1.
     * Valid iff the walk consumes `proof` exactly and ends at `root`.
     *
     * Returns false for an empty batch, for indexes that are not strictly ascending or not below `leafCount`, and
     * for a proof of the wrong length. Reverts with {SampleMerkleBatchLengthMismatch} if the two arrays differ in
     * length.
     */
    function verifyBatch(
        bytes32 root,
        uint256 leafCount,
        bytes32[] calldata sampleHashes,
        uint256[] calldata indexes,
        bytes32[] calldata proof
    ) internal pure returns (bool valid) {
        uint256 count = indexes.length;
        if (sampleHashes.length != count) revert SampleMerkleBatchLengthMismatch(sampleHashes.length, count);
        if (count == 0 || indexes[count - 1] >= leafCount) return false;

        assembly ("memory-safe") {
            // The known list lives past the free memory pointer as (index, node) pairs of 64 bytes; the pointer is
            // not moved because nothing else allocates before this block ends. Parents overwrite the list in place:
            // the write cursor never passes the read cursor.
            let list := mload(0x40)
            let ordered := 1
            let previous := 0
            for { let k := 0 } lt(k, count) { k := add(k, 1) } {
                let i := calldataload(add(indexes.offset, shl(5, k)))
                if and(gt(k, 0), iszero(gt(i, previous))) {
                    ordered := 0
                    break
                }
                previous := i
                mstore(0x00, calldataload(add(sampleHashes.offset, shl(5, k))))
                let entry := add(list, shl(6, k))
                mstore(entry, i)
                mstore(add(entry, 0x20), keccak256(0x00, 0x20))
            }

            if ordered {
                let p := proof.offset
                let pEnd := add(p, shl(5, proof.length))
                let listEnd := add(list, shl(6, count))
                for { let width := leafCount } gt(width, 1) { width := add(shr(1, width), and(width, 1)) } {
                    let w := list
                    for { let r := list } lt(r, listEnd) {} {
                        let i := mload(r)
                        let node := mload(add(r, 0x20))
                        let next := add(r, 0x40)
                        switch and(i, 1)
                        case 1 {
                            mstore(0x00, calldataload(p))
                            mstore(0x20, node)
                            node := keccak256(0x00, 0x40)
                            p := add(p, 0x20)
                        }
                        default {
                            switch and(lt(next, listEnd), eq(mload(next), add(i, 1)))
                            case 1 {
                                mstore(0x00, node)
                                mstore(0x20, mload(add(next, 0x20)))
                                node := keccak256(0x00, 0x40)
                                next := add(next, 0x40)
                            }
                            default {
                                if lt(add(i, 1), width) {
                                    mstore(0x00, node)
                                    mstore(0x20, calldataload(p))
                                    node := keccak256(0x00, 0x40)
                                    p := add(p, 0x20)
                                }
                            }
                        }
                        mstore(w, shr(1, i))
                        mstore(add(w, 0x20), node)
                        w := add(w, 0x40)
                        r := next
                    }
                    listEnd := w
                }
                // Distinct indexes below leafCount always fold into a single node at index 0.
                valid := and(eq(p, pEnd), eq(mload(add(list, 0x20)), root))
            }
        }
    }

    /**
     * @dev Returns true if `query` is provably not a leaf of (`root`, `leafCount`), assuming sorted distinct
     * leaves (see the WARNING above). Accepted shapes:
     * - two neighbors at adjacent indexes i, i+1 with `neighbors[0].sampleHash < query < neighbors[1].sampleHash`;
     * - one neighbor at index 0 with `query < sampleHash` (query sorts before the first leaf);
     * - one neighbor at index `leafCount - 1` with `query > sampleHash` (query sorts after the last leaf).
     * Every neighbor's membership proof must verify. Any other shape returns false.
     */
    function verifyAbsence(
        bytes32 root,
        uint256 leafCount,
        bytes32 query,
        Neighbor[] calldata neighbors
    ) internal pure returns (bool) {
        if (neighbors.length == 1) {
            Neighbor calldata only = neighbors[0];
            bool beforeFirst = only.index == 0 && query < only.sampleHash;
            bool afterLast = leafCount != 0 && only.index == leafCount - 1 && query > only.sampleHash;
            return (beforeFirst || afterLast) && _verifyNeighbor(root, leafCount, only);
        }
        if (neighbors.length == 2) {
            Neighbor calldata left = neighbors[0];
            Neighbor calldata right = neighbors[1];
            return
                _adjacent(left.index, right.index) &&
                left.sampleHash < query &&
                query < right.sampleHash &&
                _verifyNeighbor(root, leafCount, left) &&
                _verifyNeighbor(root, leafCount, right);
        }
        return false;
    }

    /**
     * @dev Returns true if `left` and `right` prove that the leaves of (`root`, `leafCount`) are not sorted and
     * distinct: they sit at adjacent indexes i, i+1, both membership proofs verify, and
     * `left.sampleHash >= right.sampleHash`.
     */
    function verifyDisorder(
        bytes32 root,
        uint256 leafCount,
        Neighbor calldata left,
        Neighbor calldata right
    ) internal pure returns (bool) {
        return
            _adjacent(left.index, right.index) &&
            left.sampleHash >= right.sampleHash &&
            _verifyNeighbor(root, leafCount, left) &&
            _verifyNeighbor(root, leafCount, right);
    }

    /// @dev Returns true if `right == left + 1`, without overflowing.
    function _adjacent(uint256 left, uint256 right) private pure returns (bool) {
        return right > left && right - left == 1;
    }

    /// @dev Checks a neighbor's membership proof.
    function _verifyNeighbor(bytes32 root, uint256 leafCount, Neighbor calldata n) private pure returns (bool) {
        return verify(root, leafCount, n.sampleHash, n.index, n.proof);
    }
}
