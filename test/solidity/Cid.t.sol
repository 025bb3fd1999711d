// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Cid} from "../../contracts/cid/Cid.sol";
import {CidHarness} from "./utils/Harnesses.sol";
import {VM} from "./utils/Vm.sol";

/// @dev Cid: known vectors, canonical round trips, and every rejection with its error.
contract CidTest {
    /// @dev `hello\n` as a raw-leaf CIDv1 (docs/platform-notes.md, checked with Kubo).
    string private constant HELLO = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";

    CidHarness private cid;

    function setUp() public {
        cid = new CidHarness();
    }

    // ─── Known vectors ────────────────────────────────────────────────────────────────────────────────────────

    function test_ParsesTheRawCidOfHello() public view {
        (uint64 codec, bytes32 digest) = cid.parse(HELLO);
        VM.assertEq(codec, Cid.RAW, "raw codec 0x55");
        VM.assertEq(digest, sha256("hello\n"), "digest = sha256(hello\\n)");
    }

    function test_EncodesTheRawCidOfHello() public view {
        VM.assertEq(cid.toString(Cid.RAW, sha256("hello\n")), HELLO, "toString");
    }

    function test_DagPbCidStartsWithBafybei() public view {
        string memory text = cid.toString(Cid.DAG_PB, sha256("x"));
        VM.assertEq(bytes(text).length, 59, "59 characters");
        VM.assertEq(bytes7(bytes(text)), bytes7("bafybei"), "dag-pb prefix");
    }

    function test_TextLengthFollowsTheVarintLength() public view {
        VM.assertEq(bytes(cid.toString(0x7f, 0)).length, 59, "1-byte varint");
        VM.assertEq(bytes(cid.toString(0x80, 0)).length, 61, "2-byte varint");
        VM.assertEq(bytes(cid.toString(0x4000, 0)).length, 62, "3-byte varint");
        VM.assertEq(bytes(cid.toString(0x200000, 0)).length, 64, "4-byte varint");
        VM.assertEq(bytes(cid.toString(Cid.MAX_CODEC, 0)).length, 64, "largest codec");
    }

    // ─── Round trips ──────────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_ParseInvertsToString(uint64 codec, bytes32 digest) public view {
        codec = codec % (Cid.MAX_CODEC + 1);
        (uint64 parsedCodec, bytes32 parsedDigest) = cid.parse(cid.toString(codec, digest));
        VM.assertEq(parsedCodec, codec, "codec");
        VM.assertEq(parsedDigest, digest, "digest");
    }

    /// encode(parse(x)) == x for every accepted x: mutate one character of a valid CID; whenever the result still
    /// parses (e.g. another digest), it must re-encode to exactly the same text.
    function testFuzz_ToStringInvertsParse(uint64 codec, bytes32 digest, uint256 position, uint8 character) public view {
        codec = codec % (Cid.MAX_CODEC + 1);
        bytes memory text = bytes(cid.toString(codec, digest));
        position = position % text.length;
        text[position] = bytes1(character);
        (bool ok, uint64 c, bytes32 d) = cid.tryParse(string(text), 0);
        if (ok) VM.assertEq(cid.toString(c, d), string(text), "re-encodes identically");
    }

    function testFuzz_TryParseAgreesWithParse(uint64 codec, bytes32 digest, uint256 position, uint8 character) public view {
        codec = codec % (Cid.MAX_CODEC + 1);
        bytes memory text = bytes(cid.toString(codec, digest));
        text[position % text.length] = bytes1(character);
        (bool ok, uint64 c, bytes32 d) = cid.tryParse(string(text), 0);
        try cid.parse(string(text)) returns (uint64 pc, bytes32 pd) {
            VM.assertTrue(ok, "parse accepted, tryParse must too");
            VM.assertEq(pc, c, "same codec");
            VM.assertEq(pd, d, "same digest");
        } catch {
            VM.assertFalse(ok, "parse rejected, tryParse must too");
        }
    }

    function test_TryParseSkipsAnOffset() public view {
        (bool ok, uint64 codec, bytes32 digest) = cid.tryParse(string.concat("ipfs://", HELLO), 7);
        VM.assertTrue(ok, "ipfs:// prefix skipped");
        VM.assertEq(codec, Cid.RAW, "codec");
        VM.assertEq(digest, sha256("hello\n"), "digest");
        (ok, , ) = cid.tryParse(HELLO, 60);
        VM.assertFalse(ok, "offset past the end");
    }

    // ─── Rejections ───────────────────────────────────────────────────────────────────────────────────────────

    function test_RejectsEmptyText() public {
        VM.expectRevert(abi.encodeWithSelector(Cid.CidInvalidLength.selector, 0));
        cid.parse("");
    }

    function test_RejectsCidV0() public {
        // 46 characters: fails on length before the multibase prefix.
        VM.expectRevert(abi.encodeWithSelector(Cid.CidInvalidLength.selector, 46));
        cid.parse("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o");
    }

    function test_RejectsAnotherMultibase() public {
        bytes memory text = bytes(HELLO);
        text[0] = "B"; // base32 upper case
        VM.expectRevert(abi.encodeWithSelector(Cid.CidUnsupportedMultibase.selector, bytes1("B")));
        cid.parse(string(text));
    }

    function test_RejectsUpperCaseCharacters() public {
        bytes memory text = bytes(HELLO);
        text[5] = "I";
        VM.expectRevert(abi.encodeWithSelector(Cid.CidInvalidCharacter.selector, 5, bytes1("I")));
        cid.parse(string(text));
    }

    function test_RejectsDigitsOutsideTheAlphabet() public {
        bytes memory text = bytes(HELLO);
        text[20] = "1";
        VM.expectRevert(abi.encodeWithSelector(Cid.CidInvalidCharacter.selector, 20, bytes1("1")));
        cid.parse(string(text));
        text[20] = "8";
        VM.expectRevert(abi.encodeWithSelector(Cid.CidInvalidCharacter.selector, 20, bytes1("8")));
        cid.parse(string(text));
    }

    /// Every byte value at the edges of both decoded words (positions 1, 16, 32, 33, 45, 58): the text is rejected
    /// with CidInvalidCharacter(position, byte) exactly when the byte is not in the alphabet.
    function test_EveryByteValueIsClassifiedAtEveryWordEdge() public view {
        uint256[6] memory positions = [uint256(1), 16, 32, 33, 45, 58];
        for (uint256 k = 0; k < positions.length; ++k) {
            for (uint256 c = 0; c < 256; ++c) {
                bytes memory text = bytes(HELLO);
                text[positions[k]] = bytes1(uint8(c));
                bool inAlphabet = (c >= 0x61 && c <= 0x7a) || (c >= 0x32 && c <= 0x37);
                bytes memory expected = abi.encodeWithSelector(
                    Cid.CidInvalidCharacter.selector,
                    positions[k],
                    bytes1(uint8(c))
                );
                try cid.parse(string(text)) {
                    VM.assertTrue(inAlphabet, "accepted a character outside the alphabet");
                } catch (bytes memory reason) {
                    VM.assertEq(keccak256(reason) == keccak256(expected), !inAlphabet, "character classification");
                }
            }
        }
    }

    function test_RejectsNonZeroPaddingBits() public {
        // The last character carries 3 data bits and 2 padding bits: "m" (12) -> "n" (13) sets a padding bit.
        bytes memory text = bytes(HELLO);
        VM.assertEq(uint8(text[58]), uint8(bytes1("m")), "fixture: last character");
        text[58] = "n";
        VM.expectRevert(Cid.CidNonCanonicalEncoding.selector);
        cid.parse(string(text));
    }

    function test_RejectsAnotherVersion() public {
        // Version 2 in front of the raw codec and a sha2-256 multihash.
        string memory text = _encode(abi.encodePacked(uint8(2), uint8(0x55), uint16(0x1220), bytes32(0)));
        VM.expectRevert(abi.encodeWithSelector(Cid.CidUnsupportedVersion.selector, 2));
        cid.parse(text);
    }

    function test_RejectsAFiveByteCodecVarint() public {
        string memory text = _encode(
            abi.encodePacked(uint8(1), uint32(0x80808080), uint8(0x01), uint16(0x1220), bytes31(0))
        );
        VM.assertEq(bytes(text).length, 64, "fixture: 39 bytes");
        VM.expectRevert(Cid.CidInvalidCodec.selector);
        cid.parse(text);
    }

    function test_RejectsANonMinimalCodecVarint() public {
        // 0x55 written as two bytes: 0xd5 0x00.
        string memory text = _encode(abi.encodePacked(uint8(1), uint16(0xd500), uint16(0x1220), bytes32(0)));
        VM.expectRevert(Cid.CidInvalidCodec.selector);
        cid.parse(text);
    }

    function test_RejectsAnotherMultihash() public {
        // sha2-512 (0x13) with a 32-byte length: well-formed, but not the sha2-256 multihash.
        string memory text = _encode(abi.encodePacked(uint8(1), uint8(0x55), uint16(0x1320), bytes32(0)));
        VM.expectRevert(abi.encodeWithSelector(Cid.CidUnsupportedMultihash.selector, 0x13, 0x20));
        cid.parse(text);
    }

    function test_RejectsATruncatedDigest() public {
        // A 2-byte codec varint but only 36 bytes in all: the lengths disagree.
        string memory text = _encode(abi.encodePacked(uint8(1), uint16(0x8001), uint16(0x1220), bytes31(0)));
        VM.expectRevert(abi.encodeWithSelector(Cid.CidInvalidLength.selector, bytes(text).length));
        cid.parse(text);
    }

    function test_ToStringRejectsCodecsBeyondFourVarintBytes() public {
        VM.expectRevert(abi.encodeWithSelector(Cid.CidCodecTooLarge.selector, uint64(Cid.MAX_CODEC) + 1));
        cid.toString(Cid.MAX_CODEC + 1, 0);
    }

    // ─── Helpers ──────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev A plain base32 encoder ("b" + RFC 4648 lower case, no padding) for building malformed CIDs.
    function _encode(bytes memory data) private pure returns (string memory) {
        bytes memory alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        bytes memory out = new bytes(1 + (data.length * 8 + 4) / 5);
        out[0] = "b";
        uint256 acc;
        uint256 bits;
        uint256 o = 1;
        for (uint256 k = 0; k < data.length; ++k) {
            acc = (acc << 8) | uint8(data[k]);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out[o++] = alphabet[(acc >> bits) & 31];
            }
        }
        if (bits > 0) out[o] = alphabet[(acc << (5 - bits)) & 31];
        return string(out);
    }
}
