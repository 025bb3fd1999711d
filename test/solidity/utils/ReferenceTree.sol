// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev A deliberately plain reference implementation of the Datatrace tree (docs/merkle-scheme.md) for tests:
 * every level kept in memory, no assembly, no shared code with contracts/merkle/SampleMerkle.sol. Proofs built here
 * are what an honest prover sends; the library under test must accept them and reject their forgeries.
 */
library ReferenceTree {
    /// @dev Returns `n` distinct sample hashes derived from `seed`, sorted ascending.
    function sortedHashes(uint256 seed, uint256 n) internal pure returns (bytes32[] memory hashes) {
        hashes = new bytes32[](n);
        for (uint256 k = 0; k < n; ++k) {
            hashes[k] = keccak256(abi.encode(seed, k));
        }
        // Insertion sort: test sizes are small.
        for (uint256 k = 1; k < n; ++k) {
            bytes32 value = hashes[k];
            uint256 j = k;
            while (j > 0 && hashes[j - 1] > value) {
                hashes[j] = hashes[j - 1];
                --j;
            }
            hashes[j] = value;
        }
    }

    /// @dev Builds every level of the tree over `sampleHashes` (in the given order): levels[0] are the leaves.
    function build(bytes32[] memory sampleHashes) internal pure returns (bytes32[][] memory levels) {
        uint256 height = 1;
        for (uint256 w = sampleHashes.length; w > 1; w = (w + 1) / 2) ++height;
        levels = new bytes32[][](height);
        levels[0] = new bytes32[](sampleHashes.length);
        for (uint256 k = 0; k < sampleHashes.length; ++k) {
            levels[0][k] = keccak256(abi.encodePacked(sampleHashes[k]));
        }
        for (uint256 l = 1; l < height; ++l) {
            bytes32[] memory below = levels[l - 1];
            bytes32[] memory level = new bytes32[]((below.length + 1) / 2);
            for (uint256 k = 0; k < level.length; ++k) {
                level[k] = 2 * k + 1 < below.length
                    ? keccak256(abi.encodePacked(below[2 * k], below[2 * k + 1]))
                    : below[2 * k]; // the last, unpaired node is promoted
            }
            levels[l] = level;
        }
    }

    /// @dev The root of a built tree.
    function root(bytes32[][] memory levels) internal pure returns (bytes32) {
        return levels[levels.length - 1][0];
    }

    /// @dev The positional membership proof of leaf `index`.
    function proof(bytes32[][] memory levels, uint256 index) internal pure returns (bytes32[] memory siblings) {
        siblings = new bytes32[](levels.length);
        uint256 count = 0;
        uint256 i = index;
        for (uint256 l = 0; l + 1 < levels.length; ++l) {
            uint256 width = levels[l].length;
            if (i % 2 == 1) siblings[count++] = levels[l][i - 1];
            else if (i + 1 < width) siblings[count++] = levels[l][i + 1];
            i /= 2;
        }
        _truncate(siblings, count);
    }

    /// @dev The positional multiproof of the leaves at `indexes` (strictly ascending).
    function multiproof(
        bytes32[][] memory levels,
        uint256[] memory indexes
    ) internal pure returns (bytes32[] memory siblings) {
        siblings = new bytes32[](indexes.length * levels.length);
        uint256 count = 0;
        uint256[] memory known = _copy(indexes);
        uint256 size = known.length;
        for (uint256 l = 0; l + 1 < levels.length; ++l) {
            uint256 width = levels[l].length;
            uint256 parents = 0;
            for (uint256 r = 0; r < size; ++r) {
                uint256 i = known[r];
                if (i % 2 == 1) {
                    siblings[count++] = levels[l][i - 1];
                } else if (r + 1 < size && known[r + 1] == i + 1) {
                    ++r; // the pair is known on both sides
                } else if (i + 1 < width) {
                    siblings[count++] = levels[l][i + 1];
                }
                known[parents++] = i / 2;
            }
            size = parents;
        }
        _truncate(siblings, count);
    }

    /// @dev The sequence of hashing steps a positional proof of `index` in an `n`-leaf tree takes, one per level
    /// that hashes: 1 = sibling on the left, 2 = sibling on the right; promotions add nothing. Two (index, count)
    /// pairs with equal shapes hash the same proof identically.
    function shape(uint256 index, uint256 n) internal pure returns (bytes memory steps) {
        uint256 i = index;
        for (uint256 width = n; width > 1; width = (width + 1) / 2) {
            if (i % 2 == 1) steps = bytes.concat(steps, bytes1(0x01));
            else if (i + 1 < width) steps = bytes.concat(steps, bytes1(0x02));
            i /= 2;
        }
    }

    function _copy(uint256[] memory a) private pure returns (uint256[] memory b) {
        b = new uint256[](a.length);
        for (uint256 k = 0; k < a.length; ++k) b[k] = a[k];
    }

    function _truncate(bytes32[] memory a, uint256 length) private pure {
        assembly ("memory-safe") {
            mstore(a, length)
        }
    }
}
