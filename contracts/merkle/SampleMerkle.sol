// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title SampleMerkle
 * @notice Verification of Datatrace dataset commitments, scheme `datatrace-merkle/2` (docs/merkle-scheme.md): a
 * Merkle search tree over the sorted distinct SHA-256 hashes of a dataset's samples.
 *
 * The tree: level 0 holds the sample hashes themselves; a node is `keccak256(left ‖ right ‖ split)` (a 96-byte
 * preimage), where `split` is a key with `max(left subtree) < split <= min(right subtree)` in an honest tree; a level
 * with an odd count promotes its last node unchanged. The committed root is `keccak256(top ‖ uint256(leafCount))` (a
 * 64-byte preimage). A path is positional — the verifier derives left/right at every level from `index` and
 * `leafCount` — and lists `[sibling, split]` for every level where the walk hashes.
 *
 * Every walk also routes a `query` through the split keys: coming from a left child requires `query < split`,
 * from a right child `query >= split`. Membership of `q` is the walk from `q` itself; absence of `q` is the walk
 * from a level-0 value `neighbor != q` with `q` routed the same way. Soundness (no `q` has both proofs, whatever
 * tree the registrant built, holes and disorder included): the root fixes, by collision resistance, every node
 * and split key on q's route, hence the one level-0 value q's route can end at — either `q` or not.
 *
 * NOTE: The verifiers return `false`, and never revert, on malformed proofs (index out of range, indexes or sample
 * hashes not strictly ascending, too many or too few path entries). The only revert is a length mismatch between
 * the sample hashes and the indexes of a batch, which is a caller bug rather than a bad proof.
 *
 * NOTE: Only calldata variants exist: every caller verifies proofs passed in by a transaction or a call.
 */
library SampleMerkle {
    /// @dev The sample hashes and the indexes of a batch proof have different lengths.
    error SampleMerkleBatchLengthMismatch(uint256 sampleHashes, uint256 indexes);

    /// @dev Returns the committed root of a tree whose top node is `top`: `keccak256(top ‖ uint256(leafCount))`.
    function commitRoot(bytes32 top, uint256 leafCount) internal pure returns (bytes32 root) {
        assembly ("memory-safe") {
            mstore(0x00, top)
            mstore(0x20, leafCount)
            root := keccak256(0x00, 0x40)
        }
    }

    /// @dev Returns the internal node `keccak256(left ‖ right ‖ split)`.
    function nodeHash(bytes32 left, bytes32 right, bytes32 split) internal pure returns (bytes32 node) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, left)
            mstore(add(m, 0x20), right)
            mstore(add(m, 0x40), split)
            node := keccak256(m, 0x60)
        }
    }

    /**
     * @dev Walks `path` up from `value` at `index` of a tree of `leafCount` leaves and returns the top node reached.
     * At every level where the walk hashes it reads `[sibling, split]`: an odd position hashes
     * `sibling ‖ node ‖ split` and requires `query >= split`, an even one hashes `node ‖ sibling ‖ split` and
     * requires `query < split`, unless it is the last, unpaired node of its level, which is promoted without
     * reading anything. `ok` is false if `index >= leafCount`, a routing check fails, or the walk does not consume
     * `path` exactly.
     */
    function processPath(
        bytes32 value,
        bytes32 query,
        uint256 index,
        uint256 leafCount,
        bytes32[] calldata path
    ) internal pure returns (bool ok, bytes32 top) {
        if (index >= leafCount) return (false, bytes32(0));
        assembly ("memory-safe") {
            // Three words of scratch past the free memory pointer (not moved: nothing allocates meanwhile).
            let m := mload(0x40)
            let node := value
            let p := path.offset
            let pEnd := add(p, shl(5, path.length))
            let i := index
            ok := 1
            // Reading past `pEnd` (a too-short path) is harmless: the final `eq(p, pEnd)` rejects it.
            for { let width := leafCount } gt(width, 1) { width := add(shr(1, width), and(width, 1)) } {
                switch and(i, 1)
                case 1 {
                    let split := calldataload(add(p, 0x20))
                    if lt(query, split) {
                        ok := 0
                        break
                    }
                    mstore(m, calldataload(p))
                    mstore(add(m, 0x20), node)
                    mstore(add(m, 0x40), split)
                    node := keccak256(m, 0x60)
                    p := add(p, 0x40)
                }
                default {
                    if lt(add(i, 1), width) {
                        let split := calldataload(add(p, 0x20))
                        if iszero(lt(query, split)) {
                            ok := 0
                            break
                        }
                        mstore(m, node)
                        mstore(add(m, 0x20), calldataload(p))
                        mstore(add(m, 0x40), split)
                        node := keccak256(m, 0x60)
                        p := add(p, 0x40)
                    }
                }
                i := shr(1, i)
            }
            ok := and(ok, eq(p, pEnd))
            top := node
        }
    }

    /**
     * @dev Returns true if `sampleHash` is the sample at `index` of the tree committed as (`root`, `leafCount`):
     * the walk from `sampleHash`, routing `sampleHash` itself, ends at a top whose committed root is `root`.
     */
    function verify(
        bytes32 root,
        uint256 leafCount,
        bytes32 sampleHash,
        uint256 index,
        bytes32[] calldata path
    ) internal pure returns (bool) {
        (bool ok, bytes32 top) = processPath(sampleHash, sampleHash, index, leafCount, path);
        return ok && commitRoot(top, leafCount) == root;
    }

    /**
     * @dev Returns true if `query` is provably not a sample of the tree committed as (`root`, `leafCount`): its search
     * path ends at `index`, whose level-0 value `neighbor` differs from `query`.
     */
    function verifyAbsence(
        bytes32 root,
        uint256 leafCount,
        bytes32 query,
        uint256 index,
        bytes32 neighbor,
        bytes32[] calldata path
    ) internal pure returns (bool) {
        if (neighbor == query) return false;
        (bool ok, bytes32 top) = processPath(neighbor, query, index, leafCount, path);
        return ok && commitRoot(top, leafCount) == root;
    }

    /**
     * @dev Returns true if every `sampleHashes[k]` is the sample at `indexes[k]` of the tree (`root`, `leafCount`),
     * checked with one multiproof `path`. Indexes and sample hashes must both be strictly ascending.
     *
     * The "known" list starts as one entry (index, node, lo, hi) per sample, node = lo = hi = its hash; lo and hi are
     * the smallest and largest sample under the entry. At each level, walking the list in order, an entry at index i:
     * odd — reads `[sibling, split]`, requires `lo >= split`, node = keccak(sibling ‖ node ‖ split); even with the
     * next entry at i+1 — reads `[split]`, requires `hi < split <= next.lo`, node = keccak(node ‖ next.node ‖ split),
     * hi = next.hi; even with i+1 < width — reads `[sibling, split]`, requires `hi < split`, node =
     * keccak(node ‖ sibling ‖ split); otherwise promoted. Parents go to index i >> 1. Valid iff the walk consumes
     * `path` exactly and the committed root of the last node is `root`.
     *
     * Returns false for an empty batch, for indexes or hashes not strictly ascending or indexes not below
     * `leafCount`, for a failed routing check and for a path of the wrong length. Reverts with
     * {SampleMerkleBatchLengthMismatch} if the two arrays differ in length.
     */
    function verifyBatch(
        bytes32 root,
        uint256 leafCount,
        bytes32[] calldata sampleHashes,
        uint256[] calldata indexes,
        bytes32[] calldata path
    ) internal pure returns (bool) {
        uint256 count = indexes.length;
        if (sampleHashes.length != count) revert SampleMerkleBatchLengthMismatch(sampleHashes.length, count);
        if (count == 0 || indexes[count - 1] >= leafCount) return false;
        (bool ordered, uint256 list) = _loadBatch(sampleHashes, indexes);
        if (!ordered) return false;
        (bool ok, bytes32 top) = _walkBatch(list, count, leafCount, path);
        return ok && commitRoot(top, leafCount) == root;
    }

    /**
     * @dev Allocates 96 bytes of hashing scratch followed by the known list of {verifyBatch}, one 128-byte entry
     * (index, node, lo, hi) per sample, and fills it. Returns the list's address, and false if the indexes or the
     * sample hashes are not strictly ascending.
     */
    function _loadBatch(
        bytes32[] calldata sampleHashes,
        uint256[] calldata indexes
    ) private pure returns (bool ordered, uint256 list) {
        assembly ("memory-safe") {
            list := add(mload(0x40), 0x60)
            let count := indexes.length
            mstore(0x40, add(list, shl(7, count)))
            ordered := 1
            for { let k := 0 } lt(k, count) { k := add(k, 1) } {
                let i := calldataload(add(indexes.offset, shl(5, k)))
                let h := calldataload(add(sampleHashes.offset, shl(5, k)))
                let entry := add(list, shl(7, k))
                // Strictly ascending: compare with the previous entry's index and hash.
                if gt(k, 0) {
                    if or(iszero(gt(i, mload(sub(entry, 0x80)))), iszero(gt(h, mload(sub(entry, 0x20))))) {
                        ordered := 0
                        break
                    }
                }
                mstore(entry, i)
                mstore(add(entry, 0x20), h)
                mstore(add(entry, 0x40), h)
                mstore(add(entry, 0x60), h)
            }
        }
    }

    /**
     * @dev Walks the known list of {verifyBatch} (`count` entries at `list`, scratch just before it) level by level,
     * consuming `path`, and returns the last node. Parents overwrite the list in place: the write cursor never passes
     * the read cursor, and an entry is fully read before its slot is written. `ok` is false if a routing check fails
     * or `path` is not consumed exactly.
     */
    function _walkBatch(
        uint256 list,
        uint256 count,
        uint256 leafCount,
        bytes32[] calldata path
    ) private pure returns (bool ok, bytes32 top) {
        assembly ("memory-safe") {
            let scratch := sub(list, 0x60)
            let listEnd := add(list, shl(7, count))
            let p := path.offset
            ok := 1
            for { let width := leafCount } and(gt(width, 1), ok) { width := add(shr(1, width), and(width, 1)) } {
                let w := list
                for { let r := list } lt(r, listEnd) {} {
                    let i := mload(r)
                    let next := add(r, 0x80)
                    // Scratch = [left, right, split]; the entry's lo and hi move to the parent unless noted.
                    let lo := mload(add(r, 0x40))
                    let hi := mload(add(r, 0x60))
                    switch and(i, 1)
                    case 1 {
                        mstore(add(scratch, 0x40), calldataload(add(p, 0x20)))
                        if lt(lo, mload(add(scratch, 0x40))) { ok := 0 }
                        mstore(scratch, calldataload(p))
                        mstore(add(scratch, 0x20), mload(add(r, 0x20)))
                        p := add(p, 0x40)
                    }
                    default {
                        switch and(lt(next, listEnd), eq(mload(next), add(i, 1)))
                        case 1 {
                            let split := calldataload(p)
                            if or(iszero(lt(hi, split)), lt(mload(add(next, 0x40)), split)) { ok := 0 }
                            mstore(scratch, mload(add(r, 0x20)))
                            mstore(add(scratch, 0x20), mload(add(next, 0x20)))
                            mstore(add(scratch, 0x40), split)
                            hi := mload(add(next, 0x60))
                            p := add(p, 0x20)
                            next := add(next, 0x80)
                        }
                        default {
                            switch lt(add(i, 1), width)
                            case 1 {
                                let split := calldataload(add(p, 0x20))
                                if iszero(lt(hi, split)) { ok := 0 }
                                mstore(scratch, mload(add(r, 0x20)))
                                mstore(add(scratch, 0x20), calldataload(p))
                                mstore(add(scratch, 0x40), split)
                                p := add(p, 0x40)
                            }
                            default {
                                // The last, unpaired node: promoted. Hashing is skipped below.
                                mstore(scratch, 0)
                            }
                        }
                    }
                    let node := mload(add(r, 0x20))
                    if or(and(i, 1), lt(add(i, 1), width)) { node := keccak256(scratch, 0x60) }
                    mstore(w, shr(1, i))
                    mstore(add(w, 0x20), node)
                    mstore(add(w, 0x40), lo)
                    mstore(add(w, 0x60), hi)
                    w := add(w, 0x80)
                    r := next
                }
                listEnd := w
            }
            // Distinct indexes below leafCount always fold into a single entry at index 0.
            ok := and(ok, eq(p, add(path.offset, shl(5, path.length))))
            top := mload(add(list, 0x20))
        }
    }
}
