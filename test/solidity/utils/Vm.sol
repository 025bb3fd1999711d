// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev The subset of the Foundry cheatcode interface that our Solidity tests use.
/// forge-std is not on npm; Hardhat's EDR serves these cheatcodes at the standard address.
interface Vm {
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function expectRevert(bytes4 selector) external;
    function expectRevert(bytes calldata revertData) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData) external;
    function assume(bool condition) external pure;
    function label(address account, string calldata newLabel) external;
}

Vm constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
