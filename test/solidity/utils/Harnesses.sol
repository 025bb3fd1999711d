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
