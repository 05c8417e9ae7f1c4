/**
 * GPU.js kernel source that records a block of kept points in one launch. A GPU.js thread hands
 * back four floats and threads cannot share state, so the output gets a step dimension: rows of
 * `cells` threads (one particle each), 1-D as the other kernels (thread x = row · cells + particle).
 *  - Row r < K simulates from the launch's first step to kept point r (`recFirst + r · recEvery`)
 *    and returns that point: [x, y, loss, death step].
 *  - Rows K … K + T − 1 simulate to the last kept point and return the particle's state there,
 *    four floats per row (as the state kernel's floats, kernel-source.ts particleFloats), so the
 *    next launch continues from it.
 * Row r repeats the steps of the rows before it: the launch costs about K/2 times the steps of one
 * row, which a GPU that would otherwise idle on a launch per kept point absorbs; CPU backends do
 * not (float32/gpujs.ts preferredPoints keeps them at one launch per kept point).
 *
 * The points equal, bit for bit, those of one launch per kept point: at every kept point a row
 * passes, the running powers restart from base^t computed by the host (arguments `PR_pwK` per
 * particle, `PRU_pwK` shared, one entry per kept point), as a new launch would start them; where
 * the kernel computes in doubles (GPU.js's cpu backend) the state is also rounded to float32 there
 * (Math.fround), as a launch's Float32Array output rounds it, after the same range check.
 */
import type { Landscape } from '../../src-shared/landscape'
import type { OptimizerDef } from '../../src-shared/optim'
import type { EstimatorKind } from '../../src-shared/estimator'
import { renameInCode } from '../../src-shared/optim/rule/rename-code'
import { kernelParts, type KernelSpecialisation, outOfFloat32, particleFloats } from './kernel-source'

const FLT_MAX = '3.4028234e38'

export interface RecordingSource {
  readonly source: string
  /** Argument names in order: the state kernel's arrays and tables, the restarts (PR_, PRU_), its scalars but nSteps, then recFirst, recEvery. */
  readonly args: readonly string[]
  /** Kept points per launch (rows of points). */
  readonly rows: number
  /** Rows that hand back the state (four floats of it each). */
  readonly stateRows: number
  /** Threads per row: the job's padded particles. */
  readonly cells: number
  readonly hparamNames: readonly string[]
  /** As KernelSource: bases of the running powers, which are per particle (arrays) or shared (scalars). */
  readonly powerBases: readonly string[]
  readonly varyingPowers: readonly number[]
  readonly uniformPowers: readonly number[]
  /** Per state slot (Float64State order), its float's index among the particle's state floats, or −1 when not handed back. */
  readonly slotOffsets: readonly number[]
}

/** Scalars the recording kernel takes after the state kernel's (which lose `nSteps`: each row has its own). */
export const RECORDING_SCALARS = ['recFirst', 'recEvery'] as const

/**
 * The recording kernel for `rows` kept points of `cells` (padded) particles; `inDoubles`: the
 * backend computes in doubles (GPU.js's cpu backend).
 */
export function recordingSource(
  landscape: Landscape,
  def: OptimizerDef,
  cells: number,
  rows: number,
  uniform: ReadonlySet<string> = new Set(),
  unused: ReadonlySet<string> = new Set(),
  inDoubles = false,
  schedule?: KernelSpecialisation['schedule'],
  estimator: EstimatorKind | null = null,
): RecordingSource {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`a recording kernel needs a whole number of rows ≥ 1, not ${rows}`)
  const parts = kernelParts(landscape, def, uniform, inDoubles, { schedule, estimator })
  const floats = particleFloats(def, 'state', unused)
  const stateRows = Math.ceil(floats.length / 4)
  while (floats.length < 4 * stateRows) floats.push('0.0')
  const K = `${rows}.0`
  const C = `${cells}.0`
  const power = (j: number) => `_pw${j}`
  const restarts = [
    ...parts.varyingPowers.map((j) => `${power(j)} = PR_pw${j}[_j * ${C} + i];`),
    ...parts.uniformPowers.map((j) => `${power(j)} = PRU_pw${j}[_j];`),
  ]
  // In doubles: the range check a launch's end makes (deadAt = that step), then the rounding of
  // its float32 output. The check's loss temporaries get their own names (the final loss reuses them).
  const midLoss = renameInCode(parts.pointLoss, (w) => (w === 'lossAt' || w.startsWith('_r') ? `${w}_b` : w))
  const rounding = inDoubles
    ? `if (deadAt < 0.0) {
        let lossAt_b = 0.0;
        ${midLoss}
        if (${outOfFloat32(true, 'p_x', 'p_y', 'lossAt_b')}) {
          deadAt = t;
        }
      }
      ${['p_x', 'p_y', ...parts.stateNames].map((v) => `${v} = Math.fround(${v});`).join('\n      ')}`
    : ''
  const stateReturns = Array.from({ length: stateRows }, (_, j) => {
    const values = `return [${floats.slice(4 * j, 4 * j + 4).join(', ')}];`
    return j === stateRows - 1 ? values : `if (_row < ${rows + j}.5) {\n    ${values}\n  }`
  }).join('\n  ')
  const source = `function (${[...parts.arrays, ...parts.tables, ...restartArgs(parts), ...scalarsOf(parts)].join(', ')}) {
  // Math.floor is an Integer to GPU.js's type inference; the row is a float like every other value here.
  let _row = Math.floor(this.thread.x / ${C}) * 1.0;
  let i = this.thread.x - ${C} * _row;
  // A float32 quotient can round across a row's end when rows are long: the remainder says so.
  if (i < 0.0) {
    _row = _row - 1.0;
    i = i + ${C};
  }
  if (i > ${C} - 0.5) {
    _row = _row + 1.0;
    i = i - ${C};
  }
  ${parts.shared}
  ${parts.setup}
  let nSteps = recFirst + Math.min(_row, ${K} - 1.0) * recEvery - tFrom;
  let _stop = tFrom + nSteps;
  let _next = recFirst;
  let _j = 0.0;
  if (recFirst == tFrom) {
    _next = recFirst + recEvery;
    _j = 1.0;
  }
  for (let s = 1; s <= nSteps; s++) {
    ${parts.stepShared}
    ${parts.step}
    if (t == _next && t < _stop) {
      ${rounding}
      ${restarts.join('\n      ')}
      _next = _next + recEvery;
      _j = _j + 1.0;
    }
  }
  ${parts.finalCheck}
  ${inDoubles ? 'p_x = Math.fround(p_x);\n  p_y = Math.fround(p_y);' : ''}
  let lossAt = 0.0;
  ${parts.pointLoss}
  if (_row < ${K} - 0.5) {
    return [p_x, p_y, lossAt, deadAt];
  }
  // As the state kernel's: a dead particle hands back a non-finite x and, as y, its death step.
  if (deadAt >= 0.0) {
    p_x = (Math.abs(p_x) + 1.0) * ${FLT_MAX} * ${FLT_MAX};
    p_y = deadAt;
  }
  ${stateReturns}
}`
  return {
    source,
    args: [...parts.arrays, ...parts.tables, ...restartArgs(parts), ...scalarsOf(parts)],
    rows,
    stateRows,
    cells,
    hparamNames: parts.names,
    powerBases: parts.powerBases,
    varyingPowers: parts.varyingPowers,
    uniformPowers: parts.uniformPowers,
    slotOffsets: parts.stateNames.map((s) => floats.indexOf(s)),
  }
}

type Parts = ReturnType<typeof kernelParts>

/** Running powers at each kept point: per particle (`PR_pwK`, point-major) and shared (`PRU_pwK`, one per point). */
const restartArgs = (parts: Parts) => [...parts.varyingPowers.map((j) => `PR_pw${j}`), ...parts.uniformPowers.map((j) => `PRU_pw${j}`)]

const scalarsOf = (parts: Parts) => [...parts.scalars.filter((a) => a !== 'nSteps'), ...RECORDING_SCALARS]
