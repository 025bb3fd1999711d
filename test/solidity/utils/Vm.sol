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
    function warp(uint256 timestamp) external;

    // Assertions: a failure reverts with a message naming both values.
    function assertTrue(bool condition, string calldata error) external pure;
    function assertFalse(bool condition, string calldata error) external pure;
    function assertEq(bool left, bool right, string calldata error) external pure;
    function assertEq(uint256 left, uint256 right, string calldata error) external pure;
    function assertEq(address left, address right, string calldata error) external pure;
    function assertEq(bytes32 left, bytes32 right, string calldata error) external pure;
    function assertEq(string calldata left, string calldata right, string calldata error) external pure;
    function assertEq(bytes calldata left, bytes calldata right, string calldata error) external pure;
    function assertLt(uint256 left, uint256 right, string calldata error) external pure;
}

Vm constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
