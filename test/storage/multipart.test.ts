import { expect } from "chai";

import { multipartBoundary, MultipartError, parseMultipart, type MultipartPartInfo } from "../../src/storage/multipart.js";

/** Encodes a FormData the way fetch would send it. */
async function encode(form: FormData): Promise<{ body: Uint8Array; boundary: string }> {
  const request = new Request("http://127.0.0.1/", { method: "POST", body: form });
  const boundary = multipartBoundary(request.headers.get("content-type") ?? undefined);
  if (boundary === undefined) throw new Error("no boundary");
  return { body: new Uint8Array(await request.arrayBuffer()), boundary };
}

/** Parses `body` delivered in the given chunk sizes; returns parts with their bytes. */
async function parse(body: Uint8Array, boundary: string, split: (offset: number) => number): Promise<{ info: MultipartPartInfo; bytes: Buffer }[]> {
  const parts: { info: MultipartPartInfo; chunks: Buffer[]; ended: boolean }[] = [];
  async function* chunks() {
    let offset = 0;
    while (offset < body.length) {
      const size = Math.max(1, split(offset));
      yield body.subarray(offset, offset + size);
      offset += size;
    }
  }
  await parseMultipart(chunks(), boundary, async (info) => {
    const part = { info, chunks: [] as Buffer[], ended: false };
    parts.push(part);
    return {
      write: async (chunk) => {
        part.chunks.push(Buffer.from(chunk));
      },
      end: async () => {
        part.ended = true;
      },
    };
  });
  for (const part of parts) expect(part.ended).to.equal(true);
  return parts.map((p) => ({ info: p.info, bytes: Buffer.concat(p.chunks) }));
}

describe("storage: streaming multipart parser", function () {
  it("parses files and fields whatever the chunk boundaries", async function () {
    const form = new FormData();
    const binary = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
    form.append("file", new Blob([binary]), "dir/sub/a.bin");
    form.append("file", new Blob(["\r\n--not-the-boundary\r\n"]), "b.txt");
    form.append("note", "hello");
    const { body, boundary } = await encode(form);
    const whole = await parse(body, boundary, () => body.length);
    for (let size = 1; size <= 97; size += 4) {
      const parts = await parse(body, boundary, () => size);
      expect(parts.map((p) => [p.info.filename, p.bytes.toString("hex")])).to.deep.equal(whole.map((p) => [p.info.filename, p.bytes.toString("hex")]));
    }
    expect(whole.map((p) => p.info.filename)).to.deep.equal(["dir/sub/a.bin", "b.txt", undefined]);
    expect(whole.map((p) => p.info.name)).to.deep.equal(["file", "file", "note"]);
    expect(Buffer.from(binary).equals(whole[0]?.bytes as Buffer)).to.equal(true);
    expect(whole[1]?.bytes.toString()).to.equal("\r\n--not-the-boundary\r\n");
    expect(whole[2]?.bytes.toString()).to.equal("hello");
  });

  it("rejects a body cut off before the closing boundary", async function () {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(1000)]), "x.car");
    const { body, boundary } = await encode(form);
    for (const cut of [10, 200, body.length - 3]) {
      try {
        await parse(body.subarray(0, cut), boundary, () => 64);
        expect.fail(`accepted a body cut at ${cut}`);
      } catch (error) {
        expect(error).to.be.instanceOf(MultipartError);
        expect((error as Error).message).to.match(/ended early/);
      }
    }
  });

  it("reads the boundary from a Content-Type header, quoted or not", function () {
    expect(multipartBoundary("multipart/form-data; boundary=----abc123")).to.equal("----abc123");
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).to.equal("a b");
    expect(multipartBoundary("application/json")).to.equal(undefined);
    expect(multipartBoundary(undefined)).to.equal(undefined);
  });
});
