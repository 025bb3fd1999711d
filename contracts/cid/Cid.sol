// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title Cid
 * @notice Parses and re-encodes the one IPFS CID form Datatrace stores compactly: CIDv1, multibase base32 lower
 * case (prefix "b", RFC 4648 alphabet, no padding), a codec varint of at most 4 bytes, and a sha2-256 multihash
 * (`0x12 0x20` + 32-byte digest). Such a CID is fully described by `(codec, digest)`: 1 storage slot and 4 bytes
 * instead of the ~3 slots a 59-character string costs.
 *
 * Binary layout: `0x01 ‖ varint(codec) ‖ 0x12 ‖ 0x20 ‖ digest` = 36 to 39 bytes, so the text is "b" followed by
 * 58, 60, 61 or 63 base32 characters (59, 61, 62 or 64 in all).
 *
 * NOTE: {parse} accepts only canonical text (minimal varint, zero padding bits, lower case), so
 * `toString(parse(s)) == s` for every accepted `s`: nothing is lost by storing `(codec, digest)`.
 */
library Cid {
    /// @dev The text has a length that no CIDv1 base32 sha2-256 CID has (or its varint length disagrees).
    error CidInvalidLength(uint256 length);

    /// @dev The text does not start with the base32 lower-case multibase prefix "b".
    error CidUnsupportedMultibase(bytes1 prefix);

    /// @dev The character at `position` (0-based, in the CID text) is not in the base32 lower-case alphabet.
    error CidInvalidCharacter(uint256 position, bytes1 character);

    /// @dev The unused bits of the last base32 character are not zero: not the canonical encoding of any bytes.
    error CidNonCanonicalEncoding();

    /// @dev The CID version is not 1 (CIDv0 "Qm..." strings fail earlier, on the multibase prefix).
    error CidUnsupportedVersion(uint8 version);

    /// @dev The codec varint is longer than 4 bytes or not minimally encoded.
    error CidInvalidCodec();

    /// @dev The multihash is not sha2-256 with a 32-byte digest (`code` 0x12, `length` 0x20).
    error CidUnsupportedMultihash(uint8 code, uint8 length);

    /// @dev {toString} was given a codec that does not fit in a 4-byte varint.
    error CidCodecTooLarge(uint64 codec);

    /// @dev The largest codec a 4-byte varint can carry: 2^28 - 1.
    uint64 internal constant MAX_CODEC = (1 << 28) - 1;

    /// @dev The multicodec of raw bytes, e.g. `bafkrei...` CIDs.
    uint64 internal constant RAW = 0x55;

    /// @dev The multicodec of UnixFS / dag-pb, e.g. `bafybei...` CIDs.
    uint64 internal constant DAG_PB = 0x70;

    /// @dev The base32 lower-case alphabet, one character per byte.
    bytes32 private constant _ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    // Lane constants for decoding 32 characters at once, one per byte of a word (see `_decodeWord`).
    uint256 private constant _BYTES_80 = 0x8080808080808080808080808080808080808080808080808080808080808080;
    uint256 private constant _BYTES_1F = 0x1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f;
    uint256 private constant _BYTES_05 = 0x0505050505050505050505050505050505050505050505050505050505050505;
    uint256 private constant _BYTES_4E = 0x4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e;
    uint256 private constant _BYTES_48 = 0x4848484848484848484848484848484848484848484848484848484848484848;
    uint256 private constant _BYTES_18 = 0x1818181818181818181818181818181818181818181818181818181818181818;
    uint256 private constant _BYTES_61 = 0x6161616161616161616161616161616161616161616161616161616161616161;
    uint256 private constant _HIGH_8_OF_16 = 0xff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00;
    uint256 private constant _HIGH_16_OF_32 = 0xffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000;
    uint256 private constant _HIGH_32_OF_64 = 0xffffffff00000000ffffffff00000000ffffffff00000000ffffffff00000000;
    uint256 private constant _HIGH_64_OF_128 = 0xffffffffffffffff0000000000000000ffffffffffffffff0000000000000000;
    uint256 private constant _HIGH_128 = 0xffffffffffffffffffffffffffffffff00000000000000000000000000000000;

    // Reasons `_decode` reports; {parse} turns them into the errors above.
    uint256 private constant _OK = 0;
    uint256 private constant _BAD_LENGTH = 1;
    uint256 private constant _BAD_MULTIBASE = 2;
    uint256 private constant _BAD_CHARACTER = 3;
    uint256 private constant _BAD_PADDING = 4;
    uint256 private constant _BAD_VERSION = 5;
    uint256 private constant _BAD_CODEC = 6;
    uint256 private constant _BAD_MULTIHASH = 7;

    /**
     * @dev Returns the codec and sha2-256 digest of the CID text `cid`. Reverts with the error naming the first
     * problem found if `cid` is not a canonical CIDv1 base32 sha2-256 CID with a codec varint of at most 4 bytes.
     */
    function parse(string memory cid) internal pure returns (uint64 codec, bytes32 digest) {
        uint256 reason;
        uint256 detail;
        (reason, detail, codec, digest) = _decode(bytes(cid), 0);
        if (reason == _OK) return (codec, digest);
        if (reason == _BAD_LENGTH) revert CidInvalidLength(detail);
        if (reason == _BAD_MULTIBASE) revert CidUnsupportedMultibase(bytes1(uint8(detail)));
        if (reason == _BAD_CHARACTER) revert CidInvalidCharacter(detail, bytes(cid)[detail]);
        if (reason == _BAD_PADDING) revert CidNonCanonicalEncoding();
        if (reason == _BAD_VERSION) revert CidUnsupportedVersion(uint8(detail));
        if (reason == _BAD_CODEC) revert CidInvalidCodec();
        revert CidUnsupportedMultihash(uint8(detail >> 8), uint8(detail));
    }

    /**
     * @dev Like {parse} on the text `text[offset:]`, but returns `ok = false` instead of reverting. Used to
     * recognise `ipfs://<cid>` URIs (`offset` 7). An `offset` beyond the text returns `ok = false`.
     */
    function tryParse(
        string memory text,
        uint256 offset
    ) internal pure returns (bool ok, uint64 codec, bytes32 digest) {
        uint256 reason;
        (reason, , codec, digest) = _decode(bytes(text), offset);
        ok = reason == _OK;
    }

    /**
     * @dev Returns the canonical CID text of (`codec`, `digest`): "b" + base32(0x01 ‖ varint(codec) ‖ 0x12 0x20 ‖
     * digest). Reverts with {CidCodecTooLarge} if `codec` exceeds {MAX_CODEC}.
     */
    function toString(uint64 codec, bytes32 digest) internal pure returns (string memory text) {
        if (codec > MAX_CODEC) revert CidCodecTooLarge(codec);

        // varint(codec), least significant group first, as bytes in `varint` from the top byte down.
        uint256 varint;
        uint256 varintLength;
        uint256 rest = codec;
        do {
            uint256 group = rest & 0x7f;
            rest >>= 7;
            if (rest != 0) group |= 0x80;
            varint |= group << (248 - 8 * varintLength);
            ++varintLength;
        } while (rest != 0);

        uint256 binaryLength = 35 + varintLength;
        uint256 characters = (binaryLength * 8 + 4) / 5;

        assembly ("memory-safe") {
            text := mload(0x40)
            mstore(text, add(characters, 1))
            let out := add(text, 0x20)
            // Reserve the string, rounded up to whole words; the binary form goes right after it, unreserved.
            let binary := add(out, and(add(add(characters, 1), 31), not(31)))
            mstore(0x40, binary)

            mstore8(binary, 0x01)
            mstore(add(binary, 1), varint)
            let tail := add(binary, add(1, varintLength))
            mstore8(tail, 0x12)
            mstore8(add(tail, 1), 0x20)
            mstore(add(tail, 2), digest)

            mstore8(out, 0x62) // "b"
            let o := add(out, 1)
            let acc := 0
            let bits := 0
            // Bits above the 13 pending ones are shifted out of `acc` eventually; only `and(.., 31)` is read.
            for { let s := binary } lt(s, add(binary, binaryLength)) { s := add(s, 1) } {
                acc := or(shl(8, acc), byte(0, mload(s)))
                bits := add(bits, 8)
                for {} gt(bits, 4) {} {
                    bits := sub(bits, 5)
                    mstore8(o, byte(and(shr(bits, acc), 31), _ALPHABET))
                    o := add(o, 1)
                }
            }
            if bits {
                mstore8(o, byte(and(shl(sub(5, bits), acc), 31), _ALPHABET))
            }
        }
    }

    /**
     * @dev Decodes `data[offset:]`. Returns `reason` (`_OK` or the first problem), a `detail` for the error
     * (length, prefix, position, version, or `code << 8 | length`), and the codec and digest when `_OK`.
     */
    function _decode(
        bytes memory data,
        uint256 offset
    ) private pure returns (uint256 reason, uint256 detail, uint64 codec, bytes32 digest) {
        if (offset > data.length) return (_BAD_LENGTH, 0, 0, 0);
        uint256 length = data.length - offset;
        if (length != 59 && length != 61 && length != 62 && length != 64) return (_BAD_LENGTH, length, 0, 0);
        if (data[offset] != "b") return (_BAD_MULTIBASE, uint8(data[offset]), 0, 0);

        // The 58 to 63 characters after "b" are decoded as a full word of 32 characters (160 bits = 20 bytes)
        // and a word of the remaining 26 to 31, whose last 1 to 4 bits are padding.
        uint256 binary;
        uint256 binaryLength;
        bool badCharacter;
        bool badPadding;
        {
            uint256 first;
            uint256 second;
            assembly ("memory-safe") {
                let text := add(add(data, 0x21), offset) // the character after "b"
                first := mload(text)
                second := mload(add(text, 32))
            }
            uint256 secondCount = length - 33;
            (uint256 high, bool highOk) = _decodeWord(first, 32);
            (uint256 low, bool lowOk) = _decodeWord(second, secondCount);
            uint256 lowBits = 5 * secondCount;
            badCharacter = !(highOk && lowOk);
            badPadding = low & ((1 << (lowBits & 7)) - 1) != 0;
            binaryLength = 20 + (lowBits >> 3);
            assembly ("memory-safe") {
                // Scratch memory past the free memory pointer, never kept: at most 52 bytes.
                binary := mload(0x40)
                mstore(binary, shl(96, high))
                mstore(add(binary, 20), shl(sub(256, lowBits), low))
            }
        }
        if (badCharacter) return (_BAD_CHARACTER, _firstInvalidCharacter(data, offset), 0, 0);
        if (badPadding) return (_BAD_PADDING, 0, 0, 0);

        uint256 head;
        assembly ("memory-safe") {
            head := mload(binary)
        }
        uint8 version = uint8(head >> 248);
        if (version != 1) return (_BAD_VERSION, version, 0, 0);

        uint256 varintLength;
        for (; varintLength < 4; ++varintLength) {
            uint256 group = uint8(head >> (240 - 8 * varintLength));
            codec |= uint64(group & 0x7f) << uint64(7 * varintLength);
            if (group < 0x80) {
                // Minimal: a multi-byte varint never ends in a zero group.
                if (varintLength > 0 && group == 0) return (_BAD_CODEC, 0, 0, 0);
                break;
            }
        }
        if (varintLength == 4) return (_BAD_CODEC, 0, 0, 0);
        ++varintLength;

        if (binaryLength != 35 + varintLength) return (_BAD_LENGTH, length, 0, 0);
        uint256 multihash = uint16(head >> (232 - 8 * varintLength));
        if (multihash != 0x1220) return (_BAD_MULTIHASH, multihash, 0, 0);
        assembly ("memory-safe") {
            digest := mload(add(binary, add(3, varintLength)))
        }
    }

    /**
     * @dev Decodes the first `count` (1 to 32) base32 characters of `word`, one per byte from the top, in parallel.
     * Returns their `5 * count` bits, right-aligned, and whether every one of them is in the alphabet.
     *
     * Per byte c: a character >= 0x80 is never valid, and once those are excluded, adding a constant below 0x80 to
     * every byte never carries into the next, so `(c + k) & 0x80` is the comparison `c >= 0x80 - k` in each lane.
     * Values: "a".."z" -> c - 0x61, "2".."7" -> c - 0x18. Packing then halves the lane count five times: two 5-bit
     * values per 16-bit lane, four per 32-bit lane, ..., 32 in the top 160 bits.
     */
    function _decodeWord(uint256 word, uint256 count) private pure returns (uint256 bits, bool ok) {
        assembly ("memory-safe") {
            // Bytes past `count` read as "a": valid, value 0, so they pack to zero bits at the bottom.
            let keep := not(sub(shl(sub(256, shl(3, count)), 1), 1))
            let w := or(and(word, keep), and(_BYTES_61, not(keep)))

            let letter := and(add(w, _BYTES_1F), _BYTES_80) // c >= "a"
            let afterZ := and(add(w, _BYTES_05), _BYTES_80) // c > "z"
            let digitOr := and(add(w, _BYTES_4E), _BYTES_80) // c >= "2"
            let after7 := and(add(w, _BYTES_48), _BYTES_80) // c > "7"
            // afterZ implies letter and after7 implies digitOr, so xor is "and not".
            ok := and(iszero(and(w, _BYTES_80)), eq(or(xor(letter, afterZ), xor(digitOr, after7)), _BYTES_80))

            let v := sub(sub(w, _BYTES_18), mul(shr(7, letter), 0x49))
            v := or(shr(3, and(v, _HIGH_8_OF_16)), and(v, not(_HIGH_8_OF_16)))
            v := or(shr(6, and(v, _HIGH_16_OF_32)), and(v, not(_HIGH_16_OF_32)))
            v := or(shr(12, and(v, _HIGH_32_OF_64)), and(v, not(_HIGH_32_OF_64)))
            v := or(shr(24, and(v, _HIGH_64_OF_128)), and(v, not(_HIGH_64_OF_128)))
            v := or(shr(48, and(v, _HIGH_128)), and(v, not(_HIGH_128)))
            bits := shr(sub(160, mul(5, count)), v)
        }
    }

    /// @dev Returns the position (in the CID text `data[offset:]`) of its first character outside the base32
    /// alphabet. Only called on the error path.
    function _firstInvalidCharacter(bytes memory data, uint256 offset) private pure returns (uint256 position) {
        for (position = 1; offset + position < data.length; ++position) {
            bytes1 c = data[offset + position];
            if (!((c >= "a" && c <= "z") || (c >= "2" && c <= "7"))) return position;
        }
    }
}
