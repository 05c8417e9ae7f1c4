/**
 * The counter-based hash of random.ts as plain TypeScript, for code that may not evaluate
 * generated text: the renderer's Content-Security-Policy forbids eval, and random.ts builds its
 * functions from RANDOM_CODE with `new Function` when it is imported. Every line below is the
 * statement of RANDOM_CODE it mirrors, operation for operation (gsMod reaches the same integer
 * by a multiplication: see there), so the float64 values are the same to the last bit; tests/shared/random-plain.test.ts checks that against random.ts's
 * `normal` and `uniform` over many arguments, so the two cannot drift unnoticed.
 */

const M = 4093
const INV_M = 1 / M

/**
 * RANDOM_CODE's gsMod: the same integer, by a multiplication where it divides (a division is a
 * long dependent chain here; a start cloud of 10⁶ runs makes 3·10⁷ of them). Every h is an integer
 * below 2⁵³, so h·(1/M) is within 2⁻⁵² of h/M in relative terms: its floor is the quotient or one
 * off, only at exact multiples of M, and the two corrections (which gsMod has too) land on the
 * one remainder in [0, M).
 */
function gsMod(h: number): number {
  let r = h - M * Math.floor(h * INV_M)
  if (r < 0) r = r + M
  if (r >= M) r = r - M
  return r
}

function gsLane(seed: number, a: number, b: number, c: number, salt: number, mult: number): number {
  let h = salt
  h = gsMod(h * mult + gsMod(seed) + 1)
  h = gsMod(h * mult + Math.floor(seed / M) + 2)
  h = gsMod(h * mult + gsMod(a) + 3)
  h = gsMod(h * mult + Math.floor(a / M) + 4)
  h = gsMod(h * mult + gsMod(b) + 5)
  h = gsMod(h * mult + Math.floor(b / M) + 6)
  h = gsMod(h * mult + gsMod(c) + 7)
  h = gsMod(h * mult + Math.floor(c / M) + 8)
  return h
}

function gsUniform(seed: number, a: number, b: number, c: number): number {
  let l0 = gsLane(seed, a, b, c, 17, 3001)
  let l1 = gsLane(seed, a, b, c, 1031, 2749)
  let l2 = gsLane(seed, a, b, c, 2999, 1999)
  for (let r = 0; r < 4; r++) {
    l0 = gsMod(l0 * l0 + l1 + 11)
    l1 = gsMod(l1 * l1 + l2 + 13)
    l2 = gsMod(l2 * l2 + l0 + 17)
  }
  return (l0 + (l1 + (l2 + 0.5) / M) / M) / M
}

function gsNormal(seed: number, a: number, b: number, c: number): number {
  const u1 = gsUniform(seed, a, b, c * 2)
  const u2 = gsUniform(seed, a, b, c * 2 + 1)
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(6.283185307179586 * u2)
}

const SALTS = [17, 1031, 2999] as const
const MULTS = [3001, 2749, 1999] as const
/** Each lane's state after absorbing the seed (gsLane's first two lines), for the latest seed. */
let seedLanes = { seed: NaN, lanes: [0, 0, 0] }

/** gsLane's lines 3–6 from the state after the seed: a and b absorbed (their digits given). */
function absorbAB(h: number, mult: number, aLow: number, aHigh: number, bLow: number, bHigh: number): number {
  h = gsMod(h * mult + aLow + 3)
  h = gsMod(h * mult + aHigh + 4)
  h = gsMod(h * mult + bLow + 5)
  return gsMod(h * mult + bHigh + 6)
}

/**
 * gsUniform(seed, a, b, c) and gsUniform(seed, a, b, c + 1) into out[0], out[1] (seed already
 * reduced): the same operations on the same values as two gsUniform calls, but the lanes'
 * absorption of seed, a and b, which the two share, done once (half the work of a start cloud,
 * whose x and y differ only in c).
 */
function gsUniformPair(seed: number, a: number, b: number, c: number, out: Float64Array): void {
  if (seedLanes.seed !== seed)
    seedLanes = {
      seed,
      lanes: SALTS.map((salt, l) => gsMod(gsMod(salt * MULTS[l] + gsMod(seed) + 1) * MULTS[l] + Math.floor(seed / M) + 2)),
    }
  const aLow = gsMod(a)
  const aHigh = Math.floor(a / M)
  const bLow = gsMod(b)
  const bHigh = Math.floor(b / M)
  // The two draws' chains written side by side, so the processor overlaps them (each chain is a
  // run of dependent divisions).
  const [s0, s1, s2] = seedLanes.lanes
  const cLow0 = gsMod(c)
  const cHigh0 = Math.floor(c / M)
  const cLow1 = gsMod(c + 1)
  const cHigh1 = Math.floor((c + 1) / M)
  const h0 = absorbAB(s0, MULTS[0], aLow, aHigh, bLow, bHigh)
  const h1 = absorbAB(s1, MULTS[1], aLow, aHigh, bLow, bHigh)
  const h2 = absorbAB(s2, MULTS[2], aLow, aHigh, bLow, bHigh)
  let a0 = gsMod(gsMod(h0 * MULTS[0] + cLow0 + 7) * MULTS[0] + cHigh0 + 8)
  let b0 = gsMod(gsMod(h0 * MULTS[0] + cLow1 + 7) * MULTS[0] + cHigh1 + 8)
  let a1 = gsMod(gsMod(h1 * MULTS[1] + cLow0 + 7) * MULTS[1] + cHigh0 + 8)
  let b1 = gsMod(gsMod(h1 * MULTS[1] + cLow1 + 7) * MULTS[1] + cHigh1 + 8)
  let a2 = gsMod(gsMod(h2 * MULTS[2] + cLow0 + 7) * MULTS[2] + cHigh0 + 8)
  let b2 = gsMod(gsMod(h2 * MULTS[2] + cLow1 + 7) * MULTS[2] + cHigh1 + 8)
  for (let r = 0; r < 4; r++) {
    a0 = gsMod(a0 * a0 + a1 + 11)
    b0 = gsMod(b0 * b0 + b1 + 11)
    a1 = gsMod(a1 * a1 + a2 + 13)
    b1 = gsMod(b1 * b1 + b2 + 13)
    a2 = gsMod(a2 * a2 + a0 + 17)
    b2 = gsMod(b2 * b2 + b0 + 17)
  }
  out[0] = (a0 + (a1 + (a2 + 0.5) / M) / M) / M
  out[1] = (b0 + (b1 + (b2 + 0.5) / M) / M) / M
}

/** Seeds are reduced into the hash's exact range (any integer seed is accepted). */
export function reduceSeed(seed: number): number {
  const m = 2 ** 24
  return ((Math.trunc(seed) % m) + m) % m
}

/** Uniform in (0, 1) from integers (seed, a, b, c): random.ts `uniform` without eval. */
export const plainUniform = (seed: number, a: number, b: number, c: number) => gsUniform(reduceSeed(seed), a, b, c)

/** Standard normal from integers (seed, a, b, c): random.ts `normal` without eval. */
export const plainNormal = (seed: number, a: number, b: number, c: number) => gsNormal(reduceSeed(seed), a, b, c)

/**
 * Uniforms (seed, a, b, c) and (seed, a, b, c + 1) into out[0] and out[1]: the two plainUniform
 * calls, bit for bit, for about half their cost (tests/shared/random-plain.test.ts).
 */
export const plainUniformPair = (seed: number, a: number, b: number, c: number, out: Float64Array) =>
  gsUniformPair(reduceSeed(seed), a, b, c, out)
