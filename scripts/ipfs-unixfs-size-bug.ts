/**
 * Minimal reproduction of the size-encoding bug in ipfs-unixfs 13.1.1
 * (protons-runtime 7.x varint writer) that the hand-written UnixFS `Data`
 * encoder (src/storage/unixfs.ts) avoids: for a file or block size in
 * [2^31, 2^32) the marshalled `filesize`/`blocksizes` varints are wrong, so
 * a 2–4 GiB file would get another CID than Kubo gives it. Prints, for each
 * size, the bytes ipfs-unixfs writes next to the LEB128 varint the protobuf
 * spec requires (an independent BigInt encoder) and the size ipfs-unixfs
 * reads back from its own bytes. Run: `npx tsx scripts/ipfs-unixfs-size-bug.ts`
 * (exit code 1 when the bug is present, 0 when fixed).
 */
import { UnixFS } from "ipfs-unixfs";

/** Protobuf varint (LEB128) of a non-negative integer. */
function leb128(value: bigint): number[] {
  const out: number[] = [];
  for (; value >= 128n; value >>= 7n) out.push(Number(value & 127n) | 128);
  out.push(Number(value));
  return out;
}

const hex = (bytes: Iterable<number>): string => Buffer.from([...bytes]).toString("hex");
let wrong = 0;
for (const size of [2n ** 31n - 1n, 2n ** 31n, 3_003_121_664n, 2n ** 32n - 1n, 2n ** 32n]) {
  // One block of `size` bytes: Data = Type(1)=File, filesize(3)=size, blocksizes(4)=[size].
  const marshalled = new UnixFS({ type: "file", blockSizes: [size] }).marshal();
  const expected = [0x08, 0x02, 0x18, ...leb128(size), 0x20, ...leb128(size)];
  const ok = hex(marshalled) === hex(expected);
  let readBack: string;
  try {
    readBack = String(UnixFS.unmarshal(marshalled).fileSize());
  } catch (error) {
    readBack = `error: ${(error as Error).message}`;
  }
  if (!ok) wrong++;
  console.log(`${String(size).padStart(10)}  ipfs-unixfs ${hex(marshalled)}  expected ${hex(expected)}  ${ok ? "ok" : "WRONG"}  (reads back ${readBack})`);
}
console.log(wrong === 0 ? "ipfs-unixfs encodes every size correctly" : `ipfs-unixfs mis-encodes ${wrong} of 5 sizes`);
process.exitCode = wrong === 0 ? 0 : 1;
