// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC165} from "@openzeppelin/contracts/interfaces/IERC165.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";

import {Cid} from "../cid/Cid.sol";

/**
 * @title CompactTokenURI
 * @notice ERC-721 token URIs that the token owner may edit until they freeze them, stored compactly when they are
 * `ipfs://<CIDv1 base32 sha2-256>`: the digest in one slot, the codec in a 6-byte header. Any other URI is stored as
 * a plain string (allowed, costs more). {tokenURI} rebuilds the identical string either way.
 *
 * The header (encoding, codec, frozen flag) is not stored here: the inheriting contract keeps it in a slot it
 * writes anyway ({_uriHeader}, {_setURIHeader}), which saves a whole storage slot per token.
 *
 * Implements ERC-4906 (`MetadataUpdate` on every edit) and OpenSea's `PermanentURI` on freezing. There is no admin:
 * only the current token owner edits, and a frozen URI never changes again.
 */
abstract contract CompactTokenURI is ERC721, IERC4906 {
    /// @dev How a token's URI is stored.
    enum URIEncoding {
        Empty, // the URI is ""
        IpfsCid, // "ipfs://" + Cid.toString(header.codec, digest)
        Text // a plain string
    }

    /// @dev The per-token URI header kept by the inheriting contract (6 bytes when packed).
    struct URIHeader {
        URIEncoding encoding;
        uint32 codec;
        bool frozen;
    }

    /**
     * @notice The token's metadata is now permanent (OpenSea convention).
     * @param value The final token URI.
     * @param id The token.
     */
    event PermanentURI(string value, uint256 indexed id);

    /// @dev `caller` tried to edit the metadata of `tokenId` but is not its owner.
    error CompactTokenURIUnauthorizedEditor(uint256 tokenId, address caller);

    /// @dev The metadata of `tokenId` is frozen and can no longer change.
    error CompactTokenURIMetadataFrozen(uint256 tokenId);

    bytes7 private constant _IPFS_SCHEME = "ipfs://";

    mapping(uint256 tokenId => bytes32 digest) private _uriDigests;
    mapping(uint256 tokenId => string uri) private _uriTexts;

    /**
     * @notice Replaces the token URI of `tokenId`. Only the token owner may call it, and only before
     * {freezeMetadata}. Emits {MetadataUpdate}.
     * @param tokenId The token to edit.
     * @param uri The new URI; `ipfs://<CIDv1 base32 sha2-256>` is stored compactly, anything else as a string.
     */
    function setTokenURI(uint256 tokenId, string calldata uri) external virtual {
        URIHeader memory header = _checkMetadataEditor(tokenId);
        if (header.encoding == URIEncoding.Text) delete _uriTexts[tokenId];
        _setURIHeader(tokenId, _writeTokenURI(tokenId, uri));
        emit MetadataUpdate(tokenId);
    }

    /**
     * @notice Makes the token URI of `tokenId` permanent. Only the token owner may call it, once. Emits
     * {PermanentURI} with the final URI.
     * @param tokenId The token to freeze.
     */
    function freezeMetadata(uint256 tokenId) external virtual {
        URIHeader memory header = _checkMetadataEditor(tokenId);
        header.frozen = true;
        _setURIHeader(tokenId, header);
        emit PermanentURI(_tokenURI(tokenId, header), tokenId);
    }

    /**
     * @notice Returns true once the owner of `tokenId` has frozen its metadata. Reverts with
     * {ERC721NonexistentToken} for an unknown token.
     * @param tokenId The token to look up.
     */
    function metadataFrozen(uint256 tokenId) public view virtual returns (bool) {
        _requireOwned(tokenId);
        return _uriHeader(tokenId).frozen;
    }

    /**
     * @notice Returns the token URI of `tokenId`, rebuilt from its compact form. Reverts with
     * {ERC721NonexistentToken} for an unknown token.
     * @param tokenId The token to look up.
     */
    function tokenURI(uint256 tokenId) public view virtual override returns (string memory) {
        _requireOwned(tokenId);
        return _tokenURI(tokenId, _uriHeader(tokenId));
    }

    /**
     * @notice ERC-165: ERC-721, ERC-721 Metadata, ERC-165 and ERC-4906 (`0x49064906`).
     * @param interfaceId The interface identifier to test.
     */
    function supportsInterface(bytes4 interfaceId) public view virtual override(ERC721, IERC165) returns (bool) {
        return interfaceId == bytes4(0x49064906) || super.supportsInterface(interfaceId);
    }

    /**
     * @dev Stores `uri` for `tokenId` (digest or string) and returns the header to keep, not frozen. Does not clear
     * a previous string; {setTokenURI} does.
     */
    function _writeTokenURI(uint256 tokenId, string calldata uri) internal returns (URIHeader memory header) {
        if (bytes(uri).length == 0) return header;
        if (bytes7(bytes(uri)) == _IPFS_SCHEME) {
            (bool ok, uint64 codec, bytes32 digest) = Cid.tryParse(uri, _IPFS_SCHEME.length);
            if (ok) {
                _uriDigests[tokenId] = digest;
                // A codec parsed from a varint of at most 4 bytes is below 2^28: it fits in uint32.
                return URIHeader({encoding: URIEncoding.IpfsCid, codec: uint32(codec), frozen: false});
            }
        }
        _uriTexts[tokenId] = uri;
        header.encoding = URIEncoding.Text;
    }

    /// @dev Rebuilds the URI of `tokenId` from `header`.
    function _tokenURI(uint256 tokenId, URIHeader memory header) internal view returns (string memory) {
        if (header.encoding == URIEncoding.IpfsCid) {
            return string.concat("ipfs://", Cid.toString(header.codec, _uriDigests[tokenId]));
        }
        if (header.encoding == URIEncoding.Text) return _uriTexts[tokenId];
        return "";
    }

    /// @dev Returns the URI header of `tokenId` (all zero for a token that does not exist).
    function _uriHeader(uint256 tokenId) internal view virtual returns (URIHeader memory);

    /// @dev Stores the URI header of `tokenId`.
    function _setURIHeader(uint256 tokenId, URIHeader memory header) internal virtual;

    /// @dev Reverts unless the caller owns `tokenId` and its metadata is not frozen; returns its header.
    function _checkMetadataEditor(uint256 tokenId) private view returns (URIHeader memory header) {
        address owner = _requireOwned(tokenId);
        if (owner != _msgSender()) revert CompactTokenURIUnauthorizedEditor(tokenId, _msgSender());
        header = _uriHeader(tokenId);
        if (header.frozen) revert CompactTokenURIMetadataFrozen(tokenId);
    }
}
