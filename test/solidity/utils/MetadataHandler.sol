// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {Cid} from "../../../contracts/cid/Cid.sol";
import {CompactTokenURI} from "../../../contracts/token/CompactTokenURI.sol";
import {VM} from "./Vm.sol";

/**
 * @dev Invariant-test handler for the metadata rules shared by DatasetNFT and ModelNFT: random actors try to edit,
 * freeze and transfer random tokens. Ghost state records what a correct contract must show afterwards.
 *
 * Progress: an action that needs a token registers one first ({_registerValid}) when there is none, and every
 * outcome is counted, so a test can assert that a run really registered, edited, froze and transferred (see the
 * invariant tests' `afterInvariant` and `test_HandlerReachesEveryOutcome`). The invariant tests run with
 * `failOnRevert`: a handler that reverts fails the campaign instead of being skipped.
 */
abstract contract MetadataHandler {
    address[] internal actors;
    uint256[] public ids;

    /// @dev The URI each token must report: updated only by successful owner edits.
    mapping(uint256 tokenId => string) public expectedURI;
    mapping(uint256 tokenId => bool) public frozen;
    mapping(uint256 tokenId => string) public frozenURI;

    /// @dev Set if a call the rules forbid ever succeeded.
    bool public forbiddenCallSucceeded;
    string public forbiddenCall;

    uint256 public edits;
    uint256 public rejectedEdits;
    uint256 public freezes;
    uint256 public rejectedFreezes;
    uint256 public transfers;

    constructor() {
        actors.push(address(0xA11CE));
        actors.push(address(0xB0B));
        actors.push(address(0xCA401));
    }

    function idCount() external view returns (uint256) {
        return ids.length;
    }

    /// @dev An actor (often not the owner) tries to replace the URI.
    function setTokenURI(uint256 actorSeed, uint256 idSeed, uint256 uriSeed, bytes32 digest) external {
        if (ids.length == 0) _registerValid(idSeed);
        uint256 id = ids[idSeed % ids.length];
        address actor = _actor(actorSeed);
        bool allowed = actor == _token().ownerOf(id) && !frozen[id];
        string memory uri = _uri(uriSeed, digest);
        VM.prank(actor);
        try _token().setTokenURI(id, uri) {
            ++edits;
            if (!allowed) _forbidden("setTokenURI by a non-owner or after freezing");
            expectedURI[id] = uri;
        } catch {
            ++rejectedEdits;
            if (allowed) _forbidden("owner's setTokenURI rejected");
        }
    }

    /// @dev An actor tries to freeze the metadata.
    function freezeMetadata(uint256 actorSeed, uint256 idSeed) external {
        if (ids.length == 0) _registerValid(idSeed);
        uint256 id = ids[idSeed % ids.length];
        address actor = _actor(actorSeed);
        bool allowed = actor == _token().ownerOf(id) && !frozen[id];
        VM.prank(actor);
        try _token().freezeMetadata(id) {
            ++freezes;
            if (!allowed) _forbidden("freezeMetadata by a non-owner or twice");
            frozen[id] = true;
            frozenURI[id] = expectedURI[id];
        } catch {
            ++rejectedFreezes;
            if (allowed) _forbidden("owner's freezeMetadata rejected");
        }
    }

    /// @dev The owner gives a token to another actor, who may then edit it.
    function transfer(uint256 idSeed, uint256 toSeed) external {
        if (ids.length == 0) _registerValid(idSeed);
        uint256 id = ids[idSeed % ids.length];
        address owner = _token().ownerOf(id);
        VM.prank(owner);
        _token().transferFrom(owner, _actor(toSeed), id);
        ++transfers;
    }

    function _token() internal view virtual returns (CompactTokenURI);

    /// @dev Registers a token that the rules must accept (recording it like any registration); used when an action
    /// finds no token to act on.
    function _registerValid(uint256 seed) internal virtual;

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    /// @dev A URI of every storage kind: empty, compact `ipfs://<cid>`, and plain text (including near misses).
    function _uri(uint256 seed, bytes32 digest) internal pure returns (string memory) {
        uint256 kind = seed % 5;
        if (kind == 0) return "";
        if (kind == 1) return string.concat("ipfs://", Cid.toString(uint64((seed >> 8) % (Cid.MAX_CODEC + 1)), digest));
        if (kind == 2) return string.concat("ipfs://", Cid.toString(Cid.RAW, digest), "/metadata.json");
        if (kind == 3) return string.concat("ar://", Strings.toHexString(uint256(digest)));
        return string.concat("IPFS://", Cid.toString(Cid.RAW, digest)); // wrong scheme case: stored as text
    }

    function _forbidden(string memory what) internal {
        forbiddenCallSucceeded = true;
        forbiddenCall = what;
    }
}
