// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Cid} from "../../../contracts/cid/Cid.sol";
import {SampleMerkle} from "../../../contracts/merkle/SampleMerkle.sol";

/// @dev Exposes SampleMerkle's calldata functions to tests (an external call puts the arguments in calldata).
contract SampleMerkleHarness {
    function processPath(
        bytes32 value,
        bytes32 query,
        uint256 index,
        uint256 leafCount,
        bytes32[] calldata path
    ) external pure returns (bool ok, bytes32 top) {
        return SampleMerkle.processPath(value, query, index, leafCount, path);
    }

    function verify(
        bytes32 root,
        uint256 leafCount,
        bytes32 sampleHash,
        uint256 index,
        bytes32[] calldata path
    ) external pure returns (bool) {
        return SampleMerkle.verify(root, leafCount, sampleHash, index, path);
    }

    function verifyAbsence(
        bytes32 root,
        uint256 leafCount,
        bytes32 query,
        uint256 index,
        bytes32 neighbor,
        bytes32[] calldata path
    ) external pure returns (bool) {
        return SampleMerkle.verifyAbsence(root, leafCount, query, index, neighbor, path);
    }

    function verifyBatch(
        bytes32 root,
        uint256 leafCount,
        bytes32[] calldata sampleHashes,
        uint256[] calldata indexes,
        bytes32[] calldata path
    ) external pure returns (bool) {
        return SampleMerkle.verifyBatch(root, leafCount, sampleHashes, indexes, path);
    }
}

/**
 * @dev Runs SampleMerkle's verifiers between memory canaries: an array allocated (and filled) before the call must be
 * intact after it, and the free memory pointer must never move backwards. Catches assembly that writes below the
 * free memory pointer or rewinds it (the batch walk rewrites its list in place).
 */
contract SampleMerkleMemoryHarness {
    function verify(
        bytes32 root,
        uint256 leafCount,
        bytes32 sampleHash,
        uint256 index,
        bytes32[] calldata path
    ) external pure returns (bool ok, bool intact) {
        (bytes32[] memory canary, uint256 fmp) = _canary();
        ok = SampleMerkle.verify(root, leafCount, sampleHash, index, path);
        intact = _intact(canary, fmp);
    }

    function verifyAbsence(
        bytes32 root,
        uint256 leafCount,
        bytes32 query,
        uint256 index,
        bytes32 neighbor,
        bytes32[] calldata path
    ) external pure returns (bool ok, bool intact) {
        (bytes32[] memory canary, uint256 fmp) = _canary();
        ok = SampleMerkle.verifyAbsence(root, leafCount, query, index, neighbor, path);
        intact = _intact(canary, fmp);
    }

    function verifyBatch(
        bytes32 root,
        uint256 leafCount,
        bytes32[] calldata sampleHashes,
        uint256[] calldata indexes,
        bytes32[] calldata path
    ) external pure returns (bool ok, bool intact) {
        (bytes32[] memory canary, uint256 fmp) = _canary();
        ok = SampleMerkle.verifyBatch(root, leafCount, sampleHashes, indexes, path);
        intact = _intact(canary, fmp);
        // A second call reuses nothing of the first: same answer.
        intact = intact && SampleMerkle.verifyBatch(root, leafCount, sampleHashes, indexes, path) == ok;
    }

    function _canary() private pure returns (bytes32[] memory canary, uint256 fmp) {
        canary = new bytes32[](8);
        // Filled without allocating, so the canary is the last allocation before the call.
        for (uint256 k = 0; k < 8; ++k) canary[k] = _word(k);
        assembly ("memory-safe") {
            fmp := mload(0x40)
        }
    }

    function _intact(bytes32[] memory canary, uint256 fmpBefore) private pure returns (bool) {
        uint256 fmp;
        assembly ("memory-safe") {
            fmp := mload(0x40)
        }
        if (fmp < fmpBefore || canary.length != 8) return false;
        for (uint256 k = 0; k < 8; ++k) if (canary[k] != _word(k)) return false;
        return true;
    }

    function _word(uint256 k) private pure returns (bytes32) {
        return bytes32(type(uint256).max / (k + 3));
    }
}

/// @dev Exposes Cid's functions to tests, so that reverts can be expected.
contract CidHarness {
    function parse(string memory cid) external pure returns (uint64 codec, bytes32 digest) {
        return Cid.parse(cid);
    }

    function tryParse(string memory text, uint256 offset) external pure returns (bool, uint64, bytes32) {
        return Cid.tryParse(text, offset);
    }

    function toString(uint64 codec, bytes32 digest) external pure returns (string memory) {
        return Cid.toString(codec, digest);
    }

    /// @dev Same calldata and return shape as {parse} without the parsing: the baseline for measuring it.
    function parseBaseline(string memory cid) external pure returns (uint64 codec, bytes32 digest) {
        return (uint64(bytes(cid).length), bytes32(bytes(cid).length));
    }
}
