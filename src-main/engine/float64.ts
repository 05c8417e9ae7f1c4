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
import { assertRunsOn, coordName, hparamCodeNames, type OptimizerDef, preconditionerForCoordinate } from '../../src-shared/optim'
import { RANDOM_CODE, reduceSeed } from '../../src-shared/random'
import { ROW_VALUES, type ScheduleTable } from '../../src-shared/schedule'
import { type EstimatorKind, estimatorKind, estimatorScalars, extraGradientSite, type GradientSpec } from '../../src-shared/estimator'
import { float64EstimatorCode } from './estimator-code'
import { stepCode } from './step-code'

export const COORDS = ['x', 'y'] as const

/**
 * A batch of particles to simulate together, whichever path runs them: one optimizer on one
 * landscape, per-particle hyperparameters and start points, the steps and what to keep.
 */
export interface ParticleBatch {
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
  /** A learning-rate schedule's per-step table (src-shared/schedule): lr (and momentum) per step. */
  readonly schedule?: ScheduleTable
  /** Gradient estimator replacing the exact gradient before the rule (absent: exact); draws use the noise streams. */
  readonly gradient?: GradientSpec
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

/**
 * Mutable state of a set of particles between blocks of steps: positions, optimizer state
 * and divergence. A job advances it block by block, so it can stream and be cancelled.
 */
export interface Float64State {
  readonly x: Float64Array
  readonly y: Float64Array
  /** One array per optimizer slot: per-coordinate slots as [slot_x, slot_y], then particle slots. */
  readonly slots: Float64Array[]
  /** First non-finite step per particle, or -1. */
  readonly divergedAt: Int32Array
  /** Steps taken so far. */
  t: number
}

/** Kept-point values: float64, or float32 where they go out as float32 anyway (the app's chunks). */
export type PointValues = Float64Array | Float32Array

/** Where one block writes its kept points: particle i's j-th point at i * count + j. */
export interface BlockOutput {
  /** Kept-point index of the first point in this block's arrays. */
  readonly start: number
  readonly count: number
  readonly x: PointValues
  readonly y: PointValues
  readonly loss: PointValues
  readonly sharpness: PointValues | null
  /** λ₁(P⁻¹H) with the optimizer's preconditioner after each kept step (NaN at step 0). */
  readonly preconditioned: PointValues | null
  /**
   * With sharpness: the unit top Hessian eigenvector per kept point, interleaved (point k at
   * 2k, 2k + 1), its first nonzero component positive (src-shared/eos/eig2.ts `topAxis`).
   */
  readonly axis: PointValues | null
  /** Per reported slot (ASGD's average): x and y arrays, laid out like `x`. */
  readonly extra: Float64Array[]
  /**
   * Positions interleaved instead (x, then y: point k at 2k, 2k + 1), `x` and `y` left untouched:
   * the float32 path writes a chunk's layout directly (job.ts). Only without sharpness.
   */
  readonly xy?: Float32Array
}

/**
 * The top eigenvector (ux, uy) of [[h_xx, h_xy], [h_xy, h_yy]] with top eigenvalue l1, as emitted
 * code: the closed form with the root written to avoid cancellation, sign-fixed (first nonzero component positive).
 * The same computation as `topAxis` in src-shared/eos/eig2.ts.
 */
const TOP_AXIS_CODE = `let ux = 0, uy = 0;
if (h_xy === 0) { if (h_xx >= h_yy) { ux = 1; } else { uy = 1; } }
else {
  const ax = h_xy, ay = l1 - h_xx, bx = l1 - h_yy, by = h_xy;
  if (ax * ax + ay * ay >= bx * bx + by * by) { ux = ax; uy = ay; } else { ux = bx; uy = by; }
  const nn = Math.hypot(ux, uy); ux = ux / nn; uy = uy / nn;
}
if (ux < 0 || (ux === 0 && uy < 0)) { ux = -ux; uy = -uy; }
if (!(Number.isFinite(h_xx) && Number.isFinite(h_xy) && Number.isFinite(h_yy))) { ux = NaN; uy = NaN; }`

type Kernel = (
  n: number,
  tFrom: number,
  tTo: number,
  every: number,
  X: Float64Array,
  Y: Float64Array,
  S: Float64Array[],
  divergedAt: Int32Array,
  H: Float64Array,
  noiseStd: number,
  noiseSeed: number,
  noiseStream: Int32Array | null,
  outStart: number,
  outCount: number,
  outX: PointValues,
  outY: PointValues,
  outL: PointValues,
  outS: PointValues | null,
  outP: PointValues | null,
  outA: PointValues | null,
  extra: Float64Array[],
  sched: Float64Array | null,
  schedRow: Int32Array | null,
  estK: number,
  estMu: number,
  estSeed: number,
) => void

const cache = new Map<string, Kernel>()

/** Names of the state slots in the order of `Float64State.slots`. */
export function slotNames(def: OptimizerDef): string[] {
  return [...Object.keys(def.state).flatMap((slot) => COORDS.map((c) => coordName(slot, c))), ...Object.keys(def.particleState ?? {})]
}

/**
 * A schedule's hook in the loop: the scheduled names become per-step values read from the table
 * (`sched`, row `schedRow[i]`), A·base + B of the particle's own base value (ScheduleTable).
 */
function scheduledValues(schedule: { readonly momentum: string | null; readonly steps: number } | undefined) {
  const names = schedule ? ['lr', ...(schedule.momentum ? [schedule.momentum] : [])] : []
  return {
    names,
    load: (name: string, j: number) =>
      names.includes(name) ? `const ${name}_base = H[hb + ${j}]; let ${name} = ${name}_base;` : `const ${name} = H[hb + ${j}];`,
    step: schedule
      ? `{ const sk = (schedRow[i] * ${schedule.steps} + t - 1) * ${ROW_VALUES};
    ${names.map((n, c) => `${n} = sched[sk + ${2 * c}] * ${n}_base + sched[sk + ${2 * c + 1}];`).join(' ')} }`
      : '',
  }
}

/** Source of the generated block loop (exported for inspection and tests). */
export function float64KernelSource(
  landscape: Landscape,
  def: OptimizerDef,
  withSharpness: boolean,
  schedule?: { readonly momentum: string | null; readonly steps: number },
  estimator: EstimatorKind | null = null,
): string {
  const scheduled = scheduledValues(schedule)
  const d = landscape.derivatives
  const vars = { x: 'p_x', y: 'p_y' }
  const valueGrad = emitAssignments(
    [
      ['loss', d.value],
      ['g_x', d.gradient[0]],
      ['g_y', d.gradient[1]],
    ],
    { vars, tempPrefix: '_v' },
  )
  const hessian = withSharpness
    ? emitAssignments(
        [
          ['h_xx', d.hessian[0]],
          ['h_xy', d.hessian[1]],
          ['h_yy', d.hessian[2]],
        ],
        { vars, tempPrefix: '_h' },
      )
    : ''
  const names = hparamCodeNames(def)
  const slots = slotNames(def)
  const extraSlots = Object.values(def.outputs ?? {})
  const precond = withSharpness ? COORDS.map((c) => preconditionerForCoordinate(def, c)) : [null, null]
  /** Kept point at index `idx`; `inLoop` when the step's prelude locals are in scope. */
  const record = (idx: string, inLoop: boolean) =>
    [
      `outX[${idx}] = p_x; outY[${idx}] = p_y; outL[${idx}] = loss;`,
      withSharpness
        ? `{ let h_xx = 0, h_xy = 0, h_yy = 0;\n${hessian}\nconst hm = 0.5 * (h_xx + h_yy), hd = 0.5 * (h_xx - h_yy);\nconst l1 = hm + Math.sqrt(hd * hd + h_xy * h_xy);\noutS[${idx}] = l1;\n` +
          `if (outA !== null) { ${TOP_AXIS_CODE} outA[2 * (${idx})] = ux; outA[2 * (${idx}) + 1] = uy; }\n` +
          (precond[0] === null
            ? ''
            : inLoop
              ? `const pc_x = ${precond[0]}, pc_y = ${precond[1]};\n` +
                'const q_xx = h_xx / pc_x, q_xy = h_xy / Math.sqrt(pc_x * pc_y), q_yy = h_yy / pc_y;\n' +
                'const qm = 0.5 * (q_xx + q_yy), qd = 0.5 * (q_xx - q_yy);\n' +
                `outP[${idx}] = qm + Math.sqrt(qd * qd + q_xy * q_xy);\n`
              : `outP[${idx}] = NaN;\n`) +
          '}'
        : '',
      ...extraSlots.flatMap((slot, j) => COORDS.map((c, ci) => `extra[${2 * j + ci}][${idx}] = ${coordName(slot, c)};`)),
    ].join('\n')
  const fill = [
    'outX[at] = NaN; outY[at] = NaN; outL[at] = NaN;',
    withSharpness ? 'outS[at] = NaN; if (outA !== null) { outA[2 * at] = NaN; outA[2 * at + 1] = NaN; }' : '',
    withSharpness && precond[0] !== null ? 'outP[at] = NaN;' : '',
    ...extraSlots.flatMap((_, j) => COORDS.map((_c, ci) => `extra[${2 * j + ci}][at] = NaN;`)),
  ].join('\n')

  return `"use strict";
${RANDOM_CODE}
const NH = ${names.length};
for (let i = 0; i < n; i++) {
  const hb = i * NH;
  ${names.map((name, j) => scheduled.load(name, j)).join('\n  ')}
  let p_x = X[i], p_y = Y[i];
  let g_x = 0, g_y = 0, loss = 0;
  ${slots.map((slot, j) => `let ${slot} = S[${j}][i];`).join('\n  ')}
  const stream = noiseStream === null ? i : noiseStream[i];
  const base = i * outCount;
  let dead = divergedAt[i] >= 0;
  ${valueGrad}
  if (tFrom === 0) {
    ${record('base', false)}
    if (!dead && !(Number.isFinite(p_x) && Number.isFinite(p_y) && Number.isFinite(loss))) { divergedAt[i] = 0; dead = true; }
  }
  let t = tFrom + 1;
  for (; t <= tTo && !dead; t++) {
    ${estimator ? float64EstimatorCode(landscape, estimator) : ''}
    if (noiseStd > 0) {
      g_x = g_x + noiseStd * gsNormal(noiseSeed, stream, t, 0);
      g_y = g_y + noiseStd * gsNormal(noiseSeed, stream, t, 1);
    }
    ${scheduled.step}
    ${stepCode(landscape, def, {
      declare: 'const',
      zero: '0',
      noise: (name, k) => `if (noiseStd > 0) { ${name} = ${name} + noiseStd * gsNormal(noiseSeed, stream, t, ${k}); }`,
      // SAM's and FDGR's second gradient is estimated too, with draws of its own.
      ...(estimator && {
        estimator: (names, points, j) => float64EstimatorCode(landscape, estimator, extraGradientSite(j, names, points)),
      }),
    })}
    ${valueGrad}
    if (!(Number.isFinite(p_x) && Number.isFinite(p_y) && Number.isFinite(loss))) { divergedAt[i] = t; dead = true; }
    if (t % every === 0) {
      const at = base + t / every - outStart;
      ${record('at', true)}
    }
  }
  // A particle that died leaves NaN in the rest of the block.
  for (; t <= tTo; t++) {
    if (t % every === 0) {
      const at = base + t / every - outStart;
      ${fill}
    }
  }
  X[i] = p_x; Y[i] = p_y;
  ${slots.map((slot, j) => `S[${j}][i] = ${slot};`).join('\n  ')}
}`
}

function kernelFor(
  landscape: Landscape,
  def: OptimizerDef,
  withSharpness: boolean,
  schedule: ScheduleTable | undefined,
  estimator: EstimatorKind | null,
): Kernel {
  const key = `${def.name}|${withSharpness ? 1 : 0}|${schedule ? `${schedule.steps}:${schedule.momentum}` : '-'}|${estimator}|${landscape.expr}|${landscape.residuals?.exprs.join(';') ?? ''}`
  let kernel = cache.get(key)
  if (!kernel) {
    const source = float64KernelSource(landscape, def, withSharpness, schedule, estimator)
    kernel = new Function(
      'n',
      'tFrom',
      'tTo',
      'every',
      'X',
      'Y',
      'S',
      'divergedAt',
      'H',
      'noiseStd',
      'noiseSeed',
      'noiseStream',
      'outStart',
      'outCount',
      'outX',
      'outY',
      'outL',
      'outS',
      'outP',
      'outA',
      'extra',
      'sched',
      'schedRow',
      'estK',
      'estMu',
      'estSeed',
      source,
    ) as Kernel
    if (cache.size > 64) cache.clear()
    cache.set(key, kernel)
  }
  return kernel
}

/**
 * torch fills an optimizer's state at its first step from the group as it is then: under a
 * schedule, step 1's rate and momentum (Rprop's step sizes and ASGD's eta start at that lr).
 */
function scheduledAtFirstStep(job: ParticleBatch, names: readonly string[]): (row: Float64Array, i: number) => Float64Array | number[] {
  const table = job.schedule
  if (!table) return (row) => row
  const scheduled = ['lr', ...(table.momentum ? [table.momentum] : [])].map((n) => names.indexOf(n))
  return (row, i) => {
    const out = Array.from(row)
    const at = table.row[i] * table.steps * ROW_VALUES
    scheduled.forEach((j, c) => {
      if (j >= 0 && table.steps > 0) out[j] = table.values[at + 2 * c] * row[j] + table.values[at + 2 * c + 1]
    })
    return out
  }
}

/** Fresh state for the particles of `job` at step 0 (slot initialisers evaluated per particle). */
export function initialState(job: ParticleBatch): Float64State {
  const n = job.x0.length
  const names = hparamCodeNames(job.optimizer)
  const slotInits = [
    ...Object.values(job.optimizer.state).flatMap((init) => COORDS.map(() => init)),
    ...Object.values(job.optimizer.particleState ?? {}),
  ]
  // Initialisers are our own rule text (e.g. 'lr', '0', 'initial_accumulator_value').
  const init = new Function(...names, `return [${slotInits.join(', ')}];`) as (...h: number[]) => number[]
  const slots = slotInits.map(() => new Float64Array(n))
  const nh = names.length
  let values: number[] = []
  const firstStep = scheduledAtFirstStep(job, names)
  const h = job.hparams
  const scheduleRow = job.schedule?.row
  for (let i = 0; i < n; i++) {
    // Particles come in runs of equal hyperparameters (and schedule): evaluate the initialisers
    // once per run (a per-particle closure here cost ≈ 0.4 µs a particle).
    let same = i > 0 && (!scheduleRow || scheduleRow[i] === scheduleRow[i - 1])
    for (let j = 0; same && j < nh; j++) same = h[i * nh + j] === h[(i - 1) * nh + j]
    if (!same) values = init(...firstStep(h.subarray(i * nh, (i + 1) * nh), i))
    for (let s = 0; s < slots.length; s++) slots[s][i] = values[s]
  }
  return { x: Float64Array.from(job.x0), y: Float64Array.from(job.y0), slots, divergedAt: new Int32Array(n).fill(-1), t: 0 }
}

/** Output arrays for kept points [start, start + count) of `n` particles (`values`: their type; ASGD's extra outputs stay float64). */
export function blockOutput(
  job: ParticleBatch,
  n: number,
  start: number,
  count: number,
  values: 'float64' | 'float32' = 'float64',
): BlockOutput {
  const size = n * count
  const V = values === 'float32' ? Float32Array : Float64Array
  return {
    start,
    count,
    x: new V(size),
    y: new V(size),
    loss: new V(size),
    sharpness: job.sharpness ? new V(size) : null,
    preconditioned: job.sharpness && job.optimizer.preconditioner ? new V(size).fill(NaN) : null,
    axis: job.sharpness ? new V(2 * size) : null,
    extra: Object.keys(job.optimizer.outputs ?? {}).flatMap(() => [new Float64Array(size), new Float64Array(size)]),
  }
}

/** Kept-point index range written by advancing from step `tFrom` to `tTo`. */
export function keptRange(tFrom: number, tTo: number, every: number): { start: number; count: number } {
  const start = tFrom === 0 ? 0 : Math.floor(tFrom / every) + 1
  const end = Math.floor(tTo / every) // inclusive
  return { start, count: Math.max(0, end - start + 1) }
}

/** Advance `state` to step `tTo`, writing the kept points of that span into `out`. */
export function advanceFloat64(job: ParticleBatch, state: Float64State, tTo: number, out: BlockOutput): void {
  assertRunsOn(job.optimizer, 'float64')
  const kernel = kernelFor(job.landscape, job.optimizer, job.sharpness, job.schedule, estimatorKind(job.gradient))
  kernel(
    job.x0.length,
    state.t,
    tTo,
    job.every,
    state.x,
    state.y,
    state.slots,
    state.divergedAt,
    job.hparams,
    job.noise.std,
    reduceSeed(job.noise.seed),
    job.noiseStream ?? null,
    out.start,
    out.count,
    out.x,
    out.y,
    out.loss,
    out.sharpness,
    out.preconditioned,
    out.axis,
    out.extra,
    job.schedule?.values ?? null,
    job.schedule?.row ?? null,
    ...estimatorScalars(job.gradient),
  )
  state.t = tTo
}

/** Run every particle of `job` to completion in float64. */
export function runFloat64(job: ParticleBatch): Float64Result {
  const n = job.x0.length
  const state = initialState(job)
  const { start, count } = keptRange(0, job.steps, job.every)
  const out = blockOutput(job, n, start, count)
  advanceFloat64(job, state, job.steps, out)
  const extra: Record<string, { x: Float64Array; y: Float64Array }> = {}
  Object.keys(job.optimizer.outputs ?? {}).forEach((name, j) => {
    extra[name] = { x: out.extra[2 * j], y: out.extra[2 * j + 1] }
  })
  // blockOutput's default arrays are float64.
  const f64 = (a: PointValues) => a as Float64Array
  return {
    kept: count,
    x: f64(out.x),
    y: f64(out.y),
    loss: f64(out.loss),
    sharpness: out.sharpness && f64(out.sharpness),
    divergedAt: state.divergedAt,
    extra,
  }
}
