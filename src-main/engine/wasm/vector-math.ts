/**
 * sin, cos, exp and log on four float32 lanes at once, for the WebAssembly kernel. WebAssembly
 * has no transcendental instructions, and calling the imported double-precision Math functions
 * lane by lane costs ~90 ns per vector (Rastrigin's four trigonometric calls bound it to 4e7
 * particle-steps/s). These are the single-precision Cephes algorithms (S. L. Moshier, as
 * vectorised in J. Pommier's sse_mathfun): range reduction, then a minimax polynomial, accurate
 * to a few float32 ulp (tests/main/wasm-compile.test.ts measures the bound).
 *
 * Each has a domain where the reduction is exact enough; the caller takes the lane-by-lane
 * import path for a vector with any lane outside it (NaN, ±Infinity, |x| > 8192 for sin and cos,
 * exp's overflow and underflow, log of non-positive or subnormal values), so those keep
 * JavaScript's results exactly.
 */
import { type FunctionBody, OP, SIMD, type ValType } from './encoder'

export type VectorMathName = 'sin' | 'cos' | 'exp' | 'log'
export const VECTOR_MATH = new Set<string>(['sin', 'cos', 'exp', 'log'])

export interface Emitter {
  readonly fb: FunctionBody
  readonly temp: (t: ValType) => number
  readonly release: (t: ValType, l: number) => void
  /** A local holding a float32 constant in every lane. */
  readonly constant: (v: number) => number
}

const FLT_MIN_NORMAL = 1.17549435e-38
const FLT_MAX = 3.4028234e38

/** Leaves on the stack an i32 that is 1 when every lane of local `x` is inside the function's fast domain. */
export function emitInDomain(e: Emitter, name: VectorMathName, x: number): void {
  const { fb, constant } = e
  const get = (l: number) => fb.op(OP.localGet, l)
  if (name === 'sin' || name === 'cos') {
    get(x).simd(SIMD.f32x4Abs)
    get(constant(8192)).simd(SIMD.f32x4Le)
  } else if (name === 'exp') {
    get(x)
    get(constant(-87)).simd(SIMD.f32x4Ge)
    get(x)
    get(constant(88)).simd(SIMD.f32x4Le).simd(SIMD.v128And)
  } else {
    get(x)
    get(constant(FLT_MIN_NORMAL)).simd(SIMD.f32x4Ge)
    get(x)
    get(constant(FLT_MAX)).simd(SIMD.f32x4Le).simd(SIMD.v128And)
  }
  fb.simd(SIMD.i32x4AllTrue)
}

/** Leaves f(x) (every lane inside the domain) on the stack. */
export function emitVectorMath(e: Emitter, name: VectorMathName, x: number): void {
  if (name === 'exp') emitExp(e, x)
  else if (name === 'log') emitLog(e, x)
  else emitSinCos(e, name, x)
}

/** Horner's rule: ((c0·v + c1)·v + c2)… on the stack, v in local `v`. */
function horner(e: Emitter, v: number, coefficients: readonly number[]): void {
  const { fb, constant } = e
  fb.op(OP.localGet, constant(coefficients[0]))
  for (const c of coefficients.slice(1)) fb.op(OP.localGet, v).simd(SIMD.f32x4Mul).op(OP.localGet, constant(c)).simd(SIMD.f32x4Add)
}

const FOPI = 1.27323954473516 // 4/π
// π/4 in three parts, so y·DP1 is exact for the octant counts of |x| ≤ 8192.
const DP1 = 0.78515625
const DP2 = 2.4187564849853515625e-4
const DP3 = 3.774894977445941e-8
const SIN_POLY = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1]
const COS_POLY = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2]

function emitSinCos(e: Emitter, name: 'sin' | 'cos', x: number): void {
  const { fb, temp, release, constant } = e
  const get = (l: number) => fb.op(OP.localGet, l)
  const set = (l: number) => fb.op(OP.localSet, l)
  const [ax, j, y, sign, select, z, zz] = [temp('v128'), temp('v128'), temp('v128'), temp('v128'), temp('v128'), temp('v128'), temp('v128')]
  get(x).simd(SIMD.f32x4Abs)
  set(ax)
  // Octant j = (⌊|x|·4/π⌋ + 1) & ~1, and y = j as a float.
  get(ax)
  get(constant(FOPI)).simd(SIMD.f32x4Mul).simd(SIMD.i32x4TruncSatF32x4S)
  fb.i32x4(1).simd(SIMD.i32x4Add).i32x4(~1).simd(SIMD.v128And)
  set(j)
  get(j).simd(SIMD.f32x4ConvertI32x4S)
  set(y)
  if (name === 'sin') {
    // sin is odd: the input's sign, flipped in octants 4–7.
    get(x).i32x4(0x80000000).simd(SIMD.v128And)
    get(j).i32x4(4).simd(SIMD.v128And).i32(29).simd(SIMD.i32x4Shl).simd(SIMD.v128Xor)
    set(sign)
    get(j).i32x4(2).simd(SIMD.v128And).i32x4(0).simd(SIMD.i32x4Eq)
    set(select)
  } else {
    get(j).i32x4(2).simd(SIMD.i32x4Sub)
    set(j)
    fb.i32x4(4)
    get(j).simd(SIMD.v128Andnot).i32(29).simd(SIMD.i32x4Shl)
    set(sign)
    get(j).i32x4(2).simd(SIMD.v128And).i32x4(0).simd(SIMD.i32x4Eq)
    set(select)
  }
  // z = |x| − y·π/4, in three steps.
  get(ax)
  for (const dp of [DP1, DP2, DP3]) {
    get(y)
    get(constant(dp)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub)
  }
  set(z)
  get(z)
  get(z).simd(SIMD.f32x4Mul)
  set(zz)
  // sin polynomial ((s0·zz + s1)·zz + s2)·zz·z + z, where the select mask is set…
  horner(e, zz, SIN_POLY)
  get(zz).simd(SIMD.f32x4Mul)
  get(z).simd(SIMD.f32x4Mul)
  get(z).simd(SIMD.f32x4Add)
  // …else the cos polynomial ((c0·zz + c1)·zz + c2)·zz·zz − zz/2 + 1.
  horner(e, zz, COS_POLY)
  get(zz).simd(SIMD.f32x4Mul)
  get(zz).simd(SIMD.f32x4Mul)
  get(zz)
  get(constant(0.5)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub)
  get(constant(1)).simd(SIMD.f32x4Add)
  get(select).simd(SIMD.v128Bitselect)
  get(sign).simd(SIMD.v128Xor)
  for (const l of [ax, j, y, sign, select, z, zz]) release('v128', l)
}

const LOG2E = 1.4426950408889634
const C1 = 0.693359375
const C2 = -2.1219444e-4
const EXP_POLY = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]

function emitExp(e: Emitter, x: number): void {
  const { fb, temp, release, constant } = e
  const get = (l: number) => fb.op(OP.localGet, l)
  const set = (l: number) => fb.op(OP.localSet, l)
  const [fx, r, z] = [temp('v128'), temp('v128'), temp('v128')]
  // n = ⌊x·log₂e + ½⌋, r = x − n·ln 2 (ln 2 in two parts).
  get(x)
  get(constant(LOG2E)).simd(SIMD.f32x4Mul)
  get(constant(0.5)).simd(SIMD.f32x4Add).simd(SIMD.f32x4Floor)
  set(fx)
  get(x)
  get(fx)
  get(constant(C1)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub)
  get(fx)
  get(constant(C2)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub)
  set(r)
  get(r)
  get(r).simd(SIMD.f32x4Mul)
  set(z)
  // e^r = poly(r)·r² + r + 1, times 2ⁿ built in the exponent bits.
  horner(e, r, EXP_POLY)
  get(z).simd(SIMD.f32x4Mul)
  get(r).simd(SIMD.f32x4Add)
  get(constant(1)).simd(SIMD.f32x4Add)
  get(fx).simd(SIMD.i32x4TruncSatF32x4S).i32x4(127).simd(SIMD.i32x4Add).i32(23).simd(SIMD.i32x4Shl)
  fb.simd(SIMD.f32x4Mul)
  for (const l of [fx, r, z]) release('v128', l)
}

const SQRTHF = 0.7071067811865476
const LOG_POLY = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
  3.3333331174e-1,
]
const Q1 = -2.1219444e-4
const Q2 = 0.693359375

function emitLog(e: Emitter, x: number): void {
  const { fb, temp, release, constant } = e
  const get = (l: number) => fb.op(OP.localGet, l)
  const set = (l: number) => fb.op(OP.localSet, l)
  const [m, ex, small, z] = [temp('v128'), temp('v128'), temp('v128'), temp('v128')]
  // x = m·2^(e) with m in [½, 1): e from the exponent bits, m with the exponent of ½.
  get(x).i32(23).simd(SIMD.i32x4ShrU).i32x4(126).simd(SIMD.i32x4Sub).simd(SIMD.f32x4ConvertI32x4S)
  set(ex)
  get(x).i32x4(0x007fffff).simd(SIMD.v128And).i32x4(0x3f000000).simd(SIMD.v128Or)
  set(m)
  // Below √½, use 2m − 1 and e − 1 instead (keeps the polynomial's argument in [√½ − 1, √2 − 1]).
  get(m)
  get(constant(SQRTHF)).simd(SIMD.f32x4Lt)
  set(small)
  get(ex)
  get(constant(1))
  get(small).simd(SIMD.v128And).simd(SIMD.f32x4Sub)
  set(ex)
  get(m)
  get(constant(1)).simd(SIMD.f32x4Sub)
  get(m)
  get(small).simd(SIMD.v128And).simd(SIMD.f32x4Add)
  set(m)
  get(m)
  get(m).simd(SIMD.f32x4Mul)
  set(z)
  // log(1 + m) ≈ m − z/2 + poly(m)·m·z, plus e·ln 2 in two parts.
  horner(e, m, LOG_POLY)
  get(m).simd(SIMD.f32x4Mul)
  get(z).simd(SIMD.f32x4Mul)
  get(ex)
  get(constant(Q1)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add)
  get(z)
  get(constant(0.5)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub)
  get(m).simd(SIMD.f32x4Add)
  get(ex)
  get(constant(Q2)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add)
  for (const l of [m, ex, small, z]) release('v128', l)
}
