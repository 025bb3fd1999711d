// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev A deliberately plain reference implementation of the Datatrace search tree, scheme `datatrace-merkle/2`
 * (docs/merkle-scheme.md), for tests: every level and every split key kept in memory, no assembly, no shared code
 * with contracts/merkle/SampleMerkle.sol. Proofs built here are what an honest prover sends; the library under test
 * must accept them and reject their forgeries. {build} takes level-0 values in any order (a registrant may commit
 * anything), and {withSplits} lets a test choose every split key, as a dishonest registrant could.
 */
library ReferenceTree {
    /// @dev Every level (levels[0] = the level-0 values) and the split key of every hashed node (zero elsewhere).
    struct Tree {
        bytes32[][] levels;
        bytes32[][] splits;
    }

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

    /// @dev The split key between `lower` and `upper`: the bytes of `upper` up to and including the first byte where
    /// the two differ, then zeros (all of `upper` if they are equal).
    function splitKey(bytes32 lower, bytes32 upper) internal pure returns (bytes32) {
        uint256 d = 0;
        while (d < 31 && lower[d] == upper[d]) ++d;
        uint256 keep = 8 * (d + 1);
        return keep == 256 ? upper : upper & ~bytes32(type(uint256).max >> keep);
    }

    /// @dev Builds the tree over `values` in the given order, with split keys from adjacent values.
    function build(bytes32[] memory values) internal pure returns (Tree memory tree) {
        tree = _shape(values);
        for (uint256 l = 1; l < tree.levels.length; ++l) {
            for (uint256 k = 0; k < tree.levels[l].length; ++k) {
                uint256 u = (2 * k + 1) << (l - 1);
                if (u < values.length) tree.splits[l][k] = splitKey(values[u - 1], values[u]);
            }
        }
        _hash(tree);
    }

    /// @dev Builds the tree over `values` with every split key derived from `seed` instead: any registrant's tree.
    function withSplits(bytes32[] memory values, uint256 seed) internal pure returns (Tree memory tree) {
        tree = _shape(values);
        for (uint256 l = 1; l < tree.levels.length; ++l) {
            for (uint256 k = 0; k < tree.levels[l].length; ++k) {
                if ((2 * k + 1) << (l - 1) < values.length) tree.splits[l][k] = keccak256(abi.encode(seed, l, k));
            }
        }
        _hash(tree);
    }

    /// @dev Recomputes every node above level 0 from level 0 and `tree.splits`, after a test changed a value or a
    /// split key (as a registrant choosing its own keys would).
    function rehash(Tree memory tree) internal pure {
        _hash(tree);
    }

    /// @dev True iff node `k` of level `l` >= 1 was hashed from two children (it has a split key).
    function hashed(Tree memory tree, uint256 l, uint256 k) internal pure returns (bool) {
        return (2 * k + 1) << (l - 1) < tree.levels[0].length;
    }

    /// @dev The top node of a built tree.
    function top(Tree memory tree) internal pure returns (bytes32) {
        return tree.levels[tree.levels.length - 1][0];
    }

    /// @dev The committed root: keccak256(top ‖ uint256(leafCount)).
    function root(Tree memory tree) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(top(tree), tree.levels[0].length));
    }

    /// @dev The path `[sibling, split, …]` of the value at `index`.
    function path(Tree memory tree, uint256 index) internal pure returns (bytes32[] memory out) {
        out = new bytes32[](2 * tree.levels.length);
        uint256 count = 0;
        uint256 i = index;
        for (uint256 l = 0; l + 1 < tree.levels.length; ++l) {
            uint256 width = tree.levels[l].length;
            if (i % 2 == 1 || i + 1 < width) {
                out[count++] = tree.levels[l][i % 2 == 1 ? i - 1 : i + 1];
                out[count++] = tree.splits[l + 1][i / 2];
            }
            i /= 2;
        }
        _truncate(out, count);
    }

    /// @dev The multiproof path of the values at `indexes` (strictly ascending).
    function multiproof(Tree memory tree, uint256[] memory indexes) internal pure returns (bytes32[] memory out) {
        out = new bytes32[](2 * indexes.length * tree.levels.length);
        uint256 count = 0;
        uint256[] memory known = _copy(indexes);
        uint256 size = known.length;
        for (uint256 l = 0; l + 1 < tree.levels.length; ++l) {
            uint256 width = tree.levels[l].length;
            uint256 parents = 0;
            for (uint256 r = 0; r < size; ++r) {
                uint256 i = known[r];
                if (i % 2 == 1) {
                    out[count++] = tree.levels[l][i - 1];
                    out[count++] = tree.splits[l + 1][i / 2];
                } else if (r + 1 < size && known[r + 1] == i + 1) {
                    out[count++] = tree.splits[l + 1][i / 2];
                    ++r; // the pair is known on both sides
                } else if (i + 1 < width) {
                    out[count++] = tree.levels[l][i + 1];
                    out[count++] = tree.splits[l + 1][i / 2];
                }
                known[parents++] = i / 2;
            }
            size = parents;
        }
        _truncate(out, count);
    }

    /// @dev Where the search path of `query` ends: the index reached by descending from the top through the split
    /// keys (left if `query < split`, right otherwise; a promoted node has one child).
    function route(Tree memory tree, bytes32 query) internal pure returns (uint256 i) {
        for (uint256 l = tree.levels.length - 1; l > 0; --l) {
            bool paired = 2 * i + 1 < tree.levels[l - 1].length;
            i = paired && query >= tree.splits[l][i] ? 2 * i + 1 : 2 * i;
        }
    }

    function _shape(bytes32[] memory values) private pure returns (Tree memory tree) {
        uint256 height = 1;
        for (uint256 w = values.length; w > 1; w = (w + 1) / 2) ++height;
        tree.levels = new bytes32[][](height);
        tree.splits = new bytes32[][](height);
        tree.levels[0] = values;
        tree.splits[0] = new bytes32[](0);
        for (uint256 l = 1; l < height; ++l) {
            uint256 width = (tree.levels[l - 1].length + 1) / 2;
            tree.levels[l] = new bytes32[](width);
            tree.splits[l] = new bytes32[](width);
        }
    }

    function _hash(Tree memory tree) private pure {
        for (uint256 l = 1; l < tree.levels.length; ++l) {
            bytes32[] memory below = tree.levels[l - 1];
            for (uint256 k = 0; k < tree.levels[l].length; ++k) {
                tree.levels[l][k] = 2 * k + 1 < below.length
                    ? keccak256(abi.encodePacked(below[2 * k], below[2 * k + 1], tree.splits[l][k]))
                    : below[2 * k]; // the last, unpaired node is promoted
            }
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
