/**
 * The counter-based hash of random.ts as plain TypeScript, for code that may not evaluate
 * generated text: the renderer's Content-Security-Policy forbids eval, and random.ts builds its
 * functions from RANDOM_CODE with `new Function` when it is imported. Every line below is the
 * statement of RANDOM_CODE it mirrors, operation for operation, so the float64 values are the
 * same to the last bit; tests/shared/random-plain.test.ts checks that against random.ts's
 * `normal` and `uniform` over many arguments, so the two cannot drift unnoticed.
 */

const M = 4093

function gsMod(h: number): number {
  let r = h - M * Math.floor(h / M)
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

/** Seeds are reduced into the hash's exact range (any integer seed is accepted). */
export function reduceSeed(seed: number): number {
  const m = 2 ** 24
  return ((Math.trunc(seed) % m) + m) % m
}

/** Uniform in (0, 1) from integers (seed, a, b, c): random.ts `uniform` without eval. */
export const plainUniform = (seed: number, a: number, b: number, c: number) => gsUniform(reduceSeed(seed), a, b, c)

/** Standard normal from integers (seed, a, b, c): random.ts `normal` without eval. */
export const plainNormal = (seed: number, a: number, b: number, c: number) => gsNormal(reduceSeed(seed), a, b, c)
