/**
 * Kept points from the recording kernel's rows (point-major: point j of particle i at
 * j · stride + i, one row per column X, Y, L) into a chunk's layout (run-major: particle i's
 * points one after the other, x and y interleaved), inside the kernel's shared memory.
 *
 * Why WebAssembly: the same reshuffle as a JavaScript loop costs ≈ 2–3 ns per float here (typed
 * array element copies); as 4 × 4 SIMD transposes it is memory-bound, and the run-major result
 * then leaves the memory in one native copy per array (float32/job.ts). A streamed job of 10⁴
 * trajectories × 1000 steps moves 3·10⁷ floats this way.
 *
 * The module imports any shared memory (limits 1 … 65536 pages) and exports one function,
 * `interleave(srcX, srcY, srcL, stride, count, dstXY, dstL, width, g0, g1)` (byte offsets and
 * float counts): for the particles of lane groups g0 … g1 − 1 of 4 (4 · g1 ≤ stride), points
 * 0 … count − 1 go to dstXY + 8 · (i · width + j) (x, then y) and dstL + 4 · (i · width + j).
 */
import { encodeModule, FunctionBody, OP, SIMD } from './encoder'

const I32_SHL = 0x74
const I32_GT_U = 0x4b
const F32_STORE = 0x38
const I8X16_SHUFFLE = 0x0d
const PARAMS = new Array<'i32'>(10).fill('i32')

/** i8x16.shuffle's 16 byte indices for a float shuffle: lanes 0–3 of the first operand, 4–7 of the second. */
const floatLanes = (lanes: readonly [number, number, number, number]) => lanes.flatMap((l) => [0, 1, 2, 3].map((b) => 4 * l + b))

function interleaveBody(): FunctionBody {
  const [srcX, srcY, srcL, stride, count, dstXY, dstL, width, g0, groups] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
  const fb = new FunctionBody(PARAMS)
  const g = fb.local('i32')
  const j = fb.local('i32')
  /** Byte offset of point j of the group's first particle within a row column: 4 · (j · stride + 4g). */
  const at = fb.local('i32')
  const rowBytes = fb.local('i32')
  /** Per particle k of the group: its first point's index in the destination (i · width). */
  const dstRun = [0, 1, 2, 3].map(() => fb.local('i32'))
  const rows = [0, 1, 2, 3].map(() => fb.local('v128'))
  const pair = [0, 1, 2, 3].map(() => fb.local('v128'))
  const xs = [0, 1, 2, 3].map(() => fb.local('v128'))
  const ys = [0, 1, 2, 3].map(() => fb.local('v128'))
  const get = (l: number) => fb.op(OP.localGet, l)
  const set = (l: number) => fb.op(OP.localSet, l)
  const shuffle = (a: number, b: number, lanes: readonly [number, number, number, number]) => {
    get(a)
    get(b)
    fb.simd(I8X16_SHUFFLE, ...floatLanes(lanes))
  }
  /**
   * Rows j … j + 3 of the group's 4 particles from column `src` transposed: out[k] holds particle
   * k's points j … j + 3.
   */
  const transpose = (src: number, out: number[]) => {
    for (let k = 0; k < 4; k++) {
      get(src)
      get(at)
      fb.op(OP.i32Add)
      if (k > 0) {
        get(rowBytes)
        fb.i32(k)
        fb.op(OP.i32Mul)
        fb.op(OP.i32Add)
      }
      fb.simd(SIMD.v128Load).memarg(2, 0)
      set(rows[k])
    }
    shuffle(rows[0], rows[1], [0, 4, 1, 5])
    set(pair[0])
    shuffle(rows[2], rows[3], [0, 4, 1, 5])
    set(pair[1])
    shuffle(rows[0], rows[1], [2, 6, 3, 7])
    set(pair[2])
    shuffle(rows[2], rows[3], [2, 6, 3, 7])
    set(pair[3])
    shuffle(pair[0], pair[1], [0, 1, 4, 5])
    set(out[0])
    shuffle(pair[0], pair[1], [2, 3, 6, 7])
    set(out[1])
    shuffle(pair[2], pair[3], [0, 1, 4, 5])
    set(out[2])
    shuffle(pair[2], pair[3], [2, 3, 6, 7])
    set(out[3])
  }
  /** Pushes the destination index i_k · width + j of particle k. */
  const dstIndex = (k: number) => {
    get(dstRun[k])
    get(j)
    fb.op(OP.i32Add)
  }
  const address = (base: number, k: number, shift: number) => {
    get(base)
    dstIndex(k)
    fb.i32(shift)
    fb.op(I32_SHL)
    fb.op(OP.i32Add)
  }

  // rowBytes = 4 · stride
  get(stride)
  fb.i32(2)
  fb.op(I32_SHL)
  set(rowBytes)
  get(g0)
  set(g)
  fb.op(OP.block).blockType()
  fb.op(OP.loop).blockType()
  // while g < groups
  get(g)
  get(groups)
  fb.op(OP.i32GeU)
  fb.op(OP.brIf, 1)
  for (let k = 0; k < 4; k++) {
    get(g)
    fb.i32(2)
    fb.op(I32_SHL)
    if (k > 0) {
      fb.i32(k)
      fb.op(OP.i32Add)
    }
    get(width)
    fb.op(OP.i32Mul)
    set(dstRun[k])
  }
  fb.i32(0)
  set(j)
  // Whole quads of points: 4 × 4 transposes.
  fb.op(OP.block).blockType()
  fb.op(OP.loop).blockType()
  get(j)
  fb.i32(4)
  fb.op(OP.i32Add)
  get(count)
  fb.op(I32_GT_U)
  fb.op(OP.brIf, 1)
  // at = 4 · (j · stride + 4g)
  get(j)
  get(stride)
  fb.op(OP.i32Mul)
  get(g)
  fb.i32(2)
  fb.op(I32_SHL)
  fb.op(OP.i32Add)
  fb.i32(2)
  fb.op(I32_SHL)
  set(at)
  transpose(srcX, xs)
  transpose(srcY, ys)
  for (let k = 0; k < 4; k++) {
    // (x0 y0 x1 y1) and (x2 y2 x3 y3) of particle k.
    address(dstXY, k, 3)
    shuffle(xs[k], ys[k], [0, 4, 1, 5])
    fb.simd(SIMD.v128Store).memarg(2, 0)
    address(dstXY, k, 3)
    shuffle(xs[k], ys[k], [2, 6, 3, 7])
    fb.simd(SIMD.v128Store).memarg(2, 16)
  }
  transpose(srcL, xs)
  for (let k = 0; k < 4; k++) {
    address(dstL, k, 2)
    get(xs[k])
    fb.simd(SIMD.v128Store).memarg(2, 0)
  }
  get(j)
  fb.i32(4)
  fb.op(OP.i32Add)
  set(j)
  fb.op(OP.br, 0)
  fb.op(OP.end)
  fb.op(OP.end)
  // The last count mod 4 points, one float at a time.
  fb.op(OP.block).blockType()
  fb.op(OP.loop).blockType()
  get(j)
  get(count)
  fb.op(OP.i32GeU)
  fb.op(OP.brIf, 1)
  for (let k = 0; k < 4; k++) {
    // source float: 4 · (j · stride + 4g + k)
    const source = (src: number) => {
      get(src)
      get(j)
      get(stride)
      fb.op(OP.i32Mul)
      get(g)
      fb.i32(2)
      fb.op(I32_SHL)
      fb.op(OP.i32Add)
      fb.i32(k)
      fb.op(OP.i32Add)
      fb.i32(2)
      fb.op(I32_SHL)
      fb.op(OP.i32Add)
      fb.op(OP.f32Load).memarg(2, 0)
    }
    address(dstXY, k, 3)
    source(srcX)
    fb.op(F32_STORE).memarg(2, 0)
    address(dstXY, k, 3)
    source(srcY)
    fb.op(F32_STORE).memarg(2, 4)
    address(dstL, k, 2)
    source(srcL)
    fb.op(F32_STORE).memarg(2, 0)
  }
  get(j)
  fb.i32(1)
  fb.op(OP.i32Add)
  set(j)
  fb.op(OP.br, 0)
  fb.op(OP.end)
  fb.op(OP.end)
  get(g)
  fb.i32(1)
  fb.op(OP.i32Add)
  set(g)
  fb.op(OP.br, 0)
  fb.op(OP.end)
  fb.op(OP.end)
  return fb
}

let compiled: WebAssembly.Module | undefined

/** The module, compiled once per process (it fits every memory; the kernel's pool threads instantiate it too). */
export function interleaveModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(
    encodeModule({
      imports: [],
      memoryPages: [1, 65536],
      exportName: 'interleave',
      params: PARAMS,
      body: interleaveBody(),
    }),
  )
  return compiled
}

export type InterleaveRows = (
  srcX: number,
  srcY: number,
  srcL: number,
  stride: number,
  count: number,
  dstXY: number,
  dstL: number,
  width: number,
  g0: number,
  g1: number,
) => void

/** The interleave function bound to `memory` (the instance's only state is the memory). */
export function interleaveRows(memory: WebAssembly.Memory): InterleaveRows {
  return new WebAssembly.Instance(interleaveModule(), { env: { memory } }).exports.interleave as InterleaveRows
}
