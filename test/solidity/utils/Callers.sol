// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDatasetNFT} from "../../../contracts/interfaces/IDatasetNFT.sol";
import {ModelNFT} from "../../../contracts/ModelNFT.sol";

/**
 * @dev A contract account that registers datasets and models and, whenever it is sent a token with a safe transfer,
 * re-enters both registries from `onERC721Received` (counting the callbacks). The mocha tests show that
 * registration makes no such call (`_mint`, not `_safeMint`), while a safe transfer does.
 */
contract ReentrantRegistrant {
    IDatasetNFT public immutable datasets;
    ModelNFT public immutable models;
    uint256 public callbacks;
    uint256 public reentered;

    constructor(IDatasetNFT datasets_, ModelNFT models_) {
        datasets = datasets_;
        models = models_;
    }

    function registerDataset(bytes32 root, uint64 leafCount, string calldata manifestCid) external returns (uint256) {
        return datasets.register(root, leafCount, manifestCid, "", 0);
    }

    function registerModel(ModelNFT.RegisterParams calldata p) external returns (uint256) {
        return models.register(p);
    }

    /// @dev Re-enters DatasetNFT.register with a fresh root on every callback.
    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        ++callbacks;
        reentered = datasets.register(
            keccak256(abi.encode("re-entered", callbacks)),
            1,
            "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
            "",
            0
        );
        return this.onERC721Received.selector;
    }
}

/**
 * @dev A contract account without `onERC721Received`, like a native Filecoin actor (a multisig) seen from the EVM: it
 * has code but cannot answer the ERC-721 receiver call. It must still be able to register.
 */
contract PlainRegistrant {
    IDatasetNFT public immutable datasets;
    ModelNFT public immutable models;

    constructor(IDatasetNFT datasets_, ModelNFT models_) {
        datasets = datasets_;
        models = models_;
    }

    function registerDataset(bytes32 root, uint64 leafCount, string calldata manifestCid) external returns (uint256) {
        return datasets.register(root, leafCount, manifestCid, "", 0);
    }

    function registerModel(ModelNFT.RegisterParams calldata p) external returns (uint256) {
        return models.register(p);
    }
}
