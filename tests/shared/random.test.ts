/** @vitest-environment node */
/**
 * The counter-based generator: determinism, range, rough normality, independence across
 * steps, and the property that lets GPU kernels reproduce the noise — every intermediate of
 * the hash is an integer below 2²⁴, so evaluating it in float32 (Math.fround after every
 * operation) gives bit-identical lanes.
 */
import { describe, expect, it } from 'vitest'
import { normal, RANDOM_MAX_ARG, RANDOM_MODULUS, reduceSeed, uniform } from '../../src-shared/random'

type Round = (v: number) => number
const F64: Round = (v) => v
const F32: Round = Math.fround

/**
 * An independent transcription of the hash in RANDOM_CODE, parameterised by the rounding
 * applied after every arithmetic operation. Also tracks the largest intermediate.
 */
function makeHash(R: Round) {
  let largest = 0
  const note = (v: number) => {
    largest = Math.max(largest, Math.abs(v))
    return v
  }
  const add = (a: number, b: number) => note(R(a + b))
  const sub = (a: number, b: number) => note(R(a - b))
  const mul = (a: number, b: number) => note(R(a * b))
  const div = (a: number, b: number) => R(a / b) // quotients are not integers; not tracked
  const floorDiv = (h: number) => note(R(Math.floor(div(h, 4093))))
  const mod = (h: number) => {
    let r = sub(h, mul(4093, floorDiv(h)))
    if (r < 0) r = add(r, 4093)
    if (r >= 4093) r = sub(r, 4093)
    return r
  }
  const lane = (seed: number, a: number, b: number, c: number, salt: number, mult: number) => {
    let h = salt
    const absorb = (v: number, k: number) => mod(add(add(mul(h, mult), v), k))
    h = absorb(mod(seed), 1)
    h = absorb(floorDiv(seed), 2)
    h = absorb(mod(a), 3)
    h = absorb(floorDiv(a), 4)
    h = absorb(mod(b), 5)
    h = absorb(floorDiv(b), 6)
    h = absorb(mod(c), 7)
    h = absorb(floorDiv(c), 8)
    return h
  }
  const lanes = (seed: number, a: number, b: number, c: number): [number, number, number] => {
    let l0 = lane(seed, a, b, c, 17, 3001)
    let l1 = lane(seed, a, b, c, 1031, 2749)
    let l2 = lane(seed, a, b, c, 2999, 1999)
    for (let r = 0; r < 4; r++) {
      l0 = mod(add(add(mul(l0, l0), l1), 11))
      l1 = mod(add(add(mul(l1, l1), l2), 13))
      l2 = mod(add(add(mul(l2, l2), l0), 17))
    }
    return [l0, l1, l2]
  }
  const combine = ([l0, l1, l2]: [number, number, number]) => div(R(l0 + div(R(l1 + div(R(l2 + 0.5), 4093)), 4093)), 4093)
  return {
    lanes,
    uniform: (seed: number, a: number, b: number, c: number) => combine(lanes(seed, a, b, c)),
    largest: () => largest,
  }
}

const h64 = makeHash(F64)
const h32 = makeHash(F32)

/** Arguments that stress the float32 path: around multiples of 4093 and near 2²⁴. */
const EDGE = [
  0,
  1,
  2,
  4092,
  4093,
  4094,
  8185,
  8186,
  4093 * 2048 - 1,
  4093 * 2048,
  4093 * 2049 - 1,
  4093 * 4095 - 1,
  4093 * 4096 - 1,
  4093 * 4096,
  4093 * 4097 - 1,
  4093 * 4098 - 1,
  4093 * 4099 - 1,
  4093 * 4099,
  2 ** 23 - 1,
  2 ** 23,
  2 ** 24 - 2,
  2 ** 24 - 1,
  0xfffff,
]

/** A deterministic spread of argument tuples (a plain LCG, unrelated to the generator). */
function* tuples(count: number): Generator<[number, number, number, number]> {
  let s = 12345
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return s
  }
  for (let i = 0; i < count; i++) {
    const pick = () => (next() % 3 === 0 ? EDGE[next() % EDGE.length] : next() % 2 ** 24)
    yield [pick(), pick(), pick(), pick()]
  }
  for (const e of EDGE) {
    yield [e, 0, 0, 0]
    yield [0, e, 0, 0]
    yield [0, 0, e, 0]
    yield [0, 0, 0, e]
    yield [e, e, e, e]
  }
}

describe('the transcription', () => {
  it('matches uniform() exactly in float64 (so the float32 check below tests the real hash)', () => {
    expect(RANDOM_MODULUS).toBe(4093)
    expect(RANDOM_MAX_ARG).toBe(2 ** 24 - 1)
    for (const [seed, a, b, c] of tuples(3000)) {
      expect(h64.uniform(seed, a, b, c), `${seed},${a},${b},${c}`).toBe(uniform(seed, a, b, c))
    }
  })
})

describe('float32 reproducibility', () => {
  it('every integer intermediate stays below 2^24', () => {
    for (const [seed, a, b, c] of tuples(3000)) h64.uniform(seed, a, b, c)
    expect(h64.largest()).toBeLessThan(2 ** 24)
    expect(h64.largest()).toBeGreaterThan(2 ** 23) // the squaring really uses the range
  })

  it('float32 lanes are bit-identical to float64 lanes', () => {
    let n = 0
    for (const [seed, a, b, c] of tuples(20000)) {
      expect(h32.lanes(seed, a, b, c), `${seed},${a},${b},${c}`).toEqual(h64.lanes(seed, a, b, c))
      n++
    }
    expect(n).toBeGreaterThan(20000)
  })

  it('the float32 uniform differs from the float64 one only by float32 rounding of the final combination', () => {
    for (const [seed, a, b, c] of tuples(20000)) {
      const u64 = uniform(seed, a, b, c)
      const u32 = h32.uniform(seed, a, b, c)
      // five roundings of at most half an ulp each
      expect(Math.abs(u32 - u64), `${seed},${a},${b},${c}`).toBeLessThanOrEqual(5 * 2 ** -24 * u64)
      expect(u32).toBeGreaterThan(0)
      expect(u32).toBeLessThan(1)
    }
  })
})

describe('uniform', () => {
  it('is deterministic', () => {
    for (const [seed, a, b, c] of tuples(500)) {
      expect(uniform(seed, a, b, c)).toBe(uniform(seed, a, b, c))
      expect(normal(seed, a, b, c % 2 ** 22)).toBe(normal(seed, a, b, c % 2 ** 22))
    }
  })

  it('depends on every argument', () => {
    const u = uniform(3, 5, 7, 11)
    expect(uniform(4, 5, 7, 11)).not.toBe(u)
    expect(uniform(3, 6, 7, 11)).not.toBe(u)
    expect(uniform(3, 5, 8, 11)).not.toBe(u)
    expect(uniform(3, 5, 7, 12)).not.toBe(u)
    // also through the high digit (argument / 4093)
    expect(uniform(3 + 4093, 5, 7, 11)).not.toBe(u)
    expect(uniform(3, 5, 7, 11 + 4093)).not.toBe(u)
  })

  it('reduces any integer seed into range', () => {
    expect(reduceSeed(-1)).toBe(2 ** 24 - 1)
    expect(reduceSeed(2 ** 24 + 5)).toBe(5)
    expect(uniform(-1, 1, 2, 3)).toBe(uniform(2 ** 24 - 1, 1, 2, 3))
    expect(uniform(2 ** 24 + 5, 1, 2, 3)).toBe(uniform(5, 1, 2, 3))
    expect(uniform(2 ** 40 + 9, 1, 2, 3)).toBe(uniform(9, 1, 2, 3))
  })

  it('lies strictly in (0, 1) and is close to uniform', () => {
    const bins = new Array<number>(64).fill(0)
    const N = 100_000
    let min = 1
    let max = 0
    for (let i = 0; i < N; i++) {
      const u = uniform(42, i % 1000, Math.floor(i / 1000), 0)
      min = Math.min(min, u)
      max = Math.max(max, u)
      bins[Math.floor(u * 64)]++
    }
    expect(min).toBeGreaterThan(0)
    expect(max).toBeLessThan(1)
    // chi-square with 63 degrees of freedom: mean 63, sd ≈ 11.2
    const e = N / 64
    const chi2 = bins.reduce((s, o) => s + ((o - e) * (o - e)) / e, 0)
    expect(chi2).toBeLessThan(63 + 6 * 11.2)
  })
})

function correlation(a: number[], b: number[]): number {
  const n = a.length
  const ma = a.reduce((s, v) => s + v, 0) / n
  const mb = b.reduce((s, v) => s + v, 0) / n
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb)
    saa += (a[i] - ma) ** 2
    sbb += (b[i] - mb) ** 2
  }
  return sab / Math.sqrt(saa * sbb)
}

describe('normal', () => {
  const N = 100_000
  // As the engine draws gradient noise: normal(seed, particle, step, coordinate).
  const draws = (seed: number, particle: number, coord: number) => Array.from({ length: N }, (_, t) => normal(seed, particle, t + 1, coord))

  it('has roughly N(0, 1) moments over 1e5 samples', () => {
    const z = draws(7, 3, 0)
    const mean = z.reduce((s, v) => s + v, 0) / N
    const m2 = z.reduce((s, v) => s + (v - mean) ** 2, 0) / N
    const m3 = z.reduce((s, v) => s + (v - mean) ** 3, 0) / N
    const m4 = z.reduce((s, v) => s + (v - mean) ** 4, 0) / N
    expect(Math.abs(mean)).toBeLessThan(0.02)
    expect(Math.abs(m2 - 1)).toBeLessThan(0.03)
    expect(Math.abs(m3 / m2 ** 1.5)).toBeLessThan(0.05) // sd of the skewness ≈ 0.008
    expect(Math.abs(m4 / m2 ** 2 - 3)).toBeLessThan(0.1) // sd of the kurtosis ≈ 0.016
    for (const v of z) expect(Number.isFinite(v)).toBe(true)
    // tail mass beyond 2σ ≈ 4.55 %
    const tail = z.filter((v) => Math.abs(v) > 2).length / N
    expect(Math.abs(tail - 0.0455)).toBeLessThan(0.005)
  })

  it('has low lag-1 correlation across steps, and none across coordinates or particles', () => {
    const z = draws(11, 0, 0)
    // sd of a sample correlation ≈ 1/√N ≈ 0.003
    expect(Math.abs(correlation(z.slice(0, -1), z.slice(1)))).toBeLessThan(0.02)
    expect(Math.abs(correlation(z.slice(0, -2), z.slice(2)))).toBeLessThan(0.02)
    expect(Math.abs(correlation(z, draws(11, 0, 1)))).toBeLessThan(0.02)
    expect(Math.abs(correlation(z, draws(11, 1, 0)))).toBeLessThan(0.02)
    expect(Math.abs(correlation(z, draws(12, 0, 0)))).toBeLessThan(0.02)
  })
})
