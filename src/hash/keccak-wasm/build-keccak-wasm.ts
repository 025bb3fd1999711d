/**
 * Emits, byte by byte, the WebAssembly module behind `src/hash/keccak.ts`.
 *
 * Why a hand-made module: the Merkle tree hot loop hashes millions of tiny,
 * fixed-size inputs (96-byte internal nodes, 32- and 64-byte inputs). Per-call JS↔WASM
 * overhead dominates every general-purpose hasher, so the exported functions
 * here loop over a whole batch in linear memory. The batch functions are
 * two-way SIMD: each v128 holds the same Keccak lane of two independent
 * messages, so one keccak-f[1600] pass hashes two inputs. Round 0 is
 * unrolled with the padding of the single-block inputs folded into constants
 * at generation time (most of its lanes are known); rounds 1..23 run in a
 * one-round loop body, which keeps the code inside the instruction cache.
 *
 * Exports of the emitted module (all pointers are byte offsets into `memory`):
 * - `leaves(in, out, n)`: keccak256 of n consecutive 32-byte inputs → n × 32 bytes.
 * - `pairs(in, out, n)`:  keccak256 of n consecutive 64-byte inputs → n × 32 bytes.
 * - `absorb(state, in, blocks)`: absorbs `blocks` already padded 136-byte
 *   blocks into the 200-byte state at `state` (scalar; for arbitrary lengths).
 * - `nodes(pairs, splits, out, n)`: keccak256 of n 96-byte messages, message
 *   k being the 64-byte pair at `pairs + 64k` followed by the 32-byte split
 *   key at `splits + 32k` (the internal nodes of the search tree,
 *   docs/merkle-scheme.md) → n × 32 bytes.
 * - `memory`: `KECCAK_WASM_PAGES` pages, laid out as in `layout.ts`; the round
 *   constants sit at `RC_OFFSET` (data segment), the rest is the caller's.
 *
 * The generator is deterministic; `generate.ts` writes its output as base64
 * to `keccak-wasm-bytes.ts`, and a test checks the two stay equal.
 */

import { KECCAK_WASM_PAGES, RC_OFFSET } from "./layout.js";

/** Keccak-f[1600] round constants (FIPS 202, ι step). */
const ROUND_CONSTANTS: readonly bigint[] = [
  0x0000000000000001n, 0x0000000000008082n, 0x800000000000808an, 0x8000000080008000n,
  0x000000000000808bn, 0x0000000080000001n, 0x8000000080008081n, 0x8000000000008009n,
  0x000000000000008an, 0x0000000000000088n, 0x0000000080008009n, 0x000000008000000an,
  0x000000008000808bn, 0x800000000000008bn, 0x8000000000008089n, 0x8000000000008003n,
  0x8000000000008002n, 0x8000000000000080n, 0x000000000000800an, 0x800000008000000an,
  0x8000000080008081n, 0x8000000000008080n, 0x0000000080000001n, 0x8000000080008008n,
];

/** ρ rotation offsets, indexed by lane x + 5y. */
const RHO: readonly number[] = [
  0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
];

const MASK64 = (1n << 64n) - 1n;
/** Keccak rate for 256-bit output, in bytes and in 64-bit lanes. */
const RATE_BYTES = 136;
const RATE_LANES = 17;

// --- binary encoding helpers -------------------------------------------------

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asIntN(64, value);
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const signBit = (byte & 0x40) !== 0;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function utf8(name: string): number[] {
  return [...uleb(name.length), ...Buffer.from(name, "utf8")];
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

const I32 = 0x7f;
const I64 = 0x7e;
const V128 = 0x7b;

const OP = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  if: 0x04,
  return: 0x0f,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i64Load: 0x29,
  i64Store: 0x37,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Shl: 0x74,
  i64And: 0x83,
  i64Xor: 0x85,
  i64Rotl: 0x89,
  simd: 0xfd,
} as const;

/** SIMD sub-opcodes (after the 0xfd prefix). */
const SIMD = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  shuffle: 0x0d,
  load64Splat: 0x0a,
  andnot: 0x4f,
  or: 0x50,
  xor: 0x51,
  i64x2Shl: 0xcb,
  i64x2ShrU: 0xcd,
} as const;

/** memarg for 8-byte (i64) or 16-byte (v128) aligned accesses. */
function memarg(alignLog2: number, offset: number): number[] {
  return [alignLog2, ...uleb(offset)];
}

// --- a tiny expression language with constant folding -------------------------

/** A Keccak lane value: a known constant, or a local variable. */
type Lane = { readonly c: bigint } | { readonly l: number };
type Expr =
  | Lane
  | { readonly op: "xor"; readonly a: Expr; readonly b: Expr }
  | { readonly op: "rotl"; readonly a: Expr; readonly n: number }
  /** `~a & b` */
  | { readonly op: "andn"; readonly a: Expr; readonly b: Expr }
  /** Code pushing a runtime value (e.g. a round constant loaded from memory). */
  | { readonly op: "raw"; readonly code: readonly number[] };

function isConst(e: Expr): e is { c: bigint } {
  return "c" in e;
}

function xor(a: Expr, b: Expr): Expr {
  if (isConst(a) && isConst(b)) return { c: a.c ^ b.c };
  if (isConst(a) && a.c === 0n) return b;
  if (isConst(b) && b.c === 0n) return a;
  return { op: "xor", a, b };
}

function rotl(a: Expr, n: number): Expr {
  n %= 64;
  if (n === 0) return a;
  if (isConst(a)) return { c: ((a.c << BigInt(n)) | (a.c >> BigInt(64 - n))) & MASK64 };
  return { op: "rotl", a, n };
}

function andn(a: Expr, b: Expr): Expr {
  if (isConst(a) && isConst(b)) return { c: ~a.c & b.c & MASK64 };
  if (isConst(b) && b.c === 0n) return { c: 0n };
  if (isConst(a) && a.c === MASK64) return { c: 0n };
  if (isConst(a) && a.c === 0n) return b;
  return { op: "andn", a, b };
}

/** Emits lane arithmetic either on i64 (scalar) or on i64x2 (two messages). */
interface LaneIsa {
  readonly type: number;
  constant(c: bigint): number[];
  xor(): number[];
  /** Emits `~a & b` given the code pushing a and the code pushing b. */
  andn(a: number[], b: number[]): number[];
  /** Emits code rotating the value on top of the stack; may use `scratch`. */
  rotl(n: number, scratch: number): number[];
}

const scalarIsa: LaneIsa = {
  type: I64,
  constant: (c) => [OP.i64Const, ...sleb(c)],
  xor: () => [OP.i64Xor],
  // ~a & b = (a ^ -1) & b
  andn: (a, b) => [...a, OP.i64Const, ...sleb(-1n), OP.i64Xor, ...b, OP.i64And],
  rotl: (n) => [OP.i64Const, ...sleb(BigInt(n)), OP.i64Rotl],
};

function simdOp(sub: number, ...imm: number[]): number[] {
  return [OP.simd, ...uleb(sub), ...imm];
}

function v128Const(c: bigint): number[] {
  const bytes: number[] = [];
  for (let lane = 0; lane < 2; lane++) {
    for (let i = 0; i < 8; i++) bytes.push(Number((c >> BigInt(8 * i)) & 0xffn));
  }
  return simdOp(SIMD.const, ...bytes);
}

/** i8x16.shuffle immediates rotating every 64-bit lane left by 8 or 56 bits. */
function byteRotateShuffle(n: 8 | 56): number[] {
  const lanes: number[] = [];
  for (let half = 0; half < 2; half++) {
    for (let j = 0; j < 8; j++) {
      const src = n === 8 ? (j + 7) % 8 : (j + 1) % 8;
      lanes.push(half * 8 + src);
    }
  }
  return lanes;
}

const simdIsa: LaneIsa = {
  type: V128,
  constant: v128Const,
  xor: () => simdOp(SIMD.xor),
  // v128.andnot(x, y) = x & ~y, so ~a & b = v128.andnot(b, a).
  andn: (a, b) => [...b, ...a, ...simdOp(SIMD.andnot)],
  rotl: (n, scratch) => {
    const tee = [OP.localTee, ...uleb(scratch)];
    const get = [OP.localGet, ...uleb(scratch)];
    if (n === 8 || n === 56) {
      // One byte shuffle instead of shift, shift, or.
      return [...tee, ...get, ...simdOp(SIMD.shuffle, ...byteRotateShuffle(n))];
    }
    return [
      ...tee,
      OP.i32Const, ...sleb(BigInt(n)),
      ...simdOp(SIMD.i64x2Shl),
      ...get,
      OP.i32Const, ...sleb(BigInt(64 - n)),
      ...simdOp(SIMD.i64x2ShrU),
      ...simdOp(SIMD.or),
    ];
  },
};

/** Builds one function body: typed locals plus code. */
class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localTypes: number[] = [];

  constructor(private readonly paramCount: number) {}

  local(type: number): number {
    this.localTypes.push(type);
    return this.paramCount + this.localTypes.length - 1;
  }

  emit(...bytes: number[]): void {
    for (const b of bytes) this.code.push(b);
  }

  /** Function body bytes: local declarations (run-length), code, `end`. */
  body(): number[] {
    const groups: number[][] = [];
    let i = 0;
    while (i < this.localTypes.length) {
      let j = i;
      while (j < this.localTypes.length && this.localTypes[j] === this.localTypes[i]) j++;
      groups.push([...uleb(j - i), this.localTypes[i] as number]);
      i = j;
    }
    const bytes = [...vec(groups), ...this.code, OP.end];
    return [...uleb(bytes.length), ...bytes];
  }
}

/** Emits code pushing the value of `e`; `scratch` is a local of the lane type. */
function emitExpr(isa: LaneIsa, e: Expr, scratch: number): number[] {
  if ("c" in e) return isa.constant(e.c);
  if ("l" in e) return [OP.localGet, ...uleb(e.l)];
  switch (e.op) {
    case "raw":
      return [...e.code];
    case "xor":
      return [...emitExpr(isa, e.a, scratch), ...emitExpr(isa, e.b, scratch), ...isa.xor()];
    case "rotl":
      return [...emitExpr(isa, e.a, scratch), ...isa.rotl(e.n, scratch)];
    case "andn":
      return isa.andn(emitExpr(isa, e.a, scratch), emitExpr(isa, e.b, scratch));
  }
}

/**
 * Keccak lanes held in locals. A lane whose value is known at generation time
 * is tracked as a constant and emits no code until it meets a runtime value.
 */
class LaneState {
  private readonly locals: number[];
  private readonly values: Lane[];
  private readonly scratch: number;

  constructor(
    private readonly fn: FunctionBuilder,
    private readonly isa: LaneIsa,
    count: number,
  ) {
    this.locals = Array.from({ length: count }, () => fn.local(isa.type));
    this.values = Array.from({ length: count }, () => ({ c: 0n }));
    this.scratch = fn.local(isa.type);
  }

  get(i: number): Lane {
    return this.values[i] as Lane;
  }

  local(i: number): number {
    return this.locals[i] as number;
  }

  /** Assigns `e` to lane i: folds constants, otherwise emits the computation. */
  set(i: number, e: Expr): void {
    if (isConst(e)) {
      this.values[i] = e;
      return;
    }
    const local = this.locals[i] as number;
    this.fn.emit(...emitExpr(this.isa, e, this.scratch), OP.localSet, ...uleb(local));
    this.values[i] = { l: local };
  }

  /** Marks lane i as holding a runtime value already stored in its local. */
  markDynamic(i: number): void {
    this.values[i] = { l: this.locals[i] as number };
  }
}

/** Emits the 24 rounds of keccak-f[1600] over `a` (25 lanes), in place. */
function emitPermutation(fn: FunctionBuilder, isa: LaneIsa, a: LaneState): void {
  emitPermutations(fn, [{ isa, a }]);
}

/** One state to permute, with the instruction set its lanes use. */
interface PermutationLanes {
  readonly isa: LaneIsa;
  readonly a: LaneState;
}

/**
 * Emits keccak-f[1600] for several states at once (e.g. one SIMD, one
 * scalar), their steps interleaved. Round 0 is unrolled, so the lanes known
 * at generation time (padding, zeros) fold away; rounds 1..23 run in a loop
 * whose body is one round: a fully unrolled permutation is ~30 KB of wasm
 * per function and thrashes the instruction cache (measured 2.4× slower).
 */
function emitPermutations(fn: FunctionBuilder, states: readonly PermutationLanes[]): void {
  const temps = states.map(({ isa }) => ({
    b: new LaneState(fn, isa, 25),
    c: new LaneState(fn, isa, 5),
    d: new LaneState(fn, isa, 5),
  }));
  const runRound = (rcFor: (isa: LaneIsa) => Expr) =>
    interleave(
      states.map(({ isa, a }, k) => {
        const { b, c, d } = temps[k] as (typeof temps)[number];
        return roundSteps(a, b, c, d, rcFor(isa));
      }),
    );
  runRound(() => ({ c: ROUND_CONSTANTS[0] as bigint }));
  // Lanes still constant after round 0 must live in their locals inside the loop.
  for (const { isa, a } of states) {
    for (let k = 0; k < 25; k++) {
      const lane = a.get(k);
      if (isConst(lane)) a.set(k, { op: "raw", code: isa.constant(lane.c) });
    }
  }
  const counter = fn.local(I32);
  fn.emit(OP.i32Const, 8, OP.localSet, ...uleb(counter));
  fn.emit(OP.loop, 0x40);
  runRound((isa) => ({
    op: "raw",
    code:
      isa === scalarIsa
        ? [OP.localGet, ...uleb(counter), OP.i64Load, ...memarg(3, RC_OFFSET)]
        : [OP.localGet, ...uleb(counter), ...simdOp(SIMD.load64Splat, ...memarg(3, RC_OFFSET))],
  }));
  fn.emit(OP.localGet, ...uleb(counter), OP.i32Const, 8, OP.i32Add, OP.localSet, ...uleb(counter));
  fn.emit(OP.localGet, ...uleb(counter), OP.i32Const, ...sleb(BigInt(8 * 24)), OP.i32LtU, OP.brIf, 0, OP.end);
}

/** One round as a sequence of steps (one lane assignment each), for interleaving. */
function* roundSteps(
  a: LaneState,
  b: LaneState,
  c: LaneState,
  d: LaneState,
  rc: Expr,
): Generator<void> {
  // θ: column parities C, then D[x] = C[x-1] ^ rotl(C[x+1], 1).
  for (let x = 0; x < 5; x++) {
    let e: Expr = a.get(x);
    for (let y = 1; y < 5; y++) e = xor(e, a.get(x + 5 * y));
    c.set(x, e);
    yield;
  }
  for (let x = 0; x < 5; x++) {
    d.set(x, xor(c.get((x + 4) % 5), rotl(c.get((x + 1) % 5), 1)));
    yield;
  }
  // θ applied, then ρ and π: B[y, 2x+3y] = rotl(A[x,y] ^ D[x], r[x,y]).
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      const src = x + 5 * y;
      const dst = y + 5 * ((2 * x + 3 * y) % 5);
      b.set(dst, rotl(xor(a.get(src), d.get(x)), RHO[src] as number));
      yield;
    }
  }
  // χ: A[x,y] = B[x,y] ^ (~B[x+1,y] & B[x+2,y]); ι on lane 0.
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      let e = xor(b.get(x + 5 * y), andn(b.get(((x + 1) % 5) + 5 * y), b.get(((x + 2) % 5) + 5 * y)));
      if (x === 0 && y === 0) e = xor(e, rc);
      a.set(x + 5 * y, e);
      yield;
    }
  }
}

/** Runs generators round-robin until all are done. */
function interleave(steps: Generator<void>[]): void {
  let live = steps;
  while (live.length > 0) live = live.filter((g) => !g.next().done);
}

/** A hashing unit of a batch function: i64x2 lanes (2 messages) or i64 lanes (1). */
export type BatchUnit = "simd" | "scalar";

/**
 * Where one part of each message comes from: `lanes` 64-bit lanes (8 bytes
 * each) read at `input + (index << shift)`. Message k of a batch is the
 * concatenation of every part's k-th record, in order.
 */
interface MessagePart {
  readonly lanes: 4 | 8;
  readonly shift: 5 | 6;
}

/**
 * `fn(in_0, …, in_{p-1}, out, n)` hashing n messages, one per index, each the
 * concatenation of its records in the p input regions (see {@link MessagePart};
 * at most 16 lanes in all, so a message fits one 136-byte block). One loop
 * iteration runs one permutation per unit, interleaved: a "simd" unit hashes
 * two messages (each v128 holds the same lane of both), a "scalar" unit one.
 * Message indexes past the end are clamped to n - 1 (the last message is
 * hashed again and its digest rewritten, identical).
 */
function buildBatchFunction(parts: readonly MessagePart[], units: readonly BatchUnit[]): number[] {
  const fn = new FunctionBuilder(parts.length + 2);
  const [pOut, pN] = [parts.length, parts.length + 1];
  const inputLanes = parts.reduce((sum, part) => sum + part.lanes, 0);
  const get = (l: number) => [OP.localGet, ...uleb(l)];
  const set = (l: number) => [OP.localSet, ...uleb(l)];
  const shl = (l: number, sh: number) => [...get(l), OP.i32Const, ...sleb(BigInt(sh)), OP.i32Shl];
  const perIteration = units.reduce((sum, u) => sum + (u === "simd" ? 2 : 1), 0);
  const i = fn.local(I32);
  const idx = Array.from({ length: perIteration }, () => fn.local(I32));
  const inP = Array.from({ length: perIteration }, () => parts.map(() => fn.local(I32)));
  const outP = Array.from({ length: perIteration }, () => fn.local(I32));
  const tmpA = fn.local(V128);
  const tmpB = fn.local(V128);
  const states = units.map((u) => {
    const isa = u === "simd" ? simdIsa : scalarIsa;
    return { unit: u, isa, a: new LaneState(fn, isa, 25) };
  });
  // i8x16.shuffle picking lane 0 (resp. 1) of both operands.
  const lowLanes = [...Array(8).keys(), ...Array.from({ length: 8 }, (_, k) => 16 + k)];
  const highLanes = lowLanes.map((b) => b + 8);

  fn.emit(...get(pN), OP.i32Eqz, OP.if, 0x40, OP.return, OP.end);
  fn.emit(OP.i32Const, 0, ...set(i));
  fn.emit(OP.loop, 0x40);
  for (let m = 0; m < perIteration; m++) {
    const [im, outm] = [idx[m], outP[m]] as [number, number];
    // idx = i + m < n ? i + m : n - 1
    fn.emit(...get(i), OP.i32Const, ...sleb(BigInt(m)), OP.i32Add);
    fn.emit(...get(pN), OP.i32Const, 1, OP.i32Sub);
    fn.emit(...get(i), OP.i32Const, ...sleb(BigInt(m)), OP.i32Add, ...get(pN), OP.i32LtU);
    fn.emit(OP.select, ...set(im));
    parts.forEach((part, q) => {
      fn.emit(...shl(im, part.shift), ...get(q), OP.i32Add, ...set(inP[m]![q]!));
    });
    fn.emit(...shl(im, 5), ...get(pOut), OP.i32Add, ...set(outm));
  }
  let message = 0;
  const messagesOf = states.map(({ unit }) => {
    const first = message;
    message += unit === "simd" ? 2 : 1;
    return first;
  });
  states.forEach(({ unit, a }, u) => {
    const m = messagesOf[u] as number;
    let lane = 0;
    parts.forEach((part, q) => {
      if (unit === "simd") {
        // Load two lanes of each message, interleave into [a.k, b.k] and [a.k+1, b.k+1].
        for (let k = 0; k < part.lanes; k += 2) {
          fn.emit(...get(inP[m]![q]!), ...simdOp(SIMD.load, ...memarg(0, 8 * k)), ...set(tmpA));
          fn.emit(...get(inP[m + 1]![q]!), ...simdOp(SIMD.load, ...memarg(0, 8 * k)), ...set(tmpB));
          fn.emit(...get(tmpA), ...get(tmpB), ...simdOp(SIMD.shuffle, ...lowLanes), ...set(a.local(lane + k)));
          fn.emit(...get(tmpA), ...get(tmpB), ...simdOp(SIMD.shuffle, ...highLanes), ...set(a.local(lane + k + 1)));
          a.markDynamic(lane + k);
          a.markDynamic(lane + k + 1);
        }
      } else {
        for (let k = 0; k < part.lanes; k++) {
          fn.emit(...get(inP[m]![q]!), OP.i64Load, ...memarg(0, 8 * k), ...set(a.local(lane + k)));
          a.markDynamic(lane + k);
        }
      }
      lane += part.lanes;
    });
    // Padding: 0x01 right after the message, 0x80 in the last byte of the rate.
    for (let k = inputLanes; k < 25; k++) a.set(k, { c: 0n });
    a.set(inputLanes, { c: 1n });
    a.set(RATE_LANES - 1, { c: 0x80n << 56n });
  });

  emitPermutations(fn, states);

  states.forEach(({ unit, a }, u) => {
    const m = messagesOf[u] as number;
    if (unit === "simd") {
      // De-interleave lanes 0..3 back into the two digests.
      for (let k = 0; k < 4; k += 2) {
        for (const [which, lanes] of [[0, lowLanes], [1, highLanes]] as const) {
          fn.emit(...get(outP[m + which] as number), ...get(a.local(k)), ...get(a.local(k + 1)));
          fn.emit(...simdOp(SIMD.shuffle, ...lanes), ...simdOp(SIMD.store, ...memarg(0, 8 * k)));
        }
      }
    } else {
      for (let k = 0; k < 4; k++) {
        fn.emit(...get(outP[m] as number), ...get(a.local(k)), OP.i64Store, ...memarg(0, 8 * k));
      }
    }
  });
  fn.emit(...get(i), OP.i32Const, ...sleb(BigInt(perIteration)), OP.i32Add, ...set(i));
  fn.emit(...get(i), ...get(pN), OP.i32LtU, OP.brIf, 0);
  fn.emit(OP.end);
  return fn.body();
}

/** `absorb(state, in, blocks)`: scalar sponge absorption of padded blocks. */
function buildAbsorbFunction(): number[] {
  const fn = new FunctionBuilder(3);
  const [pState, pIn, pBlocks] = [0, 1, 2];
  const get = (l: number) => [OP.localGet, ...uleb(l)];
  const set = (l: number) => [OP.localSet, ...uleb(l)];
  const a = new LaneState(fn, scalarIsa, 25);

  for (let k = 0; k < 25; k++) {
    fn.emit(...get(pState), OP.i64Load, ...memarg(3, 8 * k), ...set(a.local(k)));
    a.markDynamic(k);
  }
  fn.emit(OP.block, 0x40);
  fn.emit(...get(pBlocks), OP.i32Eqz, OP.brIf, 0);
  fn.emit(OP.loop, 0x40);
  for (let k = 0; k < RATE_LANES; k++) {
    fn.emit(...get(a.local(k)), ...get(pIn), OP.i64Load, ...memarg(0, 8 * k), OP.i64Xor, ...set(a.local(k)));
  }
  emitPermutation(fn, scalarIsa, a);
  fn.emit(...get(pIn), OP.i32Const, ...sleb(BigInt(RATE_BYTES)), OP.i32Add, ...set(pIn));
  fn.emit(...get(pBlocks), OP.i32Const, 1, OP.i32Sub, ...set(pBlocks));
  fn.emit(...get(pBlocks), OP.brIf, 0);
  fn.emit(OP.end, OP.end);
  for (let k = 0; k < 25; k++) {
    fn.emit(...get(pState), ...get(a.local(k)), OP.i64Store, ...memarg(3, 8 * k));
  }
  return fn.body();
}

/** A 32-byte record per message (leaves, split keys). */
const LEAF_PART: MessagePart = { lanes: 4, shift: 5 };
/** A 64-byte record per message (left ‖ right pairs). */
const PAIR_PART: MessagePart = { lanes: 8, shift: 6 };

/**
 * Returns the bytes of the Keccak WebAssembly module (deterministic).
 * `units` chooses what one iteration of the batch loops hashes; the default,
 * one i64x2 unit, measured fastest here (≈4.8M pairs/s; scalar ≈2.7M/s,
 * SIMD+scalar or 2×SIMD interleaved no faster).
 */
export function buildKeccakWasm(units: readonly BatchUnit[] = ["simd"]): Uint8Array {
  // Type 0: (i32, i32, i32) → (); type 1: (i32, i32, i32, i32) → ().
  const typeSection = section(
    1,
    vec([
      [0x60, ...vec([[I32], [I32], [I32]]), 0x00],
      [0x60, ...vec([[I32], [I32], [I32], [I32]]), 0x00],
    ]),
  );
  const functionSection = section(3, vec([[0], [0], [0], [1]]));
  const memorySection = section(5, vec([[0x00, ...uleb(KECCAK_WASM_PAGES)]]));
  const exportSection = section(
    7,
    vec([
      [...utf8("memory"), 0x02, 0],
      [...utf8("leaves"), 0x00, 0],
      [...utf8("pairs"), 0x00, 1],
      [...utf8("absorb"), 0x00, 2],
      [...utf8("nodes"), 0x00, 3],
    ]),
  );
  const codeSection = section(
    10,
    vec([
      buildBatchFunction([LEAF_PART], units),
      buildBatchFunction([PAIR_PART], units),
      buildAbsorbFunction(),
      buildBatchFunction([PAIR_PART, LEAF_PART], units),
    ]),
  );
  const rcBytes = ROUND_CONSTANTS.flatMap((rc) => Array.from({ length: 8 }, (_, i) => Number((rc >> BigInt(8 * i)) & 0xffn)));
  const dataSection = section(11, vec([[0x00, OP.i32Const, ...sleb(BigInt(RC_OFFSET)), OP.end, ...vec(rcBytes.map((b) => [b]))]]));
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...typeSection,
    ...functionSection,
    ...memorySection,
    ...exportSection,
    ...codeSection,
    ...dataSection,
  ]);
}
