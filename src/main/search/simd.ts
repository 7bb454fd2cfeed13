// Dot products of one or four query vectors against every row of a float32 matrix, in a tiny
// hand-assembled WebAssembly SIMD module. Why: plain JS reaches ~0.6 ns per multiply-add, so exact
// search over 100k × 256 took ~15 ms; f32x4 SIMD does four at a time. The module is built from bytes
// here (no toolchain, nothing downloaded) and owns one growable linear memory that holds the matrix.

// ---- a minimal WebAssembly encoder (only what these two functions need) ----
const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  f32Add: 0x92,
  f32Store: 0x38,
  i32Store: 0x36,
};
const simd = (code: number) => [0xfd, ...uleb(code)];
const v128Load = (offset: number) => [...simd(0), 4, ...uleb(offset)];
const v128Zero = () => [...simd(12), ...new Array(16).fill(0)];
const f32x4Add = () => simd(228);
const f32x4Mul = () => simd(230);
const extractLane = (lane: number) => [...simd(31), lane];
const i32x4ExtractLane = (lane: number) => [...simd(27), lane];
const i16x8ExtendLowI8x16 = () => simd(135);
const i16x8ExtendHighI8x16 = () => simd(136);
const i32x4DotI16x8 = () => simd(186);
const i32x4Add = () => simd(174);

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}
function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const get = (i: number) => [op.localGet, i];
const set = (i: number) => [op.localSet, i];
const i32 = (v: number) => [op.i32Const, ...sleb(v)];
const horizontalSum = (acc: number) => [
  ...get(acc), ...extractLane(0), ...get(acc), ...extractLane(1), op.f32Add,
  ...get(acc), ...extractLane(2), op.f32Add, ...get(acc), ...extractLane(3), op.f32Add,
];

/**
 * dots(mat, q, n, dim, out): out[r] = Σ_j mat[r·dim + j] · q[j], for r < n. Pointers are byte offsets,
 * 16-byte aligned; dim is a multiple of 4.
 */
function dotsBody(): number[] {
  // params 0 mat, 1 q, 2 n, 3 dim, 4 out; locals 5 rowEnd, 6 qp, 7 matEnd, 8 acc0 (v128), 9 acc1 (v128)
  const [mat, q, n, dim, out, rowEnd, qp, matEnd, acc0] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  return [
    ...get(mat), ...get(n), ...get(dim), op.i32Mul, ...i32(4), op.i32Mul, op.i32Add, ...set(matEnd),
    op.block, 0x40,
    op.loop, 0x40,
    ...get(mat), ...get(matEnd), op.i32GeU, op.brIf, 1,
    ...v128Zero(), ...set(acc0),
    ...get(mat), ...get(dim), ...i32(4), op.i32Mul, op.i32Add, ...set(rowEnd),
    ...get(q), ...set(qp),
    op.loop, 0x40,
    ...get(acc0),
    ...get(mat), ...v128Load(0), ...get(qp), ...v128Load(0), ...f32x4Mul(), ...f32x4Add(),
    ...set(acc0),
    ...get(mat), ...i32(16), op.i32Add, ...set(mat),
    ...get(qp), ...i32(16), op.i32Add, ...set(qp),
    ...get(mat), ...get(rowEnd), op.i32LtU, op.brIf, 0,
    op.end,
    ...get(out), ...horizontalSum(acc0), op.f32Store, 2, 0,
    ...get(out), ...i32(4), op.i32Add, ...set(out),
    op.br, 0,
    op.end,
    op.end,
    op.end,
  ];
}

/**
 * dots4(mat, q4, n, dim, out): four queries at once (q4 holds them one after another), so each row
 * is read from memory once for four dot products; out[4r + i] = row r · query i. For batch work
 * (k-means assignment, neighbour graphs), where memory traffic, not arithmetic, is the limit.
 */
function dots4Body(): number[] {
  // params 0 mat, 1 q, 2 n, 3 dim, 4 out; locals 5 rowEnd, 6 qp, 7 matEnd, 8 stride(bytes), 9 row (v128), 10..13 acc
  const [mat, q, n, dim, out, rowEnd, qp, matEnd, stride, row] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const acc = [10, 11, 12, 13];
  const body: number[] = [
    ...get(dim), ...i32(4), op.i32Mul, ...set(stride),
    ...get(mat), ...get(n), ...get(stride), op.i32Mul, op.i32Add, ...set(matEnd),
    op.block, 0x40,
    op.loop, 0x40,
    ...get(mat), ...get(matEnd), op.i32GeU, op.brIf, 1,
    ...v128Zero(), ...set(acc[0]!), ...v128Zero(), ...set(acc[1]!),
    ...v128Zero(), ...set(acc[2]!), ...v128Zero(), ...set(acc[3]!),
    ...get(mat), ...get(stride), op.i32Add, ...set(rowEnd),
    ...get(q), ...set(qp),
    op.loop, 0x40,
    ...get(mat), ...v128Load(0), ...set(row),
  ];
  for (let i = 0; i < 4; i++) {
    // acc_i += row * q_i[chunk]; q_i lives at qp + i·stride
    body.push(...get(acc[i]!), ...get(row), ...get(qp));
    for (let s = 0; s < i; s++) body.push(...get(stride), op.i32Add);
    body.push(...v128Load(0), ...f32x4Mul(), ...f32x4Add(), ...set(acc[i]!));
  }
  body.push(
    ...get(mat), ...i32(16), op.i32Add, ...set(mat),
    ...get(qp), ...i32(16), op.i32Add, ...set(qp),
    ...get(mat), ...get(rowEnd), op.i32LtU, op.brIf, 0,
    op.end,
  );
  for (let i = 0; i < 4; i++) {
    body.push(...get(out), ...horizontalSum(acc[i]!), op.f32Store, 2, 4 * i);
  }
  body.push(...get(out), ...i32(16), op.i32Add, ...set(out), op.br, 0, op.end, op.end, op.end);
  return body;
}

/**
 * dotsI8(codes, q, n, rowBytes, out): out[r] = Σ_j codes[r·rowBytes + j] · q[j] in int32, with int8
 * rows and an int16 query; rowBytes is a multiple of 16. A quarter of the float32 memory traffic,
 * for the quantised first pass of large searches.
 */
function dotsI8Body(): number[] {
  // params 0 mat, 1 q, 2 n, 3 rowBytes, 4 out; locals 5 rowEnd, 6 qp, 7 matEnd, 8 acc (v128), 9 v (v128)
  const [mat, q, n, rowBytes, out, rowEnd, qp, matEnd, acc, v] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const laneSum = [
    ...get(acc), ...i32x4ExtractLane(0), ...get(acc), ...i32x4ExtractLane(1), op.i32Add,
    ...get(acc), ...i32x4ExtractLane(2), op.i32Add, ...get(acc), ...i32x4ExtractLane(3), op.i32Add,
  ];
  return [
    ...get(mat), ...get(n), ...get(rowBytes), op.i32Mul, op.i32Add, ...set(matEnd),
    op.block, 0x40,
    op.loop, 0x40,
    ...get(mat), ...get(matEnd), op.i32GeU, op.brIf, 1,
    ...v128Zero(), ...set(acc),
    ...get(mat), ...get(rowBytes), op.i32Add, ...set(rowEnd),
    ...get(q), ...set(qp),
    op.loop, 0x40,
    ...get(mat), ...v128Load(0), ...set(v),
    ...get(acc), ...get(v), ...i16x8ExtendLowI8x16(), ...get(qp), ...v128Load(0), ...i32x4DotI16x8(), ...i32x4Add(), ...set(acc),
    ...get(acc), ...get(v), ...i16x8ExtendHighI8x16(), ...get(qp), ...v128Load(16), ...i32x4DotI16x8(), ...i32x4Add(), ...set(acc),
    ...get(mat), ...i32(16), op.i32Add, ...set(mat),
    ...get(qp), ...i32(32), op.i32Add, ...set(qp),
    ...get(mat), ...get(rowEnd), op.i32LtU, op.brIf, 0,
    op.end,
    ...get(out), ...laneSum, op.i32Store, 2, 0,
    ...get(out), ...i32(4), op.i32Add, ...set(out),
    op.br, 0,
    op.end,
    op.end,
    op.end,
  ];
}

/**
 * windowsI8(plane, side, q, m, out): for every 16×16 window (x, y < m = side − 15) of an int8 plane
 * side bytes wide, three int32 at out[3(y·m + x)]: its dot product with an int16 16×16 query, the
 * sum of its values and the sum of their squares (what a correlation needs). The 16 rows of a window
 * are unrolled; loads need no alignment.
 */
function windowsI8Body(): number[] {
  // params 0 plane, 1 side, 2 q, 3 m, 4 out; locals 5 y, 6 x, 7 p; v128 8 dot, 9 sum, 10 squares, 11 v, 12 lo, 13 hi, 14 ones
  const [plane, side, q, m, out, y, x, p, dot, sum, squares, v, lo, hi, ones] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const laneSum = (acc: number) => [
    ...get(acc), ...i32x4ExtractLane(0), ...get(acc), ...i32x4ExtractLane(1), op.i32Add,
    ...get(acc), ...i32x4ExtractLane(2), op.i32Add, ...get(acc), ...i32x4ExtractLane(3), op.i32Add,
  ];
  const rows: number[] = [];
  for (let i = 0; i < 16; i++) {
    rows.push(
      ...get(p), ...v128Load(0), ...set(v),
      ...get(v), ...i16x8ExtendLowI8x16(), ...set(lo),
      ...get(v), ...i16x8ExtendHighI8x16(), ...set(hi),
      ...get(dot), ...get(lo), ...get(q), ...v128Load(32 * i), ...i32x4DotI16x8(), ...i32x4Add(),
      ...get(hi), ...get(q), ...v128Load(32 * i + 16), ...i32x4DotI16x8(), ...i32x4Add(), ...set(dot),
      ...get(sum), ...get(lo), ...get(ones), ...i32x4DotI16x8(), ...i32x4Add(),
      ...get(hi), ...get(ones), ...i32x4DotI16x8(), ...i32x4Add(), ...set(sum),
      ...get(squares), ...get(lo), ...get(lo), ...i32x4DotI16x8(), ...i32x4Add(),
      ...get(hi), ...get(hi), ...i32x4DotI16x8(), ...i32x4Add(), ...set(squares),
      ...get(p), ...get(side), op.i32Add, ...set(p),
    );
  }
  return [
    ...simd(12), ...Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 1 : 0)), ...set(ones),
    ...i32(0), ...set(y),
    op.block, 0x40,
    op.loop, 0x40,
    ...get(y), ...get(m), op.i32GeU, op.brIf, 1,
    ...i32(0), ...set(x),
    op.block, 0x40,
    op.loop, 0x40,
    ...get(x), ...get(m), op.i32GeU, op.brIf, 1,
    ...v128Zero(), ...set(dot), ...v128Zero(), ...set(sum), ...v128Zero(), ...set(squares),
    ...get(plane), ...get(y), ...get(side), op.i32Mul, op.i32Add, ...get(x), op.i32Add, ...set(p),
    ...rows,
    ...get(out), ...laneSum(dot), op.i32Store, 2, 0,
    ...get(out), ...laneSum(sum), op.i32Store, 2, 4,
    ...get(out), ...laneSum(squares), op.i32Store, 2, 8,
    ...get(out), ...i32(12), op.i32Add, ...set(out),
    ...get(x), ...i32(1), op.i32Add, ...set(x),
    op.br, 0,
    op.end,
    op.end,
    ...get(y), ...i32(1), op.i32Add, ...set(y),
    op.br, 0,
    op.end,
    op.end,
    op.end,
  ];
}

function moduleBytes(): Uint8Array {
  const funcType = [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0];
  const dots = [...vec([[3, I32], [1, V128]]), ...dotsBody()];
  const dots4 = [...vec([[4, I32], [5, V128]]), ...dots4Body()];
  const dotsI8 = [...vec([[3, I32], [2, V128]]), ...dotsI8Body()];
  const windowsI8 = [...vec([[3, I32], [7, V128]]), ...windowsI8Body()];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([funcType])),
    ...section(3, vec([[0], [0], [0], [0]])),
    ...section(5, vec([[0x00, ...uleb(1)]])),
    ...section(7, vec([[...name('mem'), 0x02, 0], [...name('dots'), 0x00, 0], [...name('dots4'), 0x00, 1], [...name('dotsI8'), 0x00, 2], [...name('windowsI8'), 0x00, 3]])),
    ...section(
      10,
      vec([dots, dots4, dotsI8, windowsI8].map((body) => [...uleb(body.length), ...body])),
    ),
  ]);
}

type Kernel = (mat: number, q: number, n: number, dim: number, out: number) => void;

// The project's TypeScript libs (ES2022, no DOM) do not declare WebAssembly; Node has it.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null = null;
interface Exports {
  mem: WasmMemory;
  dots: Kernel;
  dots4: Kernel;
  dotsI8: Kernel;
  windowsI8: Kernel;
}
function instantiate(): Exports {
  compiled ??= new Wasm.Module(moduleBytes());
  return new Wasm.Instance(compiled, {}).exports as Exports;
}
const PAGE = 65536;
const align16 = (n: number) => (n + 15) & ~15;

/** Vectors are padded to a multiple of 4 floats for the f32x4 kernels. */
export function paddedDim(dim: number): number {
  return (dim + 3) & ~3;
}

/**
 * A row-major float32 matrix living in its own wasm instance's memory (freed with the object), with
 * room for four queries and one score per row per query. Rows are padded to `stride` floats.
 */
export class SimdMatrix {
  readonly stride: number;
  private readonly memory: WasmMemory;
  private readonly kDots: Kernel;
  private readonly kDots4: Kernel;
  private readonly queryAt: number;
  private readonly outAt: number;
  private readonly matAt: number;

  constructor(
    readonly rows: number,
    readonly dim: number,
  ) {
    this.stride = paddedDim(dim);
    const e = instantiate();
    this.memory = e.mem;
    this.kDots = e.dots;
    this.kDots4 = e.dots4;
    this.queryAt = 16;
    this.outAt = align16(this.queryAt + 4 * this.stride * 4);
    this.matAt = align16(this.outAt + 4 * Math.max(1, rows) * 4);
    const end = this.matAt + rows * this.stride * 4;
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
  }

  /** The matrix storage (rows × stride); padding columns stay zero. */
  get data(): Float32Array {
    return new Float32Array(this.memory.buffer, this.matAt, this.rows * this.stride);
  }

  setRow(row: number, values: ArrayLike<number>, from = 0): void {
    const data = this.data;
    const at = row * this.stride;
    for (let j = 0; j < this.dim; j++) data[at + j] = values[from + j]!;
  }

  /** Scores of every row against one query (length ≥ dim); the returned view is reused by the next call. */
  scores(query: ArrayLike<number>, from = 0, firstRow = 0, rowCount = this.rows - firstRow): Float32Array {
    const q = new Float32Array(this.memory.buffer, this.queryAt, this.stride);
    for (let j = 0; j < this.dim; j++) q[j] = query[from + j]!;
    this.kDots(this.matAt + firstRow * this.stride * 4, this.queryAt, rowCount, this.stride, this.outAt);
    return new Float32Array(this.memory.buffer, this.outAt, rowCount);
  }

  /**
   * Scores of rows [firstRow, firstRow+rowCount) against four queries at once, laid out
   * out[4r + i]. `queries` holds up to four vectors of `dim` floats starting at `from`; missing ones are zero.
   */
  scores4(queries: ArrayLike<number>, from: number, count: number, firstRow = 0, rowCount = this.rows - firstRow): Float32Array {
    const q = new Float32Array(this.memory.buffer, this.queryAt, 4 * this.stride);
    q.fill(0);
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < this.dim; j++) q[i * this.stride + j] = queries[from + i * this.dim + j]!;
    }
    this.kDots4(this.matAt + firstRow * this.stride * 4, this.queryAt, rowCount, this.stride, this.outAt);
    return new Float32Array(this.memory.buffer, this.outAt, 4 * rowCount);
  }
}

/**
 * Int8 rows in their own wasm instance, with exact int32 dot products against one integer query
 * (values within int16) at a time. Filled through `codes` (rowBytes apart).
 */
export class SimdInt8Rows {
  readonly rowBytes: number;
  private readonly memory: WasmMemory;
  private readonly kernel: Kernel;
  private readonly queryAt: number;
  private readonly outAt: number;
  private readonly codesAt: number;

  constructor(
    readonly rows: number,
    readonly dim: number,
  ) {
    this.rowBytes = (dim + 15) & ~15;
    const e = instantiate();
    this.memory = e.mem;
    this.kernel = e.dotsI8;
    this.queryAt = 16;
    this.outAt = align16(this.queryAt + this.rowBytes * 2);
    this.codesAt = align16(this.outAt + Math.max(1, rows) * 4);
    const end = this.codesAt + rows * this.rowBytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
  }

  /** The rows, rowBytes apart (the padding stays zero). Valid until the next call to `dots`. */
  get codes(): Int8Array {
    return new Int8Array(this.memory.buffer, this.codesAt, this.rows * this.rowBytes);
  }

  /** Rows packed `dim` apart, copied in. */
  static of(packed: Int8Array, dim: number): SimdInt8Rows {
    const rows = new SimdInt8Rows(packed.length / dim, dim);
    const codes = rows.codes;
    for (let r = 0; r < rows.rows; r++) codes.set(packed.subarray(r * dim, (r + 1) * dim), r * rows.rowBytes);
    return rows;
  }

  /**
   * Σ_j row[j]·query[j] for rows [firstRow, firstRow + rowCount), exact. The query's values are
   * integers within int16. The result is a view, overwritten by the next call.
   */
  dots(query: ArrayLike<number>, firstRow = 0, rowCount = this.rows - firstRow): Int32Array {
    const q = new Int16Array(this.memory.buffer, this.queryAt, this.rowBytes);
    for (let j = 0; j < this.dim; j++) q[j] = query[j]!;
    this.kernel(this.codesAt + firstRow * this.rowBytes, this.queryAt, rowCount, this.rowBytes, this.outAt);
    return new Int32Array(this.memory.buffer, this.outAt, rowCount);
  }
}

/**
 * Int8 codes of a matrix's rows (one scale for the whole matrix), scored against an int16 query.
 * Scores are approximate; `errorBound` says by how much at most.
 */
export class SimdCodes {
  readonly scale: number;
  private readonly rows: SimdInt8Rows;

  /** `rows` vectors of `dim` floats, `stride` floats apart, from `data`. */
  constructor(
    rows: number,
    readonly dim: number,
    data: Float32Array,
    stride: number,
  ) {
    let maxAbs = 0;
    for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) maxAbs = Math.max(maxAbs, Math.abs(data[r * stride + j]!));
    this.scale = maxAbs > 0 ? 127 / maxAbs : 1;
    this.rows = new SimdInt8Rows(rows, dim);
    const codes = this.rows.codes;
    const rowBytes = this.rows.rowBytes;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < dim; j++) codes[r * rowBytes + j] = Math.round(data[r * stride + j]! * this.scale);
    }
  }

  /**
   * Approximate scores of rows [firstRow, firstRow+rowCount) as int32 (divide by `divisor`), and a
   * bound on |approximate − exact| that holds for every row whose vector has L2 norm ≤ 1.
   */
  scores(query: ArrayLike<number>, firstRow = 0, rowCount = this.rows.rows - firstRow): { raw: Int32Array; divisor: number; errorBound: number } {
    let maxAbs = 0;
    for (let j = 0; j < this.dim; j++) maxAbs = Math.max(maxAbs, Math.abs(query[j]!));
    const queryScale = maxAbs > 0 ? 32767 / maxAbs : 1;
    const q = new Int16Array(this.dim);
    let queryL1 = 0;
    for (let j = 0; j < this.dim; j++) {
      q[j] = Math.round(query[j]! * queryScale);
      queryL1 += Math.abs(q[j]!);
    }
    const raw = this.rows.dots(q, firstRow, rowCount);
    // x·q = Σ (c+ε)(d+η)/(s·t) with |ε|, |η| ≤ ½, so the error is at most
    // (½Σ|c| + ½Σ|d| + ¼·dim)/(s·t), and Σ|c| ≤ s·‖x‖₁ + ½·dim ≤ s·√dim + ½·dim for unit rows.
    const s = this.scale;
    const t = queryScale;
    const errorBound = (0.5 * (s * Math.sqrt(this.dim) + 0.5 * this.dim) + 0.5 * queryL1 + 0.25 * this.dim) / (s * t);
    return { raw, divisor: s * t, errorBound };
  }
}

/** The side of the square window SimdWindows slides. */
export const WINDOW_SIDE = 16;

/**
 * Dot products of one int16 16×16 query with every 16×16 window of int8 planes, with each window's
 * sum and sum of squares, in their own wasm instance: a few microseconds a plane where plain JS
 * takes hundreds (crops.ts).
 */
export class SimdWindows {
  private readonly memory: WasmMemory;
  private readonly kernel: Kernel;
  private readonly queryAt = 16;
  private readonly planeAt: number;
  private capacity = 0;

  constructor() {
    const e = instantiate();
    this.memory = e.mem;
    this.kernel = e.windowsI8;
    this.planeAt = align16(this.queryAt + WINDOW_SIDE * WINDOW_SIDE * 2);
  }

  /** The query, row by row (values within int16), for the next calls to `windows`. */
  setQuery(query: ArrayLike<number>): void {
    new Int16Array(this.memory.buffer, this.queryAt, WINDOW_SIDE * WINDOW_SIDE).set(query);
  }

  /**
   * For the window at (x, y) of a side×side plane, at [3(y·m + x)] (m = side − 15): the query's dot
   * product with it, the sum of its values and of their squares. A view, overwritten by the next call.
   */
  windows(plane: Int8Array, side: number): Int32Array {
    const m = side - WINDOW_SIDE + 1;
    if (m <= 0) return new Int32Array(0);
    const outAt = align16(this.planeAt + plane.length);
    const end = outAt + 3 * m * m * 4;
    if (end > this.capacity) {
      const have = this.memory.buffer.byteLength;
      if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
      this.capacity = this.memory.buffer.byteLength;
    }
    new Int8Array(this.memory.buffer, this.planeAt, plane.length).set(plane);
    this.kernel(this.planeAt, side, this.queryAt, m, outAt);
    return new Int32Array(this.memory.buffer, outAt, 3 * m * m);
  }
}
