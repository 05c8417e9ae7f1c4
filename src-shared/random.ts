/**
 * Counter-based random numbers that give the same values in float64 and float32.
 *
 * Gradient noise must be reproducible from the seed alone, per (particle, step, coordinate),
 * on every backend. So the generator is a pure hash of those integers, and every
 * intermediate is an integer below 2²⁴: exactly representable in float32, so a GPU.js
 * kernel computes bit-identical lanes. Three lanes mod the prime 4093 are absorbed digit by
 * digit and mixed by squaring (non-linear), then combined into a 36-bit uniform.
 *
 * The hash is written once as code text (`RANDOM_CODE`, in the JavaScript subset GPU.js
 * compiles) and evaluated here through the same text, so the paths cannot drift.
 */

import { reduceSeed } from './random-plain'

export const RANDOM_MODULUS = 4093

/**
 * Function declarations: `gsMod(h)`, `gsUniform(seed, a, b, c)` in (0, 1) and
 * `gsNormal(seed, a, b, c)` ~ N(0, 1). Integer arguments must be in [0, 2²⁴).
 */
export const RANDOM_CODE = `
function gsMod(h) {
  let r = h - 4093 * Math.floor(h / 4093);
  if (r < 0) { r = r + 4093; }
  if (r >= 4093) { r = r - 4093; }
  return r;
}
function gsLane(seed, a, b, c, salt, mult) {
  let h = salt;
  h = gsMod(h * mult + gsMod(seed) + 1);
  h = gsMod(h * mult + Math.floor(seed / 4093) + 2);
  h = gsMod(h * mult + gsMod(a) + 3);
  h = gsMod(h * mult + Math.floor(a / 4093) + 4);
  h = gsMod(h * mult + gsMod(b) + 5);
  h = gsMod(h * mult + Math.floor(b / 4093) + 6);
  h = gsMod(h * mult + gsMod(c) + 7);
  h = gsMod(h * mult + Math.floor(c / 4093) + 8);
  return h;
}
function gsUniform(seed, a, b, c) {
  let l0 = gsLane(seed, a, b, c, 17, 3001);
  let l1 = gsLane(seed, a, b, c, 1031, 2749);
  let l2 = gsLane(seed, a, b, c, 2999, 1999);
  for (let r = 0; r < 4; r++) {
    l0 = gsMod(l0 * l0 + l1 + 11);
    l1 = gsMod(l1 * l1 + l2 + 13);
    l2 = gsMod(l2 * l2 + l0 + 17);
  }
  return (l0 + (l1 + (l2 + 0.5) / 4093) / 4093) / 4093;
}
function gsNormal(seed, a, b, c) {
  let u1 = gsUniform(seed, a, b, c * 2);
  let u2 = gsUniform(seed, a, b, c * 2 + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(6.283185307179586 * u2);
}
`

interface RandomFunctions {
  gsUniform(seed: number, a: number, b: number, c: number): number
  gsNormal(seed: number, a: number, b: number, c: number): number
}

// Built from our own constant text (never user input).
const fns = new Function(`"use strict";\n${RANDOM_CODE}\nreturn { gsUniform, gsNormal };`)() as RandomFunctions

/** Largest integer argument the hash accepts exactly. */
export const RANDOM_MAX_ARG = 2 ** 24 - 1

// One definition shared with the eval-free mirror (random-plain.ts).
export { reduceSeed }

/** Uniform in (0, 1) from integers (seed, a, b, c). */
export const uniform = (seed: number, a: number, b: number, c: number) => fns.gsUniform(reduceSeed(seed), a, b, c)

/** Standard normal from integers (seed, a, b, c). */
export const normal = (seed: number, a: number, b: number, c: number) => fns.gsNormal(reduceSeed(seed), a, b, c)
