/**
 * The float64 reference path: one generated JavaScript loop per (landscape, optimizer)
 * that advances every particle through all its steps.
 *
 * The loop body is assembled from three pieces of emitted code, none of them user text:
 * the landscape's value and gradient (and Hessian, for sharpness) from the whitelisted
 * expression DAG, the optimizer's rule text from its single definition in src-shared/optim,
 * and the shared counter-based noise hash. The GPU.js kernel path assembles the same pieces.
 */
import { emitAssignments, type Landscape } from '../../src-shared/landscape'
import {
  coordName, hparamCodeNames, type OptimizerDef, particleStateInitCode, preludeCode, stateInitCode, updateForCoordinate,
} from '../../src-shared/optim'
import { RANDOM_CODE, reduceSeed } from '../../src-shared/random'

export const COORDS = ['x', 'y'] as const

export interface Float64Job {
  readonly landscape: Landscape
  readonly optimizer: OptimizerDef
  /** Hyperparameter code values, `hparamCodeNames(def).length` per particle, particle-major. */
  readonly hparams: Float64Array
  readonly x0: Float64Array
  readonly y0: Float64Array
  readonly steps: number
  readonly every: number
  readonly sharpness: boolean
  readonly noise: { readonly std: number; readonly seed: number }
  /** Index of each particle's noise stream (defaults to its position in x0). */
  readonly noiseStream?: Int32Array
}

export interface Float64Result {
  /** Kept points per particle: floor(steps / every) + 1. */
  readonly kept: number
  /** Particle-major: particle i's k-th kept point is at i * kept + k. NaN after divergence. */
  readonly x: Float64Array
  readonly y: Float64Array
  readonly loss: Float64Array
  readonly sharpness: Float64Array | null
  /** First step whose point or loss is not finite, or -1. */
  readonly divergedAt: Int32Array
  /** Extra per-coordinate state the optimizer reports (ASGD's average), as x/y arrays. */
  readonly extra: Readonly<Record<string, { x: Float64Array; y: Float64Array }>>
}

type Kernel = (
  n: number, steps: number, every: number, kept: number, x0: Float64Array, y0: Float64Array, H: Float64Array,
  noiseStd: number, noiseSeed: number, noiseStream: Int32Array | null,
  outX: Float64Array, outY: Float64Array, outL: Float64Array, outS: Float64Array | null, divergedAt: Int32Array,
  extra: Float64Array[],
) => void

const cache = new Map<string, Kernel>()

/** Source of the generated loop (exported for inspection and tests). */
export function float64KernelSource(landscape: Landscape, def: OptimizerDef, withSharpness: boolean): string {
  const d = landscape.derivatives
  const vars = { x: 'p_x', y: 'p_y' }
  const valueGrad = emitAssignments([['loss', d.value], ['g_x', d.gradient[0]], ['g_y', d.gradient[1]]], { vars, tempPrefix: '_v' })
  const hessian = withSharpness
    ? emitAssignments([['h_xx', d.hessian[0]], ['h_xy', d.hessian[1]], ['h_yy', d.hessian[2]]], { vars, tempPrefix: '_h' })
    : ''
  const names = hparamCodeNames(def)
  const extraSlots = Object.values(def.outputs ?? {})
  const record = (idx: string) => [
    `outX[${idx}] = p_x; outY[${idx}] = p_y; outL[${idx}] = loss;`,
    withSharpness
      ? `{ let h_xx = 0, h_xy = 0, h_yy = 0;\n${hessian}\nconst hm = 0.5 * (h_xx + h_yy), hd = 0.5 * (h_xx - h_yy);\noutS[${idx}] = hm + Math.sqrt(hd * hd + h_xy * h_xy); }`
      : '',
    ...extraSlots.flatMap((slot, j) => COORDS.map((c, ci) => `extra[${2 * j + ci}][${idx}] = ${coordName(slot, c)};`)),
  ].join('\n')
  const fill = [
    'outX[at] = NaN; outY[at] = NaN; outL[at] = NaN;',
    withSharpness ? 'outS[at] = NaN;' : '',
    ...extraSlots.flatMap((_, j) => COORDS.map((_c, ci) => `extra[${2 * j + ci}][at] = NaN;`)),
  ].join('\n')

  return `"use strict";
${RANDOM_CODE}
const NH = ${names.length};
for (let i = 0; i < n; i++) {
  const hb = i * NH;
  ${names.map((name, j) => `const ${name} = H[hb + ${j}];`).join('\n  ')}
  let p_x = x0[i], p_y = y0[i];
  let g_x = 0, g_y = 0, loss = 0;
  ${COORDS.map((c) => stateInitCode(def, c)).join('\n  ')}
  ${particleStateInitCode(def)}
  const stream = noiseStream === null ? i : noiseStream[i];
  const base = i * kept;
  ${valueGrad}
  ${record('base')}
  let k = 1;
  let dead = !(Number.isFinite(p_x) && Number.isFinite(p_y) && Number.isFinite(loss));
  divergedAt[i] = dead ? 0 : -1;
  for (let t = 1; t <= steps && !dead; t++) {
    if (noiseStd > 0) {
      g_x = g_x + noiseStd * gsNormal(noiseSeed, stream, t, 0);
      g_y = g_y + noiseStd * gsNormal(noiseSeed, stream, t, 1);
    }
    ${preludeCode(def)}
    ${COORDS.map((c) => updateForCoordinate(def, c)).join('\n')}
    ${valueGrad}
    if (!(Number.isFinite(p_x) && Number.isFinite(p_y) && Number.isFinite(loss))) { divergedAt[i] = t; dead = true; }
    if (t % every === 0) {
      const at = base + k;
      ${record('at')}
      k++;
    }
  }
  for (; k < kept; k++) {
    const at = base + k;
    ${fill}
  }
}`
}

function kernelFor(landscape: Landscape, def: OptimizerDef, withSharpness: boolean): Kernel {
  const key = `${def.name}|${withSharpness ? 1 : 0}|${landscape.expr}`
  let kernel = cache.get(key)
  if (!kernel) {
    const source = float64KernelSource(landscape, def, withSharpness)
    kernel = new Function(
      'n', 'steps', 'every', 'kept', 'x0', 'y0', 'H', 'noiseStd', 'noiseSeed', 'noiseStream',
      'outX', 'outY', 'outL', 'outS', 'divergedAt', 'extra', source,
    ) as Kernel
    if (cache.size > 64) cache.clear()
    cache.set(key, kernel)
  }
  return kernel
}

/** Run every particle of `job` to completion in float64. */
export function runFloat64(job: Float64Job): Float64Result {
  const n = job.x0.length
  const kept = Math.floor(job.steps / job.every) + 1
  const size = n * kept
  const x = new Float64Array(size)
  const y = new Float64Array(size)
  const loss = new Float64Array(size)
  const sharpness = job.sharpness ? new Float64Array(size) : null
  const divergedAt = new Int32Array(n)
  const extraNames = Object.keys(job.optimizer.outputs ?? {})
  const extraArrays = extraNames.flatMap(() => [new Float64Array(size), new Float64Array(size)])
  const kernel = kernelFor(job.landscape, job.optimizer, job.sharpness)
  const seed = reduceSeed(job.noise.seed)
  kernel(n, job.steps, job.every, kept, job.x0, job.y0, job.hparams, job.noise.std, seed, job.noiseStream ?? null,
    x, y, loss, sharpness, divergedAt, extraArrays)
  const extra: Record<string, { x: Float64Array; y: Float64Array }> = {}
  extraNames.forEach((name, j) => { extra[name] = { x: extraArrays[2 * j], y: extraArrays[2 * j + 1] } })
  return { kept, x, y, loss, sharpness, divergedAt, extra }
}
