/**
 * The float32 path's kept-point loop: a job's span of steps advanced by one of the backends
 * (launch.ts), its kept points written into the block's float64 output.
 */
import type { BlockOutput, ParticleBatch } from '../float64'
import type { Float32State, Launcher, RecordedPoints } from './launch'

/** Evaluates, in float64 at a float32 position, the loss, the sharpness and the top eigenvector (metrics 0, 1 and 2–3). */
export type PointMetrics = (x: number, y: number, out: Float64Array) => void

/**
 * Advance `state` to `tTo`, writing kept points into `out` (float64 arrays): recorded inside
 * the kernel where the backend can (Launcher.record), else one launch per kept point.
 * `pointMetrics` fills what the kernel does not compute: the loss on the one-launch-per-point
 * path, the sharpness and top eigenvector when `out` has them.
 */
export async function advanceFloat32(
  job: ParticleBatch,
  state: Float32State,
  launcher: Launcher,
  tTo: number,
  out: BlockOutput,
  pointMetrics: PointMetrics,
): Promise<void> {
  if (launcher.record) await recordInKernel(job, state, launcher, tTo, out, pointMetrics)
  else await launchPerPoint(job, state, launcher, tTo, out, pointMetrics)
  // Launches go from kept point to kept point: a block ending between two leaves state.t at the
  // last one (the next launch continues from there). Steps after the last kept point still run
  // when the job ends, so a divergence there is reported as on the float64 path.
  if (tTo >= job.steps && state.t < job.steps) await launcher.advance(job.steps)
  if (state.t >= job.steps) launcher.finish?.()
}

/** Death step d: the point after step d is the first non-finite one (NaN from d on). */
const deadAt = (state: Float32State, i: number, step: number) => state.dead[i] >= 0 && state.dead[i] <= step

/** NaN for kept point `at` of a dead particle. */
function fillDead(out: BlockOutput, at: number): void {
  setPosition(out, at, NaN, NaN)
  out.loss[at] = NaN
  if (out.sharpness) out.sharpness[at] = NaN
  if (out.axis) {
    out.axis[2 * at] = NaN
    out.axis[2 * at + 1] = NaN
  }
}

/** Kept point `at`'s position, into `xy` where the output has it. */
function setPosition(out: BlockOutput, at: number, x: number, y: number): void {
  if (out.xy) {
    out.xy[2 * at] = x
    out.xy[2 * at + 1] = y
  } else {
    out.x[at] = x
    out.y[at] = y
  }
}

async function launchPerPoint(
  job: ParticleBatch,
  state: Float32State,
  launcher: Launcher,
  tTo: number,
  out: BlockOutput,
  pointMetrics: PointMetrics,
): Promise<void> {
  const n = state.n
  const metrics = new Float64Array(4)
  for (let k = out.start; k < out.start + out.count; k++) {
    const target = k * job.every
    if (target > state.t) await launcher.advance(target)
    const j = k - out.start
    for (let i = 0; i < n; i++) {
      const at = i * out.count + j
      // The GPU.js launches also overwrite x with NaN; the 'wasm' kernel leaves what it computed.
      if (deadAt(state, i, k * job.every)) {
        fillDead(out, at)
        continue
      }
      setPosition(out, at, state.x[i], state.y[i])
      pointMetrics(state.x[i], state.y[i], metrics)
      out.loss[at] = metrics[0]
      if (out.sharpness) out.sharpness[at] = metrics[1]
      if (out.axis) {
        out.axis[2 * at] = metrics[2]
        out.axis[2 * at + 1] = metrics[3]
      }
    }
  }
}

/**
 * Kept points recorded by the kernel: each launch runs to the last kept step its rows hold (or
 * the block's last kept step), and its points are copied out (particle-major) while nothing runs.
 */
async function recordInKernel(
  job: ParticleBatch,
  state: Float32State,
  launcher: Launcher,
  tTo: number,
  out: BlockOutput,
  pointMetrics: PointMetrics,
): Promise<void> {
  const every = job.every
  const most = launcher.maxPoints?.() ?? 1
  const end = out.start + out.count
  for (let k = out.start; k < end;) {
    const first = k * every
    const count = Math.min(most, end - k)
    // Run-major points straight from the kernel where they fill an interleaved output (a chunk).
    const runMajor = out.xy !== undefined && k === out.start && count === out.count
    const rec = await launcher.record!(first, first + (count - 1) * every, every, runMajor)
    copyPoints(state, rec, out, k - out.start, every, pointMetrics)
    k += rec.count
  }
}

/**
 * The recorded rows (point-major) into `out` (particle-major), NaN from each particle's death
 * step on; the sharpness and top eigenvector, where `out` has them, from `pointMetrics`.
 */
function copyPoints(
  state: Float32State,
  rec: RecordedPoints,
  out: BlockOutput,
  j0: number,
  every: number,
  pointMetrics: PointMetrics,
): void {
  const n = state.n
  const { count, first } = rec
  /** Points of particle i before its death step (the kernel's); from it on NaN. */
  const aliveOf = (i: number) => {
    const d = state.dead[i]
    return d < 0 ? count : Math.max(0, Math.min(count, Math.ceil((d - first) / every)))
  }
  if (out.xy) {
    if (out.sharpness) throw new Error('interleaved block outputs carry no sharpness')
    copyInterleaved(state, rec, out, out.xy, j0, aliveOf)
    return
  }
  let i = 0
  // Four particles per pass where all four live through the launch: their points sit side by
  // side in each row, and one pass over the rows writes four runs (measured: 1.2 ns per float
  // against 3.4 for one particle per pass).
  for (; i + 4 <= n; i += 4) {
    if (aliveOf(i) === count && aliveOf(i + 1) === count && aliveOf(i + 2) === count && aliveOf(i + 3) === count) copyFour(rec, out, i, j0)
    else for (let k = i; k < i + 4; k++) copyOne(rec, out, k, j0, aliveOf(k))
  }
  for (; i < n; i++) copyOne(rec, out, i, j0, aliveOf(i))
  if (out.sharpness) sharpnessOf(state, out, j0, count, pointMetrics)
}

/**
 * The recorded points into an interleaved output: in one native copy per array where the
 * backend reshuffles them run-major itself (RecordedPoints.runMajor) and they fill the block,
 * else point by point; NaN from each particle's death step on.
 */
function copyInterleaved(
  state: Float32State,
  rec: RecordedPoints,
  out: BlockOutput,
  xy: Float32Array,
  j0: number,
  aliveOf: (i: number) => number,
): void {
  const n = state.n
  const { count, stride, x: rx, y: ry, loss: rl } = rec
  const w = out.count
  const runMajor = rec.runMajor
  if (runMajor && j0 === 0 && count === w) {
    xy.set(runMajor.xy.subarray(0, 2 * n * w))
    out.loss.set(runMajor.loss.subarray(0, n * w))
    for (let i = 0; i < n; i++) for (let j = aliveOf(i); j < count; j++) fillDead(out, i * w + j)
    return
  }
  for (let i = 0; i < n; i++) {
    const alive = aliveOf(i)
    const base = i * w + j0
    let r = i
    for (let j = 0; j < alive; j++, r += stride) {
      xy[2 * (base + j)] = rx[r]
      xy[2 * (base + j) + 1] = ry[r]
      out.loss[base + j] = rl[r]
    }
    for (let j = alive; j < count; j++) fillDead(out, base + j)
  }
}

/** Points of particles i … i + 3 (all alive) into `out`. */
function copyFour(rec: RecordedPoints, out: BlockOutput, i: number, j0: number): void {
  const { count, stride, x: rx, y: ry, loss: rl } = rec
  const { x: ox, y: oy, loss: ol } = out
  const w = out.count
  const b = i * w + j0
  let r = i
  for (let j = 0; j < count; j++, r += stride) {
    ox[b + j] = rx[r]
    ox[b + w + j] = rx[r + 1]
    ox[b + 2 * w + j] = rx[r + 2]
    ox[b + 3 * w + j] = rx[r + 3]
    oy[b + j] = ry[r]
    oy[b + w + j] = ry[r + 1]
    oy[b + 2 * w + j] = ry[r + 2]
    oy[b + 3 * w + j] = ry[r + 3]
    ol[b + j] = rl[r]
    ol[b + w + j] = rl[r + 1]
    ol[b + 2 * w + j] = rl[r + 2]
    ol[b + 3 * w + j] = rl[r + 3]
  }
}

/** Points of particle i into `out`: its first `alive` from the rows, NaN after. */
function copyOne(rec: RecordedPoints, out: BlockOutput, i: number, j0: number, alive: number): void {
  const { count, stride, x: rx, y: ry, loss: rl } = rec
  const base = i * out.count + j0
  let r = i
  for (let j = 0; j < alive; j++, r += stride) {
    out.x[base + j] = rx[r]
    out.y[base + j] = ry[r]
    out.loss[base + j] = rl[r]
  }
  for (let j = alive; j < count; j++) fillDead(out, base + j)
}

/** Sharpness and top eigenvector (float64, on the host) at the points just copied into `out`. */
function sharpnessOf(state: Float32State, out: BlockOutput, j0: number, count: number, pointMetrics: PointMetrics): void {
  const metrics = new Float64Array(4)
  for (let i = 0; i < state.n; i++) {
    for (let j = 0; j < count; j++) {
      const at = i * out.count + j0 + j
      if (Number.isNaN(out.x[at]) && Number.isNaN(out.loss[at])) continue
      pointMetrics(out.x[at], out.y[at], metrics)
      out.sharpness![at] = metrics[1]
      if (out.axis) {
        out.axis[2 * at] = metrics[2]
        out.axis[2 * at + 1] = metrics[3]
      }
    }
  }
}
