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

        uint256 binary;
        uint256 binaryLength;
        assembly ("memory-safe") {
            // Decoded bytes go to scratch memory past the free memory pointer (at most 39 bytes, never kept).
            binary := mload(0x40)
            let o := binary
            let start := add(add(data, 0x20), offset)
            let acc := 0
            let bits := 0
            for { let s := add(start, 1) } lt(s, add(start, length)) { s := add(s, 1) } {
                let c := byte(0, mload(s))
                let v := sub(c, 0x61) // "a".."z" -> 0..25; anything below "a" wraps to a huge value
                if gt(v, 25) {
                    v := sub(c, 0x18) // "2".."7" -> 26..31
                    if or(lt(c, 0x32), gt(c, 0x37)) {
                        reason := _BAD_CHARACTER
                        detail := sub(s, start)
                        break
                    }
                }
                acc := or(shl(5, acc), v)
                bits := add(bits, 5)
                if gt(bits, 7) {
                    bits := sub(bits, 8)
                    mstore8(o, shr(bits, acc))
                    o := add(o, 1)
                }
            }
            if iszero(reason) {
                if and(acc, sub(shl(bits, 1), 1)) {
                    reason := _BAD_PADDING
                }
            }
            binaryLength := sub(o, binary)
        }
        if (reason != _OK) return (reason, detail, 0, 0);

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
}
