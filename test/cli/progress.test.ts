import { expect } from "chai";

import { createProgress, formatBytes, formatDuration, formatProgressLine } from "../../src/cli/progress.js";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 200, write: (t: string) => writes.push(t) } };
}

describe("progress display", () => {
  it("is quiet by default when the stream is not a terminal", () => {
    const { writes, stream } = fakeStream(false);
    const p = createProgress({ label: "hashing", stream });
    p.update({ samples: 1, bytes: 1 });
    p.done();
    expect(p.mode).to.equal("quiet");
    expect(writes).to.deep.equal([]);
  });

  it("redraws one line on a terminal, rate-limited, and ends it on done", () => {
    const { writes, stream } = fakeStream(true);
    let t = 0;
    const p = createProgress({ label: "hashing", stream, now: () => t });
    t = 1000;
    p.update({ samples: 1000, bytes: 2_000_000, totalSamples: 4000 });
    t = 1050; // within 100 ms: not drawn
    p.update({ samples: 1100, bytes: 2_200_000, totalSamples: 4000 });
    t = 2000;
    p.done({ samples: 4000, bytes: 8_000_000, totalSamples: 4000 });
    expect(writes).to.have.length(2);
    expect(writes[0]).to.equal("\rhashing 1,000 samples · 2.00 MB · 1,000/s · 2.00 MB/s · 25% · ETA 3.00 s\x1b[K");
    expect(writes[1]).to.equal("\rhashing 4,000 samples · 8.00 MB · 2,000/s · 4.00 MB/s · 100% · done in 2.00 s\x1b[K\n");
  });

  it("prints JSON lines with rate and ETA when asked", () => {
    const { writes, stream } = fakeStream(false);
    let t = 0;
    const p = createProgress({ label: "hashing", stream, mode: "json", now: () => t });
    t = 2000;
    p.update({ samples: 10, bytes: 100, totalBytes: 300 });
    p.done();
    const [first, last] = writes.map((w) => JSON.parse(w));
    expect(first).to.deep.include({ event: "progress", samples: 10, bytes: 100, samplesPerSecond: 5, bytesPerSecond: 50, etaSeconds: 4 });
    expect(last).to.deep.include({ event: "done", samples: 10 });
  });

  it("prints nothing after done", () => {
    const { writes, stream } = fakeStream(true);
    const p = createProgress({ label: "x", stream });
    p.done({ samples: 1, bytes: 1 });
    p.update({ samples: 2, bytes: 2 });
    p.done();
    expect(writes).to.have.length(1);
  });

  it("formats bytes, durations and lines without totals", () => {
    expect(formatBytes(784)).to.equal("784 B");
    expect(formatBytes(47_040_000)).to.equal("47.0 MB");
    expect(formatBytes(1_234_567_890)).to.equal("1.23 GB");
    expect(formatDuration(0.5)).to.equal("0.50 s");
    expect(formatDuration(75)).to.equal("1:15");
    expect(formatDuration(3723)).to.equal("1:02:03");
    expect(formatProgressLine("hashing", { samples: 5, bytes: 5 }, 0, undefined)).to.equal("hashing 5 samples · 5 B");
  });
});
