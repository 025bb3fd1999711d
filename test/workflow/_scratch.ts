import hre from "hardhat";
const t0 = performance.now();
const conn = await hre.network.create();
console.log("created", performance.now() - t0);
await conn.ethers.provider.getBlockNumber();
console.log("end", performance.now() - t0, new Date().toISOString());
